//! PKCE (RFC 7636): a random verifier and its challenge.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::secret::Secret;

/// The challenge method. S256 is the default; `Plain` only when asked for.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PkceMethod {
    /// `S256`: the challenge is base64url(SHA-256(verifier)).
    #[default]
    S256,
    /// `plain`: the challenge is the verifier (for servers without S256 only).
    Plain,
}

impl PkceMethod {
    /// The `code_challenge_method` value.
    pub fn as_str(self) -> &'static str {
        match self {
            PkceMethod::S256 => "S256",
            PkceMethod::Plain => "plain",
        }
    }
}

/// A new verifier: 32 random bytes, base64url → 43 characters (RFC 7636 §4.1).
pub fn new_verifier() -> Secret {
    Secret::new(random_token(32))
}

/// The challenge for a verifier.
pub fn challenge(verifier: &Secret, method: PkceMethod) -> String {
    match method {
        PkceMethod::S256 => URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes())),
        PkceMethod::Plain => verifier.expose().to_string(),
    }
}

/// `n` random bytes from the OS generator, base64url without padding.
pub(crate) fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::fill(&mut bytes[..]);
    URL_SAFE_NO_PAD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let v = Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assert_eq!(
            challenge(&v, PkceMethod::S256),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(challenge(&v, PkceMethod::Plain), v.expose());
    }

    #[test]
    fn verifiers_are_long_and_unique() {
        let a = new_verifier();
        let b = new_verifier();
        assert_eq!(a.expose().len(), 43);
        assert_ne!(a.expose(), b.expose());
    }
}
