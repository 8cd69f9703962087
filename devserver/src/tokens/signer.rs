//! The server's RS256 key: signs every JWT it issues and verifies its own.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde_json::Value;

use crate::http::error::OAuthError;
use crate::keys;

pub(crate) struct Signer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    jwks: Value,
}

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
        Ok(Self {
            encoding,
            decoding,
            jwks: serde_json::json!({ "keys": [jwk] }),
        })
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
        jsonwebtoken::decode::<Value>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }

    pub(crate) fn jwks(&self) -> &Value {
        &self.jwks
    }
}
