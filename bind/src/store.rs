//! One adapter for every store a binding's user writes (C callbacks, a C++
//! `TokenStore`, a Kotlin/Swift `TokenStore`): the user's code sees the
//! versioned store document as text, the session sees a core `TokenStore`.
//!
//! Decided here, once: the callbacks run off the async runtime's workers (a
//! keychain or a database call may block), what they return is read as the
//! versioned document (a bare token set, the format before, is read too), and
//! anything else is `StoreDamaged` — which a session reports once and then
//! starts over from, when its grant can.

use std::fmt;
use std::sync::Arc;

use oauth2kit::store::{TokenStore, decode_document, encode_document, off_workers};
use oauth2kit::transport::BoxFuture;
use oauth2kit::{Error, Result, TokenSet};
use zeroize::Zeroizing;

/// A store implemented in a binding's language, as text. Called from any
/// thread, one call at a time per operation kind is not guaranteed: it must be
/// thread-safe.
pub trait ForeignStore: Send + Sync {
    /// The stored document, or `None` when nothing is stored.
    fn load(&self) -> Result<Option<Zeroizing<String>>>;
    /// Replaces the stored document; durable when it returns `Ok`.
    fn save(&self, document: &str) -> Result<()>;
    /// Removes what is stored.
    fn clear(&self) -> Result<()>;
}

/// A [`ForeignStore`] as the core's `TokenStore`.
#[derive(Clone)]
pub struct ForeignStoreAdapter {
    inner: Arc<dyn ForeignStore>,
    /// Who wrote the store, for messages ("the C store").
    origin: &'static str,
}

impl fmt::Debug for ForeignStoreAdapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ForeignStoreAdapter")
            .field("origin", &self.origin)
            .finish_non_exhaustive()
    }
}

impl ForeignStoreAdapter {
    /// Wraps `store`; `origin` names it in errors ("the C store").
    pub fn new(store: Arc<dyn ForeignStore>, origin: &'static str) -> Self {
        ForeignStoreAdapter {
            inner: store,
            origin,
        }
    }

    /// Loads now, on this thread (for a binding's own `load` call).
    pub fn load_now(&self) -> Result<Option<TokenSet>> {
        match self.inner.load()? {
            None => Ok(None),
            Some(doc) => decode_document(doc.as_bytes(), self.origin).map(Some),
        }
    }

    fn save_now(&self, tokens: &TokenSet) -> Result<()> {
        let doc = Zeroizing::new(encode_document(tokens)?);
        let doc = std::str::from_utf8(&doc)
            .map_err(|_| Error::Store("the store document is not UTF-8".into()))?;
        self.inner.save(doc)
    }
}

impl TokenStore for ForeignStoreAdapter {
    fn load(&self) -> BoxFuture<'_, Result<Option<TokenSet>>> {
        let this = self.clone();
        Box::pin(off_workers(move || this.load_now()))
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, Result<()>> {
        let (this, tokens) = (self.clone(), tokens.clone());
        Box::pin(off_workers(move || this.save_now(&tokens)))
    }

    fn clear(&self) -> BoxFuture<'_, Result<()>> {
        let this = self.clone();
        Box::pin(off_workers(move || this.inner.clear()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Text(Mutex<Option<String>>, Mutex<Vec<std::thread::ThreadId>>);

    impl ForeignStore for Text {
        fn load(&self) -> Result<Option<Zeroizing<String>>> {
            self.1.lock().unwrap().push(std::thread::current().id());
            Ok(self.0.lock().unwrap().clone().map(Zeroizing::new))
        }
        fn save(&self, document: &str) -> Result<()> {
            *self.0.lock().unwrap() = Some(document.to_string());
            Ok(())
        }
        fn clear(&self) -> Result<()> {
            *self.0.lock().unwrap() = None;
            Ok(())
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 1)]
    async fn versioned_documents_bare_sets_and_garbage() {
        let text = Arc::new(Text::default());
        let store = ForeignStoreAdapter::new(text.clone(), "the test store");
        store.save(&TokenSet::bearer("AT")).await.unwrap();
        let doc = text.0.lock().unwrap().clone().unwrap();
        assert!(doc.starts_with("{\"version\":1,"), "{doc}");
        assert_eq!(
            store.load().await.unwrap().unwrap().access_token.expose(),
            "AT"
        );
        // The callbacks ran on the blocking pool, not on the runtime's worker.
        let worker = tokio::spawn(async { std::thread::current().id() })
            .await
            .unwrap();
        assert!(text.1.lock().unwrap().iter().all(|t| *t != worker));
        // The format before the document was versioned.
        *text.0.lock().unwrap() = Some("{\"access_token\":\"OLD\"}".into());
        assert_eq!(
            store.load().await.unwrap().unwrap().access_token.expose(),
            "OLD"
        );
        // A DPoP-bound set keeps its key through the document (C callbacks,
        // C++ and Kotlin/Swift stores all go through this adapter).
        let key = oauth2kit::DpopKey::generate().unwrap();
        let mut bound = TokenSet::bearer("BOUND");
        bound.token_type = Some("DPoP".into());
        bound.set_dpop_key(Some(key.clone()));
        store.save(&bound).await.unwrap();
        assert!(
            text.0
                .lock()
                .unwrap()
                .as_ref()
                .unwrap()
                .contains("dpop_jwk")
        );
        let back = store.load().await.unwrap().unwrap();
        assert_eq!(back.dpop_key(), Some(&key));
        assert_eq!(back, bound);
        for garbage in [
            "{\"version\":1,\"tok",
            "[]",
            "{\"version\":2,\"tokens\":{\"access_token\":\"x\"}}",
        ] {
            *text.0.lock().unwrap() = Some(garbage.into());
            let e = store.load().await.unwrap_err();
            assert!(matches!(e, Error::StoreDamaged(_)), "{garbage}: {e:?}");
            assert!(e.to_string().contains("the test store"));
        }
    }
}
