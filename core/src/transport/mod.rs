//! Sending requests. [`Transport`] is the seam: the default is reqwest
//! ([`ReqwestTransport`]); implement the trait to use another HTTP stack.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::error::Result;
use crate::http::{HttpRequest, HttpResponse};

#[cfg(feature = "reqwest")]
mod reqwest_impl;
#[cfg(feature = "reqwest")]
pub use reqwest_impl::ReqwestTransport;

/// A boxed future, as transports return them (object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Sends one request and returns the response (any status). Implementations
/// must honour `follow_redirects`, cap the body size, and time out.
pub trait Transport: Send + Sync + std::fmt::Debug {
    /// Sends a request.
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>>;
}

/// Transport settings.
#[derive(Clone, Debug)]
pub struct HttpOptions {
    /// Time to establish a connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Time for the whole exchange. Default 30 s.
    pub timeout: Duration,
    /// Largest response body accepted. Default 1 MiB.
    pub max_response_bytes: usize,
    /// `User-Agent`.
    pub user_agent: String,
    /// Extra PEM root certificates to trust besides the bundled Mozilla roots.
    pub extra_root_certificates_pem: Vec<String>,
    /// A TLS client certificate presented in every handshake (mutual TLS,
    /// RFC 8705; see [`crate::mtls`]). The client must also be told
    /// ([`crate::OAuthClientBuilder::client_certificate`]).
    pub client_certificate: Option<crate::mtls::ClientCertificate>,
    /// Allows discovery from a plain `http://` issuer that is not loopback
    /// ([`crate::blocking::Client::discover`]). Off by default. Discovery runs
    /// before there is an [`crate::OAuthClient`], whose own
    /// `allow_insecure_http` governs every other request.
    pub allow_insecure_http: bool,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            max_response_bytes: 1024 * 1024,
            user_agent: concat!("oauth2kit/", env!("CARGO_PKG_VERSION")).to_string(),
            extra_root_certificates_pem: Vec::new(),
            client_certificate: None,
            allow_insecure_http: false,
        }
    }
}
