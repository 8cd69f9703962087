//! The built `oauth2kit` binary against a real devserver on loopback: output
//! formats, exit codes per error kind, secrets kept out of messages, the
//! loopback redirect listener and the demo.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Output, Stdio};

mod common;
use common::{cmd, json_out, run, text};

use oauth2kit_devserver::DevServer;
use oauth2kit_devserver::clients as reg;
use serde_json::Value;

/// `token client-credentials` for basic-client, secret from the environment.
fn cc(server: &DevServer, extra: &[&str]) -> Output {
    let token_url = format!("{}/token", server.url());
    run(cmd()
        .args([
            "token",
            "client-credentials",
            "--token-url",
            &token_url,
            "--client-id",
            reg::BASIC_CLIENT_ID,
        ])
        .args(extra)
        .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET))
}

#[test]
fn client_credentials_json_carries_an_access_token() {
    let server = DevServer::spawn().expect("devserver");
    let v = json_out(&cc(&server, &["--json", "--scope", "read write"]));
    let at = v["access_token"].as_str().expect("access_token string");
    assert!(at.len() > 20);
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["scope"], "read write");
    assert!(v["expires_in"].as_u64().expect("expires_in") > 3000);
    assert_eq!(server.count("token"), 1);
}

#[test]
fn summary_redacts_the_token_unless_asked() {
    let server = DevServer::spawn().expect("devserver");
    let o = cc(&server, &[]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("access_token:  [redacted"), "{out}");
    // Devserver access tokens are JWTs: no JWT may appear.
    assert!(!out.contains("eyJ"), "{out}");
    let shown = text(&cc(&server, &["--show-tokens"]).stdout);
    assert!(shown.contains("eyJ"), "{shown}");
}

#[test]
fn wrong_secret_exits_3_without_the_secret_in_the_message() {
    let server = DevServer::spawn().expect("devserver");
    let secret = "Wr0ng-S3cret-Value-987";
    let o = run(cmd().args([
        "token",
        "client-credentials",
        "--token-url",
        &format!("{}/token", server.url()),
        "--client-id",
        reg::BASIC_CLIENT_ID,
        "--client-secret",
        secret,
    ]));
    assert_eq!(o.status.code(), Some(3), "stderr: {}", text(&o.stderr));
    let err = text(&o.stderr);
    assert!(err.contains("invalid_client"), "{err}");
    assert!(
        !err.contains(secret) && !text(&o.stdout).contains(secret),
        "{err}"
    );
    // The Basic header would carry it base64-encoded: not that either.
    assert!(!err.contains("Basic "), "{err}");

    // With --json the failure is also a JSON object on stdout, for scripts.
    let o = run(cmd().args([
        "token",
        "client-credentials",
        "--token-url",
        &format!("{}/token", server.url()),
        "--client-id",
        reg::BASIC_CLIENT_ID,
        "--client-secret",
        secret,
        "--json",
    ]));
    assert_eq!(o.status.code(), Some(3));
    let out = text(&o.stdout);
    let v: serde_json::Value = serde_json::from_str(&out).expect("a JSON error object");
    assert_eq!(v["error"], true, "{v}");
    assert_eq!(v["exit_code"], 3, "{v}");
    assert_eq!(v["kind"], "oauth", "{v}");
    assert_eq!(v["code"], 1, "{v}");
    assert_eq!(v["oauth"]["error"], "invalid_client", "{v}");
    assert_eq!(v["status"], 401, "{v}");
    assert!(!out.contains(secret), "{out}");
    assert!(text(&o.stderr).contains("invalid_client"));
    // A usage error too (no endpoint at all), with its own kind.
    let o = run(cmd().args(["token", "client-credentials", "--client-id", "x", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&text(&o.stdout)).expect("JSON");
    assert_eq!(
        (v["exit_code"].clone(), v["kind"].clone()),
        (2.into(), "config".into()),
        "{v}"
    );
}

#[test]
fn exit_codes_per_error_kind() {
    let server = DevServer::spawn().expect("devserver");
    let token_url = format!("{}/token", server.url());
    // Unknown refresh token: invalid_grant on a refresh = re-authorization required (4).
    let o = run(cmd()
        .args([
            "token",
            "refresh",
            "--token-url",
            &token_url,
            "--client-id",
            reg::BASIC_CLIENT_ID,
        ])
        .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET)
        .env("OAUTH2KIT_REFRESH_TOKEN", "not-a-refresh-token"));
    assert_eq!(o.status.code(), Some(4), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("not-a-refresh-token"));

    // No token endpoint: configuration (2).
    let o = run(cmd().args(["token", "client-credentials", "--client-id", "x"]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(
        text(&o.stderr).contains("no token endpoint"),
        "{}",
        text(&o.stderr)
    );

    // Nothing listening: transport (5).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port();
    let o = run(cmd().args([
        "token",
        "client-credentials",
        "--client-id",
        "x",
        "--token-url",
        &format!("http://127.0.0.1:{port}/token"),
    ]));
    assert_eq!(o.status.code(), Some(5), "{}", text(&o.stderr));

    // A clap usage error (missing --client-id) is 2 as well.
    let o = run(cmd().args(["token", "client-credentials", "--token-url", &token_url]));
    assert_eq!(o.status.code(), Some(2));

    // An unreadable private key file: configuration (2).
    let o = run(cmd().args([
        "token",
        "client-credentials",
        "--client-id",
        "x",
        "--token-url",
        &token_url,
        "--private-key",
        "/nonexistent/key.pem",
    ]));
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn help_never_shows_secret_values_from_the_environment() {
    let o = run(cmd()
        .args(["token", "client-credentials", "--help"])
        .env("OAUTH2KIT_CLIENT_SECRET", "env-secret-XYZ"));
    assert!(o.status.success());
    assert!(!text(&o.stdout).contains("env-secret-XYZ"));
    assert!(text(&o.stdout).contains("OAUTH2KIT_CLIENT_SECRET"));
}

#[test]
fn password_and_private_key_jwt_and_extension_grant() {
    let server = DevServer::spawn().expect("devserver");
    let token_url = format!("{}/token", server.url());
    let (user, pw) = reg::USERS[0];
    let v = json_out(&run(cmd()
        .args([
            "token",
            "password",
            "--token-url",
            &token_url,
            "--client-id",
            reg::POST_CLIENT_ID,
            "--auth-method",
            "post",
            "--json",
        ])
        .args(["--username", user])
        .env("OAUTH2KIT_CLIENT_SECRET", reg::POST_CLIENT_SECRET)
        .env("OAUTH2KIT_PASSWORD", pw)));
    assert!(v["refresh_token"].as_str().is_some());

    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../devserver/keys/ec-client.pem"
    );
    let v = json_out(&run(cmd().args([
        "token",
        "client-credentials",
        "--token-url",
        &token_url,
        "--client-id",
        reg::EC_CLIENT_ID,
        "--private-key",
        key,
        "--json",
    ])));
    assert!(v["access_token"].as_str().is_some());

    let v = json_out(&run(cmd()
        .args([
            "token",
            "extension-grant",
            "--token-url",
            &token_url,
            "--client-id",
            reg::BASIC_CLIENT_ID,
            "--json",
        ])
        .args([
            "--grant-type",
            "urn:oauth2kit:params:grant-type:echo",
            "--param",
            "audience=a=b",
            "--param",
            "resource=https://r.example/",
        ])
        .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET)));
    assert_eq!(v["extra"]["echo"]["audience"], "a=b", "{v}");
    assert_eq!(v["extra"]["echo"]["resource"], "https://r.example/", "{v}");

    // Resource indicators (RFC 8707) from --resource reach token requests,
    // repeated; through the old name `token exchange`, which still works and
    // says it was renamed.
    let old_name = run(cmd()
        .args([
            "token",
            "exchange",
            "--token-url",
            &token_url,
            "--client-id",
            reg::BASIC_CLIENT_ID,
            "--json",
        ])
        .args(["--grant-type", "urn:oauth2kit:params:grant-type:echo"])
        .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET));
    assert!(
        text(&old_name.stderr).contains("token extension-grant"),
        "{}",
        text(&old_name.stderr)
    );
    json_out(&old_name);
    let v = json_out(&run(cmd()
        .args([
            "token",
            "exchange",
            "--token-url",
            &token_url,
            "--client-id",
            reg::BASIC_CLIENT_ID,
            "--json",
        ])
        .args([
            "--grant-type",
            "urn:oauth2kit:params:grant-type:echo",
            "--resource",
            "https://a.example/",
            "--resource",
            "https://b.example/",
        ])
        .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET)));
    assert_eq!(
        v["extra"]["echo"]["resource"],
        serde_json::json!(["https://a.example/", "https://b.example/"]),
        "{v}"
    );
}

#[test]
fn introspect_revoke_and_discover() {
    let server = DevServer::spawn().expect("devserver");
    let at = json_out(&cc(&server, &["--json"]))["access_token"]
        .as_str()
        .expect("token")
        .to_string();
    let op = |name: &str| {
        run(cmd()
            .args([
                name,
                "--issuer",
                &server.url(),
                "--client-id",
                reg::BASIC_CLIENT_ID,
                "--json",
            ])
            .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET)
            .env("OAUTH2KIT_TOKEN", &at))
    };
    let v = json_out(&op("introspect"));
    assert_eq!(v["active"], true);
    assert_eq!(v["client_id"], reg::BASIC_CLIENT_ID);
    assert_eq!(json_out(&op("revoke"))["revoked"], true);
    let o = op("introspect");
    assert_eq!(o.status.code(), Some(1), "an inactive token exits 1");
    assert_eq!(
        serde_json::from_slice::<Value>(&o.stdout).expect("json")["active"],
        false
    );

    let v = json_out(&run(cmd().args(["discover", &server.url()])));
    assert_eq!(v["token_endpoint"], format!("{}/token", server.url()));
}

/// A plain HTTP/1.1 GET that does not follow redirects: (status, Location).
fn get(url: &str) -> (u16, Option<String>) {
    let (status, location, _) = get_page(url);
    (status, location)
}

/// GET without following redirects: status, `Location`, and the whole response.
fn get_page(url: &str) -> (u16, Option<String>, String) {
    let u = url::Url::parse(url).expect("url");
    let mut s = TcpStream::connect((u.host_str().expect("host"), u.port().expect("port")))
        .expect("connect");
    let target = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    write!(
        s,
        "GET {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        u.authority()
    )
    .expect("write");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    let status = resp
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status");
    let location = resp
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("location:"))
        .map(|l| l["location:".len()..].trim().to_string());
    (status, location, resp)
}

/// Starts `token authorization-code` and returns it with the authorization URL it printed.
// The child is handed to the caller, which waits on it.
#[allow(clippy::zombie_processes)]
fn start_auth_code(
    server: &DevServer,
    extra: &[&str],
) -> (
    std::process::Child,
    String,
    BufReader<std::process::ChildStderr>,
) {
    let mut child = cmd()
        .args([
            "token",
            "authorization-code",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
            "--json",
            "--wait",
            "20",
        ])
        .args(extra)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let prefix = format!("{}/authorize?", server.url());
    let mut line = String::new();
    loop {
        line.clear();
        if err.read_line(&mut line).expect("read stderr") == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no authorization URL printed");
        }
        if line.starts_with(&prefix) {
            return (child, line.trim().to_string(), err);
        }
    }
}

#[test]
fn authorization_code_through_the_loopback_listener() {
    let server = DevServer::spawn().expect("devserver");
    let (child, auth_url, _err) = start_auth_code(&server, &[]);
    assert!(
        auth_url.contains("code_challenge_method=S256"),
        "{auth_url}"
    );
    // Play the browser: the devserver auto-approves and redirects to the listener.
    let (status, location) = get(&auth_url);
    assert_eq!(status, 302);
    let location = location.expect("Location");
    assert!(location.starts_with("http://127.0.0.1:"), "{location}");
    let (status, _) = get(&location);
    assert_eq!(status, 200);
    let out = child.wait_with_output().expect("wait");
    let v = json_out(&out);
    assert!(
        v["access_token"].as_str().is_some() && v["refresh_token"].as_str().is_some(),
        "{v}"
    );
}

#[test]
fn open_hands_the_url_to_the_browser() {
    // $BROWSER is the browser: a script that follows the URL like one.
    let dir = std::env::temp_dir().join(format!("oauth2kit-browser-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let browser = dir.join("browser.sh");
    std::fs::write(
        &browser,
        "#!/bin/sh\nexec python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1]).read()' \"$1\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&browser, std::fs::Permissions::from_mode(0o755)).unwrap();
    let server = DevServer::spawn().expect("devserver");
    let out = run(cmd()
        .args([
            "token",
            "authorization-code",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
            "--json",
            "--wait",
            "20",
            "--open",
        ])
        .env("BROWSER", &browser));
    let _ = std::fs::remove_dir_all(&dir);
    let v = json_out(&out);
    assert!(v["access_token"].as_str().is_some(), "{v}");
}

#[test]
fn a_refused_sign_in_says_so_in_the_browser_and_exits_3() {
    let server = DevServer::spawn().expect("devserver");
    // The devserver refuses (access_denied) when login_hint=deny.
    let (child, auth_url, _err) = start_auth_code(&server, &["--login-hint", "deny"]);
    let (_, location) = get(&auth_url);
    let location = location.expect("Location");
    assert!(location.contains("error=access_denied"), "{location}");
    let (status, _, page) = get_page(&location);
    assert_eq!(status, 200);
    assert!(page.contains("Sign-in did not complete"), "{page}");
    assert!(page.contains("access_denied") && !page.contains("You can close this window."));
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
}

#[test]
fn authorization_code_with_a_pasted_redirect() {
    let server = DevServer::spawn().expect("devserver");
    let (mut child, auth_url, _err) = start_auth_code(&server, &["--paste"]);
    let (_, location) = get(&auth_url);
    let location = location.expect("Location");
    writeln!(child.stdin.take().expect("stdin"), "{location}").expect("paste");
    let v = json_out(&child.wait_with_output().expect("wait"));
    assert!(v["access_token"].as_str().is_some());

    // A tampered state is refused before any code exchange: exit 7.
    let (mut child, auth_url, _err) = start_auth_code(&server, &["--paste"]);
    let (_, location) = get(&auth_url);
    let forged = location.expect("Location").replace("state=", "state=x");
    let before = server.count("token");
    writeln!(child.stdin.take().expect("stdin"), "{forged}").expect("paste");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(7));
    assert_eq!(
        server.count("token"),
        before,
        "no code exchange after a state mismatch"
    );
}

#[test]
fn openid_sign_in_shows_validated_claims_then_userinfo() {
    let server = DevServer::spawn().expect("devserver");
    let (child, auth_url, _err) = start_auth_code(&server, &["--scope", "openid read"]);
    let (_, location) = get(&auth_url);
    let (status, _) = get(&location.expect("Location"));
    assert_eq!(status, 200);
    let v = json_out(&child.wait_with_output().expect("wait"));
    // --issuer discovered the JWKS: the ID token was validated, its claims are in --json.
    let claims = &v["id_token_claims"];
    assert_eq!(claims["iss"], server.url(), "{v}");
    assert_eq!(claims["aud"], reg::PUBLIC_CLIENT_ID, "{v}");
    let sub = claims["sub"].as_str().expect("sub").to_string();

    let access = v["access_token"].as_str().unwrap();
    let out = run(cmd()
        .args([
            "userinfo",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
        ])
        .env("OAUTH2KIT_TOKEN", access));
    let info = json_out(&out);
    assert_eq!(info["sub"], sub.as_str(), "{info}");
    assert!(
        !text(&out.stdout).contains(access),
        "no token in the output"
    );
    // A dead token: the server's 401 `invalid_token` is an OAuth error (exit 3).
    let out = run(cmd()
        .args([
            "userinfo",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
        ])
        .env("OAUTH2KIT_TOKEN", "not-a-token"));
    assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("invalid_token"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn openid_request_options_reach_the_url_and_bad_ones_fail_before_the_browser() {
    let server = DevServer::spawn().expect("devserver");
    let (mut child, auth_url, _err) = start_auth_code(
        &server,
        &[
            "--paste",
            "--prompt",
            "login",
            "--max-age",
            "300",
            "--login-hint",
            "alice@example.com",
            "--ui-locales",
            "de-CH en",
            "--claims",
            r#"{"userinfo":{"email":null}}"#,
        ],
    );
    drop(child.stdin.take());
    let _ = child.wait();
    let query = auth_url.split_once('?').unwrap().1;
    for part in [
        "prompt=login",
        "max_age=300",
        "login_hint=alice%40example.com",
        "ui_locales=de-CH+en",
        "claims=%7B%22userinfo%22%3A%7B%22email%22%3Anull%7D%7D",
    ] {
        assert!(query.contains(part), "{part} in {query}");
    }
    for bad in [
        ["--prompt", "none login"],
        ["--max-age", "soon"],
        ["--claims", "[1]"],
    ] {
        let out = run(cmd().args([
            "token",
            "authorization-code",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
            "--paste",
            bad[0],
            bad[1],
        ]));
        assert_eq!(out.status.code(), Some(2), "{bad:?}: {}", text(&out.stderr));
        assert!(!text(&out.stderr).contains("/authorize?"), "{bad:?}");
    }
}

#[test]
fn demo_exits_0() {
    let o = run(cmd().args(["demo"]));
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}\n{}", text(&o.stderr));
    assert!(out.contains("steps did what they should"), "{out}");
    assert!(!out.contains("FAIL"), "{out}");
    // Never a secret on screen: the devserver's client secrets and passwords.
    for s in [
        reg::BASIC_CLIENT_SECRET,
        reg::POST_CLIENT_SECRET,
        reg::JWT_SECRET_CLIENT_SECRET,
        reg::USERS[0].1,
    ] {
        assert!(!out.contains(s), "secret {s:?} printed");
    }
    assert!(!out.contains("eyJ"), "a JWT was printed");
}

/// Configuration errors name the fix as this command's flags, and a
/// misspelled built-in profile gets the closest name, not a file error.
#[test]
fn configuration_errors_name_the_flag_that_fixes_them() {
    let fails = |args: &[&str]| {
        let o = run(cmd()
            .args(["token", "client-credentials", "--client-id", "c"])
            .args(args));
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
        text(&o.stderr)
    };
    let err = fails(&["--token-url", "http://as.example/token"]);
    assert!(err.contains("use HTTPS or --allow-insecure-http"), "{err}");
    assert!(!err.contains("OAuthClientBuilder"), "{err}");
    let err = fails(&[]);
    assert!(
        err.contains("no token endpoint configured; set --token-url URL or --issuer URL"),
        "{err}"
    );
    let err = fails(&[
        "--profile",
        "deskra-v2",
        "--token-url",
        "https://as.example/t",
    ]);
    assert!(err.contains(r#"did you mean "deskera-v2"?"#), "{err}");
    assert!(!err.contains("No such file"), "{err}");
}

/// The caller's own `--wait` running out is not called transient.
#[test]
fn a_wait_that_runs_out_is_not_transient() {
    let server = DevServer::spawn().expect("devserver");
    let o = run(cmd().args([
        "token",
        "authorization-code",
        "--issuer",
        &server.url(),
        "--client-id",
        reg::PUBLIC_CLIENT_ID,
        "--wait",
        "0",
    ]));
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(5), "{err}");
    assert!(
        err.contains("no redirect arrived within --wait 0 s"),
        "{err}"
    );
    assert!(!err.contains("transient"), "{err}");
}

/// `-vv` (and `RUST_LOG`) show each HTTP exchange on stderr, never a secret.
#[test]
fn verbose_logs_the_exchange_without_secrets() {
    let server = DevServer::spawn().expect("devserver");
    let token_url = format!("{}/token", server.url());
    for (flags, rust_log) in [
        (&["-vv", "--json"][..], ""),
        (&["--json"][..], "oauth2kit=debug"),
    ] {
        let o = run(cmd()
            .args([
                "token",
                "client-credentials",
                "--token-url",
                &token_url,
                "--client-id",
                reg::BASIC_CLIENT_ID,
            ])
            .args(flags)
            .env("RUST_LOG", rust_log)
            .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET));
        let v = json_out(&o);
        let err = text(&o.stderr);
        assert!(
            err.contains("HTTP exchange") && err.contains(&token_url),
            "{err}"
        );
        assert!(err.contains("status=200"), "{err}");
        let at = v["access_token"].as_str().expect("access_token");
        assert!(!err.contains(at), "the access token was logged: {err}");
        assert!(!err.contains(reg::BASIC_CLIENT_SECRET), "{err}");
    }
    // Without -v, nothing is logged for a successful request.
    let o = cc(&server, &["--json"]);
    assert!(
        !text(&o.stderr).contains("HTTP exchange"),
        "{}",
        text(&o.stderr)
    );
}
