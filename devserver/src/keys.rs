//! The test keys, committed in `devserver/keys/` and embedded here so Rust tests can sign
//! client assertions without touching the file system.
//!
//! These are throwaway keys for a loopback test server. Never use them for anything else.

/// `rsa-client`'s private key (RSA 2048, PKCS#8 PEM), for `private_key_jwt` with RS256.
pub const RSA_CLIENT_PRIVATE_PEM: &str = include_str!("../keys/rsa-client.pem");
/// `rsa-client`'s public key (SPKI PEM); the server verifies its assertions with this.
pub const RSA_CLIENT_PUBLIC_PEM: &str = include_str!("../keys/rsa-client.pub.pem");
/// `rsa-client`'s public key as a JWK (`kid` = `rsa-client`).
pub const RSA_CLIENT_JWK: &str = include_str!("../keys/rsa-client.jwk.json");

/// `ec-client`'s private key (P-256, PKCS#8 PEM), for `private_key_jwt` with ES256.
pub const EC_CLIENT_PRIVATE_PEM: &str = include_str!("../keys/ec-client.pem");
/// `ec-client`'s public key (SPKI PEM).
pub const EC_CLIENT_PUBLIC_PEM: &str = include_str!("../keys/ec-client.pub.pem");
/// `ec-client`'s public key as a JWK (`kid` = `ec-client`).
pub const EC_CLIENT_JWK: &str = include_str!("../keys/ec-client.jwk.json");

/// `ed-client`'s private key (Ed25519, PKCS#8 PEM), for `private_key_jwt` with EdDSA.
pub const ED_CLIENT_PRIVATE_PEM: &str = include_str!("../keys/ed-client.pem");
/// `ed-client`'s public key (SPKI PEM).
pub const ED_CLIENT_PUBLIC_PEM: &str = include_str!("../keys/ed-client.pub.pem");
/// `ed-client`'s public key as a JWK (`kid` = `ed-client`).
pub const ED_CLIENT_JWK: &str = include_str!("../keys/ed-client.jwk.json");

/// The server's token-signing public key (RS256, SPKI PEM); also served at `GET /jwks`.
pub const SERVER_PUBLIC_PEM: &str = include_str!("../keys/server-rs256.pub.pem");
/// The server's token-signing public key as a JWK.
pub const SERVER_JWK: &str = include_str!("../keys/server-rs256.jwk.json");
/// The `kid` in the header of every JWT the server signs.
pub const SERVER_KID: &str = "devserver-rs256";

/// The server's private key. Crate-private: tests should not mint server tokens.
pub(crate) const SERVER_PRIVATE_PEM: &str = include_str!("../keys/server-rs256.pem");

/// The server's ES512 (P-521) public key as a JWK, always listed at `GET /jwks`; ID
/// tokens and signed userinfo are signed with it once a test asks for ES512.
pub const SERVER_ES512_JWK: &str = include_str!("../keys/server-es512.jwk.json");
/// The `kid` of [`SERVER_ES512_JWK`].
pub const SERVER_ES512_KID: &str = "devserver-es512";
/// The P-521 private key (PKCS#8 PEM). Crate-private, like the RS256 one.
pub(crate) const SERVER_ES512_PRIVATE_PEM: &str = include_str!("../keys/server-es512.pem");

/// `self-signed-client`'s certificate (self-signed, P-256, valid 2020–2120; PEM): its
/// SHA-256 thumbprint is registered for `self_signed_tls_client_auth` (RFC 8705 §2.2).
pub const SELF_SIGNED_CLIENT_CERT_PEM: &str = include_str!("../keys/self-signed-client.crt.pem");
/// `self-signed-client`'s private key (P-256, PKCS#8 PEM).
pub const SELF_SIGNED_CLIENT_KEY_PEM: &str = include_str!("../keys/self-signed-client.key.pem");

#[cfg(test)]
mod tests {
    use jsonwebtoken::jwk::Jwk;
    use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
    use serde_json::{Value, json};

    use super::*;

    /// Each committed JWK must verify what the matching private PEM signs, so the
    /// files cannot drift apart.
    #[test]
    fn jwks_match_their_private_keys() {
        let cases = [
            (SERVER_PRIVATE_PEM, SERVER_JWK, Algorithm::RS256),
            (RSA_CLIENT_PRIVATE_PEM, RSA_CLIENT_JWK, Algorithm::RS256),
            (EC_CLIENT_PRIVATE_PEM, EC_CLIENT_JWK, Algorithm::ES256),
            (ED_CLIENT_PRIVATE_PEM, ED_CLIENT_JWK, Algorithm::EdDSA),
        ];
        for (pem, jwk, alg) in cases {
            let key = match alg {
                Algorithm::ES256 => EncodingKey::from_ec_pem(pem.as_bytes()),
                Algorithm::EdDSA => EncodingKey::from_ed_pem(pem.as_bytes()),
                _ => EncodingKey::from_rsa_pem(pem.as_bytes()),
            }
            .expect("private key");
            let token =
                jsonwebtoken::encode(&Header::new(alg), &json!({ "exp": 4_000_000_000u64 }), &key)
                    .expect("sign");
            let jwk: Jwk = serde_json::from_str(jwk).expect("JWK");
            let decoding = DecodingKey::from_jwk(&jwk).expect("decoding key");
            let verified = jsonwebtoken::decode::<Value>(&token, &decoding, &Validation::new(alg));
            assert!(verified.is_ok(), "{alg:?}: {verified:?}");
        }
    }

    /// The committed P-521 JWK is the public half of the committed private key.
    #[test]
    fn es512_jwk_matches_its_private_key() {
        use base64::Engine;
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use p521::pkcs8::DecodePrivateKey;
        let secret = p521::SecretKey::from_pkcs8_pem(SERVER_ES512_PRIVATE_PEM).expect("P-521 key");
        let signing = p521::ecdsa::SigningKey::from_bytes(&secret.to_bytes()).expect("signing key");
        let point = p521::ecdsa::VerifyingKey::from(&signing).to_encoded_point(false);
        let jwk: Value = serde_json::from_str(SERVER_ES512_JWK).expect("JWK");
        assert_eq!(jwk["kid"], SERVER_ES512_KID);
        assert_eq!(jwk["x"], URL_SAFE_NO_PAD.encode(point.x().expect("x")));
        assert_eq!(jwk["y"], URL_SAFE_NO_PAD.encode(point.y().expect("y")));
    }
}
