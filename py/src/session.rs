//! The core's token session (`oauth2kit::session::Session`) in Python:
//! single-flight renewal across threads and asyncio tasks, rotation-safe
//! persistence, fleet locking through Redis. Stores: the core's memory, file
//! and Redis stores, or any Python object with `load()` / `save(token)` /
//! optional `clear()` — sync, or coroutines when used from an `AsyncSession`.

use std::sync::{Arc, OnceLock};

use oauth2kit::session::Session;
use oauth2kit::store::{
    FileStore as CoreFileStore, MemoryStore, RedisStore as CoreRedisStore, TokenStore,
};
use oauth2kit::transport::BoxFuture;
use oauth2kit::{Error, TokenSet};
use pyo3::prelude::*;
use pyo3_async_runtimes::TaskLocals;

use crate::client::CoreClient;
use crate::errors::{config, to_pyerr};
use crate::handed::HandedToken;
use crate::runtime::{spawn, with_python};
use crate::token::Token;

/// A token file written atomically (a crash never leaves a torn or lost refresh token).
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct FileStore {
    inner: Arc<CoreFileStore>,
}

#[pymethods]
impl FileStore {
    #[new]
    fn new(path: std::path::PathBuf) -> Self {
        FileStore {
            inner: Arc::new(CoreFileStore::new(path)),
        }
    }

    /// The file's path.
    #[getter]
    fn path(&self) -> std::path::PathBuf {
        self.inner.path().to_path_buf()
    }

    fn __repr__(&self) -> String {
        format!("FileStore({:?})", self.inner.path())
    }
}

/// Redis, for a fleet of processes sharing one token: one refreshes (under a
/// lock), the others wait and read its result. Connects at once; after a
/// Redis restart or failover the next command reconnects by itself.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct RedisStore {
    inner: Arc<CoreRedisStore>,
    key: String,
}

#[pymethods]
impl RedisStore {
    /// Connects to `url` (`redis://host:port/db`) and keeps the token under `key`.
    #[new]
    fn new(py: Python<'_>, url: String, key: String) -> PyResult<Self> {
        let k = key.clone();
        let store = py
            .detach(|| {
                oauth2kit::blocking::block_on(async move { CoreRedisStore::connect(&url, k).await })
            })
            .and_then(|r| r)
            .map_err(|e| to_pyerr(py, e))?;
        Ok(RedisStore {
            inner: Arc::new(store),
            key,
        })
    }

    fn __repr__(&self) -> String {
        format!("RedisStore(key={:?})", self.key)
    }
}

/// Loop of the `AsyncSession` using this store (set at its first async call),
/// so that coroutine `load`/`save`/`on_update` run on that loop.
type Locals = Arc<OnceLock<TaskLocals>>;

/// A Python object as a core `TokenStore`.
struct PyStore {
    obj: Py<PyAny>,
    locals: Locals,
}

impl std::fmt::Debug for PyStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PyStore")
    }
}

/// Calls `obj.method(*args)`; awaits the result on the session's loop when it is awaitable.
///
/// A plain (non-`async def`) method may block — a file lock, a database
/// driver, keyring — so it is called off the async runtime's workers
/// (`off_workers`), as every other binding's store is: a slow sync store must
/// not stall the other requests of the process. An `async def` method only
/// creates its coroutine here (cheap), which then runs on the session's loop.
async fn call_py(
    obj: Py<PyAny>,
    locals: Locals,
    method: &'static str,
    token: Option<TokenSet>,
) -> Result<Py<PyAny>, Error> {
    let gone = || Error::Store("the interpreter is shutting down".into());
    let store_err = move |e: PyErr| {
        with_python(|py| Error::Store(format!("{method}() failed: {}", e.value(py))))
            .unwrap_or_else(gone)
    };
    let is_async = with_python(|py| -> PyResult<bool> {
        let f = obj.bind(py).getattr(method)?;
        py.import("inspect")?
            .call_method1("iscoroutinefunction", (f,))?
            .is_truthy()
    })
    .ok_or_else(gone)?
    .map_err(store_err)?;
    let call = move || -> Result<Py<PyAny>, Error> {
        with_python(|py| -> PyResult<Py<PyAny>> {
            let args = match token {
                Some(t) => vec![Bound::new(py, Token::new(py, t))?.into_any()],
                None => vec![],
            };
            Ok(obj
                .bind(py)
                .call_method1(method, pyo3::types::PyTuple::new(py, args)?)?
                .unbind())
        })
        .ok_or_else(gone)?
        .map_err(store_err)
    };
    let out = if is_async {
        call()?
    } else {
        oauth2kit::store::off_workers(call).await?
    };
    let fut = with_python(|py| -> PyResult<Option<_>> {
        let out = out.bind(py);
        if !out.hasattr("__await__")? {
            return Ok(None);
        }
        let Some(l) = locals.get() else {
            return Err(pyo3::exceptions::PyTypeError::new_err(format!(
                "{method}() returned a coroutine: async stores work with AsyncSession only"
            )));
        };
        pyo3_async_runtimes::into_future_with_locals(l, out.clone()).map(Some)
    })
    .ok_or_else(gone)?
    .map_err(store_err)?;
    match fut {
        None => Ok(out),
        Some(fut) => fut.await.map_err(store_err),
    }
}

impl TokenStore for PyStore {
    fn load(&self) -> BoxFuture<'_, oauth2kit::Result<Option<TokenSet>>> {
        let pair = with_python(|py| (self.obj.clone_ref(py), self.locals.clone()));
        Box::pin(async move {
            let (obj, locals) =
                pair.ok_or_else(|| Error::Store("the interpreter is shutting down".into()))?;
            let v = call_py(obj, locals, "load", None).await?;
            with_python(|py| {
                let v = v.bind(py);
                if v.is_none() {
                    Ok(None)
                } else if let Ok(t) = v.cast::<Token>() {
                    Ok(Some(t.get().inner.clone()))
                } else {
                    Err(Error::StoreDamaged(
                        "the store's load() returned something that is not a Token or None".into(),
                    ))
                }
            })
            .unwrap_or_else(|| Err(Error::Store("the interpreter is shutting down".into())))
        })
    }

    fn save<'a>(&'a self, tokens: &'a TokenSet) -> BoxFuture<'a, oauth2kit::Result<()>> {
        let pair = with_python(|py| (self.obj.clone_ref(py), self.locals.clone()));
        let t = tokens.clone();
        Box::pin(async move {
            let (obj, locals) =
                pair.ok_or_else(|| Error::Store("the interpreter is shutting down".into()))?;
            call_py(obj, locals, "save", Some(t)).await.map(|_| ())
        })
    }

    fn clear(&self) -> BoxFuture<'_, oauth2kit::Result<()>> {
        let triple = with_python(|py| {
            (
                self.obj.clone_ref(py),
                self.locals.clone(),
                self.obj.bind(py).hasattr("clear").unwrap_or(false),
            )
        });
        Box::pin(async move {
            let (obj, locals, has) =
                triple.ok_or_else(|| Error::Store("the interpreter is shutting down".into()))?;
            if has {
                call_py(obj, locals, "clear", None).await?;
            }
            Ok(())
        })
    }
}

/// The core session. The Python `Session` is a subclass (so `token()`,
/// `cached()` and `access_token` are these methods, with no Python frame in
/// between); `AsyncSession` wraps one.
#[pyclass(frozen, subclass, module = "oauth2kit._oauth2kit")]
pub struct CoreSession {
    /// The client object the session was made with (Python `Client`,
    /// `AsyncClient` or `CoreClient`), for `session.client`.
    client: Py<PyAny>,
    inner: Session,
    locals: Locals,
    /// The last `Token` handed out: the fast path of `token()`.
    handed: HandedToken,
}

impl std::fmt::Debug for CoreSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl CoreSession {
    /// The core's cached set as a Python `Token`, if it is valid without I/O.
    fn cached_py(&self, py: Python<'_>) -> PyResult<Option<Py<Token>>> {
        if let Some(t) = self.handed.get(py, self.inner.generation()) {
            return Ok(Some(t));
        }
        match self.inner.cached_fresh() {
            Some(f) => self
                .handed
                .remember(py, f.tokens.clone(), Some(f))
                .map(Some),
            None => Ok(None),
        }
    }

    /// A renewed set as a Python `Token`.
    fn renewed_py(&self, py: Python<'_>, t: Arc<TokenSet>) -> PyResult<Py<Token>> {
        let fresh = self.inner.cached_fresh();
        self.handed.remember(py, t, fresh)
    }
}

/// Builds the session, saving the tokens handed to its constructor before it
/// returns, so a script that signs a user in and exits keeps them. A Python
/// store is called here, on this thread; a coroutine `save` cannot be awaited
/// by a constructor and is refused (`await session.set_tokens(token)` is the
/// way). Built-in stores save with the GIL released.
fn start_saving(
    py: Python<'_>,
    builder: oauth2kit::session::SessionBuilder,
    py_store: Option<&Bound<'_, PyAny>>,
    tokens: TokenSet,
) -> PyResult<Session> {
    if let Some(obj) = py_store {
        let out = obj.call_method1("save", (Token::new(py, tokens),))?;
        if out.hasattr("__await__")? {
            out.call_method0("close")?;
            return Err(config(
                py,
                "an async store cannot save the tokens given to the constructor: build the \
                 session without them, then `await session.set_tokens(token)`",
            ));
        }
        return Ok(builder.build());
    }
    py.detach(move || oauth2kit::blocking::Session::start(builder))
        .map(|s| s.as_async().clone())
        .map_err(|e| to_pyerr(py, e))
}

/// An option under its earlier name: warns (`DeprecationWarning`) and stands
/// for the new one; both at once is an error.
fn renamed<T>(
    py: Python<'_>,
    old: &str,
    old_value: Option<T>,
    new: &str,
    new_value: Option<T>,
) -> PyResult<Option<T>> {
    match (old_value, new_value) {
        (Some(_), Some(_)) => Err(config(py, format!("give {new}, not both {new} and {old}"))),
        (Some(v), None) => {
            let msg =
                std::ffi::CString::new(format!("{old} is now called {new}")).unwrap_or_default();
            PyErr::warn(
                py,
                &py.get_type::<pyo3::exceptions::PyDeprecationWarning>(),
                &msg,
                2,
            )?;
            Ok(Some(v))
        }
        (None, v) => Ok(v),
    }
}

struct SessionToken(Arc<TokenSet>, Py<CoreSession>);

impl<'py> IntoPyObject<'py> for SessionToken {
    type Target = Token;
    type Output = Bound<'py, Token>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Ok(self.1.get().renewed_py(py, self.0)?.into_bound(py))
    }
}

#[pymethods]
impl CoreSession {
    /// See `oauth2kit.Session`.
    #[new]
    #[pyo3(signature = (client, token = None, *, store = None, on_change = None, jwt_bearer = None, leeway = None, on_update = None, **options))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        py: Python<'_>,
        client: &Bound<'_, PyAny>,
        token: Option<&Bound<'_, Token>>,
        store: Option<&Bound<'_, PyAny>>,
        on_change: Option<Py<PyAny>>,
        jwt_bearer: Option<&Bound<'_, PyAny>>,
        leeway: Option<Bound<'_, PyAny>>,
        on_update: Option<Py<PyAny>>,
        options: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<Self> {
        let locals: Locals = Arc::new(OnceLock::new());
        let core_client = match client.cast::<CoreClient>() {
            Ok(c) => c.clone(),
            Err(_) => client
                .getattr("_core")
                .ok()
                .and_then(|c| c.cast_into::<CoreClient>().ok())
                .ok_or_else(|| config(py, "client must be an oauth2kit Client or AsyncClient"))?,
        };
        let on_change = renamed(py, "on_update", on_update, "on_change", on_change)?;
        // Every rule (names, units, ranges, one grant only, the JWT defaults)
        // is the binding layer's: this only translates Python values.
        let mut layer = oauth2kit_bind::SessionConfig::new();
        let mut given: Vec<(String, Bound<'_, PyAny>)> = Vec::new();
        if let Some(options) = options {
            for (k, v) in options.iter() {
                given.push((k.extract()?, v));
            }
        }
        if let Some(v) = renamed(py, "leeway", leeway, "refresh_margin", {
            given
                .iter()
                .position(|(k, _)| k == "refresh_margin")
                .map(|i| given.remove(i).1)
        })? {
            given.push(("refresh_margin".into(), v));
        }
        for (name, v) in given {
            if v.is_none() {
                continue;
            }
            let option = oauth2kit_bind::SessionOption::from_name_or_err(&name)
                .map_err(|e| to_pyerr(py, e))?;
            let v = if v.is_instance_of::<pyo3::types::PyDict>() {
                // JSON options (jwt_bearer_claims) take a dict too.
                py.import("json")?.call_method1("dumps", (v,))?
            } else {
                v
            };
            let value = crate::client::option_value(&name, option.spec().ty, &v)?;
            layer.set(option, value).map_err(|e| to_pyerr(py, e))?;
        }
        if let Some(d) = jwt_bearer {
            let d = pyo3::types::PyDict::from_sequence(&d.call_method0("items")?)?;
            layer.set_jwt_bearer(crate::grants::jwt_spec_from_dict(py, &d)?);
        }
        let core = core_client.get().inner.as_async().clone();
        let mut b = layer
            .apply(Session::builder(core.clone()), &core)
            .map_err(|e| to_pyerr(py, e))?;
        if let Some(t) = token {
            b = b.tokens(t.get().inner.clone());
        }
        let store_arg = store;
        let store: Arc<dyn TokenStore> = match store {
            None => Arc::new(MemoryStore::new()),
            Some(s) => {
                if let Ok(f) = s.cast::<FileStore>() {
                    f.get().inner.clone()
                } else if let Ok(r) = s.cast::<RedisStore>() {
                    r.get().inner.clone()
                } else if s.hasattr("load")? && s.hasattr("save")? {
                    Arc::new(PyStore {
                        obj: s.clone().unbind(),
                        locals: locals.clone(),
                    })
                } else {
                    return Err(config(
                        py,
                        "store must be a FileStore, a RedisStore or an object with load() and save(token)",
                    ));
                }
            }
        };
        // Shared through an Arc with every clone of the store.
        b = b.store(store);
        if let Some(cb) = on_change {
            let locals = locals.clone();
            b = b.on_change(move |t: &TokenSet| {
                with_python(|py| {
                    let run = || -> PyResult<()> {
                        let out = cb.call1(py, (Token::new(py, t.clone()),))?;
                        let out = out.bind(py);
                        if out.hasattr("__await__")? {
                            // A coroutine callback runs on the session's loop; nobody waits for it.
                            let Some(l) = locals.get() else {
                                return Err(pyo3::exceptions::PyTypeError::new_err(
                                    "a coroutine on_update needs an AsyncSession",
                                ));
                            };
                            py.import("asyncio")?.call_method1(
                                "run_coroutine_threadsafe",
                                (out, l.event_loop(py)),
                            )?;
                        }
                        Ok(())
                    };
                    if let Err(e) = run() {
                        e.write_unraisable(py, Some(cb.bind(py)));
                    }
                });
            });
        }
        let py_store =
            store_arg.filter(|s| s.cast::<FileStore>().is_err() && s.cast::<RedisStore>().is_err());
        let inner = match token {
            Some(t) => start_saving(py, b, py_store, t.get().inner.clone())?,
            None => b.build(),
        };
        Ok(CoreSession {
            client: client.clone().unbind(),
            inner,
            locals,
            handed: HandedToken::new(py),
        })
    }

    /// A valid token (cached, or renewed once for all callers). Releases the GIL while renewing.
    fn token(&self, py: Python<'_>) -> PyResult<Py<Token>> {
        if let Some(t) = self.cached_py(py)? {
            return Ok(t);
        }
        let s = self.inner.clone();
        let t = py
            .detach(|| oauth2kit::blocking::block_on(async move { s.token().await }))
            .and_then(|r| r)
            .map_err(|e| to_pyerr(py, e))?;
        self.renewed_py(py, t)
    }

    /// The current token if it is valid without any network call, else None.
    fn cached(&self, py: Python<'_>) -> PyResult<Option<Py<Token>>> {
        self.cached_py(py)
    }

    /// The access token of `token()` (renewed first when needed): the
    /// cheapest way to read it.
    #[getter]
    fn access_token(&self, py: Python<'_>) -> PyResult<Py<pyo3::types::PyString>> {
        Ok(self.token(py)?.get().access_token.clone_ref(py))
    }

    /// The client the session was made with.
    #[getter]
    fn client(&self, py: Python<'_>) -> Py<PyAny> {
        self.client.clone_ref(py)
    }

    /// Awaitable `token()`; binds coroutine stores and callbacks to the running loop.
    fn token_async<'py>(slf: &Bound<'py, Self>) -> PyResult<Bound<'py, PyAny>> {
        let py = slf.py();
        let me = slf.get();
        if me.locals.get().is_none() {
            let _ = me
                .locals
                .set(pyo3_async_runtimes::tokio::get_current_locals(py)?);
        }
        let (s, this) = (me.inner.clone(), slf.clone().unbind());
        spawn(
            py,
            async move { s.token().await.map(|t| SessionToken(t, this)) },
        )
    }

    /// Forgets that the current token is valid: the next call renews it.
    fn invalidate(&self) {
        self.inner.invalidate();
    }

    /// Reports a 401 for `access_token`; only the token still held is
    /// invalidated, so many 401s on one old token cause one renewal.
    fn on_unauthorized(&self, access_token: &str) -> bool {
        self.inner.on_unauthorized(access_token)
    }

    /// Replaces the tokens (after a code exchange, say) and saves them.
    fn set_tokens(&self, py: Python<'_>, tokens: &Bound<'_, Token>) -> PyResult<()> {
        let (s, t) = (self.inner.clone(), tokens.get().inner.clone());
        py.detach(|| oauth2kit::blocking::block_on(async move { s.set_tokens(t).await }))
            .and_then(|r| r)
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `set_tokens` (call it from a coroutine: it needs the running loop).
    fn set_tokens_async<'py>(
        &self,
        py: Python<'py>,
        tokens: &Bound<'_, Token>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (s, t) = (self.inner.clone(), tokens.get().inner.clone());
        spawn(py, async move { s.set_tokens(t).await })
    }

    /// Forgets the tokens, here and in the store.
    fn clear(&self, py: Python<'_>) -> PyResult<()> {
        let s = self.inner.clone();
        py.detach(|| oauth2kit::blocking::block_on(async move { s.clear().await }))
            .and_then(|r| r)
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `clear` (call it from a coroutine: it needs the running loop).
    fn clear_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let s = self.inner.clone();
        spawn(py, async move { s.clear().await })
    }
}
