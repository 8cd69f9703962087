//! `POST /introspect` (RFC 7662).

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::{AppState, lock};
use crate::auth::client_auth::{self, Requirement};
use crate::auth::mtls::PeerCertificate;
use crate::clock;
use crate::http::error::OAuthError;
use crate::http::no_store;
use crate::http::params::Params;

pub(crate) async fn handler(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    body: Bytes,
) -> Response {
    match introspect(&app, &headers, &peer, &body) {
        Ok(info) => no_store(Json(info).into_response()),
        Err(e) => e.into_response(),
    }
}

fn introspect(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&[])?;
    client_auth::authenticate(
        app,
        headers,
        peer,
        &params,
        &app.url("/introspect"),
        Requirement::Required,
    )?;
    let token = params.require("token")?;
    let store = lock(&app.store);
    // The hint only orders the look-ups (RFC 7662 §2.1); both kinds are always tried.
    if let Some(a) = store.active_access(token, clock::now()) {
        let mut answer = json!({
            "active": true,
            "scope": a.scope,
            "client_id": a.client_id,
            "username": a.sub,
            "sub": a.sub,
            "aud": a.aud,
            "iss": app.base_url,
            "exp": a.exp,
            "iat": a.iat,
            "jti": a.jti,
            "token_type": "Bearer",
        });
        // RFC 9449 §6.2: a DPoP-bound token's key, and its type.
        if let Some(jkt) = &a.jkt {
            answer["token_type"] = json!("DPoP");
            answer["cnf"] = json!({ "jkt": jkt });
        }
        // RFC 8705 §3.2: a certificate-bound token's certificate.
        if let Some(x5t) = &a.x5t {
            answer["cnf"]["x5t#S256"] = json!(x5t);
        }
        return Ok(answer);
    }
    if let Some(r) = store.active_refresh(token) {
        return Ok(json!({
            "active": true,
            "scope": r.scope,
            "client_id": r.client_id,
            "username": r.sub,
            "sub": r.sub,
            "iss": app.base_url,
            "iat": r.iat,
            "token_type": "refresh_token",
        }));
    }
    Ok(json!({ "active": false }))
}
