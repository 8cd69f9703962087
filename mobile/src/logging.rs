//! The library's log events in Kotlin/Swift: the app implements `Logger`
//! (over Logcat, `java.util.logging`, `os_log`…) and installs it with
//! `setLogger`. Formatting, levels and the never-a-secret rule are the binding
//! layer's (`oauth2kit_bind::log`); this only hands events over.

use std::sync::Arc;

use oauth2kit_bind::log::{LogLevel as LayerLevel, LogSink, set_sink};

/// How much to log, most severe first (the same levels as every binding).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum LogLevel {
    /// Nothing.
    Off,
    /// Failures the library could not recover from by itself.
    Error,
    /// Something was wrong but the library carried on.
    Warn,
    /// Refreshes, fetches, sign-outs.
    Info,
    /// Every HTTP exchange (method, URL without query, status, time), store operations.
    Debug,
    /// Everything.
    Trace,
}

impl From<LogLevel> for LayerLevel {
    fn from(l: LogLevel) -> Self {
        match l {
            LogLevel::Off => LayerLevel::Off,
            LogLevel::Error => LayerLevel::Error,
            LogLevel::Warn => LayerLevel::Warn,
            LogLevel::Info => LayerLevel::Info,
            LogLevel::Debug => LayerLevel::Debug,
            LogLevel::Trace => LayerLevel::Trace,
        }
    }
}

impl From<LayerLevel> for LogLevel {
    fn from(l: LayerLevel) -> Self {
        match l {
            LayerLevel::Off => LogLevel::Off,
            LayerLevel::Error => LogLevel::Error,
            LayerLevel::Warn => LogLevel::Warn,
            LayerLevel::Info => LogLevel::Info,
            LayerLevel::Debug => LogLevel::Debug,
            LayerLevel::Trace => LogLevel::Trace,
        }
    }
}

/// Receives the library's log events. Called on library threads, possibly
/// several at once; must not block for long and must not call the library
/// (events it would cause are dropped). No event holds a secret.
#[uniffi::export(with_foreign)]
pub trait Logger: Send + Sync {
    /// One event: its level, where it comes from (`oauth2kit::…`) and the text.
    fn log(&self, level: LogLevel, target: String, message: String);
}

struct ForeignSink(Arc<dyn Logger>);

impl LogSink for ForeignSink {
    fn log(&self, level: LayerLevel, target: &str, message: &str) {
        self.0
            .log(level.into(), target.to_string(), message.to_string());
    }
}

/// Sends the library's events at `level` and more severe to `logger`
/// (replacing any logger set before); `null` or `Off` removes it. Returns
/// false when the process already had its own Rust `tracing` subscriber
/// (events then go there).
#[uniffi::export]
pub fn set_logger(level: LogLevel, logger: Option<Arc<dyn Logger>>) -> bool {
    let sink = logger.map(|l| Arc::new(ForeignSink(l)) as Arc<dyn LogSink>);
    set_sink(level.into(), sink)
}
