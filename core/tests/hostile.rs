//! The blocking client against tests/hostile/server.py, one fault per mode:
//! each ends in its documented error code or a clamped success, never a
//! panic, and no error shows the client secret, the PKCE verifier or any
//! token the server sent (all of them `LEAK-…`).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use oauth2kit::token::MAX_LIFETIME;
use oauth2kit::{AuthMethod, AuthorizeOptions, ErrorCode, HttpOptions, OAuthClient, blocking};

const SECRET: &str = "hostile-client-secret-5c8a1f";

/// Every mode and what the client must make of it: `None` is a success.
const CASES: &[(&str, Option<ErrorCode>)] = &[
    ("expires_1e19", None),
    ("expires_20_digits", None),
    ("expires_1e300_string", None),
    ("expires_negative", None),
    ("jwt_exp_1e19", None),
    ("echo_500", Some(ErrorCode::Http)),
    ("truncated_500", Some(ErrorCode::Http)),
    ("trailing_comma", Some(ErrorCode::InvalidResponse)),
    ("form_error_newline", Some(ErrorCode::OAuth)),
    ("relative_redirect", Some(ErrorCode::UnexpectedRedirect)),
    ("token_number", None),
    ("token_null", Some(ErrorCode::InvalidResponse)),
    ("token_object", Some(ErrorCode::InvalidResponse)),
    ("html_200", Some(ErrorCode::InvalidResponse)),
    ("short_body", Some(ErrorCode::Transport)),
    ("reset_mid_body", Some(ErrorCode::Transport)),
    ("never_answers", Some(ErrorCode::Timeout)),
    ("device_huge", None),
    ("retry_after_429", Some(ErrorCode::Http)),
    ("retry_after_503_date", Some(ErrorCode::Http)),
    ("drip", Some(ErrorCode::Timeout)),
    ("huge_body", Some(ErrorCode::ResponseTooLarge)),
    ("huge_unannounced", Some(ErrorCode::ResponseTooLarge)),
    ("gzip_bomb", Some(ErrorCode::InvalidResponse)),
];

/// The server, killed with the test (its stdin closes when `Child` drops… or
/// when this process dies).
struct Hostile {
    child: Child,
    url: String,
    /// Its TLS listener, with a certificate no client trusts.
    tls_url: String,
}

impl Hostile {
    fn spawn() -> Hostile {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/hostile/server.py");
        let mut child = Command::new("python3")
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 tests/hostile/server.py");
        // The server prints its URL once it listens: no sleep needed.
        let (mut url, mut tls_url) = (String::new(), String::new());
        let mut out = BufReader::new(child.stdout.take().unwrap());
        out.read_line(&mut url).unwrap();
        out.read_line(&mut tls_url).unwrap();
        assert!(url.starts_with("http://127.0.0.1:"), "{url:?}");
        assert!(tls_url.starts_with("https://127.0.0.1:"), "{tls_url:?}");
        Hostile {
            child,
            url: url.trim().to_string(),
            tls_url: tls_url.trim().to_string(),
        }
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client(base: &str, mode: &str) -> blocking::Client {
    client_with_timeout(base, mode, Duration::from_secs(1))
}

fn client_with_timeout(base: &str, mode: &str, timeout: Duration) -> blocking::Client {
    let oauth = OAuthClient::builder("hostile-client")
        .client_secret(SECRET)
        .auth_method(AuthMethod::ClientSecretPost)
        .token_url(format!("{base}/{mode}/token"))
        .authorization_url(format!("{base}/{mode}/authorize"))
        .device_authorization_url(format!("{base}/{mode}/device"))
        .redirect_uri("http://127.0.0.1:9/cb")
        .build()
        .unwrap();
    let options = HttpOptions {
        timeout,
        ..HttpOptions::default()
    };
    blocking::Client::with_options(oauth, options).unwrap()
}

fn assert_nothing_leaks(mode: &str, shown: &str, verifier: &str) {
    for secret in [SECRET, verifier, "LEAK-"]
        .into_iter()
        .filter(|s| !s.is_empty())
    {
        assert!(!shown.contains(secret), "{mode}: {secret} in {shown}");
    }
}

#[test]
fn every_hostile_mode_ends_in_its_code_or_a_clamped_success() {
    let server = Hostile::spawn();
    for (mode, expected) in CASES {
        let c = client(&server.url, mode);
        let outcome = if *mode == "device_huge" {
            c.device_authorization(None).map(|d| {
                assert!(d.expires_in <= MAX_LIFETIME && d.interval <= MAX_LIFETIME);
                assert!(d.expires_in.checked_add(d.interval).is_some());
            })
        } else {
            c.client_credentials(None).map(|t| {
                let left = t.expires_in();
                match *mode {
                    "expires_negative" => assert!(t.is_expired(Duration::ZERO), "{mode}"),
                    "token_number" => assert_eq!(t.access_token.expose(), "12345678901"),
                    _ => assert!(left.is_some_and(|l| l <= MAX_LIFETIME), "{mode}: {left:?}"),
                }
                // Any leeway, however large, is clock-safe.
                let _ = t.is_expired(Duration::MAX);
            })
        };
        match (outcome, expected) {
            (Ok(()), None) => {}
            (Err(e), Some(code)) => {
                assert_eq!(e.code(), *code, "{mode}: {e}");
                // The server's wait is kept, in seconds or as an HTTP date.
                match *mode {
                    "retry_after_429" => {
                        assert_eq!(e.retry_after(), Some(Duration::from_secs(7)))
                    }
                    "retry_after_503_date" => assert!(
                        e.retry_after().is_some_and(
                            |w| w > Duration::from_secs(20) && w <= Duration::from_secs(30)
                        ),
                        "{:?}",
                        e.retry_after()
                    ),
                    _ => {}
                }
                let shown = format!("{e}\n{e:?}\n{}", e.body().unwrap_or_default());
                assert_nothing_leaks(mode, &shown, "");
            }
            (outcome, _) => panic!("{mode}: expected {expected:?}, got {outcome:?}"),
        }
    }
}

/// A certificate no one trusts and a host that does not exist: a transport
/// error (code 7) at once, never retried as transient, nothing leaked.
#[test]
fn an_untrusted_certificate_and_an_unknown_host_are_transport_errors() {
    let server = Hostile::spawn();
    for base in [server.tls_url.as_str(), "https://no-such-host.invalid"] {
        let e = client_with_timeout(base, "x", Duration::from_secs(5))
            .client_credentials(None)
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Transport, "{base}: {e}");
        assert!(!e.is_transient(), "{base}: {e:?}");
        assert_nothing_leaks(base, &format!("{e}\n{e:?}"), "");
    }
}

/// With the authorization code grant the request also carries the code and
/// the PKCE verifier: a server that echoes it gets neither into the error.
#[test]
fn an_echoed_code_exchange_shows_no_verifier_and_no_secret() {
    let server = Hostile::spawn();
    let c = client(&server.url, "echo_500");
    let request = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let verifier = request.pending.code_verifier.clone().unwrap();
    let e = c
        .exchange_code(&request.pending, "LEAK-CODE-1")
        .unwrap_err();
    assert_eq!(e.code(), ErrorCode::Http);
    let shown = format!("{e}\n{e:?}\n{}", e.body().unwrap_or_default());
    assert!(shown.contains("could not handle"), "{shown}");
    assert_nothing_leaks("echo_500", &shown, verifier.expose());
}
