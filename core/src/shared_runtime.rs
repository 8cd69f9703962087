//! The process-wide tokio runtime behind the blocking API and the C and
//! Python bindings.
//!
//! It is owned here, not leaked, so that a plugin host can stop it before
//! unloading the library ([`shutdown`]); the next blocking call starts a
//! fresh one. After `fork()` the child builds a runtime of its own (the
//! parent's threads do not exist in the child), and HTTP clients created
//! before the fork refuse to run there (see `ReqwestTransport`) instead of
//! waiting forever on connections whose tasks stayed in the parent.

use std::future::Future;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::runtime::{Handle, Runtime};

use crate::error::{Error, Result};

struct Shared {
    runtime: Runtime,
    /// The process that built it: a child of `fork()` must not use it.
    pid: u32,
}

static SHARED: Mutex<Option<Shared>> = Mutex::new(None);

fn build() -> Result<Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("oauth2kit")
        .enable_all()
        .build()
        .map_err(|e| Error::Runtime(format!("cannot start the runtime: {e}")))
}

/// A handle to the shared runtime, started on first use (and again after
/// [`shutdown`] or in a forked child).
pub fn handle() -> Result<Handle> {
    let mut slot = SHARED.lock().unwrap_or_else(PoisonError::into_inner);
    let pid = std::process::id();
    if let Some(shared) = slot.as_ref().filter(|s| s.pid == pid) {
        return Ok(shared.runtime.handle().clone());
    }
    if let Some(inherited) = slot.take() {
        // Inherited through fork(): its worker threads stayed in the parent,
        // so dropping it would wait for them forever.
        std::mem::forget(inherited);
    }
    let runtime = build()?;
    let handle = runtime.handle().clone();
    *slot = Some(Shared { runtime, pid });
    Ok(handle)
}

/// Runs a future to completion on the shared runtime, from synchronous code.
/// Fails with [`Error::Runtime`] (instead of tokio's panic) when called from
/// inside an async runtime.
pub fn block_on<F: Future>(fut: F) -> Result<F::Output> {
    if Handle::try_current().is_ok() {
        return Err(Error::Runtime(
            "a blocking oauth2kit call was made from inside an async runtime; use oauth2kit::Client there".into(),
        ));
    }
    Ok(handle()?.block_on(fut))
}

/// Stops the shared runtime: its worker threads exit, its timers and
/// background renewals are dropped, waiting at most `timeout` for tasks that
/// are blocking. Returns whether a runtime was running.
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
    let taken = SHARED.lock().unwrap_or_else(PoisonError::into_inner).take();
    match taken {
        Some(shared) if shared.pid == std::process::id() => {
            shared.runtime.shutdown_timeout(timeout);
            Ok(true)
        }
        Some(inherited) => {
            std::mem::forget(inherited);
            Ok(false)
        }
        None => Ok(false),
    }
}
