//! Wall-clock seconds. Token lifetimes, code expiry and JWT `exp`/`iat` all use this one
//! clock so that they agree with each other.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch (0 if the system clock is before 1970, which only a
/// broken machine has; a panic would be worse than odd timestamps).
pub(crate) fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
