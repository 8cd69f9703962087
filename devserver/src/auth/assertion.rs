//! Verifying JWTs signed by a registered client: client assertions (RFC 7523 §3, for
//! `client_secret_jwt` and `private_key_jwt`), JWT bearer grants (RFC 7523 §2.1) and
//! subject/actor tokens in token exchange.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;

use crate::clients::{Registration, VerifyKey};

/// What the caller insists on beyond a good signature and an unexpired `exp`.
#[derive(Debug, Default)]
pub(crate) struct Expect<'a> {
    /// `aud` must name one of these (when empty, `aud` is not checked).
    pub(crate) audiences: &'a [String],
    /// `sub` must equal this (client assertions: `sub` = `iss` = client id).
    pub(crate) sub: Option<&'a str>,
    /// `sub` and `jti` must be present.
    pub(crate) require_sub_and_jti: bool,
}

/// The `iss` claim read *without* verifying anything, only to find whose key to use.
pub(crate) fn unverified_issuer(jwt: &str) -> Option<String> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    claims.get("iss")?.as_str().map(str::to_owned)
}

/// Verifies `jwt` with `client`'s registered key and returns its claims, or why not.
pub(crate) fn verify(
    client: &Registration,
    jwt: &str,
    expect: &Expect<'_>,
) -> Result<Value, String> {
    let Some(key) = client.key else {
        return Err(format!(
            "client {} has no registered signing key",
            client.id
        ));
    };
    let (algorithm, decoding) = match key {
        VerifyKey::Secret(secret) => (
            Algorithm::HS256,
            DecodingKey::from_secret(secret.as_bytes()),
        ),
        VerifyKey::Public(alg, pem) => (alg, public_key(alg, pem)?),
        VerifyKey::SanDns(_) | VerifyKey::Certificate(_) => {
            return Err(format!(
                "client {} authenticates by TLS certificate, not by JWT",
                client.id
            ));
        }
    };
    let mut validation = Validation::new(algorithm);
    // Loopback has no clock skew; `exp` must simply be in the future.
    validation.leeway = 0;
    validation.set_issuer(&[client.id]);
    let mut required = vec!["exp", "iss"];
    if expect.audiences.is_empty() {
        validation.validate_aud = false;
    } else {
        validation.set_audience(expect.audiences);
        required.push("aud");
    }
    if expect.require_sub_and_jti {
        required.push("sub");
    }
    validation.set_required_spec_claims(&required);
    validation.sub = expect.sub.map(str::to_owned);

    let claims = jsonwebtoken::decode::<Value>(jwt, &decoding, &validation)
        .map_err(|e| format!("JWT rejected: {e}"))?
        .claims;
    if expect.require_sub_and_jti && claims.get("jti").and_then(Value::as_str).is_none() {
        return Err("JWT has no jti".to_owned());
    }
    Ok(claims)
}

fn public_key(alg: Algorithm, pem: &str) -> Result<DecodingKey, String> {
    let key = match alg {
        Algorithm::ES256 | Algorithm::ES384 => DecodingKey::from_ec_pem(pem.as_bytes()),
        Algorithm::EdDSA => DecodingKey::from_ed_pem(pem.as_bytes()),
        _ => DecodingKey::from_rsa_pem(pem.as_bytes()),
    };
    key.map_err(|e| format!("registered key unusable: {e}"))
}

pub(crate) fn exp(claims: &Value) -> u64 {
    claims.get("exp").and_then(Value::as_u64).unwrap_or(0)
}

pub(crate) fn str_claim<'a>(claims: &'a Value, name: &str) -> Option<&'a str> {
    claims.get(name).and_then(Value::as_str)
}
