//! The polling loop shared by the device grant (RFC 8628 §3.4–3.5) and CIBA
//! poll mode: honour `interval`, add 5 s on `slow_down`, keep going on
//! `authorization_pending`, back off on transient failures, stop at the
//! deadline, on a definitive error, or when cancelled.
//!
//! Time is injectable ([`Clock`]) so tests do not wait for real.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use crate::device::{PollAnswer, SLOW_DOWN_STEP, classify_poll_error};
use crate::error::{Error, Result};
use crate::token::TokenSet;
use crate::transport::BoxFuture;

/// Longest wait between polls after transient failures.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// A source of time: the real one, or a test's.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> Instant;
    /// Waits `d`.
    fn sleep(&self, d: Duration) -> BoxFuture<'_, ()>;
    /// Wall-clock now, for checks against times a server wrote (an ID
    /// token's `exp`, `iat`, `auth_time`). The real clock by default.
    fn system_time(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// Real time, with tokio's timer.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Instant {
        Instant::now()
    }
    fn sleep(&self, d: Duration) -> BoxFuture<'_, ()> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// Cancels a polling flow from anywhere (another thread, a UI button).
#[derive(Clone, Default)]
pub struct CancelToken(Arc<CancelInner>);

#[derive(Default)]
struct CancelInner {
    cancelled: AtomicBool,
    notify: tokio::sync::Notify,
    /// A token whose cancellation cancels this one too ([`CancelToken::child`]).
    parent: Option<CancelToken>,
}

impl fmt::Debug for CancelToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CancelToken")
            .field(&self.is_cancelled())
            .finish()
    }
}

impl CancelToken {
    /// A token that is not cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Cancels; every flow holding a clone stops with [`Error::Cancelled`].
    pub fn cancel(&self) {
        self.0.cancelled.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    /// A token cancelled by its own [`CancelToken::cancel`] or by this
    /// one's; cancelling the child leaves this one alone. For a flow that
    /// has its own reason to stop (a progress callback saying "stop") and
    /// also obeys a caller's token shared with other flows.
    pub fn child(&self) -> CancelToken {
        CancelToken(Arc::new(CancelInner {
            parent: Some(self.clone()),
            ..Default::default()
        }))
    }

    /// Whether [`CancelToken::cancel`] was called (on this token or a parent).
    pub fn is_cancelled(&self) -> bool {
        self.0.cancelled.load(Ordering::SeqCst)
            || self
                .0
                .parent
                .as_ref()
                .is_some_and(CancelToken::is_cancelled)
    }

    /// Completes when cancelled (this token or a parent).
    pub async fn cancelled(&self) {
        loop {
            // Each `Notified` is created before the check: `notify_waiters`
            // wakes the ones that exist when it runs, so none is missed.
            let mut waits = Vec::new();
            let mut token = Some(self);
            while let Some(t) = token {
                waits.push(Box::pin(t.0.notify.notified()));
                token = t.0.parent.as_ref();
            }
            if self.is_cancelled() {
                return;
            }
            futures::future::select_all(waits).await;
        }
    }
}

/// What a polling flow reports, so a UI can show the waiting state.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PollEvent {
    /// About to wait `interval` before poll number `attempt` (1-based);
    /// `remaining` is the time left before the request expires.
    Waiting {
        /// Poll number to come.
        attempt: u32,
        /// Wait before it.
        interval: Duration,
        /// Time left.
        remaining: Duration,
    },
    /// The server asked to slow down; the new interval.
    SlowDown {
        /// New interval.
        interval: Duration,
    },
    /// A transient failure (network, 5xx); polling goes on after `retry_in`.
    Retrying {
        /// Wait before the next try.
        retry_in: Duration,
    },
}

/// A progress callback.
pub type PollCallback = Arc<dyn Fn(&PollEvent) + Send + Sync>;

/// Options of a polling flow.
#[derive(Clone, Default)]
pub struct PollOptions {
    /// Time source (default: real time).
    pub clock: Option<Arc<dyn Clock>>,
    /// Cancellation.
    pub cancel: CancelToken,
    /// Progress callback.
    pub on_event: Option<PollCallback>,
}

impl fmt::Debug for PollOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollOptions")
            .field("clock", &self.clock)
            .field("cancel", &self.cancel)
            .field("on_event", &self.on_event.as_ref().map(|_| "callback"))
            .finish()
    }
}

/// Polls with `poll` until it yields tokens, a definitive error, the deadline
/// (`expires_in` from now) or cancellation.
pub async fn poll_until<F, Fut>(
    interval: Duration,
    expires_in: Duration,
    opts: &PollOptions,
    mut poll: F,
) -> Result<TokenSet>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<TokenSet>>,
{
    let clock: Arc<dyn Clock> = opts.clock.clone().unwrap_or_else(|| Arc::new(SystemClock));
    let emit = |e: PollEvent| {
        if let Some(cb) = &opts.on_event {
            cb(&e);
        }
    };
    // `expires_in`, `interval` and `Retry-After` come from the server: every
    // sum below saturates (the lifetime is clamped to 100 years), never panics.
    let start = clock.now();
    let deadline = crate::time::instant_after(start, expires_in).unwrap_or(start);
    let mut interval = interval;
    let mut wait = interval;
    let mut attempt = 0u32;
    loop {
        let now = clock.now();
        let remaining = match deadline.checked_duration_since(now) {
            Some(left) if wait <= left => left,
            _ => return Err(Error::Expired),
        };
        attempt = attempt.saturating_add(1);
        emit(PollEvent::Waiting {
            attempt,
            interval: wait,
            remaining,
        });
        tokio::select! {
            _ = clock.sleep(wait) => {}
            _ = opts.cancel.cancelled() => return Err(Error::Cancelled),
        }
        let answer = tokio::select! {
            r = poll() => r,
            _ = opts.cancel.cancelled() => return Err(Error::Cancelled),
        };
        wait = interval;
        match answer {
            Ok(tokens) => return Ok(tokens),
            Err(e) => match classify_poll_error(e) {
                Ok(PollAnswer::Pending) => {}
                Ok(PollAnswer::SlowDown) => {
                    interval = interval.saturating_add(SLOW_DOWN_STEP);
                    wait = interval;
                    emit(PollEvent::SlowDown { interval });
                }
                // RFC 8628 §3.5: on connection failures, back off exponentially.
                Err(e) if e.is_transient() => {
                    wait = wait
                        .saturating_mul(2)
                        .min(MAX_BACKOFF)
                        .max(e.retry_after().unwrap_or_default());
                    emit(PollEvent::Retrying { retry_in: wait });
                }
                Err(e) => return Err(e),
            },
        }
    }
}

/// A clock for tests: `sleep` returns at once and moves time forward.
#[derive(Debug)]
pub struct ManualClock {
    start: Instant,
    wall_start: SystemTime,
    offset: std::sync::Mutex<Duration>,
    sleeps: std::sync::Mutex<Vec<Duration>>,
}

impl Default for ManualClock {
    fn default() -> Self {
        ManualClock {
            start: Instant::now(),
            wall_start: SystemTime::now(),
            offset: Default::default(),
            sleeps: Default::default(),
        }
    }
}

impl ManualClock {
    /// A clock at "now" that only moves when slept on.
    pub fn new() -> Self {
        Self::default()
    }

    /// Every sleep asked for, in order.
    pub fn sleeps(&self) -> Vec<Duration> {
        self.sleeps.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Time elapsed on this clock.
    pub fn elapsed(&self) -> Duration {
        self.offset.lock().map(|o| *o).unwrap_or_default()
    }

    /// Moves the clock forward by `d` (both its monotonic and its wall time),
    /// without recording a sleep.
    pub fn advance(&self, d: Duration) {
        if let Ok(mut o) = self.offset.lock() {
            *o = o.saturating_add(d);
        }
    }
}

impl Clock for ManualClock {
    fn now(&self) -> Instant {
        crate::time::instant_after(self.start, self.elapsed()).unwrap_or(self.start)
    }
    fn system_time(&self) -> SystemTime {
        crate::time::system_after(self.wall_start, self.elapsed())
    }
    fn sleep(&self, d: Duration) -> BoxFuture<'_, ()> {
        if let (Ok(mut o), Ok(mut s)) = (self.offset.lock(), self.sleeps.lock()) {
            *o = o.saturating_add(d);
            s.push(d);
        }
        Box::pin(async { tokio::task::yield_now().await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::OAuthError;
    use std::collections::VecDeque;
    use std::sync::Mutex;

    fn oauth(code: &str) -> Error {
        Error::OAuth(Box::new(OAuthError::new(code)))
    }

    async fn run(
        answers: Vec<Result<TokenSet>>,
        expires: u64,
    ) -> (Result<TokenSet>, Arc<ManualClock>, Vec<PollEvent>) {
        let clock = Arc::new(ManualClock::new());
        let events = Arc::new(Mutex::new(Vec::new()));
        let ev = events.clone();
        let opts = PollOptions {
            clock: Some(clock.clone()),
            on_event: Some(Arc::new(move |e: &PollEvent| {
                ev.lock().unwrap().push(e.clone())
            })),
            ..Default::default()
        };
        let queue = Mutex::new(VecDeque::from(answers));
        let r = poll_until(
            Duration::from_secs(5),
            Duration::from_secs(expires),
            &opts,
            || {
                let next = queue
                    .lock()
                    .unwrap()
                    .pop_front()
                    .unwrap_or_else(|| Err(oauth("authorization_pending")));
                async move { next }
            },
        )
        .await;
        let evs = events.lock().unwrap().clone();
        (r, clock, evs)
    }

    #[tokio::test]
    async fn slow_down_adds_five_seconds_for_good() {
        let (r, clock, events) = run(
            vec![
                Err(oauth("authorization_pending")),
                Err(oauth("slow_down")),
                Err(oauth("authorization_pending")),
                Ok(TokenSet::bearer("t")),
            ],
            600,
        )
        .await;
        assert_eq!(r.unwrap().access_token.expose(), "t");
        let s: Vec<u64> = clock.sleeps().iter().map(|d| d.as_secs()).collect();
        assert_eq!(s, vec![5, 5, 10, 10]);
        assert!(events.contains(&PollEvent::SlowDown {
            interval: Duration::from_secs(10)
        }));
    }

    #[tokio::test]
    async fn deadline_denied_expired_and_transient() {
        let (r, clock, _) = run(vec![], 30).await;
        assert!(matches!(r, Err(Error::Expired)));
        assert!(clock.elapsed() <= Duration::from_secs(30));
        let (r, _, _) = run(vec![Err(oauth("access_denied"))], 600).await;
        assert_eq!(r.unwrap_err().oauth().unwrap().error, "access_denied");
        let (r, _, _) = run(vec![Err(oauth("expired_token"))], 600).await;
        assert!(matches!(r, Err(Error::Expired)));
        let (r, clock, events) = run(
            vec![
                Err(Error::Timeout(Duration::from_secs(1))),
                Ok(TokenSet::bearer("t")),
            ],
            600,
        )
        .await;
        assert!(r.is_ok());
        assert_eq!(
            clock.sleeps(),
            vec![Duration::from_secs(5), Duration::from_secs(10)]
        );
        assert!(events.contains(&PollEvent::Retrying {
            retry_in: Duration::from_secs(10)
        }));
    }

    #[tokio::test]
    async fn huge_interval_lifetime_and_retry_after_do_not_panic() {
        let clock = Arc::new(ManualClock::new());
        let opts = PollOptions {
            clock: Some(clock.clone()),
            ..Default::default()
        };
        // 2^64-1 seconds for both: the wait exceeds the (clamped) lifetime.
        let r = poll_until(Duration::MAX, Duration::MAX, &opts, || async {
            Ok(TokenSet::bearer("t"))
        })
        .await;
        assert!(matches!(r, Err(Error::Expired)), "{r:?}");
        // slow_down on a huge interval, then a huge Retry-After
        let answers = Mutex::new(VecDeque::from(vec![
            Err(oauth("slow_down")),
            Err(Error::Http {
                status: 503,
                body: String::new(),
                retry_after: Some(Duration::MAX),
            }),
        ]));
        let r = poll_until(Duration::from_secs(1), Duration::MAX, &opts, || {
            let next = answers
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| Ok(TokenSet::bearer("t")));
            async move { next }
        })
        .await;
        assert!(matches!(r, Err(Error::Expired)), "{r:?}");
    }

    #[tokio::test]
    async fn a_child_token_stops_with_its_parent_not_the_other_way() {
        let parent = CancelToken::new();
        let child = parent.child();
        child.cancel();
        assert!(child.is_cancelled() && !parent.is_cancelled());
        let (parent, unrelated) = (CancelToken::new(), CancelToken::new());
        let linked = parent.child();
        let waiter = tokio::spawn({
            let linked = linked.clone();
            async move { linked.cancelled().await }
        });
        parent.cancel();
        waiter.await.unwrap();
        assert!(linked.is_cancelled() && !unrelated.is_cancelled());
    }

    #[tokio::test]
    async fn cancel_stops_polling() {
        let cancel = CancelToken::new();
        let c2 = cancel.clone();
        let opts = PollOptions {
            cancel: cancel.clone(),
            ..Default::default()
        };
        let handle = tokio::spawn(async move {
            poll_until(
                Duration::from_secs(3600),
                Duration::from_secs(7200),
                &opts,
                || async { Err::<TokenSet, _>(oauth("authorization_pending")) },
            )
            .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        c2.cancel();
        let r = tokio::time::timeout(Duration::from_secs(5), handle)
            .await
            .unwrap()
            .unwrap();
        assert!(matches!(r, Err(Error::Cancelled)));
    }
}
