//! `oauth2kit_authorization`: an authorization URL and what must be kept until
//! the redirect comes back (state, PKCE verifier, redirect URI).

use std::ffi::c_char;

use oauth2kit::{AuthorizationRequest, PendingAuthorization};

use crate::error::{Fail, oauth2kit_status};
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};
use crate::strings::new_c_string;

/// An authorization request: the URL (absent when rebuilt from JSON) and the
/// pending state.
#[derive(Debug)]
pub(crate) struct Authorization {
    pub(crate) url: Option<String>,
    pub(crate) pending: PendingAuthorization,
}

impl From<AuthorizationRequest> for Authorization {
    fn from(r: AuthorizationRequest) -> Self {
        Authorization {
            url: Some(r.url.to_string()),
            pending: r.pending,
        }
    }
}

/// An authorization request in progress. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct oauth2kit_authorization {
    _private: [u8; 0],
}

opaque!(oauth2kit_authorization => Authorization, 0x6f32_6b61_7574_687a);

/// The URL to send the user to. `*out` receives a new string (free with
/// `oauth2kit_string_free`). Errors: `INVALID_ARGUMENT` for a request rebuilt
/// from JSON, which has no URL. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_authorization_url(
    auth: *const oauth2kit_authorization,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_authorization_url", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let a = unsafe { oauth2kit_authorization::get(auth, "auth") }?;
        let url = a.url.as_deref().ok_or_else(|| {
            Fail::invalid("this authorization request was rebuilt from JSON and has no URL")
        })?;
        out.write(new_c_string(url)?);
        Ok(())
    })
}

/// The `state` sent (to match a redirect to its request yourself). Free with
/// `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_authorization_state(
    auth: *const oauth2kit_authorization,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_authorization_state", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let a = unsafe { oauth2kit_authorization::get(auth, "auth") }?;
        out.write(new_c_string(a.pending.state.expose())?);
        Ok(())
    })
}

/// What must survive until the redirect (state, PKCE verifier, redirect URI,
/// issuer) as JSON, e.g. for a web session between two HTTP requests. It holds
/// secrets: store it server-side only. Free with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_authorization_to_json(
    auth: *const oauth2kit_authorization,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_authorization_to_json", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let a = unsafe { oauth2kit_authorization::get(auth, "auth") }?;
        let json = serde_json::to_string(&a.pending)
            .map_err(|e| Fail::invalid(format!("cannot serialize: {e}")))?;
        out.write(new_c_string(&json)?);
        Ok(())
    })
}

/// Rebuilds a pending authorization from `oauth2kit_authorization_to_json`
/// output, to exchange the redirect in another request or process. `*out`
/// receives a new handle (free with `oauth2kit_authorization_free`).
/// Errors: `INVALID_ARGUMENT` for bad JSON.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_authorization_from_json(
    json: *const c_char,
    out: *mut *mut oauth2kit_authorization,
) -> oauth2kit_status {
    guard("oauth2kit_authorization_from_json", || {
        let out = out_arg(out, "out")?;
        // SAFETY: string checked by the helper.
        let json = unsafe { str_arg(json, "json") }?;
        let pending: PendingAuthorization = serde_json::from_str(json)
            .map_err(|e| Fail::invalid(format!("not a pending authorization: {e}")))?;
        out.write(oauth2kit_authorization::into_raw(Authorization {
            url: None,
            pending,
        }));
        Ok(())
    })
}

/// Releases an authorization request. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_authorization_free(auth: *mut oauth2kit_authorization) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_authorization::free(auth) });
}
