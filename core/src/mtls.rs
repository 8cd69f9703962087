//! Mutual TLS (RFC 8705): client authentication by the TLS client certificate
//! and access tokens bound to it.
//!
//! - [`ClientCertificate`]: a certificate chain and its private key (PEM), the
//!   key kept as a [`Secret`]. The transport presents it in every handshake
//!   ([`crate::HttpOptions::client_certificate`]).
//! - `tls_client_auth` (PKI: the server checks the chain and a registered
//!   subject) and `self_signed_tls_client_auth` (the server checks the
//!   certificate against a registered one): §2. The requests carry
//!   `client_id` in their parameters and no secret; the certificate is the
//!   credential. Either method without a certificate is a configuration error.
//! - `mtls_endpoint_aliases` (§5): when the client uses mTLS, the aliases
//!   replace the token, revocation, introspection, PAR, device authorization,
//!   CIBA and UserInfo endpoints of the metadata (explicit URLs still win).
//! - Certificate-bound access tokens (§3): the server puts `cnf.x5t#S256` in
//!   the token; the client has nothing to add but presenting the token over
//!   the same certificate, which the one transport does.
//!   [`ClientCertificate::thumbprint`] is the value the server binds to.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::discovery::ServerMetadata;
use crate::error::{Error, Result};
use crate::profile::AuthMethod;
use crate::secret::Secret;

/// A TLS client certificate: the chain (leaf first, PEM) and the leaf's
/// private key (PEM, kept secret). Checked when made: both parse, and (with
/// the default transport compiled in) the key belongs to the leaf.
#[derive(Clone)]
pub struct ClientCertificate {
    chain_pem: String,
    key_pem: Secret,
    thumbprint: String,
}

impl std::fmt::Debug for ClientCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The chain is public; the key never shows.
        f.debug_struct("ClientCertificate")
            .field("x5t#S256", &self.thumbprint)
            .finish_non_exhaustive()
    }
}

impl PartialEq for ClientCertificate {
    fn eq(&self, other: &Self) -> bool {
        self.chain_pem == other.chain_pem && self.key_pem.expose() == other.key_pem.expose()
    }
}

impl ClientCertificate {
    /// The certificate chain (one or more `CERTIFICATE` blocks, the client's
    /// own first) and its private key (PKCS#8, PKCS#1 or SEC1 PEM). Text that
    /// does not parse, or a key that is not the certificate's, is an
    /// [`Error::Config`] (which never quotes the key).
    pub fn from_pem(chain_pem: impl Into<String>, key_pem: impl Into<Secret>) -> Result<Self> {
        let chain_pem = chain_pem.into();
        let key_pem = key_pem.into();
        let chain = parse_chain(&chain_pem)?;
        let key = parse_key(&key_pem)?;
        #[cfg(feature = "reqwest")]
        check_key_matches(&chain, key)?;
        #[cfg(not(feature = "reqwest"))]
        drop(key);
        let thumbprint = x5t_s256(&chain[0]);
        Ok(ClientCertificate {
            chain_pem,
            key_pem,
            thumbprint,
        })
    }

    /// The chain as given (PEM).
    pub fn chain_pem(&self) -> &str {
        &self.chain_pem
    }

    /// The private key (PEM).
    pub fn key_pem(&self) -> &Secret {
        &self.key_pem
    }

    /// The chain, parsed (leaf first).
    pub fn chain_der(&self) -> Result<Vec<CertificateDer<'static>>> {
        parse_chain(&self.chain_pem)
    }

    /// The key, parsed.
    pub fn key_der(&self) -> Result<PrivateKeyDer<'static>> {
        parse_key(&self.key_pem)
    }

    /// The leaf certificate's SHA-256 thumbprint, base64url: the `x5t#S256`
    /// a server binds tokens to (RFC 8705 §3.1).
    pub fn thumbprint(&self) -> &str {
        &self.thumbprint
    }
}

/// `x5t#S256` of a DER certificate: base64url(SHA-256(DER)), no padding.
pub fn x5t_s256(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

fn parse_chain(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let chain = CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::config(format!("tls_client_certificate: invalid PEM: {e}")))?;
    if chain.is_empty() {
        return Err(Error::config(
            "tls_client_certificate: no CERTIFICATE block in the PEM text",
        ));
    }
    Ok(chain)
}

fn parse_key(pem: &Secret) -> Result<PrivateKeyDer<'static>> {
    // The parser's message may quote the text; only its kind is reported.
    PrivateKeyDer::from_pem_slice(pem.expose().as_bytes()).map_err(|e| {
        let why = match e {
            rustls_pki_types::pem::Error::NoItemsFound => "no private key block found",
            _ => "not a readable PEM private key",
        };
        Error::config(format!("tls_client_key: {why}"))
    })
}

#[cfg(feature = "reqwest")]
fn check_key_matches(chain: &[CertificateDer<'static>], key: PrivateKeyDer<'static>) -> Result<()> {
    let provider = rustls::crypto::ring::default_provider();
    rustls::sign::CertifiedKey::from_der(chain.to_vec(), key, &provider)
        .map(drop)
        .map_err(|e| match e {
            rustls::Error::InconsistentKeys(_) => Error::config(
                "tls_client_key does not belong to tls_client_certificate (its first certificate)",
            ),
            other => Error::config(format!("tls_client_certificate/tls_client_key: {other}")),
        })
}

/// Refuses a client that needs a certificate (an mTLS method, or one
/// declared) with a transport that has none: the server would answer
/// `invalid_client`, or bind nothing, without saying why.
pub fn check_transport(oauth: &crate::OAuthClient, options: &crate::HttpOptions) -> Result<()> {
    if oauth.needs_client_certificate() && options.client_certificate.is_none() {
        return Err(Error::config(format!(
            "{} needs a TLS client certificate: set tls_client_certificate and tls_client_key \
             (HttpOptions::client_certificate)",
            if is_tls_method(oauth.auth_method()) {
                oauth.auth_method().as_str()
            } else {
                "client_certificate"
            }
        )));
    }
    Ok(())
}

/// RFC 8705 §5 `mtls_endpoint_aliases`: the endpoints to use over mTLS.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MtlsEndpointAliases {
    /// Token endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_endpoint: Option<String>,
    /// Revocation endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revocation_endpoint: Option<String>,
    /// Introspection endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub introspection_endpoint: Option<String>,
    /// Device authorization endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_authorization_endpoint: Option<String>,
    /// Pushed authorization request endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_authorization_request_endpoint: Option<String>,
    /// CIBA backchannel authentication endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backchannel_authentication_endpoint: Option<String>,
    /// UserInfo endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub userinfo_endpoint: Option<String>,
    /// Aliases of other endpoints (kept, unused).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Whether `method` authenticates by the TLS client certificate.
pub fn is_tls_method(method: AuthMethod) -> bool {
    matches!(
        method,
        AuthMethod::TlsClientAuth | AuthMethod::SelfSignedTlsClientAuth
    )
}

/// Whether the client "intends to use mutual TLS" (§5) towards this server:
/// it authenticates by certificate, or it presents one and the server binds
/// access tokens to certificates.
pub fn uses_mtls(method: AuthMethod, has_certificate: bool, meta: Option<&ServerMetadata>) -> bool {
    is_tls_method(method)
        || (has_certificate && meta.is_some_and(|m| m.tls_client_certificate_bound_access_tokens))
}

/// The metadata with its mTLS aliases in place of the endpoints they alias
/// (§5), when `mtls` is true; unchanged otherwise. Endpoints without an
/// alias stay as they are ("the client uses the conventional endpoint").
pub fn apply_aliases(mut meta: ServerMetadata, mtls: bool) -> ServerMetadata {
    if !mtls {
        return meta;
    }
    let Some(a) = meta.mtls_endpoint_aliases.clone() else {
        return meta;
    };
    let swap = |alias: Option<String>, field: &mut Option<String>| {
        if alias.is_some() {
            *field = alias;
        }
    };
    swap(a.token_endpoint, &mut meta.token_endpoint);
    swap(a.revocation_endpoint, &mut meta.revocation_endpoint);
    swap(a.introspection_endpoint, &mut meta.introspection_endpoint);
    swap(
        a.device_authorization_endpoint,
        &mut meta.device_authorization_endpoint,
    );
    swap(
        a.pushed_authorization_request_endpoint,
        &mut meta.pushed_authorization_request_endpoint,
    );
    swap(
        a.backchannel_authentication_endpoint,
        &mut meta.backchannel_authentication_endpoint,
    );
    swap(a.userinfo_endpoint, &mut meta.userinfo_endpoint);
    meta
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(bound: bool) -> ServerMetadata {
        serde_json::from_value(serde_json::json!({
            "issuer": "https://as.example",
            "token_endpoint": "https://as.example/token",
            "revocation_endpoint": "https://as.example/revoke",
            "introspection_endpoint": "https://as.example/introspect",
            "userinfo_endpoint": "https://as.example/userinfo",
            "authorization_endpoint": "https://as.example/authorize",
            "tls_client_certificate_bound_access_tokens": bound,
            "mtls_endpoint_aliases": {
                "token_endpoint": "https://mtls.as.example/token",
                "revocation_endpoint": "https://mtls.as.example/revoke",
                "pushed_authorization_request_endpoint": "https://mtls.as.example/par",
                "userinfo_endpoint": "https://mtls.as.example/userinfo",
                "registration_endpoint": "https://mtls.as.example/register"
            }
        }))
        .unwrap()
    }

    #[test]
    fn aliases_replace_what_they_alias_and_nothing_else() {
        let m = apply_aliases(meta(false), true);
        assert_eq!(
            m.token_endpoint.as_deref(),
            Some("https://mtls.as.example/token")
        );
        assert_eq!(
            m.revocation_endpoint.as_deref(),
            Some("https://mtls.as.example/revoke")
        );
        assert_eq!(
            m.pushed_authorization_request_endpoint.as_deref(),
            Some("https://mtls.as.example/par")
        );
        assert_eq!(
            m.userinfo_endpoint.as_deref(),
            Some("https://mtls.as.example/userinfo")
        );
        // No alias: the conventional endpoint.
        assert_eq!(
            m.introspection_endpoint.as_deref(),
            Some("https://as.example/introspect")
        );
        // The authorization endpoint is never aliased (a browser has no certificate).
        assert_eq!(
            m.authorization_endpoint.as_deref(),
            Some("https://as.example/authorize")
        );
        let aliases = m.mtls_endpoint_aliases.unwrap();
        assert!(aliases.extra.contains_key("registration_endpoint"));
        assert_eq!(apply_aliases(meta(false), false), meta(false));
    }

    #[test]
    fn mtls_is_used_for_tls_methods_or_a_certificate_with_bound_tokens() {
        let (bound, unbound) = (meta(true), meta(false));
        assert!(uses_mtls(AuthMethod::TlsClientAuth, true, None));
        assert!(uses_mtls(
            AuthMethod::SelfSignedTlsClientAuth,
            true,
            Some(&unbound)
        ));
        assert!(uses_mtls(AuthMethod::PrivateKeyJwt, true, Some(&bound)));
        assert!(!uses_mtls(AuthMethod::PrivateKeyJwt, true, Some(&unbound)));
        assert!(!uses_mtls(AuthMethod::PrivateKeyJwt, false, Some(&bound)));
        assert!(!uses_mtls(AuthMethod::ClientSecretBasic, true, None));
    }

    #[test]
    fn bad_pem_is_a_config_error_that_never_quotes_the_key() {
        let e = ClientCertificate::from_pem("not pem", "-----BEGIN PRIVATE KEY-----").unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
        assert!(e.to_string().contains("tls_client_certificate"), "{e}");
        let cert = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
        let e = ClientCertificate::from_pem(cert, "s3cr3t-key-text").unwrap_err();
        assert!(e.to_string().contains("tls_client_key"), "{e}");
        assert!(!e.to_string().contains("s3cr3t"), "{e}");
    }

    fn client(method: Option<AuthMethod>, cert: bool, bound: bool) -> crate::OAuthClient {
        let mut b = crate::OAuthClient::builder("mtls-client")
            .metadata(meta(bound))
            .redirect_uri("https://app.example/cb")
            .client_certificate(cert);
        if let Some(m) = method {
            b = b.auth_method(m);
        }
        b.build().unwrap()
    }

    #[test]
    fn tls_methods_send_client_id_to_the_aliases_and_no_secret() {
        use crate::{AuthorizeOptions, Grant, TokenTypeHint};
        for method in [
            AuthMethod::TlsClientAuth,
            AuthMethod::SelfSignedTlsClientAuth,
        ] {
            let c = client(Some(method), true, false);
            assert!(c.uses_mtls());
            let token = c
                .token_request(&Grant::client_credentials(Some("read")))
                .unwrap();
            assert_eq!(token.url.as_str(), "https://mtls.as.example/token");
            assert_eq!(
                token.body_text(),
                "grant_type=client_credentials&scope=read&client_id=mtls-client"
            );
            assert!(token.headers.iter().all(|(k, _)| k != "Authorization"));
            let revoke = c
                .revocation_request("tok", Some(TokenTypeHint::AccessToken))
                .unwrap();
            assert_eq!(revoke.url.as_str(), "https://mtls.as.example/revoke");
            assert_eq!(
                revoke.body_text(),
                "token=tok&token_type_hint=access_token&client_id=mtls-client"
            );
            let intro = c.introspection_request("tok", None).unwrap();
            // No introspection alias: the conventional endpoint.
            assert_eq!(intro.url.as_str(), "https://as.example/introspect");
            assert_eq!(intro.body_text(), "token=tok&client_id=mtls-client");
            let (par, _) = c.par_request(AuthorizeOptions::default()).unwrap();
            assert_eq!(par.url.as_str(), "https://mtls.as.example/par");
            assert!(
                par.body_text().ends_with("&client_id=mtls-client"),
                "{}",
                par.body_text()
            );
            assert_eq!(
                c.endpoints().userinfo.as_ref().map(url::Url::as_str),
                Some("https://mtls.as.example/userinfo")
            );
        }
    }

    #[test]
    fn aliases_follow_the_rfc_8705_rule() {
        // A certificate and bound tokens: aliases, whatever the method.
        let c = client(Some(AuthMethod::None), true, true);
        assert!(c.uses_mtls());
        assert_eq!(
            c.endpoints().token.as_ref().map(url::Url::as_str),
            Some("https://mtls.as.example/token")
        );
        // A certificate, no binding, no mTLS method: the conventional endpoints.
        let c = client(Some(AuthMethod::None), true, false);
        assert!(!c.uses_mtls());
        assert_eq!(
            c.endpoints().token.as_ref().map(url::Url::as_str),
            Some("https://as.example/token")
        );
        // An explicit URL still wins over an alias.
        let c = crate::OAuthClient::builder("mtls-client")
            .metadata(meta(true))
            .client_certificate(true)
            .auth_method(AuthMethod::TlsClientAuth)
            .token_url("https://elsewhere.example/token")
            .build()
            .unwrap();
        assert_eq!(
            c.endpoints().token.as_ref().map(url::Url::as_str),
            Some("https://elsewhere.example/token")
        );
    }

    #[test]
    fn a_tls_method_without_a_certificate_is_a_config_error() {
        for method in [
            AuthMethod::TlsClientAuth,
            AuthMethod::SelfSignedTlsClientAuth,
        ] {
            let e = crate::OAuthClient::builder("mtls-client")
                .token_url("https://as.example/token")
                .auth_method(method)
                .build()
                .unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{e:?}");
            assert!(e.to_string().contains(method.as_str()), "{e}");
            assert!(e.to_string().contains("client certificate"), "{e}");
        }
        // The transport must then have the certificate.
        let c = client(Some(AuthMethod::TlsClientAuth), true, false);
        let e = check_transport(&c, &crate::HttpOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("tls_client_auth needs a TLS client certificate"),
            "{e}"
        );
    }

    #[test]
    fn profiles_accept_the_rfc_8414_names() {
        for (name, method) in [
            ("tls_client_auth", AuthMethod::TlsClientAuth),
            (
                "self_signed_tls_client_auth",
                AuthMethod::SelfSignedTlsClientAuth,
            ),
        ] {
            let toml = format!("name = \"bank\"\nclient_auth = \"{name}\"\n");
            let p = crate::Profile::from_text(&toml, "test").unwrap();
            assert_eq!(p.client_auth, method);
            assert_eq!(method.as_str(), name);
            let json = format!("{{\"name\": \"bank\", \"client_auth\": \"{name}\"}}");
            assert_eq!(
                crate::Profile::from_text(&json, "test")
                    .unwrap()
                    .client_auth,
                method
            );
        }
    }

    #[test]
    fn thumbprint_is_base64url_sha256_of_the_der() {
        // SHA-256 of the empty input, base64url without padding.
        assert_eq!(x5t_s256(b""), "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU");
    }
}
