//! The token session: single flight under stampedes (tasks and threads),
//! failures shared, rotation never losing a token, persistence failures, 401s.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};
use std::time::{Duration, SystemTime};

use common::{client, server};
use oauth2kit::session::Session;
use oauth2kit::store::{FileStore, MemoryStore, TokenStore};
use oauth2kit::transport::BoxFuture;
use oauth2kit::{Error, TokenSet};
use oauth2kit_devserver::{Fault, clients};

fn expired(mut t: TokenSet) -> TokenSet {
    t.expires_at = Some(SystemTime::now() - Duration::from_secs(1));
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn thousand_tasks_at_expiry_make_one_request_and_share_the_token() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let start = c.password("alice", "wonderland", None).await.unwrap();
    let changes = Arc::new(AtomicUsize::new(0));
    let ch = changes.clone();
    let session = Session::builder(c)
        .tokens(expired(start))
        .on_change(move |_| {
            ch.fetch_add(1, Ordering::SeqCst);
        })
        .build();
    srv.reset_counts();
    let tasks: Vec<_> = (0..1000)
        .map(|_| {
            let s = session.clone();
            tokio::spawn(async move { s.access_token().await.map(|t| t.expose().to_string()) })
        })
        .collect();
    let mut tokens = std::collections::HashSet::new();
    for t in tasks {
        tokens.insert(t.await.unwrap().unwrap());
    }
    assert_eq!(srv.count("token"), 1, "one refresh for 1000 callers");
    assert_eq!(tokens.len(), 1, "everyone got the same token");
    assert_eq!(changes.load(Ordering::SeqCst), 1);
}

#[test]
fn sixty_four_threads_blocking_make_one_request() {
    let srv = server();
    let c = oauth2kit::blocking::Client::from_async(client(&srv, clients::POST_CLIENT_ID));
    let first = c.client_credentials(None).unwrap();
    let session = oauth2kit::blocking::Session::new(
        Session::builder(c.as_async().clone())
            .client_credentials(None)
            .tokens(expired(first))
            .build(),
    );
    srv.reset_counts();
    let barrier = Arc::new(Barrier::new(64));
    let handles: Vec<_> = (0..64)
        .map(|_| {
            let (s, b) = (session.clone(), barrier.clone());
            std::thread::spawn(move || {
                b.wait();
                s.access_token().map(|t| t.expose().to_string())
            })
        })
        .collect();
    let tokens: std::collections::HashSet<String> = handles
        .into_iter()
        .map(|h| h.join().unwrap().unwrap())
        .collect();
    assert_eq!(srv.count("token"), 1);
    assert_eq!(tokens.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_renewal_is_one_request_and_every_waiter_gets_the_error() {
    let srv = server();
    let c = client(&srv, clients::POST_CLIENT_ID);
    let first = c.client_credentials(None).await.unwrap();
    let session = Session::builder(c)
        .client_credentials(None)
        .tokens(expired(first))
        .retry_deadline(Duration::ZERO)
        .build();
    srv.reset_counts();
    srv.inject(Fault {
        endpoint: "token".into(),
        status: 500,
        body: "{\"error\":\"server_error\"}".into(),
        delay_ms: 200,
        times: 1000,
        ..Default::default()
    });
    let tasks: Vec<_> = (0..200)
        .map(|_| {
            let s = session.clone();
            tokio::spawn(async move { s.access_token().await })
        })
        .collect();
    for t in tasks {
        let err = t.await.unwrap().unwrap_err();
        assert_eq!(err.oauth().map(|o| o.error.as_str()), Some("server_error"));
    }
    assert_eq!(
        srv.count("token"),
        1,
        "waiters share the failure instead of retrying in turn"
    );
}

#[tokio::test]
async fn transient_failures_are_retried_honouring_retry_after() {
    let srv = server();
    let c = client(&srv, clients::POST_CLIENT_ID);
    let session = Session::builder(c)
        .client_credentials(None)
        .retry_deadline(Duration::from_secs(10))
        .build();
    srv.inject(Fault {
        endpoint: "token".into(),
        status: 429,
        body: "slow down".into(),
        content_type: "text/plain".into(),
        headers: vec![("Retry-After".into(), "1".into())],
        times: 1,
        ..Default::default()
    });
    let started = std::time::Instant::now();
    session.access_token().await.unwrap();
    assert_eq!(srv.count("token"), 2);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "Retry-After honoured"
    );
}

#[tokio::test]
async fn a_hundred_rotations_lose_nothing() {
    let srv = server();
    srv.set_token_lifetime(1); // every token is inside the 60 s margin: each call renews
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let start = c.password("alice", "wonderland", None).await.unwrap();
    let dir = std::env::temp_dir().join(format!("oauth2kit-rot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Arc::new(FileStore::new(dir.join("tokens.json")));
    let session = Session::builder(c.clone()).store(store.clone()).build();
    session.set_tokens(start).await.unwrap();
    srv.reset_counts();
    let mut seen = std::collections::HashSet::new();
    for _ in 0..100 {
        seen.insert(session.access_token().await.unwrap().expose().to_string());
    }
    assert_eq!(seen.len(), 100);
    assert_eq!(srv.count("token"), 100);
    // what the file holds still works: its refresh token is the latest one
    let stored = store.load_now().unwrap().unwrap();
    c.refresh(stored.refresh_token.as_ref().unwrap(), None)
        .await
        .expect("stored refresh token is current");
    std::fs::remove_dir_all(dir).unwrap();
}

/// A store whose saves fail, to check that a rotated token survives in memory.
#[derive(Debug, Default)]
struct BrokenStore {
    inner: MemoryStore,
    fail: std::sync::atomic::AtomicBool,
}

impl TokenStore for BrokenStore {
    fn load(&self) -> BoxFuture<'_, oauth2kit::Result<Option<TokenSet>>> {
        self.inner.load()
    }
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, oauth2kit::Result<()>> {
        if self.fail.load(Ordering::SeqCst) {
            Box::pin(async { Err(Error::Store("disk full".into())) })
        } else {
            self.inner.save(tokens)
        }
    }
    fn clear(&self) -> BoxFuture<'_, oauth2kit::Result<()>> {
        self.inner.clear()
    }
}

#[tokio::test]
async fn a_failed_save_reports_an_error_but_keeps_the_rotated_token() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let start = c.password("alice", "wonderland", None).await.unwrap();
    let store = Arc::new(BrokenStore::default());
    let session = Session::builder(c).store(store.clone()).build();
    session.set_tokens(expired(start.clone())).await.unwrap();
    store.fail.store(true, Ordering::SeqCst);
    let err = session.access_token().await.unwrap_err();
    assert!(matches!(err, Error::Store(_)), "{err:?}");
    // the new set is held in memory, valid, with the rotated refresh token
    let held = session.cached().expect("new tokens kept in memory");
    assert_ne!(held.refresh_token, start.refresh_token);
    // and the next renewal (store healthy again) uses the rotated token successfully
    store.fail.store(false, Ordering::SeqCst);
    session.invalidate();
    session
        .access_token()
        .await
        .expect("rotated refresh token still works");
}

#[tokio::test]
async fn dead_refresh_token_means_reauthorization_and_401_invalidates_once() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let start = c.password("alice", "wonderland", None).await.unwrap();
    c.revoke(start.refresh_token.as_ref().unwrap().expose(), None)
        .await
        .unwrap();
    let session = Session::builder(c.clone()).tokens(expired(start)).build();
    assert!(matches!(
        session.access_token().await,
        Err(Error::ReauthorizationRequired(_))
    ));

    let fresh = c.password("bob", "builder", None).await.unwrap();
    let session = Session::builder(c).tokens(fresh).build();
    let t1 = session.access_token().await.unwrap();
    srv.reset_counts();
    assert!(!session.on_unauthorized("some-other-token"));
    assert_eq!(session.access_token().await.unwrap(), t1);
    assert!(session.on_unauthorized(t1.expose()));
    let t2 = session.access_token().await.unwrap();
    assert_ne!(t1, t2);
    assert!(
        !session.on_unauthorized(t1.expose()),
        "a stale 401 does not renew again"
    );
    assert_eq!(session.access_token().await.unwrap(), t2);
    assert_eq!(srv.count("token"), 1);
    let (name, value) = session.authorization_header().await.unwrap();
    assert_eq!(
        (name.as_str(), value.starts_with("Bearer ")),
        ("Authorization", true)
    );
}

#[tokio::test]
async fn cached_fresh_says_how_long_and_generation_tracks_every_change() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let mut start = c.client_credentials(None).await.unwrap();
    start.expires_at = Some(SystemTime::now() + Duration::from_secs(90));
    let session = Session::builder(c)
        .client_credentials(None)
        .refresh_margin(Duration::from_secs(60))
        .tokens(start)
        .build();

    let fresh = session.cached_fresh().expect("fresh");
    // 90 s to expiry, renewed 60 s ahead: about 30 s left.
    assert!(
        fresh.fresh_for > Duration::from_secs(28) && fresh.fresh_for <= Duration::from_secs(30)
    );
    assert_eq!(fresh.generation, session.generation());
    assert!(Arc::ptr_eq(&fresh.tokens, &session.cached().unwrap()));

    // Reads change nothing; each kind of change moves the generation.
    let g0 = session.generation();
    session.cached_fresh();
    assert_eq!(session.generation(), g0);
    session.invalidate();
    let g1 = session.generation();
    assert!(g1 > g0);
    assert!(session.cached_fresh().is_none());
    let renewed = session.token().await.unwrap();
    let g2 = session.generation();
    assert!(g2 > g1);
    assert!(Arc::ptr_eq(
        &session.cached_fresh().unwrap().tokens,
        &renewed
    ));
    session.clear().await.unwrap();
    assert!(session.generation() > g2);
    assert!(session.cached_fresh().is_none());

    // Within the margin already: not fresh at all.
    let mut due = renewed.as_ref().clone();
    due.expires_at = Some(SystemTime::now() + Duration::from_secs(30));
    session.set_tokens(due).await.unwrap();
    assert!(session.cached_fresh().is_none());
}

/// Refreshing without a refresh token fails here, not at the server: an
/// empty refresh token given to `refresh`, and a session whose tokens carry
/// none (or an empty one) with no grant to fetch anew. The devserver counts
/// no request.
#[tokio::test]
async fn refreshing_without_a_refresh_token_sends_nothing() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let start = c.password("alice", "wonderland", None).await.unwrap();
    srv.reset_counts();

    for empty in ["", "  "] {
        match c.refresh(&oauth2kit::Secret::new(empty), None).await {
            Err(Error::Config(m)) => assert!(m.contains("refresh token is empty"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    for rt in [None, Some(oauth2kit::Secret::new(""))] {
        let mut t = expired(start.clone());
        t.refresh_token = rt;
        let session = Session::builder(c.clone()).tokens(t).build();
        match session.token().await {
            Err(Error::ReauthorizationRequired(o)) => {
                assert_eq!(o.error, "no_refresh_token");
                let d = o.description.unwrap_or_default();
                assert!(
                    d.contains("no refresh token") && d.contains("authorize again"),
                    "{d}"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    let sent: u64 = srv.counts().values().sum();
    assert_eq!(sent, 0, "nothing reached the server: {:?}", srv.counts());
}
