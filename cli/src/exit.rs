//! The command's errors and exit codes. Core errors map by their stable
//! `ErrorCode`, so scripts can tell "the server said no" (3) from "log in
//! again" (4) from "try later" (5). The table is documented in cli/README.md;
//! keep both in step.

use std::fmt;
use std::process::ExitCode;

use oauth2kit::{Error, ErrorCode};
use oauth2kit_bind::{ErrorRecord, hint};

/// Exit codes. Never renumber: scripts depend on them.
pub mod code {
    /// Success.
    pub const OK: u8 = 0;
    /// The operation ran but the answer is "no": demo step failed, token inactive or invalid.
    pub const NEGATIVE: u8 = 1;
    /// Usage or configuration error (bad flag, missing endpoint, unreadable key or profile).
    pub const CONFIG: u8 = 2;
    /// The authorization server answered with an OAuth error (invalid_client, invalid_grant…).
    pub const OAUTH: u8 = 3;
    /// Re-authorization required: the refresh token or grant is no longer usable.
    pub const REAUTHORIZE: u8 = 4;
    /// Transport failure or timeout (connection refused, TLS, no answer in time).
    pub const TRANSPORT: u8 = 5;
    /// The server's answer is unusable (non-OAuth HTTP error, bad JSON, redirect, too large).
    pub const INVALID_RESPONSE: u8 = 6;
    /// A security check failed: state or issuer mismatch in the authorization response.
    pub const SECURITY: u8 = 7;
    /// Cancelled, or a polling flow expired before approval.
    pub const EXPIRED: u8 = 8;
    /// Runtime, token store, or local I/O failure.
    pub const INTERNAL: u8 = 9;
}

/// What can stop a command.
#[derive(Debug)]
pub enum CliError {
    /// An error from the oauth2kit core.
    Core(Error),
    /// Bad input found by the command itself (not by clap).
    Usage(String),
    /// Local I/O (listener, stdin, files).
    Io(String),
    /// The caller's own `--wait` ran out before the browser came back: not
    /// the server's fault, so not "transient" (exit code of a timeout).
    WaitedOut(std::time::Duration),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Core(e)
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Core messages never contain secrets (checked by the core's tests and ours).
            // A configuration error's fix is spelled as flags (`--allow-insecure-http`).
            CliError::Core(e) => write!(
                f,
                "{} [{}]",
                ErrorRecord::from(e).message_in(hint::cli),
                e.code().name()
            ),
            CliError::WaitedOut(d) => write!(
                f,
                "no redirect arrived within --wait {} s; sign in faster or pass a longer --wait",
                d.as_secs()
            ),
            CliError::Usage(m) => write!(f, "usage error: {m}"),
            CliError::Io(m) => write!(f, "I/O error: {m}"),
        }
    }
}

impl CliError {
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Core(e) => for_core(e),
            CliError::Usage(_) => code::CONFIG,
            CliError::Io(_) => code::INTERNAL,
            CliError::WaitedOut(_) => code::TRANSPORT,
        }
    }
}

/// The exit code of a core error kind.
pub fn for_core(e: &Error) -> u8 {
    match e.code() {
        ErrorCode::OAuth => code::OAUTH,
        ErrorCode::ReauthorizationRequired => code::REAUTHORIZE,
        ErrorCode::Transport | ErrorCode::Timeout => code::TRANSPORT,
        ErrorCode::Http
        | ErrorCode::InvalidResponse
        | ErrorCode::UnexpectedRedirect
        | ErrorCode::ResponseTooLarge => code::INVALID_RESPONSE,
        ErrorCode::StateMismatch | ErrorCode::IssuerMismatch => code::SECURITY,
        ErrorCode::Config => code::CONFIG,
        ErrorCode::Cancelled | ErrorCode::Expired => code::EXPIRED,
        // Store, Runtime, and kinds added later to the non-exhaustive enum.
        _ => code::INTERNAL,
    }
}

/// Prints the error on stderr and returns its exit code.
/// The error as JSON, for `--json` callers (scripts parse stdout): the exit
/// code, the core's kind and code, the message (the same as on stderr), and
/// the OAuth fields, HTTP status and `Retry-After` when there are some. No
/// secret: the message and fields are the core's redacted ones.
pub fn error_json(e: &CliError) -> serde_json::Value {
    use serde_json::json;
    let mut v = json!({
        "error": true,
        "exit_code": e.exit_code(),
        "message": e.to_string(),
    });
    let kind = match e {
        CliError::Core(core) => {
            let r = ErrorRecord::from(core);
            v["code"] = json!(r.code);
            v["status"] = json!(r.status);
            v["retry_after_seconds"] = json!(r.retry_after_seconds);
            v["transient"] = json!(r.transient);
            if let Some(error) = &r.error {
                v["oauth"] = json!({
                    "error": error,
                    "error_description": r.description,
                    "error_uri": r.uri,
                    "fields": r.extra,
                });
            }
            r.kind
        }
        CliError::Usage(_) => "usage",
        CliError::Io(_) => "io",
        CliError::WaitedOut(_) => "timeout",
    };
    v["kind"] = json!(kind);
    v
}

pub fn report(e: &CliError, json: bool) -> ExitCode {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&error_json(e)).unwrap_or_default()
        );
    }
    eprintln!("oauth2kit: {e} (exit {})", e.exit_code());
    if let CliError::Core(core) = e {
        if let Some(o) = core.oauth() {
            if !o.extra.is_empty() {
                // Non-standard error fields (token-like values are already redacted by the core).
                eprintln!(
                    "  error fields: {}",
                    serde_json::Value::Object(o.extra.clone())
                );
            }
        }
        if core.is_transient() {
            match core.retry_after() {
                Some(d) => eprintln!("  (transient: retry after {} s)", d.as_secs()),
                None => eprintln!("  (transient: retrying later may succeed)"),
            }
        }
    }
    ExitCode::from(e.exit_code())
}
