//! Pushed authorization requests (RFC 9126): `POST /par` takes the
//! authorization parameters with client authentication and answers a
//! one-time `request_uri`; `/authorize` then reads them from here
//! (`client_id` and `request_uri` are all the browser carries).
//!
//! A request object (RFC 9101) may be pushed as `request`: its claims are the
//! parameters. A DPoP proof (RFC 9449 §10.1) binds the code to the proof's
//! key, as `dpop_jkt` does; both given, they must name the same key.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::request_object;
use crate::app::{AppState, lock};
use crate::auth::client_auth::{self, Requirement};
use crate::auth::dpop;
use crate::auth::mtls::PeerCertificate;
use crate::clock;
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::tokens::random;
use crate::tokens::store::PushedRequest;

/// RFC 9126 §2.2: the `request_uri` prefix.
const REQUEST_URI_PREFIX: &str = "urn:ietf:params:oauth:request_uri:";
/// How long a pushed request may wait for its `/authorize` (RFC 9126 §2.2
/// suggests a short lifetime, 5 to 600 seconds).
const LIFETIME: u64 = 60;
/// Client authentication parameters: not authorization parameters.
const CLIENT_AUTH: [&str; 3] = ["client_secret", "client_assertion", "client_assertion_type"];
/// Parameters that extensions allow to repeat (RFC 8707 `resource`).
const REPEATABLE: [&str; 1] = ["resource"];

pub(crate) async fn handler(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    uri: Uri,
    body: Bytes,
) -> Response {
    // `/par` or its mTLS alias `/mtls/par`: the URL proofs and assertions name.
    match push(&app, &headers, &peer, uri.path(), &body) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn push(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    path: &str,
    body: &[u8],
) -> Result<Response, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&REPEATABLE)?;
    let client = client_auth::authenticate(
        app,
        headers,
        peer,
        &params,
        &app.url(path),
        Requirement::Required,
    )?
    .ok_or_else(|| OAuthError::invalid_client("no client authentication"))?;
    if params.has("request_uri") {
        return Err(OAuthError::invalid_request(
            "request_uri cannot be pushed (RFC 9126 §2.1)",
        ));
    }
    let pushed = match params.get("request") {
        Some(jwt) => request_object::read(app, client, jwt)
            .map_err(|why| OAuthError::bad(request_object::ERROR, why))?,
        None => Params::from_pairs(
            params
                .iter()
                .filter(|(k, _)| !CLIENT_AUTH.contains(k))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        ),
    };
    if pushed.get("client_id").is_some_and(|id| id != client.id) {
        return Err(OAuthError::invalid_request(
            "client_id is not the authenticated client",
        ));
    }
    let mut pairs: Vec<(String, String)> = pushed
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if !pushed.has("client_id") {
        pairs.push(("client_id".into(), client.id.to_owned()));
    }
    if let Some(jkt) = dpop::check_at_server(app, headers, path)? {
        match pushed.get("dpop_jkt") {
            Some(given) if given != jkt => {
                return Err(OAuthError::bad(
                    "invalid_dpop_proof",
                    "dpop_jkt is not the thumbprint of the proof's key",
                ));
            }
            Some(_) => {}
            None => pairs.push(("dpop_jkt".into(), jkt)),
        }
    }
    let request_uri = format!("{REQUEST_URI_PREFIX}{}", random::token(24));
    lock(&app.store).pushed.insert(
        request_uri.clone(),
        PushedRequest {
            client_id: client.id.to_owned(),
            params: Params::from_pairs(pairs),
            expires_at: clock::now() + LIFETIME,
        },
    );
    tracing::debug!(client = client.id, "pushed authorization request");
    let body = Json(json!({ "request_uri": request_uri, "expires_in": LIFETIME }));
    Ok(crate::http::no_store(
        (StatusCode::CREATED, body).into_response(),
    ))
}

/// The parameters pushed under `request_uri` by `client_id`; a request URI is
/// used once (RFC 9126 §4), expired or another client's is refused.
pub(crate) fn take(app: &AppState, client_id: &str, request_uri: &str) -> Result<Params, String> {
    let record = lock(&app.store)
        .pushed
        .remove(request_uri)
        .ok_or("the request_uri is unknown or was used already")?;
    if record.client_id != client_id {
        return Err("the request_uri was pushed by another client".into());
    }
    if record.expires_at < clock::now() {
        return Err("the request_uri expired".into());
    }
    Ok(record.params)
}
