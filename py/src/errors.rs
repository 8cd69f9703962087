//! Core errors → Python exceptions. The exception classes are defined in Python
//! (`oauth2kit/exceptions.py`, so they are easy to subclass, type and document);
//! this module only collects each error's fields and calls the Python factory,
//! which picks the class from the stable numeric code (`ErrorCode`, 1..=15).

use oauth2kit::{Error, ErrorCode};
use oauth2kit_bind::ErrorRecord;
use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::convert::json_object_to_py;

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// Converts a core error into the matching `oauth2kit.exceptions` instance.
/// Messages come from the core, which never puts secrets in them.
pub fn to_pyerr(py: Python<'_>, e: Error) -> PyErr {
    exception(py, &e)
}

/// [`to_pyerr`] for an error the caller keeps.
pub fn exception(py: Python<'_>, e: &Error) -> PyErr {
    match build(py, e) {
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
    // Every field and unit comes from the binding layer's record (durations in seconds).
    let r = ErrorRecord::from(e);
    let fields = PyDict::new(py);
    fields.set_item("status", r.status)?;
    fields.set_item("body", r.body.as_deref())?;
    fields.set_item("retry_after", r.retry_after_seconds)?;
    fields.set_item("transient", r.transient)?;
    if let Some(error) = &r.error {
        fields.set_item("error", error)?;
        fields.set_item("description", r.description.as_deref())?;
        fields.set_item("uri", r.uri.as_deref())?;
        fields.set_item("extra", json_object_to_py(py, &r.extra)?)?;
    }
    let optional: [(&str, Option<&str>); 4] = [
        ("reason", r.reason.as_deref()),
        ("location", r.location.as_deref()),
        ("expected", r.expected_issuer.as_deref()),
        ("actual", r.actual_issuer.as_deref()),
    ];
    for (k, v) in optional {
        if v.is_some() || (k == "actual" && r.expected_issuer.is_some()) {
            fields.set_item(k, v)?;
        }
    }
    if let Some(limit) = r.limit_bytes {
        fields.set_item("limit", limit)?;
    }
    if let Some(t) = r.timeout_seconds {
        fields.set_item("timeout", t)?;
    }
    let exc = factory.bind(py).call1((
        r.code,
        r.kind,
        r.message_in(oauth2kit_bind::hint::python),
        fields,
    ))?;
    Ok(PyErr::from_value(exc))
}

/// The core's stable error codes as `[(name, number)]` (from `ErrorCode::ALL`);
/// the Python side checks at import that it maps every one of them to a class.
#[pyfunction]
pub fn error_codes() -> Vec<(&'static str, i32)> {
    ErrorCode::ALL
        .into_iter()
        .map(|c| (c.name(), c as i32))
        .collect()
}

/// A configuration error raised by the binding itself (bad argument types or values).
pub fn config(py: Python<'_>, msg: impl Into<String>) -> PyErr {
    to_pyerr(py, Error::Config(msg.into()))
}
