//! The C++ session and stores (`oauth2kit::Session`, `oauth2kit::Store` in
//! `include/oauth2kit.hpp`): the core's `blocking::Session` and `TokenStore`s
//! behind the cxx bridge declared in `cxx_bridge.rs`.
//!
//! A store written in C++ reaches Rust through `StoreAdapter`
//! (`include/oauth2kit/session_glue.h`), whose entry points are `noexcept` and
//! return the message of any C++ exception; here it becomes `Error::Store`.

use std::fmt;
use std::sync::Arc;

use oauth2kit::store::{FileStore, MemoryStore, RedisStore, TokenStore};
use oauth2kit::{Error, TokenSet};

use crate::cxx_bridge::ffi::{ChangeObserver, StoreAdapter};
use crate::cxx_bridge::{BridgeError, Client, Tokens, bridged};
use crate::error::Fail;

/// A token store (`oauth2kit::Store`); cheap to clone, shared by sessions.
#[derive(Debug)]
pub struct Store(Arc<dyn TokenStore>);

pub(crate) fn memory_store() -> Box<Store> {
    Box::new(Store(Arc::new(MemoryStore::new())))
}

pub(crate) fn file_store(path: &str) -> Box<Store> {
    Box::new(Store(Arc::new(FileStore::new(path))))
}

pub(crate) fn redis_store(url: &str, key: &str) -> Result<Box<Store>, BridgeError> {
    bridged("redis_store", || {
        let store = oauth2kit::blocking::block_on(RedisStore::connect(url, key))??;
        Ok(Box::new(Store(Arc::new(store))))
    })
}

pub(crate) fn cpp_store(adapter: cxx::UniquePtr<StoreAdapter>) -> Result<Box<Store>, BridgeError> {
    bridged("cpp_store", || {
        if adapter.is_null() {
            return Err(Fail::null("store"));
        }
        let store =
            oauth2kit_bind::ForeignStoreAdapter::new(Arc::new(CppStore(adapter)), "the C++ store");
        Ok(Box::new(Store(Arc::new(store))))
    })
}

impl Store {
    pub(crate) fn clone_store(&self) -> Box<Store> {
        Box::new(Store(self.0.clone()))
    }

    /// What the store holds now, as the JSON of a token set (absent when empty).
    pub(crate) fn load_json(&self) -> Result<crate::cxx_bridge::ffi::OptString, BridgeError> {
        bridged("Store::load", || {
            let loaded = oauth2kit::blocking::block_on(self.0.load())??;
            let json = loaded
                .map(|t| {
                    serde_json::to_string(&t)
                        .map_err(|e| Fail::invalid(format!("cannot serialize: {e}")))
                })
                .transpose()?;
            Ok(crate::cxx_bridge::opt_string(json))
        })
    }
}

/// A store implemented in C++ (`oauth2kit::TokenStore`).
struct CppStore(cxx::UniquePtr<StoreAdapter>);

// SAFETY: oauth2kit.hpp documents that a TokenStore must be thread-safe; the
// adapter itself only holds std::functions that call it.
unsafe impl Send for CppStore {}
unsafe impl Sync for CppStore {}

impl fmt::Debug for CppStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CppStore")
    }
}

fn cpp_error(op: &str, message: &str) -> Error {
    Error::Store(format!("C++ store {op} failed: {message}"))
}

impl CppStore {
    fn adapter(&self) -> oauth2kit::Result<&StoreAdapter> {
        self.0
            .as_ref()
            .ok_or_else(|| Error::Store("C++ store is null".into()))
    }
}

impl oauth2kit_bind::ForeignStore for CppStore {
    fn load(&self) -> oauth2kit::Result<Option<zeroize::Zeroizing<String>>> {
        let (mut present, mut json, mut error) = (false, String::new(), String::new());
        if !self.adapter()?.load(&mut present, &mut json, &mut error) {
            return Err(cpp_error("load", &error));
        }
        let json = zeroize::Zeroizing::new(json);
        Ok(present.then_some(json))
    }

    fn save(&self, document: &str) -> oauth2kit::Result<()> {
        let mut error = String::new();
        if self.adapter()?.save(document, &mut error) {
            Ok(())
        } else {
            Err(cpp_error("save", &error))
        }
    }

    fn clear(&self) -> oauth2kit::Result<()> {
        let mut error = String::new();
        if self.adapter()?.clear(&mut error) {
            Ok(())
        } else {
            Err(cpp_error("clear", &error))
        }
    }
}

/// The C++ on_change observer, owned by the session's callback.
struct Observer(cxx::UniquePtr<ChangeObserver>);

// SAFETY: oauth2kit.hpp documents that on_change may run on any thread; the
// observer's entry point is noexcept and const.
unsafe impl Send for Observer {}
unsafe impl Sync for Observer {}

impl Observer {
    fn call(&self, tokens: &TokenSet) {
        if let Some(o) = self.0.as_ref() {
            o.on_change(&Tokens(tokens.clone()));
        }
    }
}

/// Session settings (`oauth2kit::SessionOptions`): the binding layer's
/// session options (set by name, by the generated setters of
/// `detail::SessionSetters`), plus a store, initial tokens and an observer.
/// Reusable: a session takes copies.
#[derive(Default)]
pub struct SessionOptions {
    layer: oauth2kit_bind::SessionConfig,
    store: Option<Arc<dyn TokenStore>>,
    tokens: Option<TokenSet>,
    on_change: Option<Arc<Observer>>,
}

impl fmt::Debug for SessionOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionOptions")
            .field("layer", &self.layer)
            .field("store", &self.store)
            .field("tokens", &self.tokens)
            .field("on_change", &self.on_change.is_some())
            .finish()
    }
}

pub(crate) fn new_session_options() -> Box<SessionOptions> {
    Box::default()
}

impl SessionOptions {
    pub(crate) fn set(&mut self, option: &str, value: &str) -> Result<(), BridgeError> {
        bridged("SessionOptions::set", || {
            let option = oauth2kit_bind::SessionOption::from_name_or_err(option)?;
            Ok(self.layer.set_text(option, value)?)
        })
    }

    pub(crate) fn set_store(&mut self, store: &Store) {
        self.store = Some(store.0.clone());
    }

    pub(crate) fn set_initial_tokens(&mut self, tokens: &Tokens) {
        self.tokens = Some(tokens.0.clone());
    }

    pub(crate) fn set_on_change(&mut self, observer: cxx::UniquePtr<ChangeObserver>) {
        self.on_change = (!observer.is_null()).then(|| Arc::new(Observer(observer)));
    }
}

/// A session (`oauth2kit::Session`). Thread-safe.
#[derive(Debug)]
pub struct Session(oauth2kit::blocking::Session);

pub(crate) fn new_session(
    client: &Client,
    options: &SessionOptions,
) -> Result<Box<Session>, BridgeError> {
    bridged("new_session", || {
        let mut b = oauth2kit::session::Session::builder(client.0.as_async().clone());
        if let Some(store) = &options.store {
            b = b.store(store.clone());
        }
        if let Some(tokens) = &options.tokens {
            b = b.tokens(tokens.clone());
        }
        b = options.layer.apply(b, client.0.as_async())?;
        if let Some(observer) = &options.on_change {
            let observer = observer.clone();
            b = b.on_change(move |t| observer.call(t));
        }
        // Tokens given here are saved before this returns (or the store's error is).
        Ok(Box::new(Session(oauth2kit::blocking::Session::start(b)?)))
    })
}

impl Session {
    pub(crate) fn access_token(&self) -> Result<String, BridgeError> {
        bridged("Session::access_token", || {
            Ok(self.0.access_token()?.expose().to_string())
        })
    }

    pub(crate) fn token(&self) -> Result<Box<Tokens>, BridgeError> {
        bridged("Session::token", || {
            Ok(Box::new(Tokens(TokenSet::clone(&*self.0.token()?))))
        })
    }

    pub(crate) fn authorization_header(
        &self,
    ) -> Result<crate::cxx_bridge::ffi::Header, BridgeError> {
        bridged("Session::authorization_header", || {
            let (name, value) = self.0.authorization_header()?;
            Ok(crate::cxx_bridge::ffi::Header { name, value })
        })
    }

    pub(crate) fn resource_request_headers(
        &self,
        method: &str,
        url: &str,
    ) -> Result<Vec<crate::cxx_bridge::ffi::Param>, BridgeError> {
        bridged("Session::resource_request_headers", || {
            let url = oauth2kit_bind::resource::parse_url(url)?;
            Ok(crate::cxx_bridge::header_params(
                self.0.resource_request_headers(method, &url)?,
            ))
        })
    }

    #[allow(clippy::ptr_arg)] // cxx hands C++ vectors over as `&Vec`
    pub(crate) fn check_resource_response(
        &self,
        url: &str,
        status: u16,
        headers: &Vec<crate::cxx_bridge::ffi::Param>,
    ) -> Result<bool, BridgeError> {
        bridged("Session::check_resource_response", || {
            let url = oauth2kit_bind::resource::parse_url(url)?;
            let answer = oauth2kit_bind::resource::response(
                status,
                crate::cxx_bridge::header_pairs(headers),
            );
            Ok(self.0.check_resource_response(&url, &answer))
        })
    }

    pub(crate) fn invalidate(&self) {
        self.0.invalidate();
    }

    pub(crate) fn on_unauthorized(&self, access_token: &str) -> bool {
        self.0.on_unauthorized(access_token)
    }

    pub(crate) fn set_tokens(&self, tokens: &Tokens) -> Result<(), BridgeError> {
        bridged("Session::set_tokens", || {
            Ok(self.0.set_tokens(tokens.0.clone())?)
        })
    }

    pub(crate) fn clear(&self) -> Result<(), BridgeError> {
        bridged("Session::clear", || Ok(self.0.clear()?))
    }
}
