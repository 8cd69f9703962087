//! The process-wide tokio runtime behind the blocking API and the C and
//! Python bindings, and the caller-thread runtimes of blocking requests.
//!
//! It is owned here, not leaked, so that a plugin host can stop it before
//! unloading the library ([`shutdown`]); the next blocking call starts a
//! fresh one. After `fork()` the child builds a runtime of its own (the
//! parent's threads do not exist in the child), and HTTP clients created
//! before the fork refuse to run there (see `ReqwestTransport`) instead of
//! waiting forever on connections whose tasks stayed in the parent.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, Result};

/// A runtime and the process that built it: a child of `fork()` must not
/// use its parent's one, nor drop it (dropping waits for worker threads that
/// stayed in the parent).
struct Owned {
    runtime: Runtime,
    pid: u32,
}

impl Owned {
    fn ours(&self) -> bool {
        self.pid == std::process::id()
    }

    /// Drops the runtime, or forgets it when it was inherited through fork().
    fn release(self) {
        if !self.ours() {
            std::mem::forget(self);
        }
    }
}

/// The runtime in `slot` when it belongs to this process, else a new one
/// from `build` (an inherited one is released first).
fn ours_or_new(
    slot: &mut Option<Owned>,
    build: impl FnOnce() -> std::io::Result<Runtime>,
) -> Result<&Runtime> {
    if !slot.as_ref().is_some_and(Owned::ours) {
        if let Some(inherited) = slot.take() {
            inherited.release();
        }
        let runtime =
            build().map_err(|e| Error::Runtime(format!("cannot start the runtime: {e}")))?;
        *slot = Some(Owned {
            runtime,
            pid: std::process::id(),
        });
    }
    match slot {
        Some(owned) => Ok(&owned.runtime),
        None => Err(Error::Runtime("cannot start the runtime".into())),
    }
}

static SHARED: Mutex<Option<Owned>> = Mutex::new(None);

/// A handle to the shared runtime, started on first use (and again after
/// [`shutdown`] or in a forked child).
pub fn handle() -> Result<Handle> {
    let mut slot = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    let runtime = ours_or_new(&mut slot, || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("oauth2kit")
            .enable_all()
            .build()
    })?;
    Ok(runtime.handle().clone())
}

/// Blocking inside a runtime would stall its thread (tokio panics instead):
/// an error says what to use there.
fn refuse_inside_a_runtime() -> Result<()> {
    if Handle::try_current().is_ok() {
        return Err(Error::Runtime(
            "a blocking oauth2kit call was made from inside an async runtime; use oauth2kit::Client there".into(),
        ));
    }
    Ok(())
}

/// Runs a future to completion on the shared runtime, from synchronous code.
/// Fails with [`Error::Runtime`] (instead of tokio's panic) when called from
/// inside an async runtime.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    refuse_inside_a_runtime()?;
    Ok(handle()?.block_on(fut))
}

/// Stops the shared runtime: its worker threads exit, its timers and
/// background renewals are dropped, waiting at most `timeout` for tasks that
/// are blocking. Returns whether a runtime was running. The calling thread's
/// own runtime (see [`block_on_here`]) is dropped too; other threads' own
/// runtimes hold no threads and go with their threads.
///
/// Call it when nothing else is using the library (a plugin being unloaded):
/// a call racing with it may fail with [`Error::Runtime`] or a transport
/// error. Clients and sessions stay usable: the next call starts a new
/// runtime and opens new connections. Fails when called from a runtime
/// thread (a store callback, say), where a runtime cannot be stopped.
pub fn shutdown(timeout: Duration) -> Result<bool> {
    if Handle::try_current().is_ok() {
        return Err(Error::Runtime(
            "the runtime cannot be shut down from inside an async runtime or an oauth2kit callback"
                .into(),
        ));
    }
    drop_local_runtime();
    stop_io_thread(timeout);
    let taken = SHARED.lock().unwrap_or_else(PoisonError::into_inner).take();
    match taken {
        Some(shared) if shared.ours() => {
            shared.runtime.shutdown_timeout(timeout);
            Ok(true)
        }
        Some(inherited) => {
            inherited.release();
            Ok(false)
        }
        None => Ok(false),
    }
}

// ---- blocking requests on the caller's own thread ---------------------------
//
// A request driven by the shared runtime crosses threads several times (the
// caller hands it to a worker that owns the connection, the worker wakes the
// caller with the answer). On a small or busy machine each crossing costs tens
// of µs: measured on a 2-core machine against the devserver, 100-130 µs
// per token request that way against 29-35 µs with everything on the calling
// thread. So a blocking request runs on a current-thread runtime owned by the
// calling thread, with that thread's own connection pool (see
// `ReqwestTransport`). Such a runtime has no threads of its own: the pool's
// DNS lookups are done inline (the caller is blocked anyway). Anything that
// must outlive the call (a session's renewal, a Redis connection's driver)
// still goes to the shared runtime through [`block_on`] or [`handle`].

thread_local! {
    static LOCAL: RefCell<Option<Owned>> = const { RefCell::new(None) };
    static ON_CALLER_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current code runs inside [`block_on_here`] (the transport then
/// uses this thread's connection pool).
pub(crate) fn on_caller_thread() -> bool {
    ON_CALLER_THREAD.with(Cell::get)
}

/// Runs a request to completion on the calling thread (see above). Fails
/// with [`Error::Runtime`] when called from inside an async runtime.
pub fn block_on_here<F: Future>(fut: F) -> Result<F::Output> {
    refuse_inside_a_runtime()?;
    LOCAL.with(|slot| {
        let mut slot = slot
            .try_borrow_mut()
            .map_err(|_| Error::Runtime("a blocking oauth2kit call re-entered itself".into()))?;
        let runtime = ours_or_new(&mut slot, || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        })?;
        struct Flag;
        impl Drop for Flag {
            fn drop(&mut self) {
                ON_CALLER_THREAD.with(|f| f.set(false));
            }
        }
        ON_CALLER_THREAD.with(|f| f.set(true));
        let _flag = Flag;
        Ok(runtime.block_on(fut))
    })
}

/// Drops the calling thread's own runtime (part of [`shutdown`]).
fn drop_local_runtime() {
    let _ = LOCAL.try_with(|slot| {
        if let Some(local) = slot.try_borrow_mut().ok().and_then(|mut s| s.take()) {
            local.release();
        }
    });
}

// ---- the I/O thread of foreign event loops ----------------------------------
//
// A request started from an event loop of another language (Python's asyncio,
// Kotlin coroutines) cannot block its caller, so it runs on a thread of ours.
// On the shared multi-thread runtime such a request crosses threads several
// times more than it must: the worker that takes the task, the connection's
// driver task on another worker, the worker parked on the I/O driver.
// Measured from Python's asyncio (5,000 client_credentials requests against
// the canned devserver, `perf stat`): 6 context switches and 146 µs of CPU per
// request that way. The I/O thread is one thread running a current-thread
// runtime: the request, its connection and the socket's readiness are all
// driven there, so the only crossings left are the hand-over from the loop
// and the wake-up of the loop with the answer.
//
// Its connections are its own (the transport keeps one pool per such
// thread). Unlike a caller-thread runtime, DNS lookups go to the runtime's
// blocking pool: a slow resolver must not stall the other requests.

struct IoThread {
    handle: Handle,
    stop: Option<tokio::sync::oneshot::Sender<Duration>>,
    thread: Option<std::thread::JoinHandle<()>>,
    pid: u32,
}

static IO: Mutex<Option<IoThread>> = Mutex::new(None);

thread_local! {
    static ON_IO_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Whether the current code runs on the I/O thread (the transport then uses
/// that thread's connection pool).
pub(crate) fn on_io_thread() -> bool {
    ON_IO_THREAD.with(Cell::get)
}

/// A handle to the I/O thread's runtime, started on first use (and again
/// after [`shutdown`] or in a forked child): where bindings spawn the
/// requests of a foreign event loop. Spawning on it never blocks; the
/// spawned future runs on that one thread, with everything it spawns.
pub fn io_handle() -> Result<Handle> {
    let mut slot = IO.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(io) = slot.as_ref() {
        if io.pid == std::process::id() {
            return Ok(io.handle.clone());
        }
        // Inherited through fork(): its thread is not in this process.
        std::mem::forget(slot.take());
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        // Names its blocking pool's threads (the I/O thread is named below).
        .thread_name("oauth2kit-io-blocking")
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the I/O thread: {e}")))?;
    let handle = runtime.handle().clone();
    let (stop, stopped) = tokio::sync::oneshot::channel::<Duration>();
    let thread = std::thread::Builder::new()
        .name("oauth2kit-io".into())
        .spawn(move || {
            ON_IO_THREAD.with(|f| f.set(true));
            let wait = runtime.block_on(stopped).unwrap_or(Duration::from_secs(1));
            runtime.shutdown_timeout(wait);
        })
        .map_err(|e| Error::Runtime(format!("cannot start the I/O thread: {e}")))?;
    *slot = Some(IoThread {
        handle: handle.clone(),
        stop: Some(stop),
        thread: Some(thread),
        pid: std::process::id(),
    });
    Ok(handle)
}

/// Stops the I/O thread (part of [`shutdown`]): its tasks are dropped,
/// waiting at most `timeout` for blocking ones.
fn stop_io_thread(timeout: Duration) {
    let taken = IO.lock().unwrap_or_else(PoisonError::into_inner).take();
    if let Some(mut io) = taken {
        if io.pid != std::process::id() {
            std::mem::forget(io);
            return;
        }
        if let Some(stop) = io.stop.take() {
            let _ = stop.send(timeout);
        }
        if let Some(thread) = io.thread.take() {
            let _ = thread.join();
        }
    }
}
