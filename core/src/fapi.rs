//! The FAPI 2.0 Security Profile, client side, as one switch
//! ([`crate::OAuthClientBuilder::fapi2`]). What it turns on, and what it
//! refuses (each a configuration error that names the rule):
//!
//! - client authentication by `private_key_jwt` or mutual TLS
//!   (`tls_client_auth`, `self_signed_tls_client_auth`; §5.3.2.1): a shared
//!   secret or no authentication is refused; a private key, or a client
//!   certificate, is required (with neither method named, a key means
//!   `private_key_jwt`, else a certificate means `tls_client_auth`);
//! - sender-constrained tokens (§5.3.2.2) by DPoP or by the mTLS client
//!   certificate (RFC 8705 §3): with a client certificate the server binds
//!   tokens to it and DPoP stays off unless asked for; without one DPoP is
//!   on, with a generated ES256 key unless one is given, and `dpop = false`
//!   is refused;
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

/// The client authentication method under FAPI 2.0: `private_key_jwt` or an
/// mTLS method, else an error. When none was set: `private_key_jwt` with a
/// key, `tls_client_auth` with a client certificate.
pub(crate) fn auth_method(
    configured: Option<AuthMethod>,
    has_key: bool,
    has_certificate: bool,
) -> Result<AuthMethod> {
    match (configured, has_key, has_certificate) {
        (Some(AuthMethod::PrivateKeyJwt) | None, true, _) => Ok(AuthMethod::PrivateKeyJwt),
        (None, false, true) => Ok(AuthMethod::TlsClientAuth),
        (Some(AuthMethod::PrivateKeyJwt) | None, false, _) => Err(refused(
            "clients authenticate with private_key_jwt or mutual TLS: set private_key_pem or \
             private_key_jwk, or tls_client_certificate and tls_client_key",
        )),
        // Whether the certificate is there is checked with the credentials.
        (Some(m @ (AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth)), _, _) => {
            Ok(m)
        }
        (Some(other), _, _) => Err(refused(&format!(
            "auth_method {} is not allowed; use private_key_jwt, tls_client_auth or \
             self_signed_tls_client_auth",
            other.as_str()
        ))),
    }
}

/// Whether DPoP is on under FAPI 2.0. Tokens must be sender-constrained: by
/// the client certificate when there is one (DPoP then only when asked for),
/// else by DPoP, which may not be turned off.
pub(crate) fn dpop(configured: Option<bool>, has_certificate: bool) -> Result<bool> {
    match (configured, has_certificate) {
        (Some(on), true) => Ok(on),
        (None, true) => Ok(false),
        (Some(false), false) => Err(refused(
            "tokens are sender-constrained: dpop = false needs a client certificate \
             (tls_client_certificate and tls_client_key) to bind them instead",
        )),
        (_, false) => Ok(true),
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
    fn mtls_satisfies_client_authentication_and_sender_constraining() {
        // A certificate alone: tls_client_auth, tokens bound to it, no DPoP.
        let c = fapi().client_certificate(true).build().unwrap();
        assert_eq!(c.auth_method(), AuthMethod::TlsClientAuth);
        assert!(c.dpop_key().is_none(), "the certificate binds the tokens");
        let token = c.token_request(&Grant::client_credentials(None)).unwrap();
        assert_eq!(
            token.body_text(),
            "grant_type=client_credentials&client_id=bank-client"
        );
        assert!(token.headers.iter().all(|(k, _)| k != "Authorization"));
        let (par, _) = c.par_request(AuthorizeOptions::default()).unwrap();
        assert!(par.body_text().contains("code_challenge_method=S256"));
        // self-signed; dpop = false is fine with a certificate.
        let c = fapi()
            .client_certificate(true)
            .auth_method(AuthMethod::SelfSignedTlsClientAuth)
            .dpop(false)
            .build()
            .unwrap();
        assert_eq!(c.auth_method(), AuthMethod::SelfSignedTlsClientAuth);
        // private_key_jwt with certificate-bound tokens.
        let c = fapi()
            .private_key(key())
            .client_certificate(true)
            .build()
            .unwrap();
        assert_eq!(c.auth_method(), AuthMethod::PrivateKeyJwt);
        assert!(c.dpop_key().is_none());
        // mTLS authentication with DPoP-bound tokens.
        let c = fapi()
            .client_certificate(true)
            .auth_method(AuthMethod::TlsClientAuth)
            .dpop(true)
            .build()
            .unwrap();
        assert!(c.dpop_key().is_some());
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
        // A certificate does not let a shared secret in.
        config_error(
            fapi()
                .client_certificate(true)
                .client_secret("s")
                .auth_method(AuthMethod::ClientSecretPost),
            "client_secret_post",
        );
        // An mTLS method without a certificate is refused by the credentials check.
        let e = fapi()
            .auth_method(AuthMethod::TlsClientAuth)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("client certificate"), "{e}");
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
