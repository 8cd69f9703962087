//! DPoP (RFC 9449): access and refresh tokens bound to a key the client
//! holds, proven with a signed JWT (a *proof*) on every request.
//!
//! Sans-IO like the rest of the crate: [`DpopKey::proof`] builds a proof,
//! [`token_nonce_challenge`] and [`resource_nonce_challenge`] read a server's
//! demand for a nonce. [`crate::OAuthClient`] puts proofs on token requests
//! and resource requests once DPoP is configured
//! ([`crate::OAuthClientBuilder::dpop`]); [`crate::Client`] retries once
//! with the server's nonce.
//!
//! The key is a secret: its `Debug` shows the algorithm and the thumbprint
//! only, its private JWK lives in a [`Secret`] (zeroized on drop), and token
//! sets carry it into stores (a bound token is useless without its key).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::keys::SigningKey;
use crate::secret::Secret;

/// The `typ` of every DPoP proof (RFC 9449 §4.2).
pub const PROOF_TYPE: &str = "dpop+jwt";
/// The algorithm of a generated key unless another is asked for.
pub const DEFAULT_ALGORITHM: &str = "ES256";
/// The OAuth error a server answers with when it wants a (new) nonce.
pub const USE_DPOP_NONCE: &str = "use_dpop_nonce";

/// A DPoP key: a private key with its public JWK and thumbprint. ES256 (P-256),
/// RS256/PS256 (RSA) or EdDSA (Ed25519). Cheap to clone.
#[derive(Clone)]
pub struct DpopKey(Arc<KeyInner>);

struct KeyInner {
    signing: SigningKey,
    algorithm: String,
    /// The private JWK (normalized, with `alg`): what stores keep.
    private_jwk: Secret,
    /// The public members only, in lexicographic order (RFC 7638).
    public_jwk: Map<String, Value>,
    /// RFC 7638 SHA-256 thumbprint, base64url (`jkt`).
    thumbprint: String,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("algorithm", &self.0.algorithm)
            .field("jkt", &self.0.thumbprint)
            .finish_non_exhaustive()
    }
}

impl PartialEq for DpopKey {
    fn eq(&self, other: &Self) -> bool {
        self.0.private_jwk == other.0.private_jwk
    }
}

impl Eq for DpopKey {}

/// Key material read from PEM, a JWK or generated; zeroized on drop by its crates.
enum Material {
    Ec(p256::SecretKey),
    Rsa(Box<rsa::RsaPrivateKey>),
    Ed(ed25519_dalek::SigningKey),
}

fn key_error(what: &str, e: impl fmt::Display) -> Error {
    Error::config(format!("unusable DPoP key ({what}): {e}"))
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl DpopKey {
    /// A new ES256 key (P-256), from the operating system's random source.
    pub fn generate() -> Result<Self> {
        Self::generate_with(DEFAULT_ALGORITHM)
    }

    /// A new key for `algorithm`: `ES256` (P-256) or `EdDSA` (Ed25519). RSA
    /// keys are not generated here (slow, and 2048-bit keys are a policy
    /// choice): give one with [`DpopKey::from_pem`] or [`DpopKey::from_jwk`].
    pub fn generate_with(algorithm: &str) -> Result<Self> {
        let material = match algorithm {
            "ES256" => loop {
                let mut bytes = Zeroizing::new([0u8; 32]);
                rand::fill(&mut bytes[..]);
                // fails only for 0 or a value ≥ the group order (probability ~2^-128)
                if let Ok(k) = p256::SecretKey::from_slice(&bytes[..]) {
                    break Material::Ec(k);
                }
            },
            "EdDSA" | "Ed25519" => {
                let mut seed = Zeroizing::new([0u8; 32]);
                rand::fill(&mut seed[..]);
                Material::Ed(ed25519_dalek::SigningKey::from_bytes(&seed))
            }
            other => {
                return Err(Error::config(format!(
                    "cannot generate a DPoP key for {other:?} (ES256 or EdDSA; give an RSA key as PEM or JWK)"
                )));
            }
        };
        Self::from_material(material, None)
    }

    /// A PEM private key: PKCS#8 (`PRIVATE KEY`: P-256, Ed25519 or RSA),
    /// SEC1 (`EC PRIVATE KEY`) or PKCS#1 (`RSA PRIVATE KEY`). The algorithm
    /// follows the key (ES256, EdDSA, RS256); see [`DpopKey::with_algorithm`].
    pub fn from_pem(pem: &str) -> Result<Self> {
        let (label, der) = decode_pem(pem)?;
        let material = match label.as_str() {
            "EC PRIVATE KEY" => p256::SecretKey::from_sec1_der(&der)
                .map(Material::Ec)
                .map_err(|e| key_error("SEC1 PEM", e))?,
            "RSA PRIVATE KEY" => {
                use rsa::pkcs1::DecodeRsaPrivateKey;
                rsa::RsaPrivateKey::from_pkcs1_der(&der)
                    .map(|k| Material::Rsa(Box::new(k)))
                    .map_err(|e| key_error("PKCS#1 PEM", e))?
            }
            "PRIVATE KEY" => {
                use p256::pkcs8::DecodePrivateKey;
                if let Ok(k) = p256::SecretKey::from_pkcs8_der(&der) {
                    Material::Ec(k)
                } else if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(&der) {
                    Material::Ed(k)
                } else {
                    rsa::RsaPrivateKey::from_pkcs8_der(&der)
                        .map(|k| Material::Rsa(Box::new(k)))
                        .map_err(|_| {
                            key_error("PKCS#8 PEM", "not a P-256, Ed25519 or RSA private key")
                        })?
                }
            }
            other => {
                return Err(key_error(
                    "PEM",
                    format!("unsupported label {other:?} (a private key is needed)"),
                ));
            }
        };
        Self::from_material(material, None)
    }

    /// A private JWK: `kty` EC with `crv` P-256 (`d`), OKP with `crv`
    /// Ed25519 (`d`), or RSA (`n`, `e`, `d`, `p`, `q`). Its `alg`, when
    /// present, is used. The public members are derived from the private
    /// ones (and must agree with them when given).
    pub fn from_jwk(jwk: &str) -> Result<Self> {
        let v: Value = serde_json::from_str(jwk).map_err(|e| key_error("JWK", e))?;
        let field = |name: &str| -> Result<Zeroizing<Vec<u8>>> {
            let s = v.get(name).and_then(Value::as_str).ok_or_else(|| {
                key_error(
                    "JWK",
                    format!("missing field {name:?} (a private key is needed)"),
                )
            })?;
            URL_SAFE_NO_PAD
                .decode(s.trim_end_matches('='))
                .map(Zeroizing::new)
                .map_err(|e| key_error("JWK", format!("field {name:?}: {e}")))
        };
        let kty = v.get("kty").and_then(Value::as_str).unwrap_or_default();
        let crv = v.get("crv").and_then(Value::as_str).unwrap_or_default();
        let material = match (kty, crv) {
            ("EC", "P-256") => p256::SecretKey::from_slice(&field("d")?)
                .map(Material::Ec)
                .map_err(|e| key_error("EC JWK", e))?,
            ("OKP", "Ed25519") => {
                let d = field("d")?;
                let seed: &[u8; 32] = d
                    .as_slice()
                    .try_into()
                    .map_err(|_| key_error("Ed25519 JWK", "`d` must be 32 bytes"))?;
                Material::Ed(ed25519_dalek::SigningKey::from_bytes(seed))
            }
            ("RSA", _) => {
                let big = |n: &str| field(n).map(|b| rsa::BigUint::from_bytes_be(&b));
                rsa::RsaPrivateKey::from_components(
                    big("n")?,
                    big("e")?,
                    big("d")?,
                    vec![big("p")?, big("q")?],
                )
                .map(|k| Material::Rsa(Box::new(k)))
                .map_err(|e| key_error("RSA JWK", e))?
            }
            _ => {
                return Err(key_error(
                    "JWK",
                    format!("unsupported kty/crv {kty:?}/{crv:?} (EC P-256, OKP Ed25519, RSA)"),
                ));
            }
        };
        let alg = v.get("alg").and_then(Value::as_str);
        let key = Self::from_material(material, alg)?;
        for (name, derived) in &key.0.public_jwk {
            if let Some(given) = v.get(name) {
                if given != derived {
                    return Err(key_error(
                        "JWK",
                        format!("public member {name:?} does not match the private key"),
                    ));
                }
            }
        }
        Ok(key)
    }

    /// The same key used with another algorithm of its family: `RS256`,
    /// `RS384`, `RS512`, `PS256`, `PS384`, `PS512` for RSA; P-256 keys sign
    /// only ES256, Ed25519 keys only EdDSA.
    pub fn with_algorithm(&self, algorithm: &str) -> Result<Self> {
        if algorithm == self.0.algorithm {
            return Ok(self.clone());
        }
        Self::from_jwk_with(&self.0.private_jwk, Some(algorithm))
    }

    fn from_jwk_with(private_jwk: &Secret, alg: Option<&str>) -> Result<Self> {
        let mut v: Map<String, Value> =
            serde_json::from_str(private_jwk.expose()).map_err(|e| key_error("JWK", e))?;
        if let Some(alg) = alg {
            v.insert("alg".into(), Value::String(alg.into()));
        }
        let text = Zeroizing::new(Value::Object(v).to_string());
        Self::from_jwk(&text)
    }

    fn from_material(material: Material, alg: Option<&str>) -> Result<Self> {
        let mut public = Map::new();
        let mut private = Map::new();
        let algorithm = match &material {
            Material::Ec(k) => {
                use p256::elliptic_curve::sec1::ToEncodedPoint;
                let point = k.public_key().to_encoded_point(false);
                let (Some(x), Some(y)) = (point.x(), point.y()) else {
                    return Err(key_error("EC", "no affine coordinates"));
                };
                public.insert("crv".into(), "P-256".into());
                public.insert("kty".into(), "EC".into());
                public.insert("x".into(), b64(x).into());
                public.insert("y".into(), b64(y).into());
                private.insert("d".into(), b64(&k.to_bytes()).into());
                check_alg(alg, &["ES256"])?
            }
            Material::Ed(k) => {
                public.insert("crv".into(), "Ed25519".into());
                public.insert("kty".into(), "OKP".into());
                public.insert("x".into(), b64(k.verifying_key().as_bytes()).into());
                private.insert("d".into(), b64(k.as_bytes()).into());
                check_alg(alg, &["EdDSA"])?
            }
            Material::Rsa(k) => {
                use rsa::traits::{PrivateKeyParts, PublicKeyParts};
                let primes = k.primes();
                if primes.len() != 2 {
                    return Err(key_error("RSA", "multi-prime keys are not supported"));
                }
                public.insert("e".into(), b64(&k.e().to_bytes_be()).into());
                public.insert("kty".into(), "RSA".into());
                public.insert("n".into(), b64(&k.n().to_bytes_be()).into());
                private.insert("d".into(), b64(&k.d().to_bytes_be()).into());
                private.insert("p".into(), b64(&primes[0].to_bytes_be()).into());
                private.insert("q".into(), b64(&primes[1].to_bytes_be()).into());
                check_alg(alg, &["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"])?
            }
        };
        let thumbprint = {
            // RFC 7638: the required members, lexicographic order, no whitespace
            // (serde_json's map is ordered by key).
            let canonical = Value::Object(public.clone()).to_string();
            b64(&Sha256::digest(canonical.as_bytes()))
        };
        for (k, v) in &public {
            private.insert(k.clone(), v.clone());
        }
        private.insert("alg".into(), Value::String(algorithm.clone()));
        let private_jwk = Secret::new(Value::Object(private).to_string());
        let signing = SigningKey::from_jwk(private_jwk.expose())?;
        Ok(DpopKey(Arc::new(KeyInner {
            signing,
            algorithm,
            private_jwk,
            public_jwk: public,
            thumbprint,
        })))
    }

    /// The JWS algorithm of its proofs (`ES256`, `RS256`, `EdDSA`…).
    pub fn algorithm(&self) -> &str {
        &self.0.algorithm
    }

    /// The public JWK sent in every proof's header (required members only).
    pub fn public_jwk(&self) -> &Map<String, Value> {
        &self.0.public_jwk
    }

    /// The JWK SHA-256 thumbprint (RFC 7638), base64url: the `jkt` a server
    /// binds tokens to, and the `dpop_jkt` authorization parameter.
    pub fn thumbprint(&self) -> &str {
        &self.0.thumbprint
    }

    /// The private key as a JWK (with `alg`), for stores and bindings. A secret.
    pub fn private_jwk(&self) -> &Secret {
        &self.0.private_jwk
    }

    /// A DPoP proof (RFC 9449 §4.2) for one request: header `typ`
    /// `dpop+jwt`, `alg`, `jwk` (public); claims `jti` (random), `htm`,
    /// `htu` ([`htu`]: no query, no fragment), `iat` (`now`), `ath` (hash of
    /// `access_token`, for resource requests) and `nonce` when given.
    pub fn proof(
        &self,
        method: &str,
        url: &url::Url,
        access_token: Option<&str>,
        nonce: Option<&str>,
        now: SystemTime,
    ) -> Result<String> {
        let jti = b64(&rand::random::<[u8; 16]>());
        self.proof_with_jti(method, url, access_token, nonce, now, &jti)
    }

    /// [`DpopKey::proof`] with a chosen `jti`: deterministic but for the
    /// signature (for tests).
    pub(crate) fn proof_with_jti(
        &self,
        method: &str,
        url: &url::Url,
        access_token: Option<&str>,
        nonce: Option<&str>,
        now: SystemTime,
        jti: &str,
    ) -> Result<String> {
        if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::config(format!(
                "{method:?} is not an HTTP method for a DPoP proof"
            )));
        }
        #[derive(Serialize)]
        struct Header<'a> {
            typ: &'static str,
            alg: &'a str,
            jwk: &'a Map<String, Value>,
        }
        #[derive(Serialize)]
        struct Claims<'a> {
            jti: &'a str,
            htm: &'a str,
            htu: String,
            iat: u64,
            #[serde(skip_serializing_if = "Option::is_none")]
            ath: Option<String>,
            #[serde(skip_serializing_if = "Option::is_none")]
            nonce: Option<&'a str>,
        }
        let header = Header {
            typ: PROOF_TYPE,
            alg: &self.0.algorithm,
            jwk: &self.0.public_jwk,
        };
        let claims = Claims {
            jti,
            htm: method,
            htu: htu(url),
            iat: now
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0),
            ath: access_token.map(ath),
            nonce,
        };
        let input = format!("{}.{}", encode(&header)?, encode(&claims)?);
        let signature = self.0.signing.sign_input(input.as_bytes())?;
        Ok(format!("{input}.{signature}"))
    }
}

/// A JWT part: JSON, base64url.
fn encode<T: Serialize>(value: &T) -> Result<String> {
    serde_json::to_vec(value)
        .map(|b| b64(&b))
        .map_err(|e| Error::config(format!("cannot encode DPoP proof: {e}")))
}

fn check_alg(given: Option<&str>, allowed: &[&str]) -> Result<String> {
    match given {
        None => Ok(allowed[0].to_string()),
        Some(a) if allowed.contains(&a) => Ok(a.to_string()),
        Some(a) => Err(key_error(
            "algorithm",
            format!("{a:?} does not fit this key (use one of {allowed:?})"),
        )),
    }
}

/// The label and DER of the first PEM block.
fn decode_pem(pem: &str) -> Result<(String, Zeroizing<Vec<u8>>)> {
    let text = pem.trim();
    let label = text
        .strip_prefix("-----BEGIN ")
        .and_then(|rest| rest.split_once("-----"))
        .map(|(label, _)| label.to_string())
        .ok_or_else(|| key_error("PEM", "no -----BEGIN line"))?;
    let end = format!("-----END {label}-----");
    let body: Zeroizing<String> = Zeroizing::new(
        text.lines()
            .skip(1)
            .take_while(|l| l.trim() != end)
            .map(str::trim)
            .collect(),
    );
    let der = STANDARD
        .decode(body.as_bytes())
        .map_err(|e| key_error("PEM", e))?;
    Ok((label, Zeroizing::new(der)))
}

/// The `htu` of a proof (RFC 9449 §4.2): the URL without its query and
/// fragment (scheme, host, port and path, as the `url` crate normalizes them).
pub fn htu(url: &url::Url) -> String {
    let mut u = url.clone();
    u.set_query(None);
    u.set_fragment(None);
    u.to_string()
}

/// The `ath` of a proof: base64url SHA-256 of the access token.
pub fn ath(access_token: &str) -> String {
    b64(&Sha256::digest(access_token.as_bytes()))
}

/// The nonce a token endpoint (or PAR endpoint) demands (RFC 9449 §8): a 400
/// (or 401) whose error is `use_dpop_nonce`, with a `DPoP-Nonce` header. Retry
/// the request once with a new proof carrying it.
pub fn token_nonce_challenge(resp: &HttpResponse) -> Option<String> {
    if resp.status != 400 && resp.status != 401 {
        return None;
    }
    let body = crate::token::body_object(resp)?;
    if body.get("error").and_then(Value::as_str) != Some(USE_DPOP_NONCE) {
        return None;
    }
    nonce_header(resp)
}

/// The nonce a resource server demands (RFC 9449 §9): a 401 with
/// `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a `DPoP-Nonce`
/// header. Retry the request once with a new proof carrying it.
pub fn resource_nonce_challenge(resp: &HttpResponse) -> Option<String> {
    if resp.status != 401 {
        return None;
    }
    let asked = resp
        .headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("www-authenticate"))
        .flat_map(|(_, v)| parse_challenges(v))
        .any(|(scheme, params)| {
            scheme.eq_ignore_ascii_case("dpop")
                && params
                    .iter()
                    .any(|(k, v)| k.eq_ignore_ascii_case("error") && v == USE_DPOP_NONCE)
        });
    if asked { nonce_header(resp) } else { None }
}

/// A `DPoP-Nonce` header's value, if it is a valid nonce (RFC 9449 §8.1:
/// `%x21 / %x23-5B / %x5D-7E`, non-empty).
pub fn nonce_header(resp: &HttpResponse) -> Option<String> {
    let v = resp.header("dpop-nonce")?.trim();
    let valid = !v.is_empty()
        && v.bytes()
            .all(|b| b == 0x21 || (0x23..=0x5b).contains(&b) || (0x5d..=0x7e).contains(&b));
    valid.then(|| v.to_string())
}

/// Splits a `WWW-Authenticate` value into challenges: scheme and auth-params
/// (RFC 9110 §11.6.1). A `token68` is kept as a parameter with an empty name.
pub fn parse_challenges(value: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut out: Vec<(String, Vec<(String, String)>)> = Vec::new();
    let b = value.as_bytes();
    let mut i = 0;
    let skip = |i: &mut usize| {
        while *i < b.len() && (b[*i] == b' ' || b[*i] == b'\t' || b[*i] == b',') {
            *i += 1;
        }
    };
    let token = |i: &mut usize| -> String {
        let start = *i;
        while *i < b.len() && !matches!(b[*i], b' ' | b'\t' | b',' | b'=' | b'"') {
            *i += 1;
        }
        value[start..*i].to_string()
    };
    while i < b.len() {
        skip(&mut i);
        if i >= b.len() {
            break;
        }
        let name = token(&mut i);
        let mut j = i;
        while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j < b.len() && b[j] == b'=' && !out.is_empty() && !name.is_empty() {
            // an auth-param of the current challenge
            i = j + 1;
            while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
                i += 1;
            }
            let val = if i < b.len() && b[i] == b'"' {
                i += 1;
                let mut s = String::new();
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' && i + 1 < b.len() {
                        i += 1;
                    }
                    let ch_len = value[i..].chars().next().map_or(1, char::len_utf8);
                    s.push_str(&value[i..i + ch_len]);
                    i += ch_len;
                }
                i += 1;
                s
            } else {
                token(&mut i)
            };
            if let Some(last) = out.last_mut() {
                last.1.push((name, val));
            }
        } else if name.is_empty() {
            i += 1; // a stray character: skip it
        } else {
            out.push((name, Vec::new()));
            // a token68 right after the scheme
            let mut k = i;
            while k < b.len() && b[k] == b' ' {
                k += 1;
            }
            let start = k;
            while k < b.len() && !matches!(b[k], b' ' | b',' | b'=' | b'"') {
                k += 1;
            }
            while k < b.len() && b[k] == b'=' {
                k += 1;
            }
            let rest_is_end = k >= b.len() || b[k] == b',';
            if k > start && rest_is_end && value[start..k].ends_with('=') {
                if let Some(last) = out.last_mut() {
                    last.1.push((String::new(), value[start..k].to_string()));
                }
                i = k;
            }
        }
    }
    out
}

/// Which kind of server a remembered nonce belongs to: an authorization
/// server's nonces and a resource server's are kept apart even on one origin
/// (RFC 9449 §8 and §9 are separate).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NonceScope {
    /// Token and PAR endpoints.
    AuthorizationServer,
    /// APIs the tokens are presented to.
    Resource,
}

/// The last nonce each server gave, by scope and origin. Shared by clones of
/// a client.
#[derive(Clone, Debug, Default)]
pub(crate) struct Nonces(Arc<Mutex<HashMap<(NonceScope, String), String>>>);

impl Nonces {
    fn key(scope: NonceScope, url: &url::Url) -> (NonceScope, String) {
        (scope, url.origin().ascii_serialization())
    }

    pub(crate) fn get(&self, scope: NonceScope, url: &url::Url) -> Option<String> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.get(&Self::key(scope, url)).cloned()
    }

    pub(crate) fn set(&self, scope: NonceScope, url: &url::Url, nonce: String) {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(Self::key(scope, url), nonce);
    }

    /// Remembers the `DPoP-Nonce` of any response from `url`.
    pub(crate) fn remember(&self, scope: NonceScope, url: &url::Url, resp: &HttpResponse) {
        if let Some(n) = nonce_header(resp) {
            self.set(scope, url, n);
        }
    }
}

/// Token sets keep their DPoP key as the private JWK text (field `dpop_jwk`).
pub(crate) mod serde_key {
    use super::DpopKey;
    use serde::Deserialize;

    pub fn serialize<S: serde::Serializer>(k: &Option<DpopKey>, s: S) -> Result<S::Ok, S::Error> {
        match k {
            Some(k) => s.serialize_str(k.private_jwk().expose()),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<DpopKey>, D::Error> {
        let text: Option<zeroize::Zeroizing<String>> =
            Option::<String>::deserialize(d)?.map(zeroize::Zeroizing::new);
        text.map(|t| DpopKey::from_jwk(&t).map_err(serde::de::Error::custom))
            .transpose()
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::time::Duration;

    fn decode(part: &str) -> Value {
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    }

    fn verify(jwt: &str, key: &DpopKey) -> bool {
        let jwk: jsonwebtoken::jwk::Jwk =
            serde_json::from_value(Value::Object(key.public_jwk().clone())).unwrap();
        let dk = jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap();
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        crate::keys::ensure_crypto_provider();
        jsonwebtoken::crypto::verify(sig, input.as_bytes(), &dk, key.algorithm().parse().unwrap())
            .unwrap()
    }

    const RFC7638_RSA: &str = r#"{"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB"}"#;

    #[test]
    fn generated_es256_proof_has_every_member_and_verifies() {
        let key = DpopKey::generate().unwrap();
        assert_eq!(key.algorithm(), "ES256");
        let url = url::Url::parse("https://RS.example:443/api/v1/x?q=secret#frag").unwrap();
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let jwt = key
            .proof_with_jti("GET", &url, Some("tok"), Some("n-1"), now, "J1")
            .unwrap();
        let parts: Vec<&str> = jwt.split('.').collect();
        assert_eq!(parts.len(), 3);
        // byte for byte, but for the signature
        let expected_header = format!(
            r#"{{"typ":"dpop+jwt","alg":"ES256","jwk":{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}}}"#,
            key.public_jwk()["x"].as_str().unwrap(),
            key.public_jwk()["y"].as_str().unwrap()
        );
        assert_eq!(
            String::from_utf8(URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap(),
            expected_header
        );
        // SHA-256("tok"), base64url (python3: hashlib + urlsafe_b64encode)
        assert_eq!(ath("tok"), "GnZ0607njffhrEOak8P6jjyUV4TU3sn9jjARc4svHWI");
        assert_eq!(
            String::from_utf8(URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap(),
            format!(
                r#"{{"jti":"J1","htm":"GET","htu":"https://rs.example/api/v1/x","iat":1700000000,"ath":"{}","nonce":"n-1"}}"#,
                ath("tok")
            )
        );
        assert!(verify(&jwt, &key));
        // a proof with another key does not verify with this one
        let other = DpopKey::generate().unwrap();
        let forged = other
            .proof_with_jti("GET", &url, None, None, now, "J1")
            .unwrap();
        let mixed = format!(
            "{}.{}",
            jwt.rsplit_once('.').unwrap().0,
            forged.rsplit_once('.').unwrap().1
        );
        assert!(!verify(&mixed, &key));
    }

    #[test]
    fn token_request_proofs_have_no_ath_and_fresh_jtis() {
        let key = DpopKey::generate().unwrap();
        let url = url::Url::parse("https://as.example/token").unwrap();
        let a = key
            .proof("POST", &url, None, None, SystemTime::now())
            .unwrap();
        let b = key
            .proof("POST", &url, None, None, SystemTime::now())
            .unwrap();
        let (ca, cb) = (
            decode(a.split('.').nth(1).unwrap()),
            decode(b.split('.').nth(1).unwrap()),
        );
        assert!(ca.get("ath").is_none() && ca.get("nonce").is_none());
        assert_eq!(ca["htm"], "POST");
        assert_ne!(ca["jti"], cb["jti"]);
        assert!(ca["jti"].as_str().unwrap().len() >= 22);
        assert!(
            key.proof("GE T", &url, None, None, SystemTime::now())
                .is_err()
        );
    }

    #[test]
    fn eddsa_and_rsa_keys_sign_verifiable_proofs() {
        let ed = DpopKey::generate_with("EdDSA").unwrap();
        assert_eq!(ed.public_jwk()["kty"], "OKP");
        let url = url::Url::parse("https://as.example/token").unwrap();
        let p = ed
            .proof("POST", &url, None, None, SystemTime::now())
            .unwrap();
        assert_eq!(decode(p.split('.').next().unwrap())["alg"], "EdDSA");
        assert!(verify(&p, &ed));

        let rsa_pem = include_str!("../tests/data/dpop_rsa.pem");
        let rsa = DpopKey::from_pem(rsa_pem).unwrap();
        assert_eq!(rsa.algorithm(), "RS256");
        let p = rsa
            .proof("POST", &url, None, None, SystemTime::now())
            .unwrap();
        assert!(verify(&p, &rsa));
        let ps = rsa.with_algorithm("PS256").unwrap();
        let p = ps
            .proof("POST", &url, None, None, SystemTime::now())
            .unwrap();
        assert_eq!(decode(p.split('.').next().unwrap())["alg"], "PS256");
        assert!(verify(&p, &ps));
        assert_eq!(ps.thumbprint(), rsa.thumbprint());
        assert!(rsa.with_algorithm("ES256").is_err());
        assert!(DpopKey::generate_with("RS256").is_err());
        assert!(ed.with_algorithm("ES256").is_err());
    }

    #[test]
    fn rfc7638_thumbprint_example() {
        // RFC 7638 §3.1: the example key's thumbprint. Our key type needs a
        // private key, so the canonical form is checked on the public members.
        let v: Map<String, Value> = serde_json::from_str(RFC7638_RSA).unwrap();
        let canonical = Value::Object(v).to_string();
        assert_eq!(
            b64(&Sha256::digest(canonical.as_bytes())),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn keys_round_trip_through_their_private_jwk_and_pem() {
        for key in [
            DpopKey::generate().unwrap(),
            DpopKey::generate_with("EdDSA").unwrap(),
            DpopKey::from_pem(include_str!("../tests/data/dpop_rsa.pem")).unwrap(),
        ] {
            let again = DpopKey::from_jwk(key.private_jwk().expose()).unwrap();
            assert_eq!(again, key);
            assert_eq!(again.thumbprint(), key.thumbprint());
            assert_eq!(again.algorithm(), key.algorithm());
        }
        // PKCS#8 keys: the public members are the devserver's published JWKs
        for (pem, jwk) in [
            (
                oauth2kit_devserver::keys::EC_CLIENT_PRIVATE_PEM,
                oauth2kit_devserver::keys::EC_CLIENT_JWK,
            ),
            (
                oauth2kit_devserver::keys::ED_CLIENT_PRIVATE_PEM,
                oauth2kit_devserver::keys::ED_CLIENT_JWK,
            ),
            (
                oauth2kit_devserver::keys::RSA_CLIENT_PRIVATE_PEM,
                oauth2kit_devserver::keys::RSA_CLIENT_JWK,
            ),
        ] {
            let key = DpopKey::from_pem(pem).unwrap();
            let published: Map<String, Value> = serde_json::from_str(jwk).unwrap();
            for (name, value) in key.public_jwk() {
                assert_eq!(&published[name], value, "{name}");
            }
        }
        let ec_pem = include_str!("../tests/data/dpop_ec.pem");
        let ec = DpopKey::from_pem(ec_pem).unwrap();
        assert_eq!(ec.algorithm(), "ES256");
        // a JWK whose public part is not its private key's is refused
        let mut tampered: Map<String, Value> =
            serde_json::from_str(ec.private_jwk().expose()).unwrap();
        let other = DpopKey::generate().unwrap();
        tampered.insert("x".into(), other.public_jwk()["x"].clone());
        assert!(DpopKey::from_jwk(&Value::Object(tampered).to_string()).is_err());
        assert!(
            DpopKey::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                .is_err()
        );
        assert!(
            DpopKey::from_jwk(RFC7638_RSA).is_err(),
            "a public JWK is no DPoP key"
        );
    }

    #[test]
    fn debug_never_shows_the_private_key() {
        let key = DpopKey::generate().unwrap();
        let d: Map<String, Value> = serde_json::from_str(key.private_jwk().expose()).unwrap();
        let d = d["d"].as_str().unwrap().to_string();
        let shown = format!("{key:?}");
        assert!(
            shown.contains(key.thumbprint()) && !shown.contains(&d),
            "{shown}"
        );
    }

    #[test]
    fn htu_drops_query_and_fragment() {
        let u = url::Url::parse("https://user@as.example:8443/p/a%20th?x=1#f").unwrap();
        assert_eq!(htu(&u), "https://user@as.example:8443/p/a%20th");
        let u = url::Url::parse("HTTP://127.0.0.1:80/token").unwrap();
        assert_eq!(htu(&u), "http://127.0.0.1/token");
    }

    /// A response with these headers (also used by `client.rs`'s tests).
    pub(crate) fn resp(status: u16, headers: &[(&str, &str)], body: &str) -> HttpResponse {
        HttpResponse::new(
            status,
            headers
                .iter()
                .map(|(n, v)| (n.to_string(), v.to_string()))
                .collect(),
            body,
        )
    }

    #[test]
    fn token_endpoint_nonce_challenges() {
        let json = ("content-type", "application/json");
        let body = r#"{"error":"use_dpop_nonce","error_description":"nonce please"}"#;
        assert_eq!(
            token_nonce_challenge(&resp(400, &[json, ("DPoP-Nonce", "eyJ7S_zG")], body)),
            Some("eyJ7S_zG".into())
        );
        // no header, another error, a success, a bad nonce: no retry
        assert_eq!(token_nonce_challenge(&resp(400, &[json], body)), None);
        assert_eq!(
            token_nonce_challenge(&resp(
                400,
                &[json, ("DPoP-Nonce", "n")],
                r#"{"error":"invalid_dpop_proof"}"#
            )),
            None
        );
        assert_eq!(
            token_nonce_challenge(&resp(200, &[json, ("DPoP-Nonce", "n")], body)),
            None
        );
        assert_eq!(
            token_nonce_challenge(&resp(400, &[json, ("DPoP-Nonce", "a\"b")], body)),
            None
        );
    }

    #[test]
    fn resource_nonce_challenges() {
        let h = |v: &'static str| [("WWW-Authenticate", v), ("DPoP-Nonce", "rs-nonce")];
        for v in [
            r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
            r#"Bearer realm="x", DPoP algs="ES256 PS256", error="use_dpop_nonce""#,
            r#"dpop error=use_dpop_nonce"#,
        ] {
            assert_eq!(
                resource_nonce_challenge(&resp(401, &h(v), "")),
                Some("rs-nonce".into()),
                "{v}"
            );
        }
        for v in [
            r#"DPoP error="invalid_token""#,
            r#"Bearer error="use_dpop_nonce""#,
            r#"DPoP error_description="use_dpop_nonce""#,
        ] {
            assert_eq!(resource_nonce_challenge(&resp(401, &h(v), "")), None, "{v}");
        }
        assert_eq!(
            resource_nonce_challenge(&resp(403, &h(r#"DPoP error="use_dpop_nonce""#), "")),
            None
        );
        assert_eq!(
            resource_nonce_challenge(&resp(
                401,
                &[("WWW-Authenticate", r#"DPoP error="use_dpop_nonce""#)],
                ""
            )),
            None
        );
    }

    #[test]
    fn challenges_are_split_with_params_and_token68() {
        let c = parse_challenges(
            r#"Basic YWxhZGRpbjpvcGVuc2VzYW1l==, DPoP algs="ES256", error="a \"q\" b",Bearer"#,
        );
        assert_eq!(c.len(), 3, "{c:?}");
        assert_eq!(c[0].0, "Basic");
        assert_eq!(
            c[0].1,
            vec![(String::new(), "YWxhZGRpbjpvcGVuc2VzYW1l==".into())]
        );
        assert_eq!(c[1].0, "DPoP");
        assert_eq!(
            c[1].1,
            vec![
                ("algs".into(), "ES256".into()),
                ("error".into(), "a \"q\" b".into())
            ]
        );
        assert_eq!(c[2], ("Bearer".into(), vec![]));
    }

    #[test]
    fn nonces_are_kept_per_scope_and_origin() {
        let n = Nonces::default();
        let a = url::Url::parse("https://h.example/token").unwrap();
        let b = url::Url::parse("https://h.example/api?x").unwrap();
        let c = url::Url::parse("https://other.example/api").unwrap();
        n.remember(
            NonceScope::AuthorizationServer,
            &a,
            &resp(200, &[("dpop-nonce", "as1")], ""),
        );
        n.remember(
            NonceScope::Resource,
            &b,
            &resp(200, &[("DPoP-Nonce", "rs1")], ""),
        );
        assert_eq!(
            n.get(NonceScope::AuthorizationServer, &b).as_deref(),
            Some("as1")
        );
        assert_eq!(n.get(NonceScope::Resource, &a).as_deref(), Some("rs1"));
        assert_eq!(n.get(NonceScope::Resource, &c), None);
        // a response without the header keeps the nonce
        n.remember(NonceScope::Resource, &b, &resp(200, &[], ""));
        assert_eq!(n.get(NonceScope::Resource, &b).as_deref(), Some("rs1"));
    }
}
