//! `oauth2kit demo`: starts the devserver in this process and runs every
//! grant against it with the blocking client, printing one row per step:
//! what was sent (from the recording transport, names only), the outcome, the
//! time. A step passes only when it did what it should — an expected error is
//! a pass, an unexpected success a failure — and the exit code says whether all did.

mod browser;
mod more_grants;
mod providers;
mod recorder;
mod session;
mod standard;

use std::cell::RefCell;
use std::sync::Arc;
use std::time::Instant;

use oauth2kit::{Error, ErrorCode, HttpRequest, Method, OAuthClientBuilder, TokenSet, blocking};
use oauth2kit_devserver::DevServer;

use crate::args::DemoArgs;
use crate::exit::{CliError, code};
use recorder::Recorder;

/// Why a step could not run to its end.
#[derive(Debug)]
pub enum StepError {
    Core(Error),
    /// Something the demo itself checks (e.g. the server did not redirect).
    Demo(String),
}

impl From<Error> for StepError {
    fn from(e: Error) -> Self {
        StepError::Core(e)
    }
}

type StepResult<T> = Result<T, StepError>;

/// What a successful step shows, and a problem when the result is not the right one.
pub struct Shown {
    text: String,
    problem: Option<String>,
}

impl Shown {
    pub fn ok(text: impl Into<String>) -> Self {
        Shown {
            text: text.into(),
            problem: None,
        }
    }

    /// `ok` when `cond` holds, else a failure saying `why`.
    pub fn check(text: impl Into<String>, cond: bool, why: &str) -> Self {
        Shown {
            text: text.into(),
            problem: (!cond).then(|| why.to_string()),
        }
    }
}

/// Tokens as the table shows them: type, lifetime, scope — never a value.
pub fn tokens(t: &TokenSet) -> String {
    let mut parts = vec![
        t.token_type
            .clone()
            .unwrap_or_else(|| "(no token_type)".into()),
    ];
    parts.push(
        t.expires_in()
            .map(|d| format!("{} s", d.as_secs()))
            .unwrap_or_else(|| "lifetime ?".into()),
    );
    parts.push(match t.scope.as_deref() {
        Some(s) => format!("scope {s:?}"),
        None => "scope not stated".to_string(),
    });
    if t.refresh_token.is_some() {
        parts.push("+refresh".into());
    }
    parts.join(", ")
}

fn error_text(e: &StepError) -> String {
    match e {
        StepError::Core(e) => match e.oauth() {
            Some(o) => {
                let status = o.status.map(|s| format!(" (HTTP {s})")).unwrap_or_default();
                format!("{}: {}{status}", e.code().name(), o.error)
            }
            None => format!("{}: {e}", e.code().name()),
        },
        StepError::Demo(m) => m.clone(),
    }
}

struct Row {
    ok: bool,
}

pub struct Demo {
    pub server: DevServer,
    recorder: Arc<Recorder>,
    // Steps borrow the demo while they run, so the rows sit in a RefCell.
    rows: RefCell<Vec<Row>>,
    brief: bool,
}

impl Demo {
    fn new(brief: bool) -> Result<Self, CliError> {
        let server = DevServer::spawn()
            .map_err(|e| CliError::Io(format!("cannot start the devserver: {e}")))?;
        Ok(Demo {
            server,
            recorder: Recorder::new()?,
            rows: RefCell::new(Vec::new()),
            brief,
        })
    }

    pub fn url(&self) -> String {
        self.server.url()
    }

    /// A blocking client whose requests are recorded for the table.
    pub fn client(&self, b: OAuthClientBuilder) -> StepResult<blocking::Client> {
        let oauth = b.build()?;
        Ok(blocking::Client::from_async(
            oauth2kit::Client::with_transport(oauth, self.recorder.clone()),
        ))
    }

    /// The transport, for calls that take one (discovery).
    pub fn transport(&self) -> &Recorder {
        &self.recorder
    }

    pub fn section(&self, title: &str) {
        println!("\n== {title}");
    }

    /// A step that must succeed.
    pub fn step<T>(
        &self,
        name: &str,
        f: impl FnOnce() -> StepResult<T>,
        show: impl FnOnce(&T) -> Shown,
    ) -> Option<T> {
        let start = Instant::now();
        let result = f();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        match result {
            Ok(v) => {
                let shown = show(&v);
                let ok = shown.problem.is_none();
                self.row(name, ok, &shown.text, ms, shown.problem.as_deref());
                ok.then_some(v)
            }
            Err(e) => {
                let text = error_text(&e);
                self.row(
                    name,
                    false,
                    &text,
                    ms,
                    Some("the step should have succeeded"),
                );
                None
            }
        }
    }

    /// A step that must fail with `kind` (and, for OAuth errors, the `error` code `oauth`).
    pub fn step_err<T>(
        &self,
        name: &str,
        kind: ErrorCode,
        oauth: Option<&str>,
        f: impl FnOnce() -> StepResult<T>,
    ) {
        let start = Instant::now();
        let result = f();
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let want = match oauth {
            Some(o) => format!("{}: {o}", kind.name()),
            None => kind.name().to_string(),
        };
        match result {
            Ok(_) => self.row(
                name,
                false,
                "succeeded",
                ms,
                Some(&format!("expected the error {want}")),
            ),
            Err(e) => {
                let matches = match &e {
                    StepError::Core(core) => {
                        core.code() == kind
                            && oauth.is_none_or(|o| core.oauth().is_some_and(|x| x.error == o))
                    }
                    StepError::Demo(_) => false,
                };
                let text = format!("expected error → {}", error_text(&e));
                let why = format!("expected the error {want}");
                self.row(name, matches, &text, ms, (!matches).then_some(why.as_str()));
            }
        }
    }

    fn row(&self, name: &str, ok: bool, outcome: &str, ms: f64, why: Option<&str>) {
        let n = self.rows.borrow().len() + 1;
        let mark = if ok { "ok  " } else { "FAIL" };
        // Long messages are cut in the table; a failure prints them whole below.
        let cell = if outcome.chars().count() > 64 && ok {
            format!("{}…", outcome.chars().take(63).collect::<String>())
        } else {
            outcome.to_string()
        };
        println!("{n:>3}  {mark}  {name:<54} {cell:<64} {ms:>8.1} ms");
        for sent in self.recorder.take() {
            if !self.brief {
                println!("           sent: {sent}");
            }
        }
        if let (false, Some(why)) = (ok, why) {
            println!("           FAILED: {why}");
        }
        self.rows.borrow_mut().push(Row { ok });
    }

    /// The front channel: GETs the authorization URL without following the
    /// redirect and returns the `Location` (where the browser would go).
    pub fn authorize(&self, client: &blocking::Client, url: &url::Url) -> StepResult<String> {
        let resp = client.send(HttpRequest::new(Method::Get, url.clone()))?;
        match (resp.status, resp.header("location")) {
            (302 | 303, Some(loc)) => Ok(loc.to_string()),
            (status, _) => Err(StepError::Demo(format!(
                "the authorization endpoint answered HTTP {status}, not a redirect"
            ))),
        }
    }
}

pub fn run(args: &DemoArgs) -> Result<u8, CliError> {
    let demo = Demo::new(args.brief)?;
    println!("oauth2kit demo — embedded devserver at {}", demo.url());
    println!(
        "Each row: step, outcome (token type, lifetime, scope — or the typed error), time; \"sent\" lists"
    );
    println!("method, path, client authentication and parameter names (never values).");
    standard::run(&demo);
    more_grants::run(&demo);
    session::run(&demo);
    providers::run(&demo);
    let rows = demo.rows.borrow();
    let failed = rows.iter().filter(|r| !r.ok).count();
    let total = rows.len();
    println!();
    if failed == 0 {
        println!("All {total} steps did what they should.");
        Ok(code::OK)
    } else {
        println!("{failed} of {total} steps FAILED (see FAILED lines above).");
        Ok(code::NEGATIVE)
    }
}
