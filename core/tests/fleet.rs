//! A fleet: 8 processes share one token through a real `redis-server` and
//! make one token request per expiry; a lock holder killed mid-refresh lets
//! another process finish within the lock's TTL.
//!
//! Needs `redis-server` on PATH (the test command installs it). The children
//! are this test binary re-run with `OAUTH2KIT_FLEET_ROLE` set.

mod common;

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use oauth2kit::session::Session;
use oauth2kit::store::{RedisStore, RefreshLock, TokenStore};
use oauth2kit::transport::BoxFuture;
use oauth2kit::{Result, TokenSet};
use oauth2kit_devserver::clients;

const ROLE: &str = "OAUTH2KIT_FLEET_ROLE";

struct RedisServer {
    child: Child,
    url: String,
}

impl RedisServer {
    fn start() -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        Self::start_on(port)
    }

    fn start_on(port: u16) -> Self {
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("redis-server on PATH (the README's test command installs it)");
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "redis-server did not start"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        RedisServer {
            child,
            url: format!("redis://127.0.0.1:{port}/"),
        }
    }
}

impl Drop for RedisServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Delegates to Redis, but hangs forever once it holds the refresh lock.
#[derive(Debug)]
struct HangingHolder(RedisStore);

impl TokenStore for HangingHolder {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        self.0.load()
    }
    fn save<'a>(&'a self, t: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        self.0.save(t)
    }
    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        self.0.clear()
    }
    fn lock(&self, ttl: Duration, wait: Duration) -> BoxFuture<'_, Result<Box<dyn RefreshLock>>> {
        Box::pin(async move {
            let lock = self.0.lock(ttl, wait).await?;
            println!("LOCKED");
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(lock)
        })
    }
}

fn session(base: &str, store: Arc<dyn TokenStore>, ttl: Duration) -> Session {
    let oauth = oauth2kit::OAuthClient::builder(clients::POST_CLIENT_ID)
        .client_secret(clients::POST_CLIENT_SECRET)
        .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
        .token_url(format!("{base}/token"))
        .build()
        .unwrap();
    Session::builder(oauth2kit::Client::new(oauth).unwrap())
        .client_credentials(None)
        .store(store)
        .refresh_margin(Duration::from_secs(1))
        .lock_ttl(ttl)
        .build()
}

#[tokio::test]
async fn fleet_child() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let base = std::env::var("OAUTH2KIT_FLEET_AS").unwrap();
    let redis = std::env::var("OAUTH2KIT_FLEET_REDIS").unwrap();
    let store = RedisStore::connect(&redis, "fleet:test").await.unwrap();
    match role.as_str() {
        "worker" => {
            let s = session(&base, Arc::new(store), Duration::from_secs(5));
            let until = Instant::now() + Duration::from_millis(5000);
            let mut seen = BTreeSet::new();
            while Instant::now() < until {
                match s.access_token().await {
                    Ok(t) => {
                        seen.insert(t.expose().to_string());
                    }
                    Err(e) => {
                        println!("ERR {e}");
                        std::process::exit(1);
                    }
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            for t in seen {
                println!("TOKEN {t}");
            }
        }
        "holder" => {
            let s = session(
                &base,
                Arc::new(HangingHolder(store)),
                Duration::from_secs(2),
            );
            let _ = s.access_token().await;
        }
        other => panic!("unknown role {other}"),
    }
}

fn spawn_child(role: &str, base: &str, redis: &str) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "fleet_child", "--nocapture", "--test-threads=1"])
        .env(ROLE, role)
        .env("OAUTH2KIT_FLEET_AS", base)
        .env("OAUTH2KIT_FLEET_REDIS", redis)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

#[test]
fn eight_processes_make_one_request_per_expiry() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let redis = RedisServer::start();
    let srv = common::server();
    srv.set_token_lifetime(2); // due 1 s after issue (margin 1 s): ~5 expiries in the 5 s run
    let children: Vec<Child> = (0..8)
        .map(|_| spawn_child("worker", &srv.url(), &redis.url))
        .collect();
    let mut all = BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "worker failed: {text}");
        // The test harness may print its own words before ours on a line.
        all.extend(
            text.lines()
                .filter_map(|l| l.split_once("TOKEN "))
                .map(|(_, t)| t.to_string()),
        );
    }
    let requests = srv.count("token");
    eprintln!(
        "8 processes, {} distinct tokens, {requests} token requests",
        all.len()
    );
    assert!(
        all.len() >= 3,
        "expected several expiries, saw {}",
        all.len()
    );
    assert_eq!(
        requests as usize,
        all.len(),
        "every token request produced a token the fleet used: one per expiry"
    );
}

#[test]
fn a_killed_lock_holder_lets_another_process_finish_within_the_ttl() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let redis = RedisServer::start();
    let srv = common::server();
    let mut holder = spawn_child("holder", &srv.url(), &redis.url);
    let mut out = BufReader::new(holder.stdout.take().unwrap());
    let mut line = String::new();
    while !line.contains("LOCKED") {
        line.clear();
        assert!(
            out.read_line(&mut line).unwrap() > 0,
            "holder exited before locking"
        );
    }
    holder.kill().unwrap();
    holder.wait().unwrap();

    let rt = tokio::runtime::Runtime::new().unwrap();
    let started = Instant::now();
    let token = rt.block_on(async {
        let store = RedisStore::connect(&redis.url, "fleet:test").await.unwrap();
        session(&srv.url(), Arc::new(store), Duration::from_secs(2))
            .access_token()
            .await
    });
    let took = started.elapsed();
    token.expect("another process completes the refresh");
    assert!(
        took < Duration::from_secs(4),
        "took {took:?} with a 2 s lock TTL"
    );
    assert_eq!(
        srv.count("token"),
        1,
        "the dead holder never reached the token endpoint"
    );

    // A Redis outage is a clear store error.
    drop(redis);
    let err = rt
        .block_on(async { RedisStore::connect("redis://127.0.0.1:1/", "k").await })
        .unwrap_err();
    assert!(matches!(err, oauth2kit::Error::Store(_)), "{err:?}");
}

#[test]
fn a_redis_restart_costs_the_caller_nothing() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let redis = RedisServer::start();
    let port: u16 = redis
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(RedisStore::connect(&redis.url, "restart:test"))
        .unwrap();
    let tokens = TokenSet::bearer("restart-token");
    rt.block_on(store.save(&tokens)).unwrap();

    // Redis restarts (as in a failover): its connection is gone, its data too.
    drop(redis);
    let _redis = RedisServer::start_on(port);
    assert_eq!(
        rt.block_on(store.load()).unwrap(),
        None,
        "the first command after the restart"
    );
    rt.block_on(store.save(&tokens)).unwrap();
    assert_eq!(rt.block_on(store.load()).unwrap(), Some(tokens));

    drop(_redis);
    let _redis = RedisServer::start_on(port);
    let lock = rt
        .block_on(store.lock(Duration::from_secs(5), Duration::from_secs(1)))
        .expect("the lock, taken on the new connection");
    rt.block_on(lock.release()).unwrap();
    rt.block_on(store.clear()).unwrap();
}
