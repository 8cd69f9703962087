//! The polling state machine shared by the device grant (RFC 8628 §3.5) and CIBA poll
//! mode (CIBA core §11): pending → approved/denied, `slow_down` when polled faster than
//! the interval, `expired_token` after expiry, single use once tokens are issued.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde::Deserialize;

use crate::http::error::OAuthError;

/// Lifetime and polling interval given to new requests (settable via `/control/...`).
#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct PollConfig {
    pub(crate) expires_in: u64,
    pub(crate) interval: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Decision {
    Pending,
    Approved { sub: String },
    Denied,
}

#[derive(Debug, Clone)]
pub(crate) struct PollRecord {
    pub(crate) client_id: String,
    pub(crate) scope: String,
    pub(crate) sub_hint: Option<String>,
    pub(crate) expires_at: u64,
    pub(crate) interval: u64,
    pub(crate) last_poll: Option<Instant>,
    pub(crate) decision: Decision,
    /// Set once tokens were issued: the code is spent.
    pub(crate) consumed: bool,
}

/// A forced answer for the next poll (of one request id, or of any when `target` is None).
#[derive(Debug, Clone)]
struct Forced {
    target: Option<String>,
    error: String,
}

#[derive(Debug)]
pub(crate) struct PollBook {
    pub(crate) config: PollConfig,
    records: HashMap<String, PollRecord>,
    /// Normalized user code → device code (device flow only).
    aliases: HashMap<String, String>,
    forced: Vec<Forced>,
}

impl PollBook {
    pub(crate) fn new(config: PollConfig) -> Self {
        Self {
            config,
            records: HashMap::new(),
            aliases: HashMap::new(),
            forced: Vec::new(),
        }
    }

    pub(crate) fn insert(&mut self, id: String, alias: Option<String>, record: PollRecord) {
        if let Some(alias) = alias {
            self.aliases.insert(alias, id.clone());
        }
        self.records.insert(id, record);
    }

    pub(crate) fn id_for_alias(&self, alias: &str) -> Option<&str> {
        self.aliases.get(alias).map(String::as_str)
    }

    pub(crate) fn get(&self, id: &str) -> Option<&PollRecord> {
        self.records.get(id)
    }

    /// Records the user's decision. Err(current decision) if it was already decided.
    pub(crate) fn decide(&mut self, id: &str, decision: Decision) -> Option<Result<(), Decision>> {
        let record = self.records.get_mut(id)?;
        if record.decision != Decision::Pending {
            return Some(Err(record.decision.clone()));
        }
        record.decision = decision;
        Some(Ok(()))
    }

    pub(crate) fn force_next(&mut self, target: Option<String>, error: String) {
        self.forced.push(Forced { target, error });
    }

    pub(crate) fn clear_forced(&mut self) {
        self.forced.clear();
    }

    /// One poll by `client_id`. Ok(record) once approved (the record is then spent).
    pub(crate) fn poll(
        &mut self,
        id: &str,
        client_id: &str,
        now: u64,
        what: &str,
    ) -> Result<PollRecord, OAuthError> {
        let Some(record) = self.records.get_mut(id) else {
            return Err(OAuthError::invalid_grant(format!("unknown {what}")));
        };
        if record.client_id != client_id {
            return Err(OAuthError::invalid_grant(format!(
                "{what} was issued to another client"
            )));
        }
        if record.consumed {
            return Err(OAuthError::invalid_grant(format!(
                "{what} was already used"
            )));
        }
        if now >= record.expires_at {
            return Err(OAuthError::bad(
                "expired_token",
                format!("{what} has expired"),
            ));
        }
        let last = record.last_poll.replace(Instant::now());
        let forced = take_forced(&mut self.forced, id);
        // A forced answer does not move the interval: tests that force slow_down use an
        // injected clock and would otherwise meet real slow_downs on their next poll.
        if let Some(error) = forced {
            return Err(OAuthError::bad(&error, "forced by /control"));
        }
        let too_soon = last.is_some_and(|l| l.elapsed() < Duration::from_secs(record.interval));
        if record.interval > 0 && too_soon {
            record.interval += 5;
            return Err(OAuthError::bad(
                "slow_down",
                format!(
                    "polled faster than the interval; it is now {} s",
                    record.interval
                ),
            ));
        }
        match &record.decision {
            Decision::Pending => Err(OAuthError::bad(
                "authorization_pending",
                "the user has not decided yet",
            )),
            Decision::Denied => Err(OAuthError::bad(
                "access_denied",
                "the user denied the request",
            )),
            Decision::Approved { .. } => {
                record.consumed = true;
                Ok(record.clone())
            }
        }
    }
}

fn take_forced(forced: &mut Vec<Forced>, id: &str) -> Option<String> {
    let index = forced
        .iter()
        .position(|f| f.target.as_deref().is_none_or(|t| t == id))?;
    Some(forced.remove(index).error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(interval: u64) -> PollRecord {
        PollRecord {
            client_id: "c".into(),
            scope: "read".into(),
            sub_hint: None,
            expires_at: 100,
            interval,
            last_poll: None,
            decision: Decision::Pending,
            consumed: false,
        }
    }

    #[test]
    fn pending_then_slow_down_then_approved_once() {
        let mut book = PollBook::new(PollConfig {
            expires_in: 100,
            interval: 5,
        });
        book.insert("d".into(), None, record(5));
        let err = |r: Result<PollRecord, OAuthError>| r.err().map(|e| e.code().to_owned());
        assert_eq!(
            err(book.poll("d", "c", 0, "code")).as_deref(),
            Some("authorization_pending")
        );
        assert_eq!(
            err(book.poll("d", "c", 0, "code")).as_deref(),
            Some("slow_down")
        );
        assert_eq!(book.get("d").map(|r| r.interval), Some(10));
        assert_eq!(
            err(book.poll("d", "x", 0, "code")).as_deref(),
            Some("invalid_grant")
        );
        assert_eq!(
            err(book.poll("d", "c", 100, "code")).as_deref(),
            Some("expired_token")
        );
    }

    #[test]
    fn interval_zero_never_slows_and_approval_is_single_use() {
        let mut book = PollBook::new(PollConfig {
            expires_in: 100,
            interval: 0,
        });
        book.insert("d".into(), None, record(0));
        book.force_next(None, "slow_down".into());
        assert_eq!(
            book.poll("d", "c", 0, "code")
                .err()
                .map(|e| e.code().to_owned())
                .as_deref(),
            Some("slow_down")
        );
        assert_eq!(
            book.decide(
                "d",
                Decision::Approved {
                    sub: "alice".into()
                }
            ),
            Some(Ok(()))
        );
        assert!(book.poll("d", "c", 0, "code").is_ok());
        assert!(book.poll("d", "c", 0, "code").is_err());
    }
}
