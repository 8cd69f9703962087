//! The core's log events in Python's `logging`, under the `oauth2kit` logger.
//!
//! The binding layer (`oauth2kit_bind::log`) filters and formats the events;
//! this is only the sink. Taking the GIL for an event nobody wants would
//! stall the thread that logged (another Python thread may hold the GIL for
//! a whole switch interval), so the level is cached in the layer and read
//! from `logging` (`isEnabledFor`, with the GIL already held) when the
//! package is imported, when a `Client` or `AsyncClient` is created,
//! and by `oauth2kit.refresh_logging()`. Events at a disabled level cost one
//! atomic load. The sink goes through `with_python`, so nothing touches an
//! interpreter that is finalizing.

use std::sync::Arc;

use oauth2kit_bind::log::{LogLevel, LogSink, set_level, set_sink};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyDict;

use crate::runtime::with_python;

static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn logger(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    LOGGER.get_or_try_init(py, || {
        Ok(py
            .import("logging")?
            .call_method1("getLogger", ("oauth2kit",))?
            .unbind())
    })
}

/// Python's number for a level (`TRACE` has none in `logging`: 5).
fn py_level(level: LogLevel) -> i32 {
    match level {
        LogLevel::Error => 40,
        LogLevel::Warn => 30,
        LogLevel::Info => 20,
        LogLevel::Debug => 10,
        LogLevel::Trace | LogLevel::Off => 5,
    }
}

struct PythonLogging;

impl LogSink for PythonLogging {
    fn log(&self, level: LogLevel, target: &str, message: &str) {
        let _ = with_python(|py| -> PyResult<()> {
            let logger = logger(py)?.bind(py);
            let n = py_level(level);
            if !logger.call_method1("isEnabledFor", (n,))?.is_truthy()? {
                return Ok(());
            }
            let extra = PyDict::new(py);
            extra.set_item("oauth2kit_target", target)?;
            let kwargs = PyDict::new(py);
            kwargs.set_item("extra", extra)?;
            logger.call_method("log", (n, "%s", message), Some(&kwargs))?;
            Ok(())
        });
    }
}

/// The most verbose level the `oauth2kit` logger accepts now.
fn effective_level(py: Python<'_>) -> PyResult<LogLevel> {
    let logger = logger(py)?.bind(py);
    for level in [
        LogLevel::Trace,
        LogLevel::Debug,
        LogLevel::Info,
        LogLevel::Warn,
        LogLevel::Error,
    ] {
        if logger
            .call_method1("isEnabledFor", (py_level(level),))?
            .is_truthy()?
        {
            return Ok(level);
        }
    }
    Ok(LogLevel::Off)
}

/// Installs the sink (at import).
#[pyfunction]
pub fn _install_logging(py: Python<'_>) -> PyResult<()> {
    let level = effective_level(py)?;
    set_sink(level, Some(Arc::new(PythonLogging)));
    Ok(())
}

/// Reads the `oauth2kit` logger's level again (after `setLevel`,
/// `basicConfig` or `logging.disable` once clients exist).
#[pyfunction]
pub fn refresh_logging(py: Python<'_>) -> PyResult<()> {
    set_level(effective_level(py)?);
    Ok(())
}
