//! Device authorization (RFC 8628) with a polling callback, and CIBA poll mode.

use std::ffi::{c_char, c_void};
use std::sync::Arc;

use oauth2kit::{
    CancelToken, CibaAuthorization, CibaRequest, DeviceAuthorization, PollEvent, PollOptions,
};
use oauth2kit_bind::{PollKind, PollProgress};

use crate::client::{oauth2kit_client, params_arg};
use crate::error::oauth2kit_status;
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, opt_str_arg, out_arg, str_arg};
use crate::strings::new_opt_c_string;
use crate::tokens::{json_field_text, oauth2kit_token_set};

/// A started device authorization: the code the user types and where.
/// Immutable: thread-safe to read.
#[derive(Debug)]
pub struct oauth2kit_device_authorization {
    _private: [u8; 0],
}

opaque!(oauth2kit_device_authorization => DeviceAuthorization, 0x6f32_6b64_6576_6963);

/// What a polling flow is doing, passed to an `oauth2kit_poll_callback`.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum oauth2kit_poll_event_kind {
    /// About to wait `interval_seconds` before poll number `attempt`; `remaining_seconds` left.
    Waiting = 1,
    /// The server asked to slow down; `interval_seconds` is the new interval.
    SlowDown = 2,
    /// A transient failure; polling goes on after `interval_seconds`.
    Retrying = 3,
}

/// A polling progress report. Durations are seconds, as everywhere in the
/// API (the binding layer's `PollProgress`).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct oauth2kit_poll_event {
    /// What happened.
    pub kind: oauth2kit_poll_event_kind,
    /// Poll number to come (1-based) for `WAITING`, else 0.
    pub attempt: u32,
    /// The wait before the next poll, in seconds.
    pub interval_seconds: f64,
    /// Time left before the request expires, in seconds (`WAITING` only, else 0).
    pub remaining_seconds: f64,
}

/// Cancels device or CIBA polling from any thread (a UI's "Cancel" button, a
/// shutdown path): the poll wakes at once and fails with
/// `OAUTH2KIT_STATUS_CANCELLED`. One token may be shared by several polls.
#[derive(Debug)]
pub struct oauth2kit_cancel {
    _private: [u8; 0],
}

opaque!(oauth2kit_cancel => CancelToken, 0x6f32_6b63_616e_636c);

/// Creates a cancel token. `*out` receives it; free it with
/// `oauth2kit_cancel_free` once no poll uses it. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_cancel_new(out: *mut *mut oauth2kit_cancel) -> oauth2kit_status {
    guard("oauth2kit_cancel_new", || {
        let out = out_arg(out, "out")?;
        out.write(oauth2kit_cancel::into_raw(CancelToken::new()));
        Ok(())
    })
}

/// Cancels every poll that was given `cancel`, now and later (it stays
/// cancelled). Callable from any thread, also while a poll is waiting;
/// a second call does nothing. NULL or a wrong handle: `NULL_ARGUMENT` /
/// `WRONG_HANDLE`.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_cancel_request(cancel: *const oauth2kit_cancel) -> oauth2kit_status {
    guard("oauth2kit_cancel_request", || {
        // SAFETY: handle checked by the helper.
        unsafe { oauth2kit_cancel::get(cancel, "cancel") }?.cancel();
        Ok(())
    })
}

/// Releases a cancel token. NULL is a no-op. No poll may still be using it.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_cancel_free(cancel: *mut oauth2kit_cancel) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_cancel::free(cancel) });
}

/// The cancel token argument of a poll: NULL for none.
///
/// # Safety
/// `cancel` is NULL or a live handle that outlives the call.
unsafe fn cancel_arg(
    cancel: *const oauth2kit_cancel,
) -> Result<Option<CancelToken>, crate::error::Fail> {
    if cancel.is_null() {
        return Ok(None);
    }
    // SAFETY: the caller's contract.
    unsafe { oauth2kit_cancel::get(cancel, "cancel") }.map(|c| Some(c.clone()))
}

/// Called on the thread that called the polling function, before each wait.
/// Return true to go on polling, false to cancel (the poll then fails with
/// `OAUTH2KIT_STATUS_CANCELLED`). It must not call blocking oauth2kit functions
/// (they would fail with `RUNTIME`), must not unwind (no C++ exception, no longjmp).
pub type oauth2kit_poll_callback =
    Option<extern "C" fn(user_data: *mut c_void, event: *const oauth2kit_poll_event) -> bool>;

/// The C callback as the core's progress callback. The user data pointer is
/// only handed back to the callback, on the calling thread.
struct CallbackData(*mut c_void);
// SAFETY: the pointer is opaque here and only passed back to the caller's own
// callback, which runs during the call that supplied it.
unsafe impl Send for CallbackData {}
unsafe impl Sync for CallbackData {}

impl CallbackData {
    // A method, so closures capture the whole (Send) wrapper, not the raw field.
    fn ptr(&self) -> *mut c_void {
        self.0
    }
}

/// Polling options whose progress callback is `report`; `report` returning
/// false cancels the flow (through `cancel`). Shared by the C ABI and the C++ bridge.
pub(crate) fn poll_options_with(
    cancel: CancelToken,
    report: impl Fn(i32, &oauth2kit_poll_event) -> bool + Send + Sync + 'static,
) -> PollOptions {
    let token = cancel.clone();
    let on_event = Arc::new(move |e: &PollEvent| {
        // A kind added to the core later is not reported until the binding layer maps it.
        let Some(p) = PollProgress::from_event(e) else {
            return;
        };
        let event = oauth2kit_poll_event {
            kind: match p.kind {
                PollKind::Waiting => oauth2kit_poll_event_kind::Waiting,
                PollKind::SlowDown => oauth2kit_poll_event_kind::SlowDown,
                PollKind::Retrying => oauth2kit_poll_event_kind::Retrying,
            },
            attempt: p.attempt,
            interval_seconds: p.interval_seconds,
            remaining_seconds: p.remaining_seconds,
        };
        if !report(event.kind as i32, &event) {
            token.cancel();
        }
    });
    PollOptions {
        cancel,
        on_event: Some(on_event),
        ..Default::default()
    }
}

/// Polling options from the C arguments: the callback (may be NULL) and a
/// cancel token (may be NULL), either of which stops the poll.
///
/// # Safety
/// `cancel` is NULL or a live handle that outlives the poll.
pub(crate) unsafe fn poll_options(
    callback: oauth2kit_poll_callback,
    user_data: *mut c_void,
    cancel: *const oauth2kit_cancel,
) -> Result<PollOptions, crate::error::Fail> {
    // SAFETY: the caller's contract.
    let external = unsafe { cancel_arg(cancel) }?;
    // The callback's "stop" cancels this poll's own token, a child of the
    // caller's: a token shared by several polls is never cancelled by one
    // poll's callback.
    let base = external.map(|t| t.child()).unwrap_or_default();
    Ok(match callback {
        None => PollOptions {
            cancel: base,
            ..Default::default()
        },
        Some(cb) => {
            let data = CallbackData(user_data);
            poll_options_with(base, move |_, event| cb(data.ptr(), event))
        }
    })
}

/// Starts a device authorization (RFC 8628 §3.1). `scope` may be NULL.
/// `*out` receives a new handle (free with `oauth2kit_device_authorization_free`):
/// show its user code and verification URI, then call
/// `oauth2kit_client_poll_device_token`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_device_authorization(
    client: *const oauth2kit_client,
    scope: *const c_char,
    out: *mut *mut oauth2kit_device_authorization,
) -> oauth2kit_status {
    guard("oauth2kit_client_device_authorization", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let scope = unsafe { opt_str_arg(scope, "scope") }?;
        out.write(oauth2kit_device_authorization::into_raw(
            c.device_authorization(scope)?,
        ));
        Ok(())
    })
}

/// A field of a device authorization as a new string (free with
/// `oauth2kit_string_free`): `user_code`, `verification_uri`,
/// `verification_uri_complete` (NULL when absent), `expires_in`, `interval`
/// (seconds, as text), or any other member of the server's answer. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_device_authorization_field(
    device: *const oauth2kit_device_authorization,
    name: *const c_char,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_device_authorization_field", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let d = unsafe { oauth2kit_device_authorization::get(device, "device") }?;
        let name = unsafe { str_arg(name, "name") }?;
        out.write(new_opt_c_string(device_field(d, name).as_deref())?);
        Ok(())
    })
}

pub(crate) fn device_field(d: &DeviceAuthorization, name: &str) -> Option<String> {
    match name {
        "user_code" => Some(d.user_code.clone()),
        "verification_uri" => Some(d.verification_uri.clone()),
        "verification_uri_complete" => d.verification_uri_complete.clone(),
        "expires_in" => Some(d.expires_in.as_secs().to_string()),
        "interval" => Some(d.interval.as_secs().to_string()),
        // The device code is a secret the caller never needs.
        "device_code" => None,
        other => d.extra.get(other).map(json_field_text),
    }
}

/// Releases a device authorization. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_device_authorization_free(device: *mut oauth2kit_device_authorization) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_device_authorization::free(device) });
}

/// Polls the token endpoint until the user approves (RFC 8628 §3.4–3.5):
/// honours `interval` and `slow_down`, backs off on transient failures, stops
/// at expiry. Blocks the calling thread. `callback` may be NULL; otherwise it
/// is called before every wait with `user_data` and may cancel. `cancel` may
/// be NULL; otherwise `oauth2kit_cancel_request(cancel)` from any thread stops
/// the poll at once, even in the middle of a wait (the token must outlive the
/// call). `*out` receives the tokens. Errors: `OAUTH` (`access_denied`…),
/// `EXPIRED`, `CANCELLED`, transport errors. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_poll_device_token(
    client: *const oauth2kit_client,
    device: *const oauth2kit_device_authorization,
    callback: oauth2kit_poll_callback,
    user_data: *mut c_void,
    cancel: *const oauth2kit_cancel,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_poll_device_token", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handles checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let d = unsafe { oauth2kit_device_authorization::get(device, "device") }?;
        let opts = unsafe { poll_options(callback, user_data, cancel) }?;
        let tokens = c.poll_device_token(d, &opts)?;
        out.write(oauth2kit_token_set::into_raw(tokens));
        Ok(())
    })
}

/// A started CIBA backchannel authentication request. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct oauth2kit_ciba_authorization {
    _private: [u8; 0],
}

opaque!(oauth2kit_ciba_authorization => CibaAuthorization, 0x6f32_6b63_6962_6121);

/// The core's CIBA request from C arguments (see `oauth2kit_client_ciba`).
///
/// # Safety
/// Strings NUL-terminated or NULL; `params` NULL or `params_len` elements.
unsafe fn ciba_request(
    login_hint: *const c_char,
    scope: *const c_char,
    binding_message: *const c_char,
    params: *const crate::client::oauth2kit_param,
    params_len: usize,
) -> Result<CibaRequest, crate::error::Fail> {
    // SAFETY: strings and array checked by the helpers (contract above).
    Ok(CibaRequest {
        login_hint: Some(unsafe { str_arg(login_hint, "login_hint") }?.to_string()),
        scope: unsafe { opt_str_arg(scope, "scope") }?.map(str::to_string),
        binding_message: unsafe { opt_str_arg(binding_message, "binding_message") }?
            .map(str::to_string),
        extra: unsafe { params_arg(params, params_len) }?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    })
}

/// Starts a CIBA backchannel authentication request (CIBA core 1.0 §7) for the
/// user named by `login_hint`, without polling: arguments as for
/// `oauth2kit_client_ciba`. `*out` receives a new handle (free with
/// `oauth2kit_ciba_authorization_free`); poll it with
/// `oauth2kit_client_poll_ciba_token`. Use this split form when the
/// `auth_req_id` is needed (e.g. to match a ping-mode notification). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_ciba_authorization(
    client: *const oauth2kit_client,
    login_hint: *const c_char,
    scope: *const c_char,
    binding_message: *const c_char,
    params: *const crate::client::oauth2kit_param,
    params_len: usize,
    out: *mut *mut oauth2kit_ciba_authorization,
) -> oauth2kit_status {
    guard("oauth2kit_client_ciba_authorization", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle, strings and array checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let request =
            unsafe { ciba_request(login_hint, scope, binding_message, params, params_len) }?;
        out.write(oauth2kit_ciba_authorization::into_raw(
            c.ciba_authorization(&request)?,
        ));
        Ok(())
    })
}

/// A field of a started CIBA request as a new string (free with
/// `oauth2kit_string_free`): `auth_req_id` (a bearer-like secret: do not log
/// it), `expires_in`, `interval` (seconds, as text), or any other member of
/// the server's answer (NULL when absent). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_ciba_authorization_field(
    ciba: *const oauth2kit_ciba_authorization,
    name: *const c_char,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_ciba_authorization_field", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let a = unsafe { oauth2kit_ciba_authorization::get(ciba, "ciba") }?;
        let name = unsafe { str_arg(name, "name") }?;
        out.write(new_opt_c_string(ciba_field(a, name).as_deref())?);
        Ok(())
    })
}

pub(crate) fn ciba_field(a: &CibaAuthorization, name: &str) -> Option<String> {
    match name {
        "auth_req_id" => Some(a.auth_req_id.expose().to_string()),
        "expires_in" => Some(a.expires_in.as_secs().to_string()),
        "interval" => Some(a.interval.as_secs().to_string()),
        other => a.extra.get(other).map(json_field_text),
    }
}

/// Releases a CIBA request handle. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_ciba_authorization_free(ciba: *mut oauth2kit_ciba_authorization) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_ciba_authorization::free(ciba) });
}

/// Polls a started CIBA request until the user approves (same rules,
/// callback and cancel token as `oauth2kit_client_poll_device_token`). `*out` receives the
/// tokens (with an `id_token`). Errors: `OAUTH` (`access_denied`…), `EXPIRED`,
/// `CANCELLED`, transport errors. Blocks. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_poll_ciba_token(
    client: *const oauth2kit_client,
    ciba: *const oauth2kit_ciba_authorization,
    callback: oauth2kit_poll_callback,
    user_data: *mut c_void,
    cancel: *const oauth2kit_cancel,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_poll_ciba_token", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handles checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let a = unsafe { oauth2kit_ciba_authorization::get(ciba, "ciba") }?;
        let opts = unsafe { poll_options(callback, user_data, cancel) }?;
        let tokens = c.poll_ciba_token(a, &opts)?;
        out.write(oauth2kit_token_set::into_raw(tokens));
        Ok(())
    })
}

/// CIBA poll mode (OpenID Connect Client-Initiated Backchannel Authentication):
/// starts a backchannel request for the user named by `login_hint` and polls
/// until approved. `scope` and `binding_message` may be NULL; `params` adds
/// request parameters (NULL/0 for none). Callback and cancel token as for
/// `oauth2kit_client_poll_device_token`. `*out` receives the tokens. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_ciba(
    client: *const oauth2kit_client,
    login_hint: *const c_char,
    scope: *const c_char,
    binding_message: *const c_char,
    params: *const crate::client::oauth2kit_param,
    params_len: usize,
    callback: oauth2kit_poll_callback,
    user_data: *mut c_void,
    cancel: *const oauth2kit_cancel,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_ciba", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle, strings and array checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let request =
            unsafe { ciba_request(login_hint, scope, binding_message, params, params_len) }?;
        let opts = unsafe { poll_options(callback, user_data, cancel) }?;
        let started = c.ciba_authorization(&request)?;
        let tokens = c.poll_ciba_token(&started, &opts)?;
        out.write(oauth2kit_token_set::into_raw(tokens));
        Ok(())
    })
}
