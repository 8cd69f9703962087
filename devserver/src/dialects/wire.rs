//! Wire checks the dialects share: "no body", "Basic required", `x-access-token`.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::http::basic::{self, Credentials, Encoding};
use crate::http::error::OAuthError;

/// Deskera's token calls carry every parameter in the query string and nothing in the
/// body; a client that moves them to the body gets the 400 a real server would give
/// (the parameters it needs are simply missing from where the server reads them).
pub(crate) fn require_empty_body(body: &[u8]) -> Result<(), OAuthError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(())
    } else {
        Err(OAuthError::invalid_request(
            "this endpoint takes its parameters in the query string; the body must be empty",
        ))
    }
}

/// `Authorization: Basic base64(clientId:clientSecret)`, taken literally (not
/// form-encoded), matching `id` and `secret`.
pub(crate) fn require_plain_basic(
    headers: &HeaderMap,
    id: &str,
    secret: &str,
) -> Result<(), OAuthError> {
    let creds = basic::parse(headers, Encoding::Plain)
        .map_err(|reason| OAuthError::invalid_client(reason).with_basic_challenge())?
        .ok_or_else(|| {
            OAuthError::invalid_client("Authorization: Basic is required").with_basic_challenge()
        })?;
    let expected = Credentials {
        id: id.to_owned(),
        secret: secret.to_owned(),
    };
    if creds != expected {
        return Err(OAuthError::invalid_client("bad client credentials").with_basic_challenge());
    }
    Ok(())
}

/// The `x-access-token` header Deskera's validate calls use.
pub(crate) fn access_token_header(headers: &HeaderMap) -> Option<&str> {
    headers
        .get("x-access-token")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty())
}

/// Deskera's validate answer: 200 for a good token, 401 otherwise.
pub(crate) fn validate_response(valid: Option<&str>) -> Response {
    match valid {
        Some(sub) => axum::Json(json!({ "valid": true, "sub": sub })).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            axum::Json(
                json!({ "valid": false, "message": "token is missing, unknown or expired" }),
            ),
        )
            .into_response(),
    }
}
