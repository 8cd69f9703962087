//! The RFC 6749 §5.2 error response, used by every standard endpoint.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An OAuth error: `{"error": ..., "error_description": ...}` with `Cache-Control: no-store`.
#[derive(Debug, Clone)]
pub(crate) struct OAuthError {
    status: StatusCode,
    error: String,
    description: String,
    www_authenticate: Option<String>,
    dpop_nonce: Option<String>,
}

impl OAuthError {
    pub(crate) fn new(status: StatusCode, error: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            error: error.to_owned(),
            description: description.into(),
            www_authenticate: None,
            dpop_nonce: None,
        }
    }

    /// A 400 error with the given code (the usual case at the token endpoint).
    pub(crate) fn bad(error: &str, description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, error, description)
    }

    pub(crate) fn invalid_request(description: impl Into<String>) -> Self {
        Self::bad("invalid_request", description)
    }

    pub(crate) fn invalid_grant(description: impl Into<String>) -> Self {
        Self::bad("invalid_grant", description)
    }

    pub(crate) fn invalid_scope(description: impl Into<String>) -> Self {
        Self::bad("invalid_scope", description)
    }

    pub(crate) fn unauthorized_client(description: impl Into<String>) -> Self {
        Self::bad("unauthorized_client", description)
    }

    /// `invalid_client` is the one error that is a 401 (RFC 6749 §5.2).
    pub(crate) fn invalid_client(description: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_client", description)
    }

    /// For errors that are the server's own fault (a JWT that would not sign).
    pub(crate) fn server_error(description: impl Into<String>) -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            description,
        )
    }

    /// Adds the challenge RFC 6749 §5.2 requires when the client tried HTTP Basic.
    pub(crate) fn with_basic_challenge(mut self) -> Self {
        self.www_authenticate = Some(r#"Basic realm="devserver""#.to_owned());
        self
    }

    /// A `DPoP-Nonce` header for the client's next proof (RFC 9449 §8).
    pub(crate) fn with_dpop_nonce(mut self, nonce: String) -> Self {
        self.dpop_nonce = Some(nonce);
        self
    }

    #[cfg(test)]
    pub(crate) fn code(&self) -> &str {
        &self.error
    }

    pub(crate) fn description(&self) -> &str {
        &self.description
    }
}

impl IntoResponse for OAuthError {
    fn into_response(self) -> Response {
        tracing::debug!(error = %self.error, description = %self.description, "oauth error");
        let body = json!({ "error": self.error, "error_description": self.description });
        let mut response = (self.status, Json(body)).into_response();
        let challenge = self.www_authenticate.as_deref().map(HeaderValue::from_str);
        if let Some(Ok(value)) = challenge {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, value);
        }
        if let Some(Ok(value)) = self.dpop_nonce.as_deref().map(HeaderValue::from_str) {
            response.headers_mut().insert("dpop-nonce", value);
        }
        super::no_store(response)
    }
}
