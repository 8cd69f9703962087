//! One error record for every binding, built from the core's code table.
//!
//! Units are fixed here and nowhere else: **durations are seconds, as `f64`**
//! (`retry_after_seconds`, `timeout_seconds`), sizes are bytes. C, Python and
//! Kotlin/Swift read the same fields under the same names.

use oauth2kit::{ConfigHint, Error, ErrorCode};

/// Everything a binding shows of an error. Built once from the core error; no
/// field holds a secret (the core's messages and bodies are redacted).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ErrorRecord {
    /// The stable code (`ErrorCode as i32`, 1..).
    pub code: i32,
    /// The code's stable name (`"oauth"`, `"timeout"`…).
    pub kind: &'static str,
    /// The readable message.
    pub message: String,
    /// The HTTP status, when the server answered.
    pub status: Option<u16>,
    /// RFC 6749 §5.2 `error` (OAuth errors).
    pub error: Option<String>,
    /// `error_description`.
    pub description: Option<String>,
    /// `error_uri`.
    pub uri: Option<String>,
    /// The response body (truncated, token values redacted).
    pub body: Option<String>,
    /// Other fields of an OAuth error body, as a JSON object.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The server's `Retry-After`, in seconds.
    pub retry_after_seconds: Option<f64>,
    /// Whether trying again later may succeed.
    pub transient: bool,
    /// What is wrong with an invalid response.
    pub reason: Option<String>,
    /// The `Location` of an unexpected redirect (query removed).
    pub location: Option<String>,
    /// The configured issuer of an issuer mismatch.
    pub expected_issuer: Option<String>,
    /// What the response carried in an issuer mismatch.
    pub actual_issuer: Option<String>,
    /// The size cap that a response exceeded, in bytes.
    pub limit_bytes: Option<u64>,
    /// The timeout that ran out, in seconds.
    pub timeout_seconds: Option<f64>,
    /// The fix a configuration error names (the options, by concept name,
    /// that would fix it). A binding shows it in its own spelling with
    /// [`ErrorRecord::message_in`] and one of the [`crate::hint`] functions.
    pub hint: Option<ConfigHint>,
}

impl From<&Error> for ErrorRecord {
    fn from(e: &Error) -> Self {
        let code = e.code();
        let mut r = ErrorRecord {
            code: code as i32,
            kind: code.name(),
            message: e.to_string(),
            status: e.status(),
            body: e.body().map(str::to_owned),
            retry_after_seconds: e.retry_after().map(|d| d.as_secs_f64()),
            transient: e.is_transient(),
            ..Default::default()
        };
        if let Some(o) = e.oauth() {
            r.error = Some(o.error.clone());
            r.description = o.description.clone();
            r.uri = o.uri.clone();
            r.extra = o.extra.clone();
        }
        match e {
            Error::InvalidResponse { reason, .. } => r.reason = Some(reason.clone()),
            Error::UnexpectedRedirect { location, .. } => r.location = location.clone(),
            Error::IssuerMismatch { expected, actual } => {
                r.expected_issuer = Some(expected.clone());
                r.actual_issuer = actual.clone();
            }
            Error::ResponseTooLarge { limit } => r.limit_bytes = Some(*limit as u64),
            Error::Timeout(d) => r.timeout_seconds = Some(d.as_secs_f64()),
            Error::ConfigHint(h) => r.hint = Some((**h).clone()),
            _ => {}
        }
        r
    }
}

impl From<Error> for ErrorRecord {
    fn from(e: Error) -> Self {
        ErrorRecord::from(&e)
    }
}

impl ErrorRecord {
    /// The code as the core's enum (`None` only for a code this version does not know).
    pub fn error_code(&self) -> Option<ErrorCode> {
        ErrorCode::from_i32(self.code)
    }

    /// The options (concept names) that would fix a configuration error;
    /// empty when the error names none.
    pub fn fix_options(&self) -> &'static [&'static str] {
        self.hint.as_ref().map_or(&[], ConfigHint::options)
    }

    /// The message as a caller of one language reads it: the fix a
    /// configuration error names is spelled by `spell` (`hint::python`,
    /// `hint::c`…); other messages are [`ErrorRecord::message`] unchanged.
    pub fn message_in(&self, spell: fn(&str) -> String) -> String {
        match &self.hint {
            Some(h) => format!("configuration error: {}", h.render(spell)),
            None => self.message.clone(),
        }
    }

    /// The extra fields as JSON text (`{}` when none).
    pub fn extra_json(&self) -> String {
        serde_json::Value::Object(self.extra.clone()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2kit::OAuthError;
    use std::time::Duration;

    #[test]
    fn durations_are_seconds() {
        let e = Error::Http {
            status: 503,
            body: String::new(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        let r = ErrorRecord::from(&e);
        assert_eq!(r.retry_after_seconds, Some(1.5));
        assert!(r.transient);
        assert_eq!((r.code, r.kind), (3, "http"));
        let r = ErrorRecord::from(Error::Timeout(Duration::from_millis(250)));
        assert_eq!(r.timeout_seconds, Some(0.25));
    }

    /// The record carries the hint's option names, and each language gets
    /// the fix in its own spelling (the Rust message keeps the builder method).
    #[test]
    fn configuration_hints_are_spelled_per_language() {
        let err = oauth2kit::OAuthClient::builder("c")
            .token_url("http://as.example/token")
            .build()
            .unwrap_err();
        let r = ErrorRecord::from(&err);
        assert_eq!((r.code, r.kind), (11, "config"));
        assert_eq!(r.fix_options(), ["allow_insecure_http"]);
        assert!(
            r.message
                .contains("OAuthClientBuilder::allow_insecure_http(true)")
        );
        let py = r.message_in(crate::hint::python);
        assert!(py.contains("use HTTPS or allow_insecure_http=True"), "{py}");
        assert!(
            r.message_in(crate::hint::cli)
                .ends_with("use HTTPS or --allow-insecure-http")
        );
        let plain = ErrorRecord::from(Error::Cancelled);
        assert_eq!(plain.message_in(crate::hint::python), plain.message);
        assert!(plain.fix_options().is_empty());
    }

    #[test]
    fn oauth_fields_are_kept() {
        let mut o = OAuthError::new("invalid_grant");
        o.description = Some("expired".into());
        o.status = Some(400);
        o.extra.insert("id".into(), serde_json::json!(7));
        let r = ErrorRecord::from(Error::ReauthorizationRequired(Box::new(o)));
        assert_eq!(r.kind, "reauthorization_required");
        assert_eq!(r.error.as_deref(), Some("invalid_grant"));
        assert_eq!(r.status, Some(400));
        assert_eq!(r.extra_json(), r#"{"id":7}"#);
        assert!(!r.transient);
    }
}
