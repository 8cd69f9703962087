//! Helpers shared by the integration tests: an HTTP client that does not follow
//! redirects, PKCE, the authorization step, and client assertions.
#![allow(dead_code)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use oauth2kit_devserver::DevServer;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use url::Url;

pub const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
pub const REDIRECT: &str = "http://127.0.0.1:51234/callback";

pub fn http() -> reqwest::Client {
    // reqwest insists on a TLS provider even for http:// when its rustls feature is on.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("http client")
}

pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

pub fn challenge(verifier: &str) -> String {
    URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
}

/// The RFC 6749 §2.3.1 Basic header: form-encode each half, then base64.
pub fn basic_form(id: &str, secret: &str) -> String {
    let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
    format!(
        "Basic {}",
        STANDARD.encode(format!("{}:{}", enc(id), enc(secret)))
    )
}

/// The plain `base64(id:secret)` Basic header.
pub fn basic_plain(id: &str, secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("{id}:{secret}")))
}

/// The query parameters of a redirect's `Location` (or its fragment's).
pub fn location_params(response: &reqwest::Response) -> Vec<(String, String)> {
    let location = response
        .headers()
        .get("location")
        .expect("Location header")
        .to_str()
        .expect("ascii");
    let url = Url::parse(location).expect("absolute Location");
    let raw = url.fragment().or(url.query()).unwrap_or("").to_owned();
    url::form_urlencoded::parse(raw.as_bytes())
        .into_owned()
        .collect()
}

pub fn param(pairs: &[(String, String)], name: &str) -> Option<String> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.clone())
}

/// Runs /authorize for `client_id` with S256 PKCE and returns the code.
pub async fn code_for(server: &DevServer, client_id: &str, scope: &str) -> String {
    let response = http()
        .get(format!("{}/authorize", server.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", client_id),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "xyz"),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), 302, "authorize should redirect");
    let pairs = location_params(&response);
    param(&pairs, "code").unwrap_or_else(|| panic!("no code in {pairs:?}"))
}

/// A client assertion (RFC 7523 §3) signed with `key`.
pub fn assertion(
    alg: Algorithm,
    key: &EncodingKey,
    iss: &str,
    sub: &str,
    aud: &str,
    jti: &str,
    exp: u64,
) -> String {
    let claims =
        json!({ "iss": iss, "sub": sub, "aud": aud, "jti": jti, "exp": exp, "iat": now() });
    jsonwebtoken::encode(&Header::new(alg), &claims, key).expect("sign")
}

pub fn rsa_key() -> EncodingKey {
    EncodingKey::from_rsa_pem(oauth2kit_devserver::keys::RSA_CLIENT_PRIVATE_PEM.as_bytes())
        .expect("rsa key")
}

pub fn ec_key() -> EncodingKey {
    EncodingKey::from_ec_pem(oauth2kit_devserver::keys::EC_CLIENT_PRIVATE_PEM.as_bytes())
        .expect("ec key")
}

pub fn ed_key() -> EncodingKey {
    EncodingKey::from_ed_pem(oauth2kit_devserver::keys::ED_CLIENT_PRIVATE_PEM.as_bytes())
        .expect("ed key")
}

pub async fn json(response: reqwest::Response) -> Value {
    response.json().await.expect("JSON body")
}

/// POSTs a form to `path` with optional extra headers, returning status and JSON body.
pub async fn post_form(
    server: &DevServer,
    path: &str,
    auth: Option<&str>,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let mut request = http().post(format!("{}{path}", server.url())).form(form);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
}
