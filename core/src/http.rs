//! The sans-IO seam: plain HTTP requests and responses.
//!
//! Every operation of the client builds an [`HttpRequest`] and parses an
//! [`HttpResponse`]; sending is the job of a [`crate::Transport`] — reqwest by
//! default, or the caller's own HTTP stack.

use std::fmt;

/// HTTP method of a request the client builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    /// `GET`
    Get,
    /// `POST`
    Post,
}

impl Method {
    /// The method as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A request ready to send. Its `Debug` hides credentials, tokens and the body.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// Method.
    pub method: Method,
    /// Absolute URL, query string included.
    pub url: url::Url,
    /// Header names and values, in order.
    pub headers: Vec<(String, String)>,
    /// Body bytes (empty for none).
    pub body: Vec<u8>,
    /// Whether a redirect answer may be followed. Token, introspection and
    /// revocation endpoints never follow redirects (a 3xx there is an error).
    pub follow_redirects: bool,
}

impl HttpRequest {
    /// A request with no headers and no body.
    pub fn new(method: Method, url: url::Url) -> Self {
        HttpRequest {
            method,
            url,
            headers: Vec::new(),
            body: Vec::new(),
            follow_redirects: false,
        }
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The body as text (lossy), for tests and diagnostics you control.
    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

impl fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers: Vec<String> = self
            .headers
            .iter()
            .map(|(n, v)| {
                if is_sensitive_header(n) {
                    format!("{n}: [redacted]")
                } else {
                    format!("{n}: {v}")
                }
            })
            .collect();
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &redacted_url(&self.url))
            .field("headers", &headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

/// A response as received. Bodies are capped by the transport.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Header names (lowercase) and values.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// A response with a status and a body.
    pub fn new(status: u16, headers: Vec<(String, String)>, body: impl Into<Vec<u8>>) -> Self {
        HttpResponse {
            status,
            headers,
            body: body.into(),
        }
    }

    /// A JSON response, handy in tests of the sans-IO layer.
    pub fn json(status: u16, body: &str) -> Self {
        Self::new(
            status,
            vec![("content-type".into(), "application/json".into())],
            body,
        )
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        header_value(&self.headers, name)
    }

    /// The media type without parameters, lowercase (`application/json`).
    pub fn media_type(&self) -> Option<String> {
        self.header("content-type").map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
    }
}

impl fmt::Debug for HttpResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Response bodies carry tokens: only their size is shown.
        f.debug_struct("HttpResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn header_value<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

pub(crate) fn is_sensitive_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n == "authorization"
        || n == "cookie"
        || n == "dpop"
        || n.contains("token")
        || n.contains("secret")
}

/// The URL with every query value replaced: some providers put codes and
/// refresh tokens in the query string (Deskera), so none is ever printed.
pub(crate) fn redacted_url(url: &url::Url) -> String {
    let mut shown = format!("{}{}", url.origin().ascii_serialization(), url.path());
    if url.query().is_some() {
        let names: Vec<String> = url.query_pairs().map(|(k, _)| format!("{k}=…")).collect();
        shown.push('?');
        shown.push_str(&names.join("&"));
    }
    shown
}

/// The URL as logs show it: scheme, host, port and path; no query, no
/// fragment, no user info (each may carry a code, a token or a password).
#[cfg_attr(not(feature = "reqwest"), allow(dead_code))] // read by the async client only
pub(crate) fn url_for_log(url: &url::Url) -> String {
    format!("{}{}", url.origin().ascii_serialization(), url.path())
}

/// The one transport-security rule, for every request the library sends
/// (token, discovery, introspection, revocation, userinfo, validation,
/// callbacks…): HTTPS, or plain HTTP to a loopback host (127.0.0.0/8, ::1,
/// `localhost`), unless the caller opted out with `allow_insecure_http`.
/// Credentials and tokens must not cross a network in clear text, and
/// discovery answers choose where they go next.
pub(crate) fn check_secure(url: &url::Url, allow_insecure_http: bool) -> crate::Result<()> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(crate::Error::hint(crate::ConfigHint::new(
            format!("{} is plain HTTP on a non-loopback host", redacted_url(url)),
            "use HTTPS or",
            &["allow_insecure_http"],
        ))),
        other => Err(crate::Error::Config(format!(
            "{}: unsupported scheme {other:?}",
            redacted_url(url)
        ))),
    }
}

fn is_loopback(u: &url::Url) -> bool {
    match u.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A `Location` (absolute or relative) fit for an error: query values and
/// the fragment removed. An implicit-grant redirect carries
/// `#access_token=…`, and a relative one (`/cb#access_token=…`) is no URL to
/// parse, so it is cut at the first `?` or `#`.
pub(crate) fn redacted_location(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(u) => redacted_url(&u),
        Err(_) => location
            .split(['?', '#'])
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_credentials_and_query_values() {
        let mut req = HttpRequest::new(
            Method::Post,
            url::Url::parse("https://as.example/token?refresh_token=SECRET1").unwrap(),
        );
        req.headers
            .push(("Authorization".into(), "Basic SECRET2".into()));
        req.headers
            .push(("x-access-token".into(), "SECRET3".into()));
        req.body = b"client_secret=SECRET4".to_vec();
        let shown = format!("{req:?}");
        assert!(!shown.contains("SECRET"), "{shown}");
        assert!(shown.contains("refresh_token=…"));
    }

    #[test]
    fn locations_lose_query_values_and_fragments() {
        for l in [
            "/cb#access_token=SECRET",
            "/cb?code=SECRET&state=x",
            "cb?x=1#access_token=SECRET",
            "https://app/cb#access_token=SECRET",
            "https://app/cb?code=SECRET#access_token=SECRET",
        ] {
            let shown = redacted_location(l);
            assert!(!shown.contains("SECRET") && !shown.contains('#'), "{shown}");
        }
    }
}
