//! The asyncio bridge and the finalization gate.
//!
//! Async methods run their core future on the core's shared runtime
//! (`oauth2kit::blocking::handle()`, the one the sync calls block on) and
//! resolve an asyncio future through `loop.call_soon_threadsafe`. Cancelling
//! the asyncio future aborts the Rust task (the request is dropped).
//!
//! The gate: every call into Python from a runtime thread goes through
//! [`with_python`], which holds a read lock while it is attached; the
//! package's `atexit` hook takes the write lock (with the GIL released) and
//! closes the gate. After that no runtime thread touches the interpreter,
//! which may be finalizing (calling into it would panic or crash).

use std::future::Future;
use std::sync::RwLock;

use pyo3::IntoPyObjectExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tokio::task::AbortHandle;

use crate::errors::to_pyerr;

/// `true` once Python is finalizing.
static CLOSED: RwLock<bool> = RwLock::new(false);

/// Runs `f` attached to Python, unless the interpreter is finalizing (then None).
pub fn with_python<R>(f: impl for<'py> FnOnce(Python<'py>) -> R) -> Option<R> {
    let closed = CLOSED.read().ok()?;
    if *closed {
        return None;
    }
    let out = Python::attach(f);
    drop(closed);
    Some(out)
}

/// Called by the package's `atexit` hook: closes the gate.
#[pyfunction]
pub fn _mark_finalizing(py: Python<'_>) {
    // Wait (GIL released) for runtime threads inside the gate to leave it.
    py.detach(|| {
        if let Ok(mut closed) = CLOSED.write() {
            *closed = true;
        }
    });
}

static HELPERS: PyOnceLock<(Py<PyAny>, Py<PyAny>)> = PyOnceLock::new();

/// `_set_result` / `_set_exception` of `oauth2kit._aio` (they skip futures already cancelled).
fn helpers(py: Python<'_>) -> PyResult<&(Py<PyAny>, Py<PyAny>)> {
    HELPERS.get_or_try_init(py, || {
        let m = py.import("oauth2kit._aio")?;
        Ok((
            m.getattr("_set_result")?.unbind(),
            m.getattr("_set_exception")?.unbind(),
        ))
    })
}

/// Aborts the Rust task when its asyncio future is cancelled.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct AbortOnCancel {
    handle: AbortHandle,
}

#[pymethods]
impl AbortOnCancel {
    fn __call__(&self, fut: &Bound<'_, PyAny>) -> PyResult<()> {
        if fut.call_method0("cancelled")?.is_truthy()? {
            self.handle.abort();
        }
        Ok(())
    }
}

/// Runs `fut` on the shared runtime and returns an asyncio future. Needs a
/// running event loop (the Python `AsyncClient` calls it from `async def`).
pub fn spawn<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = oauth2kit::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let rt = oauth2kit::blocking::handle().map_err(|e| to_pyerr(py, e))?;
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let py_fut = event_loop.call_method0("create_future")?;
    let (lp, pf) = (event_loop.unbind(), py_fut.clone().unbind());
    let task = rt.spawn(async move {
        let out = fut.await;
        with_python(|py| {
            let deliver = || -> PyResult<()> {
                let (set_result, set_exception) = helpers(py)?;
                let (setter, arg) = match out
                    .map_err(|e| to_pyerr(py, e))
                    .and_then(|v| v.into_bound_py_any(py))
                {
                    Ok(v) => (set_result, v),
                    Err(e) => (set_exception, e.into_value(py).into_bound(py).into_any()),
                };
                lp.bind(py)
                    .call_method1("call_soon_threadsafe", (setter.bind(py), pf.bind(py), arg))?;
                Ok(())
            };
            // A closed loop cannot take the result any more; nobody is waiting for it.
            let _ = deliver();
        });
    });
    let abort = Py::new(
        py,
        AbortOnCancel {
            handle: task.abort_handle(),
        },
    )?;
    py_fut.call_method1("add_done_callback", (abort,))?;
    Ok(py_fut)
}
