//! The asyncio bridge and the finalization gate.
//!
//! Async methods run their core future on the core's I/O thread for foreign
//! event loops (`oauth2kit::blocking::io_handle()`) and resolve an asyncio
//! future on the loop's own thread: the finished request is queued in the
//! loop's [`LoopWaker`] and one byte on a socket pair wakes the loop (or,
//! where a loop cannot watch a descriptor, through
//! `loop.call_soon_threadsafe`). Cancelling the asyncio future aborts the
//! Rust task (the request is dropped).
//!
//! The gate: every call into Python from a runtime thread goes through
//! [`with_python`], which holds a read lock while it is attached; the
//! package's `atexit` hook takes the write lock (with the GIL released) and
//! closes the gate. After that no runtime thread touches the interpreter,
//! which may be finalizing (calling into it would panic or crash).

use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use pyo3::IntoPyObjectExt;
use pyo3::intern;
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

/// A finished request waiting for its event loop: the asyncio future and a
/// conversion of the Rust result into Python, run on the loop's thread.
type Finished = (
    Py<PyAny>,
    Box<dyn FnOnce(Python<'_>) -> (bool, Py<PyAny>) + Send>,
);

/// A request's outcome for its asyncio future: `(true, value)` for
/// `set_result`, `(false, exception)` for `set_exception` (a value that
/// cannot become a Python object is an exception too).
fn outcome<T>(py: Python<'_>, out: oauth2kit::Result<T>) -> (bool, Py<PyAny>)
where
    T: for<'a> IntoPyObject<'a>,
{
    match out
        .map_err(|e| to_pyerr(py, e))
        .and_then(|v| v.into_py_any(py))
    {
        Ok(v) => (true, v),
        Err(e) => (false, e.into_value(py).into_any()),
    }
}

/// One per event loop (see `oauth2kit._aio._waker`): finished requests queue
/// here and one byte on a socket pair wakes the loop, which reads it through
/// `loop.add_reader` and calls [`LoopWaker::drain`].
///
/// Why not `loop.call_soon_threadsafe` from the runtime thread: that needs
/// the GIL there, and on this machine attaching a foreign thread (a Python
/// thread state created and destroyed each time) and handing the GIL back to
/// the loop thread cost more than the request itself: ~7 context switches
/// and 270 µs of CPU per request against 1 switch and 70 µs for the
/// synchronous call (`perf stat`, 5,000 requests, canned devserver). Here the
/// runtime thread never touches Python: it pushes, writes one byte, and the
/// loop thread does all the Python work when it wakes.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
pub struct LoopWaker {
    inner: Arc<WakerInner>,
}

struct WakerInner {
    queue: Mutex<Vec<Finished>>,
    #[cfg(unix)]
    wake: std::os::unix::net::UnixStream,
    #[cfg(unix)]
    read: std::os::unix::net::UnixStream,
}

impl WakerInner {
    /// From a runtime thread: queue `done`, and wake the loop if nothing was
    /// queued yet (a drain is already due otherwise).
    fn push(&self, done: Finished) {
        let was_empty = {
            let mut q = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
            q.push(done);
            q.len() == 1
        };
        #[cfg(unix)]
        if was_empty {
            use std::io::Write;
            // A full socket buffer means a wake-up is pending anyway.
            let _ = (&self.wake).write(&[1]);
        }
        #[cfg(not(unix))]
        let _ = was_empty;
    }
}

#[pymethods]
impl LoopWaker {
    #[new]
    fn new() -> PyResult<Self> {
        #[cfg(unix)]
        {
            let (wake, read) = std::os::unix::net::UnixStream::pair()?;
            wake.set_nonblocking(true)?;
            read.set_nonblocking(true)?;
            Ok(LoopWaker {
                inner: Arc::new(WakerInner {
                    queue: Mutex::new(Vec::new()),
                    wake,
                    read,
                }),
            })
        }
        #[cfg(not(unix))]
        Err(pyo3::exceptions::PyNotImplementedError::new_err(
            "no socket pair on this platform",
        ))
    }

    /// The descriptor the loop watches (`loop.add_reader(fd, waker.drain)`).
    fn fileno(&self) -> PyResult<i64> {
        #[cfg(unix)]
        {
            use std::os::fd::AsRawFd;
            Ok(i64::from(self.inner.read.as_raw_fd()))
        }
        #[cfg(not(unix))]
        Err(pyo3::exceptions::PyNotImplementedError::new_err(
            "no descriptor",
        ))
    }

    /// On the loop's thread: resolves every finished request's future
    /// (skipping futures already cancelled).
    fn drain(&self, py: Python<'_>) {
        #[cfg(unix)]
        {
            use std::io::Read;
            let mut buf = [0u8; 256];
            while matches!((&self.inner.read).read(&mut buf), Ok(n) if n > 0) {}
        }
        let done = std::mem::take(
            &mut *self
                .inner
                .queue
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        );
        for (fut, convert) in done {
            let fut = fut.bind(py);
            if fut
                .call_method0(intern!(py, "done"))
                .and_then(|d| d.is_truthy())
                .unwrap_or(true)
            {
                continue; // cancelled: nobody wants it
            }
            let (ok, value) = convert(py);
            let method = if ok {
                intern!(py, "set_result")
            } else {
                intern!(py, "set_exception")
            };
            let _ = fut.call_method1(method, (value,));
        }
    }
}

static WAKER_OF: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

/// The running loop's waker, or None when the loop cannot watch a descriptor
/// (Windows' proactor loop): then results go through `call_soon_threadsafe`.
fn waker_of(py: Python<'_>, event_loop: &Bound<'_, PyAny>) -> PyResult<Option<Arc<WakerInner>>> {
    let get = WAKER_OF.get_or_try_init(py, || {
        Ok::<_, PyErr>(py.import("oauth2kit._aio")?.getattr("_waker")?.unbind())
    })?;
    let w = get.bind(py).call1((event_loop,))?;
    if w.is_none() {
        return Ok(None);
    }
    Ok(Some(w.cast::<LoopWaker>()?.get().inner.clone()))
}

/// Runs `fut` on the core's I/O thread and returns an asyncio future. Needs a
/// running event loop (the Python `AsyncClient` calls it from `async def`).
pub fn spawn<'py, F, T>(py: Python<'py>, fut: F) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = oauth2kit::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let rt = oauth2kit::blocking::io_handle().map_err(|e| to_pyerr(py, e))?;
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let py_fut = event_loop.call_method0("create_future")?;
    let task = match waker_of(py, &event_loop)? {
        Some(waker) => {
            let pf = py_fut.clone().unbind();
            rt.spawn(async move {
                let out = fut.await;
                waker.push((pf, Box::new(move |py: Python<'_>| outcome(py, out))));
            })
        }
        None => spawn_threadsafe(&event_loop, &py_fut, rt, fut),
    };
    let abort = Py::new(
        py,
        AbortOnCancel {
            handle: task.abort_handle(),
        },
    )?;
    py_fut.call_method1("add_done_callback", (abort,))?;
    Ok(py_fut)
}

/// The portable delivery: the runtime thread attaches to Python and calls
/// `loop.call_soon_threadsafe` (slower: see [`LoopWaker`]).
fn spawn_threadsafe<F, T>(
    event_loop: &Bound<'_, PyAny>,
    py_fut: &Bound<'_, PyAny>,
    rt: tokio::runtime::Handle,
    fut: F,
) -> tokio::task::JoinHandle<()>
where
    F: Future<Output = oauth2kit::Result<T>> + Send + 'static,
    T: for<'a> IntoPyObject<'a> + Send + 'static,
{
    let (lp, pf) = (event_loop.clone().unbind(), py_fut.clone().unbind());
    rt.spawn(async move {
        let out = fut.await;
        with_python(|py| {
            let deliver = || -> PyResult<()> {
                let (set_result, set_exception) = helpers(py)?;
                let (ok, arg) = outcome(py, out);
                let setter = if ok { set_result } else { set_exception };
                lp.bind(py)
                    .call_method1("call_soon_threadsafe", (setter.bind(py), pf.bind(py), arg))?;
                Ok(())
            };
            // A closed loop cannot take the result any more; nobody is waiting for it.
            let _ = deliver();
        });
    })
}
