//! Polling progress (device flow, CIBA) as every binding reports it: one
//! record, durations in seconds (fractions kept), the same three kinds.
//! Before it, C reported milliseconds, Kotlin whole seconds and Python float
//! seconds for the same event.

use std::time::Duration;

use oauth2kit::PollEvent;

/// What a polling flow is doing. The numbers are the C ABI's
/// `oauth2kit_poll_event_kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PollKind {
    /// About to wait `interval_seconds` before poll number `attempt`;
    /// `remaining_seconds` before the request expires.
    Waiting = 1,
    /// The server asked to slow down; `interval_seconds` is the new interval.
    SlowDown = 2,
    /// A transient failure; polling goes on after `interval_seconds`.
    Retrying = 3,
}

impl PollKind {
    /// The name Python reports (`PollProgress.kind`).
    pub fn name(self) -> &'static str {
        match self {
            PollKind::Waiting => "waiting",
            PollKind::SlowDown => "slow_down",
            PollKind::Retrying => "retrying",
        }
    }
}

/// One progress report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PollProgress {
    /// What happened.
    pub kind: PollKind,
    /// Poll number to come (from 1) for `Waiting`, else 0.
    pub attempt: u32,
    /// The wait before the next poll (the new interval for `SlowDown`, the
    /// backoff for `Retrying`), in seconds.
    pub interval_seconds: f64,
    /// Time left before the request expires, in seconds (`Waiting` only, else 0).
    pub remaining_seconds: f64,
}

impl PollProgress {
    /// The record of a core event; `None` for a kind this layer does not
    /// know yet (reported once it is mapped here, never guessed).
    pub fn from_event(e: &PollEvent) -> Option<Self> {
        let secs = Duration::as_secs_f64;
        Some(match e {
            PollEvent::Waiting {
                attempt,
                interval,
                remaining,
            } => PollProgress {
                kind: PollKind::Waiting,
                attempt: *attempt,
                interval_seconds: secs(interval),
                remaining_seconds: secs(remaining),
            },
            PollEvent::SlowDown { interval } => PollProgress {
                kind: PollKind::SlowDown,
                attempt: 0,
                interval_seconds: secs(interval),
                remaining_seconds: 0.0,
            },
            PollEvent::Retrying { retry_in } => PollProgress {
                kind: PollKind::Retrying,
                attempt: 0,
                interval_seconds: secs(retry_in),
                remaining_seconds: 0.0,
            },
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_become_seconds_with_fractions() {
        let w = PollProgress::from_event(&PollEvent::Waiting {
            attempt: 2,
            interval: Duration::from_millis(1500),
            remaining: Duration::from_secs(90),
        })
        .unwrap();
        assert_eq!(
            (w.kind, w.attempt, w.interval_seconds, w.remaining_seconds),
            (PollKind::Waiting, 2, 1.5, 90.0)
        );
        let s = PollProgress::from_event(&PollEvent::SlowDown {
            interval: Duration::from_secs(10),
        })
        .unwrap();
        assert_eq!((s.kind.name(), s.interval_seconds), ("slow_down", 10.0));
        let r = PollProgress::from_event(&PollEvent::Retrying {
            retry_in: Duration::from_millis(250),
        })
        .unwrap();
        assert_eq!((r.kind as i32, r.interval_seconds), (3, 0.25));
    }
}
