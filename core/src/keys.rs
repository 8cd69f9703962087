//! Signing keys for JWT client assertions (RFC 7523) and JWT bearer grants:
//! RS256, ES256, EdDSA from PEM or JWK, and HS256 from a client secret.
//! Signing itself is done by the `jsonwebtoken` crate.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::Serialize;

use crate::error::{Error, Result};

/// A private key (or HMAC secret) with its algorithm. Its `Debug` shows only
/// the algorithm and key id; the key material is never printed.
#[derive(Clone)]
pub struct SigningKey {
    algorithm: Algorithm,
    key: EncodingKey,
    kid: Option<String>,
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningKey")
            .field("algorithm", &self.algorithm)
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

fn key_error(what: &str, e: impl fmt::Display) -> Error {
    Error::config(format!("unusable {what} key: {e}"))
}

impl SigningKey {
    /// A PEM private key; the algorithm follows the key type
    /// (RSA → RS256, P-256 → ES256, Ed25519 → EdDSA).
    pub fn from_pem(pem: &str) -> Result<Self> {
        if let Ok(key) = EncodingKey::from_ed_pem(pem.as_bytes()) {
            return Ok(Self::new(Algorithm::EdDSA, key));
        }
        if let Ok(key) = EncodingKey::from_ec_pem(pem.as_bytes()) {
            return Ok(Self::new(Algorithm::ES256, key));
        }
        EncodingKey::from_rsa_pem(pem.as_bytes())
            .map(|key| Self::new(Algorithm::RS256, key))
            .map_err(|e| {
                key_error(
                    "PEM",
                    format!("{e} (expected an RSA, P-256 or Ed25519 private key)"),
                )
            })
    }

    /// A PEM private key with an explicit algorithm (`RS384`, `PS256`, `ES384`…).
    pub fn from_pem_with_algorithm(pem: &str, algorithm: &str) -> Result<Self> {
        let alg: Algorithm = algorithm
            .parse()
            .map_err(|_| Error::config(format!("unknown JWT algorithm {algorithm:?}")))?;
        let key = match alg {
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::PS256
            | Algorithm::PS384
            | Algorithm::PS512 => EncodingKey::from_rsa_pem(pem.as_bytes()),
            Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem.as_bytes()),
            Algorithm::EdDSA => EncodingKey::from_ed_pem(pem.as_bytes()),
            _ => {
                return Err(Error::config(format!(
                    "{algorithm} is not an asymmetric algorithm"
                )));
            }
        }
        .map_err(|e| key_error(algorithm, e))?;
        Ok(Self::new(alg, key))
    }

    /// An HMAC key for `client_secret_jwt` (HS256).
    pub fn hs256(secret: &[u8]) -> Self {
        Self::new(Algorithm::HS256, EncodingKey::from_secret(secret))
    }

    /// A private JWK (`kty` RSA, EC with `crv` P-256, or OKP with `crv` Ed25519).
    /// Its `kid` and `alg`, when present, are used.
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        let v: serde_json::Value =
            serde_json::from_str(jwk).map_err(|e| key_error("JWK", format!("not JSON: {e}")))?;
        let field = |name: &str| -> Result<Vec<u8>> {
            let s = v.get(name).and_then(|x| x.as_str()).ok_or_else(|| {
                key_error(
                    "JWK",
                    format!("missing field {name:?} (a private key is needed)"),
                )
            })?;
            URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .map_err(|e| key_error("JWK", format!("field {name:?}: {e}")))
        };
        let kty = v.get("kty").and_then(|x| x.as_str()).unwrap_or_default();
        let crv = v.get("crv").and_then(|x| x.as_str()).unwrap_or_default();
        let mut key = match (kty, crv) {
            ("RSA", _) => {
                use rsa::pkcs1::EncodeRsaPrivateKey;
                let big = |n: &str| field(n).map(|b| rsa::BigUint::from_bytes_be(&b));
                let private = rsa::RsaPrivateKey::from_components(
                    big("n")?,
                    big("e")?,
                    big("d")?,
                    vec![big("p")?, big("q")?],
                )
                .map_err(|e| key_error("RSA JWK", e))?;
                let der = private
                    .to_pkcs1_der()
                    .map_err(|e| key_error("RSA JWK", e))?;
                Self::new(Algorithm::RS256, EncodingKey::from_rsa_der(der.as_bytes()))
            }
            ("EC", "P-256") => {
                use p256::pkcs8::EncodePrivateKey;
                let secret = p256::SecretKey::from_slice(&field("d")?)
                    .map_err(|e| key_error("EC JWK", e))?;
                let der = secret.to_pkcs8_der().map_err(|e| key_error("EC JWK", e))?;
                Self::new(Algorithm::ES256, EncodingKey::from_ec_der(der.as_bytes()))
            }
            ("OKP", "Ed25519") => {
                use ed25519_dalek::pkcs8::EncodePrivateKey;
                let seed: [u8; 32] = field("d")?
                    .try_into()
                    .map_err(|_| key_error("Ed25519 JWK", "`d` must be 32 bytes"))?;
                let der = ed25519_dalek::SigningKey::from_bytes(&seed)
                    .to_pkcs8_der()
                    .map_err(|e| key_error("Ed25519 JWK", e))?;
                Self::new(Algorithm::EdDSA, EncodingKey::from_ed_der(der.as_bytes()))
            }
            _ => {
                return Err(key_error(
                    "JWK",
                    format!("unsupported kty/crv {kty:?}/{crv:?} (RSA, EC P-256, OKP Ed25519)"),
                ));
            }
        };
        if let Some(alg) = v.get("alg").and_then(|x| x.as_str()) {
            key.algorithm = alg
                .parse()
                .map_err(|_| key_error("JWK", format!("unknown alg {alg:?}")))?;
        }
        key.kid = v.get("kid").and_then(|x| x.as_str()).map(str::to_string);
        Ok(key)
    }

    fn new(algorithm: Algorithm, key: EncodingKey) -> Self {
        SigningKey {
            algorithm,
            key,
            kid: None,
        }
    }

    /// Sets the `kid` header sent with every JWT.
    pub fn with_kid(mut self, kid: impl Into<String>) -> Self {
        self.kid = Some(kid.into());
        self
    }

    /// The JWS algorithm name (`RS256`…).
    pub fn algorithm(&self) -> String {
        format!("{:?}", self.algorithm)
    }

    /// Signs a JWS signing input (`base64url(header).base64url(claims)`) and
    /// returns the base64url signature: for JWTs whose header carries more
    /// than `alg` and `kid` (DPoP proofs: `typ`, `jwk`).
    pub(crate) fn sign_input(&self, input: &[u8]) -> Result<String> {
        ensure_crypto_provider();
        jsonwebtoken::crypto::sign(input, &self.key, self.algorithm)
            .map_err(|e| Error::config(format!("cannot sign JWT with {}: {e}", self.algorithm())))
    }

    /// Signs claims into a compact JWT whose header names its `typ`
    /// (request objects: `oauth-authz-req+jwt`).
    pub(crate) fn sign_typed<T: Serialize>(&self, claims: &T, typ: &str) -> Result<String> {
        self.encode(claims, Some(typ))
    }

    /// Signs claims into a compact JWT.
    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String> {
        self.encode(claims, None)
    }

    /// The compact JWT of `claims`: header `alg`, `kid` when set, and `typ`
    /// (`JWT` unless given).
    fn encode<T: Serialize>(&self, claims: &T, typ: Option<&str>) -> Result<String> {
        ensure_crypto_provider();
        let mut header = Header::new(self.algorithm);
        header.kid = self.kid.clone();
        if let Some(typ) = typ {
            header.typ = Some(typ.to_string());
        }
        jsonwebtoken::encode(&header, claims, &self.key)
            .map_err(|e| Error::config(format!("cannot sign JWT with {}: {e}", self.algorithm())))
    }
}

/// Picks the RustCrypto backend of `jsonwebtoken` for the process unless one is installed.
pub(crate) fn ensure_crypto_provider() {
    let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
}

/// Claims of an RFC 7523 JWT: client assertions (§2.2) and authorization grants (§2.1).
#[derive(Clone, Debug, Serialize)]
pub struct AssertionClaims {
    /// Issuer: the client id for client assertions.
    pub iss: String,
    /// Subject: the client id for client assertions, the user for grants.
    pub sub: String,
    /// Audience: the authorization server (token endpoint URL or issuer).
    pub aud: String,
    /// Unique id, so the server can reject replays.
    pub jti: String,
    /// Issued at (seconds since the epoch).
    pub iat: u64,
    /// Expiry (seconds since the epoch).
    pub exp: u64,
    /// Further claims.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl AssertionClaims {
    /// Fresh claims valid for `lifetime_secs`, with a new random `jti`.
    pub fn new(iss: &str, sub: &str, aud: &str, lifetime_secs: u64) -> Self {
        let now = unix_now();
        AssertionClaims {
            iss: iss.into(),
            sub: sub.into(),
            aud: aud.into(),
            jti: uuid::Uuid::new_v4().to_string(),
            iat: now,
            exp: now + lifetime_secs,
            extra: serde_json::Map::new(),
        }
    }
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_key_material() {
        let k = SigningKey::hs256(b"0123456789abcdef0123456789abcdef").with_kid("k1");
        let shown = format!("{k:?}");
        assert!(shown.contains("HS256") && shown.contains("k1"));
        assert!(!shown.contains("0123456789"));
    }

    #[test]
    fn bad_keys_are_config_errors() {
        assert!(matches!(
            SigningKey::from_pem("not a key"),
            Err(Error::Config(_))
        ));
        assert!(matches!(SigningKey::from_jwk("{}"), Err(Error::Config(_))));
        assert!(matches!(
            SigningKey::from_jwk("{\"kty\":\"EC\",\"crv\":\"P-256\"}"),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn signs_hs256_assertions() {
        let k = SigningKey::hs256(b"0123456789abcdef0123456789abcdef");
        let jwt = k
            .sign(&AssertionClaims::new("c", "c", "https://as/token", 60))
            .unwrap();
        assert_eq!(jwt.split('.').count(), 3);
    }
}
