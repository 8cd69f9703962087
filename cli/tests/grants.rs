//! `oauth2kit token` for device, token exchange, JWT bearer and SAML 2.0
//! bearer, against a real devserver.

use std::io::{BufRead, BufReader};
use std::process::Stdio;

mod common;
use common::{cmd, json_out, run, text};

use oauth2kit_devserver::DevServer;
use oauth2kit_devserver::clients as reg;

const KEYS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../devserver/keys");

fn post_json(url: &str, body: &str) -> u16 {
    use std::io::{Read, Write};
    let u = url::Url::parse(url).expect("url");
    let mut s =
        std::net::TcpStream::connect((u.host_str().expect("host"), u.port().expect("port")))
            .expect("connect");
    write!(
        s,
        "POST {} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        u.path(),
        u.authority(),
        body.len()
    )
    .expect("write");
    let mut resp = String::new();
    s.read_to_string(&mut resp).expect("read");
    resp.split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .expect("status")
}

#[test]
fn device_flow_shows_the_code_and_polls_until_approved() {
    let server = DevServer::spawn().expect("devserver");
    server.set_device_timing(60, 1);
    let mut child = cmd()
        .args([
            "token",
            "device",
            "--issuer",
            &server.url(),
            "--client-id",
            reg::PUBLIC_CLIENT_ID,
            "--json",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut err = BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    let code = loop {
        line.clear();
        if err.read_line(&mut line).expect("read") == 0 {
            let _ = child.kill();
            let _ = child.wait();
            panic!("no user code printed");
        }
        if let Some(code) = line.strip_prefix("Code: ") {
            break code.trim().to_string();
        }
    };
    let body = serde_json::json!({ "user_code": code, "approve": true }).to_string();
    assert_eq!(
        post_json(&format!("{}/device/approve", server.url()), &body),
        200
    );
    let v = json_out(&child.wait_with_output().expect("wait"));
    assert!(v["access_token"].as_str().is_some(), "{v}");
    assert!(server.count("token") >= 1);
}

#[test]
fn token_exchange_jwt_bearer_and_saml2() {
    let server = DevServer::spawn().expect("devserver");
    let token_url = format!("{}/token", server.url());
    let basic = |args: &[&str]| {
        let mut c = cmd();
        c.args(args)
            .args([
                "--token-url",
                &token_url,
                "--client-id",
                reg::BASIC_CLIENT_ID,
                "--json",
            ])
            .env("OAUTH2KIT_CLIENT_SECRET", reg::BASIC_CLIENT_SECRET);
        c
    };
    let subject = json_out(&run(&mut basic(&["token", "client-credentials"])))["access_token"]
        .as_str()
        .expect("at")
        .to_string();
    let v = json_out(&run(basic(&[
        "token",
        "token-exchange",
        "--audience",
        "https://api.example/",
    ])
    .env("OAUTH2KIT_SUBJECT_TOKEN", &subject)));
    assert_eq!(
        v["extra"]["issued_token_type"], "urn:ietf:params:oauth:token-type:access_token",
        "{v}"
    );

    // A bogus subject token: the server says no (exit 3), and the token is not echoed.
    let o = run(basic(&["token", "token-exchange"])
        .env("OAUTH2KIT_SUBJECT_TOKEN", "bogus-subject-token-123"));
    assert_eq!(o.status.code(), Some(3), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("bogus-subject-token-123"));

    let key = format!("{KEYS}/ed-client.pem");
    let v = json_out(&run(cmd().args([
        "token",
        "jwt-bearer",
        "--token-url",
        &token_url,
        "--client-id",
        reg::ED_CLIENT_ID,
        "--private-key",
        &key,
        "--sign-with",
        &key,
        "--subject",
        "bob",
        "--json",
    ])));
    assert!(v["access_token"].as_str().is_some(), "{v}");
    // --sign-with without --subject is a usage error (2).
    let o = run(cmd().args([
        "token",
        "jwt-bearer",
        "--token-url",
        &token_url,
        "--client-id",
        reg::ED_CLIENT_ID,
        "--private-key",
        &key,
        "--sign-with",
        &key,
    ]));
    assert_eq!(o.status.code(), Some(2));

    let dir = std::env::temp_dir().join(format!("oauth2kit-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let file = dir.join("assertion.xml");
    std::fs::write(
        &file,
        "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"><saml:Issuer>https://idp</saml:Issuer>\
         <saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject></saml:Assertion>",
    )
    .expect("write");
    let v = json_out(&run(&mut basic(&[
        "token",
        "saml2-bearer",
        "--assertion-file",
        file.to_str().expect("path"),
    ])));
    assert!(v["access_token"].as_str().is_some(), "{v}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn provider_profiles_and_validate_with_a_profile_file() {
    let server = DevServer::spawn().expect("devserver");
    let desko = |extra: &[&str]| {
        let mut c = cmd();
        c.args([
            "token",
            "client-credentials",
            "--profile",
            "desko",
            "--base-url",
            &format!("{}/desko", server.url()),
        ])
        .args(["--client-id", reg::DESKO_CLIENT_ID])
        .args(extra);
        c
    };
    let v = json_out(&run(
        desko(&["--json"]).env("OAUTH2KIT_CLIENT_SECRET", reg::DESKO_CLIENT_SECRET)
    ));
    let token = v["access_token"].as_str().expect("token").to_string();
    // Desko's own error body: exit 3, its id/message shown, its numeric `error` kept.
    let o = run(desko(&[]).env("OAUTH2KIT_CLIENT_SECRET", "wrong-desko-secret"));
    assert_eq!(o.status.code(), Some(3));
    let err = text(&o.stderr);
    assert!(
        err.contains("oauth_server") && err.contains("Client authentication failed"),
        "{err}"
    );
    assert!(!err.contains("wrong-desko-secret"));

    // A user's own profile file with a validation endpoint (Desko's API answers 200 or 401).
    let dir = std::env::temp_dir().join(format!("oauth2kit-cli-profile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("tmp");
    let profile = dir.join("desko-validate.toml");
    std::fs::write(
        &profile,
        format!(
            "name = \"desko-validate\"\nclient_auth = \"client_secret_post\"\n[validate]\nmethod = \"GET\"\nurl = \"{}/desko/v1.1/resource\"\n",
            server.url()
        ),
    )
    .expect("write");
    let validate = |tok: &str| {
        run(cmd()
            .args([
                "validate",
                "--profile",
                profile.to_str().expect("path"),
                "--client-id",
                reg::DESKO_CLIENT_ID,
            ])
            .env("OAUTH2KIT_TOKEN", tok))
    };
    let o = validate(&token);
    assert_eq!(
        (o.status.code(), text(&o.stdout).trim()),
        (Some(0), "valid"),
        "{}",
        text(&o.stderr)
    );
    let o = validate("not-a-token");
    assert_eq!(
        (o.status.code(), text(&o.stdout).trim()),
        (Some(1), "invalid"),
        "{}",
        text(&o.stderr)
    );
    // A broken profile file is a configuration error naming the problem.
    std::fs::write(&profile, "name = \"x\"\nno_such_field = 1\n").expect("write");
    let o = validate(&token);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no_such_field"),
        "{}",
        text(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
