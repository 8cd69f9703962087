//! Counters, fault injection, the HTTP control API, and the server's lifecycle.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use oauth2kit_devserver::clients::*;
use oauth2kit_devserver::{DevServer, Fault};
use serde_json::json;

fn client_credentials() -> [(&'static str, &'static str); 3] {
    [
        ("grant_type", "client_credentials"),
        ("client_id", POST_CLIENT_ID),
        ("client_secret", POST_CLIENT_SECRET),
    ]
}

#[tokio::test]
async fn faults_replace_or_delay_responses_then_wear_off() {
    let server = DevServer::spawn().expect("spawn");
    server.inject(Fault {
        endpoint: "token".into(),
        status: 503,
        body: "down".into(),
        content_type: "text/plain".into(),
        times: 2,
        headers: vec![("Retry-After".into(), "7".into())],
        ..Fault::default()
    });
    for _ in 0..2 {
        let r = http()
            .post(format!("{}/token", server.url()))
            .form(&client_credentials())
            .send()
            .await
            .expect("token");
        assert_eq!(r.status(), 503);
        assert_eq!(r.headers()["retry-after"], "7");
        assert_eq!(r.headers()["content-type"], "text/plain");
        assert_eq!(r.text().await.expect("body"), "down");
    }
    let (status, _) = post_form(&server, "/token", None, &client_credentials()).await;
    assert_eq!(status, 200);
    assert_eq!(server.count("token"), 3);

    // status 0: delay, then the real answer.
    server.inject(Fault {
        endpoint: "token".into(),
        delay_ms: 300,
        ..Fault::default()
    });
    let started = Instant::now();
    let (status, _) = post_form(&server, "/token", None, &client_credentials()).await;
    assert_eq!(status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));

    server.inject(Fault {
        endpoint: "token".into(),
        status: 500,
        times: 5,
        ..Fault::default()
    });
    server.clear_faults();
    let (status, _) = post_form(&server, "/token", None, &client_credentials()).await;
    assert_eq!(status, 200);
    server.reset_counts();
    assert_eq!(server.count("token"), 0);
    assert_eq!(server.counts().get("jwks"), Some(&0));
}

#[tokio::test]
async fn the_control_api_over_http() {
    let server = DevServer::spawn().expect("spawn");
    let control = |path: &str, body: serde_json::Value| {
        let url = format!("{}/control/{path}", server.url());
        async move { http().post(url).json(&body).send().await.expect("control") }
    };
    assert_eq!(
        control(
            "fault",
            json!({ "endpoint": "token", "status": 429, "body": "{\"error\":\"slow\"}" })
        )
        .await
        .status(),
        200
    );
    assert_eq!(
        control("fault", json!({ "endpoint": "nope", "status": 500 }))
            .await
            .status(),
        400
    );
    assert_eq!(
        control("fault", json!({ "status": 500 })).await.status(),
        400
    );
    let (status, body) = post_form(&server, "/token", None, &client_credentials()).await;
    assert_eq!((status, body["error"].as_str()), (429, Some("slow")));

    let counts = json(
        http()
            .get(format!("{}/control/counts", server.url()))
            .send()
            .await
            .expect("counts"),
    )
    .await;
    assert_eq!(counts["token"], 1);
    assert_eq!(counts["userinfo"], 0);
    assert_eq!(control("reset", json!({})).await.status(), 200);
    assert_eq!(server.count("token"), 0);

    assert_eq!(
        control("token-lifetime", json!({ "seconds": 42 }))
            .await
            .status(),
        200
    );
    let (_, body) = post_form(&server, "/token", None, &client_credentials()).await;
    assert_eq!(body["expires_in"], 42);
    assert_eq!(
        control("token-lifetime", json!({ "secs": 1 }))
            .await
            .status(),
        400
    );
    assert_eq!(
        control(
            "callback-uri",
            json!({ "client_id": "x", "uri": "not a url" })
        )
        .await
        .status(),
        400
    );
    let r = http()
        .post(format!("{}/control/token-lifetime", server.url()))
        .body("{")
        .send()
        .await
        .expect("control");
    assert_eq!(r.status(), 400);
}

#[test]
fn works_from_sync_code_and_inside_another_runtime() {
    let server = DevServer::spawn().expect("spawn");
    let url = server.url();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!url.ends_with('/'));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Spawned and dropped from inside a runtime.
        let inner = DevServer::spawn().expect("spawn inside a runtime");
        let r = http()
            .get(format!("{}/jwks", inner.url()))
            .send()
            .await
            .expect("jwks");
        assert_eq!(r.status(), 200);
        drop(inner);
        let r = http()
            .get(format!("{url}/jwks"))
            .send()
            .await
            .expect("jwks");
        assert_eq!(r.status(), 200);
    });
    let addr = server.addr();
    drop(server);
    assert!(
        std::net::TcpStream::connect(addr).is_err(),
        "the port is closed after drop"
    );
}

#[test]
fn the_binary_prints_its_url_and_exits_on_stdin_eof() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_oauth2kit-devserver"))
        .arg("--exit-on-stdin-eof")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the binary");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("first line");
    let url = line.trim_end();
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{line:?}"
    );
    let port: u16 = url
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    assert!(std::net::TcpStream::connect(("127.0.0.1", port)).is_ok());
    drop(child.stdin.take());
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            assert!(status.success());
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the binary did not exit on stdin EOF"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
