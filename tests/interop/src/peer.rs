//! The peer process: `node server.mjs 0` (npm `oidc-provider`), its issuer
//! URL read from the first line of its stdout, and the process killed on drop.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::HarnessError;

/// How long node may take to load oidc-provider and listen.
const START_TIMEOUT: Duration = Duration::from_secs(30);

/// A running oidc-provider. Dropping it kills the process.
#[derive(Debug)]
pub struct OidcProvider {
    issuer: String,
    child: Child,
    // Held open: the server exits when it sees EOF on stdin, so even a test
    // binary that dies without running destructors leaves no server behind.
    _stdin: ChildStdin,
    stderr: Arc<Mutex<String>>,
}

impl OidcProvider {
    /// Starts a fresh server on a free loopback port.
    ///
    /// Needs `node` on `PATH` and `npm ci` done in `tests/interop` (the test
    /// script does both); otherwise a [`HarnessError::Setup`] says what to do.
    pub fn start() -> Result<Self, HarnessError> {
        Self::spawn(&[], "http://")
    }

    /// Starts the mutual-TLS issuer (`node server.mjs 0 --mtls CERT_DIR`):
    /// HTTPS with the PEM files the devserver writes into `cert_dir`
    /// (`ThrowawayTls::write_pem_files`); trust `cert_dir/ca.pem`.
    pub fn start_mtls(cert_dir: &Path) -> Result<Self, HarnessError> {
        let dir = cert_dir
            .to_str()
            .ok_or_else(|| HarnessError::Setup("the certificate directory is not UTF-8".into()))?;
        Self::spawn(&["--mtls", dir], "https://")
    }

    fn spawn(extra_args: &[&str], scheme: &str) -> Result<Self, HarnessError> {
        let dir = interop_dir();
        if !dir.join("node_modules").join("oidc-provider").is_dir() {
            return Err(HarnessError::Setup(format!(
                "oidc-provider is not installed: run `npm ci` in {} (tests/interop/test.sh does)",
                dir.display()
            )));
        }
        let node = std::env::var("NODE").unwrap_or_else(|_| "node".into());
        let mut child = Command::new(&node)
            .arg("server.mjs")
            .arg("0")
            .args(extra_args)
            .current_dir(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                HarnessError::Setup(format!(
                    "cannot run `{node} server.mjs`: {e} (is Node.js 20.18+ installed?)"
                ))
            })?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| HarnessError::Setup("no stdin pipe".into()))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| HarnessError::Setup("no stdout pipe".into()))?;
        let stderr_pipe = child
            .stderr
            .take()
            .ok_or_else(|| HarnessError::Setup("no stderr pipe".into()))?;

        // stderr is drained continuously (a full pipe would block the server)
        // and kept to explain a failed start.
        let stderr = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&stderr);
        std::thread::spawn(move || drain(stderr_pipe, &sink));

        // The first stdout line is the issuer; read it on a thread so a
        // server that never prints cannot hang the tests.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut line = String::new();
            let first = reader.read_line(&mut line).map(|_| line.trim().to_string());
            let _ = tx.send(first);
            // Keep draining whatever else it prints.
            let _ = std::io::copy(&mut reader, &mut std::io::sink());
        });
        let first = rx.recv_timeout(START_TIMEOUT);
        let mut server = OidcProvider {
            issuer: String::new(),
            child,
            _stdin: stdin,
            stderr,
        };
        match first {
            Ok(Ok(line)) if line.starts_with(scheme) => {
                server.issuer = line;
                Ok(server)
            }
            Ok(Ok(line)) => Err(server.failed(&format!("unexpected first line {line:?}"))),
            Ok(Err(e)) => Err(server.failed(&format!("cannot read its stdout: {e}"))),
            Err(_) => Err(server.failed(&format!("no issuer URL within {START_TIMEOUT:?}"))),
        }
    }

    /// One server shared by every test of a test binary (started on first
    /// use). Tests stay independent through fresh cookie jars and their own
    /// tokens. It is never dropped: it exits when the test binary's end closes its stdin.
    pub fn shared() -> Result<&'static OidcProvider, HarnessError> {
        static SHARED: OnceLock<Result<OidcProvider, String>> = OnceLock::new();
        SHARED
            .get_or_init(|| OidcProvider::start().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|e| HarnessError::Setup(e.clone()))
    }

    /// The main issuer, e.g. `http://127.0.0.1:41234` (no trailing slash).
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// The second issuer, which has a path and serves OpenID Connect
    /// discovery only (no RFC 8414 document).
    pub fn tenant_issuer(&self) -> String {
        format!("{}/tenant", self.issuer)
    }

    /// What the server wrote to stderr so far (warnings, crashes).
    pub fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn failed(&mut self, what: &str) -> HarnessError {
        let _ = self.child.kill();
        let _ = self.child.wait();
        // Give the drain thread a moment to collect the last words.
        std::thread::sleep(Duration::from_millis(100));
        HarnessError::Setup(format!(
            "oidc-provider did not start: {what}; its stderr:\n{}",
            self.stderr()
        ))
    }
}

impl Drop for OidcProvider {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn drain(mut pipe: impl Read, sink: &Mutex<String>) {
    let mut buf = [0u8; 4096];
    while let Ok(n) = pipe.read(&mut buf) {
        if n == 0 {
            break;
        }
        if let Ok(mut s) = sink.lock() {
            // Bounded: a chatty server must not grow the test's memory forever.
            if s.len() < 64 * 1024 {
                s.push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        }
    }
}

/// `tests/interop`, where `server.mjs` and `node_modules` live.
pub fn interop_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A file of the devserver's test keys (`devserver/keys/<name>`), shared so
/// both peers accept the same `private_key_jwt` key.
pub fn devserver_key(name: &str) -> Result<String, HarnessError> {
    let path = interop_dir()
        .join(Path::new("../../devserver/keys"))
        .join(name);
    std::fs::read_to_string(&path)
        .map_err(|e| HarnessError::Setup(format!("cannot read {}: {e}", path.display())))
}
