//! CIBA poll mode (OpenID Connect CIBA core 1.0): the backchannel authentication request
//! (§7) and the approval call a test sends in place of the user's phone.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{AppState, lock};
use crate::auth::client_auth::{self, Requirement};
use crate::auth::mtls::PeerCertificate;
use crate::clients::{self, DEFAULT_USER};
use crate::clock;
use crate::grants::polling::{Decision, PollRecord};
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::http::{json_body, no_store};
use crate::tokens::random;
use crate::tokens::scope;

/// `POST /bc-authorize`.
pub(crate) async fn authorize(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    body: Bytes,
) -> Response {
    match backchannel(&app, &headers, &peer, &body) {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => e.into_response(),
    }
}

fn backchannel(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&[])?;
    let client = client_auth::authenticate(
        app,
        headers,
        peer,
        &params,
        &app.url("/bc-authorize"),
        Requirement::Required,
    )?
    .ok_or_else(|| OAuthError::invalid_client("client authentication required"))?;
    let scope = scope::requested(Some(params.require("scope")?))?;
    if !scope::contains(&scope, "openid") {
        return Err(OAuthError::invalid_scope(
            "CIBA requests must include the openid scope",
        ));
    }
    let sub = user_from_hints(app, &params)?;
    let mut book = lock(&app.ciba);
    let config = book.config;
    let expires_in = match params.get("requested_expiry") {
        None => config.expires_in,
        Some(raw) => raw.parse::<u64>().ok().filter(|s| *s > 0).ok_or_else(|| {
            OAuthError::invalid_request("requested_expiry must be a positive integer")
        })?,
    };
    let auth_req_id = random::token(24);
    book.insert(
        auth_req_id.clone(),
        None,
        PollRecord {
            client_id: client.id.to_owned(),
            scope,
            sub_hint: Some(sub),
            expires_at: clock::now() + expires_in,
            interval: config.interval,
            last_poll: None,
            decision: Decision::Pending,
            consumed: false,
        },
    );
    if let Some(message) = params.get("binding_message") {
        tracing::info!(%auth_req_id, message, "CIBA binding message");
    }
    Ok(json!({ "auth_req_id": auth_req_id, "expires_in": expires_in, "interval": config.interval }))
}

/// Exactly one of the three hints names the user (§7.1).
fn user_from_hints(app: &AppState, params: &Params) -> Result<String, OAuthError> {
    let hints = ["login_hint", "id_token_hint", "login_hint_token"];
    let given: Vec<&str> = hints.iter().copied().filter(|h| params.has(h)).collect();
    if given.len() != 1 {
        return Err(OAuthError::invalid_request(
            "exactly one of login_hint, id_token_hint, login_hint_token is required",
        ));
    }
    match given[0] {
        "login_hint" => {
            let user = params.get("login_hint").unwrap_or_default();
            if clients::is_user(user) {
                Ok(user.to_owned())
            } else {
                Err(OAuthError::bad(
                    "unknown_user_id",
                    format!("no user {user:?}"),
                ))
            }
        }
        "id_token_hint" => {
            let token = params.get("id_token_hint").unwrap_or_default();
            app.signer
                .verify(token)
                .and_then(|c| c.get("sub").and_then(Value::as_str).map(str::to_owned))
                .ok_or_else(|| {
                    OAuthError::invalid_request(
                        "id_token_hint is not a valid ID token of this server",
                    )
                })
        }
        // A login_hint_token is opaque to this server; it stands for the default user.
        _ => Ok(DEFAULT_USER.to_owned()),
    }
}

#[derive(Debug, Deserialize)]
struct ApproveBody {
    auth_req_id: String,
    approve: bool,
}

/// `POST /ciba/approve` `{"auth_req_id": "...", "approve": true|false}`.
pub(crate) async fn approve(State(app): State<AppState>, body: Bytes) -> Response {
    let body: ApproveBody = match json_body::parse(&body) {
        Ok(b) => b,
        Err(message) => return json_body::bad_request(&message),
    };
    let mut book = lock(&app.ciba);
    let Some(sub) = book.get(&body.auth_req_id).map(|r| {
        r.sub_hint
            .clone()
            .unwrap_or_else(|| DEFAULT_USER.to_owned())
    }) else {
        return (
            StatusCode::NOT_FOUND,
            Json(json!({ "error": "unknown auth_req_id" })),
        )
            .into_response();
    };
    let decision = if body.approve {
        Decision::Approved { sub }
    } else {
        Decision::Denied
    };
    match book.decide(&body.auth_req_id, decision) {
        Some(Ok(())) => Json(json!({
            "auth_req_id": body.auth_req_id,
            "status": if body.approve { "approved" } else { "denied" },
        }))
        .into_response(),
        _ => (
            StatusCode::CONFLICT,
            Json(json!({ "error": "this request was already decided" })),
        )
            .into_response(),
    }
}
