//! The JWS algorithms an ID token or a signed UserInfo answer may be signed
//! with (RFC 7518 §3.1): what `jsonwebtoken` verifies, plus ES512, which it
//! does not (ECDSA on P-521 with SHA-512, verified with RustCrypto's `p521`).
//!
//! One enum of our own is the algorithm everywhere in the OpenID Connect code
//! (configuration, key selection, hashes, errors), so ES512 goes through the
//! same ordered checks as the others and differs only where the signature is
//! computed (`id_token::verify_signature`).

use jsonwebtoken::Algorithm;

/// A JWS algorithm by its JOSE name. `none` has no value: it never parses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum JwsAlg {
    /// Verified by `jsonwebtoken` (HMAC parses, to be refused by name).
    Jwt(Algorithm),
    /// ECDSA using P-521 and SHA-512 (RFC 7518 §3.4), verified with `p521`.
    Es512,
}

impl JwsAlg {
    /// The algorithm of a JOSE name (exact, case-sensitive as RFC 7515 says),
    /// or `None` for `none` and names this library does not know.
    pub(crate) fn from_name(name: &str) -> Option<JwsAlg> {
        if name == "ES512" {
            return Some(JwsAlg::Es512);
        }
        name.parse::<Algorithm>().ok().map(JwsAlg::Jwt)
    }

    /// Whether this is an HMAC algorithm (never accepted for ID tokens: the
    /// key would be the client secret, or a published key used as one).
    pub(crate) fn is_hmac(self) -> bool {
        matches!(
            self,
            JwsAlg::Jwt(Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512)
        )
    }

    /// The name of the algorithm as JOSE writes it.
    pub(crate) fn name(self) -> &'static str {
        match self {
            JwsAlg::Es512 => "ES512",
            JwsAlg::Jwt(alg) => match alg {
                Algorithm::HS256 => "HS256",
                Algorithm::HS384 => "HS384",
                Algorithm::HS512 => "HS512",
                Algorithm::ES256 => "ES256",
                Algorithm::ES384 => "ES384",
                Algorithm::RS256 => "RS256",
                Algorithm::RS384 => "RS384",
                Algorithm::RS512 => "RS512",
                Algorithm::PS256 => "PS256",
                Algorithm::PS384 => "PS384",
                Algorithm::PS512 => "PS512",
                Algorithm::EdDSA => "EdDSA",
            },
        }
    }

    /// The size in bits of the hash the algorithm signs with (SHA-512 for
    /// Ed25519), which `at_hash`/`c_hash` use (OpenID Connect Core §3.1.3.6).
    pub(crate) fn hash_bits(self) -> u16 {
        match self {
            JwsAlg::Jwt(
                Algorithm::HS384 | Algorithm::RS384 | Algorithm::PS384 | Algorithm::ES384,
            ) => 384,
            JwsAlg::Jwt(
                Algorithm::HS512 | Algorithm::RS512 | Algorithm::PS512 | Algorithm::EdDSA,
            )
            | JwsAlg::Es512 => 512,
            JwsAlg::Jwt(_) => 256,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_none_never_parses() {
        for name in [
            "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512",
            "EdDSA", "HS256", "HS384", "HS512",
        ] {
            let alg = JwsAlg::from_name(name).unwrap();
            assert_eq!(alg.name(), name);
            assert_eq!(alg.is_hmac(), name.starts_with("HS"), "{name}");
        }
        for name in ["none", "None", "es512", "ES521", ""] {
            assert_eq!(JwsAlg::from_name(name), None, "{name}");
        }
        assert_eq!(JwsAlg::Es512.hash_bits(), 512);
        assert_eq!(JwsAlg::Jwt(Algorithm::ES384).hash_bits(), 384);
        assert_eq!(JwsAlg::Jwt(Algorithm::ES256).hash_bits(), 256);
    }
}
