//! The panic guard around every export, and the failure type the exports use.

use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::error::{Fail, oauth2kit_status, set_last_error};

/// Runs the body of an exported function: a failure is recorded as the
/// thread's last error and turned into its status; a panic is caught (it must
/// never unwind into C) and reported as [`oauth2kit_status::Panic`].
pub(crate) fn guard(
    function: &'static str,
    body: impl FnOnce() -> Result<(), Fail>,
) -> oauth2kit_status {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => oauth2kit_status::Ok,
        Ok(Err(fail)) => {
            let status = fail.status;
            set_last_error(fail);
            status
        }
        Err(payload) => {
            let what = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".into());
            set_last_error(Fail::new(
                oauth2kit_status::Panic,
                format!("internal error (panic) in {function}: {what}"),
            ));
            oauth2kit_status::Panic
        }
    }
}

/// For `void` exports (the `_free` functions): a panic is swallowed.
pub(crate) fn guard_void(body: impl FnOnce()) {
    let _ = catch_unwind(AssertUnwindSafe(body));
}
