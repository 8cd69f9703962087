//! `oauth2kit_token_set`: the tokens of one grant, read through accessors.

use std::ffi::c_char;
use std::time::{Duration, UNIX_EPOCH};

use oauth2kit::TokenSet;

use crate::error::{Fail, oauth2kit_status};
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};
use crate::strings::{new_c_string, new_opt_c_string};

/// The tokens of one grant. Immutable: any number of threads may read one
/// at the same time.
#[derive(Debug)]
pub struct oauth2kit_token_set {
    _private: [u8; 0],
}

opaque!(oauth2kit_token_set => TokenSet, 0x6f32_6b74_6f6b_656e);

/// An extra field as text: strings as they are, anything else as JSON.
pub(crate) fn json_field_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Which string field of a token set to read.
pub(crate) fn read_field(ts: &TokenSet, field: &str) -> Option<String> {
    match field {
        "access_token" => Some(ts.access_token.expose().to_string()),
        "refresh_token" => ts.refresh_token.as_ref().map(|s| s.expose().to_string()),
        "token_type" => ts.token_type.clone(),
        "scope" => ts.scope.clone(),
        "id_token" => ts.id_token.as_ref().map(|s| s.expose().to_string()),
        name => ts.extra.get(name).map(json_field_text),
    }
}

fn string_accessor(
    function: &'static str,
    tokens: *const oauth2kit_token_set,
    field: &str,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard(function, || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        out.write(new_opt_c_string(read_field(ts, field).as_deref())?);
        Ok(())
    })
}

/// The access token. `*out` receives a new string (free with `oauth2kit_string_free`).
/// Errors: `NULL_ARGUMENT`, `WRONG_HANDLE`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_access_token(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    string_accessor(
        "oauth2kit_token_set_access_token",
        tokens,
        "access_token",
        out,
    )
}

/// The refresh token, or NULL in `*out` when the server sent none. Free a
/// non-NULL result with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_refresh_token(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    string_accessor(
        "oauth2kit_token_set_refresh_token",
        tokens,
        "refresh_token",
        out,
    )
}

/// `token_type` as sent (`Bearer`, `bearer`…), or NULL when absent. Free with
/// `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_token_type(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    string_accessor("oauth2kit_token_set_token_type", tokens, "token_type", out)
}

/// The granted scope, or NULL when the server did not say. Free with
/// `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_scope(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    string_accessor("oauth2kit_token_set_scope", tokens, "scope", out)
}

/// The OpenID Connect ID token, or NULL. Free with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_id_token(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    string_accessor("oauth2kit_token_set_id_token", tokens, "id_token", out)
}

/// Any other field of the token response by name (`issued_token_type`, a
/// provider's own field…): strings as they are, other values as JSON text;
/// NULL in `*out` when absent. Free with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_field(
    tokens: *const oauth2kit_token_set,
    name: *const c_char,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_field", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let name = unsafe { str_arg(name, "name") }?;
        out.write(new_opt_c_string(
            ts.extra.get(name).map(json_field_text).as_deref(),
        )?);
        Ok(())
    })
}

/// When the access token expires, in seconds since the Unix epoch, or -1 in
/// `*out` when unknown (the server sent no usable `expires_in` and the token is
/// not a JWT with `exp`). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_expires_at(
    tokens: *const oauth2kit_token_set,
    out: *mut i64,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_expires_at", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let secs = ts
            .expires_at
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(-1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        out.write(secs);
        Ok(())
    })
}

/// Whether the access token expires within `leeway_secs` seconds (false when
/// the expiry is unknown). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_is_expired(
    tokens: *const oauth2kit_token_set,
    leeway_secs: u32,
    out: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_is_expired", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        out.write(ts.is_expired(Duration::from_secs(leeway_secs.into())));
        Ok(())
    })
}

/// The whole token set as JSON, for a store of your own (it CONTAINS the
/// tokens: keep it as secret as they are). Read back with
/// `oauth2kit_token_set_from_json`. Free with `oauth2kit_string_free`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_to_json(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_to_json", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let json = serde_json::to_string(ts)
            .map_err(|e| Fail::invalid(format!("cannot serialize the token set: {e}")))?;
        out.write(new_c_string(&json)?);
        Ok(())
    })
}

/// Rebuilds a token set from `oauth2kit_token_set_to_json` output (or any JSON
/// object with at least `access_token`), or a store document
/// (`{"version":1,"tokens":{...}}`, what store callbacks are handed). `*out` receives a new handle; free it
/// with `oauth2kit_token_set_free`. Errors: `INVALID_ARGUMENT` for bad JSON.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_from_json(
    json: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_from_json", || {
        let out = out_arg(out, "out")?;
        // SAFETY: string checked by the helper.
        let json = unsafe { str_arg(json, "json") }?;
        // A token set, or the document a store callback is handed; the
        // message names the position, never the values.
        let ts: TokenSet = oauth2kit::store::decode_document(json.as_bytes(), "json")
            .map_err(|e| Fail::invalid(format!("not a token set: {e}")))?;
        out.write(oauth2kit_token_set::into_raw(ts));
        Ok(())
    })
}

/// The validated ID token claims of `tokens` (OpenID Connect), as a JSON
/// object: `*out` receives a new string (free with `oauth2kit_string_free`),
/// or NULL when the set has no validated ID token (no OpenID scope, or a
/// client that knows no provider keys). No network. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_id_token_claims(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_id_token_claims", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        match ts.id_token_claims() {
            Some(c) => out.write(new_c_string(
                &serde_json::Value::Object(c.clone()).to_string(),
            )?),
            None => out.write(std::ptr::null_mut()),
        }
        Ok(())
    })
}

/// The authorization details the server granted (RFC 9396), as JSON (an
/// array of objects with a `type`): `*out` receives a new string (free with
/// `oauth2kit_string_free`), or NULL when the token response had none. No
/// network. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_authorization_details(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_authorization_details", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        match ts.authorization_details() {
            Some(d) => out.write(new_c_string(&d.to_string())?),
            None => out.write(std::ptr::null_mut()),
        }
        Ok(())
    })
}

/// Releases a token set (its tokens are zeroed in memory). NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_free(tokens: *mut oauth2kit_token_set) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_token_set::free(tokens) });
}
