//! `oauth2kit_introspection`: an RFC 7662 answer.

use std::ffi::c_char;

use oauth2kit::Introspection;
use serde_json::Value;

use crate::error::oauth2kit_status;
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};
use crate::strings::new_opt_c_string;
use crate::tokens::json_field_text;

/// An introspection answer. Immutable: thread-safe to read.
#[derive(Debug)]
pub struct oauth2kit_introspection {
    _private: [u8; 0],
}

opaque!(oauth2kit_introspection => Introspection, 0x6f32_6b69_6e74_726f);

/// A member of the answer by name, as text (strings as they are, other values as JSON).
pub(crate) fn introspection_field(i: &Introspection, name: &str) -> Option<String> {
    let num = |n: Option<u64>| n.map(|n| n.to_string());
    match name {
        "active" => Some(i.active.to_string()),
        "scope" => i.scope.clone(),
        "client_id" => i.client_id.clone(),
        "username" => i.username.clone(),
        "token_type" => i.token_type.clone(),
        "exp" => num(i.exp),
        "iat" => num(i.iat),
        "nbf" => num(i.nbf),
        "sub" => i.sub.clone(),
        "aud" => i.aud.as_ref().map(json_field_text),
        "iss" => i.iss.clone(),
        "jti" => i.jti.clone(),
        other => i
            .extra
            .get(other)
            .filter(|v| !v.is_null())
            .map(|v: &Value| json_field_text(v)),
    }
}

/// Whether the token is active. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_introspection_active(
    intro: *const oauth2kit_introspection,
    out: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_introspection_active", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let i = unsafe { oauth2kit_introspection::get(intro, "intro") }?;
        out.write(i.active);
        Ok(())
    })
}

/// A member of the answer by name (`scope`, `client_id`, `sub`, `exp`, `aud`,
/// or any other): strings as they are, numbers and other values as JSON text,
/// NULL in `*out` when absent. Free with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_introspection_field(
    intro: *const oauth2kit_introspection,
    name: *const c_char,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_introspection_field", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let i = unsafe { oauth2kit_introspection::get(intro, "intro") }?;
        let name = unsafe { str_arg(name, "name") }?;
        out.write(new_opt_c_string(introspection_field(i, name).as_deref())?);
        Ok(())
    })
}

/// Releases an introspection answer. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_introspection_free(intro: *mut oauth2kit_introspection) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_introspection::free(intro) });
}
