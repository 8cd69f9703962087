//! `oauth2kit_client`: every grant, introspection, revocation, validation and
//! token presentation, through the core's blocking client.

use std::ffi::c_char;

use oauth2kit::blocking::Client;
use oauth2kit::{AuthorizeOptions, Secret, TokenSet, TokenTypeHint};

use crate::authorize::{Authorization, oauth2kit_authorization};
use crate::config::oauth2kit_config;
use crate::enum_arg::*;
use crate::error::{Fail, oauth2kit_status};
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, opt_str_arg, out_arg, str_arg};
use crate::introspect::oauth2kit_introspection;
use crate::strings::new_c_string;
use crate::tokens::oauth2kit_token_set;

/// A client of one authorization server. Thread-safe: share one client
/// between any number of threads and call any function on it concurrently.
#[derive(Debug)]
pub struct oauth2kit_client {
    _private: [u8; 0],
}

opaque!(oauth2kit_client => Client, 0x6f32_6b63_6c69_656e);

/// A name/value pair (extension grant parameters, extra authorization parameters).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct oauth2kit_param {
    /// Parameter name (UTF-8, not NULL).
    pub name: *const c_char,
    /// Parameter value (UTF-8, not NULL).
    pub value: *const c_char,
}

/// `token_type_hint` of introspection and revocation (RFC 7009/7662).
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum oauth2kit_token_hint {
    /// No hint.
    None = 0,
    /// `access_token`
    AccessToken = 1,
    /// `refresh_token`
    RefreshToken = 2,
}

pub(crate) fn hint_from_i32(n: i32) -> Result<Option<TokenTypeHint>, Fail> {
    match n {
        0 => Ok(None),
        1 => Ok(Some(TokenTypeHint::AccessToken)),
        2 => Ok(Some(TokenTypeHint::RefreshToken)),
        other => Err(Fail::invalid(format!("unknown token hint {other}"))),
    }
}

/// Reads a C array of pairs.
///
/// # Safety
/// `params` is NULL (then `len` must be 0) or points to `len` pairs of C strings.
pub(crate) unsafe fn params_arg<'a>(
    params: *const oauth2kit_param,
    len: usize,
) -> Result<Vec<(&'a str, &'a str)>, Fail> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if params.is_null() {
        return Err(Fail::null("params"));
    }
    // SAFETY: per the contract above.
    let items = unsafe { std::slice::from_raw_parts(params, len) };
    items
        .iter()
        .map(|p| {
            // SAFETY: C strings from the caller, checked by the helper.
            let name = unsafe { str_arg(p.name, "params[].name") }?;
            let value = unsafe { str_arg(p.value, "params[].value") }?;
            Ok((name, value))
        })
        .collect()
}

/// The common shape of the grant functions: check the out-parameter and the
/// client first, run the grant, hand the tokens over.
fn token_call(
    function: &'static str,
    client: *const oauth2kit_client,
    out: *mut *mut oauth2kit_token_set,
    body: impl FnOnce(&Client) -> Result<TokenSet, Fail>,
) -> oauth2kit_status {
    guard(function, || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        out.write(oauth2kit_token_set::into_raw(body(c)?));
        Ok(())
    })
}

/// Creates a client from a config. With `OAUTH2KIT_OPTION_DISCOVERY_ISSUER` set
/// this fetches the server metadata (a network call). `*out` receives a new
/// client; free it with `oauth2kit_client_free`.
///
/// Errors: `CONFIG` (bad URL, plain HTTP off loopback, credentials that do not
/// fit the auth method…), discovery errors (`TRANSPORT`, `HTTP`…), `RUNTIME`
/// after fork(). Thread-safe (the config is only read).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_new(
    config: *const oauth2kit_config,
    out: *mut *mut oauth2kit_client,
) -> oauth2kit_status {
    guard("oauth2kit_client_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let data = unsafe { oauth2kit_config::get(config, "config") }?;
        out.write(oauth2kit_client::into_raw(data.build()?));
        Ok(())
    })
}

/// Releases a client. NULL is a no-op. No call on it may be in progress.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_free(client: *mut oauth2kit_client) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_client::free(client) });
}

/// The authorization options from the C arguments.
///
/// # Safety
/// The pointers follow the contract of the functions below.
unsafe fn authorize_options(
    scope: *const c_char,
    redirect_uri: *const c_char,
    params: *const oauth2kit_param,
    params_len: usize,
) -> Result<AuthorizeOptions, Fail> {
    // SAFETY: strings and array checked by the helpers (caller's contract).
    Ok(AuthorizeOptions {
        scope: unsafe { opt_str_arg(scope, "scope") }?.map(str::to_string),
        redirect_uri: unsafe { opt_str_arg(redirect_uri, "redirect_uri") }?.map(str::to_string),
        extra: unsafe { params_arg(params, params_len) }?
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    })
}

/// Builds an authorization URL (authorization code grant, PKCE S256 unless the
/// profile turns it off, a random state). `scope` and `redirect_uri` may be
/// NULL for the configured defaults; `params`/`params_len` add parameters
/// (NULL/0 for none). The OpenID Connect ones are read as typed options and
/// checked: `prompt` (`none` alone), `max_age` (seconds; the ID token's
/// `auth_time` is then checked), `login_hint`, `acr_values`, `ui_locales`,
/// `claims` (a JSON object; an essential `id_token.acr` is checked in the ID
/// token); any other name (`resource`…) is sent as given. No network.
/// `*out` receives a new authorization request (free with `oauth2kit_authorization_free`).
/// Errors: `CONFIG` (no authorization endpoint, a bad typed parameter…),
/// `NULL_ARGUMENT`, `INVALID_UTF8`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_authorization_url(
    client: *const oauth2kit_client,
    scope: *const c_char,
    redirect_uri: *const c_char,
    params: *const oauth2kit_param,
    params_len: usize,
    out: *mut *mut oauth2kit_authorization,
) -> oauth2kit_status {
    guard("oauth2kit_client_authorization_url", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle, strings and array checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let opts = unsafe { authorize_options(scope, redirect_uri, params, params_len) }?;
        let request = c.authorization_url(opts)?;
        out.write(oauth2kit_authorization::into_raw(Authorization::from(
            request,
        )));
        Ok(())
    })
}

/// The earlier name of `oauth2kit_client_authorization_url` (the concept's
/// name in every binding): the same function, kept for existing callers.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_authorize(
    client: *const oauth2kit_client,
    scope: *const c_char,
    redirect_uri: *const c_char,
    params: *const oauth2kit_param,
    params_len: usize,
    out: *mut *mut oauth2kit_authorization,
) -> oauth2kit_status {
    oauth2kit_client_authorization_url(client, scope, redirect_uri, params, params_len, out)
}

/// Like `oauth2kit_client_authorization_url`, through a pushed authorization request
/// (RFC 9126): the parameters go authenticated in a back-channel POST to the
/// PAR endpoint (`OAUTH2KIT_OPTION_PAR_URL` or discovery), and the URL of
/// `*out` carries only `client_id` and `request_uri`. Blocks for the POST.
/// `*out` receives a new authorization request (free with `oauth2kit_authorization_free`).
/// Errors: `CONFIG` (no PAR endpoint…), `OAUTH` (the server refused), transport
/// errors, `NULL_ARGUMENT`, `INVALID_UTF8`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_pushed_authorization_url(
    client: *const oauth2kit_client,
    scope: *const c_char,
    redirect_uri: *const c_char,
    params: *const oauth2kit_param,
    params_len: usize,
    out: *mut *mut oauth2kit_authorization,
) -> oauth2kit_status {
    guard("oauth2kit_client_pushed_authorization_url", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle, strings and array checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let opts = unsafe { authorize_options(scope, redirect_uri, params, params_len) }?;
        let request = c.pushed_authorization_url(opts)?;
        out.write(oauth2kit_authorization::into_raw(Authorization::from(
            request,
        )));
        Ok(())
    })
}

/// Handles the redirect back: checks `state` (and `iss`), turns an error
/// redirect into `OAUTH` (with its RFC fields), and exchanges the code.
/// `redirect_url` is the full URL the browser came back to (or its query string).
/// `*out` receives the tokens (free with `oauth2kit_token_set_free`).
/// Errors: `STATE_MISMATCH`, `ISSUER_MISMATCH`, `OAUTH`, transport errors. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_exchange_redirect(
    client: *const oauth2kit_client,
    auth: *const oauth2kit_authorization,
    redirect_url: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_exchange_redirect", client, out, |c| {
        // SAFETY: handle and string checked by the helpers.
        let a = unsafe { oauth2kit_authorization::get(auth, "auth") }?;
        let redirect = unsafe { str_arg(redirect_url, "redirect_url") }?;
        Ok(c.exchange_redirect(&a.pending, redirect)?)
    })
}

/// Exchanges a code you extracted yourself (you checked the state). The PKCE
/// verifier and redirect URI come from `auth`. `*out` as for
/// `oauth2kit_client_exchange_redirect`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_exchange_code(
    client: *const oauth2kit_client,
    auth: *const oauth2kit_authorization,
    code: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_exchange_code", client, out, |c| {
        // SAFETY: handle and string checked by the helpers.
        let a = unsafe { oauth2kit_authorization::get(auth, "auth") }?;
        let code = unsafe { str_arg(code, "code") }?;
        Ok(c.exchange_code(&a.pending, code)?)
    })
}

/// Client credentials grant (RFC 6749 §4.4). `scope` may be NULL (configured
/// default). `*out` receives the tokens. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_client_credentials(
    client: *const oauth2kit_client,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_client_credentials", client, out, |c| {
        // SAFETY: string checked by the helper.
        let scope = unsafe { opt_str_arg(scope, "scope") }?;
        Ok(c.client_credentials(scope)?)
    })
}

/// Resource owner password grant (RFC 6749 §4.3; legacy). `scope` may be NULL.
/// `*out` receives the tokens. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_password(
    client: *const oauth2kit_client,
    username: *const c_char,
    password: *const c_char,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_password", client, out, |c| {
        // SAFETY: strings checked by the helpers.
        let username = unsafe { str_arg(username, "username") }?;
        let password = unsafe { str_arg(password, "password") }?;
        let scope = unsafe { opt_str_arg(scope, "scope") }?;
        Ok(c.password(username, password, scope)?)
    })
}

/// Refresh (RFC 6749 §6), sent the way the profile says. `scope` may be NULL.
/// The new set keeps `refresh_token` when the answer carries none.
/// Errors: `REAUTHORIZATION_REQUIRED` when the refresh token is refused
/// (`invalid_grant`): the user must authorize again. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_refresh(
    client: *const oauth2kit_client,
    refresh_token: *const c_char,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_refresh", client, out, |c| {
        // SAFETY: strings checked by the helpers.
        let rt = Secret::new(unsafe { str_arg(refresh_token, "refresh_token") }?);
        let scope = unsafe { opt_str_arg(scope, "scope") }?;
        Ok(c.refresh(&rt, scope)?)
    })
}

/// Any grant by its `grant_type` URI with parameters (RFC 6749 §4.5).
/// `params` may be NULL when `params_len` is 0. `*out` receives the tokens. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_extension_grant(
    client: *const oauth2kit_client,
    grant_type: *const c_char,
    params: *const oauth2kit_param,
    params_len: usize,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    token_call("oauth2kit_client_extension_grant", client, out, |c| {
        // SAFETY: string and array checked by the helpers.
        let grant_type = unsafe { str_arg(grant_type, "grant_type") }?;
        let params = unsafe { params_arg(params, params_len) }?;
        Ok(c.extension_grant(grant_type, &params)?)
    })
}

/// Token introspection (RFC 7662). `hint` is an `oauth2kit_token_hint`.
/// `*out` receives the answer (free with `oauth2kit_introspection_free`);
/// an inactive token is a success with `active` false. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_introspect(
    client: *const oauth2kit_client,
    token: *const c_char,
    hint: oauth2kit_token_hint_arg,
    out: *mut *mut oauth2kit_introspection,
) -> oauth2kit_status {
    guard("oauth2kit_client_introspect", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and string checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let token = unsafe { str_arg(token, "token") }?;
        let answer = c.introspect(token, hint_from_i32(hint)?)?;
        out.write(oauth2kit_introspection::into_raw(answer));
        Ok(())
    })
}

/// Token revocation (RFC 7009). `hint` is an `oauth2kit_token_hint`. Revoking an
/// unknown token succeeds (RFC 7009 §2.2). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_revoke(
    client: *const oauth2kit_client,
    token: *const c_char,
    hint: oauth2kit_token_hint_arg,
) -> oauth2kit_status {
    guard("oauth2kit_client_revoke", || {
        // SAFETY: handle and string checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let token = unsafe { str_arg(token, "token") }?;
        Ok(c.revoke(token, hint_from_i32(hint)?)?)
    })
}

/// Asks the profile's validation endpoint whether the access token is still
/// valid: `*out_valid` is true or false (401/403). Other answers are errors.
/// Errors: `CONFIG` when the profile has no validation endpoint. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_validate(
    client: *const oauth2kit_client,
    tokens: *const oauth2kit_token_set,
    out_valid: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_client_validate", || {
        let out = out_arg(out_valid, "out_valid")?;
        // SAFETY: handles checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        out.write(c.validate(ts)?);
        Ok(())
    })
}

/// The OpenID Connect RP-initiated logout URL to send the browser to: the
/// provider's end-session endpoint with `id_token_hint`,
/// `post_logout_redirect_uri` and `state` (each may be NULL) and the client
/// id. No network. `*out` receives a new string (free with
/// `oauth2kit_string_free`; it contains the ID token when one is given).
/// Errors: `CONFIG` (no end-session endpoint). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_end_session_url(
    client: *const oauth2kit_client,
    id_token_hint: *const c_char,
    post_logout_redirect_uri: *const c_char,
    state: *const c_char,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_client_end_session_url", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let mut req = oauth2kit::EndSession::default();
        req.id_token_hint =
            unsafe { opt_str_arg(id_token_hint, "id_token_hint") }?.map(str::to_owned);
        req.post_logout_redirect_uri =
            unsafe { opt_str_arg(post_logout_redirect_uri, "post_logout_redirect_uri") }?
                .map(str::to_owned);
        req.state = unsafe { opt_str_arg(state, "state") }?.map(str::to_owned);
        out.write(new_c_string(c.oauth().end_session_url(&req)?.as_str())?);
        Ok(())
    })
}

/// The OpenID Connect UserInfo claims for `tokens` (OpenID Connect Core
/// §5.3): the access token presented as the profile says; a signed answer is
/// validated like an ID token, and `sub` must equal the ID token's when the
/// token set has validated claims. `*out_json` receives a new string holding
/// the claims as a JSON object (free with `oauth2kit_string_free`).
/// Errors: `CONFIG` (no UserInfo endpoint), `INVALID_RESPONSE` (a check
/// failed; the message names it), the server's errors. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_userinfo(
    client: *const oauth2kit_client,
    tokens: *const oauth2kit_token_set,
    out_json: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_client_userinfo", || {
        let out = out_arg(out_json, "out_json")?;
        // SAFETY: handles checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let claims = c.userinfo(ts)?;
        out.write(new_c_string(
            &serde_json::Value::Object(claims).to_string(),
        )?);
        Ok(())
    })
}

/// How to present the access token to APIs, as the profile says: for RFC 6749
/// `Authorization` / `Bearer <token>`, for Deskera `x-access-token` / `<token>`.
/// On success `*out_name` and `*out_value` receive new strings (free both with
/// `oauth2kit_string_free`; the value contains the token). No network. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_authorization_header(
    client: *const oauth2kit_client,
    tokens: *const oauth2kit_token_set,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_client_authorization_header", || {
        let out_name = out_arg(out_name, "out_name")?;
        let out_value = out_arg(out_value, "out_value")?;
        // SAFETY: handles checked by the helper.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let ts = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        let (name, value) = c.oauth().authorization_header(ts);
        let name = new_c_string(&name)?;
        match new_c_string(&value) {
            Ok(value) => {
                out_name.write(name);
                out_value.write(value);
                Ok(())
            }
            Err(e) => {
                crate::strings::oauth2kit_string_free(name);
                Err(e)
            }
        }
    })
}
