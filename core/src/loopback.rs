//! The loopback redirect listener of native and command-line apps (RFC 8252 §7.3): bind
//! 127.0.0.1 (a free port when the redirect URI names none), wait for the
//! browser's one GET to the redirect path, answer a short page, hand the full
//! redirect URL to the core (which checks state and `iss` and reads the code).
//! A deadline bounds the wait, so a user who never comes back gets an error,
//! not a hang.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use crate::error::{Error, Result};

/// Largest request head accepted from the browser.
const MAX_HEAD: usize = 16 * 1024;

/// A one-shot HTTP listener on a loopback redirect URI.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    /// The redirect URI with the port actually bound.
    redirect_uri: url::Url,
}

impl LoopbackListener {
    /// Binds the host and port of `redirect_uri` (port 0 or none: any free port).
    pub fn bind(redirect_uri: &str) -> Result<Self> {
        let mut uri = url::Url::parse(redirect_uri)
            .map_err(|e| Error::config(format!("invalid redirect URI {redirect_uri:?}: {e}")))?;
        let host = match uri.host() {
            Some(url::Host::Ipv4(ip)) if ip.is_loopback() => ip.to_string(),
            Some(url::Host::Ipv6(ip)) if ip.is_loopback() => format!("[{ip}]"),
            Some(url::Host::Domain(d)) if d.eq_ignore_ascii_case("localhost") => {
                "127.0.0.1".to_string()
            }
            _ => {
                return Err(Error::config(format!(
                    "redirect URI {redirect_uri:?} is not a loopback http URI (RFC 8252 §7.3)"
                )));
            }
        };
        if uri.scheme() != "http" {
            return Err(Error::config(
                "the loopback listener speaks plain http (RFC 8252 §7.3)",
            ));
        }
        let port = uri.port().unwrap_or(0);
        let listener = TcpListener::bind(format!("{host}:{port}"))
            .map_err(|e| Error::Transport(format!("cannot listen on {host}:{port}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Error::Transport(e.to_string()))?
            .port();
        uri.set_port(Some(bound))
            .map_err(|_| Error::config("the redirect URI cannot carry a port"))?;
        listener
            .set_nonblocking(true)
            .map_err(|e| Error::Transport(e.to_string()))?;
        Ok(LoopbackListener {
            listener,
            redirect_uri: uri,
        })
    }

    /// The redirect URI with the port actually bound: put this one in the authorization request.
    pub fn redirect_uri(&self) -> &str {
        self.redirect_uri.as_str()
    }

    /// Waits for the redirect and returns it as a full URL. Requests to other
    /// paths (a browser's favicon) get a 404 and the wait goes on. The page the
    /// browser shows says whether sign-in went through: after an `error`
    /// redirect (`access_denied`…) it says so, not "you can close this window"
    /// as if all were well.
    pub fn wait(&self, timeout: Duration) -> Result<String> {
        self.serve_one(timeout, |target| (200, page_for(target)))
    }

    /// Like [`LoopbackListener::wait`], but `answer` decides the response from the
    /// request target (path and query): a server-to-server callback (Deskera
    /// V1) must be answered only once the tokens are held, with their outcome.
    pub fn serve_one(
        &self,
        timeout: Duration,
        answer: impl FnOnce(&str) -> (u16, String),
    ) -> Result<String> {
        // The timeout is the caller's: clamped to 100 years, never overflowing.
        let deadline = crate::time::instant_after(Instant::now(), timeout);
        let mut answer = Some(answer);
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(url) = self.serve(stream, &mut answer) {
                        return Ok(url);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if deadline.is_none_or(|d| Instant::now() >= d) {
                        return Err(Error::Timeout(timeout));
                    }
                    std::thread::sleep(Duration::from_millis(25));
                }
                Err(e) => return Err(Error::Transport(format!("loopback listener failed: {e}"))),
            }
        }
    }

    /// Reads one request; returns the redirect URL if it is the one awaited.
    fn serve<F: FnOnce(&str) -> (u16, String)>(
        &self,
        mut stream: TcpStream,
        answer: &mut Option<F>,
    ) -> Option<String> {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let head = read_head(&mut stream)?;
        let line = head.lines().next()?;
        let mut parts = line.split(' ');
        let (method, target) = (parts.next()?, parts.next()?);
        let path = target.split('?').next().unwrap_or("");
        if method != "GET" || path != self.redirect_uri.path() {
            let _ = respond(&mut stream, 404, "Not the redirect URI.");
            return None;
        }
        let (status, text) = answer
            .take()
            .map(|f| f(target))
            .unwrap_or((200, String::new()));
        let _ = respond(&mut stream, status, &text);
        let origin = self.redirect_uri.origin().ascii_serialization();
        Some(format!("{origin}{target}"))
    }
}

/// The browser's page for a redirect: its `error` and `error_description`
/// are the server's (or an attacker's) text, so they are HTML-escaped and the
/// description is cut to 200 characters.
fn page_for(target: &str) -> String {
    let query = target.split_once('?').map(|(_, q)| q).unwrap_or("");
    let mut error = None;
    let mut description = None;
    for (k, v) in url::form_urlencoded::parse(query.as_bytes()) {
        match k.as_ref() {
            "error" => error = Some(v.into_owned()),
            "error_description" => description = Some(v.into_owned()),
            _ => {}
        }
    }
    match error {
        None => "oauth2kit received the authorization response. You can close this window.".into(),
        Some(e) => {
            let why = description
                .map(|d| {
                    format!(
                        " ({})",
                        escape_html(&d.chars().take(200).collect::<String>())
                    )
                })
                .unwrap_or_default();
            format!(
                "Sign-in did not complete: the authorization server answered {}{why}. \
                 You can close this window and try again.",
                escape_html(&e)
            )
        }
    }
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn read_head(stream: &mut TcpStream) -> Option<String> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > MAX_HEAD {
            return None;
        }
    }
    String::from_utf8(buf).ok()
}

fn respond(stream: &mut TcpStream, status: u16, text: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        400 => "Bad Request",
        _ => "Error",
    };
    let body = format!("<!doctype html><title>oauth2kit</title><p>{text}</p>\n");
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receives_the_redirect_and_ignores_other_paths() {
        let l = LoopbackListener::bind("http://127.0.0.1/callback").unwrap();
        let uri = l.redirect_uri().to_string();
        assert!(!uri.contains(":80/") && uri.starts_with("http://127.0.0.1:"));
        let addr = uri
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let browser = std::thread::spawn(move || {
            for path in ["/favicon.ico", "/callback?code=c&state=s"] {
                let mut s = TcpStream::connect(&addr).unwrap();
                write!(s, "GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
                let mut answer = String::new();
                let _ = s.read_to_string(&mut answer);
            }
        });
        let got = l.wait(Duration::from_secs(5)).unwrap();
        browser.join().unwrap();
        assert_eq!(got, format!("{}?code=c&state=s", uri));
    }

    #[test]
    fn the_page_says_when_sign_in_was_refused_and_escapes_what_the_server_wrote() {
        assert!(page_for("/cb?code=c&state=s").contains("You can close this window."));
        let refused = page_for(
            "/cb?error=access_denied&error_description=%3Cscript%3Ealert(1)%3C%2Fscript%3E&state=s",
        );
        assert!(refused.starts_with("Sign-in did not complete"), "{refused}");
        assert!(refused.contains("access_denied"), "{refused}");
        assert!(
            refused.contains("&lt;script&gt;") && !refused.contains("<script>"),
            "{refused}"
        );
        let long = format!("/cb?error=x&error_description={}", "a".repeat(5000));
        assert!(page_for(&long).len() < 400);
    }

    #[test]
    fn a_huge_timeout_is_accepted() {
        let l = LoopbackListener::bind("http://127.0.0.1/cb").unwrap();
        let addr = l
            .redirect_uri()
            .trim_start_matches("http://")
            .split('/')
            .next()
            .unwrap()
            .to_string();
        let browser = std::thread::spawn(move || {
            let mut s = TcpStream::connect(&addr).unwrap();
            write!(s, "GET /cb?code=c HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut answer = String::new();
            let _ = s.read_to_string(&mut answer);
        });
        assert!(l.wait(Duration::MAX).unwrap().ends_with("/cb?code=c"));
        browser.join().unwrap();
    }

    #[test]
    fn refuses_non_loopback_and_times_out() {
        assert!(matches!(
            LoopbackListener::bind("http://example.com/cb"),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            LoopbackListener::bind("https://127.0.0.1/cb"),
            Err(Error::Config(_))
        ));
        let l = LoopbackListener::bind("http://127.0.0.1/cb").unwrap();
        assert!(matches!(
            l.wait(Duration::from_millis(50)),
            Err(Error::Timeout(_))
        ));
    }
}
