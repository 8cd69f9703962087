//! `oauth2kit_set_log_callback`: the library's log events to a C callback.
//! The filtering and formatting are the binding layer's
//! (`oauth2kit_bind::log`); this file only turns a C function pointer into
//! its sink.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use oauth2kit_bind::log::{LogLevel, LogSink, set_sink};

use crate::enum_arg::*;
use crate::error::oauth2kit_status;
use crate::guard::guard;

/// How much the library logs, most severe first (the `level` of
/// `oauth2kit_set_log_callback` and of each call of the callback).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum oauth2kit_log_level {
    /// Nothing (removes the callback).
    Off = 0,
    /// Failures the library could not recover from by itself.
    Error = 1,
    /// Something was wrong but the library carried on (a damaged store…).
    Warn = 2,
    /// Refreshes, fetches, sign-outs.
    Info = 3,
    /// Every HTTP exchange (method, URL without query, status, time), retries, store operations.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

/// The callback: `level` (an `oauth2kit_log_level`), the event's `target`
/// (`"oauth2kit::http"`…) and its one-line `message`, both valid only during
/// the call; and the `user_data` given to `oauth2kit_set_log_callback`.
pub type oauth2kit_log_callback = Option<
    extern "C" fn(
        level: i32,
        target: *const c_char,
        message: *const c_char,
        user_data: *mut c_void,
    ),
>;

struct CallbackSink {
    callback: extern "C" fn(i32, *const c_char, *const c_char, *mut c_void),
    user_data: *mut c_void,
}

// SAFETY: the header requires the callback and its user data to be usable
// from any thread (events come from callers' threads and runtime threads).
unsafe impl Send for CallbackSink {}
unsafe impl Sync for CallbackSink {}

impl LogSink for CallbackSink {
    fn log(&self, level: LogLevel, target: &str, message: &str) {
        let target = crate::error::c_text(target);
        let message = crate::error::c_text(message);
        (self.callback)(
            level as i32,
            target.as_ptr(),
            message.as_ptr(),
            self.user_data,
        );
    }
}

/// Sends the library's log events at `level` (an `oauth2kit_log_level`) and
/// more severe to `callback`, replacing any callback set before; a NULL
/// callback or `OAUTH2KIT_LOG_LEVEL_OFF` removes it. No event ever holds a
/// secret (no token, secret, code or password; URLs lose their query).
///
/// The callback may be called from any thread, at once from several, and
/// must not block for long; it must not call oauth2kit functions (events it
/// would cause are dropped). `user_data` must stay valid until the callback
/// is replaced or removed. Events below `level` cost one atomic read.
///
/// Errors: none (`OAUTH2KIT_STATUS_OK`); a level above TRACE is TRACE. If the
/// host process already installed its own Rust `tracing` subscriber, events
/// go there instead and this returns `OAUTH2KIT_STATUS_RUNTIME`.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_set_log_callback(
    level: oauth2kit_log_level_arg,
    callback: oauth2kit_log_callback,
    user_data: *mut c_void,
) -> oauth2kit_status {
    guard("oauth2kit_set_log_callback", || {
        let sink = callback.map(|callback| {
            Arc::new(CallbackSink {
                callback,
                user_data,
            }) as Arc<dyn LogSink>
        });
        if set_sink(LogLevel::from_i32(level), sink) {
            Ok(())
        } else {
            Err(crate::error::Fail::new(
                oauth2kit_status::Runtime,
                "the host process installed its own tracing subscriber; oauth2kit's events go there",
            ))
        }
    })
}
