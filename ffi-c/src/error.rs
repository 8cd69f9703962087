//! Status codes and the thread-local last error.
//!
//! Codes 1 to 15 are the core's stable `ErrorCode` numbers; 100 and up are
//! failures of the C boundary itself (NULL, bad UTF-8, wrong handle, panic).

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use oauth2kit::{Error, ErrorCode};

/// The result of every fallible function. `OAUTH2KIT_STATUS_OK` (0) is success;
/// anything else is a failure whose details are in the `oauth2kit_last_error_*`
/// accessors of the calling thread.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum oauth2kit_status {
    /// Success.
    Ok = 0,
    /// The authorization server answered with an OAuth error (RFC 6749 §5.2);
    /// read `oauth2kit_last_error_oauth_error()` and friends.
    Oauth = 1,
    /// The refresh token (or grant) is no longer usable: the user must authorize again.
    ReauthorizationRequired = 2,
    /// An HTTP error status whose body is not an OAuth error.
    Http = 3,
    /// A success status with an unusable body.
    InvalidResponse = 4,
    /// A token, introspection or revocation endpoint answered with a redirect.
    UnexpectedRedirect = 5,
    /// The response body exceeded the size cap.
    ResponseTooLarge = 6,
    /// The connection failed (refused, reset, DNS, TLS).
    Transport = 7,
    /// The server did not answer in time.
    Timeout = 8,
    /// The `state` of the redirect is not the one sent (possible CSRF).
    StateMismatch = 9,
    /// The `iss` of the redirect is not the expected issuer (RFC 9207).
    IssuerMismatch = 10,
    /// Invalid configuration or input (bad URL, missing endpoint, unusable key, unknown profile).
    Config = 11,
    /// A token store failed.
    Store = 12,
    /// The operation was cancelled by the caller.
    Cancelled = 13,
    /// A polling flow expired before it was approved.
    Expired = 14,
    /// The runtime cannot serve the call (after fork(), or from inside an async runtime).
    Runtime = 15,
    /// A required pointer argument was NULL.
    NullArgument = 100,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = 101,
    /// An argument has an invalid value (unknown option, bad number…).
    InvalidArgument = 102,
    /// A handle argument is not of the expected type (or was already freed and
    /// overwritten: using a freed handle is undefined behaviour).
    WrongHandle = 103,
    /// An internal error (a Rust panic) was caught at the boundary.
    Panic = 104,
    /// The core reported an error kind this library version does not know.
    UnknownError = 199,
}

impl oauth2kit_status {
    fn from_code(code: ErrorCode) -> Self {
        use oauth2kit_status as S;
        match code as i32 {
            1 => S::Oauth,
            2 => S::ReauthorizationRequired,
            3 => S::Http,
            4 => S::InvalidResponse,
            5 => S::UnexpectedRedirect,
            6 => S::ResponseTooLarge,
            7 => S::Transport,
            8 => S::Timeout,
            9 => S::StateMismatch,
            10 => S::IssuerMismatch,
            11 => S::Config,
            12 => S::Store,
            13 => S::Cancelled,
            14 => S::Expired,
            15 => S::Runtime,
            _ => S::UnknownError,
        }
    }
}

/// A failure on its way to the caller: a status, a message, and the core error
/// when there is one (for the RFC fields).
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) status: oauth2kit_status,
    pub(crate) message: String,
    pub(crate) core: Option<Error>,
}

impl Fail {
    pub(crate) fn new(status: oauth2kit_status, message: impl Into<String>) -> Self {
        Fail {
            status,
            message: message.into(),
            core: None,
        }
    }

    pub(crate) fn null(arg: &str) -> Self {
        Fail::new(
            oauth2kit_status::NullArgument,
            format!("argument `{arg}` is NULL"),
        )
    }

    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Fail::new(oauth2kit_status::InvalidArgument, message)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        // Core messages never contain secrets (a core guarantee).
        Fail {
            status: oauth2kit_status::from_code(e.code()),
            message: e.to_string(),
            core: Some(e),
        }
    }
}

/// The details of the last failure, kept as C strings so accessors can hand
/// out pointers into it.
#[derive(Debug)]
pub(crate) struct LastError {
    pub(crate) status: oauth2kit_status,
    pub(crate) message: CString,
    pub(crate) error: Option<CString>,
    pub(crate) description: Option<CString>,
    pub(crate) uri: Option<CString>,
    pub(crate) body: Option<CString>,
    pub(crate) http_status: u16,
    pub(crate) transient: bool,
    pub(crate) retry_after_ms: i64,
}

/// A C string from Rust text (interior NULs, which C cannot hold, become U+FFFD).
pub(crate) fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

impl LastError {
    pub(crate) fn from_fail(fail: &Fail) -> Self {
        let e = fail.core.as_ref();
        let oauth = e.and_then(Error::oauth);
        LastError {
            status: fail.status,
            message: c_text(&fail.message),
            error: oauth.map(|o| c_text(&o.error)),
            description: oauth.and_then(|o| o.description.as_deref()).map(c_text),
            uri: oauth.and_then(|o| o.uri.as_deref()).map(c_text),
            body: e.and_then(Error::body).map(c_text),
            http_status: e.and_then(Error::status).unwrap_or(0),
            transient: e.is_some_and(Error::is_transient),
            retry_after_ms: e
                .and_then(Error::retry_after)
                .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
                .unwrap_or(-1),
        }
    }
}

thread_local! {
    static LAST_ERROR: RefCell<Option<LastError>> = const { RefCell::new(None) };
}

pub(crate) fn set_last_error(fail: Fail) {
    let last = LastError::from_fail(&fail);
    LAST_ERROR.with(|cell| *cell.borrow_mut() = Some(last));
}

/// Reads the last error of this thread (for the cxx bridge).
pub(crate) fn with_last_error<R>(f: impl FnOnce(Option<&LastError>) -> R) -> R {
    LAST_ERROR.with(|cell| f(cell.borrow().as_ref()))
}

fn last_str(pick: impl FnOnce(&LastError) -> Option<&CString>) -> *const c_char {
    with_last_error(|last| last.and_then(pick).map_or(ptr::null(), |s| s.as_ptr()))
}

/// The status of the last failure on this thread, or `OAUTH2KIT_STATUS_OK` when
/// none was recorded (or after `oauth2kit_last_error_clear`).
///
/// Successful calls do not clear the last error (like `errno`).
/// Thread safety: reads this thread's own record; safe from any thread.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_status() -> oauth2kit_status {
    with_last_error(|last| last.map_or(oauth2kit_status::Ok, |l| l.status))
}

/// The message of the last failure on this thread (never contains a secret),
/// or NULL when there is none.
///
/// Ownership: the string belongs to the library; it stays valid until the next
/// failing call on this thread or `oauth2kit_last_error_clear()`. Do not free it.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_message() -> *const c_char {
    last_str(|l| Some(&l.message))
}

/// The RFC 6749 §5.2 `error` code of the last failure (`invalid_grant`…), or
/// NULL when it was not an OAuth error answer. Same lifetime as
/// `oauth2kit_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_oauth_error() -> *const c_char {
    last_str(|l| l.error.as_ref())
}

/// The `error_description` of the last failure, or NULL. Same lifetime as
/// `oauth2kit_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_description() -> *const c_char {
    last_str(|l| l.description.as_ref())
}

/// The `error_uri` of the last failure, or NULL. Same lifetime as
/// `oauth2kit_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_uri() -> *const c_char {
    last_str(|l| l.uri.as_ref())
}

/// The response body of the last failure (truncated to 2 KiB, token values
/// redacted), or NULL when there was no response. Same lifetime as
/// `oauth2kit_last_error_message`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_body() -> *const c_char {
    last_str(|l| l.body.as_ref())
}

/// The HTTP status the server answered with in the last failure, or 0 when
/// there was no answer (connection error, bad input…).
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_http_status() -> u16 {
    with_last_error(|last| last.map_or(0, |l| l.http_status))
}

/// Whether trying the last failed call again later may succeed (connection
/// failures, timeouts, 5xx, 429, `temporarily_unavailable`).
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_is_transient() -> bool {
    with_last_error(|last| last.is_some_and(|l| l.transient))
}

/// The server's `Retry-After` of the last failure in milliseconds, or -1 when none.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_retry_after_ms() -> i64 {
    with_last_error(|last| last.map_or(-1, |l| l.retry_after_ms))
}

/// Forgets the last error of this thread (and frees its strings).
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_clear() {
    LAST_ERROR.with(|cell| *cell.borrow_mut() = None);
}

/// A short, stable, lowercase name for a status (`"ok"`, `"oauth"`,
/// `"null_argument"`…). The string is static: do not free it. Unknown values
/// give `"unknown_error"`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_status_name(status: i32) -> *const c_char {
    // Taken as an int: a C caller may pass any number, which must not be
    // turned into an invalid Rust enum value.
    let name: &'static [u8] = match status {
        0 => b"ok\0",
        1 => b"oauth\0",
        2 => b"reauthorization_required\0",
        3 => b"http\0",
        4 => b"invalid_response\0",
        5 => b"unexpected_redirect\0",
        6 => b"response_too_large\0",
        7 => b"transport\0",
        8 => b"timeout\0",
        9 => b"state_mismatch\0",
        10 => b"issuer_mismatch\0",
        11 => b"config\0",
        12 => b"store\0",
        13 => b"cancelled\0",
        14 => b"expired\0",
        15 => b"runtime\0",
        100 => b"null_argument\0",
        101 => b"invalid_utf8\0",
        102 => b"invalid_argument\0",
        103 => b"wrong_handle\0",
        104 => b"panic\0",
        _ => b"unknown_error\0",
    };
    name.as_ptr().cast()
}
