//! Core errors → Python exceptions. The exception classes are defined in Python
//! (`oauth2kit/exceptions.py`, so they are easy to subclass, type and document);
//! this module only collects each error's fields and calls the Python factory,
//! which picks the class from the stable numeric code (`ErrorCode`, 1..=15).

use oauth2kit::{Error, ErrorCode};
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::convert::json_object_to_py;

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a core error into the matching `oauth2kit.exceptions` instance.
/// Messages come from the core, which never puts secrets in them.
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    match build(py, &e) {
        Ok(err) => err,
        // Only if the Python half of the package is missing or broken.
        Err(_) => PyRuntimeError::new_err(format!("oauth2kit error [{}]: {e}", e.code().name())),
    }
}

fn build(py: Python<'_>, e: &Error) -> PyResult<PyErr> {
    let factory = FACTORY.get_or_try_init(py, || -> PyResult<Py<PyAny>> {
        Ok(py
            .import("oauth2kit.exceptions")?
            .getattr("_from_core")?
            .unbind())
    })?;
    let fields = PyDict::new(py);
    fields.set_item("status", e.status())?;
    fields.set_item("body", e.body())?;
    fields.set_item("retry_after", e.retry_after().map(|d| d.as_secs_f64()))?;
    fields.set_item("transient", e.is_transient())?;
    if let Some(o) = e.oauth() {
        fields.set_item("error", &o.error)?;
        fields.set_item("description", o.description.as_deref())?;
        fields.set_item("uri", o.uri.as_deref())?;
        fields.set_item("extra", json_object_to_py(py, &o.extra)?)?;
    }
    match e {
        Error::IssuerMismatch { expected, actual } => {
            fields.set_item("expected", expected)?;
            fields.set_item("actual", actual.as_deref())?;
        }
        Error::UnexpectedRedirect { location, .. } => {
            fields.set_item("location", location.as_deref())?
        }
        Error::ResponseTooLarge { limit } => fields.set_item("limit", *limit)?,
        Error::Timeout(d) => fields.set_item("timeout", d.as_secs_f64())?,
        _ => {}
    }
    let exc = factory
        .bind(py)
        .call1((e.code() as i32, e.code().name(), e.to_string(), fields))?;
    Ok(PyErr::from_value(exc))
}

/// The core's stable error codes as `{name: number}`; the Python side checks
/// at import that it maps every one of them to a class.
#[pyfunction]
pub fn error_codes() -> Vec<(&'static str, i32)> {
    use ErrorCode::*;
    [
        OAuth,
        ReauthorizationRequired,
        Http,
        InvalidResponse,
        UnexpectedRedirect,
        ResponseTooLarge,
        Transport,
        Timeout,
        StateMismatch,
        IssuerMismatch,
        Config,
        Store,
        Cancelled,
        Expired,
        Runtime,
    ]
    .into_iter()
    .map(|c| (c.name(), c as i32))
    .collect()
}

/// A configuration error raised by the binding itself (bad argument types or values).
pub fn config(py: Python<'_>, msg: impl Into<String>) -> PyErr {
    to_pyerr(py, Error::Config(msg.into()))
}
