//! The error every call can throw: Kotlin `OAuth2KitException` (a sealed
//! class), Swift `OAuth2KitError` (an enum). One case per core error kind, so
//! apps can `when`/`switch` over them; the mapping is one to one with
//! `oauth2kit::ErrorCode` (see [`OAuth2KitError::code`]).
//!
//! No field is named `message` (it would clash with `Throwable.message` in the
//! generated Kotlin); every case carries `detail`, the core's own text, which
//! never contains a secret.

use oauth2kit::{Error, ErrorCode};
use oauth2kit_bind::ErrorRecord;

/// Everything that can go wrong.
#[derive(Clone, Debug, thiserror::Error, uniffi::Error)]
pub enum OAuth2KitError {
    /// The server answered with an OAuth error (RFC 6749 §5.2, or the
    /// provider's own error body read through its profile), or the redirect
    /// came back with one (then `status` is null).
    #[error("{detail}")]
    OAuth {
        /// `error`, e.g. `invalid_client`, `access_denied`.
        error: String,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
        /// HTTP status.
        status: Option<i32>,
        /// The response body (truncated, token values redacted).
        body: Option<String>,
        /// Non-standard fields of the error body, as a JSON object.
        extra_json: String,
        /// The server's `Retry-After`, in seconds (fractions possible).
        retry_after_seconds: Option<f64>,
        /// Whether trying again later may succeed (`temporarily_unavailable`, 5xx, 429).
        transient: bool,
        /// A readable summary.
        detail: String,
    },
    /// The refresh token (or grant) is no longer usable: send the user
    /// through authorization again. Never transient.
    #[error("{detail}")]
    ReauthorizationRequired {
        /// `error`, usually `invalid_grant`.
        error: String,
        /// `error_description`.
        description: Option<String>,
        /// `error_uri`.
        uri: Option<String>,
        /// HTTP status.
        status: Option<i32>,
        /// The response body (truncated, token values redacted).
        body: Option<String>,
        /// A readable summary.
        detail: String,
    },
    /// An error status whose body is not an OAuth error (an HTML page, a gateway error).
    #[error("{detail}")]
    Http {
        /// HTTP status.
        status: i32,
        /// The body (truncated, token values redacted).
        body: String,
        /// The server's `Retry-After`, in seconds (fractions possible).
        retry_after_seconds: Option<f64>,
        /// Whether trying again later may succeed (5xx, 429).
        transient: bool,
        /// A readable summary.
        detail: String,
    },
    /// A success status whose body is not a usable answer (no `access_token`, bad JSON).
    #[error("{detail}")]
    InvalidResponse {
        /// HTTP status.
        status: i32,
        /// What is wrong with it.
        reason: String,
        /// The body (truncated, token values redacted).
        body: String,
        /// A readable summary.
        detail: String,
    },
    /// A token, introspection or revocation endpoint answered with a redirect (never followed).
    #[error("{detail}")]
    UnexpectedRedirect {
        /// HTTP status.
        status: i32,
        /// `Location`, query values removed.
        location: Option<String>,
        /// A readable summary.
        detail: String,
    },
    /// The response body was larger than the configured cap.
    #[error("{detail}")]
    ResponseTooLarge {
        /// The cap in bytes.
        limit: i64,
        /// A readable summary.
        detail: String,
    },
    /// The connection failed (refused, reset, DNS, TLS). Transient.
    #[error("{detail}")]
    Transport {
        /// A readable summary.
        detail: String,
    },
    /// The server did not answer in time. Transient.
    #[error("{detail}")]
    Timeout {
        /// The timeout that ran out, in seconds.
        timeout_seconds: f64,
        /// A readable summary.
        detail: String,
    },
    /// The redirect's `state` is not the one sent: it does not belong to this
    /// request (possible CSRF). Do not retry with it.
    #[error("{detail}")]
    StateMismatch {
        /// A readable summary.
        detail: String,
    },
    /// The redirect's `iss` (RFC 9207) is not the configured issuer (possible mix-up attack).
    #[error("{detail}")]
    IssuerMismatch {
        /// The configured issuer.
        expected: String,
        /// What the redirect carried (null when it was missing but required).
        actual: Option<String>,
        /// A readable summary.
        detail: String,
    },
    /// Invalid configuration or input: bad URL, missing endpoint, unusable key, unknown profile.
    #[error("{detail}")]
    Config {
        /// A readable summary.
        detail: String,
    },
    /// A token store failed to load or save (also what a `TokenStore`
    /// implementation should throw).
    #[error("{detail}")]
    Store {
        /// A readable summary.
        detail: String,
    },
    /// The operation was cancelled.
    #[error("{detail}")]
    Cancelled {
        /// A readable summary.
        detail: String,
    },
    /// A polling flow (device authorization) expired before the user approved.
    #[error("{detail}")]
    Expired {
        /// A readable summary.
        detail: String,
    },
    /// The library's runtime cannot serve the call.
    #[error("{detail}")]
    Runtime {
        /// A readable summary.
        detail: String,
    },
    /// An error kind this version of the bindings does not list (the
    /// documented fallback of every binding: the number and name are kept).
    #[error("{detail}")]
    Unknown {
        /// The core's numeric code.
        code: i32,
        /// The core's name for it.
        kind: String,
        /// A readable summary.
        detail: String,
    },
}

/// Every field of an [`OAuth2KitError`], by name, whatever the case: what
/// `error.fields()` returns. Swift can only read an enum case's associated
/// values by position (`case let .OAuth(error, _, _, status, …)`), and such a
/// pattern stops compiling when a field is added to the case; reading
/// `error.fields().status` does not. A field the case lacks is null: the
/// record only copies the case's own fields. Kotlin has the same, besides its
/// typed subclasses.
#[derive(Clone, Debug, Default, PartialEq, uniffi::Record)]
pub struct ErrorFields {
    /// The stable numeric code (as `code()`).
    pub code: i32,
    /// The stable short name of the kind (as `codeName()`).
    pub code_name: String,
    /// `error` (`OAuth`, `ReauthorizationRequired`).
    pub error: Option<String>,
    /// `error_description`.
    pub description: Option<String>,
    /// `error_uri`.
    pub uri: Option<String>,
    /// HTTP status (`OAuth`, `ReauthorizationRequired`, `Http`, `InvalidResponse`, `UnexpectedRedirect`).
    pub status: Option<i32>,
    /// The response body (truncated, token values redacted).
    pub body: Option<String>,
    /// Non-standard fields of an OAuth error body, as a JSON object.
    pub extra_json: Option<String>,
    /// The server's `Retry-After`, in seconds.
    pub retry_after_seconds: Option<f64>,
    /// Whether trying again later may succeed (`OAuth`, `Http`; null for the
    /// cases without the field: `Transport` and `Timeout` are always transient,
    /// the others never).
    pub transient: Option<bool>,
    /// What is wrong with a success response (`InvalidResponse`).
    pub reason: Option<String>,
    /// `Location` of an unexpected redirect, query values removed.
    pub location: Option<String>,
    /// The response size cap in bytes (`ResponseTooLarge`).
    pub limit: Option<i64>,
    /// The timeout that ran out, in seconds (`Timeout`).
    pub timeout_seconds: Option<f64>,
    /// The configured issuer (`IssuerMismatch`).
    pub expected: Option<String>,
    /// The issuer the redirect carried (`IssuerMismatch`).
    pub actual: Option<String>,
    /// The core's own kind name of an `Unknown` error.
    pub kind: Option<String>,
    /// A readable summary (every case).
    pub detail: String,
}

impl From<Error> for OAuth2KitError {
    fn from(e: Error) -> Self {
        // Fields and units come from the binding layer's record (seconds).
        let r = ErrorRecord::from(&e);
        let status = r.status.map(i32::from);
        let extra_json = r.extra_json();
        let code = r.error_code();
        let detail = r.message_in(oauth2kit_bind::hint::mobile);
        let text = |o: Option<String>| o.unwrap_or_default();
        match code {
            Some(ErrorCode::OAuth) => OAuth2KitError::OAuth {
                error: text(r.error),
                description: r.description,
                uri: r.uri,
                status,
                body: r.body,
                extra_json,
                retry_after_seconds: r.retry_after_seconds,
                transient: r.transient,
                detail,
            },
            Some(ErrorCode::ReauthorizationRequired) => OAuth2KitError::ReauthorizationRequired {
                error: text(r.error),
                description: r.description,
                uri: r.uri,
                status,
                body: r.body,
                detail,
            },
            Some(ErrorCode::Http) => OAuth2KitError::Http {
                status: status.unwrap_or(0),
                body: text(r.body),
                retry_after_seconds: r.retry_after_seconds,
                transient: r.transient,
                detail,
            },
            Some(ErrorCode::InvalidResponse) => OAuth2KitError::InvalidResponse {
                status: status.unwrap_or(0),
                reason: text(r.reason),
                body: text(r.body),
                detail,
            },
            Some(ErrorCode::UnexpectedRedirect) => OAuth2KitError::UnexpectedRedirect {
                status: status.unwrap_or(0),
                location: r.location,
                detail,
            },
            Some(ErrorCode::ResponseTooLarge) => OAuth2KitError::ResponseTooLarge {
                limit: r
                    .limit_bytes
                    .map_or(0, |l| i64::try_from(l).unwrap_or(i64::MAX)),
                detail,
            },
            Some(ErrorCode::Transport) => OAuth2KitError::Transport { detail },
            Some(ErrorCode::Timeout) => OAuth2KitError::Timeout {
                timeout_seconds: r.timeout_seconds.unwrap_or(0.0),
                detail,
            },
            Some(ErrorCode::StateMismatch) => OAuth2KitError::StateMismatch { detail },
            Some(ErrorCode::IssuerMismatch) => OAuth2KitError::IssuerMismatch {
                expected: text(r.expected_issuer),
                actual: r.actual_issuer,
                detail,
            },
            Some(ErrorCode::Config) => OAuth2KitError::Config { detail },
            Some(ErrorCode::Store) => OAuth2KitError::Store { detail },
            Some(ErrorCode::Cancelled) => OAuth2KitError::Cancelled { detail },
            Some(ErrorCode::Expired) => OAuth2KitError::Expired { detail },
            Some(ErrorCode::Runtime) => OAuth2KitError::Runtime { detail },
            // The documented fallback: a kind this table does not list.
            _ => OAuth2KitError::Unknown {
                code: r.code,
                kind: r.kind.to_string(),
                detail,
            },
        }
    }
}

/// A foreign callback (e.g. a Kotlin `TokenStore`) threw something that is
/// not an `OAuth2KitException`: reported as a store error.
impl From<uniffi::UnexpectedUniFFICallbackError> for OAuth2KitError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        OAuth2KitError::Store {
            detail: format!("callback failed: {}", e.reason),
        }
    }
}

impl OAuth2KitError {
    fn core_code(&self) -> Option<ErrorCode> {
        Some(match self {
            OAuth2KitError::OAuth { .. } => ErrorCode::OAuth,
            OAuth2KitError::ReauthorizationRequired { .. } => ErrorCode::ReauthorizationRequired,
            OAuth2KitError::Http { .. } => ErrorCode::Http,
            OAuth2KitError::InvalidResponse { .. } => ErrorCode::InvalidResponse,
            OAuth2KitError::UnexpectedRedirect { .. } => ErrorCode::UnexpectedRedirect,
            OAuth2KitError::ResponseTooLarge { .. } => ErrorCode::ResponseTooLarge,
            OAuth2KitError::Transport { .. } => ErrorCode::Transport,
            OAuth2KitError::Timeout { .. } => ErrorCode::Timeout,
            OAuth2KitError::StateMismatch { .. } => ErrorCode::StateMismatch,
            OAuth2KitError::IssuerMismatch { .. } => ErrorCode::IssuerMismatch,
            OAuth2KitError::Config { .. } => ErrorCode::Config,
            OAuth2KitError::Store { .. } => ErrorCode::Store,
            OAuth2KitError::Cancelled { .. } => ErrorCode::Cancelled,
            OAuth2KitError::Expired { .. } => ErrorCode::Expired,
            OAuth2KitError::Runtime { .. } => ErrorCode::Runtime,
            OAuth2KitError::Unknown { .. } => return None,
        })
    }
}

#[uniffi::export]
impl OAuth2KitError {
    /// The stable numeric code shared by every binding (1 = oauth … 15 = runtime).
    pub fn code(&self) -> i32 {
        match (self, self.core_code()) {
            (OAuth2KitError::Unknown { code, .. }, _) => *code,
            (_, Some(c)) => c as i32,
            (_, None) => 0,
        }
    }

    /// The stable short name of the kind (`"oauth"`, `"timeout"`…).
    pub fn code_name(&self) -> String {
        match (self, self.core_code()) {
            (OAuth2KitError::Unknown { kind, .. }, _) => kind.clone(),
            (_, Some(c)) => c.name().to_string(),
            (_, None) => ErrorCode::UNKNOWN_NAME.to_string(),
        }
    }

    /// Every field by name (see [`ErrorFields`]): for Swift, where an enum
    /// case's values can only be matched by position.
    pub fn fields(&self) -> ErrorFields {
        use OAuth2KitError as E;
        let mut f = ErrorFields {
            code: self.code(),
            code_name: self.code_name(),
            ..ErrorFields::default()
        };
        // Exhaustive, and binding every field by name: a field added to a case
        // fails to compile here until it is added to ErrorFields too.
        match self.clone() {
            E::OAuth {
                error,
                description,
                uri,
                status,
                body,
                extra_json,
                retry_after_seconds,
                transient,
                detail,
            } => {
                f = ErrorFields {
                    error: Some(error),
                    description,
                    uri,
                    status,
                    body,
                    extra_json: Some(extra_json),
                    retry_after_seconds,
                    transient: Some(transient),
                    detail,
                    ..f
                }
            }
            E::ReauthorizationRequired {
                error,
                description,
                uri,
                status,
                body,
                detail,
            } => {
                f = ErrorFields {
                    error: Some(error),
                    description,
                    uri,
                    status,
                    body,
                    detail,
                    ..f
                }
            }
            E::Http {
                status,
                body,
                retry_after_seconds,
                transient,
                detail,
            } => {
                f = ErrorFields {
                    status: Some(status),
                    body: Some(body),
                    retry_after_seconds,
                    transient: Some(transient),
                    detail,
                    ..f
                }
            }
            E::InvalidResponse {
                status,
                reason,
                body,
                detail,
            } => {
                f = ErrorFields {
                    status: Some(status),
                    reason: Some(reason),
                    body: Some(body),
                    detail,
                    ..f
                }
            }
            E::UnexpectedRedirect {
                status,
                location,
                detail,
            } => {
                f = ErrorFields {
                    status: Some(status),
                    location,
                    detail,
                    ..f
                }
            }
            E::ResponseTooLarge { limit, detail } => {
                f = ErrorFields {
                    limit: Some(limit),
                    detail,
                    ..f
                }
            }
            E::Timeout {
                timeout_seconds,
                detail,
            } => {
                f = ErrorFields {
                    timeout_seconds: Some(timeout_seconds),
                    detail,
                    ..f
                }
            }
            E::IssuerMismatch {
                expected,
                actual,
                detail,
            } => {
                f = ErrorFields {
                    expected: Some(expected),
                    actual,
                    detail,
                    ..f
                }
            }
            E::Unknown {
                code: _,
                kind,
                detail,
            } => {
                f = ErrorFields {
                    kind: Some(kind),
                    detail,
                    ..f
                }
            }
            E::Transport { detail }
            | E::StateMismatch { detail }
            | E::Config { detail }
            | E::Store { detail }
            | E::Cancelled { detail }
            | E::Expired { detail }
            | E::Runtime { detail } => f.detail = detail,
        }
        f
    }
}

pub(crate) fn config(detail: impl Into<String>) -> OAuth2KitError {
    OAuth2KitError::Config {
        detail: detail.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2kit::OAuthError;
    use std::time::Duration;

    #[test]
    fn every_kind_keeps_its_stable_code_and_fields() {
        let mut oauth = OAuthError::new("invalid_client");
        oauth.status = Some(401);
        oauth.description = Some("bad secret".into());
        oauth.extra.insert("id".into(), serde_json::json!(7));
        let cases = vec![
            Error::OAuth(Box::new(oauth.clone())),
            Error::ReauthorizationRequired(Box::new(OAuthError::new("invalid_grant"))),
            Error::Http {
                status: 503,
                body: "down".into(),
                retry_after: Some(Duration::from_secs(7)),
            },
            Error::InvalidResponse {
                status: 200,
                reason: "no access_token".into(),
                body: "{}".into(),
            },
            Error::UnexpectedRedirect {
                status: 302,
                location: None,
            },
            Error::ResponseTooLarge { limit: 10 },
            Error::Transport("refused".into()),
            Error::Timeout(Duration::from_millis(300)),
            Error::StateMismatch,
            Error::IssuerMismatch {
                expected: "a".into(),
                actual: None,
            },
            Error::Config("x".into()),
            Error::Store("y".into()),
            Error::Cancelled,
            Error::Expired,
            Error::Runtime("z".into()),
        ];
        assert_eq!(cases.len(), ErrorCode::ALL.len(), "one case per core code");
        for e in cases {
            let (code, name, text) = (e.code() as i32, e.code().name(), e.to_string());
            let mapped = OAuth2KitError::from(e);
            assert_eq!(mapped.code(), code, "{mapped:?}");
            assert_eq!(mapped.code_name(), name);
            assert_eq!(mapped.to_string(), text);
            let fields = mapped.fields();
            assert_eq!((fields.code, fields.code_name.as_str()), (code, name));
            assert_eq!(fields.detail, text);
        }
        // The named fields carry the case's values, and only the case's.
        let f = OAuth2KitError::from(Error::OAuth(Box::new(oauth.clone()))).fields();
        assert_eq!(f.error.as_deref(), Some("invalid_client"));
        assert_eq!(f.description.as_deref(), Some("bad secret"));
        assert_eq!(f.status, Some(401));
        assert_eq!(f.extra_json.as_deref(), Some(r#"{"id":7}"#));
        assert_eq!(f.transient, Some(false));
        assert_eq!((f.reason, f.timeout_seconds, f.limit), (None, None, None));
        let f = OAuth2KitError::from(Error::Timeout(Duration::from_millis(300))).fields();
        assert_eq!(f.timeout_seconds, Some(0.3));
        assert_eq!((f.status, f.transient), (None, None));
        let f = OAuth2KitError::from(Error::IssuerMismatch {
            expected: "a".into(),
            actual: Some("b".into()),
        })
        .fields();
        assert_eq!(
            (f.expected.as_deref(), f.actual.as_deref()),
            (Some("a"), Some("b"))
        );
        match OAuth2KitError::from(Error::OAuth(Box::new(oauth))) {
            OAuth2KitError::OAuth {
                error,
                description,
                status,
                extra_json,
                transient,
                ..
            } => {
                assert_eq!(error, "invalid_client");
                assert_eq!(description.as_deref(), Some("bad secret"));
                assert_eq!(status, Some(401));
                assert_eq!(extra_json, r#"{"id":7}"#);
                assert!(!transient);
            }
            other => panic!("{other:?}"),
        }
        match OAuth2KitError::from(Error::Http {
            status: 503,
            body: String::new(),
            retry_after: Some(Duration::from_secs(7)),
        }) {
            OAuth2KitError::Http {
                retry_after_seconds,
                transient,
                ..
            } => {
                assert_eq!(retry_after_seconds, Some(7.0));
                assert!(transient);
            }
            other => panic!("{other:?}"),
        }
    }
}
