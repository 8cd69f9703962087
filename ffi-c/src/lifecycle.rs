//! Stopping the library's runtime before a plugin is unloaded.

use std::time::Duration;

use crate::error::{Fail, oauth2kit_status};
use crate::guard::guard;

/// Stops oauth2kit's background runtime: its worker threads exit and pending
/// background work (a session's renewal in progress, say) is dropped, waiting
/// at most `timeout_ms` milliseconds for it. Call it from a plugin's unload
/// hook, before `dlclose()`, once every other oauth2kit call has returned.
///
/// If `was_running` is not NULL it receives whether a runtime was running.
///
/// Handles stay valid: a later call starts a new runtime and opens new
/// connections, so a plugin that is loaded again works as before. Freeing
/// every handle first is still the tidy order (a session's store may hold a
/// file or a connection).
///
/// Errors: `OAUTH2KIT_STATUS_RUNTIME` when called from an oauth2kit callback
/// (a store or `on_change` callback runs on a runtime thread, which cannot
/// stop its own runtime).
///
/// Thread safety: safe to call from any thread except a runtime thread;
/// calls racing with it on other threads may fail with
/// `OAUTH2KIT_STATUS_RUNTIME` or a transport error, never crash.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_shutdown(timeout_ms: u32, was_running: *mut bool) -> oauth2kit_status {
    guard("oauth2kit_shutdown", || {
        let stopped = oauth2kit::blocking::shutdown(Duration::from_millis(timeout_ms.into()))
            .map_err(Fail::from)?;
        if !was_running.is_null() {
            // SAFETY: checked non-NULL; the caller passes a writable bool.
            unsafe { *was_running = stopped };
        }
        Ok(())
    })
}
