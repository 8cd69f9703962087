//! Grants built on assertions and tokens: token exchange (RFC 8693), JWT bearer
//! (RFC 7523 §2.1), SAML 2.0 bearer (RFC 7522).

use std::ffi::c_char;

use oauth2kit::{JwtAssertion, JwtBearer, Secret, SigningKey, TokenExchange};

use crate::client::{oauth2kit_client, oauth2kit_param, params_arg};
use crate::error::{Fail, oauth2kit_status};
use crate::guard::guard;
use crate::handle::{Handle, opt_str_arg, out_arg, str_arg};
use crate::tokens::oauth2kit_token_set;

/// Fills a token exchange from name/value options (the RFC 8693 §2.1 names).
pub(crate) fn token_exchange(
    subject_token: &str,
    subject_token_type: &str,
    options: &[(&str, &str)],
) -> Result<TokenExchange, Fail> {
    let mut te = TokenExchange::new(subject_token, subject_token_type);
    for (name, value) in options {
        let v = value.to_string();
        match *name {
            "actor_token" => te.actor_token = Some(Secret::new(v)),
            "actor_token_type" => te.actor_token_type = Some(v),
            "requested_token_type" => te.requested_token_type = Some(v),
            "audience" => te.audience.push(v),
            "resource" => te.resource.push(v),
            "scope" => te.scope = Some(v),
            other => {
                return Err(Fail::invalid(format!(
                    "unknown token exchange option {other:?}"
                )));
            }
        }
    }
    Ok(te)
}

/// Token exchange (RFC 8693). `subject_token_type` is a token type URI
/// (`urn:ietf:params:oauth:token-type:access_token`…). `options` (NULL/0 for
/// none) take the RFC names: `actor_token`, `actor_token_type`,
/// `requested_token_type`, `audience` and `resource` (repeatable), `scope`.
/// `*out` receives the tokens (`issued_token_type` through
/// `oauth2kit_token_set_field`). Errors: `INVALID_ARGUMENT` for an unknown
/// option, `CONFIG` for an actor token without its type. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_token_exchange(
    client: *const oauth2kit_client,
    subject_token: *const c_char,
    subject_token_type: *const c_char,
    options: *const oauth2kit_param,
    options_len: usize,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_token_exchange", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle, strings and array checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let subject = unsafe { str_arg(subject_token, "subject_token") }?;
        let subject_type = unsafe { str_arg(subject_token_type, "subject_token_type") }?;
        let options = unsafe { params_arg(options, options_len) }?;
        let tokens = c.token_exchange(&token_exchange(subject, subject_type, &options)?)?;
        out.write(oauth2kit_token_set::into_raw(tokens));
        Ok(())
    })
}

/// JWT bearer grant (RFC 7523 §2.1) with an assertion you already have.
/// `scope` may be NULL. `*out` receives the tokens. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_jwt_bearer(
    client: *const oauth2kit_client,
    assertion: *const c_char,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_jwt_bearer", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let grant = JwtBearer {
            assertion: JwtAssertion::Given(Secret::new(unsafe {
                str_arg(assertion, "assertion")
            }?)),
            scope: unsafe { opt_str_arg(scope, "scope") }?.map(str::to_string),
        };
        out.write(oauth2kit_token_set::into_raw(c.jwt_bearer(&grant)?));
        Ok(())
    })
}

/// JWT bearer grant with an assertion signed here: `key_pem` (RSA, P-256 or
/// Ed25519 PEM private key), claims `iss` = `issuer`, `sub` = `subject`,
/// `aud` = `audience`, a fresh `jti`, and `exp` `lifetime_secs` from now.
/// `scope` may be NULL. `*out` receives the tokens. Errors: `CONFIG` for an
/// unusable key. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_jwt_bearer_signed(
    client: *const oauth2kit_client,
    key_pem: *const c_char,
    issuer: *const c_char,
    subject: *const c_char,
    audience: *const c_char,
    lifetime_secs: u32,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_jwt_bearer_signed", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let grant = JwtBearer {
            assertion: JwtAssertion::Signed {
                key: SigningKey::from_pem(unsafe { str_arg(key_pem, "key_pem") }?)?,
                issuer: unsafe { str_arg(issuer, "issuer") }?.to_string(),
                subject: unsafe { str_arg(subject, "subject") }?.to_string(),
                audience: unsafe { str_arg(audience, "audience") }?.to_string(),
                lifetime_secs: lifetime_secs.into(),
                claims: Default::default(),
            },
            scope: unsafe { opt_str_arg(scope, "scope") }?.map(str::to_string),
        };
        out.write(oauth2kit_token_set::into_raw(c.jwt_bearer(&grant)?));
        Ok(())
    })
}

/// SAML 2.0 bearer grant (RFC 7522): `assertion_b64url` is the assertion,
/// base64url-encoded without padding. `scope` may be NULL. `*out` receives the
/// tokens. Errors: `CONFIG` for an assertion that is not base64url. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_client_saml2_bearer(
    client: *const oauth2kit_client,
    assertion_b64url: *const c_char,
    scope: *const c_char,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_client_saml2_bearer", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle and strings checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let assertion = unsafe { str_arg(assertion_b64url, "assertion_b64url") }?;
        let scope = unsafe { opt_str_arg(scope, "scope") }?;
        out.write(oauth2kit_token_set::into_raw(
            c.saml2_bearer(assertion, scope)?,
        ));
        Ok(())
    })
}
