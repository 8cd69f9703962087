//! HTTPS on loopback with a throw-away CA, for benchmarks that compare
//! clients over TLS (issue 19) and tests that need a trusted HTTPS server.
//!
//! Each server makes a new CA and a certificate for `127.0.0.1` and
//! `localhost` signed by it (ECDSA P-256, rcgen); the CA's PEM is what a
//! client adds to its roots. Nothing is written to disk unless the binary is
//! asked to (`--tls-ca-out`, `--tls-client-cert-out`).
//!
//! The server asks clients for a certificate (optional, for mutual TLS,
//! RFC 8705; see `auth/mtls.rs`), and the CA also issues one for the
//! `tls_client_auth` client [`crate::clients::MTLS_CLIENT_ID`]
//! ([`ThrowawayTls::client_certificate`]).

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

/// A throw-away CA and a server certificate it signed.
pub struct ThrowawayTls {
    /// The CA certificate (PEM): the only thing a client needs to trust.
    pub ca_pem: String,
    ca_der: CertificateDer<'static>,
    chain: Vec<CertificateDer<'static>>,
    key: PrivatePkcs8KeyDer<'static>,
    client_cert_pem: String,
    client_key_pem: String,
}

impl std::fmt::Debug for ThrowawayTls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The key stays out of Debug output.
        f.debug_struct("ThrowawayTls").finish_non_exhaustive()
    }
}

impl ThrowawayTls {
    /// A new CA and a certificate for `127.0.0.1` and `localhost`.
    pub fn generate() -> io::Result<Self> {
        let err = |e: rcgen::Error| io::Error::other(format!("cannot make the test CA: {e}"));
        let ca_key = KeyPair::generate().map_err(err)?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).map_err(err)?;
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // What strict verifiers (OpenSSL's X509_STRICT, used by urllib3 2)
        // demand: key usage on the CA, an authority key id on the leaf.
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        ca_params.distinguished_name.push(
            rcgen::DnType::CommonName,
            "oauth2kit devserver throw-away CA",
        );
        let ca = ca_params.self_signed(&ca_key).map_err(err)?;
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().map_err(err)?;
        let mut leaf_params =
            CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".to_string()])
                .map_err(err)?;
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "oauth2kit devserver");
        let leaf = leaf_params.signed_by(&leaf_key, &issuer).map_err(err)?;
        // The `tls_client_auth` client's certificate: its SAN is what is registered.
        let client_key = KeyPair::generate().map_err(err)?;
        let mut client_params =
            CertificateParams::new(vec![crate::clients::MTLS_CLIENT_SAN_DNS.to_string()])
                .map_err(err)?;
        client_params.use_authority_key_identifier_extension = true;
        client_params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
        client_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
        client_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, crate::clients::MTLS_CLIENT_ID);
        let client = client_params.signed_by(&client_key, &issuer).map_err(err)?;
        Ok(ThrowawayTls {
            ca_pem: ca.pem(),
            ca_der: ca.der().clone(),
            chain: vec![leaf.der().clone()],
            key: PrivatePkcs8KeyDer::from(leaf_key.serialize_der()),
            client_cert_pem: client.pem(),
            client_key_pem: client_key.serialize_pem(),
        })
    }

    /// The certificate (PEM) and private key (PKCS#8 PEM) of the `tls_client_auth`
    /// client [`crate::clients::MTLS_CLIENT_ID`], issued by this CA.
    pub fn client_certificate(&self) -> (&str, &str) {
        (&self.client_cert_pem, &self.client_key_pem)
    }

    /// The CA certificate (DER): `tls_client_auth` certificates must chain to it.
    pub(crate) fn ca_der(&self) -> CertificateDer<'static> {
        self.ca_der.clone()
    }

    /// Writes the PEM files of mutual TLS into `dir`: `ca.pem` (this CA),
    /// `server.crt.pem` / `server.key.pem` (the server's, for `127.0.0.1` and
    /// `localhost`: another test server can serve with them, as oidc-provider
    /// does in `tests/interop`), `mtls-client.crt.pem` / `.key.pem` (issued by
    /// this CA, for `tls_client_auth`), and `self-signed-client.crt.pem` /
    /// `.key.pem` (the fixed self-signed one, for `self_signed_tls_client_auth`).
    pub fn write_pem_files(&self, dir: &std::path::Path) -> io::Result<()> {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("ca.pem"), &self.ca_pem)?;
        let pem = |label: &str, der: &[u8]| {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(der);
            let mut out = format!("-----BEGIN {label}-----\n");
            for line in b64.as_bytes().chunks(64) {
                out.push_str(&String::from_utf8_lossy(line));
                out.push('\n');
            }
            out.push_str(&format!("-----END {label}-----\n"));
            out
        };
        let chain: String = self.chain.iter().map(|c| pem("CERTIFICATE", c)).collect();
        std::fs::write(dir.join("server.crt.pem"), chain)?;
        std::fs::write(
            dir.join("server.key.pem"),
            pem("PRIVATE KEY", self.key.secret_pkcs8_der()),
        )?;

        std::fs::write(dir.join("mtls-client.crt.pem"), &self.client_cert_pem)?;
        std::fs::write(dir.join("mtls-client.key.pem"), &self.client_key_pem)?;
        std::fs::write(
            dir.join("self-signed-client.crt.pem"),
            crate::keys::SELF_SIGNED_CLIENT_CERT_PEM,
        )?;
        std::fs::write(
            dir.join("self-signed-client.key.pem"),
            crate::keys::SELF_SIGNED_CLIENT_KEY_PEM,
        )
    }

    pub(crate) fn acceptor(&self) -> io::Result<TlsAcceptor> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier =
            crate::auth::mtls::AnyVerifiableClientCert::new(self.ca_der.clone(), provider.clone());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(io::Error::other)?
            .with_client_cert_verifier(Arc::new(verifier))
            .with_single_cert(
                self.chain.clone(),
                PrivateKeyDer::Pkcs8(self.key.clone_key()),
            )
            .map_err(io::Error::other)?;
        Ok(TlsAcceptor::from(Arc::new(config)))
    }
}

/// A TCP listener that hands axum TLS streams. The handshake is done inside
/// `accept`, one connection at a time: enough for tests and benchmarks,
/// whose clients keep their connections.
pub(crate) struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl TlsListener {
    pub(crate) fn new(tcp: TcpListener, acceptor: TlsAcceptor) -> Self {
        TlsListener { tcp, acceptor }
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((stream, addr)) = self.tcp.accept().await else {
                continue;
            };
            let _ = stream.set_nodelay(true);
            match self.acceptor.accept(stream).await {
                Ok(tls) => return (tls, addr),
                Err(e) => tracing::debug!("devserver: TLS handshake failed: {e}"),
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.tcp.local_addr()
    }
}
