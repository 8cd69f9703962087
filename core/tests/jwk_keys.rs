//! Private keys given as JWKs (RFC 7517) sign client assertions the devserver
//! accepts, for RS256, ES256 and EdDSA. The JWKs are derived here from the
//! devserver's PEM test keys, so both forms are checked against one key.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2kit::{Client, SigningKey};
use oauth2kit_devserver::{clients, keys};

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn rsa_jwk() -> String {
    use rsa::pkcs8::DecodePrivateKey;
    use rsa::traits::{PrivateKeyParts, PublicKeyParts};
    let k = rsa::RsaPrivateKey::from_pkcs8_pem(keys::RSA_CLIENT_PRIVATE_PEM)
        .or_else(|_| {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            rsa::RsaPrivateKey::from_pkcs1_pem(keys::RSA_CLIENT_PRIVATE_PEM)
        })
        .unwrap();
    let p = k.primes();
    serde_json::json!({
        "kty": "RSA", "kid": "rsa-jwk",
        "n": b64(&k.n().to_bytes_be()), "e": b64(&k.e().to_bytes_be()), "d": b64(&k.d().to_bytes_be()),
        "p": b64(&p[0].to_bytes_be()), "q": b64(&p[1].to_bytes_be()),
    })
    .to_string()
}

fn ec_jwk() -> String {
    use p256::pkcs8::DecodePrivateKey;
    let k = p256::SecretKey::from_pkcs8_pem(keys::EC_CLIENT_PRIVATE_PEM).unwrap();
    serde_json::json!({"kty": "EC", "crv": "P-256", "d": b64(&k.to_bytes())}).to_string()
}

fn ed_jwk() -> String {
    use ed25519_dalek::pkcs8::DecodePrivateKey;
    let k = ed25519_dalek::SigningKey::from_pkcs8_pem(keys::ED_CLIENT_PRIVATE_PEM).unwrap();
    serde_json::json!({"kty": "OKP", "crv": "Ed25519", "d": b64(&k.to_bytes())}).to_string()
}

#[tokio::test]
async fn private_key_jwt_with_jwk_keys() {
    let srv = common::server();
    for (id, jwk, alg) in [
        (clients::RSA_CLIENT_ID, rsa_jwk(), "RS256"),
        (clients::EC_CLIENT_ID, ec_jwk(), "ES256"),
        (clients::ED_CLIENT_ID, ed_jwk(), "EdDSA"),
    ] {
        let key = SigningKey::from_jwk(&jwk).unwrap();
        assert_eq!(key.algorithm(), alg);
        assert!(!format!("{key:?}").contains("\"d\""));
        let c = Client::new(common::builder(&srv, id).private_key(key).build().unwrap()).unwrap();
        c.client_credentials(None)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
    // the wrong key for a client is refused by the server
    let wrong = SigningKey::from_jwk(&ec_jwk()).unwrap();
    let c = Client::new(
        common::builder(&srv, clients::ED_CLIENT_ID)
            .private_key(wrong)
            .build()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(
        c.client_credentials(None)
            .await
            .unwrap_err()
            .oauth()
            .unwrap()
            .error,
        "invalid_client"
    );
}
