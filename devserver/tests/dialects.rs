//! The provider dialects, each strict about its documented wire format.

mod common;

use common::*;
use oauth2kit_devserver::DevServer;
use oauth2kit_devserver::clients::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::mpsc;

/// A one-shot-per-request HTTP listener that answers `status` and reports each request line.
async fn callback_listener(status: u16) -> (String, mpsc::UnboundedReceiver<String>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/cb", listener.local_addr().expect("addr"));
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = vec![0u8; 4096];
            let n = socket.read(&mut buf).await.unwrap_or(0);
            let head = String::from_utf8_lossy(&buf[..n]).to_string();
            let _ = tx.send(head.lines().next().unwrap_or("").to_owned());
            let reply =
                format!("HTTP/1.1 {status} X\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (url, rx)
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}

#[tokio::test]
async fn deskera_v2_code_flow_validate_and_rotating_refresh() {
    let server = DevServer::spawn().expect("spawn");
    let link = format!("{}/deskera-v2/", server.url());
    let base = [
        ("client_id", DESKERA_V2_CLIENT_ID),
        ("scope", "write"),
        ("state", "65921"),
        ("response_type", "code"),
    ];
    let r = http().get(&link).query(&base).send().await.expect("link");
    assert_eq!(r.status(), 400, "no registered redirect yet");
    server.set_callback_uri(DESKERA_V2_CLIENT_ID, REDIRECT);
    let r = http()
        .get(&link)
        .query(&base)
        .query(&[("redirect_uri", REDIRECT)])
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 400, "the V2 link takes no redirect_uri");
    let r = http().get(&link).query(&base).send().await.expect("link");
    assert_eq!(r.status(), 302);
    assert!(
        r.headers()["location"]
            .to_str()
            .expect("ascii")
            .starts_with(REDIRECT)
    );
    let pairs = location_params(&r);
    assert_eq!(param(&pairs, "state").as_deref(), Some("65921"));
    assert_eq!(param(&pairs, "iss"), None);
    let code = param(&pairs, "code").expect("code");

    let token_url = format!("{}/deskera-v2/v2/oauth/token", server.url());
    let basic = basic_plain(DESKERA_V2_CLIENT_ID, DESKERA_V2_CLIENT_SECRET);
    let query = [
        ("grant_type", "authorization_code"),
        ("scope", "write"),
        ("code", code.as_str()),
    ];
    // Parameters in a form body instead of the query string: 400.
    let (status, _) = send(
        http()
            .post(&token_url)
            .header("authorization", &basic)
            .form(&query),
    )
    .await;
    assert_eq!(status, 400);
    // No Basic: 401.
    let (status, _) = send(http().post(&token_url).query(&query)).await;
    assert_eq!(status, 401);
    let (status, tokens) = send(
        http()
            .post(&token_url)
            .query(&query)
            .header("authorization", &basic),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        (tokens["token_type"].as_str(), tokens["expires_in"].as_u64()),
        (Some("bearer"), Some(0))
    );
    let (status, _) = send(
        http()
            .post(&token_url)
            .query(&query)
            .header("authorization", &basic),
    )
    .await;
    assert_eq!(status, 400, "codes are single-use");

    let validate = format!("{}/deskera-v2/v1/iam/token/app/validate", server.url());
    let access = tokens["access_token"].as_str().expect("at");
    assert_eq!(
        send(http().get(&validate).header("x-access-token", access))
            .await
            .0,
        200
    );
    assert_eq!(
        send(http().get(&validate).bearer_auth(access)).await.0,
        401,
        "x-access-token, not Bearer"
    );
    assert_eq!(
        send(http().get(&validate).header("x-access-token", "nope"))
            .await
            .0,
        401
    );

    let rt = tokens["refresh_token"].as_str().expect("rt");
    let refresh = [("grant_type", "refresh_token"), ("refresh_token", rt)];
    let (status, renewed) = send(
        http()
            .post(&token_url)
            .query(&refresh)
            .header("authorization", &basic),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    assert_ne!(renewed["refresh_token"], tokens["refresh_token"]);
    let (status, _) = send(
        http()
            .post(&token_url)
            .query(&refresh)
            .header("authorization", &basic),
    )
    .await;
    assert_eq!(status, 400, "the old refresh token is spent");
    assert_eq!(server.count("deskera-v2/token"), 6);
    assert_eq!(server.count("deskera-v2/validate"), 3);
}

#[tokio::test]
async fn deskera_v1_callback_then_tokens_validate_refresh() {
    let server = DevServer::spawn().expect("spawn");
    let (callback, mut requests) = callback_listener(200).await;
    server.set_callback_uri(DESKERA_V1_CLIENT_ID, &callback);
    let link = format!("{}/deskera-v1/", server.url());
    let params = [
        ("response_type", "code"),
        ("scope", "write"),
        ("client_id", DESKERA_V1_CLIENT_ID),
        ("state", "st8"),
    ];
    let r = http()
        .get(&link)
        .query(&params)
        .query(&[("redirect_uri", "http://127.0.0.1:9/done?x=1")])
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 302);
    assert_eq!(r.headers()["location"], "http://127.0.0.1:9/done?x=1");
    let line = requests.recv().await.expect("the callback was called");
    assert!(line.starts_with("GET /cb?code="), "{line}");
    let query = line
        .split_whitespace()
        .nth(1)
        .and_then(|t| t.split_once('?'))
        .map(|(_, q)| q.to_owned())
        .expect("query");
    let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(param(&pairs, "scope").as_deref(), Some("write"));
    assert_eq!(param(&pairs, "state").as_deref(), Some("st8"));
    let code = param(&pairs, "code").expect("code");

    // Without redirect_uri: a "connected" page.
    let r = http().get(&link).query(&params).send().await.expect("link");
    assert_eq!(r.status(), 200);

    let token_url = format!("{}/deskera-v1/oauth/token", server.url());
    let basic = basic_plain(DESKERA_V1_CLIENT_ID, DESKERA_V1_CLIENT_SECRET);
    let query = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
    ];
    assert_eq!(send(http().post(&token_url).query(&query)).await.0, 401);
    assert_eq!(
        send(
            http()
                .post(&token_url)
                .form(&query)
                .header("authorization", &basic)
        )
        .await
        .0,
        400
    );
    let (status, tokens) = send(
        http()
            .post(&token_url)
            .query(&query)
            .header("authorization", &basic),
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    for field in [
        "access_token",
        "refresh_token",
        "deskera-token",
        "deskera-refresh-token",
        "username",
        "org",
        "email",
    ] {
        assert!(tokens[field].is_string(), "{field} in {tokens}");
    }
    assert_eq!(tokens["token_type"], "bearer");

    let validate = format!("{}/deskera-v1/validate", server.url());
    let deskera_token = tokens["deskera-token"].as_str().expect("deskera-token");
    assert_eq!(
        send(
            http()
                .get(&validate)
                .header("x-access-token", deskera_token)
        )
        .await
        .0,
        200
    );
    assert_eq!(send(http().get(&validate)).await.0, 401);

    let refresh_url = format!("{}/deskera-v1/refresh", server.url());
    let old = tokens["deskera-refresh-token"].as_str().expect("drt");
    assert_eq!(
        send(http().post(&refresh_url).form(&[("refreshToken", old)]))
            .await
            .0,
        415
    );
    let (status, renewed) = send(
        http()
            .post(&refresh_url)
            .json(&json!({ "refreshToken": old })),
    )
    .await;
    assert_eq!(status, 200, "{renewed}");
    for field in ["accessToken", "refreshToken", "idToken"] {
        assert!(renewed[field].is_string(), "{field} in {renewed}");
    }
    assert_eq!(
        (
            renewed["expiresIn"].as_u64(),
            renewed["tokenType"].as_str(),
            renewed["emailVerified"].as_bool()
        ),
        (Some(0), Some("bearer"), Some(false))
    );
    assert_eq!(
        send(http().get(&validate).header(
            "x-access-token",
            renewed["accessToken"].as_str().expect("at")
        ))
        .await
        .0,
        200
    );
    assert_eq!(
        send(
            http()
                .post(&refresh_url)
                .json(&json!({ "refreshToken": old }))
        )
        .await
        .0,
        401,
        "rotated"
    );
}

#[tokio::test]
async fn deskera_v1_failed_callback_is_a_502() {
    let server = DevServer::spawn().expect("spawn");
    let (callback, _requests) = callback_listener(500).await;
    server.set_callback_uri(DESKERA_V1_CLIENT_ID, &callback);
    let params = [
        ("response_type", "code"),
        ("scope", "write"),
        ("client_id", DESKERA_V1_CLIENT_ID),
        ("redirect_uri", "http://127.0.0.1:9/done"),
    ];
    let r = http()
        .get(format!("{}/deskera-v1/", server.url()))
        .query(&params)
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 502);
    assert!(r.headers().get("location").is_none());
    server.set_callback_uri(DESKERA_V1_CLIENT_ID, "http://127.0.0.1:1/nobody-listens");
    let r = http()
        .get(format!("{}/deskera-v1/", server.url()))
        .query(&params)
        .send()
        .await
        .expect("link");
    assert_eq!(r.status(), 502);
}

#[tokio::test]
async fn desko_json_client_credentials() {
    let server = DevServer::spawn().expect("spawn");
    let url = format!("{}/desko/v1.1/oauth/token", server.url());
    let good = json!({ "grant_type": "client_credentials", "client_id": DESKO_CLIENT_ID, "client_secret": DESKO_CLIENT_SECRET, "scope": "organization.show booking.show" });
    let (status, body) = send(http().post(&url).json(&good)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        (body["token_type"].as_str(), body["expires_in"].as_u64()),
        (Some("Bearer"), Some(3600))
    );
    let access = body["access_token"].as_str().expect("at");
    let r = http()
        .get(format!("{}/desko/v1.1/resource", server.url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("resource");
    assert_eq!(json(r).await["scope"], "organization.show booking.show");

    let mut bad = good.clone();
    bad["client_secret"] = json!("wrong");
    let (status, body) = send(http().post(&url).json(&bad)).await;
    assert_eq!(
        (status, body),
        (
            401,
            json!({ "error": 401, "id": "oauth_server", "message": "Client authentication failed" })
        )
    );
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", DESKO_CLIENT_ID),
        ("client_secret", DESKO_CLIENT_SECRET),
    ];
    assert_eq!(send(http().post(&url).form(&form)).await.0, 415);
    assert_eq!(
        send(
            http()
                .post(&url)
                .header("content-type", "application/json")
                .body("{")
        )
        .await
        .0,
        400
    );
    assert_eq!(
        send(http().get(format!("{}/desko/v1.1/resource", server.url())))
            .await
            .0,
        401
    );
}

#[tokio::test]
async fn generic_provider_takes_secrets_in_the_body_and_does_not_rotate() {
    let server = DevServer::spawn().expect("spawn");
    let r = http()
        .get(format!("{}/generic/oauth/authorize", server.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", GENERIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", "read_write"),
            ("state", "S"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(r.status(), 302);
    let pairs = location_params(&r);
    assert_eq!(param(&pairs, "state").as_deref(), Some("S"));
    let code = param(&pairs, "code").expect("code");

    let url = format!("{}/generic/oauth/token", server.url());
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code.as_str()),
        ("redirect_uri", REDIRECT),
    ];
    let (status, body) = send(http().post(&url).form(&form).header(
        "authorization",
        basic_plain(GENERIC_CLIENT_ID, GENERIC_CLIENT_SECRET),
    ))
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client")),
        "Basic is refused"
    );
    let with_secret = |extra: &[(&'static str, String)]| {
        let mut f: Vec<(&str, String)> = vec![
            ("client_id", GENERIC_CLIENT_ID.into()),
            ("client_secret", GENERIC_CLIENT_SECRET.into()),
        ];
        f.extend_from_slice(extra);
        f
    };
    let (status, tokens) = send(http().post(&url).form(&with_secret(&[
        ("grant_type", "authorization_code".into()),
        ("code", code.clone()),
        ("redirect_uri", REDIRECT.into()),
    ])))
    .await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    let rt = tokens["refresh_token"].as_str().expect("rt").to_owned();
    for _ in 0..2 {
        let (status, renewed) = send(http().post(&url).form(&with_secret(&[
            ("grant_type", "refresh_token".into()),
            ("refresh_token", rt.clone()),
        ])))
        .await;
        assert_eq!(status, 200, "{renewed}");
        assert!(
            renewed.get("refresh_token").is_none(),
            "no rotation: {renewed}"
        );
    }
    let (status, _) = send(
        http()
            .post(&url)
            .json(&json!({ "grant_type": "refresh_token" })),
    )
    .await;
    assert_eq!(status, 400, "form bodies only");
}
