//! The cached-token fast path of `Session.token()`.
//!
//! A session hands out the same Python `Token` object for as long as its set
//! is current. Checking with the core each time (a lock and a clock read)
//! would cost about half again a Python dict lookup, so the last object handed
//! out is kept here with the session generation it belongs to and a deadline
//! on a coarse monotonic clock (a few ns to read). While the generation is
//! unchanged (no renewal, invalidation, `set_tokens` or `clear`) and the
//! deadline is ahead, the object is handed out again without asking the core.
//! The deadline is capped one second ahead, so a jump of the wall clock (in
//! which expiry times are kept) is noticed within a second.
//!
//! No lock on the fast path: every reader and writer holds the GIL (this
//! module is built for GIL-enabled CPython only, as abi3 is), so the slot
//! and the two numbers are always seen together.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use oauth2kit::TokenSet;
use oauth2kit::session::Fresh;
use pyo3::prelude::*;
use pyo3::types::PyList;

use crate::token::Token;

/// Longest time a token is handed out again without the core's check.
const HORIZON: Duration = Duration::from_secs(1);
/// The coarse clock ticks every few ms: stop this much early.
const COARSE_SLACK: Duration = Duration::from_millis(20);

fn coarse_now() -> u64 {
    coarsetime::Instant::now_without_cache_update().as_u64()
}

pub struct HandedToken {
    /// `[Token]` once a token was handed out (a one-item list: a slot the
    /// GIL guards).
    slot: Py<PyList>,
    generation: AtomicU64,
    until: AtomicU64,
    /// The set behind the object in `slot`, to reuse the object when the
    /// core hands out the same set again (slow path only).
    set: Mutex<Option<Arc<TokenSet>>>,
}

impl HandedToken {
    pub fn new(py: Python<'_>) -> Self {
        HandedToken {
            slot: PyList::empty(py).unbind(),
            generation: AtomicU64::new(u64::MAX),
            until: AtomicU64::new(0),
            set: Mutex::new(None),
        }
    }

    /// The object handed out last, if it is still current for `generation`.
    pub fn get(&self, py: Python<'_>, generation: u64) -> Option<Py<Token>> {
        if self.generation.load(Ordering::Relaxed) != generation
            || coarse_now() >= self.until.load(Ordering::Relaxed)
        {
            return None;
        }
        let item = self.slot.bind(py).get_item(0).ok()?;
        item.cast_into::<Token>().ok().map(Bound::unbind)
    }

    /// `t` as a Python `Token` (the object handed out last when it is the
    /// same set), remembered for [`Self::get`] when `fresh` describes it.
    ///
    /// No Python code may run while `set` is locked (it could let another
    /// thread in, which would then wait on the lock holding the GIL): the new
    /// object is made before, and the list calls inside allocate nothing the
    /// garbage collector tracks.
    pub fn remember(
        &self,
        py: Python<'_>,
        t: Arc<TokenSet>,
        fresh: Option<Fresh>,
    ) -> PyResult<Py<Token>> {
        let (generation, until) = match fresh.as_ref().filter(|f| Arc::ptr_eq(&f.tokens, &t)) {
            Some(f) => {
                let ahead = f.fresh_for.saturating_sub(COARSE_SLACK).min(HORIZON);
                let ahead = coarsetime::Duration::from_millis(ahead.as_millis() as u64);
                let until = coarsetime::Instant::now_without_cache_update() + ahead;
                (f.generation, until.as_u64())
            }
            // Not known to be fresh: the next read asks the core.
            None => (u64::MAX, 0),
        };
        let list = self.slot.bind(py);
        {
            let set = self.set.lock().unwrap_or_else(|e| e.into_inner());
            if set.as_ref().is_some_and(|prev| Arc::ptr_eq(prev, &t)) {
                if let Ok(same) = list.get_item(0).and_then(|o| Ok(o.cast_into::<Token>()?)) {
                    self.generation.store(generation, Ordering::Relaxed);
                    self.until.store(until, Ordering::Relaxed);
                    return Ok(same.unbind());
                }
            }
        }
        let token = Py::new(py, Token::new(py, (*t).clone()))?;
        let mut set = self.set.lock().unwrap_or_else(|e| e.into_inner());
        if list.is_empty() {
            list.append(token.bind(py))?;
        } else {
            list.set_item(0, token.bind(py))?;
        }
        self.generation.store(generation, Ordering::Relaxed);
        self.until.store(until, Ordering::Relaxed);
        *set = Some(t);
        Ok(token)
    }
}
