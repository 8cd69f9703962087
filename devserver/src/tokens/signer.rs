//! The server's keys: RS256 signs every JWT it issues and verifies its own.
//!
//! A second key can be rotated in for ID tokens (a test knob): from then on ID
//! tokens carry the new `kid` and `/jwks` lists both keys, so a client that cached
//! the old set must refetch it. Access tokens stay on the first key.
//!
//! ID tokens and signed userinfo can be signed with ES512 instead (another knob,
//! [`IdTokenAlg`]), with a P-521 key `/jwks` always lists: `jsonwebtoken` does not
//! do ES512, so those JWTs are put together here and signed with `p521`.

use std::sync::atomic::{AtomicBool, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use p521::pkcs8::DecodePrivateKey;
use serde_json::{Value, json};

use crate::http::error::OAuthError;
use crate::keys;

pub(crate) struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwk: Value,
    /// The key rotated in for ID tokens, and its JWK.
    next: EncodingKey,
    next_decoding: DecodingKey,
    next_jwk: Value,
    rotated: AtomicBool,
    /// The P-521 key for ES512 ID tokens, and its JWK.
    es512: p521::ecdsa::SigningKey,
    es512_jwk: Value,
}

/// The algorithm ID tokens and signed userinfo are signed with (a test knob).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum IdTokenAlg {
    /// RS256 with the server key (or the rotated-in one): the default.
    #[default]
    Rs256,
    /// ES512 with the P-521 key [`keys::SERVER_ES512_KID`].
    Es512,
}

impl IdTokenAlg {
    /// `RS256` or `ES512`.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "RS256" => Some(Self::Rs256),
            "ES512" => Some(Self::Es512),
            _ => None,
        }
    }

    /// The JOSE name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Rs256 => "RS256",
            Self::Es512 => "ES512",
        }
    }
}

/// The `kid` of the key rotated in by [`Signer::rotate`].
pub const ROTATED_KID: &str = "devserver-rs256-2";

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Signer")
            .field("kid", &keys::SERVER_KID)
            .finish()
    }
}

impl Signer {
    /// Loads the embedded key. Failing here means the committed key files are broken,
    /// which `DevServer::spawn` reports as an I/O error rather than a panic.
    pub(crate) fn load() -> Result<Self, String> {
        let encoding = EncodingKey::from_rsa_pem(keys::SERVER_PRIVATE_PEM.as_bytes())
            .map_err(|e| format!("server private key: {e}"))?;
        let decoding = DecodingKey::from_rsa_pem(keys::SERVER_PUBLIC_PEM.as_bytes())
            .map_err(|e| format!("server public key: {e}"))?;
        let jwk: Value =
            serde_json::from_str(keys::SERVER_JWK).map_err(|e| format!("server JWK: {e}"))?;
        // The rotated-in key is the committed `rsa-client` key under another kid: a
        // throwaway test key either way, and no new key file to keep in sync.
        let next = EncodingKey::from_rsa_pem(keys::RSA_CLIENT_PRIVATE_PEM.as_bytes())
            .map_err(|e| format!("rotation key: {e}"))?;
        let next_decoding = DecodingKey::from_rsa_pem(keys::RSA_CLIENT_PUBLIC_PEM.as_bytes())
            .map_err(|e| format!("rotation public key: {e}"))?;
        let mut next_jwk: Value =
            serde_json::from_str(keys::RSA_CLIENT_JWK).map_err(|e| format!("rotation JWK: {e}"))?;
        next_jwk["kid"] = Value::String(ROTATED_KID.to_owned());
        let es512 = p521::SecretKey::from_pkcs8_pem(keys::SERVER_ES512_PRIVATE_PEM)
            .map_err(|e| format!("ES512 key: {e}"))
            .and_then(|secret| {
                p521::ecdsa::SigningKey::from_bytes(&secret.to_bytes())
                    .map_err(|e| format!("ES512 key: {e}"))
            })?;
        let es512_jwk: Value =
            serde_json::from_str(keys::SERVER_ES512_JWK).map_err(|e| format!("ES512 JWK: {e}"))?;
        Ok(Self {
            encoding,
            decoding,
            jwk,
            next,
            next_decoding,
            next_jwk,
            rotated: AtomicBool::new(false),
            es512,
            es512_jwk,
        })
    }

    /// From now on, ID tokens are signed with the second key, and `/jwks` lists both.
    pub(crate) fn rotate(&self) {
        self.rotated.store(true, Ordering::SeqCst);
    }

    /// Signs ID token claims (`typ` JWT) with `alg` and the current ID token key
    /// of that algorithm and, when `kid` is given, that `kid` in the header instead
    /// of the key's own (a test knob).
    pub(crate) fn sign_id_token(
        &self,
        claims: &Value,
        kid: Option<&str>,
        alg: IdTokenAlg,
    ) -> Result<String, OAuthError> {
        if alg == IdTokenAlg::Es512 {
            return self.sign_es512(claims, kid.unwrap_or(keys::SERVER_ES512_KID));
        }
        let rotated = self.rotated.load(Ordering::SeqCst);
        let (key, own_kid) = if rotated {
            (&self.next, ROTATED_KID)
        } else {
            (&self.encoding, keys::SERVER_KID)
        };
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(kid.unwrap_or(own_kid).to_owned());
        header.typ = Some("JWT".to_owned());
        jsonwebtoken::encode(&header, claims, key)
            .map_err(|e| OAuthError::server_error(format!("could not sign a JWT: {e}")))
    }

    /// ES512 (RFC 7518 §3.4): ECDSA P-521 over `base64url(header).base64url(claims)`
    /// with SHA-512, the signature R || S (66 bytes each).
    fn sign_es512(&self, claims: &Value, kid: &str) -> Result<String, OAuthError> {
        use p521::ecdsa::signature::Signer as _;
        let header = json!({ "alg": "ES512", "typ": "JWT", "kid": kid });
        let input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let signature: p521::ecdsa::Signature = self
            .es512
            .try_sign(input.as_bytes())
            .map_err(|e| OAuthError::server_error(format!("could not sign a JWT: {e}")))?;
        Ok(format!(
            "{input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        ))
    }

    /// Signs `claims` with the header `typ` (`at+jwt` for access tokens per RFC 9068).
    pub(crate) fn sign(&self, typ: &str, claims: &Value) -> Result<String, OAuthError> {
        let mut header = Header::new(Algorithm::RS256);
        header.kid = Some(keys::SERVER_KID.to_owned());
        header.typ = Some(typ.to_owned());
        jsonwebtoken::encode(&header, claims, &self.encoding)
            .map_err(|e| OAuthError::server_error(format!("could not sign a JWT: {e}")))
    }

    /// The claims of a JWT this server signed, if its signature and `exp` hold.
    pub(crate) fn verify(&self, token: &str) -> Option<Value> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.validate_aud = false;
        let rotated = self.rotated.load(Ordering::SeqCst);
        jsonwebtoken::decode::<Value>(token, &self.decoding, &validation)
            .or_else(|e| match rotated {
                true => jsonwebtoken::decode::<Value>(token, &self.next_decoding, &validation),
                false => Err(e),
            })
            .ok()
            .map(|data| data.claims)
    }

    pub(crate) fn jwks(&self) -> Value {
        if self.rotated.load(Ordering::SeqCst) {
            json!({ "keys": [self.jwk, self.es512_jwk, self.next_jwk] })
        } else {
            json!({ "keys": [self.jwk, self.es512_jwk] })
        }
    }
}
