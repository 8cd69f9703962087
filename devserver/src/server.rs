//! [`DevServer`]: the handle a test holds. The server runs on its own thread with its
//! own tokio runtime, so it works the same from sync code, from async tests and from
//! inside another runtime (whose threads it never touches).

use std::collections::BTreeMap;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;

use tokio::sync::oneshot;

use crate::app::{self, AppState, lock};
use crate::auth::mtls::PeerCertificate;
use crate::endpoints::jarm::Corruption;
use crate::monitor::Fault;
use crate::tls::{ThrowawayTls, TlsListener};
use crate::tokens::signer::IdTokenAlg;

/// A running devserver. Dropping it stops the server and joins its thread.
pub struct DevServer {
    url: String,
    addr: SocketAddr,
    app: AppState,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// A listener that counts the connections it accepts (benchmarks show
/// connection reuse with it: one connection per client, not per request).
struct Counted<L> {
    inner: L,
    app: AppState,
}

impl<L: axum::serve::Listener> axum::serve::Listener for Counted<L> {
    type Io = L::Io;
    type Addr = L::Addr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let accepted = self.inner.accept().await;
        self.app.monitor.connections.fetch_add(1, Ordering::Relaxed);
        accepted
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The client certificate of each connection (mutual TLS), handed to handlers as
/// `ConnectInfo` (read with [`crate::auth::mtls::PeerCertificate`]).
impl axum::extract::connect_info::Connected<axum::serve::IncomingStream<'_, Counted<TlsListener>>>
    for PeerCertificate
{
    fn connect_info(stream: axum::serve::IncomingStream<'_, Counted<TlsListener>>) -> Self {
        let certs = stream.io().get_ref().1.peer_certificates();
        PeerCertificate(certs.map(|c| std::sync::Arc::new(c.to_vec())))
    }
}

impl
    axum::extract::connect_info::Connected<
        axum::serve::IncomingStream<'_, Counted<tokio::net::TcpListener>>,
    > for PeerCertificate
{
    fn connect_info(_: axum::serve::IncomingStream<'_, Counted<tokio::net::TcpListener>>) -> Self {
        PeerCertificate(None)
    }
}

impl std::fmt::Debug for DevServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevServer").field("url", &self.url).finish()
    }
}

impl DevServer {
    /// Binds `127.0.0.1:0` (a free port) and starts serving.
    pub fn spawn() -> io::Result<Self> {
        Self::spawn_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
    }

    /// Binds `addr` and starts serving.
    pub fn spawn_on(addr: SocketAddr) -> io::Result<Self> {
        Self::start(addr, None)
    }

    /// Binds `127.0.0.1:0` and serves HTTPS with a certificate of `tls`'s
    /// throw-away CA (trust [`ThrowawayTls::ca_pem`]); the URL is `https://`.
    pub fn spawn_tls(tls: &ThrowawayTls) -> io::Result<Self> {
        Self::start(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)), Some(tls))
    }

    /// Binds `addr` and serves HTTPS (see [`DevServer::spawn_tls`]).
    pub fn spawn_tls_on(addr: SocketAddr, tls: &ThrowawayTls) -> io::Result<Self> {
        Self::start(addr, Some(tls))
    }

    fn start(addr: SocketAddr, tls: Option<&ThrowawayTls>) -> io::Result<Self> {
        // Only one provider is compiled in, so this is idempotent in effect; an Err just
        // means someone (maybe the client under test) installed one first.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();

        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let url = base_url(addr, tls.is_some());
        let app =
            AppState::new(url.clone(), tls.map(ThrowawayTls::ca_der)).map_err(io::Error::other)?;
        let router =
            app::router(app.clone()).into_make_service_with_connect_info::<PeerCertificate>();
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("oauth2kit-devserver-worker")
            .enable_all()
            .build()?;
        let (shutdown, stopped) = oneshot::channel::<()>();
        let tls = tls.map(|t| t.acceptor()).transpose()?;
        let count = app.clone();
        let thread = std::thread::Builder::new()
            .name("oauth2kit-devserver".to_owned())
            .spawn(move || {
                runtime.block_on(async move {
                    let listener = match tokio::net::TcpListener::from_std(listener) {
                        Ok(l) => l,
                        Err(e) => {
                            tracing::error!("devserver could not adopt its socket: {e}");
                            return;
                        }
                    };
                    // A hard stop, not a graceful one: a request held by a long fault
                    // delay must not hold up the test that drops the server.
                    let serve = async move {
                        match tls {
                            Some(acceptor) => {
                                let inner = TlsListener::new(listener, acceptor);
                                axum::serve(Counted { inner, app: count }, router).await
                            }
                            None => {
                                axum::serve(
                                    Counted {
                                        inner: listener,
                                        app: count,
                                    },
                                    router,
                                )
                                .await
                            }
                        }
                    };
                    tokio::select! {
                        result = serve => {
                            if let Err(e) = result {
                                tracing::error!("devserver stopped: {e}");
                            }
                        }
                        _ = stopped => {}
                    }
                });
                runtime.shutdown_background();
            })?;
        tracing::info!(%url, "devserver listening");
        Ok(Self {
            url,
            addr,
            app,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The base URL (the issuer), e.g. `http://127.0.0.1:41234`, without a trailing slash.
    pub fn url(&self) -> String {
        self.url.clone()
    }

    /// How many connections the server has accepted (TLS: completed handshakes).
    pub fn connections(&self) -> u64 {
        self.app.monitor.connections.load(Ordering::Relaxed)
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many requests reached `endpoint` (a name from [`crate::ENDPOINTS`]).
    pub fn count(&self, endpoint: &str) -> u64 {
        self.app.monitor.count(endpoint)
    }

    /// Every counter, zeros included.
    pub fn counts(&self) -> BTreeMap<String, u64> {
        self.app.monitor.counts()
    }

    pub fn reset_counts(&self) {
        self.app.monitor.reset_counts();
    }

    /// Waits until no request is being handled (at most `timeout`); whether it
    /// was reached. A test that killed a client mid-request calls it before
    /// looking at what the request changed: the handler may still be running.
    pub fn wait_idle(&self, timeout: std::time::Duration) -> bool {
        self.app.monitor.wait_idle(timeout)
    }

    /// Queues a fault for the next `fault.times` requests to `fault.endpoint`.
    pub fn inject(&self, fault: Fault) {
        self.app.monitor.inject(fault);
    }

    pub fn clear_faults(&self) {
        self.app.monitor.clear_faults();
    }

    /// Lifetime of access tokens issued from now on (default 3600 s; 0 issues tokens that
    /// are already expired).
    pub fn set_token_lifetime(&self, secs: u64) {
        lock(&self.app.settings).token_lifetime = secs;
    }

    /// Deskera V1: the client's server-to-server `callback_uri`. Deskera V2: the
    /// registered redirect URI its OAuth link sends the browser to.
    pub fn set_callback_uri(&self, client_id: &str, uri: &str) {
        lock(&self.app.settings)
            .callback_uris
            .insert(client_id.to_owned(), uri.to_owned());
    }

    /// Lifetime and polling interval of device codes issued from now on
    /// (defaults 600 s and 5 s; an interval of 0 never answers `slow_down`).
    pub fn set_device_timing(&self, expires_in: u64, interval: u64) {
        let mut book = lock(&self.app.device);
        book.config.expires_in = expires_in;
        book.config.interval = interval;
    }

    /// Lifetime and polling interval of CIBA requests from now on (defaults 300 s, 5 s).
    pub fn set_ciba_timing(&self, expires_in: u64, interval: u64) {
        let mut book = lock(&self.app.ciba);
        book.config.expires_in = expires_in;
        book.config.interval = interval;
    }

    /// Forces the next device-code poll (of `device_code`, or of any) to fail with `error`.
    pub fn force_device_poll(&self, device_code: Option<&str>, error: &str) {
        lock(&self.app.device).force_next(device_code.map(str::to_owned), error.to_owned());
    }

    /// Claims merged into every ID token issued from now on (a JSON object; a `null`
    /// value removes that claim), and a `kid` to put in their headers instead of the
    /// signing key's: to make each check of a relying party fail for real. An empty
    /// object and `None` restore the defaults.
    pub fn set_id_token_claims(&self, claims: serde_json::Value, kid: Option<&str>) {
        let mut settings = lock(&self.app.settings);
        settings.id_token_claims = claims.as_object().cloned().unwrap_or_default();
        settings.id_token_kid = kid.map(str::to_owned);
    }

    /// The algorithm of ID tokens and signed userinfo from now on: [`IdTokenAlg::Es512`]
    /// signs them with the P-521 key [`crate::keys::SERVER_ES512_KID`] (always listed
    /// at `/jwks`), with `at_hash`/`c_hash` from SHA-512; [`IdTokenAlg::Rs256`] (the
    /// default) goes back. The claim and `kid` knobs apply either way.
    pub fn set_id_token_alg(&self, alg: IdTokenAlg) {
        lock(&self.app.settings).id_token_alg = alg;
    }

    /// Rotates the ID token signing key: from now on ID tokens (and signed userinfo)
    /// are signed with a second key (`kid` [`crate::ROTATED_KID`]), and `/jwks`
    /// lists both keys. One way: a fresh server starts with the first key.
    pub fn rotate_signing_key(&self) {
        self.app.signer.rotate();
    }

    /// JARM: spoils `/authorize`'s JWT-secured responses from now on in one way
    /// ([`Corruption`]); `None` restores correct responses.
    pub fn set_jarm_corruption(&self, corruption: Option<Corruption>) {
        lock(&self.app.settings).jarm_corruption = corruption;
    }

    /// `/userinfo` answers with a signed JWT (`application/jwt`) when `signed`, and
    /// merges `claims` (a JSON object; `null` removes one) into its answers.
    pub fn set_userinfo(&self, signed: bool, claims: serde_json::Value) {
        let mut settings = lock(&self.app.settings);
        settings.userinfo_signed = signed;
        settings.userinfo_claims = claims.as_object().cloned().unwrap_or_default();
    }

    /// DPoP knobs (RFC 9449): with `token_nonce`, the token endpoint demands a fresh
    /// random nonce in proofs (`use_dpop_nonce`); with `resource_nonce`, so do
    /// `/resource` and `/userinfo`; `token_type` is answered instead of `DPoP` to
    /// DPoP-bound token requests. Each call draws new nonces.
    pub fn set_dpop(&self, token_nonce: bool, resource_nonce: bool, token_type: Option<&str>) {
        crate::control::set_dpop(
            &self.app,
            token_nonce,
            resource_nonce,
            token_type.map(str::to_owned),
        );
    }

    /// Forces the next CIBA poll (of `auth_req_id`, or of any) to fail with `error`.
    pub fn force_ciba_poll(&self, auth_req_id: Option<&str>, error: &str) {
        lock(&self.app.ciba).force_next(auth_req_id.map(str::to_owned), error.to_owned());
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn base_url(addr: SocketAddr, https: bool) -> String {
    // An unspecified bind address is reachable as loopback; the issuer must be a URL a
    // client can actually call.
    let addr = if addr.ip().is_unspecified() {
        SocketAddr::from((Ipv4Addr::LOCALHOST, addr.port()))
    } else {
        addr
    };
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{addr}")
}
