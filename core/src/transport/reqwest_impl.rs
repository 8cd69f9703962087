//! The default transport: reqwest over rustls (ring) with the bundled Mozilla
//! root certificates (webpki-roots), so it needs no platform verifier — that
//! keeps Android free of JNI set-up; extra roots can be added.

use std::sync::Arc;

use thread_local::ThreadLocal;

use super::{BoxFuture, HttpOptions, Transport};
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

/// reqwest-based transport: connection reuse, timeouts, no redirects followed
/// unless a request allows it, a response size cap.
#[derive(Clone, Debug)]
pub struct ReqwestTransport {
    no_redirects: reqwest::Client,
    with_redirects: reqwest::Client,
    /// One client per thread for blocking requests run on their caller's own
    /// thread (`blocking::block_on_here`) and for the I/O thread of foreign
    /// event loops (`blocking::io_handle`): its connections are driven by that
    /// thread alone, so a request never crosses threads.
    per_thread: Arc<ThreadLocal<reqwest::Client>>,
    tls: Arc<rustls::ClientConfig>,
    options: Arc<HttpOptions>,
    /// The process that created the connection pool. In a child of `fork()`
    /// the pool's connections are driven by tasks that stayed in the parent:
    /// using them would wait until the timeout, so the child is refused.
    pid: u32,
}

impl ReqwestTransport {
    /// A transport with these options.
    pub fn new(options: HttpOptions) -> Result<Self> {
        let tls = tls_config(&options)?;
        Ok(ReqwestTransport {
            no_redirects: build(&options, &tls, reqwest::redirect::Policy::none(), false)?,
            with_redirects: build(&options, &tls, reqwest::redirect::Policy::limited(5), false)?,
            per_thread: Arc::new(ThreadLocal::new()),
            tls: Arc::new(tls),
            options: Arc::new(options),
            pid: std::process::id(),
        })
    }

    /// The client for a request: this thread's own one inside a blocking call
    /// on the caller's thread, else the shared one.
    fn client_for(&self, req: &HttpRequest) -> Result<&reqwest::Client> {
        if req.follow_redirects {
            return Ok(&self.with_redirects);
        }
        #[cfg(feature = "blocking")]
        {
            let caller = crate::shared_runtime::on_caller_thread();
            if caller || crate::shared_runtime::on_io_thread() {
                // DNS inline on a caller's thread (blocked anyway), on the
                // blocking pool for the I/O thread (shared by many requests).
                return self.per_thread.get_or_try(|| {
                    build(
                        &self.options,
                        &self.tls,
                        reqwest::redirect::Policy::none(),
                        caller,
                    )
                });
            }
        }
        Ok(&self.no_redirects)
    }

    async fn exchange(&self, req: HttpRequest) -> Result<HttpResponse> {
        if std::process::id() != self.pid {
            return Err(Error::Runtime(
                "this client was created before fork(); create a new client in the child process"
                    .into(),
            ));
        }
        let client = self.client_for(&req)?;
        let method = match req.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
        };
        let mut builder = client.request(method, req.url.clone());
        for (name, value) in &req.headers {
            builder = builder.header(name, value);
        }
        if !req.body.is_empty() {
            builder = builder.body(req.body.clone());
        } else if req.method == Method::Post && req.header("content-length").is_none() {
            // hyper sends no length for an empty body, and a server cannot
            // tell "no body" from "body still coming" without one: oidc-provider
            // refuses such a form POST (device authorization with Basic auth
            // and no scope). RFC 9110 §8.6: a POST without a body says 0.
            builder = builder.header(reqwest::header::CONTENT_LENGTH, "0");
        }
        let mut resp = builder.send().await.map_err(|e| self.map_error(&e))?;
        let status = resp.status().as_u16();
        let headers = resp
            .headers()
            .iter()
            .map(|(n, v)| {
                (
                    n.as_str().to_string(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let limit = self.options.max_response_bytes;
        if resp
            .content_length()
            .is_some_and(|len| len as usize > limit)
        {
            return Err(Error::ResponseTooLarge { limit });
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| self.map_error(&e))? {
            if body.len() + chunk.len() > limit {
                return Err(Error::ResponseTooLarge { limit });
            }
            body.extend_from_slice(&chunk);
        }
        Ok(HttpResponse {
            status,
            headers,
            body,
        })
    }

    fn map_error(&self, e: &reqwest::Error) -> Error {
        if e.is_timeout() {
            Error::Timeout(self.options.timeout)
        } else if is_permanent(e) {
            Error::Unreachable(describe(e))
        } else {
            Error::Transport(describe(e))
        }
    }
}

impl Transport for ReqwestTransport {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
        Box::pin(self.exchange(request))
    }
}

/// A reqwest client with the transport's options. `inline_dns`: resolve
/// names on the calling thread instead of on a runtime's blocking pool (for
/// the per-thread clients, whose runtimes have no threads).
fn build(
    options: &HttpOptions,
    tls: &rustls::ClientConfig,
    policy: reqwest::redirect::Policy,
    inline_dns: bool,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls.clone())
        .connect_timeout(options.connect_timeout)
        .timeout(options.timeout)
        .redirect(policy)
        .user_agent(options.user_agent.clone())
        .pool_idle_timeout(std::time::Duration::from_secs(60));
    if inline_dns {
        builder = builder.dns_resolver(Arc::new(InlineResolver));
    }
    builder
        .build()
        .map_err(|e| Error::config(format!("cannot build the HTTP client: {}", describe(&e))))
}

/// Resolves with the system resolver right where it is polled: on the thread
/// of a blocking call, which is blocked anyway.
struct InlineResolver;

impl reqwest::dns::Resolve for InlineResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        use std::net::ToSocketAddrs;
        let found = (name.as_str(), 0)
            .to_socket_addrs()
            .map(|addrs| Box::new(addrs.collect::<Vec<_>>().into_iter()) as reqwest::dns::Addrs)
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error + Send + Sync>);
        Box::pin(std::future::ready(found))
    }
}

/// Whether a failed connection will fail the same way however often it is
/// tried: the host name does not exist, or the server's certificate is not
/// trusted. Refused and reset connections, temporary DNS failures
/// (`EAI_AGAIN`) and timeouts stay transient (a server restarting).
fn is_permanent(e: &reqwest::Error) -> bool {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(tls) = err.downcast_ref::<rustls::Error>() {
            return matches!(
                tls,
                rustls::Error::InvalidCertificate(_) | rustls::Error::NoCertificatesPresented
            );
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(tls) = io.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                return matches!(tls, rustls::Error::InvalidCertificate(_));
            }
        }
        // rustls' certificate verdicts (also when wrapped where no downcast
        // reaches), and getaddrinfo's EAI_NONAME / EAI_NODATA as glibc, musl
        // and macOS word them: the name does not exist (a temporary failure
        // reads differently).
        let text = err.to_string();
        if [
            "invalid peer certificate",
            "Name or service not known",
            "No address associated with hostname",
            "nodename nor servname provided",
            "Name does not resolve",
        ]
        .iter()
        .any(|m| text.contains(m))
        {
            return true;
        }
        current = err.source();
    }
    false
}

/// The error and its causes, without the URL: some providers put codes and
/// refresh tokens in query strings.
fn describe(e: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut current: Option<&dyn std::error::Error> = Some(e);
    let mut first = true;
    while let Some(err) = current {
        let part = if first {
            first = false;
            // reqwest's own Display includes the URL; its kind alone is safe.
            if e.is_connect() {
                "connection failed".to_string()
            } else if e.is_request() {
                "request failed".to_string()
            } else if e.is_body() || e.is_decode() {
                "reading the response failed".to_string()
            } else {
                "HTTP error".to_string()
            }
        } else {
            err.to_string()
        };
        if !text.contains(&part) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&part);
        }
        current = err.source();
    }
    text
}

fn tls_config(options: &HttpOptions) -> Result<rustls::ClientConfig> {
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    for pem in &options.extra_root_certificates_pem {
        use rustls::pki_types::pem::PemObject;
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(pem.as_bytes()) {
            let cert =
                cert.map_err(|e| Error::config(format!("invalid root certificate PEM: {e}")))?;
            roots
                .add(cert)
                .map_err(|e| Error::config(format!("unusable root certificate: {e}")))?;
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::config(format!("TLS set-up failed: {e}")))?
        .with_root_certificates(roots);
    match &options.client_certificate {
        None => Ok(builder.with_no_client_auth()),
        // Mutual TLS (RFC 8705): offered to every server that asks. rustls
        // checks that the key is the leaf's.
        Some(cert) => builder
            .with_client_auth_cert(cert.chain_der()?, cert.key_der()?)
            .map_err(|e| match e {
                rustls::Error::InconsistentKeys(_) => Error::config(
                    "tls_client_key does not belong to tls_client_certificate (its first certificate)",
                ),
                e => Error::config(format!("unusable TLS client certificate: {e}")),
            }),
    }
}
