//! JSON request bodies for the control API and the approval endpoints.
//!
//! These are test plumbing, so they are lenient about `Content-Type` (a bare `curl -d`
//! works) but strict about the JSON itself: a body that does not parse is a 400.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::json;

/// The parsed body, or the 400 message for it.
pub(crate) fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, String> {
    let body = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}".as_slice()
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| format!("invalid JSON body: {e}"))
}

pub(crate) fn bad_request(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "invalid_request", "error_description": message })),
    )
        .into_response()
}

pub(crate) fn ok() -> Response {
    Json(json!({ "ok": true })).into_response()
}
