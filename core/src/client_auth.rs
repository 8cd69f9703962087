//! Client authentication at the token, introspection and revocation endpoints:
//! `client_secret_basic`, `client_secret_post`, `client_secret_jwt`,
//! `private_key_jwt` (RFC 7523 §2.2), `none`, and the mutual-TLS methods
//! `tls_client_auth` / `self_signed_tls_client_auth` (RFC 8705 §2; see
//! [`crate::mtls`]).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use crate::error::{Error, Result};
use crate::http::HttpRequest;
use crate::keys::{AssertionClaims, SigningKey};
use crate::params::Params;
use crate::profile::{AuthMethod, BasicEncoding};
use crate::secret::Secret;

/// RFC 7523 client assertion type.
pub const JWT_BEARER_ASSERTION_TYPE: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Lifetime of a client assertion: short, since a new one is made per request.
const ASSERTION_LIFETIME_SECS: u64 = 60;

/// What the client holds to authenticate: nothing, a secret, a private key,
/// a TLS client certificate.
#[derive(Clone, Debug, Default)]
pub struct ClientCredentials {
    /// The client secret (for basic, post and `client_secret_jwt`).
    pub secret: Option<Secret>,
    /// The private key (for `private_key_jwt`).
    pub key: Option<SigningKey>,
    /// The transport presents a TLS client certificate (for the mTLS methods).
    /// The certificate itself lives in the transport
    /// ([`crate::HttpOptions::client_certificate`]); the sans-IO client only
    /// needs to know that it is there.
    pub certificate: bool,
}

impl ClientCredentials {
    /// The method to use when none is configured: a key means `private_key_jwt`,
    /// a secret means the profile's secret method, nothing means `none`.
    pub fn default_method(&self, profile_method: AuthMethod) -> AuthMethod {
        if self.key.is_some() {
            AuthMethod::PrivateKeyJwt
        } else if self.secret.is_some() {
            match profile_method {
                AuthMethod::None | AuthMethod::PrivateKeyJwt => AuthMethod::ClientSecretBasic,
                m => m,
            }
        } else {
            AuthMethod::None
        }
    }

    /// Checks that `method` can be used with these credentials.
    pub fn check(&self, method: AuthMethod) -> Result<()> {
        let missing = match method {
            AuthMethod::ClientSecretBasic
            | AuthMethod::ClientSecretPost
            | AuthMethod::ClientSecretJwt => self.secret.is_none().then_some("a client secret"),
            AuthMethod::PrivateKeyJwt => self.key.is_none().then_some("a private key"),
            AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => (!self.certificate)
                .then_some("a client certificate (tls_client_certificate and tls_client_key)"),
            AuthMethod::None => None,
        };
        match missing {
            Some(what) => Err(Error::config(format!("{} needs {what}", method.as_str()))),
            None => Ok(()),
        }
    }
}

/// Authenticates one request: adds a header or parameters. `audience` is the
/// `aud` of JWT assertions (the token endpoint URL unless configured).
pub(crate) fn authenticate(
    method: AuthMethod,
    client_id: &str,
    creds: &ClientCredentials,
    encoding: BasicEncoding,
    audience: &str,
    params: &mut Params,
    headers: &mut Vec<(String, String)>,
) -> Result<()> {
    creds.check(method)?;
    let secret = || {
        creds
            .secret
            .as_ref()
            .map(Secret::expose)
            .unwrap_or_default()
    };
    match method {
        AuthMethod::ClientSecretBasic => {
            headers.push((
                "Authorization".into(),
                basic_header(client_id, secret(), encoding),
            ));
        }
        AuthMethod::ClientSecretPost => {
            params.push("client_id", client_id);
            params.push("client_secret", secret());
        }
        // RFC 8705 §2: the certificate authenticates; `client_id` says who.
        AuthMethod::None | AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth => {
            params.push("client_id", client_id)
        }
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt => {
            let hs;
            let key = match (method, &creds.key) {
                (AuthMethod::PrivateKeyJwt, Some(k)) => k,
                _ => {
                    hs = SigningKey::hs256(secret().as_bytes());
                    &hs
                }
            };
            let claims =
                AssertionClaims::new(client_id, client_id, audience, ASSERTION_LIFETIME_SECS);
            params.push("client_id", client_id);
            params.push("client_assertion_type", JWT_BEARER_ASSERTION_TYPE);
            params.push("client_assertion", key.sign(&claims)?);
        }
    }
    Ok(())
}

/// `Basic base64(id:secret)`; RFC 6749 §2.3.1 form-urlencodes both parts first.
pub fn basic_header(client_id: &str, secret: &str, encoding: BasicEncoding) -> String {
    let pair = match encoding {
        BasicEncoding::FormUrlencoded => {
            format!("{}:{}", form_encode(client_id), form_encode(secret))
        }
        BasicEncoding::Plain => format!("{client_id}:{secret}"),
    };
    format!("Basic {}", STANDARD.encode(pair))
}

fn form_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Attaches the authentication to a built request's headers.
pub(crate) fn merge_headers(req: &mut HttpRequest, headers: Vec<(String, String)>) {
    req.headers.extend(headers);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_follows_rfc6749_2_3_1_unless_plain() {
        // "a b:c" and "s+/&=:%" change under form-urlencoding.
        let rfc = basic_header("a b:c", "s+/&=:%", BasicEncoding::FormUrlencoded);
        assert_eq!(
            rfc,
            format!("Basic {}", STANDARD.encode("a+b%3Ac:s%2B%2F%26%3D%3A%25"))
        );
        let plain = basic_header("cl_pub_1234", "cl_priv_7723", BasicEncoding::Plain);
        // The Deskera V2 document's own sample header.
        assert_eq!(plain, "Basic Y2xfcHViXzEyMzQ6Y2xfcHJpdl83NzIz");
    }

    #[test]
    fn methods_need_their_credentials() {
        let none = ClientCredentials::default();
        assert!(none.check(AuthMethod::ClientSecretBasic).is_err());
        assert!(none.check(AuthMethod::PrivateKeyJwt).is_err());
        assert!(none.check(AuthMethod::None).is_ok());
        assert!(none.check(AuthMethod::TlsClientAuth).is_err());
        assert!(none.check(AuthMethod::SelfSignedTlsClientAuth).is_err());
        let with_cert = ClientCredentials {
            certificate: true,
            ..Default::default()
        };
        assert!(with_cert.check(AuthMethod::TlsClientAuth).is_ok());
        assert!(with_cert.check(AuthMethod::SelfSignedTlsClientAuth).is_ok());
        let with_secret = ClientCredentials {
            secret: Some("s".into()),
            ..Default::default()
        };
        assert_eq!(
            with_secret.default_method(AuthMethod::ClientSecretPost),
            AuthMethod::ClientSecretPost
        );
        assert_eq!(
            with_secret.default_method(AuthMethod::None),
            AuthMethod::ClientSecretBasic
        );
    }
}
