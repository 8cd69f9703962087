//! One error type for every operation, with a stable numeric code per kind
//! that the C, Python, Kotlin and Swift bindings map one to one.

use std::fmt;
use std::time::Duration;

use crate::config_hint::ConfigHint;

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
    /// An ID token failed validation (OpenID Connect Core §3.1.3.7): the
    /// exchange or refresh that returned it fails, and no token is handed
    /// out. `check` names the rule that failed, one of `format`, `alg`,
    /// `kid`, `signature`, `iss`, `aud`, `azp`, `sub`, `exp`, `iat`, `nbf`,
    /// `nonce`, `auth_time`, `at_hash`, `c_hash`, `refresh` (a refreshed ID
    /// token whose `iss`/`sub`/`aud` differ from the first), `id_token` (none
    /// came back although a nonce was sent). Code [`ErrorCode::InvalidResponse`].
    /// Never carries a token, nonce or code.
    #[error("invalid ID token: the {check} check failed: {reason}")]
    InvalidIdToken {
        /// The check that failed.
        check: String,
        /// Why (no secret in it).
        reason: String,
    },
    /// A UserInfo answer failed validation (OpenID Connect Core §5.3): its
    /// `sub` is missing or not the ID token's (`check` = `sub`), or a signed
    /// answer failed a signature, `iss`, `aud` or `exp` check (named as for
    /// [`Error::InvalidIdToken`]). Code [`ErrorCode::InvalidResponse`].
    #[error("invalid UserInfo response: the {check} check failed: {reason}")]
    InvalidUserInfo {
        /// The check that failed.
        check: String,
        /// Why (no secret in it).
        reason: String,
    },
    /// A JWT-secured authorization response (JARM, see [`crate::jarm`])
    /// was refused before its code was used: `check` names the rule, one of
    /// `downgrade` (a plain response came back although JARM was
    /// requested), `encrypted` (a JWE: not supported), `format`, `alg`
    /// (`none` and HMAC never pass), `kid`, `signature`, `iss`, `aud`, `exp`,
    /// `claims`. Code [`ErrorCode::InvalidResponse`]. Never carries the
    /// response, a code or a state.
    #[error("invalid JARM authorization response: the {check} check failed: {reason}")]
    InvalidJarmResponse {
        /// The check that failed.
        check: String,
        /// Why (no secret in it).
        reason: String,
    },
    /// Invalid configuration or input (bad URL, missing endpoint, unusable key…).
    #[error("configuration error: {0}")]
    Config(String),
    /// A configuration error that names the options that would fix it
    /// (plain HTTP off loopback, a missing endpoint or redirect URI…). Code
    /// [`ErrorCode::Config`]. `Display` spells the fix for Rust callers; the
    /// bindings spell it for theirs from [`ConfigHint::options`].
    #[error("configuration error: {0}")]
    ConfigHint(Box<ConfigHint>),
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
            Error::InvalidResponse { .. }
            | Error::InvalidIdToken { .. }
            | Error::InvalidUserInfo { .. }
            | Error::InvalidJarmResponse { .. } => ErrorCode::InvalidResponse,
            Error::UnexpectedRedirect { .. } => ErrorCode::UnexpectedRedirect,
            Error::ResponseTooLarge { .. } => ErrorCode::ResponseTooLarge,
            Error::Transport(_) | Error::Unreachable(_) => ErrorCode::Transport,
            Error::Timeout(_) => ErrorCode::Timeout,
            Error::StateMismatch => ErrorCode::StateMismatch,
            Error::IssuerMismatch { .. } => ErrorCode::IssuerMismatch,
            Error::Config(_) | Error::ConfigHint(_) => ErrorCode::Config,
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

    /// Whether this is an ID token or signed UserInfo whose key is not in the
    /// provider's key set (the set may be stale: refetch once).
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))] // read by the async client only
    pub(crate) fn is_unknown_kid(&self) -> bool {
        matches!(self, Error::InvalidIdToken { check, .. } | Error::InvalidUserInfo { check, .. } | Error::InvalidJarmResponse { check, .. } if check == "kid")
    }

    pub(crate) fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }

    pub(crate) fn hint(hint: ConfigHint) -> Self {
        Error::ConfigHint(Box::new(hint))
    }

    /// The fix a configuration error names, when it names one.
    pub fn config_hint(&self) -> Option<&ConfigHint> {
        match self {
            Error::ConfigHint(h) => Some(h),
            _ => None,
        }
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

/// Names of fields whose values are never kept in an error: any name that,
/// lowercased and without `_` and `-`, contains one of these words. Broad on
/// purpose (`accessToken`, `deskera-refresh-token`, `client_secret`, `code`,
/// `code_verifier`, `client_assertion`, `subject_token`, `device_code`,
/// `auth_req_id`…): hiding a harmless value costs nothing.
pub(crate) fn is_secret_field(name: &str) -> bool {
    let n: String = name
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    [
        "token",
        "secret",
        "password",
        "passwd",
        "assertion",
        "code",
        "verifier",
        "authreqid",
        "apikey",
    ]
    .iter()
    .any(|s| n.contains(s))
}

/// What replaces a secret value.
const REDACTED: &str = "[redacted]";

/// A body fit for an error message: every value of a secret-bearing key
/// redacted (see [`redact_text`]), then cut to [`BODY_EXCERPT_LIMIT`] bytes.
/// Redaction comes first, so a cut never leaves half a secret behind.
pub fn body_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    truncate(redact_text(&text, &[]).trim(), BODY_EXCERPT_LIMIT)
}

/// Redacts the value of every secret-bearing key ([`is_secret_field`], plus
/// `extra_keys`) wherever it appears in `text`, without parsing it: valid,
/// truncated or broken JSON (`"access_token": "…"`, numbers, nested objects,
/// escaped JSON inside a string), form bodies (`code=…&`), `key: value`
/// lines, and `Bearer`/`Basic` credentials. A parser would give up on exactly
/// the bodies a hostile or broken server sends; a scanner does not.
pub(crate) fn redact_text(text: &str, extra_keys: &[&str]) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let (mut copied, mut pos) = (0, 0);
    while pos < bytes.len() {
        if !is_key_byte(bytes[pos]) {
            pos += 1;
            continue;
        }
        let start = pos;
        while pos < bytes.len() && is_key_byte(bytes[pos]) {
            pos += 1;
        }
        let Some((from, to)) = secret_value_after(text, start, pos, extra_keys) else {
            continue;
        };
        out.push_str(&text[copied..from]);
        out.push_str(REDACTED);
        (copied, pos) = (to, to);
    }
    out.push_str(&text[copied..]);
    out
}

fn is_key_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// The byte range of the value that follows the word `text[start..end]`, when
/// the word is a secret-bearing key followed by `=` or `:` (or is an HTTP
/// authorization scheme followed by a space). Every bound found is an ASCII
/// byte or the end, so the range is on character boundaries.
fn secret_value_after(
    text: &str,
    start: usize,
    end: usize,
    extra_keys: &[&str],
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let word = &text[start..end];
    if is_auth_scheme(word) && bytes.get(end) == Some(&b' ') {
        return bare_value(bytes, end + 1, false);
    }
    let secret = is_secret_field(word) || extra_keys.iter().any(|k| k.eq_ignore_ascii_case(word));
    if !secret {
        return None;
    }
    let quoted_key = start > 0 && matches!(bytes[start - 1], b'"' | b'\'');
    let mut i = end;
    while i < bytes.len() && matches!(bytes[i], b'"' | b'\'' | b'\\') {
        i += 1;
    }
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    if !matches!(bytes.get(i), Some(b'=' | b':')) {
        return None;
    }
    i += 1;
    while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
        i += 1;
    }
    // `Authorization: Bearer xyz` style: the scheme and its credential go together.
    let value = value_span(bytes, i, quoted_key)?;
    let scheme_end = text[value.0..].find(' ').map(|n| value.0 + n);
    match scheme_end {
        Some(n) if n == value.1 && is_auth_scheme(&text[value.0..n]) => {
            bare_value(bytes, n + 1, quoted_key).map(|(_, to)| (value.0, to))
        }
        _ => Some(value),
    }
}

fn is_auth_scheme(word: &str) -> bool {
    ["bearer", "basic", "dpop"]
        .iter()
        .any(|s| word.eq_ignore_ascii_case(s))
}

/// The value starting at `i`: a quoted string (its inside), an escaped quoted
/// string (`\"…\"`), a nested object or array (all of it), or a bare token.
/// `null`, `true` and `false` are left alone. Unterminated: up to the end.
fn value_span(bytes: &[u8], i: usize, quoted_key: bool) -> Option<(usize, usize)> {
    match bytes.get(i)? {
        q @ (b'"' | b'\'') => Some((i + 1, closing_quote(bytes, i + 1, *q))),
        b'\\' if bytes.get(i + 1) == Some(&b'"') => {
            let end = find(bytes, i + 2, b"\\\"").unwrap_or(bytes.len());
            Some((i + 2, end))
        }
        b'{' | b'[' => Some((i, closing_bracket(bytes, i))),
        _ => {
            let (from, to) = bare_value(bytes, i, quoted_key)?;
            let literal = &bytes[from..to];
            (!matches!(literal, b"null" | b"true" | b"false")).then_some((from, to))
        }
    }
}

/// A bare value: up to a delimiter. Form values are percent-encoded, so `&`,
/// whitespace, quotes and brackets end them; after a quoted (JSON) key a
/// comma or a closing brace does too.
fn bare_value(bytes: &[u8], i: usize, quoted_key: bool) -> Option<(usize, usize)> {
    let ends = |b: u8| {
        matches!(
            b,
            b'&' | b' '
                | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'<'
                | b'>'
                | b';'
                | b','
                | b'}'
                | b']'
                | b')'
        ) || (quoted_key && b == b'\\')
    };
    let end = bytes[i..]
        .iter()
        .position(|b| ends(*b))
        .map_or(bytes.len(), |n| i + n);
    (end > i).then_some((i, end))
}

/// The index of the quote `q` closing a string that starts at `i` (backslash
/// escapes skipped), or the end of the text.
fn closing_quote(bytes: &[u8], mut i: usize, q: u8) -> usize {
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == q => return i,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// The index just past the bracket closing the one at `i` (strings skipped),
/// or the end of the text.
fn closing_bracket(bytes: &[u8], mut i: usize) -> usize {
    let mut depth = 0usize;
    while i < bytes.len() {
        match bytes[i] {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            b'"' => i = closing_quote(bytes, i + 1, b'"'),
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|n| from + n)
}

/// Secrets shorter than this are not searched for verbatim (they would match
/// ordinary text); their keys still get them redacted.
const MIN_VERBATIM: usize = 4;

/// Replaces every occurrence of each secret (as is, percent-encoded and
/// form-encoded, the ways a server echoes it) by `[redacted]`. A truncated
/// excerpt may end in the first part of a secret: that part goes too.
pub(crate) fn redact_values(text: &str, secrets: &[&str]) -> String {
    let mut out = text.to_string();
    for secret in secrets.iter().filter(|s| s.len() >= MIN_VERBATIM) {
        for form in encodings(secret) {
            if out.contains(&form) {
                out = out.replace(&form, REDACTED);
            }
            out = cut_partial_tail(out, &form);
        }
    }
    out
}

/// A secret in the forms it travels in: raw, form-encoded, percent-encoded, JSON-escaped.
fn encodings(secret: &str) -> Vec<String> {
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = form.replace('+', "%20");
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json.trim_matches('"').to_string();
    let mut all: Vec<String> = Vec::with_capacity(4);
    for s in [secret.to_string(), form, percent, json] {
        if !all.contains(&s) {
            all.push(s);
        }
    }
    all
}

/// The marker [`truncate`] puts after a cut excerpt.
const CUT_MARK: &str = "… [";

/// Where a cut excerpt ends with the first part of `secret`, redacts that part.
fn cut_partial_tail(text: String, secret: &str) -> String {
    let Some(mark) = text.rfind(CUT_MARK) else {
        return text;
    };
    let kept = &text[..mark];
    let longest = (MIN_VERBATIM..secret.len())
        .rev()
        .filter(|n| secret.is_char_boundary(*n))
        .find(|n| kept.ends_with(&secret[..*n]));
    match longest {
        Some(n) => format!("{}{REDACTED}{}", &kept[..kept.len() - n], &text[mark..]),
        None => text,
    }
}

/// Redacts, inside a JSON value, every secret-bearing field (at any depth) and
/// every secret the strings echo (see [`redact_text`]).
pub(crate) fn redact_json(value: &mut serde_json::Value, extra_keys: &[&str]) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map.iter_mut() {
                let secret =
                    is_secret_field(k) || extra_keys.iter().any(|e| e.eq_ignore_ascii_case(k));
                if secret && !v.is_null() {
                    *v = serde_json::Value::String(REDACTED.into());
                } else {
                    redact_json(v, extra_keys);
                }
            }
        }
        serde_json::Value::Array(items) => {
            items.iter_mut().for_each(|v| redact_json(v, extra_keys))
        }
        serde_json::Value::String(s) => *s = redact_text(s, extra_keys),
        _ => {}
    }
}

impl Error {
    /// The same error with `f` applied to every text it carries (message
    /// parts, body excerpt, redirect location, OAuth fields): the one place a
    /// client scrubs what it knows to be secret.
    pub(crate) fn map_text(self, f: &dyn Fn(&str) -> String) -> Error {
        let opt = |o: Option<String>| o.map(|s| f(&s));
        match self {
            Error::OAuth(e) => Error::OAuth(Box::new(e.map_text(f))),
            Error::ReauthorizationRequired(e) => {
                Error::ReauthorizationRequired(Box::new(e.map_text(f)))
            }
            Error::Http {
                status,
                body,
                retry_after,
            } => Error::Http {
                status,
                body: f(&body),
                retry_after,
            },
            Error::InvalidResponse {
                status,
                reason,
                body,
            } => Error::InvalidResponse {
                status,
                reason: f(&reason),
                body: f(&body),
            },
            Error::UnexpectedRedirect { status, location } => Error::UnexpectedRedirect {
                status,
                location: opt(location),
            },
            Error::Transport(m) => Error::Transport(f(&m)),
            Error::IssuerMismatch { expected, actual } => Error::IssuerMismatch {
                expected,
                actual: opt(actual),
            },
            Error::InvalidIdToken { check, reason } => Error::InvalidIdToken {
                check,
                reason: f(&reason),
            },
            Error::InvalidUserInfo { check, reason } => Error::InvalidUserInfo {
                check,
                reason: f(&reason),
            },
            Error::InvalidJarmResponse { check, reason } => Error::InvalidJarmResponse {
                check,
                reason: f(&reason),
            },
            Error::Config(m) => Error::Config(f(&m)),
            Error::Store(m) => Error::Store(f(&m)),
            Error::Runtime(m) => Error::Runtime(f(&m)),
            other => other,
        }
    }
}

impl OAuthError {
    fn map_text(mut self, f: &dyn Fn(&str) -> String) -> OAuthError {
        self.error = f(&self.error);
        self.description = self.description.map(|d| f(&d));
        self.uri = self.uri.map(|u| f(&u));
        self.body = self.body.map(|b| f(&b));
        let mut extra = serde_json::Value::Object(std::mem::take(&mut self.extra));
        map_json_strings(&mut extra, f);
        if let serde_json::Value::Object(map) = extra {
            self.extra = map;
        }
        self
    }
}

/// Applies `f` to every string in a JSON value, member names included: a
/// form body without `=` (`client_secret]s3cret`) is all name, and a server
/// echoing a request that way would otherwise keep the secret in a key.
fn map_json_strings(value: &mut serde_json::Value, f: &dyn Fn(&str) -> String) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, mut v) in std::mem::take(map) {
                map_json_strings(&mut v, f);
                map.insert(f(&k), v);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| map_json_strings(v, f)),
        serde_json::Value::String(s) => *s = f(s),
        _ => {}
    }
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
    fn redaction_does_not_depend_on_parsing() {
        for body in [
            r#"{"access_token":"AT-1","token_type":"bearer","expires_in":1e309}"#,
            r#"{"access_token": "AT-1", "scope": "x",}"#,
            r#"{"error":"server_error","access_token":"AT-1"#,
            r#"{"accessToken":"AT-1","refreshToken": "AT-1"}"#,
            r#"{"code": 1234567, "client_secret": {"v": "AT-1"}}"#,
            r#"{"message":"{\"refresh_token\":\"AT-1\"}"}"#,
            "grant_type=client_credentials&client_secret=AT-1&client_id=c\n",
            "client_secret=AT-1\n",
            "<pre>code_verifier: AT-1</pre>",
            "POST /token\nAuthorization: Basic AT-1\n\npassword=AT-1&assertion=AT-1",
            "subject_token=AT-1 actor_token=AT-1 device_code=AT-1 auth_req_id=AT-1",
            "deskera-token: AT-1",
        ] {
            let e = body_excerpt(body.as_bytes());
            assert!(!e.contains("AT-1"), "{body} -> {e}");
            assert!(e.contains(REDACTED), "{e}");
        }
        let e = redact_text("{\"jwt\":\"AT-1\"}", &["jwt"]);
        assert!(!e.contains("AT-1"), "{e}");
        // what is not secret stays readable
        let e = body_excerpt(
            br#"{"error":"invalid_grant","error_description":"used","token_type":null}"#,
        );
        assert_eq!(
            e,
            r#"{"error":"invalid_grant","error_description":"used","token_type":null}"#
        );
    }

    #[test]
    fn known_values_are_redacted_in_every_encoding_and_at_a_cut() {
        let secret = "s3cr:t+ 1";
        let text = "a s3cr:t+ 1 b s3cr%3At%2B+1 c s3cr%3At%2B%201 d";
        assert_eq!(
            redact_values(text, &[secret]),
            "a [redacted] b [redacted] c [redacted] d"
        );
        let body = format!("{}SECRETVALUE-123", "x".repeat(BODY_EXCERPT_LIMIT - 6));
        let cut = body_excerpt(body.as_bytes());
        assert!(cut.contains("SECRET"));
        let scrubbed = redact_values(&cut, &["SECRETVALUE-123"]);
        assert!(!scrubbed.contains("SECRE"), "{scrubbed}");
        assert!(scrubbed.ends_with(" bytes]"), "{scrubbed}");
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
