//! Presenting tokens to APIs with your own HTTP stack (libcurl…): the headers
//! of one request — `Authorization: DPoP <token>` and a `DPoP` proof for a
//! DPoP-bound token set (RFC 9449 §7) — and the API's answer read back, which
//! says when a `use_dpop_nonce` demand (§9) wants the request sent once more.
//! The rules are the core's, through the binding layer (`bind/src/resource.rs`).

use std::ffi::c_char;

use oauth2kit::TokenSet;

use crate::client::oauth2kit_client;
use crate::error::{Fail, oauth2kit_status};
use crate::guard::guard;
use crate::handle::{Handle, opt_str_arg, out_arg, str_arg};
use crate::session::oauth2kit_session;
use crate::strings::{new_c_string, new_opt_c_string, oauth2kit_string_free};
use crate::tokens::oauth2kit_token_set;

/// Writes the three out-parameters together, or none of them.
fn write_headers(
    headers: Vec<(String, String)>,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
    out_dpop: *mut *mut c_char,
) -> Result<(), Fail> {
    let out_name = out_arg(out_name, "out_name")?;
    let out_value = out_arg(out_value, "out_value")?;
    let out_dpop = out_arg(out_dpop, "out_dpop")?;
    let (name, value, proof) = oauth2kit_bind::resource::split_headers(headers)?;
    let name = new_c_string(&name)?;
    let value = match new_c_string(&value) {
        Ok(v) => v,
        Err(e) => {
            oauth2kit_string_free(name);
            return Err(e);
        }
    };
    match new_opt_c_string(proof.as_deref()) {
        Ok(proof) => {
            out_name.write(name);
            out_value.write(value);
            out_dpop.write(proof);
            Ok(())
        }
        Err(e) => {
            oauth2kit_string_free(name);
            oauth2kit_string_free(value);
            Err(e)
        }
    }
}

/// The answer's headers as the core reads them.
///
/// # Safety
/// Each pointer is NULL or a NUL-terminated string.
unsafe fn answer_headers(
    www_authenticate: *const c_char,
    dpop_nonce: *const c_char,
) -> Result<Vec<(String, String)>, Fail> {
    let mut headers = Vec::new();
    // SAFETY: per this function's contract.
    if let Some(v) = unsafe { opt_str_arg(www_authenticate, "www_authenticate") }? {
        headers.push(("WWW-Authenticate".to_string(), v.to_string()));
    }
    if let Some(v) = unsafe { opt_str_arg(dpop_nonce, "dpop_nonce") }? {
        headers.push(("DPoP-Nonce".to_string(), v.to_string()));
    }
    Ok(headers)
}

fn status_code(status: i32) -> Result<u16, Fail> {
    u16::try_from(status)
        .ok()
        .filter(|s| (100..=999).contains(s))
        .ok_or_else(|| Fail::invalid(format!("{status} is not an HTTP status")))
}

/// The headers that present `tokens` for one request to an API (`method`,
/// e.g. `"GET"`, and the full `url`). For a DPoP-bound token set (token type
/// `DPoP`): `*out_name` = `"Authorization"`, `*out_value` = `"DPoP <token>"`,
/// and `*out_dpop` = a new proof for the `DPoP` header (signed by the set's
/// key, with `htm`, `htu`, `ath` and the API's last nonce). For a bearer set:
/// the profile's header (as `oauth2kit_client_authorization_header`) and NULL
/// in `*out_dpop`. Make new headers for every request (a proof is single-use).
///
/// Ownership: on success the three out-parameters receive new strings (free
/// each non-NULL one with `oauth2kit_string_free`; the value holds the
/// token); on failure none is written. No network. Errors: `NULL_ARGUMENT`,
/// `WRONG_HANDLE`, `CONFIG` (a bad URL or method, a DPoP-bound set with no
/// key), each with the thread's last error. Thread-safe.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_resource_request_headers(
    client: *const oauth2kit_client,
    tokens: *const oauth2kit_token_set,
    method: *const c_char,
    url: *const c_char,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
    out_dpop: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_client_resource_request_headers", || {
        // SAFETY: handles and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let method = unsafe { str_arg(method, "method") }?;
        let url = unsafe { str_arg(url, "url") }?;
        let headers = oauth2kit_bind::resource::request_headers(c.oauth(), ts, method, url)?;
        write_headers(headers, out_name, out_value, out_dpop)
    })
}

/// Reads an API's answer to a request made with
/// `oauth2kit_client_resource_request_headers`: pass its `status`, its
/// `WWW-Authenticate` header and its `DPoP-Nonce` header (NULL when absent;
/// several `WWW-Authenticate` headers joined with ", "). The nonce is
/// remembered for the URL's origin (call this for every answer: servers send
/// new nonces on successes too). `*out_retry` is true when the set is
/// DPoP-bound and the answer is a 401 `use_dpop_nonce` demand: make new
/// headers and send the request once more (once only). Always false for a
/// bearer set.
///
/// Ownership: borrows every argument; `*out_retry` is written on success
/// only. No network. Errors: `NULL_ARGUMENT`, `WRONG_HANDLE`,
/// `INVALID_ARGUMENT` (a status outside 100–999), `CONFIG` (a bad URL).
/// Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_check_resource_response(
    client: *const oauth2kit_client,
    tokens: *const oauth2kit_token_set,
    url: *const c_char,
    status: i32,
    www_authenticate: *const c_char,
    dpop_nonce: *const c_char,
    out_retry: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_client_check_resource_response", || {
        let out = out_arg(out_retry, "out_retry")?;
        // SAFETY: handles and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let url = unsafe { str_arg(url, "url") }?;
        let headers = unsafe { answer_headers(www_authenticate, dpop_nonce) }?;
        let status = status_code(status)?;
        out.write(oauth2kit_bind::resource::check_response(
            c.oauth(),
            ts,
            url,
            status,
            headers,
        )?);
        Ok(())
    })
}

/// `oauth2kit_client_resource_request_headers` with the session's valid
/// token (renewed first when due, once for all threads; a DPoP-bound set is
/// refreshed with its own key). Ownership and out-parameters as there.
/// Errors: those of `oauth2kit_session_access_token`, and `CONFIG` (a bad
/// URL or method). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_resource_request_headers(
    session: *const oauth2kit_session,
    method: *const c_char,
    url: *const c_char,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
    out_dpop: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_session_resource_request_headers", || {
        // SAFETY: handle and strings checked by the helpers.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let method = unsafe { str_arg(method, "method") }?;
        let url = oauth2kit_bind::resource::parse_url(unsafe { str_arg(url, "url") }?)?;
        let headers = s.resource_request_headers(method, &url)?;
        write_headers(headers, out_name, out_value, out_dpop)
    })
}

/// `oauth2kit_client_check_resource_response` for the session's current
/// token set: `*out_retry` true means make new headers with
/// `oauth2kit_session_resource_request_headers` and send once more.
/// Ownership, out-parameter and errors as there. No network. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_check_resource_response(
    session: *const oauth2kit_session,
    url: *const c_char,
    status: i32,
    www_authenticate: *const c_char,
    dpop_nonce: *const c_char,
    out_retry: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_session_check_resource_response", || {
        let out = out_arg(out_retry, "out_retry")?;
        // SAFETY: handle and strings checked by the helpers.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let url = oauth2kit_bind::resource::parse_url(unsafe { str_arg(url, "url") }?)?;
        let headers = unsafe { answer_headers(www_authenticate, dpop_nonce) }?;
        let status = status_code(status)?;
        let answer = oauth2kit_bind::resource::response(status, headers);
        out.write(s.check_resource_response(&url, &answer));
        Ok(())
    })
}

/// The RFC 7638 thumbprint (`jkt`) of the DPoP key `tokens` are bound to, or
/// NULL in `*out` for a set without a DPoP key. The key itself never leaves
/// the library except inside `oauth2kit_token_set_to_json` (stores keep it
/// with the tokens: a bound token is useless without it). `*out` receives a
/// new string on success (free with `oauth2kit_string_free`). Errors:
/// `NULL_ARGUMENT`, `WRONG_HANDLE`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_token_set_dpop_jkt(
    tokens: *const oauth2kit_token_set,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_token_set_dpop_jkt", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let ts: &TokenSet = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        out.write(new_opt_c_string(ts.dpop_key().map(|k| k.thumbprint()))?);
        Ok(())
    })
}
