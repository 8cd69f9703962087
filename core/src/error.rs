//! One error type for every operation, with a stable numeric code per kind
//! that the C, Python, Kotlin and Swift bindings map one to one.

use std::fmt;
use std::time::Duration;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Largest part of a response body kept in an error (bytes).
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// Everything that can go wrong. Messages never contain secrets.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The authorization server answered with an OAuth error
    /// (RFC 6749 §5.2, §4.1.2.1, or a provider's own error body mapped by its profile).
    #[error("{0}")]
    OAuth(Box<OAuthError>),
    /// A refresh token (or device code, or grant) is no longer usable:
    /// the user must authorize again. Distinct from transient failures.
    #[error("re-authorization required: {0}")]
    ReauthorizationRequired(Box<OAuthError>),
    /// An error status whose body is not an OAuth error (an HTML page, a gateway error…).
    #[error("HTTP {status} from the server{}", excerpt_suffix(.body))]
    Http {
        /// Status code.
        status: u16,
        /// The body, truncated to [`BODY_EXCERPT_LIMIT`] bytes, token values redacted.
        body: String,
        /// `Retry-After`, when the server sent one.
        retry_after: Option<Duration>,
    },
    /// A success status with a body that is not a usable answer (no `access_token`, bad JSON…).
    #[error("invalid response (HTTP {status}): {reason}{}", excerpt_suffix(.body))]
    InvalidResponse {
        /// Status code.
        status: u16,
        /// What is wrong with it.
        reason: String,
        /// The body, truncated, token values redacted.
        body: String,
    },
    /// The endpoint answered with a redirect, which is never followed on token,
    /// introspection and revocation endpoints.
    #[error("unexpected redirect (HTTP {status}) to {location:?}")]
    UnexpectedRedirect {
        /// Status code.
        status: u16,
        /// `Location` header, if any (query values removed).
        location: Option<String>,
    },
    /// The response body exceeded the configured cap.
    #[error("response body larger than the {limit}-byte limit")]
    ResponseTooLarge {
        /// The cap in bytes.
        limit: usize,
    },
    /// The connection failed (refused, reset, a temporary DNS failure…): trying
    /// again may succeed.
    #[error("transport error: {0}")]
    Transport(String),
    /// The server cannot be reached and trying again will not help: the host
    /// name does not exist (DNS NXDOMAIN) or its TLS certificate is not
    /// trusted. Code [`ErrorCode::Transport`], never transient, so a session
    /// fails at once instead of retrying for its whole retry deadline.
    #[error("transport error (permanent): {0}")]
    Unreachable(String),
    /// The server did not answer within the timeout.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The `state` returned to the redirect URI is not the one sent (possible CSRF).
    #[error("state mismatch: the authorization response does not belong to this request")]
    StateMismatch,
    /// The `iss` of an authorization response (RFC 9207) is not the expected issuer.
    #[error("issuer mismatch: expected {expected:?}, got {actual:?}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// What the response carried (None when it was missing but required).
        actual: Option<String>,
    },
    /// Invalid configuration or input (bad URL, missing endpoint, unusable key…).
    #[error("configuration error: {0}")]
    Config(String),
    /// A token store failed to load or save.
    #[error("token store error: {0}")]
    Store(String),
    /// The store holds something that is not a token set (a torn or foreign
    /// file, bad JSON from an app's own store). Code [`ErrorCode::Store`]. A
    /// session reports it once and then, when its grant can start over, carries
    /// on as an empty session (the file store keeps the damaged file aside).
    #[error("token store damaged: {0}")]
    StoreDamaged(String),
    /// The operation was cancelled by the caller.
    #[error("cancelled")]
    Cancelled,
    /// A polling flow (device, CIBA) reached its deadline without an answer.
    #[error("the authorization request expired before it was approved")]
    Expired,
    /// The runtime cannot serve this call (used after fork, blocking call inside async…).
    #[error("runtime error: {0}")]
    Runtime(String),
}

/// Stable numeric codes, shared by every binding. Never renumber.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(i32)]
#[non_exhaustive]
pub enum ErrorCode {
    /// [`Error::OAuth`]
    OAuth = 1,
    /// [`Error::ReauthorizationRequired`]
    ReauthorizationRequired = 2,
    /// [`Error::Http`]
    Http = 3,
    /// [`Error::InvalidResponse`]
    InvalidResponse = 4,
    /// [`Error::UnexpectedRedirect`]
    UnexpectedRedirect = 5,
    /// [`Error::ResponseTooLarge`]
    ResponseTooLarge = 6,
    /// [`Error::Transport`]
    Transport = 7,
    /// [`Error::Timeout`]
    Timeout = 8,
    /// [`Error::StateMismatch`]
    StateMismatch = 9,
    /// [`Error::IssuerMismatch`]
    IssuerMismatch = 10,
    /// [`Error::Config`]
    Config = 11,
    /// [`Error::Store`]
    Store = 12,
    /// [`Error::Cancelled`]
    Cancelled = 13,
    /// [`Error::Expired`]
    Expired = 14,
    /// [`Error::Runtime`]
    Runtime = 15,
}

impl ErrorCode {
    /// Every code, in numeric order. Bindings build their tables from this list
    /// (or are checked against it), so a new code cannot miss a language.
    pub const ALL: [ErrorCode; 15] = [
        ErrorCode::OAuth,
        ErrorCode::ReauthorizationRequired,
        ErrorCode::Http,
        ErrorCode::InvalidResponse,
        ErrorCode::UnexpectedRedirect,
        ErrorCode::ResponseTooLarge,
        ErrorCode::Transport,
        ErrorCode::Timeout,
        ErrorCode::StateMismatch,
        ErrorCode::IssuerMismatch,
        ErrorCode::Config,
        ErrorCode::Store,
        ErrorCode::Cancelled,
        ErrorCode::Expired,
        ErrorCode::Runtime,
    ];

    /// The name every binding gives a code it does not know (a library older
    /// than the code): the number is kept, the kind is `"unknown"`, and the
    /// binding's base error type stands for it.
    pub const UNKNOWN_NAME: &'static str = "unknown";

    /// The code with this number, if this version knows it.
    pub fn from_i32(n: i32) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| *c as i32 == n)
    }

    /// The code with this [`name`](Self::name), if this version knows it.
    pub fn from_name(name: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The name of the code numbered `n`, or [`UNKNOWN_NAME`](Self::UNKNOWN_NAME).
    pub fn name_of(n: i32) -> &'static str {
        ErrorCode::from_i32(n).map_or(ErrorCode::UNKNOWN_NAME, ErrorCode::name)
    }

    /// One line saying what the code means (the same text in every binding's docs).
    pub fn summary(self) -> &'static str {
        match self {
            ErrorCode::OAuth => "the server answered with an OAuth error (RFC 6749 §5.2)",
            ErrorCode::ReauthorizationRequired => {
                "the refresh token or grant is no longer usable: authorize again"
            }
            ErrorCode::Http => "an error status whose body is not an OAuth error",
            ErrorCode::InvalidResponse => "a success status with an unusable body",
            ErrorCode::UnexpectedRedirect => {
                "an endpoint answered with a redirect (never followed)"
            }
            ErrorCode::ResponseTooLarge => "the response body exceeded the size cap",
            ErrorCode::Transport => "the connection failed (refused, reset, DNS, TLS)",
            ErrorCode::Timeout => "the server did not answer in time",
            ErrorCode::StateMismatch => "the redirect's state is not the one sent (possible CSRF)",
            ErrorCode::IssuerMismatch => "the redirect's iss is not the expected issuer (RFC 9207)",
            ErrorCode::Config => "invalid configuration or input",
            ErrorCode::Store => "a token store failed to load or save",
            ErrorCode::Cancelled => "the operation was cancelled by the caller",
            ErrorCode::Expired => "a polling flow expired before it was approved",
            ErrorCode::Runtime => "the runtime cannot serve this call (after fork, inside async)",
        }
    }

    /// A short, stable, lowercase name (`"oauth"`, `"timeout"`…).
    pub fn name(self) -> &'static str {
        match self {
            ErrorCode::OAuth => "oauth",
            ErrorCode::ReauthorizationRequired => "reauthorization_required",
            ErrorCode::Http => "http",
            ErrorCode::InvalidResponse => "invalid_response",
            ErrorCode::UnexpectedRedirect => "unexpected_redirect",
            ErrorCode::ResponseTooLarge => "response_too_large",
            ErrorCode::Transport => "transport",
            ErrorCode::Timeout => "timeout",
            ErrorCode::StateMismatch => "state_mismatch",
            ErrorCode::IssuerMismatch => "issuer_mismatch",
            ErrorCode::Config => "config",
            ErrorCode::Store => "store",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::Expired => "expired",
            ErrorCode::Runtime => "runtime",
        }
    }
}

impl Error {
    /// The stable code of this error's kind.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::OAuth(_) => ErrorCode::OAuth,
            Error::ReauthorizationRequired(_) => ErrorCode::ReauthorizationRequired,
            Error::Http { .. } => ErrorCode::Http,
            Error::InvalidResponse { .. } => ErrorCode::InvalidResponse,
            Error::UnexpectedRedirect { .. } => ErrorCode::UnexpectedRedirect,
            Error::ResponseTooLarge { .. } => ErrorCode::ResponseTooLarge,
            Error::Transport(_) | Error::Unreachable(_) => ErrorCode::Transport,
            Error::Timeout(_) => ErrorCode::Timeout,
            Error::StateMismatch => ErrorCode::StateMismatch,
            Error::IssuerMismatch { .. } => ErrorCode::IssuerMismatch,
            Error::Config(_) => ErrorCode::Config,
            Error::Store(_) | Error::StoreDamaged(_) => ErrorCode::Store,
            Error::Cancelled => ErrorCode::Cancelled,
            Error::Expired => ErrorCode::Expired,
            Error::Runtime(_) => ErrorCode::Runtime,
        }
    }

    /// The OAuth error fields, for [`Error::OAuth`] and [`Error::ReauthorizationRequired`].
    pub fn oauth(&self) -> Option<&OAuthError> {
        match self {
            Error::OAuth(e) | Error::ReauthorizationRequired(e) => Some(e),
            _ => None,
        }
    }

    /// The HTTP status the server answered with, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::OAuth(e) | Error::ReauthorizationRequired(e) => e.status,
            Error::Http { status, .. }
            | Error::InvalidResponse { status, .. }
            | Error::UnexpectedRedirect { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The (truncated, redacted) response body, when there was one.
    pub fn body(&self) -> Option<&str> {
        match self {
            Error::OAuth(e) | Error::ReauthorizationRequired(e) => e.body.as_deref(),
            Error::Http { body, .. } | Error::InvalidResponse { body, .. } => Some(body),
            _ => None,
        }
    }

    /// Whether trying again later may succeed: connection failures (but not
    /// [`Error::Unreachable`]: unknown host, untrusted certificate), timeouts, 5xx, 429, and the `temporarily_unavailable` / `server_error` OAuth errors.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Http { status, .. } => *status == 429 || *status >= 500,
            Error::OAuth(e) => {
                matches!(e.error.as_str(), "temporarily_unavailable" | "server_error")
                    || e.status.is_some_and(|s| s == 429 || s >= 500)
            }
            _ => false,
        }
    }

    /// The server's `Retry-After`, when it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Http { retry_after, .. } => *retry_after,
            Error::OAuth(e) => e.retry_after,
            _ => None,
        }
    }

    pub(crate) fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }

    pub(crate) fn invalid(status: u16, reason: impl Into<String>, body: &[u8]) -> Self {
        Error::InvalidResponse {
            status,
            reason: reason.into(),
            body: body_excerpt(body),
        }
    }
}

/// The fields of an OAuth error answer (RFC 6749 §5.2), or of a provider's own
/// error body as its profile reads it. Non-standard fields stay in `extra`.
#[derive(Clone, Default, PartialEq)]
pub struct OAuthError {
    /// `error`: `invalid_grant`, `invalid_client`… (a provider's own code for non-standard bodies).
    pub error: String,
    /// `error_description`.
    pub description: Option<String>,
    /// `error_uri`.
    pub uri: Option<String>,
    /// HTTP status (None when the error came back through a redirect).
    pub status: Option<u16>,
    /// The body as received (truncated, token values redacted).
    pub body: Option<String>,
    /// Other fields of the error body (e.g. Desko's numeric `error` and `id`).
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `Retry-After`, when the server sent one.
    pub retry_after: Option<Duration>,
}

impl OAuthError {
    /// An error with just its code.
    pub fn new(error: impl Into<String>) -> Self {
        OAuthError {
            error: error.into(),
            ..Default::default()
        }
    }

    /// A field of the error body by name (standard or not).
    pub fn field(&self, name: &str) -> Option<&serde_json::Value> {
        self.extra.get(name)
    }
}

impl fmt::Display for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.error)?;
        if let Some(d) = &self.description {
            write!(f, ": {d}")?;
        }
        if let Some(s) = self.status {
            write!(f, " (HTTP {s})")?;
        }
        if let Some(u) = &self.uri {
            write!(f, " see {u}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for OAuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthError")
            .field("error", &self.error)
            .field("description", &self.description)
            .field("uri", &self.uri)
            .field("status", &self.status)
            .field("extra", &self.extra)
            .finish_non_exhaustive()
    }
}

fn excerpt_suffix(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!("; body: {body}")
    }
}

/// Names of JSON fields whose values are never kept in an error.
pub(crate) fn is_secret_field(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        "token",
        "secret",
        "password",
        "assertion",
        "code",
        "verifier",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// A body fit for an error message: at most [`BODY_EXCERPT_LIMIT`] bytes, and
/// for JSON objects every token-like value replaced by `[redacted]`.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let text = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut map)) => {
            for (k, v) in map.iter_mut() {
                if is_secret_field(k) && !v.is_null() {
                    *v = serde_json::Value::String("[redacted]".into());
                }
            }
            serde_json::Value::Object(map).to_string()
        }
        _ => redact_form_like(&text),
    };
    truncate(text.trim(), BODY_EXCERPT_LIMIT)
}

/// Form-encoded bodies (`access_token=…&…`) get the same treatment as JSON.
fn redact_form_like(text: &str) -> String {
    let looks_like_form = !text.contains(['<', ' ', '{', '\n']) && text.contains('=');
    if !looks_like_form {
        return text.to_string();
    }
    text.split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if is_secret_field(k) => format!("{k}=[redacted]"),
            _ => pair.to_string(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn truncate(text: &str, limit: usize) -> String {
    if text.len() <= limit {
        return text.to_string();
    }
    let mut end = limit;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… [{} bytes]", &text[..end], text.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_redact_tokens_and_truncate() {
        let e = body_excerpt(br#"{"refresh_token":"RT","note":"x"}"#);
        assert!(!e.contains("RT"), "{e}");
        assert!(e.contains("note"));
        assert!(!body_excerpt(b"access_token=AT&x=1").contains("AT&"));
        let big = "é".repeat(5000);
        let e = body_excerpt(big.as_bytes());
        assert!(e.len() < BODY_EXCERPT_LIMIT + 40);
        assert!(e.ends_with("[10000 bytes]"));
    }

    #[test]
    fn the_code_table_is_complete_and_round_trips() {
        for (i, c) in ErrorCode::ALL.iter().enumerate() {
            assert_eq!(*c as i32, i as i32 + 1, "codes are dense from 1");
            assert_eq!(ErrorCode::from_i32(*c as i32), Some(*c));
            assert_eq!(ErrorCode::from_name(c.name()), Some(*c));
            assert!(!c.summary().is_empty());
        }
        assert_eq!(ErrorCode::from_i32(0), None);
        assert_eq!(ErrorCode::from_i32(16), None);
        assert_eq!(ErrorCode::name_of(999), ErrorCode::UNKNOWN_NAME);
    }

    #[test]
    fn codes_are_stable() {
        assert_eq!(ErrorCode::OAuth as i32, 1);
        assert_eq!(ErrorCode::Runtime as i32, 15);
        assert_eq!(
            Error::Timeout(Duration::from_secs(1)).code().name(),
            "timeout"
        );
    }
}
