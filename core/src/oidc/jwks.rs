//! JSON Web Key Sets (RFC 7517) of an OpenID provider: the sans-IO request and
//! parser, key selection by `kid`/`kty`/`alg`/`use`, and the cache rules
//! (`Cache-Control: max-age`, one rate-limited refetch on an unknown `kid`).
// The cache is driven by the async client: unused in a sans-IO-only build.
#![cfg_attr(not(feature = "reqwest"), allow(dead_code))]

use std::fmt;
use std::time::{Duration, Instant};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

use super::alg::JwsAlg;

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

/// How long a key set is used when its answer says nothing (`Cache-Control`
/// absent or without `max-age`).
pub const DEFAULT_JWKS_MAX_AGE: Duration = Duration::from_secs(300);

/// The longest a key set is trusted, whatever its `max-age`: a provider that
/// says "a year" still gets its rotations noticed within a day.
pub const MAX_JWKS_MAX_AGE: Duration = Duration::from_secs(86_400);

/// The shortest time between two refetches caused by an unknown `kid`: a
/// flood of tokens naming keys that do not exist costs the provider at most
/// one request per interval.
pub const JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(30);

/// One public key of a set, ready to verify signatures.
#[derive(Clone)]
pub(crate) struct PublicKey {
    pub(crate) kid: Option<String>,
    kty: String,
    crv: Option<String>,
    alg: Option<String>,
    key: VerifyingKey,
}

/// The material that verifies: a `jsonwebtoken` key, or a P-521 point for
/// ES512 (which `jsonwebtoken` does not do).
#[derive(Clone)]
pub(crate) enum VerifyingKey {
    Jwt(DecodingKey),
    P521(p521::ecdsa::VerifyingKey),
}

impl PublicKey {
    /// Whether this key may verify a signature made with `alg`: the key type
    /// (and curve) fit the algorithm, and the key's own `alg`, when given, is it.
    fn fits(&self, alg: JwsAlg) -> bool {
        let ec = |crv: &str| self.kty == "EC" && self.crv.as_deref() == Some(crv);
        let family_ok = match alg {
            JwsAlg::Es512 => ec("P-521"),
            JwsAlg::Jwt(
                Algorithm::RS256
                | Algorithm::RS384
                | Algorithm::RS512
                | Algorithm::PS256
                | Algorithm::PS384
                | Algorithm::PS512,
            ) => self.kty == "RSA",
            JwsAlg::Jwt(Algorithm::ES256) => ec("P-256"),
            JwsAlg::Jwt(Algorithm::ES384) => ec("P-384"),
            JwsAlg::Jwt(Algorithm::EdDSA) => {
                self.kty == "OKP" && self.crv.as_deref() == Some("Ed25519")
            }
            // HMAC never verifies with a published key.
            JwsAlg::Jwt(Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512) => false,
        };
        family_ok && self.alg.as_deref().is_none_or(|a| a == alg.name())
    }

    pub(crate) fn verifying_key(&self) -> &VerifyingKey {
        &self.key
    }
}

/// A provider's signing keys: the usable public signature keys of a JWKS.
///
/// Keys this library cannot or must not use are left out when the set is
/// read, so one exotic key does not make the whole set unreadable: symmetric
/// (`oct`) keys (HMAC never verifies with a published key), keys whose `use`
/// is not `sig` or whose `key_ops` lack `verify`, unknown key types and
/// curves, and EC keys whose coordinates are not points of their curve. `Debug` shows the key ids only.
#[derive(Clone, Default)]
pub struct Jwks {
    keys: Vec<PublicKey>,
    max_age: Option<Duration>,
}

impl fmt::Debug for Jwks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Jwks")
            .field(
                "kids",
                &self
                    .keys
                    .iter()
                    .map(|k| k.kid.as_deref())
                    .collect::<Vec<_>>(),
            )
            .field("max_age", &self.max_age)
            .finish()
    }
}

impl Jwks {
    /// Reads a key set given as JSON (`{"keys":[…]}`), e.g. static keys from
    /// the provider's documentation. [`Error::Config`] when it is not a JWKS.
    pub fn from_json(json: &str) -> Result<Jwks> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::config(format!("the JWKS is not JSON: {e}")))?;
        Self::from_value(&value).map_err(Error::Config)
    }

    fn from_value(value: &Value) -> std::result::Result<Jwks, String> {
        let keys = value
            .get("keys")
            .and_then(Value::as_array)
            .ok_or("a JWKS must be an object with a `keys` array")?;
        Ok(Jwks {
            keys: keys.iter().filter_map(public_key).collect(),
            max_age: None,
        })
    }

    /// How many usable keys the set holds.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// How long the answer may be cached (`Cache-Control: max-age`, capped at
    /// [`MAX_JWKS_MAX_AGE`]); `None` when it did not say (a set read with
    /// [`Jwks::from_json`] never expires).
    pub fn max_age(&self) -> Option<Duration> {
        self.max_age
    }

    /// The keys that may verify a token signed with `alg` and naming `kid`:
    /// with a `kid`, only the key of that id; without one, every key that fits.
    pub(crate) fn candidates(&self, kid: Option<&str>, alg: JwsAlg) -> Vec<&PublicKey> {
        self.keys
            .iter()
            .filter(|k| k.fits(alg))
            .filter(|k| kid.is_none_or(|kid| k.kid.as_deref() == Some(kid)))
            .collect()
    }
}

/// One JWK as a usable public key, or `None` when it must be skipped.
fn public_key(jwk: &Value) -> Option<PublicKey> {
    let text = |name: &str| jwk.get(name).and_then(Value::as_str).map(str::to_string);
    if text("use").is_some_and(|u| u != "sig") {
        return None;
    }
    if let Some(ops) = jwk.get("key_ops").and_then(Value::as_array) {
        if !ops.iter().any(|o| o.as_str() == Some("verify")) {
            return None;
        }
    }
    let kty = text("kty")?;
    let crv = text("crv");
    let key = match kty.as_str() {
        "RSA" => {
            VerifyingKey::Jwt(DecodingKey::from_rsa_components(&text("n")?, &text("e")?).ok()?)
        }
        "EC" if matches!(crv.as_deref(), Some("P-256" | "P-384")) => {
            VerifyingKey::Jwt(DecodingKey::from_ec_components(&text("x")?, &text("y")?).ok()?)
        }
        "EC" if crv.as_deref() == Some("P-521") => {
            VerifyingKey::P521(p521_key(&text("x")?, &text("y")?)?)
        }
        "OKP" if crv.as_deref() == Some("Ed25519") => {
            VerifyingKey::Jwt(DecodingKey::from_ed_components(&text("x")?).ok()?)
        }
        // `oct` and everything else: never used to verify.
        _ => return None,
    };
    Some(PublicKey {
        kid: text("kid"),
        kty,
        crv,
        alg: text("alg"),
        key,
    })
}

/// The size of a P-521 coordinate: a JWK's `x` and `y` are exactly this long
/// (RFC 7518 §6.2.1.2, leading zeros kept).
const P521_COORDINATE_LEN: usize = 66;

/// A P-521 public key from a JWK's base64url `x` and `y`, or `None` when they
/// are not two full-length coordinates of a point on the curve (a P-256 key
/// labelled P-521 among them).
fn p521_key(x: &str, y: &str) -> Option<p521::ecdsa::VerifyingKey> {
    let x = URL_SAFE_NO_PAD.decode(x).ok()?;
    let y = URL_SAFE_NO_PAD.decode(y).ok()?;
    if x.len() != P521_COORDINATE_LEN || y.len() != P521_COORDINATE_LEN {
        return None;
    }
    // SEC1 uncompressed form: 0x04 || x || y; the point is checked on the curve.
    let mut sec1 = Vec::with_capacity(1 + 2 * P521_COORDINATE_LEN);
    sec1.push(0x04);
    sec1.extend_from_slice(&x);
    sec1.extend_from_slice(&y);
    p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).ok()
}

/// The GET request for a provider's key set (`jwks_uri`).
pub fn jwks_request(uri: &url::Url) -> HttpRequest {
    let mut req = HttpRequest::new(Method::Get, uri.clone());
    req.headers.push((
        "Accept".into(),
        "application/jwk-set+json, application/json".into(),
    ));
    req
}

/// Parses the answer to [`jwks_request`]: the usable keys, and how long they
/// may be cached (`Cache-Control: max-age`; `no-store`/`no-cache` mean zero).
pub fn parse_jwks(resp: &HttpResponse) -> Result<Jwks> {
    if resp.status != 200 {
        return Err(crate::token::error_from(resp, &Default::default()));
    }
    let value: Value = serde_json::from_slice(&resp.body).map_err(|e| {
        Error::invalid(
            resp.status,
            format!("the JWKS is not JSON: {e}"),
            &resp.body,
        )
    })?;
    let mut jwks =
        Jwks::from_value(&value).map_err(|why| Error::invalid(resp.status, why, &resp.body))?;
    jwks.max_age = cache_max_age(resp.header("cache-control"));
    Ok(jwks)
}

/// `max-age` of a `Cache-Control` value (zero for `no-store`/`no-cache`),
/// capped at [`MAX_JWKS_MAX_AGE`].
fn cache_max_age(value: Option<&str>) -> Option<Duration> {
    let mut found = None;
    for directive in value?.split(',') {
        let d = directive.trim().to_ascii_lowercase();
        if d == "no-store" || d == "no-cache" {
            return Some(Duration::ZERO);
        }
        if let Some(secs) = d.strip_prefix("max-age=") {
            found = secs
                .trim_matches('"')
                .parse::<u64>()
                .ok()
                .map(Duration::from_secs);
        }
    }
    found.map(|d| d.min(MAX_JWKS_MAX_AGE))
}

/// What the cache says to do before a validation.
#[derive(Debug)]
pub(crate) enum Lookup {
    /// Use these keys.
    Use(std::sync::Arc<Jwks>),
    /// Fetch the set first (none yet, or expired).
    Fetch,
}

/// The key set of one provider, fetched over HTTP: the sans-IO state of the
/// cache (the async client drives the fetches).
#[derive(Debug, Default)]
pub(crate) struct JwksCache {
    keys: Option<std::sync::Arc<Jwks>>,
    expires: Option<Instant>,
    last_fetch: Option<Instant>,
}

impl JwksCache {
    /// The keys to use at `now`, or "fetch" when there are none or they expired.
    pub(crate) fn lookup(&self, now: Instant) -> Lookup {
        match (&self.keys, self.expires) {
            (Some(keys), Some(exp)) if now < exp => Lookup::Use(keys.clone()),
            _ => Lookup::Fetch,
        }
    }

    /// Whether an unknown `kid` may cause a refetch at `now`: at most one per
    /// [`JWKS_REFETCH_INTERVAL`].
    pub(crate) fn may_refetch(&self, now: Instant) -> bool {
        self.last_fetch
            .is_none_or(|at| now.saturating_duration_since(at) >= JWKS_REFETCH_INTERVAL)
    }

    /// Records a fetch attempt made at `now` (successful or not).
    pub(crate) fn fetched(
        &mut self,
        now: Instant,
        result: &Result<Jwks>,
    ) -> Result<std::sync::Arc<Jwks>> {
        self.last_fetch = Some(now);
        match result {
            Ok(jwks) => {
                let keys = std::sync::Arc::new(jwks.clone());
                let ttl = jwks.max_age.unwrap_or(DEFAULT_JWKS_MAX_AGE);
                self.expires = crate::time::instant_after(now, ttl);
                self.keys = Some(keys.clone());
                Ok(keys)
            }
            Err(e) => Err(e.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rs256() -> JwsAlg {
        JwsAlg::Jwt(Algorithm::RS256)
    }

    fn rsa_jwk() -> &'static str {
        oauth2kit_devserver::keys::RSA_CLIENT_JWK
    }

    #[test]
    fn exact_request_and_cache_control() {
        let uri = url::Url::parse("https://op.example/jwks").unwrap();
        let req = jwks_request(&uri);
        assert_eq!(req.method, Method::Get);
        assert_eq!(req.url.as_str(), "https://op.example/jwks");
        assert_eq!(
            req.headers,
            vec![(
                "Accept".to_string(),
                "application/jwk-set+json, application/json".to_string()
            )]
        );
        assert!(req.body.is_empty());

        let body = format!(r#"{{"keys":[{}]}}"#, rsa_jwk());
        let mut resp = HttpResponse::json(200, &body);
        resp.headers
            .push(("cache-control".into(), "public, max-age=120".into()));
        let jwks = parse_jwks(&resp).unwrap();
        assert_eq!(jwks.len(), 1);
        assert_eq!(jwks.max_age(), Some(Duration::from_secs(120)));
        assert_eq!(cache_max_age(Some("no-store")), Some(Duration::ZERO));
        assert_eq!(
            cache_max_age(Some("max-age=99999999")),
            Some(MAX_JWKS_MAX_AGE)
        );
        assert_eq!(cache_max_age(Some("public")), None);
        assert!(matches!(
            parse_jwks(&HttpResponse::json(200, r#"{"nokeys":1}"#)),
            Err(Error::InvalidResponse { .. })
        ));
        assert!(matches!(
            parse_jwks(&HttpResponse::json(500, "oops")),
            Err(Error::Http { status: 500, .. })
        ));
    }

    #[test]
    fn unusable_keys_are_skipped_not_fatal() {
        let json = format!(
            r#"{{"keys":[
                {{"kty":"oct","k":"c2VjcmV0","kid":"h"}},
                {{"kty":"RSA","use":"enc","n":"AQAB","e":"AQAB","kid":"enc"}},
                {{"kty":"EC","crv":"P-521","x":"AA","y":"AA","kid":"p521"}},
                {{"kty":"AKP","kid":"future"}},
                {}
            ]}}"#,
            rsa_jwk()
        );
        let jwks = Jwks::from_json(&json).unwrap();
        assert_eq!(jwks.len(), 1);
        assert_eq!(jwks.candidates(Some("rsa-client"), rs256()).len(), 1);
        assert_eq!(jwks.candidates(None, rs256()).len(), 1);
        // the key says RS256: not for PS256, never for HMAC, not under another kid
        assert!(
            jwks.candidates(Some("rsa-client"), JwsAlg::Jwt(Algorithm::PS256))
                .is_empty()
        );
        assert!(
            jwks.candidates(Some("rsa-client"), JwsAlg::Jwt(Algorithm::HS256))
                .is_empty()
        );
        assert!(
            jwks.candidates(Some("h"), JwsAlg::Jwt(Algorithm::HS256))
                .is_empty()
        );
        assert!(jwks.candidates(Some("other"), rs256()).is_empty());
        assert!(matches!(Jwks::from_json("[]"), Err(Error::Config(_))));
    }

    #[test]
    fn cache_expires_and_rate_limits_refetches() {
        let t0 = Instant::now();
        let mut cache = JwksCache::default();
        assert!(matches!(cache.lookup(t0), Lookup::Fetch));
        assert!(cache.may_refetch(t0));
        let mut jwks = Jwks::from_json(&format!(r#"{{"keys":[{}]}}"#, rsa_jwk())).unwrap();
        jwks.max_age = Some(Duration::from_secs(60));
        cache.fetched(t0, &Ok(jwks)).unwrap();
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(59)),
            Lookup::Use(_)
        ));
        assert!(matches!(
            cache.lookup(t0 + Duration::from_secs(60)),
            Lookup::Fetch
        ));
        assert!(!cache.may_refetch(t0 + Duration::from_secs(29)));
        assert!(cache.may_refetch(t0 + JWKS_REFETCH_INTERVAL));
        // a failed attempt counts too
        let t1 = t0 + Duration::from_secs(100);
        assert!(
            cache
                .fetched(t1, &Err(Error::Transport("down".into())))
                .is_err()
        );
        assert!(!cache.may_refetch(t1 + Duration::from_secs(1)));
    }
}
