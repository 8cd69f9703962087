//! PKCE (RFC 7636).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    S256,
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub(crate) method: Method,
    pub(crate) value: String,
}

/// `code_challenge_method` defaults to `plain` when absent (RFC 7636 §4.3).
pub(crate) fn parse_method(raw: Option<&str>) -> Option<Method> {
    match raw {
        None | Some("plain") => Some(Method::Plain),
        Some("S256") => Some(Method::S256),
        Some(_) => None,
    }
}

/// 43 to 128 characters of `[A-Za-z0-9-._~]`: the syntax of both the verifier (§4.1) and,
/// since S256 output is 43 base64url characters, of any challenge.
pub(crate) fn well_formed(s: &str) -> bool {
    (43..=128).contains(&s.len())
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~'))
}

pub(crate) fn verify(challenge: &Challenge, verifier: &str) -> bool {
    match challenge.method {
        Method::Plain => challenge.value == verifier,
        Method::S256 => {
            URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) == challenge.value
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b() {
        let challenge = Challenge {
            method: Method::S256,
            value: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".to_owned(),
        };
        assert!(verify(
            &challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        ));
        assert!(!verify(
            &challenge,
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXx"
        ));
        assert!(well_formed("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert!(!well_formed("short"));
    }
}
