//! Redirect-URI matching: exact string comparison (RFC 6749 §3.1.2.3, RFC 9700 §4.1.3),
//! except that a registered loopback IP URI matches on any port (RFC 8252 §7.3), because
//! a native app listens on whatever port the OS gives it.

use url::Url;

pub(crate) fn matches(requested: &str, registered: &[&str]) -> bool {
    registered
        .iter()
        .any(|r| *r == requested || loopback_any_port(requested, r))
}

fn loopback_any_port(requested: &str, registered: &str) -> bool {
    let (Ok(req), Ok(reg)) = (Url::parse(requested), Url::parse(registered)) else {
        return false;
    };
    let is_loopback_ip = matches!(reg.host_str(), Some("127.0.0.1") | Some("[::1]"));
    is_loopback_ip
        && reg.scheme() == "http"
        && reg.port().is_none()
        && req.scheme() == "http"
        && req.host_str() == reg.host_str()
        && req.path() == reg.path()
        && req.query() == reg.query()
        && req.fragment().is_none()
        && req.username().is_empty()
        && req.password().is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    const REGISTERED: [&str; 3] = [
        "http://127.0.0.1/callback",
        "http://localhost:8765/callback",
        "com.example.app:/oauth2redirect",
    ];

    #[test]
    fn loopback_ip_matches_any_port_but_nothing_else_loosens() {
        assert!(matches("http://127.0.0.1:51234/callback", &REGISTERED));
        assert!(matches("http://127.0.0.1/callback", &REGISTERED));
        assert!(matches("com.example.app:/oauth2redirect", &REGISTERED));
        assert!(matches("http://localhost:8765/callback", &REGISTERED));
        assert!(!matches("http://localhost:8766/callback", &REGISTERED));
        assert!(!matches("http://127.0.0.1:5/callback/x", &REGISTERED));
        assert!(!matches("http://127.0.0.1:5/callback?x=1", &REGISTERED));
        assert!(!matches("https://127.0.0.1:5/callback", &REGISTERED));
        assert!(!matches("http://127.0.0.2:5/callback", &REGISTERED));
    }
}
