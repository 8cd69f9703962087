//! The server's RS256 keys: sign every JWT it issues and verify its own.
//!
//! A second key can be rotated in for ID tokens (a test knob): from then on ID
//! tokens carry the new `kid` and `/jwks` lists both keys, so a client that cached
//! the old set must refetch it. Access tokens stay on the first key.

use std::sync::atomic::{AtomicBool, Ordering};

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

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
        Ok(Self {
            encoding,
            decoding,
            jwk,
            next,
            next_decoding,
            next_jwk,
            rotated: AtomicBool::new(false),
        })
    }

    /// From now on, ID tokens are signed with the second key, and `/jwks` lists both.
    pub(crate) fn rotate(&self) {
        self.rotated.store(true, Ordering::SeqCst);
    }

    /// Signs ID token claims (`typ` JWT) with the current ID token key and, when
    /// `kid` is given, that `kid` in the header instead of the key's own (a test knob).
    pub(crate) fn sign_id_token(
        &self,
        claims: &Value,
        kid: Option<&str>,
    ) -> Result<String, OAuthError> {
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
            serde_json::json!({ "keys": [self.jwk, self.next_jwk] })
        } else {
            serde_json::json!({ "keys": [self.jwk] })
        }
    }
}
