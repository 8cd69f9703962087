//! The targets. Each parses its input with the public API a binding uses,
//! then checks what no input may break: no panic, and no secret the client
//! knows (its client secret, the refresh token it sent) in an error after
//! [`OAuthClient::redact_error`] — the scrub every transport applies.

use std::sync::OnceLock;
use std::time::Duration;

use oauth2kit::authorize::PendingAuthorization;
use oauth2kit::{AuthMethod, AuthorizeOptions, Callback, Error, Grant, OAuthClient, Profile};

use crate::answer::{Answer, answer};

/// The client secret of every fuzzed client: no error may show it.
pub const CLIENT_SECRET: &str = "fuzz-client-secret-7f3a9c";
/// The refresh token a refresh request carries: no error may show it.
pub const REFRESH_TOKEN: &str = "fuzz-refresh-token-3c1d5e";
/// The issuer discovery expects and callbacks check `iss` against.
pub const ISSUER: &str = "https://as.example";
/// The state of the pending authorization the callback target verifies
/// against (caller-supplied, so corpus files can carry it).
pub const STATE: &str = "fuzz-state-0123456789abcdef";

/// One client per built-in profile, built once (the binaries fuzz in a loop).
fn clients() -> &'static [(String, OAuthClient)] {
    static CLIENTS: OnceLock<Vec<(String, OAuthClient)>> = OnceLock::new();
    CLIENTS.get_or_init(|| {
        Profile::builtin_names()
            .into_iter()
            .map(|name| {
                let profile = Profile::builtin(name).expect("built-in profile");
                (name.to_string(), client_with(profile))
            })
            .collect()
    })
}

/// A client with every endpoint set and `client_secret_post`, so the secret
/// travels in the body a hostile server may echo.
fn client_with(profile: Profile) -> OAuthClient {
    OAuthClient::builder("fuzz-client")
        .client_secret(CLIENT_SECRET)
        .auth_method(AuthMethod::ClientSecretPost)
        .profile(profile)
        .issuer(ISSUER)
        .base_url(ISSUER)
        .authorization_url("https://as.example/authorize")
        .token_url("https://as.example/token")
        .redirect_uri("http://127.0.0.1:8765/callback")
        .build()
        .expect("fuzz client")
}

/// The client whose profile the input names (`200 deskera_v1`), else the first.
fn client_for(a: &Answer) -> &'static OAuthClient {
    let all = clients();
    let chosen = all.iter().find(|(name, _)| a.has(name)).unwrap_or(&all[0]);
    &chosen.1
}

fn grant_for(a: &Answer) -> Grant {
    if a.has("refresh") {
        Grant::refresh(&REFRESH_TOKEN.into(), None)
    } else {
        Grant::client_credentials(None)
    }
}

/// Every text of an error as a user of any binding would see it.
fn shown(e: &Error) -> String {
    let mut text = format!("{e}\n{e:?}\n{}", e.body().unwrap_or_default());
    if let Some(o) = e.oauth() {
        text.push_str(&format!("\n{:?}\n{:?}", o.description, o.extra));
    }
    text
}

/// Redacts `e` as a transport does and checks no known secret is left.
fn check_redacted(client: &OAuthClient, grant: &Grant, e: Error) {
    let Ok(request) = client.token_request(grant) else {
        return;
    };
    let e = client.redact_error(e, &request);
    let text = shown(&e);
    // The refresh token is a secret of this request only when it carried it.
    let known: &[&str] = if grant.is_refresh() {
        &[CLIENT_SECRET, REFRESH_TOKEN]
    } else {
        &[CLIENT_SECRET]
    };
    for secret in known {
        assert!(
            !text.contains(secret),
            "a known secret survived redaction: {text}"
        );
    }
    let _ = e.is_transient();
    let _ = e.retry_after();
}

/// Token endpoint answers, success and error (status line: `200 [profile] [refresh]`).
pub fn token(data: &[u8]) {
    let a = answer(data);
    let client = client_for(&a);
    let grant = grant_for(&a);
    match client.parse_token_response(&grant, &a.response) {
        Ok(set) => {
            // Whatever lifetime was sent, the clock arithmetic must hold.
            let _ = set.expires_in();
            let _ = set.is_expired(Duration::ZERO);
            let _ = set.is_expired(Duration::MAX);
            let _ = format!("{set:?}");
            let _ = client.authorization_header(&set);
        }
        Err(e) => check_redacted(client, &grant, e),
    }
}

/// Every other answer read for its error: revocation, validation, PAR, and
/// the poll-error classification of device and CIBA polling.
pub fn error(data: &[u8]) {
    let a = answer(data);
    let client = client_for(&a);
    let grant = grant_for(&a);
    if let Err(e) = client.parse_revocation(&a.response) {
        check_redacted(client, &grant, e);
    }
    if let Err(e) = client.parse_validation(&a.response) {
        check_redacted(client, &grant, e);
    }
    match client.par_authorization_url(&a.response) {
        Ok(url) => assert!(url.as_str().starts_with("https://as.example/authorize?")),
        Err(e) => check_redacted(client, &grant, e),
    }
    if let Err(e) = client.parse_token_response(&grant, &a.response) {
        if let Err(e) = oauth2kit::device::classify_poll_error(e) {
            check_redacted(client, &grant, e);
        }
    }
}

/// The pending authorization a callback comes back to: PKCE, a known state,
/// and `iss` required, so every branch of `verify` is reachable.
fn pending() -> &'static PendingAuthorization {
    static PENDING: OnceLock<PendingAuthorization> = OnceLock::new();
    PENDING.get_or_init(|| {
        let mut p = clients()[0]
            .1
            .authorization_url(AuthorizeOptions {
                state: Some(STATE.into()),
                ..Default::default()
            })
            .expect("authorization url")
            .pending;
        p.issuer = Some(ISSUER.into());
        p.require_issuer = true;
        p
    })
}

/// The redirect back: a URL with query or fragment, or a bare query string.
pub fn callback(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let client = &clients()[0].1;
    let Ok(cb) = Callback::parse(&text) else {
        return;
    };
    let _ = format!("{cb:?}");
    let pending = pending();
    match cb.clone().into_grant(pending) {
        Ok(grant) => {
            // Only a redirect carrying the right state and issuer gets here.
            assert_eq!(cb.state.as_deref(), Some(STATE));
            assert_eq!(cb.iss.as_deref(), Some(ISSUER));
            let _ = client.token_request(&grant);
        }
        Err(e) => {
            let _ = format!("{e}");
        }
    }
    let _ = cb.into_implicit_token(pending, client.token_parsing(false));
}

/// Authorization server metadata (RFC 8414 / OpenID discovery).
pub fn discovery(data: &[u8]) {
    let a = answer(data);
    match oauth2kit::discovery::parse_metadata(&a.response, ISSUER) {
        Ok(meta) => {
            // A client built from what a server said must build or refuse, not panic.
            let _ = OAuthClient::builder("fuzz-client")
                .client_secret(CLIENT_SECRET)
                .metadata(meta)
                .build();
        }
        Err(e) => check_redacted(client_for(&a), &grant_for(&a), e),
    }
}

/// Token introspection answers (RFC 7662).
pub fn introspection(data: &[u8]) {
    let a = answer(data);
    let client = client_for(&a);
    match client.parse_introspection(&a.response) {
        Ok(i) => {
            let _ = format!("{i:?}");
        }
        Err(e) => check_redacted(client, &grant_for(&a), e),
    }
}

/// Device authorization answers (RFC 8628): lifetimes and intervals any size.
pub fn device(data: &[u8]) {
    let a = answer(data);
    let client = client_for(&a);
    match client.parse_device_authorization(&a.response) {
        Ok(d) => {
            let _ = (d.expires_in.checked_add(d.interval), format!("{d:?}"));
            let _ = client.token_request(&d.grant());
        }
        Err(e) => check_redacted(client, &grant_for(&a), e),
    }
}

/// CIBA backchannel authentication answers.
pub fn ciba(data: &[u8]) {
    let a = answer(data);
    let client = client_for(&a);
    match client.parse_ciba(&a.response) {
        Ok(c) => {
            let _ = (c.expires_in.checked_add(c.interval), format!("{c:?}"));
            let _ = client.token_request(&c.grant());
        }
        Err(e) => check_redacted(client, &grant_for(&a), e),
    }
}

/// A profile that parsed is used: a client built on it reads a token answer.
fn use_profile(profile: Profile) {
    let _ = profile.refresh_fields();
    let Ok(client) = OAuthClient::builder("fuzz-client")
        .client_secret(CLIENT_SECRET)
        .profile(profile)
        .base_url(ISSUER)
        .token_url("https://as.example/token")
        .authorization_url("https://as.example/authorize")
        .build()
    else {
        return;
    };
    let _ = client.authorization_url(AuthorizeOptions::default());
    let grant = Grant::client_credentials(None);
    let _ = client.token_request(&grant);
    let resp = oauth2kit::HttpResponse::json(
        200,
        r#"{"access_token":"a","accessToken":"a","expires_in":60,"refresh_token":"r"}"#,
    );
    let _ = client.parse_token_response(&grant, &resp);
}

/// Profile files in TOML.
pub fn profile_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Profile::from_toml_str(text, "fuzz.toml") {
        use_profile(p);
    }
}

/// Profile files in JSON.
pub fn profile_json(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(p) = Profile::from_json_str(text, "fuzz.json") {
        use_profile(p);
    }
}

/// The stored token document (file and Redis stores): what reads back is
/// written and read again to the same tokens.
pub fn store(data: &[u8]) {
    let Ok(first) = oauth2kit::store::decode_document(data, "fuzz") else {
        return;
    };
    let _ = (first.expires_in(), first.is_expired(Duration::MAX));
    let bytes = oauth2kit::store::encode_document(&first).expect("a decoded set encodes");
    let again = oauth2kit::store::decode_document(&bytes, "fuzz").expect("an encoded set decodes");
    assert_eq!(first.access_token, again.access_token);
    assert_eq!(first.refresh_token, again.refresh_token);
    assert_eq!(first.id_token, again.id_token);
    assert_eq!(first.scope, again.scope);
    assert_eq!(first.token_type, again.token_type);
    // Floats in `extra` may move by an ulp through serde_json; keys may not.
    assert!(first.extra.keys().eq(again.extra.keys()));
    // Milliseconds survive; a clamped time is clamped again a moment later.
    match (first.expires_at, again.expires_at) {
        (Some(a), Some(b)) => {
            let apart = a.duration_since(b).or_else(|e| Ok::<_, ()>(e.duration()));
            assert!(apart.unwrap_or_default() < Duration::from_secs(60));
        }
        (None, None) => {}
        other => panic!("expires_at changed through a round trip: {other:?}"),
    }
}

/// The signing key of the fuzzed OpenID provider (Ed25519: fast to sign, so
/// the `claims` mode stays quick). A throw-away key made for the fuzzer.
const OP_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIAFGpxRkL1zUMBWGnyDjBbMUUaxze7kT7sHi8S50zTVR
-----END PRIVATE KEY-----
";
/// Its public half, as the provider's JWKS publishes it.
const OP_JWKS: &str = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k1","alg":"EdDSA","use":"sig","x":"6bmc1d4rfDkGAEvdijbh-wIt_EeOZpxnw8RURQ-crmk"}]}"#;
/// The fixed `now` of the OpenID target (2026-12-06): corpus files pick
/// `exp`, `iat` and `auth_time` around it.
const OIDC_NOW: u64 = 1_796_515_200;

/// The relying party: issuer, client id `fuzz-client`, the provider's JWKS.
fn oidc_client() -> &'static (OAuthClient, oauth2kit::Jwks, oauth2kit::SigningKey) {
    static RP: OnceLock<(OAuthClient, oauth2kit::Jwks, oauth2kit::SigningKey)> = OnceLock::new();
    RP.get_or_init(|| {
        let client = OAuthClient::builder("fuzz-client")
            .client_secret(CLIENT_SECRET)
            .issuer(ISSUER)
            .token_url("https://as.example/token")
            .userinfo_url("https://as.example/userinfo")
            .jwks_json(OP_JWKS)
            .id_token_signed_response_alg("EdDSA")
            .build()
            .expect("fuzz relying party");
        let keys = oauth2kit::Jwks::from_json(OP_JWKS).expect("fuzz JWKS");
        let signer = oauth2kit::SigningKey::from_pem(OP_KEY_PEM)
            .expect("fuzz signing key")
            .with_kid("k1");
        (client, keys, signer)
    })
}

/// What the ID token must match: everything a code exchange may expect.
fn id_token_expectations() -> oauth2kit::IdTokenExpectations {
    let mut previous = serde_json::Map::new();
    previous.insert("iss".into(), ISSUER.into());
    previous.insert("sub".into(), "alice".into());
    previous.insert("aud".into(), "fuzz-client".into());
    previous.insert("auth_time".into(), (OIDC_NOW - 300).into());
    let mut e = oauth2kit::IdTokenExpectations::default();
    e.nonce = Some("fuzz-nonce".into());
    e.max_age = Some(Duration::from_secs(3600));
    e.acr = Some(vec!["urn:acr:1".into()]);
    e.access_token = Some("fuzz-access-token".into());
    e.code = Some("fuzz-code".into());
    e.previous = Some(previous);
    e
}

/// OpenID Connect: the body as a JWKS, as a UserInfo answer (JSON or a
/// signed JWT), and as an ID token. With `claims` in the status line the
/// body is a claims object the provider's key signs first, so every claim
/// check after the signature is reached.
pub fn oidc(data: &[u8]) {
    let a = answer(data);
    let (client, keys, signer) = oidc_client();
    let now = std::time::UNIX_EPOCH + Duration::from_secs(OIDC_NOW);
    if let Ok(fuzzed_keys) = oauth2kit::oidc::parse_jwks(&a.response) {
        let _ = (
            fuzzed_keys.len(),
            fuzzed_keys.max_age(),
            format!("{fuzzed_keys:?}"),
        );
        // A token signed by the real key, checked against the fuzzed set:
        // key selection must refuse or verify, never panic.
        if let Ok(token) = signer.sign(&serde_json::json!({"iss": ISSUER, "sub": "alice"})) {
            let _ = client.validate_id_token(&token, &fuzzed_keys, &Default::default(), now);
        }
    }
    match client.parse_userinfo(&a.response, Some(keys), Some("alice"), now) {
        Ok(claims) => assert_eq!(claims.get("sub").and_then(|s| s.as_str()), Some("alice")),
        Err(e) => {
            let _ = shown(&e);
        }
    }
    let token = if a.has("claims") {
        let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&a.response.body) else {
            return;
        };
        let Ok(token) = signer.sign(&claims) else {
            return;
        };
        token
    } else {
        String::from_utf8_lossy(&a.response.body).trim().to_string()
    };
    match client.validate_id_token(&token, keys, &id_token_expectations(), now) {
        Ok(claims) => {
            // Only a token the provider's key signed, for us, gets here.
            assert_eq!(claims.get("iss").and_then(|s| s.as_str()), Some(ISSUER));
            assert!(a.has("claims"), "an unsigned or foreign token was accepted");
        }
        Err(e) => {
            // The expected nonce must not be echoed. A claim of the token's
            // own may contain the same letters (an `iss` of
            // "https://as.fuzz-nonce" is quoted by the `iss` check), so the
            // error may hold the string as often as the token does, no more
            // (in each of its forms: the message and `Debug`).
            let given = String::from_utf8_lossy(&a.response.body)
                .matches("fuzz-nonce")
                .count();
            for text in [e.to_string(), format!("{e:?}")] {
                assert!(
                    text.matches("fuzz-nonce").count() <= given,
                    "the nonce in an error: {text}"
                );
            }
        }
    }
}

/// What of a caller's key text is secret: a JWK's private members and a
/// PEM's base64 lines (16 characters or more, so a short word the error
/// names anyway does not count).
fn key_material(text: &str) -> Vec<String> {
    let mut out: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
        .filter(|l| {
            l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b))
        })
        .map(String::from)
        .collect();
    if let Ok(serde_json::Value::Object(jwk)) = serde_json::from_str(text) {
        for member in ["d", "p", "q", "dp", "dq", "qi"] {
            if let Some(v) = jwk
                .get(member)
                .and_then(|v| v.as_str())
                .filter(|v| v.len() >= 16)
            {
                out.push(v.to_string());
            }
        }
    }
    out
}

/// A DPoP client: an Ed25519 key (fast proofs), given so runs repeat.
fn dpop_client() -> &'static OAuthClient {
    static CLIENT: OnceLock<OAuthClient> = OnceLock::new();
    CLIENT.get_or_init(|| {
        OAuthClient::builder("fuzz-client")
            .client_secret(CLIENT_SECRET)
            .auth_method(AuthMethod::ClientSecretPost)
            .token_url("https://as.example/token")
            .dpop_key_pem(OP_KEY_PEM)
            .build()
            .expect("fuzz DPoP client")
    })
}

/// DPoP (RFC 9449): token answers read by a DPoP client (`DPoP-Nonce`,
/// `use_dpop_nonce`, `token_type`), resource answers (`WWW-Authenticate`
/// challenges, nonces remembered per origin, then a proof carrying the
/// remembered nonce), and with `key` in the status line the body as a
/// caller's DPoP key (PEM or JWK).
pub fn dpop(data: &[u8]) {
    let a = answer(data);
    if a.has("key") {
        let text = String::from_utf8_lossy(&a.response.body);
        for key in [
            oauth2kit::DpopKey::from_pem(&text),
            oauth2kit::DpopKey::from_jwk(&text),
        ] {
            match key {
                Ok(k) => {
                    let url = url::Url::parse("https://rs.example/api").expect("url");
                    let _ = (k.thumbprint().len(), format!("{k:?}"));
                    let _ = k.proof(
                        "GET",
                        &url,
                        Some("at"),
                        Some("n"),
                        std::time::SystemTime::now(),
                    );
                }
                Err(e) => {
                    let shown = format!("{e}\n{e:?}");
                    for secret in key_material(&text) {
                        assert!(
                            !shown.contains(&secret),
                            "private key material in an error: {shown}"
                        );
                    }
                }
            }
        }
        return;
    }
    let client = dpop_client();
    for (name, value) in &a.response.headers {
        if name.eq_ignore_ascii_case("www-authenticate") {
            let _ = oauth2kit::dpop::parse_challenges(value);
        }
    }
    let grant = grant_for(&a);
    let _ = oauth2kit::dpop::token_nonce_challenge(&a.response);
    let tokens = match client.parse_token_response(&grant, &a.response) {
        Ok(set) => set,
        Err(e) => {
            check_redacted(client, &grant, e);
            let mut set = oauth2kit::TokenSet::bearer("fuzz-access-token");
            set.token_type = Some("DPoP".into());
            set
        }
    };
    let url = url::Url::parse("https://rs.example/api?x=1").expect("url");
    let again = client.check_resource_response(&url, &tokens, &a.response);
    if let Ok(headers) = client.resource_request_headers("GET", &url, &tokens) {
        let _ = (again, headers.len());
    }
}

/// The JARM client: the OpenID target's provider and keys, `response_mode=jwt`,
/// and the pending authorization its responses come back to.
fn jarm_client() -> &'static (OAuthClient, PendingAuthorization) {
    static RP: OnceLock<(OAuthClient, PendingAuthorization)> = OnceLock::new();
    RP.get_or_init(|| {
        let client = OAuthClient::builder("fuzz-client")
            .client_secret(CLIENT_SECRET)
            .issuer(ISSUER)
            .authorization_url("https://as.example/authorize")
            .token_url("https://as.example/token")
            .redirect_uri("https://app.example/cb")
            .jwks_json(OP_JWKS)
            .response_mode("jwt")
            .build()
            .expect("fuzz JARM client");
        let pending = client
            .authorization_url(AuthorizeOptions {
                state: Some(STATE.into()),
                ..Default::default()
            })
            .expect("authorization url")
            .pending;
        (client, pending)
    })
}

/// JARM (JWT Secured Authorization Response Mode): a redirect whose
/// `response` is validated with the provider's keys before its claims are
/// the response's parameters. With `claims` in the status line the body is a
/// claims object the provider's key signs first (`fragment` or `form` picks
/// where the JWT goes), so every check after the signature is reached;
/// otherwise the body is the redirect as it came.
pub fn jarm(data: &[u8]) {
    let a = answer(data);
    let (client, pending) = jarm_client();
    let (_, keys, signer) = oidc_client();
    let now = std::time::UNIX_EPOCH + Duration::from_secs(OIDC_NOW);
    let redirect = if a.has("claims") {
        let Ok(claims) = serde_json::from_slice::<serde_json::Value>(&a.response.body) else {
            return;
        };
        let Ok(jwt) = signer.sign(&claims) else {
            return;
        };
        if a.has("form") {
            format!("response={jwt}")
        } else if a.has("fragment") {
            format!("https://app.example/cb#response={jwt}")
        } else {
            format!("https://app.example/cb?response={jwt}")
        }
    } else {
        String::from_utf8_lossy(&a.response.body).into_owned()
    };
    match client.parse_authorization_response(&redirect, Some(keys), now) {
        Ok(callback) => {
            let _ = format!("{callback:?}");
            match callback.into_grant(pending) {
                // A code reaches the grant only from a JWT the provider's key
                // signed, for this client, carrying the pending state.
                Ok(grant) => {
                    assert!(a.has("claims"), "an unsigned JARM response was accepted");
                    let _ = client.token_request(&grant);
                }
                Err(e) => {
                    let _ = shown(&e);
                }
            }
        }
        Err(e) => {
            let _ = shown(&e);
        }
    }
}
