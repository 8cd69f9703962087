//! DPoP (RFC 9449), server side: checking a proof (§4.3), demanding nonces (§8 at the
//! token endpoint, §9 at resources), and the `jkt` a token is bound to (RFC 7638).
//!
//! Written from the RFC, not from the client: the proof is verified with jsonwebtoken
//! against the key in its own header, every claim is checked, and `jti`s are remembered.

use axum::http::HeaderMap;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::app::{AppState, lock};
use crate::clock;
use crate::http::error::OAuthError;

/// How far a proof's `iat` may be from the server's clock, in seconds.
pub(crate) const IAT_WINDOW: u64 = 60;
/// The algorithms proofs may use (advertised in the metadata).
pub(crate) const ALGORITHMS: [&str; 4] = ["ES256", "RS256", "PS256", "EdDSA"];

/// Why a proof was refused.
#[derive(Debug)]
pub(crate) enum Refusal {
    /// `invalid_dpop_proof`, with the reason.
    Invalid(String),
    /// The proof lacks the nonce the server demands (`use_dpop_nonce`); carries it.
    Nonce(String),
}

fn invalid(why: impl Into<String>) -> Refusal {
    Refusal::Invalid(why.into())
}

/// What a request must match.
pub(crate) struct Expect<'a> {
    pub(crate) method: &'a str,
    /// The endpoint's URL (no query).
    pub(crate) url: &'a str,
    /// The access token presented with the proof (resource requests): `ath` must hash it.
    pub(crate) access_token: Option<&'a str>,
    /// The nonce the server currently demands, if any.
    pub(crate) nonce: Option<&'a str>,
}

/// Checks the request's `DPoP` header. `Ok(None)`: there is none. `Ok(Some(jkt))`:
/// a valid proof by the key with that thumbprint.
pub(crate) fn check(
    app: &AppState,
    headers: &HeaderMap,
    expect: &Expect<'_>,
) -> Result<Option<String>, Refusal> {
    let mut values = headers.get_all("dpop").iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    if values.next().is_some() {
        return Err(invalid("more than one DPoP header"));
    }
    let proof = value
        .to_str()
        .map_err(|_| invalid("the DPoP header is not text"))?;
    verify(app, proof, expect).map(Some)
}

/// [`check`] at an authorization-server endpoint (`/token`, `/par`): a POST
/// without an access token, under the token endpoint's nonce demand, the
/// refusals as RFC 9449 §5 and §8 answer them (400 `invalid_dpop_proof` or
/// `use_dpop_nonce` with a `DPoP-Nonce`).
pub(crate) fn check_at_server(
    app: &AppState,
    headers: &HeaderMap,
    path: &str,
) -> Result<Option<String>, OAuthError> {
    let nonce = lock(&app.settings).dpop_token_nonce.clone();
    let expect = Expect {
        method: "POST",
        url: &app.url(path),
        access_token: None,
        nonce: nonce.as_deref(),
    };
    match check(app, headers, &expect) {
        Ok(jkt) => Ok(jkt),
        Err(Refusal::Invalid(why)) => Err(OAuthError::bad("invalid_dpop_proof", why)),
        Err(Refusal::Nonce(nonce)) => Err(OAuthError::bad(
            "use_dpop_nonce",
            "Authorization server requires nonce in DPoP proof",
        )
        .with_dpop_nonce(nonce)),
    }
}

fn decode_part(part: &str) -> Result<Value, Refusal> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| invalid("a proof part is not base64url"))?;
    serde_json::from_slice(&bytes).map_err(|_| invalid("a proof part is not JSON"))
}

fn verify(app: &AppState, proof: &str, expect: &Expect<'_>) -> Result<String, Refusal> {
    let header_part = proof.split('.').next().unwrap_or_default();
    let header = decode_part(header_part)?;
    if header.get("typ").and_then(Value::as_str) != Some("dpop+jwt") {
        return Err(invalid("typ must be dpop+jwt"));
    }
    let alg_name = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if !ALGORITHMS.contains(&alg_name) {
        return Err(invalid(format!("alg {alg_name:?} is not accepted")));
    }
    let alg: Algorithm = alg_name.parse().map_err(|_| invalid("unknown algorithm"))?;
    let Some(jwk) = header.get("jwk").filter(|j| j.is_object()) else {
        return Err(invalid("the header has no jwk"));
    };
    if ["d", "p", "q", "dp", "dq", "qi", "k"]
        .iter()
        .any(|m| jwk.get(m).is_some())
    {
        return Err(invalid("the jwk carries a private key"));
    }
    let jkt =
        thumbprint(jwk).ok_or_else(|| invalid("the jwk is not an EC, RSA or OKP public key"))?;
    let parsed: jsonwebtoken::jwk::Jwk =
        serde_json::from_value(jwk.clone()).map_err(|_| invalid("unreadable jwk"))?;
    let key = DecodingKey::from_jwk(&parsed).map_err(|_| invalid("unusable jwk"))?;
    let mut validation = Validation::new(alg);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let claims = jsonwebtoken::decode::<Value>(proof, &key, &validation)
        .map_err(|e| invalid(format!("signature: {e}")))?
        .claims;
    let text = |name: &str| claims.get(name).and_then(Value::as_str);
    let jti = text("jti")
        .filter(|j| !j.is_empty())
        .ok_or_else(|| invalid("no jti"))?;
    if text("htm") != Some(expect.method) {
        return Err(invalid(format!(
            "htm {:?} is not the request's method {}",
            text("htm"),
            expect.method
        )));
    }
    let htu = text("htu").ok_or_else(|| invalid("no htu"))?;
    if !same_target(htu, expect.url) {
        return Err(invalid(format!(
            "htu {htu:?} is not the request's URL {}",
            expect.url
        )));
    }
    let now = clock::now().saturating_add_signed(lock(&app.settings).dpop_clock_offset);
    let iat = claims
        .get("iat")
        .and_then(Value::as_u64)
        .ok_or_else(|| invalid("no iat"))?;
    if iat + IAT_WINDOW < now || iat > now + IAT_WINDOW {
        return Err(invalid(format!(
            "iat {iat} is more than {IAT_WINDOW} s from the server's time {now}"
        )));
    }
    match (expect.access_token, text("ath")) {
        (Some(token), Some(ath)) => {
            if ath != URL_SAFE_NO_PAD.encode(Sha256::digest(token.as_bytes())) {
                return Err(invalid("ath is not the hash of the access token"));
            }
        }
        (Some(_), None) => return Err(invalid("no ath with an access token")),
        (None, _) => {}
    }
    if let Some(wanted) = expect.nonce {
        if text("nonce") != Some(wanted) {
            return Err(Refusal::Nonce(wanted.to_owned()));
        }
    }
    // Last, so a proof refused for another reason does not spend its jti.
    let fresh = lock(&app.store).fresh_jti(format!("dpop|{jkt}|{jti}"), iat + 2 * IAT_WINDOW, now);
    if !fresh {
        return Err(invalid("jti already used (replayed proof)"));
    }
    Ok(jkt)
}

/// Whether a proof's `htu` names the endpoint: scheme, host, port and path, query and
/// fragment ignored (RFC 9449 §4.3 step 9).
fn same_target(htu: &str, endpoint: &str) -> bool {
    let strip = |s: &str| -> Option<String> {
        let mut u = url::Url::parse(s).ok()?;
        u.set_query(None);
        u.set_fragment(None);
        Some(u.to_string())
    };
    matches!((strip(htu), strip(endpoint)), (Some(a), Some(b)) if a == b)
}

/// RFC 7638 SHA-256 thumbprint of a public JWK: its required members in lexicographic
/// order, no whitespace.
pub(crate) fn thumbprint(jwk: &Value) -> Option<String> {
    let s = |name: &str| -> Option<String> {
        jwk.get(name)
            .and_then(Value::as_str)
            .map(|v| Value::String(v.to_owned()).to_string())
    };
    let canonical = match jwk.get("kty").and_then(Value::as_str)? {
        "EC" => format!(
            r#"{{"crv":{},"kty":"EC","x":{},"y":{}}}"#,
            s("crv")?,
            s("x")?,
            s("y")?
        ),
        "RSA" => format!(r#"{{"e":{},"kty":"RSA","n":{}}}"#, s("e")?, s("n")?),
        "OKP" => format!(r#"{{"crv":{},"kty":"OKP","x":{}}}"#, s("crv")?, s("x")?),
        _ => return None,
    };
    Some(URL_SAFE_NO_PAD.encode(Sha256::digest(canonical.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rfc7638_example_thumbprint() {
        let jwk = json!({
            "kty": "RSA",
            "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
            "e": "AQAB",
            "alg": "RS256",
            "kid": "2011-04-29"
        });
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
        assert_eq!(thumbprint(&json!({"kty": "oct", "k": "x"})), None);
    }

    #[test]
    fn htu_ignores_query_and_fragment_only() {
        assert!(same_target(
            "http://127.0.0.1:1/token?x#y",
            "http://127.0.0.1:1/token"
        ));
        assert!(!same_target(
            "http://127.0.0.1:1/token2",
            "http://127.0.0.1:1/token"
        ));
        assert!(!same_target(
            "https://127.0.0.1:1/token",
            "http://127.0.0.1:1/token"
        ));
        assert!(!same_target("not a url", "http://127.0.0.1:1/token"));
    }
}
