//! `POST /revoke` (RFC 7009).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::app::{AppState, lock};
use crate::auth::client_auth::{self, Requirement};
use crate::auth::mtls::PeerCertificate;
use crate::http::error::OAuthError;
use crate::http::params::Params;

pub(crate) async fn handler(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    body: Bytes,
) -> Response {
    match revoke(&app, &headers, &peer, &body) {
        Ok(()) => StatusCode::OK.into_response(),
        Err(e) => e.into_response(),
    }
}

fn revoke(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    body: &[u8],
) -> Result<(), OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&[])?;
    let client = client_auth::authenticate(
        app,
        headers,
        peer,
        &params,
        &app.url("/revoke"),
        Requirement::Required,
    )?
    .ok_or_else(|| OAuthError::invalid_client("client authentication required"))?;
    let token = params.require("token")?;
    match params.get("token_type_hint") {
        None | Some("access_token") | Some("refresh_token") => {}
        Some(other) => {
            return Err(OAuthError::bad(
                "unsupported_token_type",
                format!("token_type_hint {other:?} is not supported"),
            ));
        }
    }
    let mut store = lock(&app.store);
    // RFC 7009 §2.1: the token must have been issued to the client revoking it.
    let owner = store
        .access
        .get(token)
        .map(|a| a.client_id.clone())
        .or_else(|| store.refresh.get(token).map(|r| r.client_id.clone()));
    match owner {
        // §2.2: an unknown (or already invalid) token is not an error.
        None => Ok(()),
        Some(owner) if owner != client.id => Err(OAuthError::unauthorized_client(
            "the token was issued to another client",
        )),
        Some(_) => {
            if let Some(access) = store.access.get_mut(token) {
                access.revoked = true;
            } else if let Some(grant_id) = store.refresh.get(token).map(|r| r.grant_id.clone()) {
                // Revoking a refresh token ends the whole grant, access tokens included.
                store.revoke_grant(&grant_id);
            }
            Ok(())
        }
    }
}
