//! Protected resources (RFC 6750): `/userinfo` and `/resource` accept a valid, unrevoked,
//! unexpired access token from `Authorization: Bearer`.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::{AppState, lock};
use crate::clock;
use crate::http::bearer;
use crate::tokens::store::AccessRecord;

/// The token's record, or the 401 to answer with.
fn authorize(app: &AppState, headers: &HeaderMap) -> Result<AccessRecord, Box<Response>> {
    let Some(token) = bearer::token(headers) else {
        return Err(Box::new(bearer::unauthorized(false, "no Bearer token")));
    };
    let record = lock(&app.store).active_access(token, clock::now()).cloned();
    record.ok_or_else(|| {
        Box::new(bearer::unauthorized(
            true,
            "the access token is unknown, expired or revoked",
        ))
    })
}

pub(crate) async fn userinfo(State(app): State<AppState>, headers: HeaderMap) -> Response {
    match authorize(&app, &headers) {
        Ok(token) => Json(json!({
            "sub": token.sub,
            "scope": token.scope,
            "name": token.sub,
            "email": format!("{}@example.com", token.sub),
        }))
        .into_response(),
        Err(response) => *response,
    }
}

pub(crate) async fn resource(State(app): State<AppState>, headers: HeaderMap) -> Response {
    match authorize(&app, &headers) {
        Ok(token) => Json(json!({
            "sub": token.sub,
            "scope": token.scope,
            "client_id": token.client_id,
        }))
        .into_response(),
        Err(response) => *response,
    }
}
