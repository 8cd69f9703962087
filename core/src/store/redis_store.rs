//! A token set shared by many processes on many machines through Redis.
//!
//! The set lives at `KEY` as JSON; the refresh lock at `KEY:lock` is taken with
//! `SET NX PX` and a random value, and released by a script that deletes it
//! only if the value is still ours — so a holder that outlived its TTL cannot
//! free another's lock. A holder that dies lets the lock expire after the TTL.
//!
//! A command that meets a dropped connection (Redis restarted or failed over,
//! or the runtime that drove the connection was shut down) is sent once more
//! on the connection the manager makes anew, so a restart costs callers
//! nothing. Only commands that are safe to repeat are repeated; a lock taken
//! by a `SET NX` whose answer was lost is recognised as ours by its value.
//!
//! When Redis is unreachable every call fails with [`Error::Store`]; a session
//! keeps serving a still-valid token it holds in memory, but will not refresh
//! without the lock (that would break the one-refresh-per-expiry promise).

use std::future::Future;
use std::time::{Duration, Instant};

use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use super::{RefreshLock, TokenStore, decode, encode};
use crate::error::{Error, Result};
use crate::token::TokenSet;
use crate::transport::BoxFuture;

/// How often a waiter checks whether the lock is free.
const LOCK_POLL: Duration = Duration::from_millis(25);

const RELEASE_SCRIPT: &str = r#"if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end"#;

/// A Redis-backed store for one key.
#[derive(Clone)]
pub struct RedisStore {
    conn: redis::aio::ConnectionManager,
    key: String,
    url_shown: String,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisStore")
            .field("url", &self.url_shown)
            .field("key", &self.key)
            .finish()
    }
}

fn store_error(what: &str, e: redis::RedisError) -> Error {
    Error::Store(format!("redis {what}: {e}"))
}

/// Runs `command`, and once more if the connection was dropped under it (the
/// manager reconnects on that error). Only for commands safe to run twice.
async fn repeatable<T, F, Fut>(conn: &ConnectionManager, what: &str, command: F) -> Result<T>
where
    F: Fn(ConnectionManager) -> Fut,
    Fut: Future<Output = redis::RedisResult<T>>,
{
    match command(conn.clone()).await {
        Err(e) if e.is_connection_dropped() => command(conn.clone()).await,
        other => other,
    }
    .map_err(|e| store_error(what, e))
}

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`, or `rediss://…` for TLS, which
    /// trusts the system's certificate store — `SSL_CERT_FILE` and
    /// `SSL_CERT_DIR` are honoured) and uses `key`.
    pub async fn connect(url: &str, key: impl Into<String>) -> Result<Self> {
        let client = redis::Client::open(url).map_err(|e| store_error("URL", e))?;
        let config = redis::aio::ConnectionManagerConfig::new()
            .set_connection_timeout(Some(Duration::from_secs(5)))
            .set_response_timeout(Some(Duration::from_secs(5)))
            .set_number_of_retries(2);
        let conn = redis::aio::ConnectionManager::new_with_config(client, config)
            .await
            .map_err(|e| store_error("connect", e))?;
        // Only host and port are shown: the URL may carry a password.
        let url_shown = url::Url::parse(url)
            .map(|u| {
                format!(
                    "{}://{}:{}",
                    u.scheme(),
                    u.host_str().unwrap_or(""),
                    u.port().unwrap_or(6379)
                )
            })
            .unwrap_or_else(|_| "redis".into());
        Ok(RedisStore {
            conn,
            key: key.into(),
            url_shown,
        })
    }

    fn lock_key(&self) -> String {
        format!("{}:lock", self.key)
    }
}

struct RedisLock {
    conn: redis::aio::ConnectionManager,
    key: String,
    value: String,
}

impl RefreshLock for RedisLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, Result<()>> {
        Box::pin(async move {
            // Deletes only while the value is ours, so running it twice is safe.
            let script = redis::Script::new(RELEASE_SCRIPT);
            repeatable(&self.conn, "unlock", |mut conn| {
                let mut invocation = script.key(&self.key);
                invocation.arg(&self.value);
                async move { invocation.invoke_async::<i64>(&mut conn).await }
            })
            .await
            .map(|_| ())
        })
    }
}

impl TokenStore for RedisStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        Box::pin(async move {
            let key = &self.key;
            let bytes: Option<Vec<u8>> =
                repeatable(
                    &self.conn,
                    "GET",
                    |mut conn| async move { conn.get(key).await },
                )
                .await?;
            bytes
                .map(|b| decode(&b, &format!("redis key {:?}", self.key)))
                .transpose()
        })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let (key, bytes) = (&self.key, &encode(tokens)?);
            repeatable(&self.conn, "SET", |mut conn| async move {
                conn.set::<_, _, ()>(key, bytes).await
            })
            .await
        })
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let key = &self.key;
            repeatable(&self.conn, "DEL", |mut conn| async move {
                conn.del::<_, ()>(key).await
            })
            .await
        })
    }

    fn lock(&self, ttl: Duration, wait: Duration) -> BoxFuture<'_, Result<Box<dyn RefreshLock>>> {
        Box::pin(async move {
            let value = uuid::Uuid::new_v4().to_string();
            let key = self.lock_key();
            let mut conn = self.conn.clone();
            let started = Instant::now();
            // Set when a SET NX met a dropped connection: the server may have
            // taken it without us hearing the answer.
            let mut maybe_taken = false;
            loop {
                let opts = redis::SetOptions::default()
                    .conditional_set(redis::ExistenceCheck::NX)
                    .with_expiration(redis::SetExpiry::PX(
                        u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX),
                    ));
                let got: Option<String> = match conn.set_options(&key, &value, opts).await {
                    Err(e) if e.is_connection_dropped() && !maybe_taken => {
                        maybe_taken = true;
                        continue;
                    }
                    other => other.map_err(|e| store_error("SET NX", e))?,
                };
                let ours = got.is_some()
                    || (maybe_taken
                        && conn
                            .get::<_, Option<String>>(&key)
                            .await
                            .map_err(|e| store_error("GET", e))?
                            .as_deref()
                            == Some(value.as_str()));
                maybe_taken = false; // answered: a later wait needs no check
                if ours {
                    return Ok(Box::new(RedisLock {
                        conn: self.conn.clone(),
                        key,
                        value,
                    }) as Box<dyn RefreshLock>);
                }
                if started.elapsed() >= wait {
                    return Err(Error::Store(format!(
                        "redis refresh lock {key:?} still held after {wait:?}"
                    )));
                }
                tokio::time::sleep(LOCK_POLL).await;
            }
        })
    }
}
