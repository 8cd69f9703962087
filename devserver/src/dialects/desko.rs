//! Desko client credentials (`shared/providers/desko-client-credentials.md`), under
//! `/desko/`.
//!
//! - `POST /desko/v1.1/oauth/token` with `Content-Type: application/json` and
//!   `{"grant_type":"client_credentials","client_id","client_secret","scope"}` (scope
//!   space-separated) → `{"token_type":"Bearer","expires_in":…,"access_token":"<JWT>"}`.
//!   Bad credentials → 401 `{"error":401,"id":"oauth_server","message":"Client
//!   authentication failed"}`, exactly as documented. A form body → 415.
//! - `GET /desko/v1.1/resource` with `Authorization: Bearer <token>`.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::ledger;
use crate::app::{AppState, lock, tracked};
use crate::clients::{DESKO_CLIENT_ID, DESKO_CLIENT_SECRET};
use crate::http::{bearer, media_type, no_store};
use crate::tokens::scope;

const PREFIX: &str = "/desko";

pub(crate) fn routes(app: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/desko/v1.1/oauth/token",
            tracked(app, "desko/token", post(token)),
        )
        .route(
            "/desko/v1.1/resource",
            tracked(app, "desko/resource", get(resource)),
        )
}

/// Desko's error shape: `{"error": <status>, "id": "oauth_server", "message": ...}`.
fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": status.as_u16(), "id": "oauth_server", "message": message })),
    )
        .into_response()
}

async fn token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if media_type(&headers).as_deref() != Some("application/json") {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let Ok(Value::Object(request)) = serde_json::from_slice::<Value>(&body) else {
        return error(
            StatusCode::BAD_REQUEST,
            "The request body must be a JSON object",
        );
    };
    let field = |name: &str| request.get(name).and_then(Value::as_str);
    if field("grant_type") != Some("client_credentials") {
        return error(
            StatusCode::BAD_REQUEST,
            "The authorization grant type is not supported by the authorization server.",
        );
    }
    if field("client_id") != Some(DESKO_CLIENT_ID)
        || field("client_secret") != Some(DESKO_CLIENT_SECRET)
    {
        return error(StatusCode::UNAUTHORIZED, "Client authentication failed");
    }
    let scope = match request.get("scope") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) if s.is_empty() => String::new(),
        Some(Value::String(s)) => match scope::requested(Some(s)) {
            Ok(s) => s,
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    "scope must be space-separated scope names",
                );
            }
        },
        Some(_) => return error(StatusCode::BAD_REQUEST, "scope must be a string"),
    };
    let mut granted = ledger::grant(&app, DESKO_CLIENT_ID, &scope);
    granted.sub = DESKO_CLIENT_ID.to_owned();
    let access_token = match ledger::mint_jwt(&app, PREFIX, &granted, "access") {
        Ok(t) => t,
        Err(e) => return e.into_response(),
    };
    lock(&app.dialects.desko).remember_access(&access_token, granted);
    no_store(
        Json(json!({
            "token_type": "Bearer",
            "expires_in": app.token_lifetime(),
            "access_token": access_token,
        }))
        .into_response(),
    )
}

async fn resource(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let ledger = lock(&app.dialects.desko);
    match bearer::token(&headers).and_then(|t| ledger.valid_access(t)) {
        Some(t) => Json(json!({ "client_id": t.client_id, "scope": t.scope })).into_response(),
        None => error(StatusCode::UNAUTHORIZED, "Unauthenticated"),
    }
}
