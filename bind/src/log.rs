//! Logging for the bindings: the core's `tracing` events, as
//! `(level, target, message)`, handed to one sink a binding installs
//! (Python's `logging`, a C callback, a Kotlin/Swift `Logger`).
//!
//! The parts every binding would otherwise write again live here: a
//! `tracing` [`Layer`] that keeps only the library's events (targets
//! `oauth2kit` and `oauth2kit::…`) and formats each into one line, and a
//! process-wide dispatcher holding the installed sink and its level. A
//! binding supplies the sink and nothing else.
//!
//! Cost when nothing listens: an event below the installed level costs one
//! atomic load (the callsites are "sometimes" interesting, so `tracing` asks
//! [`Layer::enabled`] each time). The core never puts a secret in an event
//! (tested in `core/tests/logging.rs`), so neither does a sink.

use std::cell::Cell;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

use tracing::field::{Field, Visit};
use tracing::subscriber::Interest;
use tracing::{Event, Metadata, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

/// How much to log, most severe first. The numbers are the C ABI's
/// (`oauth2kit_log_level`) and never change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(i32)]
pub enum LogLevel {
    /// Nothing.
    Off = 0,
    /// Failures the library could not recover from by itself.
    Error = 1,
    /// Something was wrong but the library carried on (a damaged store…).
    Warn = 2,
    /// Refreshes, fetches, sign-outs.
    Info = 3,
    /// Every HTTP exchange (method, URL without query, status, time), retries, store operations.
    Debug = 4,
    /// Everything.
    Trace = 5,
}

impl LogLevel {
    /// The level numbered `n` (as C passes it); anything above 5 is `Trace`,
    /// anything below 1 is `Off`.
    pub fn from_i32(n: i32) -> Self {
        match n {
            i32::MIN..=0 => LogLevel::Off,
            1 => LogLevel::Error,
            2 => LogLevel::Warn,
            3 => LogLevel::Info,
            4 => LogLevel::Debug,
            _ => LogLevel::Trace,
        }
    }

    fn of(level: &tracing::Level) -> Self {
        match *level {
            tracing::Level::ERROR => LogLevel::Error,
            tracing::Level::WARN => LogLevel::Warn,
            tracing::Level::INFO => LogLevel::Info,
            tracing::Level::DEBUG => LogLevel::Debug,
            tracing::Level::TRACE => LogLevel::Trace,
        }
    }
}

/// Where a binding wants the events. Called on whatever thread logged
/// (a caller's thread, a runtime worker), never re-entered on one thread.
pub trait LogSink: Send + Sync {
    /// One event.
    fn log(&self, level: LogLevel, target: &str, message: &str);
}

static LEVEL: AtomicU8 = AtomicU8::new(LogLevel::Off as u8);
static SINK: RwLock<Option<Arc<dyn LogSink>>> = RwLock::new(None);
/// Whether the layer is the process's subscriber (set by the first [`set_sink`]).
static INSTALLED: OnceLock<bool> = OnceLock::new();

thread_local! {
    /// Set while a sink runs: an event the sink itself causes (a Python
    /// handler calling back into the library) is dropped, not looped.
    static IN_SINK: Cell<bool> = const { Cell::new(false) };
}

/// Installs `sink` for events at `level` and more severe (replacing any
/// sink), or removes it with `None`. The first call installs the layer as
/// the process's global `tracing` subscriber; if the host process already
/// set one (a Rust program embedding a binding), that one is kept and this
/// returns `false`.
pub fn set_sink(level: LogLevel, sink: Option<Arc<dyn LogSink>>) -> bool {
    let installed = *INSTALLED.get_or_init(|| {
        use tracing_subscriber::layer::SubscriberExt;
        let subscriber = tracing_subscriber::registry().with(ForwardLayer);
        tracing::subscriber::set_global_default(subscriber).is_ok()
    });
    let level = if sink.is_some() { level } else { LogLevel::Off };
    if let Ok(mut s) = SINK.write() {
        *s = sink;
    }
    set_level(level);
    installed
}

/// Changes the installed sink's level (Python follows its logger's level).
pub fn set_level(level: LogLevel) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// The installed level.
pub fn level() -> LogLevel {
    LogLevel::from_i32(i32::from(LEVEL.load(Ordering::Relaxed)))
}

fn ours(target: &str) -> bool {
    target == "oauth2kit" || target.starts_with("oauth2kit::")
}

/// The layer: the library's events at the installed level, formatted as
/// `message key=value …`, to the installed sink.
#[derive(Debug)]
pub struct ForwardLayer;

impl<S: Subscriber> Layer<S> for ForwardLayer {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        if ours(metadata.target()) {
            Interest::sometimes()
        } else {
            Interest::never()
        }
    }

    fn enabled(&self, metadata: &Metadata<'_>, _ctx: Context<'_, S>) -> bool {
        ours(metadata.target()) && LogLevel::of(metadata.level()) <= level()
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let meta = event.metadata();
        let level = LogLevel::of(meta.level());
        if level > self::level() || IN_SINK.with(Cell::get) {
            return;
        }
        let Some(sink) = SINK.read().ok().and_then(|s| s.clone()) else {
            return;
        };
        let message = format_event(event);
        IN_SINK.with(|f| f.set(true));
        sink.log(level, meta.target(), &message);
        IN_SINK.with(|f| f.set(false));
    }
}

/// `message key=value key=value`: the event's message first, then its fields.
pub fn format_event(event: &Event<'_>) -> String {
    let mut v = Fields::default();
    event.record(&mut v);
    if v.message.is_empty() {
        v.rest.trim_start().to_string()
    } else {
        v.message + &v.rest
    }
}

#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message = value.to_string();
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.message = format!("{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    #[derive(Default)]
    struct Collect(Mutex<Vec<(LogLevel, String, String)>>);

    impl LogSink for Collect {
        fn log(&self, level: LogLevel, target: &str, message: &str) {
            self.0
                .lock()
                .unwrap()
                .push((level, target.into(), message.into()));
        }
    }

    /// Events reach the sink formatted, at the installed level and above,
    /// from the library's targets only; removing the sink stops them.
    #[test]
    fn events_are_formatted_filtered_and_forwarded() {
        let sink = Arc::new(Collect::default());
        assert!(set_sink(LogLevel::Info, Some(sink.clone())));
        tracing::info!(target: "oauth2kit::http", method = "POST", status = 200u16, "HTTP exchange");
        tracing::debug!(target: "oauth2kit::http", "too verbose");
        tracing::info!(target: "oauth2kit_devserver", "not ours");
        tracing::info!(target: "hyper", "not ours");
        set_level(LogLevel::Trace);
        tracing::debug!(target: "oauth2kit", "now shown");
        set_sink(LogLevel::Trace, None);
        tracing::error!(target: "oauth2kit", "after removal");
        let got = sink.0.lock().unwrap().clone();
        assert_eq!(
            got,
            vec![
                (
                    LogLevel::Info,
                    "oauth2kit::http".to_string(),
                    "HTTP exchange method=POST status=200".to_string()
                ),
                (
                    LogLevel::Debug,
                    "oauth2kit".to_string(),
                    "now shown".to_string()
                ),
            ]
        );
        assert_eq!(LogLevel::from_i32(99), LogLevel::Trace);
        assert_eq!(LogLevel::from_i32(-1), LogLevel::Off);
    }
}
