//! The built binary against tests/hostile/server.py: every fault mode exits
//! with its documented code (never 101, a panic) and prints no secret — not
//! the client secret, not a LEAK-… token from the server's body.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Output, Stdio};

mod common;
use common::{cmd, run, text};

const SECRET: &str = "hostile-client-secret-5c8a1f";

/// Mode and exit code (cli/src/exit.rs): 0 a clamped success, 3 an OAuth
/// error, 5 transport or timeout, 6 an unusable answer.
const CASES: &[(&str, i32)] = &[
    ("expires_1e19", 0),
    ("expires_20_digits", 0),
    ("expires_1e300_string", 0),
    ("expires_negative", 0),
    ("jwt_exp_1e19", 0),
    ("echo_500", 6),
    ("truncated_500", 6),
    ("trailing_comma", 6),
    ("form_error_newline", 3),
    ("relative_redirect", 6),
    ("token_number", 0),
    ("token_null", 6),
    ("token_object", 6),
    ("html_200", 6),
    ("short_body", 5),
    ("reset_mid_body", 5),
    ("never_answers", 5),
    ("retry_after_429", 6),
    ("retry_after_503_date", 6),
    ("drip", 5),
    ("huge_body", 6),
    ("huge_unannounced", 6),
    ("gzip_bomb", 6),
];

/// `oauth2kit token client-credentials` (client_secret_post) against
/// `token_url`: the process's output and its stdout and stderr as one text.
fn client_credentials(token_url: &str, timeout: &str) -> (Output, String) {
    let o = run(cmd()
        .args([
            "token",
            "client-credentials",
            "--client-id",
            "hostile-client",
        ])
        .args(["--auth-method", "post", "--timeout", timeout])
        .arg("--token-url")
        .arg(token_url)
        .env("OAUTH2KIT_CLIENT_SECRET", SECRET));
    let out = format!("{}{}", text(&o.stdout), text(&o.stderr));
    (o, out)
}

/// The server, its URL and its TLS listener's (a certificate no one trusts).
struct Hostile(Child, String, String);

impl Hostile {
    fn spawn() -> Hostile {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/hostile/server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 tests/hostile/server.py");
        // It prints its URLs once it listens.
        let (mut url, mut tls) = (String::new(), String::new());
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut url).unwrap();
        out.read_line(&mut tls).unwrap();
        Hostile(child, url.trim().to_string(), tls.trim().to_string())
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn assert_clean(mode: &str, out: &str) {
    assert!(!out.contains(SECRET), "{mode}: client secret in {out}");
    assert!(!out.contains("LEAK-"), "{mode}: a server token in {out}");
    assert!(!out.contains("panicked"), "{mode}: {out}");
}

#[test]
fn every_hostile_token_answer_exits_with_its_code_and_no_secret() {
    let server = Hostile::spawn();
    for (mode, code) in CASES {
        let (o, out) = client_credentials(&format!("{}/{mode}/token", server.1), "1");
        assert_eq!(o.status.code(), Some(*code), "{mode}: {out}");
        assert_clean(mode, &out);
    }
}

/// An untrusted certificate and an unknown host: exit 5 (transport), no secret.
#[test]
fn an_untrusted_certificate_and_an_unknown_host_exit_5() {
    let server = Hostile::spawn();
    for base in [server.2.as_str(), "https://no-such-host.invalid"] {
        let (o, out) = client_credentials(&format!("{base}/token"), "5");
        assert_eq!(o.status.code(), Some(5), "{base}: {out}");
        assert_clean(base, &out);
    }
}

/// expires_in and interval of 2^64-1: the code is shown (the numbers are
/// clamped, not a panic), then the CLI stops with "expired" (exit 8): the first
/// poll would come after the code's clamped lifetime of 100 years has ended.
/// (An earlier version of this test expected the CLI to still be polling and
/// raced with that exit.)
#[test]
fn a_device_answer_with_huge_numbers_is_shown_then_expires() {
    let server = Hostile::spawn();
    let o = run(cmd()
        .args([
            "token",
            "device",
            "--client-id",
            "hostile-client",
            "--timeout",
            "1",
        ])
        .arg("--token-url")
        .arg(format!("{}/device_huge/token", server.1))
        .arg("--device-authorization-url")
        .arg(format!("{}/device_huge/device", server.1))
        .env("OAUTH2KIT_CLIENT_SECRET", SECRET));
    let seen = format!("{}{}", text(&o.stdout), text(&o.stderr));
    assert!(seen.contains("Code: WDJB-MJHT"), "{seen}");
    assert!(seen.contains("code valid 3155760000 s"), "{seen}");
    assert_eq!(o.status.code(), Some(8), "{seen}");
    assert!(seen.contains("[expired]"), "{seen}");
    assert_clean("device_huge", &seen);
}
