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
    port: u16,
    url: String,
}

impl RedisServer {
    fn start() -> Self {
        Self::start_on(free_port())
    }

    fn start_on(port: u16) -> Self {
        Self::start_with(port, &["--port", &port.to_string()], "redis")
    }

    /// TLS only, with the certificate and key in `dir` (see `test_ca`).
    fn start_tls(dir: &std::path::Path) -> Self {
        let port = free_port();
        let file = |name: &str| dir.join(name).to_str().unwrap().to_owned();
        let args = [
            "--port".to_owned(),
            "0".to_owned(),
            "--tls-port".to_owned(),
            port.to_string(),
            "--tls-cert-file".to_owned(),
            file("server.pem"),
            "--tls-key-file".to_owned(),
            file("server.key"),
            "--tls-ca-cert-file".to_owned(),
            file("ca.pem"),
            "--tls-auth-clients".to_owned(),
            "no".to_owned(),
        ];
        Self::start_with(
            port,
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            "rediss",
        )
    }

    fn start_with(port: u16, args: &[&str], scheme: &str) -> Self {
        let child = Command::new("redis-server")
            .args(args)
            .args(["--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
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
            port,
            url: format!("{scheme}://127.0.0.1:{port}/"),
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A throw-away CA and a server certificate for 127.0.0.1 it signed, made
/// with the openssl command (the test command installs it when missing).
fn test_ca(dir: &std::path::Path) {
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("the openssl command (the README's test command installs it)");
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
    ];
    openssl(
        &[
            &["req", "-x509"][..],
            &ec,
            &[
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem",
                "-days",
                "1",
                "-subj",
                "/CN=oauth2kit test CA",
            ],
        ]
        .concat(),
    );
    openssl(
        &[
            &["req"][..],
            &ec,
            &[
                "-keyout",
                "server.key",
                "-out",
                "server.csr",
                "-subj",
                "/CN=127.0.0.1",
            ],
        ]
        .concat(),
    );
    std::fs::write(dir.join("san.cnf"), "subjectAltName=IP:127.0.0.1\n").unwrap();
    openssl(&[
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "server.pem",
        "-days",
        "1",
        "-extfile",
        "san.cnf",
    ]);
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

/// A user's session (password grant, rotating refresh tokens) restored from
/// the fleet's store: no grant to start over with, so a refresh with a
/// rotated-away refresh token would be `ReauthorizationRequired` for good.
fn user_session(base: &str, store: Arc<dyn TokenStore>) -> Session {
    Session::builder(fleet_client(base))
        .store(store)
        .refresh_margin(Duration::from_secs(1))
        .lock_ttl(Duration::from_secs(5))
        .build()
}

/// The client every fleet member uses (client_secret_post, one token endpoint).
fn fleet_client(base: &str) -> oauth2kit::Client {
    let oauth = oauth2kit::OAuthClient::builder(clients::POST_CLIENT_ID)
        .client_secret(clients::POST_CLIENT_SECRET)
        .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
        .token_url(format!("{base}/token"))
        .build()
        .unwrap();
    oauth2kit::Client::new(oauth).unwrap()
}

fn session(base: &str, store: Arc<dyn TokenStore>, ttl: Duration) -> Session {
    Session::builder(fleet_client(base))
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
    if role == "tls" {
        // Whether the store trusts the server is up to SSL_CERT_FILE, which is
        // read once per process: hence a child.
        match RedisStore::connect(&redis, "tls:test").await {
            Ok(store) => {
                let tokens = TokenSet::bearer("over-tls");
                store.save(&tokens).await.unwrap();
                assert_eq!(store.load().await.unwrap(), Some(tokens));
                println!("TLS OK");
            }
            Err(e) => println!("REFUSED {e}"),
        }
        return;
    }
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
        "user" => {
            // Busy for 2.5 s (tokens live 2 s, due after 1), then gone quiet.
            let s = user_session(&base, Arc::new(store));
            let until = Instant::now() + Duration::from_millis(2500);
            while Instant::now() < until {
                if let Err(e) = s.access_token().await {
                    println!("ERR {e}");
                    std::process::exit(1);
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            println!("USER OK");
        }
        "idle" => {
            // Takes a token, then is idle longer than a token lives while the
            // others rotate the refresh token, and asks again once what they
            // stored has expired too (the scenario itself, not a synchronisation).
            let s = user_session(&base, Arc::new(store));
            if let Err(e) = s.access_token().await {
                println!("ERR first {e}");
                std::process::exit(1);
            }
            tokio::time::sleep(Duration::from_millis(5000)).await;
            match s.access_token().await {
                Ok(_) => println!("IDLE OK"),
                Err(e) => {
                    println!("ERR after idling {e}");
                    std::process::exit(1);
                }
            }
        }
        "dpop" => {
            // Every process has a DPoP key of its own; the set in Redis
            // carries the key it is bound to, and that key must present it.
            let oauth = oauth2kit::OAuthClient::builder(clients::POST_CLIENT_ID)
                .client_secret(clients::POST_CLIENT_SECRET)
                .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
                .token_url(format!("{base}/token"))
                .dpop(true)
                .build()
                .unwrap();
            let own = oauth.dpop_key().unwrap().thumbprint().to_string();
            let http = oauth2kit::Client::new(oauth.clone()).unwrap();
            let s = Session::builder(oauth2kit::Client::new(oauth.clone()).unwrap())
                .client_credentials(None)
                .store(Arc::new(store))
                .refresh_margin(Duration::from_secs(1))
                .lock_ttl(Duration::from_secs(5))
                .build();
            let api = url::Url::parse(&format!("{base}/resource")).unwrap();
            let until = Instant::now() + Duration::from_millis(5000);
            let mut seen = BTreeSet::new();
            while Instant::now() < until {
                let t = match s.token().await {
                    Ok(t) => t,
                    Err(e) => {
                        println!("ERR {e}");
                        std::process::exit(1);
                    }
                };
                let headers = oauth.resource_request_headers("GET", &api, &t).unwrap();
                let mut req = oauth2kit::HttpRequest::new(oauth2kit::Method::Get, api.clone());
                req.headers.extend(headers);
                let resp = http.send(req).await.unwrap();
                if resp.status != 200 {
                    println!(
                        "ERR resource {} {}",
                        resp.status,
                        String::from_utf8_lossy(&resp.body)
                    );
                    std::process::exit(1);
                }
                let jkt = t
                    .dpop_key()
                    .map(|k| k.thumbprint().to_string())
                    .unwrap_or_default();
                seen.insert((t.access_token.expose().to_string(), jkt));
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            println!("OWN {own}");
            for (t, jkt) in seen {
                println!("TOKEN {t} {jkt}");
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

/// RFC 9449 across a fleet: DPoP-bound tokens in Redis, each bound to the
/// key of the process that fetched it, presented by every process with that
/// key (the devserver checks each proof and the token's `cnf.jkt`).
#[test]
fn a_dpop_bound_token_is_shared_with_its_key() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let redis = RedisServer::start();
    let srv = common::server();
    srv.set_token_lifetime(2);
    let children: Vec<Child> = (0..8)
        .map(|_| spawn_child("dpop", &srv.url(), &redis.url))
        .collect();
    let (mut tokens, mut own_keys, mut used_keys) =
        (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let mut presented_another_s = 0;
    for child in children {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "a DPoP worker failed: {text}");
        let own = text
            .lines()
            .find_map(|l| l.split_once("OWN ").map(|(_, k)| k.to_string()))
            .expect("OWN line");
        for (_, rest) in text.lines().filter_map(|l| l.split_once("TOKEN ")) {
            let (token, jkt) = rest.split_once(' ').expect("TOKEN t jkt");
            assert_eq!(jkt.len(), 43, "a bound token without its key: {rest}");
            if jkt != own {
                presented_another_s += 1;
            }
            tokens.insert(token.to_string());
            used_keys.insert(jkt.to_string());
        }
        own_keys.insert(own);
    }
    let requests = srv.count("token");
    eprintln!(
        "8 DPoP processes: {} tokens, {requests} token requests, {} keys used, {presented_another_s} tokens presented with another process's key",
        tokens.len(),
        used_keys.len()
    );
    assert_eq!(own_keys.len(), 8, "each process has a key of its own");
    assert!(
        tokens.len() >= 3,
        "expected several expiries, saw {}",
        tokens.len()
    );
    assert_eq!(
        requests as usize,
        tokens.len(),
        "one token request per expiry"
    );
    assert!(
        used_keys.is_subset(&own_keys),
        "every binding key is a fleet member's"
    );
    assert!(presented_another_s > 0, "the key travelled with the tokens");
    assert!(srv.count("resource") > 0);
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
    let port = redis.port;
    let rt = tokio::runtime::Runtime::new().unwrap();
    let store = rt
        .block_on(RedisStore::connect(&redis.url, "restart:test"))
        .unwrap();
    let tokens = TokenSet::bearer("restart-token");
    rt.block_on(store.save(&tokens)).unwrap();

    // Redis restarts (as in a failover): its connection is gone, its data too.
    drop(redis);
    let restarted = RedisServer::start_on(port);
    assert_eq!(
        rt.block_on(store.load()).unwrap(),
        None,
        "the first command after the restart"
    );
    rt.block_on(store.save(&tokens)).unwrap();
    assert_eq!(rt.block_on(store.load()).unwrap(), Some(tokens));

    drop(restarted);
    let _restarted_again = RedisServer::start_on(port);
    let lock = rt
        .block_on(store.lock(Duration::from_secs(5), Duration::from_secs(1)))
        .expect("the lock, taken on the new connection");
    rt.block_on(lock.release()).unwrap();
    rt.block_on(store.clear()).unwrap();
}

#[test]
fn rediss_trusts_the_system_store_and_nothing_else() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let dir = std::env::temp_dir().join(format!("oauth2kit-rediss-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    test_ca(&dir);
    let redis = RedisServer::start_tls(&dir);
    let run = |ca_file: Option<&std::path::Path>| {
        let mut child = Command::new(std::env::current_exe().unwrap());
        child
            .args(["--exact", "fleet_child", "--nocapture", "--test-threads=1"])
            .env(ROLE, "tls")
            .env("OAUTH2KIT_FLEET_AS", "unused")
            .env("OAUTH2KIT_FLEET_REDIS", &redis.url)
            .env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR");
        if let Some(ca) = ca_file {
            child.env("SSL_CERT_FILE", ca);
        }
        let out = child.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    // The test CA added to what the process trusts: a TLS store that works.
    let trusted = run(Some(&dir.join("ca.pem")));
    assert!(trusted.contains("TLS OK"), "{trusted}");
    // The system's roots alone do not know it: refused, as a store error
    // (here "invalid peer certificate: UnknownIssuer"; a machine without a
    // system store refuses with another message, so only the kind is checked).
    let untrusted = run(None);
    assert!(
        untrusted.contains("REFUSED token store error: redis connect"),
        "{untrusted}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_idle_member_refreshes_with_the_fleet_s_live_refresh_token() {
    if std::env::var(ROLE).is_ok() {
        return;
    }
    let redis = RedisServer::start();
    let srv = common::server();
    srv.set_token_lifetime(2);
    // Sign the user in once; the fleet shares the set through Redis.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let c = common::client(&srv, clients::POST_CLIENT_ID);
        let t = c.password("alice", "wonderland", None).await.unwrap();
        let store = RedisStore::connect(&redis.url, "fleet:test").await.unwrap();
        store.save(&t).await.unwrap();
    });
    let idle = spawn_child("idle", &srv.url(), &redis.url);
    let users: Vec<Child> = (0..7)
        .map(|_| spawn_child("user", &srv.url(), &redis.url))
        .collect();
    for child in users {
        let out = child.wait_with_output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success() && text.contains("USER OK"),
            "user failed: {text}"
        );
    }
    let rotations = srv.count("token");
    let out = idle.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success() && text.contains("IDLE OK"),
        "the idle member lost the session: {text}"
    );
    eprintln!(
        "8 processes, {rotations} refreshes while busy, {} after the idle member woke",
        srv.count("token") - rotations
    );
    assert!(
        rotations >= 3,
        "the fleet rotated the refresh token only {rotations} times"
    );
    assert_eq!(
        srv.count("token") - rotations,
        1,
        "the idle member refreshed once"
    );
}
