//! A minimal HTTP/1.1 GET, for Deskera V1's server-to-server callback.
//!
//! Hand-rolled over a tokio socket rather than pulling in an HTTP client crate: the
//! callback only ever goes to a loopback `http://` test listener, and only its status
//! line matters.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use url::Url;

const TIMEOUT: Duration = Duration::from_secs(5);

/// GETs `url` and returns the response status code.
pub(crate) async fn get(url: &Url) -> Result<u16, String> {
    if url.scheme() != "http" {
        return Err(format!(
            "only http:// callbacks are supported, not {}",
            url.scheme()
        ));
    }
    let host = url.host_str().ok_or("the callback URI has no host")?;
    let port = url.port_or_known_default().unwrap_or(80);
    let target = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    let request = format!(
        "GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: oauth2kit-devserver\r\n\
         Accept: */*\r\nConnection: close\r\n\r\n"
    );
    let exchange = async {
        let mut stream = TcpStream::connect(format!("{host}:{port}"))
            .await
            .map_err(|e| format!("cannot connect to {host}:{port}: {e}"))?;
        stream
            .write_all(request.as_bytes())
            .await
            .map_err(|e| format!("cannot send the callback: {e}"))?;
        read_status(&mut stream).await
    };
    tokio::time::timeout(TIMEOUT, exchange)
        .await
        .map_err(|_| format!("the callback did not answer within {} s", TIMEOUT.as_secs()))?
}

async fn read_status(stream: &mut TcpStream) -> Result<u16, String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 512];
    while !head.windows(2).any(|w| w == b"\r\n") && head.len() < 8192 {
        let n = stream
            .read(&mut buf)
            .await
            .map_err(|e| format!("cannot read the callback's answer: {e}"))?;
        if n == 0 {
            break;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let line = String::from_utf8_lossy(&head);
    let mut parts = line.split_whitespace();
    match (
        parts.next(),
        parts.next().and_then(|s| s.parse::<u16>().ok()),
    ) {
        (Some(version), Some(status)) if version.starts_with("HTTP/") => Ok(status),
        _ => Err("the callback's answer is not HTTP".to_owned()),
    }
}
