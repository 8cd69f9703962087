//! Protected-resource side of RFC 6750: reading the token and answering 401.

use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// The token from `Authorization: Bearer <token>` (scheme matched case-insensitively).
pub(crate) fn token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// 401 with a `WWW-Authenticate: Bearer` challenge. RFC 6750 §3.1: a request with no
/// token gets no error code; one with a bad token gets `error="invalid_token"`.
pub(crate) fn unauthorized(token_was_sent: bool, description: &str) -> Response {
    let challenge = if token_was_sent {
        format!(
            r#"Bearer realm="devserver", error="invalid_token", error_description="{description}""#
        )
    } else {
        r#"Bearer realm="devserver""#.to_owned()
    };
    let body = if token_was_sent {
        json!({ "error": "invalid_token", "error_description": description })
    } else {
        json!({ "error": "invalid_request", "error_description": description })
    };
    let mut response = (StatusCode::UNAUTHORIZED, axum::Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    response
}
