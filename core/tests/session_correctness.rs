//! The session never loses or misuses a good session: an idle fleet member
//! refreshes with the fleet's live refresh token, sign-out cannot be undone by
//! a renewal in flight, given tokens are saved at once, a damaged store is
//! reported once and then started over, permanent transport failures fail at
//! once, and nothing falls back to client credentials unless asked.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use common::{client, server};
use oauth2kit::session::Session;
use oauth2kit::store::{FileStore, MemoryStore, TokenStore};
use oauth2kit::transport::BoxFuture;
use oauth2kit::{Error, ErrorCode, ManualClock, OAuthClient, TokenSet};
use oauth2kit_devserver::{Fault, clients};

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!(
        "oauth2kit-{tag}-{}-{}",
        std::process::id(),
        SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn past(mut t: TokenSet) -> TokenSet {
    t.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    t
}

/// Waits (bounded) until `cond` holds: a condition, not a guess at a delay.
async fn until(what: &str, cond: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// Two processes on one file store, rotation on: A refreshes and stores the new
/// set; B, idle past the new set's expiry, must refresh with the stored (live)
/// refresh token, not the one it holds (rotated away by A).
#[tokio::test]
async fn an_idle_fleet_member_refreshes_with_the_stored_refresh_token() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let dir = temp_dir("idle");
    let store: Arc<dyn TokenStore> = Arc::new(FileStore::new(dir.join("tokens.json")));
    let t0 = c.password("alice", "wonderland", None).await.unwrap();
    let a = Session::builder(c.clone())
        .store(store.clone())
        .tokens(t0.clone())
        .start()
        .await
        .unwrap();
    let b_changes = Arc::new(AtomicUsize::new(0));
    let bc = b_changes.clone();
    // B holds T0 and has been idle: with a margin longer than a token's
    // lifetime, everything it sees is due, as after a long sleep.
    let b = Session::builder(c.clone())
        .store(store.clone())
        .tokens(t0.clone())
        .refresh_margin(Duration::from_secs(7200))
        .on_change(move |_| {
            bc.fetch_add(1, Ordering::SeqCst);
        })
        .build();

    a.invalidate();
    let t1 = a.token().await.unwrap();
    assert_ne!(
        t1.refresh_token, t0.refresh_token,
        "A rotated the refresh token"
    );
    srv.reset_counts();
    let t2 = b
        .token()
        .await
        .expect("B refreshes with the fleet's live refresh token");
    assert_eq!(srv.count("token"), 1, "one refresh, no retry");
    assert_ne!(t2.access_token, t1.access_token);
    assert_eq!(b_changes.load(Ordering::SeqCst), 1);
    assert_eq!(
        FileStore::new(dir.join("tokens.json"))
            .load_now()
            .unwrap()
            .unwrap()
            .access_token,
        t2.access_token
    );
    // The scenario is real: the refresh token B held in memory is dead.
    let old = c.refresh(t0.refresh_token.as_ref().unwrap(), None).await;
    assert!(
        matches!(old, Err(Error::ReauthorizationRequired(_))),
        "{old:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_process_that_adopts_a_newer_stored_set_is_told() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let t0 = c.password("alice", "wonderland", None).await.unwrap();
    let a = Session::builder(c.clone())
        .store(store.clone())
        .tokens(t0)
        .start()
        .await
        .unwrap();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = seen.clone();
    let b = Session::builder(c)
        .store(store.clone())
        .on_change(move |t| s2.lock().unwrap().push(t.access_token.expose().to_string()))
        .build();
    b.access_token().await.unwrap();
    a.invalidate();
    let t1 = a.access_token().await.unwrap();
    b.invalidate();
    srv.reset_counts();
    assert_eq!(b.access_token().await.unwrap(), t1, "B adopts A's set");
    assert_eq!(srv.count("token"), 0);
    assert_eq!(
        seen.lock().unwrap().last().map(String::as_str),
        Some(t1.expose())
    );
}

#[tokio::test]
async fn a_restored_user_session_never_falls_back_to_client_credentials() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let t0 = c.password("alice", "wonderland", None).await.unwrap();
    c.revoke(t0.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::with(past(t0)));
    let session = Session::builder(c).store(store).build();
    srv.reset_counts();
    let err = session.access_token().await.unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired(_)), "{err:?}");
    assert_eq!(
        srv.count("token"),
        1,
        "the refresh only: no client credentials request"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_during_a_renewal_cannot_be_undone() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let t0 = c.password("alice", "wonderland", None).await.unwrap();
    let store = Arc::new(MemoryStore::new());
    let changes = Arc::new(AtomicUsize::new(0));
    let ch = changes.clone();
    let session = Session::builder(c)
        .store(store.clone())
        .tokens(past(t0))
        .on_change(move |_| {
            ch.fetch_add(1, Ordering::SeqCst);
        })
        .start()
        .await
        .unwrap();
    srv.reset_counts();
    srv.inject(Fault {
        endpoint: "token".into(),
        delay_ms: 400,
        ..Default::default()
    });
    let s = session.clone();
    let in_flight = tokio::spawn(async move { s.access_token().await });
    until("the refresh to reach the server", || {
        srv.count("token") == 1
    })
    .await;
    session.clear().await.unwrap();
    // Nothing of the old session survives the sign-out.
    assert!(
        store.load().await.unwrap().is_none(),
        "the store stays empty"
    );
    assert!(session.cached().is_none());
    assert_eq!(changes.load(Ordering::SeqCst), 0, "nothing published");
    let r = in_flight.await.unwrap();
    assert!(matches!(r, Err(Error::Cancelled)), "{r:?}");
    let after = session.access_token().await;
    assert!(
        matches!(after, Err(Error::ReauthorizationRequired(_))),
        "{after:?}"
    );
    assert!(store.load().await.unwrap().is_none());
}

#[tokio::test]
async fn tokens_given_to_a_session_are_saved_when_it_starts() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let dir = temp_dir("given");
    let store = FileStore::new(dir.join("tokens.json"));
    let t0 = c.password("alice", "wonderland", None).await.unwrap();
    let _session = Session::builder(c)
        .store(Arc::new(store.clone()))
        .tokens(t0.clone())
        .start()
        .await
        .unwrap();
    let held = store.load_now().unwrap().expect("saved at once");
    assert_eq!(held.refresh_token, t0.refresh_token);
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn a_store_that_fails_to_save_given_tokens_fails_the_start() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let store = FileStore::new("/nonexistent-oauth2kit-dir/tokens.json");
    let r = Session::builder(c)
        .store(Arc::new(store))
        .tokens(TokenSet::bearer("x"))
        .start()
        .await;
    assert!(matches!(r, Err(Error::Store(_))), "{r:?}");
}

#[tokio::test]
async fn a_torn_file_is_reported_once_kept_aside_and_started_over() {
    let srv = server();
    let c = client(&srv, clients::POST_CLIENT_ID);
    let dir = temp_dir("torn");
    let path = dir.join("tokens.json");
    std::fs::write(&path, b"{\"version\":1,\"tokens\":{\"access_tok").unwrap();
    let session = Session::builder(c)
        .store(Arc::new(FileStore::new(&path)))
        .client_credentials(None)
        .build();
    let err = session.access_token().await.unwrap_err();
    assert!(
        matches!(err, Error::StoreDamaged(_)) && err.code() == ErrorCode::Store,
        "{err:?}"
    );
    let fresh = session
        .access_token()
        .await
        .expect("a fresh token after the one report");
    let kept: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("tokens.json.damaged-")),
        "{kept:?}"
    );
    let saved = FileStore::new(&path).load_now().unwrap().unwrap();
    assert_eq!(saved.access_token, fresh);
    std::fs::remove_dir_all(dir).unwrap();
}

/// An app's own store that returns garbage on every load.
#[derive(Debug, Default)]
struct GarbageStore {
    saved: MemoryStore,
    loads: AtomicUsize,
}

impl TokenStore for GarbageStore {
    fn load(&self) -> BoxFuture<'_, oauth2kit::Result<Option<TokenSet>>> {
        self.loads.fetch_add(1, Ordering::SeqCst);
        Box::pin(async { Err(Error::StoreDamaged("load() returned bad JSON".into())) })
    }
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, oauth2kit::Result<()>> {
        self.saved.save(tokens)
    }
    fn clear(&self) -> BoxFuture<'_, oauth2kit::Result<()>> {
        self.saved.clear()
    }
}

#[tokio::test]
async fn a_foreign_store_returning_garbage_costs_one_error() {
    let srv = server();
    let c = client(&srv, clients::POST_CLIENT_ID);
    let store = Arc::new(GarbageStore::default());
    let session = Session::builder(c)
        .store(store.clone())
        .client_credentials(None)
        .build();
    assert!(matches!(
        session.access_token().await,
        Err(Error::StoreDamaged(_))
    ));
    let t = session.access_token().await.unwrap();
    assert_eq!(session.access_token().await.unwrap(), t);
    assert_eq!(store.saved.load().await.unwrap().unwrap().access_token, t);
    // Without a grant to start over with, the damage stays an error.
    let c2 = client(&srv, clients::POST_CLIENT_ID);
    let bare = Session::builder(c2)
        .store(Arc::new(GarbageStore::default()))
        .build();
    assert!(matches!(
        bare.access_token().await,
        Err(Error::StoreDamaged(_))
    ));
    assert!(matches!(
        bare.access_token().await,
        Err(Error::StoreDamaged(_))
    ));
}

fn session_for(token_url: &str, ca: Option<&str>) -> Session {
    let mut b = OAuthClient::builder("svc")
        .client_secret("s3cret")
        .token_url(token_url);
    if token_url.starts_with("http:") {
        b = b.allow_insecure_http(true);
    }
    let options = oauth2kit::HttpOptions {
        extra_root_certificates_pem: ca.map(|c| vec![c.to_string()]).unwrap_or_default(),
        ..Default::default()
    };
    let client = oauth2kit::Client::with_options(b.build().unwrap(), options).unwrap();
    Session::builder(client)
        .client_credentials(None)
        .retry_deadline(Duration::from_secs(30))
        .build()
}

#[tokio::test]
async fn an_unknown_host_fails_at_once_instead_of_retrying() {
    let session = session_for("https://no-such-host.invalid/token", None);
    let started = Instant::now();
    let err = session.access_token().await.unwrap_err();
    assert!(
        matches!(err, Error::Unreachable(_)) && !err.is_transient(),
        "{err:?}"
    );
    assert_eq!(err.code(), ErrorCode::Transport);
    // Not retried for the 30 s deadline (a behaviour bound, not a benchmark).
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// A loopback TLS server presenting a self-signed certificate the client does not trust.
fn self_signed_server() -> std::net::SocketAddr {
    use rustls::pki_types::pem::PemObject;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    let certs = rustls::pki_types::CertificateDer::pem_file_iter(dir.join("self-signed.cert.pem"))
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    let key =
        rustls::pki_types::PrivateKeyDer::from_pem_file(dir.join("self-signed.key.pem")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(certs, key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(8) {
            let Ok(mut tcp) = stream else { break };
            let mut conn = rustls::ServerConnection::new(config.clone()).unwrap();
            // The client refuses the certificate and closes: the handshake ends in error.
            let _ = conn.complete_io(&mut tcp);
        }
    });
    addr
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once() {
    let addr = self_signed_server();
    let url = format!("https://127.0.0.1:{}/token", addr.port());
    let session = session_for(&url, None);
    let started = Instant::now();
    let err = session.access_token().await.unwrap_err();
    assert!(
        matches!(err, Error::Unreachable(_)) && !err.is_transient(),
        "{err:?}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "{:?}",
        started.elapsed()
    );
}

/// A client-credentials session whose first token request meets a 503 with
/// `Retry-After` as an HTTP date `after` from now.
/// The session reads the `ManualClock` returned: its retry waits are recorded
/// there and return at once.
fn session_behind_maintenance(
    deadline: Duration,
    after: Duration,
) -> (oauth2kit_devserver::DevServer, Session, Arc<ManualClock>) {
    let srv = server();
    let clock = Arc::new(ManualClock::new());
    let c = client(&srv, clients::POST_CLIENT_ID).with_clock(clock.clone());
    let session = Session::builder(c)
        .client_credentials(None)
        .retry_deadline(deadline)
        .build();
    srv.inject(Fault {
        endpoint: "token".into(),
        status: 503,
        body: "maintenance".into(),
        content_type: "text/plain".into(),
        headers: vec![(
            "Retry-After".into(),
            httpdate::fmt_http_date(SystemTime::now() + after),
        )],
        ..Default::default()
    });
    (srv, session, clock)
}

#[tokio::test]
async fn an_http_date_retry_after_is_honoured() {
    // HTTP dates have whole seconds: 30 s from now is between 29 and 30 s
    // when parsed. The session waits that long on its clock (recorded by the
    // ManualClock, no real sleep), far longer than its first backoff (100 ms).
    let (srv, session, clock) =
        session_behind_maintenance(Duration::from_secs(60), Duration::from_secs(30));
    session.access_token().await.unwrap();
    assert_eq!(srv.count("token"), 2);
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 1, "{sleeps:?}");
    assert!(
        sleeps[0] > Duration::from_secs(28) && sleeps[0] <= Duration::from_secs(30),
        "{sleeps:?}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_deadline_fails_at_once_with_the_wait() {
    let (srv, session, clock) =
        session_behind_maintenance(Duration::from_secs(5), Duration::from_secs(3600));
    let err = session.access_token().await.unwrap_err();
    assert!(clock.sleeps().is_empty(), "{:?}", clock.sleeps());
    let wait = err.retry_after().expect("the wait is in the error");
    assert!(wait > Duration::from_secs(3500), "{wait:?}");
    assert_eq!(srv.count("token"), 1);
}
