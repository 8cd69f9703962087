//! Clock arithmetic that cannot panic. Every number a server or a caller
//! gives (`expires_in`, a JWT `exp`, `interval`, `Retry-After`, a leeway, a
//! refresh margin, a wait timeout) meets the clock through these helpers:
//! `SystemTime + Duration` and `Instant + Duration` panic on overflow, and a
//! hostile server chooses the number.
//!
//! The rule: a lifetime or a wait longer than [`MAX_LIFETIME`] (100 years) is
//! clamped to it. No real token, device code or timeout is that long, and
//! 100 years from now is representable on every platform, so the additions
//! below never overflow for a clock reading near "now".

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The longest lifetime or wait taken from outside: 100 Julian years.
/// Anything longer is clamped to it (see `docs/design-notes.md`).
pub const MAX_LIFETIME: Duration = Duration::from_secs(36_525 * 86_400);

/// `d`, at most [`MAX_LIFETIME`].
pub(crate) fn clamp(d: Duration) -> Duration {
    d.min(MAX_LIFETIME)
}

/// A whole number of seconds from any finite or infinite float: negative and
/// NaN give zero, the rest is truncated and clamped to [`MAX_LIFETIME`].
pub(crate) fn seconds_from_f64(secs: f64) -> Duration {
    if secs.is_nan() || secs <= 0.0 {
        return Duration::ZERO;
    }
    let whole = secs.min(MAX_LIFETIME.as_secs() as f64).trunc();
    // `whole` is in 0..=MAX_LIFETIME seconds: the conversion is exact.
    clamp(Duration::from_secs(whole as u64))
}

/// `t + d` with `d` clamped to [`MAX_LIFETIME`]; `t` itself if even that
/// cannot be represented (a clock reading centuries away).
pub(crate) fn system_after(t: SystemTime, d: Duration) -> SystemTime {
    t.checked_add(clamp(d)).unwrap_or(t)
}

/// `now + d`, clamped as [`system_after`].
pub(crate) fn from_now(d: Duration) -> SystemTime {
    system_after(SystemTime::now(), d)
}

/// A point in time given as seconds since the Unix epoch (a JWT `exp`, a stored
/// `expires_at`), to the millisecond: `None` for NaN and for times before the
/// epoch; times after `now + MAX_LIFETIME` are clamped to it.
pub(crate) fn unix_time(secs: f64) -> Option<SystemTime> {
    if secs.is_nan() || secs < 0.0 {
        return None;
    }
    let latest = from_now(MAX_LIFETIME);
    let latest_ms = latest
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis());
    let ms = (secs * 1000.0).round();
    if ms >= latest_ms as f64 {
        return Some(latest);
    }
    // `ms` is below `latest_ms`, which fits in u64 for centuries to come.
    UNIX_EPOCH
        .checked_add(Duration::from_millis(ms as u64))
        .or(Some(latest))
}

/// Whether `at` falls within `window` from now (or is past): the test behind
/// "expired, with a leeway" and "due for refresh, with a margin". Computed as
/// time left versus window, so no addition can overflow however large the
/// window is.
pub(crate) fn within(at: SystemTime, window: Duration) -> bool {
    match at.duration_since(SystemTime::now()) {
        Ok(left) => left <= window,
        Err(_) => true,
    }
}

/// How long after `window` from now `at` still lies: `None` when `at` is
/// within the window (or past). The counterpart of [`within`]. Only sessions
/// (feature `reqwest`) use it: the sans-IO build would warn it is dead.
#[cfg_attr(not(feature = "reqwest"), allow(dead_code))]
pub(crate) fn left_beyond(at: SystemTime, window: Duration) -> Option<Duration> {
    at.duration_since(SystemTime::now())
        .ok()?
        .checked_sub(window)
}

/// `t + d` for monotonic deadlines, with `d` clamped to [`MAX_LIFETIME`];
/// `None` only if even that cannot be represented.
pub(crate) fn instant_after(t: Instant, d: Duration) -> Option<Instant> {
    t.checked_add(clamp(d))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_numbers_are_clamped_not_panics() {
        for f in [1e19, 1e20, 1e300, f64::INFINITY, f64::MAX] {
            assert_eq!(seconds_from_f64(f), MAX_LIFETIME, "{f}");
        }
        for f in [-1.0, -0.0, f64::NEG_INFINITY, f64::NAN] {
            assert_eq!(seconds_from_f64(f), Duration::ZERO, "{f}");
        }
        assert_eq!(seconds_from_f64(3599.9), Duration::from_secs(3599));
        let far = from_now(Duration::MAX);
        assert!(far > SystemTime::now() + Duration::from_secs(99 * 365 * 86_400));
        assert!(unix_time(1e19).is_some_and(|t| t <= from_now(MAX_LIFETIME)));
        assert_eq!(
            unix_time(4102444800.0),
            Some(UNIX_EPOCH + Duration::from_secs(4102444800))
        );
        assert_eq!(unix_time(-5.0), None);
        assert!(instant_after(Instant::now(), Duration::MAX).is_some());
    }

    #[test]
    fn windows_of_any_size() {
        let soon = SystemTime::now() + Duration::from_secs(30);
        assert!(within(soon, Duration::from_secs(60)));
        assert!(!within(soon, Duration::from_secs(1)));
        assert!(within(soon, Duration::MAX));
        assert!(within(UNIX_EPOCH, Duration::ZERO));
        assert!(left_beyond(soon, Duration::from_secs(10)).is_some());
        assert_eq!(left_beyond(soon, Duration::MAX), None);
    }
}
