//! `-v`/`--verbose` and `RUST_LOG`: the library's `tracing` events on stderr
//! (stdout carries only the command's answer, for `--json | jq`).

use tracing_subscriber::EnvFilter;

/// The filter for `-v` counted `verbose` times, unless `RUST_LOG` is set.
/// Warnings are shown without `-v` (a damaged token store, a failed save).
/// The demo's embedded devserver (`oauth2kit_devserver`, whose name starts
/// like ours) stays quiet unless `RUST_LOG` asks for it.
fn filter(verbose: u8) -> EnvFilter {
    if let Ok(env) = EnvFilter::try_from_env("RUST_LOG") {
        if std::env::var_os("RUST_LOG").is_some_and(|v| !v.is_empty()) {
            return env;
        }
    }
    let level = match verbose {
        0 => "warn",
        1 => "info",
        2 => "debug",
        _ => "trace",
    };
    EnvFilter::new(format!("oauth2kit={level},oauth2kit_devserver=off"))
}

/// Installs the stderr subscriber.
pub fn init(verbose: u8) {
    use std::io::IsTerminal;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter(verbose))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(true)
        .try_init();
}
