//! Mutual TLS (RFC 8705) against oidc-provider 9 (`features.mTLS`), served
//! over HTTPS by `server.mjs --mtls` with the devserver's throw-away CA:
//! `tls_client_auth` (a certificate that CA issued, `tls_client_auth_san_dns`
//! registered) and `self_signed_tls_client_auth` (the certificate registered
//! as the client's `x5c`) get client-credentials tokens that oidc-provider
//! binds to the certificate — its introspection answers `cnf.x5t#S256`, the
//! thumbprint oauth2kit computes; the wrong certificate and none are refused
//! (`invalid_client`).

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use oauth2kit::blocking::Client;
use oauth2kit::{AuthMethod, ClientCertificate, Error, HttpOptions, OAuthClient, ServerMetadata};
use oauth2kit_devserver::ThrowawayTls;
use oauth2kit_interop::{HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

struct Peer {
    dir: PathBuf,
    // Dropped before `dir` is removed.
    op: Option<OidcProvider>,
    meta: ServerMetadata,
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.op.take();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn peer(name: &str) -> Result<Peer, HarnessError> {
    let dir = std::env::temp_dir().join(format!(
        "oauth2kit-interop-mtls-{}-{name}",
        std::process::id()
    ));
    ThrowawayTls::generate()
        .and_then(|tls| tls.write_pem_files(&dir))
        .map_err(|e| HarnessError::Setup(format!("certificates: {e}")))?;
    let op = OidcProvider::start_mtls(&dir)?;
    let mut peer = Peer {
        dir,
        op: None,
        meta: ServerMetadata::default(),
    };
    peer.meta = Client::discover(op.issuer(), peer.options(None))?;
    peer.op = Some(op);
    Ok(peer)
}

impl Peer {
    fn pem(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.join(name)).unwrap()
    }

    fn certificate(&self, who: &str) -> ClientCertificate {
        ClientCertificate::from_pem(
            self.pem(&format!("{who}.crt.pem")),
            self.pem(&format!("{who}.key.pem")),
        )
        .unwrap()
    }

    fn options(&self, cert: Option<ClientCertificate>) -> HttpOptions {
        HttpOptions {
            extra_root_certificates_pem: vec![self.pem("ca.pem")],
            client_certificate: cert,
            ..Default::default()
        }
    }

    fn client(&self, id: &str, method: AuthMethod, cert: Option<ClientCertificate>) -> Client {
        let oauth = OAuthClient::builder(id)
            .metadata(self.meta.clone())
            .auth_method(method)
            .client_certificate(cert.is_some())
            .build()
            .unwrap();
        Client::with_options(oauth, self.options(cert)).unwrap()
    }
}

fn invalid_client(e: &Error) -> bool {
    matches!(e, Error::OAuth(o) if o.error == "invalid_client")
}

#[test]
fn both_mtls_methods_get_certificate_bound_tokens() -> R {
    let p = peer("ok")?;
    assert!(p.meta.tls_client_certificate_bound_access_tokens);
    for (id, method, who) in [
        ("mtls-client", AuthMethod::TlsClientAuth, "mtls-client"),
        (
            "self-signed-client",
            AuthMethod::SelfSignedTlsClientAuth,
            "self-signed-client",
        ),
    ] {
        assert!(
            p.meta
                .token_endpoint_auth_methods_supported
                .iter()
                .any(|m| m == method.as_str())
        );
        let cert = p.certificate(who);
        let client = p.client(id, method, Some(cert.clone()));
        let tokens = client.client_credentials(None)?;
        assert!(tokens.is_bearer(), "{id}");
        let info = client.introspect(tokens.access_token.expose(), None)?;
        assert!(info.active, "{id}");
        assert_eq!(info.client_id.as_deref(), Some(id));
        assert_eq!(
            info.extra["cnf"]["x5t#S256"],
            cert.thumbprint(),
            "{id}: oidc-provider bound the token to the certificate oauth2kit presented"
        );
    }
    Ok(())
}

#[test]
fn the_wrong_certificate_or_none_is_refused() -> R {
    let p = peer("refused")?;
    // The self-signed certificate as mtls-client's: not issued by the CA.
    let wrong = p.client(
        "mtls-client",
        AuthMethod::TlsClientAuth,
        Some(p.certificate("self-signed-client")),
    );
    assert!(invalid_client(&wrong.client_credentials(None).unwrap_err()));
    // The CA-issued certificate as self-signed-client's: not the registered one.
    let other = p.client(
        "self-signed-client",
        AuthMethod::SelfSignedTlsClientAuth,
        Some(p.certificate("mtls-client")),
    );
    assert!(invalid_client(&other.client_credentials(None).unwrap_err()));
    // client_id alone, no certificate.
    let bare = p.client("mtls-client", AuthMethod::None, None);
    assert!(invalid_client(&bare.client_credentials(None).unwrap_err()));
    Ok(())
}
