//! What the default transport puts on the wire, read by a raw loopback TCP
//! listener that keeps the request bytes: a POST with an empty form body
//! (device authorization with Basic auth and no scope) carries
//! `Content-Length: 0` — without it oidc-provider refuses the request
//! ("only application/x-www-form-urlencoded content-type bodies are supported").

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;

use oauth2kit::{AuthMethod, Client, OAuthClient};

/// Accepts one connection, reads one request (headers, then as many body
/// bytes as its Content-Length says), answers `answer` and returns the
/// request's bytes through the receiver.
fn one_shot(answer: &'static str) -> (u16, mpsc::Receiver<String>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        let head_end = loop {
            let n = conn.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed before the end of the headers");
            buf.extend_from_slice(&chunk[..n]);
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|l| l.strip_prefix("content-length:"))
            .map(|v| v.trim().parse().unwrap())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let n = conn.read(&mut chunk).unwrap();
            assert!(n > 0, "connection closed before the end of the body");
            buf.extend_from_slice(&chunk[..n]);
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{answer}",
            answer.len()
        );
        conn.write_all(response.as_bytes()).unwrap();
        tx.send(String::from_utf8_lossy(&buf).into_owned()).unwrap();
    });
    (port, rx)
}

fn header<'a>(request: &'a str, name: &str) -> Option<&'a str> {
    let head = request.split("\r\n\r\n").next().unwrap_or("");
    head.lines().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

const DEVICE_ANSWER: &str = r#"{"device_code":"dc","user_code":"UC","verification_uri":"http://127.0.0.1/device","expires_in":60}"#;

#[tokio::test]
async fn an_empty_post_body_is_sent_with_content_length_zero() {
    let (port, rx) = one_shot(DEVICE_ANSWER);
    let client = Client::new(
        OAuthClient::builder("basic-client")
            .client_secret("s3cret")
            .auth_method(AuthMethod::ClientSecretBasic)
            .device_authorization_url(format!("http://127.0.0.1:{port}/device"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let device = client.device_authorization(None).await.unwrap();
    assert_eq!(device.user_code, "UC");
    let request = rx.recv().unwrap();
    assert!(request.starts_with("POST /device "), "{request}");
    assert!(
        header(&request, "authorization").is_some(),
        "Basic auth expected"
    );
    assert_eq!(header(&request, "content-length"), Some("0"), "{request}");
    assert!(request.ends_with("\r\n\r\n"), "no body bytes expected");
    assert_eq!(
        request
            .to_ascii_lowercase()
            .matches("content-length")
            .count(),
        1,
        "one Content-Length header: {request}"
    );
}

#[test]
fn the_blocking_client_sends_content_length_zero_too() {
    let (port, rx) = one_shot(DEVICE_ANSWER);
    let client = oauth2kit::blocking::Client::new(
        OAuthClient::builder("basic-client")
            .client_secret("s3cret")
            .auth_method(AuthMethod::ClientSecretBasic)
            .device_authorization_url(format!("http://127.0.0.1:{port}/device"))
            .build()
            .unwrap(),
    )
    .unwrap();
    client.device_authorization(None).unwrap();
    let request = rx.recv().unwrap();
    assert_eq!(header(&request, "content-length"), Some("0"), "{request}");
}

#[tokio::test]
async fn a_form_body_keeps_its_own_length() {
    let (port, rx) = one_shot(DEVICE_ANSWER);
    let client = Client::new(
        OAuthClient::builder("basic-client")
            .client_secret("s3cret")
            .device_authorization_url(format!("http://127.0.0.1:{port}/device"))
            .build()
            .unwrap(),
    )
    .unwrap();
    client.device_authorization(Some("read")).await.unwrap();
    let request = rx.recv().unwrap();
    let body = request.split("\r\n\r\n").nth(1).unwrap();
    assert_eq!(body, "scope=read");
    assert_eq!(header(&request, "content-length"), Some("10"));
    assert_eq!(
        request
            .to_ascii_lowercase()
            .matches("content-length")
            .count(),
        1,
        "one Content-Length header: {request}"
    );
}
