//! Status codes and the thread-local last error.
//!
//! Codes 1 to 99 are the core's stable `ErrorCode` numbers (the enum is
//! generated from the core's table); 100 and up are failures of the C boundary
//! itself (NULL, bad UTF-8, wrong handle, panic). The last error's fields come
//! from the binding layer's `ErrorRecord`, so units and names are the same as in
//! every other binding (durations in seconds).

use std::cell::RefCell;
use std::ffi::{CString, c_char};
use std::ptr;

use oauth2kit::Error;
use oauth2kit_bind::ErrorRecord;

pub use crate::status_enum::oauth2kit_status;

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

    /// The same failure with a configuration error's fix spelled by `spell`
    /// (C++ callers read `.allow_insecure_http(true)`, not the C call).
    pub(crate) fn spelled(mut self, spell: fn(&str) -> String) -> Self {
        if let Some(e) = &self.core {
            self.message = ErrorRecord::from(e).message_in(spell);
        }
        self
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Self {
        // Core messages never contain secrets (a core guarantee). A
        // configuration error's fix is spelled as a C caller sets it
        // (`oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_…, …)`).
        Fail {
            status: oauth2kit_status::from_code(e.code()),
            message: ErrorRecord::from(&e).message_in(oauth2kit_bind::hint::c),
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
    pub(crate) retry_after_seconds: f64,
}

/// A C string from Rust text (interior NULs, which C cannot hold, become U+FFFD).
pub(crate) fn c_text(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

impl LastError {
    pub(crate) fn from_fail(fail: &Fail) -> Self {
        let record = fail
            .core
            .as_ref()
            .map(ErrorRecord::from)
            .unwrap_or_default();
        LastError {
            status: fail.status,
            message: c_text(&fail.message),
            error: record.error.as_deref().map(c_text),
            description: record.description.as_deref().map(c_text),
            uri: record.uri.as_deref().map(c_text),
            body: record.body.as_deref().map(c_text),
            http_status: record.status.unwrap_or(0),
            transient: record.transient,
            retry_after_seconds: record.retry_after_seconds.unwrap_or(-1.0),
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

/// The server's `Retry-After` of the last failure in seconds (fractions
/// possible, as everywhere in oauth2kit), or -1 when it sent none.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_retry_after_seconds() -> f64 {
    with_last_error(|last| last.map_or(-1.0, |l| l.retry_after_seconds))
}

/// Forgets the last error of this thread (and frees its strings).
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_last_error_clear() {
    LAST_ERROR.with(|cell| *cell.borrow_mut() = None);
}

/// A short, stable, lowercase name for a status (`"ok"`, `"oauth"`,
/// `"null_argument"`…): the core's code names, the same in every binding. The
/// string is static: do not free it. Unknown values give `"unknown"`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_status_name(status: i32) -> *const c_char {
    // Taken as an int: a C caller may pass any number, which must not be
    // turned into an invalid Rust enum value.
    oauth2kit_status::name_of(status).as_ptr().cast()
}
