//! A token set shared by many processes on many machines through Redis.
//!
//! The set lives at `KEY` as JSON; the refresh lock at `KEY:lock` is taken with
//! `SET NX PX` and a random value, and released by a script that deletes it
//! only if the value is still ours — so a holder that outlived its TTL cannot
//! free another's lock. A holder that dies lets the lock expire after the TTL.
//!
//! When Redis is unreachable every call fails with [`Error::Store`]; a session
//! keeps serving a still-valid token it holds in memory, but will not refresh
//! without the lock (that would break the one-refresh-per-expiry promise).

use std::time::{Duration, Instant};

use redis::AsyncCommands;

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

impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`, `rediss://…`) and uses `key`.
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
            let mut conn = self.conn.clone();
            redis::Script::new(RELEASE_SCRIPT)
                .key(&self.key)
                .arg(&self.value)
                .invoke_async::<i64>(&mut conn)
                .await
                .map(|_| ())
                .map_err(|e| store_error("unlock", e))
        })
    }
}

impl TokenStore for RedisStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            let bytes: Option<Vec<u8>> = conn
                .get(&self.key)
                .await
                .map_err(|e| store_error("GET", e))?;
            bytes
                .map(|b| decode(&b, &format!("redis key {:?}", self.key)))
                .transpose()
        })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        Box::pin(async move {
            let bytes = encode(tokens)?;
            let mut conn = self.conn.clone();
            conn.set::<_, _, ()>(&self.key, bytes)
                .await
                .map_err(|e| store_error("SET", e))
        })
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        Box::pin(async move {
            let mut conn = self.conn.clone();
            conn.del::<_, ()>(&self.key)
                .await
                .map_err(|e| store_error("DEL", e))
        })
    }

    fn lock(&self, ttl: Duration, wait: Duration) -> BoxFuture<'_, Result<Box<dyn RefreshLock>>> {
        Box::pin(async move {
            let value = uuid::Uuid::new_v4().to_string();
            let key = self.lock_key();
            let mut conn = self.conn.clone();
            let started = Instant::now();
            loop {
                let opts = redis::SetOptions::default()
                    .conditional_set(redis::ExistenceCheck::NX)
                    .with_expiration(redis::SetExpiry::PX(ttl.as_millis() as u64));
                let got: Option<String> = conn
                    .set_options(&key, &value, opts)
                    .await
                    .map_err(|e| store_error("SET NX", e))?;
                if got.is_some() {
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
