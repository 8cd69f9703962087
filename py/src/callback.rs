//! The core's server-side callback handler (`oauth2kit::callback`), for web
//! services a provider calls back (Deskera V1's server-to-server callback, or
//! any browser redirect to a web app): pending states kept by the core, and
//! the answer for the provider (200 / 400 / 502) decided by the core too.

use std::sync::Arc;

use oauth2kit::callback::{CallbackHandler as Core, CallbackOutcome};
use oauth2kit::{AuthorizeOptions, Error};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::client::CoreClient;
use crate::errors::{exception, to_pyerr};
use crate::runtime::spawn;
use crate::token::Token;
use crate::types::string_pairs;

/// Keeps pending authorizations by state and completes the provider's call.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
pub struct CoreCallbackHandler {
    inner: Arc<Core>,
}

/// What one call to the callback URL produced.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
pub struct CallbackResult {
    /// The HTTP status to answer the provider with: 200 once the tokens are
    /// held, 400 for a callback that is not ours (unknown or used state, an
    /// error the provider sent), 502 when the code exchange failed.
    #[pyo3(get)]
    status: u16,
    /// The tokens, on success.
    #[pyo3(get)]
    token: Option<Py<Token>>,
    /// The `scope` the provider reported on the callback, if any.
    #[pyo3(get)]
    scope: Option<String>,
    /// The typed exception (an `OAuth2Error` subclass) on failure.
    #[pyo3(get)]
    error: Option<Py<PyAny>>,
}

#[pymethods]
impl CallbackResult {
    /// True when the tokens are held (status 200).
    #[getter]
    fn ok(&self) -> bool {
        self.token.is_some()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        match &self.error {
            None => format!("CallbackResult(status={}, token=Token(…))", self.status),
            Some(e) => format!(
                "CallbackResult(status={}, error={})",
                self.status,
                e.bind(py).repr().map(|r| r.to_string()).unwrap_or_default()
            ),
        }
    }
}

/// A handled call, converted with the GIL held.
struct Handled(Result<CallbackOutcome, Error>);

impl<'py> IntoPyObject<'py> for Handled {
    type Target = CallbackResult;
    type Output = Bound<'py, CallbackResult>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        let status = Core::status_for(&self.0);
        let result = match self.0 {
            Ok(o) => CallbackResult {
                status,
                token: Some(Py::new(py, Token::new(py, o.tokens))?),
                scope: o.scope,
                error: None,
            },
            Err(e) => CallbackResult {
                status,
                token: None,
                scope: None,
                error: Some(exception(py, &e).into_value(py).into_any()),
            },
        };
        Bound::new(py, result)
    }
}

#[pymethods]
impl CoreCallbackHandler {
    #[new]
    fn new(client: &Bound<'_, CoreClient>) -> Self {
        CoreCallbackHandler {
            inner: Arc::new(Core::new(client.get().inner.as_async().clone())),
        }
    }

    /// Starts an authorization: the URL to send the user to. Its state is
    /// kept (one-time, for ten minutes).
    #[pyo3(signature = (*, scope = None, redirect_uri = None, extra = None))]
    fn begin(
        &self,
        py: Python<'_>,
        scope: Option<String>,
        redirect_uri: Option<String>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<String> {
        let mut opts = AuthorizeOptions {
            scope,
            redirect_uri,
            ..Default::default()
        };
        for (k, v) in string_pairs(py, extra)? {
            opts.set_param(&k, &v).map_err(|e| to_pyerr(py, e))?;
        }
        self.inner
            .begin(opts)
            .map(String::from)
            .map_err(|e| to_pyerr(py, e))
    }

    /// Handles a call to the callback URL (`request_target`: its path and
    /// query, or the full URL), GIL released while the code is exchanged.
    fn handle<'py>(
        &self,
        py: Python<'py>,
        request_target: &str,
    ) -> PyResult<Bound<'py, CallbackResult>> {
        let h = self.inner.clone();
        let outcome = py
            .detach(|| oauth2kit::blocking::block_on_here(h.handle(request_target)))
            .map_err(|e| to_pyerr(py, e))?;
        Handled(outcome).into_pyobject(py)
    }

    /// Awaitable `handle` (call it from a coroutine).
    fn handle_async<'py>(
        &self,
        py: Python<'py>,
        request_target: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let h = self.inner.clone();
        spawn(
            py,
            async move { Ok(Handled(h.handle(&request_target).await)) },
        )
    }
}
