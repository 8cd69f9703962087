//! `oauth2kit_session` (a valid access token, always: single-flight renewal,
//! rotation-safe persistence) and `oauth2kit_store` (memory, file, Redis, or C callbacks).

use std::ffi::{c_char, c_void};
use std::fmt;
use std::sync::Arc;

use oauth2kit::blocking::Session;
use oauth2kit::store::{FileStore, MemoryStore, RedisStore, TokenStore};
use oauth2kit::{Error, TokenSet};

use crate::client::oauth2kit_client;
use crate::enum_arg::*;
use crate::error::oauth2kit_status;
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};
pub use crate::session_option_enum::oauth2kit_session_option;
use crate::strings::new_c_string;
use crate::tokens::oauth2kit_token_set;

/// Where a session keeps its tokens. A store may be shared by several
/// sessions and freed once they are created (they keep what they need).
#[derive(Debug)]
pub struct oauth2kit_store {
    _private: [u8; 0],
}

opaque!(oauth2kit_store => Arc<dyn TokenStore>, 0x6f32_6b73_746f_7265);

/// A token store made of C functions, so a plugin can keep tokens in its own
/// database or keychain. The documents are JSON text that contains the tokens
/// (`{"version":1,"tokens":{...}}`; a bare token set as written by
/// `oauth2kit_token_set_to_json` is read too): store them as they are.
/// Something else returned by `load` is reported once as a `STORE` error, then
/// a session with a grant starts over.
///
/// The functions are called from any thread (a thread of oauth2kit's blocking
/// pool, never one of its async workers, or the thread of a blocking call) and
/// concurrently: they must be thread-safe, must not call blocking oauth2kit
/// functions, and must not unwind. They may block (a database, a keychain).
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct oauth2kit_store_callbacks {
    /// Passed back to every function.
    pub user_data: *mut c_void,
    /// Reads the stored set: hand the stored JSON to
    /// `oauth2kit_json_sink_set(sink, json)` (which copies it: the memory stays
    /// yours), or do not call it when nothing is stored; return true. Return
    /// false when the store cannot be read. `sink` is lent for the call only.
    pub load: Option<extern "C" fn(user_data: *mut c_void, sink: *mut oauth2kit_json_sink) -> bool>,
    /// Replaces the stored set with `json` (borrowed for the call); true on
    /// success, once the data is durable.
    pub save: Option<extern "C" fn(user_data: *mut c_void, json: *const c_char) -> bool>,
    /// Removes the stored set; true on success.
    pub clear: Option<extern "C" fn(user_data: *mut c_void) -> bool>,
    /// Called once when the last session using the store is gone (may be NULL):
    /// release `user_data` there.
    pub destroy: Option<extern "C" fn(user_data: *mut c_void)>,
}

/// Where a store's `load` callback puts the JSON it read; lent for the
/// duration of that call only.
#[derive(Debug)]
pub struct oauth2kit_json_sink {
    _private: [u8; 0],
}

opaque!(oauth2kit_json_sink => std::cell::RefCell<Option<zeroize::Zeroizing<String>>>, 0x6f32_6b6a_736e_6b21);

/// Gives a `load` callback's JSON to oauth2kit, which copies it: the caller
/// keeps and frees its own memory (so no allocation ever crosses the
/// boundary to be freed by the other side's allocator). Call it at most once
/// per `load`; a second call replaces the first. Errors: `NULL_ARGUMENT`,
/// `WRONG_HANDLE`, `INVALID_UTF8`. Call it only inside the `load` callback
/// that received `sink`.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_json_sink_set(
    sink: *mut oauth2kit_json_sink,
    json: *const c_char,
) -> oauth2kit_status {
    guard("oauth2kit_json_sink_set", || {
        // SAFETY: a sink lent to the running callback (contract); the string is checked.
        let cell = unsafe { oauth2kit_json_sink::get(sink, "sink") }?;
        let json = unsafe { str_arg(json, "json") }?;
        *cell.borrow_mut() = Some(zeroize::Zeroizing::new(json.to_owned()));
        Ok(())
    })
}

/// The C callbacks as a core `TokenStore`.
struct CallbackStore(oauth2kit_store_callbacks);

// SAFETY: the header requires the callbacks and their user data to be thread-safe.
unsafe impl Send for CallbackStore {}
unsafe impl Sync for CallbackStore {}

impl fmt::Debug for CallbackStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CallbackStore")
    }
}

impl Drop for CallbackStore {
    fn drop(&mut self) {
        if let Some(destroy) = self.0.destroy {
            destroy(self.0.user_data);
        }
    }
}

fn store_error(what: &str) -> Error {
    Error::Store(format!("the C store callback `{what}` failed"))
}

impl oauth2kit_bind::ForeignStore for CallbackStore {
    fn load(&self) -> oauth2kit::Result<Option<zeroize::Zeroizing<String>>> {
        let load = self.0.load.ok_or_else(|| store_error("load (missing)"))?;
        let sink = oauth2kit_json_sink::into_raw(std::cell::RefCell::new(None));
        let ok = load(self.0.user_data, sink);
        // SAFETY: made just above and lent for the call only; freed once here.
        let json = unsafe { oauth2kit_json_sink::get(sink, "sink") }
            .ok()
            .and_then(|cell| cell.borrow_mut().take());
        unsafe { oauth2kit_json_sink::free(sink) };
        if ok {
            Ok(json)
        } else {
            Err(store_error("load"))
        }
    }

    fn save(&self, document: &str) -> oauth2kit::Result<()> {
        let save = self.0.save.ok_or_else(|| store_error("save (missing)"))?;
        let doc = zeroize::Zeroizing::new(
            std::ffi::CString::new(document)
                .map_err(|e| Error::Store(e.to_string()))?
                .into_bytes_with_nul(),
        );
        if save(self.0.user_data, doc.as_ptr().cast()) {
            Ok(())
        } else {
            Err(store_error("save"))
        }
    }

    fn clear(&self) -> oauth2kit::Result<()> {
        let clear = self.0.clear.ok_or_else(|| store_error("clear (missing)"))?;
        if clear(self.0.user_data) {
            Ok(())
        } else {
            Err(store_error("clear"))
        }
    }
}

/// A store in memory (the default of a session). `*out` receives a new store
/// (free with `oauth2kit_store_free`).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_memory_new(out: *mut *mut oauth2kit_store) -> oauth2kit_status {
    guard("oauth2kit_store_memory_new", || {
        let out = out_arg(out, "out")?;
        out.write(oauth2kit_store::into_raw(Arc::new(MemoryStore::new())));
        Ok(())
    })
}

/// A store in the file `path`, written atomically (a crash never leaves a torn
/// or lost refresh token), readable by its owner only. Nothing is read until a
/// session needs it. `*out` receives a new store (free with `oauth2kit_store_free`).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_file_new(
    path: *const c_char,
    out: *mut *mut oauth2kit_store,
) -> oauth2kit_status {
    guard("oauth2kit_store_file_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: string checked by the helper.
        let path = unsafe { str_arg(path, "path") }?;
        out.write(oauth2kit_store::into_raw(Arc::new(FileStore::new(path))));
        Ok(())
    })
}

/// A store in Redis under `key`, for a fleet: plugin instances on several
/// hosts (or processes) that share one client and one token. Sessions over
/// such stores renew under a lock kept in Redis (`<key>:lock`, with an expiry):
/// one instance asks the server, the others wait and read what it saved — also
/// when they use separate `oauth2kit_store` handles, as separate processes do.
/// `url` is `redis://[:password@]host:port/db` (or `rediss://` for TLS,
/// trusting the system's certificates; `SSL_CERT_FILE` adds a private CA); the
/// password never appears in messages. Connects now (at most 5 s), so a wrong
/// address fails here with `OAUTH2KIT_STATUS_STORE`. A command that meets a
/// dropped connection (Redis restarted, or `oauth2kit_shutdown` stopped the
/// runtime that drove it) is sent again on a new one.
/// `*out` receives a new store (free with `oauth2kit_store_free`). Blocks;
/// thread-safe; not from a runtime thread (`OAUTH2KIT_STATUS_RUNTIME`).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_redis_new(
    url: *const c_char,
    key: *const c_char,
    out: *mut *mut oauth2kit_store,
) -> oauth2kit_status {
    guard("oauth2kit_store_redis_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: strings checked by the helper.
        let (url, key) = unsafe { (str_arg(url, "url")?, str_arg(key, "key")?) };
        let store = oauth2kit::blocking::block_on(RedisStore::connect(url, key))??;
        out.write(oauth2kit_store::into_raw(Arc::new(store)));
        Ok(())
    })
}

/// A store made of C callbacks (copied from `*callbacks`). `load`, `save` and
/// `clear` must not be NULL. `destroy` (if any) is called when the last user is
/// gone: after `oauth2kit_store_free` and the end of every session using it.
/// `*out` receives a new store (free with `oauth2kit_store_free`).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_callbacks_new(
    callbacks: *const oauth2kit_store_callbacks,
    out: *mut *mut oauth2kit_store,
) -> oauth2kit_status {
    guard("oauth2kit_store_callbacks_new", || {
        let out = out_arg(out, "out")?;
        if callbacks.is_null() {
            return Err(crate::error::Fail::null("callbacks"));
        }
        // SAFETY: non-NULL, points to the caller's struct for the call.
        let cbs = unsafe { *callbacks };
        if cbs.load.is_none() || cbs.save.is_none() || cbs.clear.is_none() {
            return Err(crate::error::Fail::null("callbacks->load/save/clear"));
        }
        let store =
            oauth2kit_bind::ForeignStoreAdapter::new(Arc::new(CallbackStore(cbs)), "the C store");
        out.write(oauth2kit_store::into_raw(Arc::new(store)));
        Ok(())
    })
}

/// Loads what a store holds now (e.g. to inspect a file store). `*out`
/// receives a new token set, or NULL when the store is empty. Blocks. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_load(
    store: *const oauth2kit_store,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_store_load", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let s = unsafe { oauth2kit_store::get(store, "store") }?;
        let loaded = oauth2kit::blocking::block_on(s.load())??;
        out.write(loaded.map_or(std::ptr::null_mut(), oauth2kit_token_set::into_raw));
        Ok(())
    })
}

/// Releases this reference to a store. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_store_free(store: *mut oauth2kit_store) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_store::free(store) });
}

/// Called with every new token set, after it is saved: borrowed for the call
/// only (copy what you need). Runs on an oauth2kit runtime thread; it must be
/// thread-safe, quick, must not call blocking oauth2kit functions and must not unwind.
pub type oauth2kit_tokens_callback =
    Option<extern "C" fn(user_data: *mut c_void, tokens: *const oauth2kit_token_set)>;

/// How a session renews and where it keeps its tokens: the session options of
/// the binding layer (`oauth2kit_session_config_set`), plus a store, initial
/// tokens and a change callback. New options are new enum values, never a
/// changed struct: code compiled against an older header keeps working. Not
/// thread-safe: set it up from one thread.
#[derive(Debug)]
pub struct oauth2kit_session_config {
    _private: [u8; 0],
}

/// What a session config holds.
#[derive(Default)]
pub struct SessionConfigData {
    layer: oauth2kit_bind::SessionConfig,
    store: Option<Arc<dyn TokenStore>>,
    tokens: Option<TokenSet>,
    on_change: Option<Arc<ChangeCallback>>,
}

impl fmt::Debug for SessionConfigData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionConfigData")
            .field("layer", &self.layer)
            .field("store", &self.store)
            .field("tokens", &self.tokens)
            .finish_non_exhaustive()
    }
}

opaque!(oauth2kit_session_config => SessionConfigData, 0x6f32_6b73_6366_6700);

/// Starts a session configuration with every option at its default: memory
/// store, no initial tokens, no grant to fetch tokens with. `*out` receives a
/// new config; free it with `oauth2kit_session_config_free` (sessions made
/// from it do not need it any longer).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_new(
    out: *mut *mut oauth2kit_session_config,
) -> oauth2kit_status {
    guard("oauth2kit_session_config_new", || {
        let out = out_arg(out, "out")?;
        out.write(oauth2kit_session_config::into_raw(
            SessionConfigData::default(),
        ));
        Ok(())
    })
}

/// Sets session option `option` (an `oauth2kit_session_option`) to `value`,
/// copied and read as the option's type (durations in seconds, `"2.5"`;
/// booleans `"true"`/`"false"`). Errors: `CONFIG` (unknown option, bad value:
/// the message names the option), `NULL_ARGUMENT`, `INVALID_UTF8`,
/// `WRONG_HANDLE`.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_set(
    config: *mut oauth2kit_session_config,
    option: oauth2kit_session_option_arg,
    value: *const c_char,
) -> oauth2kit_status {
    guard("oauth2kit_session_config_set", || {
        // SAFETY: handle and string from the caller, checked by the helpers.
        let data = unsafe { oauth2kit_session_config::get_mut(config, "config") }?;
        let value = unsafe { str_arg(value, "value") }?;
        let option = oauth2kit_bind::SessionOption::from_i32_or_err(option)?;
        data.layer.set_text(option, value)?;
        Ok(())
    })
}

/// Keeps tokens in `store` (NULL: memory). The config keeps its own
/// reference: free the store when you like.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_set_store(
    config: *mut oauth2kit_session_config,
    store: *const oauth2kit_store,
) -> oauth2kit_status {
    guard("oauth2kit_session_config_set_store", || {
        // SAFETY: handles checked by the helpers.
        let data = unsafe { oauth2kit_session_config::get_mut(config, "config") }?;
        data.store = if store.is_null() {
            None
        } else {
            Some(unsafe { oauth2kit_store::get(store, "store") }?.clone())
        };
        Ok(())
    })
}

/// Starts sessions from `tokens` (copied; NULL: load the store instead). A
/// session saves them to its store before `oauth2kit_session_new` returns.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_set_tokens(
    config: *mut oauth2kit_session_config,
    tokens: *const oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_session_config_set_tokens", || {
        // SAFETY: handles checked by the helpers.
        let data = unsafe { oauth2kit_session_config::get_mut(config, "config") }?;
        data.tokens = if tokens.is_null() {
            None
        } else {
            Some(unsafe { oauth2kit_token_set::get(tokens, "tokens") }?.clone())
        };
        Ok(())
    })
}

/// Calls `on_change(user_data, tokens)` with every new token set of the
/// sessions made from this config, after it is saved, and when a session
/// adopts a newer set another process stored (NULL: none).
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_set_on_change(
    config: *mut oauth2kit_session_config,
    on_change: oauth2kit_tokens_callback,
    user_data: *mut c_void,
) -> oauth2kit_status {
    guard("oauth2kit_session_config_set_on_change", || {
        // SAFETY: handle checked by the helper.
        let data = unsafe { oauth2kit_session_config::get_mut(config, "config") }?;
        data.on_change = on_change.map(|cb| Arc::new(ChangeCallback(cb, user_data)));
        Ok(())
    })
}

/// Frees a session config; NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_config_free(config: *mut oauth2kit_session_config) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_session_config::free(config) });
}

/// The user data of `on_change`, carried into the core's callback.
struct ChangeCallback(
    extern "C" fn(*mut c_void, *const oauth2kit_token_set),
    *mut c_void,
);
// SAFETY: the header requires the callback and its user data to be thread-safe.
unsafe impl Send for ChangeCallback {}
unsafe impl Sync for ChangeCallback {}

impl ChangeCallback {
    fn call(&self, tokens: &TokenSet) {
        let handle = oauth2kit_token_set::into_raw(tokens.clone());
        (self.0)(self.1, handle);
        // SAFETY: made just above, lent for the call only.
        unsafe { oauth2kit_token_set::free(handle) };
    }
}

/// A session: hands out a valid access token, renewing it before expiry —
/// once, however many threads ask at the same time. Thread-safe: share it.
#[derive(Debug)]
pub struct oauth2kit_session {
    _private: [u8; 0],
}

opaque!(oauth2kit_session => Session, 0x6f32_6b73_6573_736e);

/// Creates a session over `client` with `config` (NULL for all defaults:
/// memory store, no initial tokens, no grant). Tokens set on the config are
/// saved to its store before this returns (`STORE` if they cannot be). No
/// request is sent until a token is asked for. `*out` receives a new session
/// (free with `oauth2kit_session_free`). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_new(
    client: *const oauth2kit_client,
    config: *const oauth2kit_session_config,
    out: *mut *mut oauth2kit_session,
) -> oauth2kit_status {
    guard("oauth2kit_session_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handles checked by the helpers.
        let c = unsafe { oauth2kit_client::get(client, "client") }?;
        let mut b = oauth2kit::session::Session::builder(c.as_async().clone());
        if !config.is_null() {
            let data = unsafe { oauth2kit_session_config::get(config, "config") }?;
            b = data.layer.apply(b, c.as_async())?;
            if let Some(store) = &data.store {
                b = b.store(store.clone());
            }
            if let Some(tokens) = &data.tokens {
                b = b.tokens(tokens.clone());
            }
            if let Some(cb) = &data.on_change {
                let cb = cb.clone();
                b = b.on_change(move |t| cb.call(t));
            }
        }
        out.write(oauth2kit_session::into_raw(Session::start(b)?));
        Ok(())
    })
}

/// A valid access token: the cached one (no network, no lock beyond a read),
/// or one renewed for all callers at once. `*out` receives a new string (free
/// with `oauth2kit_string_free`). Errors: `REAUTHORIZATION_REQUIRED`, `STORE`,
/// grant errors. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_access_token(
    session: *const oauth2kit_session,
    out: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_session_access_token", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        out.write(new_c_string(s.access_token()?.expose())?);
        Ok(())
    })
}

/// Copies a valid access token (as `oauth2kit_session_access_token`) into the
/// caller's buffer `buf` of `len` bytes, NUL-terminated, allocating nothing:
/// the cheap read for a plugin that presents the token on every call. If
/// `needed` is not NULL it receives the size the token needs, NUL included.
/// Errors: `INVALID_ARGUMENT` when `len` is too small (then only `*needed` is
/// written; `buf` may be NULL to ask for the size), and those of
/// `oauth2kit_session_access_token`. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_access_token_into(
    session: *const oauth2kit_session,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> oauth2kit_status {
    guard("oauth2kit_session_access_token_into", || {
        // SAFETY: handle checked by the helper.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let tokens = s.token()?;
        let token = tokens.access_token.expose().as_bytes();
        let size = token.len() + 1;
        if !needed.is_null() {
            // SAFETY: checked non-NULL; the caller passes a writable size_t.
            unsafe { *needed = size };
        }
        if buf.is_null() || len < size {
            return Err(crate::error::Fail::invalid(format!(
                "buf holds {len} bytes; the access token needs {size}"
            )));
        }
        // SAFETY: `buf` is non-NULL and, per the contract, writable for
        // `len >= size` bytes; the token is not inside it.
        unsafe {
            std::ptr::copy_nonoverlapping(token.as_ptr(), buf.cast::<u8>(), token.len());
            *buf.add(token.len()) = 0;
        }
        Ok(())
    })
}

/// The whole valid token set (as `oauth2kit_session_access_token`). `*out`
/// receives a new token set (free with `oauth2kit_token_set_free`). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_token(
    session: *const oauth2kit_session,
    out: *mut *mut oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_session_token", || {
        let out = out_arg(out, "out")?;
        // SAFETY: handle checked by the helper.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        out.write(oauth2kit_token_set::into_raw(TokenSet::clone(&*s.token()?)));
        Ok(())
    })
}

/// The header to send to APIs with a valid token, as the profile says.
/// `*out_name` and `*out_value` receive new strings (free both). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_authorization_header(
    session: *const oauth2kit_session,
    out_name: *mut *mut c_char,
    out_value: *mut *mut c_char,
) -> oauth2kit_status {
    guard("oauth2kit_session_authorization_header", || {
        let out_name = out_arg(out_name, "out_name")?;
        let out_value = out_arg(out_value, "out_value")?;
        // SAFETY: handle checked by the helper.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let (name, value) = s.authorization_header()?;
        let name = new_c_string(&name)?;
        match new_c_string(&value) {
            Ok(value) => {
                out_name.write(name);
                out_value.write(value);
                Ok(())
            }
            Err(e) => {
                crate::strings::oauth2kit_string_free(name);
                Err(e)
            }
        }
    })
}

/// Reports that an API answered 401 to `access_token`: if it is the current
/// one, the next request renews (once, for all callers). `*out_renewing` is
/// true when this report marked the token stale. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_on_unauthorized(
    session: *const oauth2kit_session,
    access_token: *const c_char,
    out_renewing: *mut bool,
) -> oauth2kit_status {
    guard("oauth2kit_session_on_unauthorized", || {
        let out = out_arg(out_renewing, "out_renewing")?;
        // SAFETY: handle and string checked by the helpers.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let token = unsafe { str_arg(access_token, "access_token") }?;
        out.write(s.on_unauthorized(token));
        Ok(())
    })
}

/// Marks the current token stale: the next request renews it. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_invalidate(
    session: *const oauth2kit_session,
) -> oauth2kit_status {
    guard("oauth2kit_session_invalidate", || {
        // SAFETY: handle checked by the helper.
        unsafe { oauth2kit_session::get(session, "session") }?.invalidate();
        Ok(())
    })
}

/// Replaces the tokens (copied) and saves them to the store. Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_set_tokens(
    session: *const oauth2kit_session,
    tokens: *const oauth2kit_token_set,
) -> oauth2kit_status {
    guard("oauth2kit_session_set_tokens", || {
        // SAFETY: handles checked by the helper.
        let s = unsafe { oauth2kit_session::get(session, "session") }?;
        let t = unsafe { oauth2kit_token_set::get(tokens, "tokens") }?;
        Ok(s.set_tokens(t.clone())?)
    })
}

/// Forgets the tokens here and in the store (sign-out). Thread-safe.
///
/// On failure (any status but `OAUTH2KIT_STATUS_OK`) this thread's last error
/// (`oauth2kit_last_error_*`) holds the details until the next failing call
/// on this thread or `oauth2kit_last_error_clear()`; a success leaves it as it was.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_clear(session: *const oauth2kit_session) -> oauth2kit_status {
    guard("oauth2kit_session_clear", || {
        // SAFETY: handle checked by the helper.
        Ok(unsafe { oauth2kit_session::get(session, "session") }?.clear()?)
    })
}

/// Releases a session. NULL is a no-op. No call on it may be in progress.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_session_free(session: *mut oauth2kit_session) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_session::free(session) });
}
