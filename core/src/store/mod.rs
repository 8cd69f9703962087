//! Where a [`crate::session::Session`] keeps its tokens: the [`TokenStore`]
//! trait and the built-in stores — memory, a file written atomically, and
//! Redis (feature `redis`) for fleets that share one token.
//!
//! Bindings implement the trait over C callbacks, Python objects and
//! Kotlin/Swift interfaces (keychains, databases).

use std::fmt;
use std::sync::Mutex;
use std::time::Duration;

use crate::error::{Error, Result};
use crate::token::TokenSet;
use crate::transport::BoxFuture;

mod file;
#[cfg(feature = "redis")]
mod redis_store;

pub use file::FileStore;
#[cfg(feature = "redis")]
pub use redis_store::RedisStore;

/// A lock that makes one process of a fleet refresh while the others wait.
pub trait RefreshLock: Send {
    /// Releases the lock (only if still owned).
    fn release(self: Box<Self>) -> BoxFuture<'static, Result<()>>;
}

/// A lock that coordinates nothing: for stores used by one process.
#[derive(Debug)]
pub struct NoLock;

impl RefreshLock for NoLock {
    fn release(self: Box<Self>) -> BoxFuture<'static, Result<()>> {
        Box::pin(async { Ok(()) })
    }
}

/// Persistent storage of one token set.
pub trait TokenStore: Send + Sync + fmt::Debug {
    /// The stored set, or `None` when nothing is stored. A store that cannot
    /// be reached is [`Error::Store`]; one that holds something that is not a
    /// token set is [`Error::StoreDamaged`] (a session can start over from
    /// that), never `None`.
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>>;

    /// Replaces the stored set. Must be durable when it returns `Ok`.
    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>>;

    /// Removes the stored set.
    fn clear(&self) -> BoxFuture<'_, Result<()>>;

    /// Takes the refresh lock, waiting for it up to `wait`; the lock expires by
    /// itself after `ttl` if its holder dies. Single-process stores need none.
    fn lock(&self, _ttl: Duration, _wait: Duration) -> BoxFuture<'_, Result<Box<dyn RefreshLock>>> {
        Box::pin(async { Ok(Box::new(NoLock) as Box<dyn RefreshLock>) })
    }
}

/// Keeps the tokens in memory only.
#[derive(Debug, Default)]
pub struct MemoryStore(Mutex<Option<TokenSet>>);

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store holding a set.
    pub fn with(tokens: TokenSet) -> Self {
        MemoryStore(Mutex::new(Some(tokens)))
    }

    fn slot(&self) -> Result<std::sync::MutexGuard<'_, Option<TokenSet>>> {
        self.0
            .lock()
            .map_err(|_| Error::Store("memory store poisoned".into()))
    }
}

impl TokenStore for MemoryStore {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        let r = self.slot().map(|s| s.clone());
        Box::pin(async move { r })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        let r = self.slot().map(|mut s| *s = Some(tokens.clone()));
        Box::pin(async move { r })
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        let r = self.slot().map(|mut s| *s = None);
        Box::pin(async move { r })
    }
}

/// The stored document: versioned so the format can change later.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Stored {
    pub(crate) version: u32,
    pub(crate) tokens: TokenSet,
}

/// The stored document (`{"version":1,"tokens":{…}}`) of a token set: what
/// every built-in store writes, and what foreign stores (C, C++, Kotlin/Swift)
/// are handed through the binding layer.
pub fn encode_document(tokens: &TokenSet) -> Result<Vec<u8>> {
    encode(tokens)
}

/// Reads a stored document; a bare token set (what foreign stores held
/// before the document was versioned) is read too. Anything else is
/// [`Error::StoreDamaged`], naming `origin` and never the content.
pub fn decode_document(bytes: &[u8], origin: &str) -> Result<TokenSet> {
    match decode(bytes, origin) {
        Ok(t) => Ok(t),
        Err(damaged) => match serde_json::from_slice::<TokenSet>(bytes) {
            Ok(t) if !bytes.windows(10).any(|w| w == b"\"version\"") => Ok(t),
            _ => Err(damaged),
        },
    }
}

/// Runs blocking store work (fsync, a foreign callback that takes a lock or a
/// keychain) off the async runtime's workers: on tokio's blocking pool inside
/// a multi-thread runtime or on the I/O thread of foreign event loops (which
/// serves every request of the process), inline otherwise (a blocking
/// caller's own thread).
#[cfg(feature = "reqwest")]
pub async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> Result<T> + Send + 'static,
) -> Result<T> {
    #[cfg(feature = "blocking")]
    let io_thread = crate::shared_runtime::on_io_thread();
    #[cfg(not(feature = "blocking"))]
    let io_thread = false;
    if let Ok(handle) = tokio::runtime::Handle::try_current() {
        if io_thread || handle.runtime_flavor() != tokio::runtime::RuntimeFlavor::CurrentThread {
            return handle
                .spawn_blocking(work)
                .await
                .unwrap_or_else(|e| Err(Error::Store(format!("store task failed: {e}"))));
        }
    }
    work()
}

pub(crate) fn encode(tokens: &TokenSet) -> Result<Vec<u8>> {
    serde_json::to_vec(&Stored {
        version: 1,
        tokens: tokens.clone(),
    })
    .map_err(|e| Error::Store(format!("cannot encode tokens: {e}")))
}

/// Reads a stored document; `origin` names it in errors. Anything that is not
/// a version-1 document is [`Error::StoreDamaged`], never a panic (fuzzed
/// through [`decode_document`]).
pub(crate) fn decode(bytes: &[u8], origin: &str) -> Result<TokenSet> {
    let stored: Stored = serde_json::from_slice(bytes).map_err(|e| {
        Error::StoreDamaged(format!(
            "{origin} does not hold a token set (damaged or foreign file): {e}"
        ))
    })?;
    if stored.version != 1 {
        return Err(Error::StoreDamaged(format!(
            "{origin}: unsupported format version {}",
            stored.version
        )));
    }
    Ok(stored.tokens)
}
