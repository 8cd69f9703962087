//! Where the core's futures run: the core's I/O thread for foreign event
//! loops (`oauth2kit::blocking::io_handle`), the same one Python's asyncio
//! uses — one runtime policy for every binding, with the core's fork
//! detection and `oauth2kit::blocking::shutdown`. (Why one thread rather
//! than the shared multi-thread runtime: fewer thread crossings per request;
//! see the core's `shared_runtime.rs`.)
//!
//! Kotlin and Swift poll Rust futures from their own executors (coroutines,
//! Swift concurrency), where no tokio reactor exists; reqwest needs one. So
//! every core future is spawned on that runtime and the foreign side awaits
//! only the join handle, which needs no reactor.
//!
//! Cancellation: when a Kotlin coroutine or Swift task is cancelled, UniFFI
//! drops the future it was polling. Dropping [`run`]'s future aborts the
//! spawned task, so the HTTP request is abandoned instead of running on.

use std::future::Future;

use crate::error::OAuth2KitError;

/// Aborts the spawned task when the awaiting future is dropped (cancelled).
struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Runs a core future on the library's runtime and waits for its result.
pub(crate) async fn run<F, T>(fut: F) -> Result<T, OAuth2KitError>
where
    F: Future<Output = Result<T, oauth2kit::Error>> + Send + 'static,
    T: Send + 'static,
{
    let runtime = oauth2kit::blocking::io_handle()?;
    let mut handle = AbortOnDrop(runtime.spawn(fut));
    match (&mut handle.0).await {
        Ok(result) => result.map_err(OAuth2KitError::from),
        // A panic inside the core: reported, never unwound into the JVM or Swift.
        Err(e) if e.is_panic() => Err(OAuth2KitError::Runtime {
            detail: "internal error: the operation panicked".into(),
        }),
        Err(_) => Err(OAuth2KitError::Cancelled {
            detail: "the operation was cancelled".into(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    fn block<T>(f: impl Future<Output = T>) -> T {
        // A foreign executor stand-in: no tokio context around the polled future.
        futures_lite_block_on(f)
    }

    /// Polls a future to completion on this thread with a no-op waker loop,
    /// the way Kotlin/Swift drive UniFFI futures: without a tokio reactor.
    fn futures_lite_block_on<T>(f: impl Future<Output = T>) -> T {
        use std::task::{Context, Poll, Wake, Waker};
        struct Unpark(std::thread::Thread);
        impl Wake for Unpark {
            fn wake(self: Arc<Self>) {
                self.0.unpark();
            }
        }
        let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
        let mut cx = Context::from_waker(&waker);
        let mut f = std::pin::pin!(f);
        loop {
            if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
                return v;
            }
            std::thread::park_timeout(Duration::from_millis(50));
        }
    }

    #[test]
    fn runs_tokio_futures_for_a_foreign_executor() {
        let r = block(run(async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok::<_, oauth2kit::Error>(7)
        }));
        assert_eq!(r.ok(), Some(7));
    }

    #[test]
    fn core_errors_and_panics_are_mapped() {
        let e = block(run(async { Err::<(), _>(oauth2kit::Error::StateMismatch) })).unwrap_err();
        assert!(matches!(e, OAuth2KitError::StateMismatch { .. }));
        let e = block(run(async {
            if true {
                panic!("boom");
            }
            Ok::<(), oauth2kit::Error>(())
        }))
        .unwrap_err();
        assert!(matches!(e, OAuth2KitError::Runtime { .. }), "{e:?}");
    }

    #[test]
    fn dropping_the_future_aborts_the_task() {
        let finished = Arc::new(AtomicBool::new(false));
        let flag = finished.clone();
        let fut = run(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            flag.store(true, Ordering::SeqCst);
            Ok::<(), oauth2kit::Error>(())
        });
        {
            // Poll once so the task is spawned, then drop it (a cancelled coroutine).
            let mut fut = Box::pin(fut);
            let waker = std::task::Waker::noop();
            let _ = fut
                .as_mut()
                .poll(&mut std::task::Context::from_waker(waker));
        }
        std::thread::sleep(Duration::from_millis(600));
        assert!(
            !finished.load(Ordering::SeqCst),
            "the task ran on after its future was dropped"
        );
    }
}
