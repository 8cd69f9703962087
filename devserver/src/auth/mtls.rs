//! Mutual TLS (RFC 8705), server side: the TLS layer asks every client for a
//! certificate (optional) and accepts any well-formed one whose signature
//! verifies — by the throw-away CA, or by its own key (self-signed) — so the
//! handshake proves the client holds the key; which certificate a client may
//! use is decided per request: `tls_client_auth` needs a chain to the CA and
//! the registered SAN (§2.1.2), `self_signed_tls_client_auth` the registered
//! certificate's thumbprint (§2.2). Tokens issued over a certificate carry
//! `cnf.x5t#S256` (§3.1) and resources refuse them over any other connection.
//!
//! Written from the RFC, not from the client: verification is rustls-webpki's.

use std::sync::Arc;

use axum::extract::FromRequestParts;
use axum::extract::connect_info::ConnectInfo;
use axum::http::request::Parts;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{DigitallySignedStruct, DistinguishedName, SignatureScheme};
use sha2::{Digest, Sha256};

/// The certificate chain the client presented on this connection, if any (leaf first).
/// Put in every request's extensions as `ConnectInfo` by the server; absent on plain HTTP.
#[derive(Clone, Debug, Default)]
pub(crate) struct PeerCertificate(pub(crate) Option<Arc<Vec<CertificateDer<'static>>>>);

impl<S: Send + Sync> FromRequestParts<S> for PeerCertificate {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ConnectInfo<PeerCertificate>>()
            .map(|c| c.0.clone())
            .unwrap_or_default())
    }
}

impl PeerCertificate {
    fn leaf(&self) -> Option<&CertificateDer<'static>> {
        self.0.as_ref().and_then(|c| c.first())
    }

    /// `x5t#S256` of the client's certificate: base64url(SHA-256(DER)).
    pub(crate) fn thumbprint(&self) -> Option<String> {
        self.leaf().map(|der| thumbprint(der))
    }

    /// `tls_client_auth` (§2.1): the chain verifies to the server's CA for client
    /// authentication, and the leaf carries `san_dns`.
    pub(crate) fn issued_for(&self, ca: Option<&CertificateDer<'_>>, san_dns: &str) -> bool {
        let (Some(leaf), Some(ca)) = (self.leaf(), ca) else {
            return false;
        };
        let intermediates = self.0.as_ref().map(|c| &c[1..]).unwrap_or_default();
        let Ok(name) = ServerName::try_from(san_dns) else {
            return false;
        };
        chains_to(leaf, intermediates, ca)
            && webpki::EndEntityCert::try_from(leaf)
                .is_ok_and(|ee| ee.verify_is_valid_for_subject_name(&name).is_ok())
    }
}

pub(crate) fn thumbprint(der: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// The thumbprint of a registered certificate (PEM).
pub(crate) fn registered_thumbprint(pem: &str) -> Option<String> {
    CertificateDer::from_pem_slice(pem.as_bytes())
        .ok()
        .map(|der| thumbprint(&der))
}

/// Whether `leaf` (with `intermediates`) verifies up to `anchor` for client authentication.
fn chains_to(
    leaf: &CertificateDer<'_>,
    intermediates: &[CertificateDer<'_>],
    anchor: &CertificateDer<'_>,
) -> bool {
    let Ok(ee) = webpki::EndEntityCert::try_from(leaf) else {
        return false;
    };
    let Ok(anchor) = webpki::anchor_from_trusted_cert(anchor) else {
        return false;
    };
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &[anchor],
        intermediates,
        UnixTime::now(),
        webpki::KeyUsage::client_auth(),
        None,
        None,
    )
    .is_ok()
}

/// The TLS layer's verifier: a certificate is optional; one that is given must be
/// well-formed and signed by the CA or by itself. The handshake signature (checked
/// below) proves the client holds its key.
#[derive(Debug)]
pub(crate) struct AnyVerifiableClientCert {
    ca: CertificateDer<'static>,
    provider: Arc<rustls::crypto::CryptoProvider>,
}

impl AnyVerifiableClientCert {
    pub(crate) fn new(
        ca: CertificateDer<'static>,
        provider: Arc<rustls::crypto::CryptoProvider>,
    ) -> Self {
        Self { ca, provider }
    }
}

impl ClientCertVerifier for AnyVerifiableClientCert {
    fn offer_client_auth(&self) -> bool {
        true
    }

    fn client_auth_mandatory(&self) -> bool {
        false
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        // No hint: clients send their certificate whoever issued it.
        &[]
    }

    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        if chains_to(end_entity, intermediates, &self.ca) || chains_to(end_entity, &[], end_entity)
        {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(rustls::Error::InvalidCertificate(
                rustls::CertificateError::BadSignature,
            ))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
