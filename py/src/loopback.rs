//! The core's RFC 8252 loopback redirect listener, for command-line and
//! desktop apps: bind 127.0.0.1, send the user to the authorization URL with
//! `listener.redirect_uri`, then `wait()` (GIL released) for the browser to come back.

use std::time::Duration;

use oauth2kit::loopback::LoopbackListener as Core;
use pyo3::prelude::*;

use crate::errors::{config, to_pyerr};

/// A one-shot HTTP listener on a loopback redirect URI (RFC 8252 §7.3).
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct LoopbackListener {
    inner: Core,
}

#[pymethods]
impl LoopbackListener {
    /// Binds the host and port of `redirect_uri` (no port or port 0: a free one).
    #[new]
    #[pyo3(signature = (redirect_uri = "http://127.0.0.1/callback"))]
    fn new(py: Python<'_>, redirect_uri: &str) -> PyResult<Self> {
        Core::bind(redirect_uri)
            .map(|inner| LoopbackListener { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// The redirect URI with the port actually bound: use it in the authorization request.
    #[getter]
    fn redirect_uri(&self) -> &str {
        self.inner.redirect_uri()
    }

    /// Waits for the browser's redirect (at most `timeout` seconds, then
    /// `TimeoutError`) and returns it as a full URL for `fetch_token`.
    #[pyo3(signature = (timeout = 300.0))]
    fn wait(&self, py: Python<'_>, timeout: f64) -> PyResult<String> {
        let t = Duration::try_from_secs_f64(timeout)
            .map_err(|_| config(py, "timeout must be a non-negative number of seconds"))?;
        py.detach(|| self.inner.wait(t))
            .map_err(|e| to_pyerr(py, e))
    }
}
