//! The FAPI 2.0 Security Profile, client side, as one switch
//! ([`crate::OAuthClientBuilder::fapi2`]). What it turns on, and what it
//! refuses (each a configuration error that names the rule):
//!
//! - client authentication by `private_key_jwt` (§5.3.2.1; mTLS, the other
//!   choice, is not implemented): a shared secret or no authentication is
//!   refused, and a private key is required;
//! - sender-constrained tokens by DPoP (§5.3.2.2; mTLS binding is not
//!   implemented): DPoP is on, with a generated ES256 key unless one is given,
//!   and `dpop = false` is refused;
//! - authorization requests by PAR only (§5.3.2.2): the plain front-channel
//!   URL is refused, `pushed_authorization_url`/`par_request` are the way,
//!   and a PAR endpoint (option or discovery) is required;
//! - PKCE with S256 on every authorization request (§5.3.2.2), whatever the
//!   profile says; `plain` and no PKCE are refused;
//! - the authorization response's `iss` checked (RFC 9207, §5.3.2.2);
//! - only the authorization code flow: the implicit grant is refused.

use crate::authorize::AuthorizeOptions;
use crate::error::{Error, Result};
use crate::pkce::PkceMethod;
use crate::profile::AuthMethod;

fn refused(what: &str) -> Error {
    Error::config(format!("FAPI 2.0 (fapi2): {what}"))
}

/// The client authentication method under FAPI 2.0: the configured one if it
/// is `private_key_jwt`, else an error; `private_key_jwt` when none was set
/// and a key is there.
pub(crate) fn auth_method(configured: Option<AuthMethod>, has_key: bool) -> Result<AuthMethod> {
    match (configured, has_key) {
        (Some(AuthMethod::PrivateKeyJwt) | None, true) => Ok(AuthMethod::PrivateKeyJwt),
        (Some(AuthMethod::PrivateKeyJwt) | None, false) => Err(refused(
            "clients authenticate with private_key_jwt: set private_key_pem or private_key_jwk \
             (mTLS, the other choice, is not implemented)",
        )),
        (Some(other), _) => Err(refused(&format!(
            "auth_method {} is not allowed; use private_key_jwt",
            other.as_str()
        ))),
    }
}

/// Whether DPoP is on under FAPI 2.0: always, unless turned off, which is refused.
pub(crate) fn dpop(configured: Option<bool>) -> Result<bool> {
    match configured {
        Some(false) => Err(refused(
            "tokens are sender-constrained: dpop = false is not allowed (mTLS binding is not implemented)",
        )),
        _ => Ok(true),
    }
}

/// Checks and completes one authorization request's options: code flow,
/// PKCE S256.
pub(crate) fn authorize_options(mut opts: AuthorizeOptions) -> Result<AuthorizeOptions> {
    if opts.implicit {
        return Err(refused(
            "the implicit grant is not allowed; use the authorization code flow",
        ));
    }
    match opts.pkce {
        None | Some(Some(PkceMethod::S256)) => opts.pkce = Some(Some(PkceMethod::S256)),
        Some(Some(PkceMethod::Plain)) => return Err(refused("PKCE must use S256, not plain")),
        Some(None) => return Err(refused("PKCE (S256) is required")),
    }
    Ok(opts)
}

/// The error for a front-channel authorization URL under FAPI 2.0.
pub(crate) fn front_channel_refused() -> Error {
    refused(
        "authorization requests go by PAR: use pushed_authorization_url (or par_request), \
         not authorization_url",
    )
}

/// The error for a FAPI 2.0 client without a PAR endpoint.
pub(crate) fn par_required() -> Error {
    refused("a pushed authorization request endpoint is required: set par_url, or discover it")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{DpopKey, Grant, OAuthClient, OAuthClientBuilder, SigningKey};

    fn key() -> SigningKey {
        let jwk = DpopKey::generate()
            .unwrap()
            .private_jwk()
            .expose()
            .to_string();
        SigningKey::from_jwk(&jwk).unwrap()
    }

    fn fapi() -> OAuthClientBuilder {
        OAuthClient::builder("bank-client")
            .issuer("https://as.bank")
            .authorization_url("https://as.bank/authorize")
            .token_url("https://as.bank/token")
            .par_url("https://as.bank/par")
            .redirect_uri("https://app.example/cb")
            .fapi2(true)
    }

    fn config_error(b: OAuthClientBuilder, says: &str) {
        let e = b.build().unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(
            e.to_string().contains("FAPI 2.0") && e.to_string().contains(says),
            "{e}"
        );
    }

    #[test]
    fn the_preset_turns_on_what_fapi_2_requires() {
        let c = fapi().private_key(key()).build().unwrap();
        assert!(c.is_fapi2());
        assert!(c.dpop_key().is_some(), "DPoP on, a generated key");
        let (par, pending) = c.par_request(AuthorizeOptions::default()).unwrap();
        let body = par.body_text();
        assert!(body.contains("code_challenge_method=S256"), "{body}");
        assert!(
            body.contains("client_assertion_type="),
            "private_key_jwt: {body}"
        );
        assert!(body.contains("dpop_jkt="), "{body}");
        assert!(
            par.headers.iter().any(|(k, _)| k == "DPoP"),
            "a proof on PAR"
        );
        assert!(pending.require_issuer, "iss is checked");
        let token = c.token_request(&Grant::client_credentials(None)).unwrap();
        assert!(token.headers.iter().any(|(k, _)| k == "DPoP"));
        assert!(!token.body_text().contains("client_secret"));
    }

    #[test]
    fn what_fapi_2_forbids_is_refused() {
        config_error(fapi(), "private_key_jwt");
        config_error(fapi().client_secret("s"), "private_key_jwt");
        config_error(
            fapi()
                .client_secret("s")
                .auth_method(AuthMethod::ClientSecretBasic),
            "client_secret_basic",
        );
        config_error(fapi().private_key(key()).dpop(false), "dpop = false");
        let no_par = OAuthClient::builder("bank-client")
            .issuer("https://as.bank")
            .authorization_url("https://as.bank/authorize")
            .token_url("https://as.bank/token")
            .private_key(key())
            .fapi2(true);
        config_error(no_par, "pushed authorization request endpoint");

        let c = fapi().private_key(key()).build().unwrap();
        let e = c
            .authorization_url(AuthorizeOptions::default())
            .unwrap_err();
        assert!(e.to_string().contains("by PAR"), "{e}");
        for (opts, says) in [
            (
                AuthorizeOptions {
                    implicit: true,
                    ..Default::default()
                },
                "implicit",
            ),
            (
                AuthorizeOptions {
                    pkce: Some(Some(PkceMethod::Plain)),
                    ..Default::default()
                },
                "S256, not plain",
            ),
            (
                AuthorizeOptions {
                    pkce: Some(None),
                    ..Default::default()
                },
                "PKCE (S256) is required",
            ),
        ] {
            let e = c.par_request(opts).unwrap_err();
            assert!(e.to_string().contains(says), "{e}");
        }
    }
}
