//! ID token validation (OpenID Connect Core 1.0 §3.1.3.7, §12.2), and the
//! signed-JWT checks that UserInfo answers share with it (§5.3.2).
//!
//! The checks run in the specification's order and stop at the first that
//! fails, which is named in the error ([`crate::Error::InvalidIdToken`]):
//! `format`, `alg`, `kid`, `signature`, `iss`, `aud`, `azp`, `sub`, `exp`,
//! `iat`, `nbf`, `nonce`, `auth_time`, `at_hash`, `c_hash`, `refresh`.
//! The signature is verified by `jsonwebtoken`, or by `p521` for ES512 (which
//! `jsonwebtoken` lacks); every claim is checked here, with the clock skew
//! applied through the non-panicking helpers of `crate::time`.

use std::time::{Duration, SystemTime};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::Validation;
use serde_json::{Map, Value};
use sha2::Digest;

use super::alg::JwsAlg;
use super::jwks::{Jwks, PublicKey, VerifyingKey};
use crate::secret::Secret;
use crate::time;

/// The default tolerance between our clock and the provider's, for `exp`,
/// `iat`, `nbf` and `auth_time`.
pub const DEFAULT_CLOCK_SKEW: Duration = Duration::from_secs(60);

/// What an ID token must match beyond the client's configuration: what this
/// client sent, or what it already holds. `Default` expects nothing extra.
///
/// [`crate::Client`] fills it in by itself (from the
/// [`crate::PendingAuthorization`] and the token response); build it yourself
/// only with [`crate::OAuthClient::validate_id_token`].
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct IdTokenExpectations {
    /// The `nonce` sent in the authentication request: the token must carry
    /// it. When `None`, the `nonce` claim is not checked.
    pub nonce: Option<Secret>,
    /// The `max_age` sent: `auth_time` is then required and must be recent enough.
    pub max_age: Option<Duration>,
    /// The `acr` values asked for as essential (`claims` request parameter):
    /// the token's `acr` must be one of them.
    pub acr: Option<Vec<String>>,
    /// The access token issued with the ID token: checked against `at_hash`
    /// when the token has one.
    pub access_token: Option<Secret>,
    /// The authorization code: checked against `c_hash` when the token has one.
    pub code: Option<Secret>,
    /// The claims of the ID token this one replaces (a refresh, §12.2):
    /// `iss`, `sub` and `aud` must be the same, and `auth_time` too when both
    /// carry one.
    pub previous: Option<Map<String, Value>>,
}

impl IdTokenExpectations {
    /// Expectations for the code exchange of `pending` (its nonce and max_age).
    pub fn for_authorization(pending: &crate::PendingAuthorization) -> Self {
        IdTokenExpectations {
            nonce: pending.nonce.clone(),
            max_age: pending.max_age.map(Duration::from_secs),
            acr: pending.acr.clone(),
            ..Default::default()
        }
    }
}

/// A failed check: its name and why (never a token, nonce or code value).
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) check: &'static str,
    pub(crate) reason: String,
}

fn fail<T>(check: &'static str, reason: impl Into<String>) -> Result<T, Failure> {
    Err(Failure {
        check,
        reason: reason.into(),
    })
}

/// The client's side of the checks: who we are and whom we trust.
#[derive(Debug)]
pub(crate) struct Verifier<'a> {
    pub(crate) issuer: &'a str,
    pub(crate) client_id: &'a str,
    pub(crate) algorithms: &'a [JwsAlg],
    pub(crate) skew: Duration,
}

/// Verifies a compact JWS against `keys`: its form, an allowed `alg` (never
/// `none`, never HMAC), a key found by `kid`/`kty`/`alg`/`use`, the
/// signature. Returns the algorithm and the claims. A `kid` check failure
/// means the set may be stale (refetch once).
pub(crate) fn verify_signature(
    token: &str,
    keys: &Jwks,
    allowed: &[JwsAlg],
) -> Result<(JwsAlg, Map<String, Value>), Failure> {
    let parts: Vec<&str> = token.split('.').collect();
    if parts.len() != 3 {
        return fail(
            "format",
            format!("a signed JWT has 3 parts, this one {}", parts.len()),
        );
    }
    let header: Value = URL_SAFE_NO_PAD
        .decode(parts[0])
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .filter(Value::is_object)
        .map_or_else(
            || fail("format", "the JOSE header is not base64url JSON"),
            Ok,
        )?;
    if header.get("crit").is_some() {
        return fail("format", "the JOSE header has `crit` extensions");
    }
    let alg_text = header.get("alg").and_then(Value::as_str).unwrap_or("");
    if alg_text.eq_ignore_ascii_case("none") || alg_text.is_empty() {
        return fail("alg", "unsigned tokens (alg `none`) are never accepted");
    }
    let Some(alg) = JwsAlg::from_name(alg_text) else {
        return fail("alg", format!("unsupported algorithm {alg_text:?}"));
    };
    if alg.is_hmac() {
        return fail("alg", format!("{alg_text} (HMAC) tokens are not accepted"));
    }
    if !allowed.contains(&alg) {
        let names: Vec<&str> = allowed.iter().map(|a| a.name()).collect();
        return fail(
            "alg",
            format!(
                "{alg_text} is not an allowed algorithm ({})",
                names.join(", ")
            ),
        );
    }
    let kid = header.get("kid").and_then(Value::as_str);
    let candidates = keys.candidates(kid, alg);
    if candidates.is_empty() {
        return fail(
            "kid",
            match kid {
                Some(kid) => format!("no {alg_text} key with kid {kid:?} in the provider's JWKS"),
                None => format!("no {alg_text} key in the provider's JWKS"),
            },
        );
    }
    let verified = match alg {
        JwsAlg::Jwt(jwt_alg) => verify_with_jsonwebtoken(token, jwt_alg, &candidates),
        JwsAlg::Es512 => verify_es512(&parts, &candidates)?,
    };
    match verified {
        Some(Value::Object(claims)) => Ok((alg, claims)),
        Some(_) => fail("format", "the claims are not a JSON object"),
        None => fail(
            "signature",
            format!("the {alg_text} signature does not verify with the provider's key"),
        ),
    }
}

/// The claims of `token` if one of `keys` verifies it with `alg` (every
/// algorithm but ES512), `None` otherwise.
fn verify_with_jsonwebtoken(
    token: &str,
    alg: jsonwebtoken::Algorithm,
    keys: &[&PublicKey],
) -> Option<Value> {
    crate::keys::ensure_crypto_provider();
    let mut validation = Validation::new(alg);
    validation.required_spec_claims.clear();
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.leeway = 0;
    keys.iter().find_map(|key| match key.verifying_key() {
        VerifyingKey::Jwt(k) => jsonwebtoken::decode::<Value>(token, k, &validation)
            .ok()
            .map(|data| data.claims),
        VerifyingKey::P521(_) => None,
    })
}

/// ES512 (RFC 7518 §3.4): the signature is R || S, 66 bytes each, an ECDSA
/// P-521 signature over the ASCII of `header.payload` hashed with SHA-512.
/// The claims (still to be read) if one of `keys` verifies it, `None`
/// otherwise; a signature of the wrong size or not base64url is refused as
/// `signature`, a payload that is not base64url JSON as `format`.
fn verify_es512(parts: &[&str], keys: &[&PublicKey]) -> Result<Option<Value>, Failure> {
    use p521::ecdsa::signature::Verifier as _;
    const SIGNATURE_LEN: usize = 132;
    let Ok(raw) = URL_SAFE_NO_PAD.decode(parts[2]) else {
        return fail("signature", "the ES512 signature is not base64url");
    };
    if raw.len() != SIGNATURE_LEN {
        return fail(
            "signature",
            format!(
                "an ES512 signature is {SIGNATURE_LEN} bytes (R || S), this one {}",
                raw.len()
            ),
        );
    }
    let Ok(signature) = p521::ecdsa::Signature::from_slice(&raw) else {
        return fail(
            "signature",
            "the ES512 signature is not a valid (R, S) pair",
        );
    };
    let signing_input = format!("{}.{}", parts[0], parts[1]);
    let verified = keys.iter().any(|key| match key.verifying_key() {
        VerifyingKey::P521(k) => k.verify(signing_input.as_bytes(), &signature).is_ok(),
        VerifyingKey::Jwt(_) => false,
    });
    if !verified {
        return Ok(None);
    }
    URL_SAFE_NO_PAD
        .decode(parts[1])
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .map_or_else(
            || fail("format", "the claims are not base64url JSON"),
            |claims| Ok(Some(claims)),
        )
}

/// The `iss` and `aud` (+ `azp`) checks shared by ID tokens and signed UserInfo.
pub(crate) fn check_issuer_and_audience(
    claims: &Map<String, Value>,
    v: &Verifier<'_>,
) -> Result<(), Failure> {
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == v.issuer => {}
        Some(iss) => return fail("iss", format!("issuer {iss:?}, expected {:?}", v.issuer)),
        None => return fail("iss", "no `iss` claim"),
    }
    let aud: Vec<&str> = match claims.get("aud") {
        Some(Value::String(a)) => vec![a.as_str()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).collect(),
        _ => return fail("aud", "no `aud` claim"),
    };
    if !aud.contains(&v.client_id) {
        return fail(
            "aud",
            format!("the audience does not include {:?}", v.client_id),
        );
    }
    match claims.get("azp") {
        Some(Value::String(azp)) if azp == v.client_id => {}
        Some(_) => return fail("azp", format!("`azp` is not {:?}", v.client_id)),
        None if aud.len() > 1 => {
            return fail("azp", "several audiences and no `azp` claim");
        }
        None => {}
    }
    Ok(())
}

/// A claim that must be a number of seconds when present.
fn seconds(claims: &Map<String, Value>, name: &'static str) -> Result<Option<f64>, Failure> {
    match claims.get(name) {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(n) if n.is_finite() => Ok(Some(n)),
            _ => fail(name, format!("`{name}` is not a number")),
        },
    }
}

/// A claim as a point in time (`None` when absent).
fn instant(claims: &Map<String, Value>, name: &'static str) -> Result<Option<SystemTime>, Failure> {
    match seconds(claims, name)? {
        None => Ok(None),
        Some(n) => match time::unix_time(n) {
            Some(t) => Ok(Some(t)),
            None => fail(name, format!("`{name}` is before 1970")),
        },
    }
}

/// The left half of the hash of `value` that `at_hash`/`c_hash` carry
/// (§3.1.3.6): the hash of the signing algorithm (SHA-512 for Ed25519).
pub(crate) fn half_hash(alg: JwsAlg, value: &str) -> String {
    let digest: Vec<u8> = match alg.hash_bits() {
        384 => sha2::Sha384::digest(value.as_bytes()).to_vec(),
        512 => sha2::Sha512::digest(value.as_bytes()).to_vec(),
        _ => sha2::Sha256::digest(value.as_bytes()).to_vec(),
    };
    URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
}

fn check_hash(
    claims: &Map<String, Value>,
    name: &'static str,
    alg: JwsAlg,
    value: Option<&Secret>,
) -> Result<(), Failure> {
    match (claims.get(name), value) {
        (None, _) | (Some(_), None) => Ok(()),
        (Some(Value::String(h)), Some(v)) if *h == half_hash(alg, v.expose()) => Ok(()),
        (Some(_), Some(_)) => fail(
            name,
            format!("`{name}` does not match the value issued with it"),
        ),
    }
}

/// Every claim check of an ID token whose signature verified (§3.1.3.7, §12.2).
pub(crate) fn check_id_token_claims(
    claims: &Map<String, Value>,
    alg: JwsAlg,
    v: &Verifier<'_>,
    expected: &IdTokenExpectations,
    now: SystemTime,
) -> Result<(), Failure> {
    check_issuer_and_audience(claims, v)?;
    match claims.get("sub") {
        Some(Value::String(s)) if !s.is_empty() => {}
        _ => return fail("sub", "no `sub` claim"),
    }
    let skew = v.skew;
    let Some(exp) = instant(claims, "exp")? else {
        return fail("exp", "no `exp` claim");
    };
    if now >= time::system_after(exp, skew) {
        return fail("exp", "the ID token has expired");
    }
    let Some(iat) = instant(claims, "iat")? else {
        return fail("iat", "no `iat` claim");
    };
    let latest = time::system_after(now, skew);
    if iat > latest {
        return fail("iat", "the ID token was issued in the future");
    }
    if instant(claims, "nbf")?.is_some_and(|nbf| nbf > latest) {
        return fail("nbf", "the ID token is not valid yet");
    }
    if let Some(nonce) = &expected.nonce {
        match claims.get("nonce").and_then(Value::as_str) {
            Some(n) if nonce.ct_eq(n) => {}
            Some(_) => return fail("nonce", "the nonce is not the one sent"),
            None => return fail("nonce", "a nonce was sent and the ID token has none"),
        }
    }
    let auth_time = instant(claims, "auth_time")?;
    if let Some(max_age) = expected.max_age {
        let Some(at) = auth_time else {
            return fail(
                "auth_time",
                "max_age was sent and the ID token has no `auth_time`",
            );
        };
        if now > time::system_after(time::system_after(at, max_age), skew) {
            return fail(
                "auth_time",
                "the end-user authenticated longer ago than max_age",
            );
        }
    }
    if let Some(wanted) = &expected.acr {
        match claims.get("acr").and_then(Value::as_str) {
            Some(acr) if wanted.iter().any(|w| w == acr) => {}
            Some(acr) => {
                return fail(
                    "acr",
                    format!(
                        "an essential acr of {wanted:?} was requested and the ID token says {acr:?}"
                    ),
                );
            }
            None => {
                return fail(
                    "acr",
                    "an essential acr was requested and the ID token has no `acr`",
                );
            }
        }
    }
    check_hash(claims, "at_hash", alg, expected.access_token.as_ref())?;
    check_hash(claims, "c_hash", alg, expected.code.as_ref())?;
    if let Some(prev) = &expected.previous {
        for name in ["iss", "sub", "aud"] {
            if claims.get(name) != prev.get(name) {
                return fail(
                    "refresh",
                    format!("`{name}` differs from the first ID token's"),
                );
            }
        }
        if let (Some(a), Some(b)) = (claims.get("auth_time"), prev.get("auth_time")) {
            if a.as_f64() != b.as_f64() {
                return fail("refresh", "`auth_time` differs from the first ID token's");
            }
        }
        if let (Some(a), Some(b)) = (claims.get("nonce"), prev.get("nonce")) {
            if a != b {
                return fail("refresh", "`nonce` differs from the first ID token's");
            }
        }
    }
    Ok(())
}
