//! ID token and UserInfo validation through the sans-IO API: every check of
//! OpenID Connect Core §3.1.3.7 passed and failed, with tokens signed by the
//! devserver's test keys.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2kit::oidc::{IdTokenExpectations, Jwks};
use oauth2kit::{
    Error, ErrorCode, HttpResponse, Method, OAuthClient, Secret, ServerMetadata, SigningKey,
    TokenSet,
};
use oauth2kit_devserver::keys;
use serde_json::{Map, Value, json};
use sha2::Digest;

const ISS: &str = "https://op.example";
const CLIENT: &str = "rp";

fn jwks_json() -> String {
    // the RSA key once more, without `alg`, so it may verify PS256 too
    let mut any: Value = serde_json::from_str(keys::RSA_CLIENT_JWK).unwrap();
    any.as_object_mut().unwrap().remove("alg");
    any["kid"] = json!("rsa-any");
    format!(
        r#"{{"keys":[{},{},{},{any}]}}"#,
        keys::RSA_CLIENT_JWK,
        keys::EC_CLIENT_JWK,
        keys::ED_CLIENT_JWK
    )
}

/// A client trusting the three test keys, for the algorithms in `algs`.
fn client_with(algs: &[&str]) -> OAuthClient {
    let meta = ServerMetadata {
        issuer: ISS.into(),
        userinfo_endpoint: Some(format!("{ISS}/userinfo")),
        jwks_uri: Some(format!("{ISS}/jwks")),
        id_token_signing_alg_values_supported: algs.iter().map(|a| a.to_string()).collect(),
        ..Default::default()
    };
    OAuthClient::builder(CLIENT)
        .metadata(meta)
        .jwks_json(jwks_json())
        .build()
        .unwrap()
}

fn client() -> OAuthClient {
    client_with(&["RS256", "PS256", "ES256", "EdDSA", "HS256", "none"])
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_secs()
}

fn claims() -> Map<String, Value> {
    let now = unix(SystemTime::now());
    json!({
        "iss": ISS, "sub": "alice", "aud": CLIENT,
        "iat": now, "exp": now + 300, "auth_time": now - 10,
        "nonce": "n-0123456789",
    })
    .as_object()
    .unwrap()
    .clone()
}

fn rsa() -> SigningKey {
    SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM)
        .unwrap()
        .with_kid("rsa-client")
}

fn sign(key: &SigningKey, claims: &Map<String, Value>) -> String {
    key.sign(claims).unwrap()
}

fn with(f: impl FnOnce(&mut Map<String, Value>)) -> Map<String, Value> {
    let mut c = claims();
    f(&mut c);
    c
}

fn validate(token: &str, expected: &IdTokenExpectations) -> oauth2kit::Result<Map<String, Value>> {
    let c = client();
    let keys = Jwks::from_json(&jwks_json()).unwrap();
    c.validate_id_token(token, &keys, expected, SystemTime::now())
}

fn nonce() -> IdTokenExpectations {
    let mut e = IdTokenExpectations::default();
    e.nonce = Some(Secret::new("n-0123456789"));
    e
}

#[track_caller]
fn assert_check(result: oauth2kit::Result<Map<String, Value>>, expected_check: &str) {
    match result {
        Err(e @ Error::InvalidIdToken { .. }) => {
            let Error::InvalidIdToken { check, .. } = &e else {
                unreachable!()
            };
            assert_eq!(check, expected_check, "{e}");
            assert_eq!(e.code(), ErrorCode::InvalidResponse);
            assert!(!e.to_string().contains("n-0123456789"), "{e}");
        }
        other => panic!("expected the {expected_check} check to fail, got {other:?}"),
    }
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

#[test]
fn every_supported_algorithm_validates() {
    let keys = [
        rsa(),
        SigningKey::from_pem_with_algorithm(keys::RSA_CLIENT_PRIVATE_PEM, "PS256")
            .unwrap()
            .with_kid("rsa-any"),
        SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)
            .unwrap()
            .with_kid("ec-client"),
        SigningKey::from_pem(keys::ED_CLIENT_PRIVATE_PEM)
            .unwrap()
            .with_kid("ed-client"),
    ];
    for key in &keys {
        let out = validate(&sign(key, &claims()), &nonce()).unwrap();
        assert_eq!(out["sub"], "alice", "{}", key.algorithm());
    }
    // a key whose JWK says RS256 does not verify PS256
    let ps_as_rs = SigningKey::from_pem_with_algorithm(keys::RSA_CLIENT_PRIVATE_PEM, "PS256")
        .unwrap()
        .with_kid("rsa-client");
    assert_check(validate(&sign(&ps_as_rs, &claims()), &nonce()), "kid");
    // without a kid, the key is found by type and algorithm
    let no_kid = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM).unwrap();
    assert!(validate(&sign(&no_kid, &claims()), &nonce()).is_ok());
}

#[test]
fn alg_none_hmac_and_unlisted_algorithms_are_refused() {
    let header = json!({"alg": "none", "typ": "JWT"});
    let unsigned = format!("{}.{}.", b64(&header), b64(&Value::Object(claims())));
    assert_check(validate(&unsigned, &nonce()), "alg");
    // HS256 keyed with the provider's public key (the classic confusion attack)
    let public: Value = serde_json::from_str(keys::RSA_CLIENT_JWK).unwrap();
    let secret = public["n"].as_str().unwrap().as_bytes().to_vec();
    let hmac = SigningKey::hs256(&secret).with_kid("rsa-client");
    assert_check(validate(&sign(&hmac, &claims()), &nonce()), "alg");
    // PS256 is not in this client's list
    let c = client_with(&["RS256"]);
    let keys = Jwks::from_json(&jwks_json()).unwrap();
    let ps = SigningKey::from_pem_with_algorithm(keys::RSA_CLIENT_PRIVATE_PEM, "PS256")
        .unwrap()
        .with_kid("rsa-any");
    assert_check(
        c.validate_id_token(&sign(&ps, &claims()), &keys, &nonce(), SystemTime::now()),
        "alg",
    );
    // a configured algorithm wins over the metadata's; none and HMAC cannot be configured
    assert!(matches!(
        OAuthClient::builder(CLIENT)
            .issuer(ISS)
            .id_token_signed_response_alg("HS256")
            .build(),
        Err(Error::Config(_))
    ));
    assert!(matches!(
        OAuthClient::builder(CLIENT)
            .issuer(ISS)
            .id_token_signed_response_alg("none")
            .build(),
        Err(Error::Config(_))
    ));
}

#[test]
fn unknown_kid_bad_signature_and_garbage() {
    let other = SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM)
        .unwrap()
        .with_kid("rotated-away");
    assert_check(validate(&sign(&other, &claims()), &nonce()), "kid");
    // an EC key announced under the Ed25519 key's kid: no key of that kid fits ES256
    let wrong = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)
        .unwrap()
        .with_kid("ed-client");
    assert_check(validate(&sign(&wrong, &claims()), &nonce()), "kid");
    let token = sign(&rsa(), &claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_string).collect();
    parts[1] = b64(&Value::Object(with(|c| {
        c.insert("sub".into(), json!("mallory"));
    })));
    assert_check(validate(&parts.join("."), &nonce()), "signature");
    assert_check(validate("not.a-jwt", &nonce()), "format");
    assert_check(validate("e30.e30.e30", &nonce()), "alg");
}

#[test]
fn issuer_audience_and_authorized_party() {
    let bad = |f: fn(&mut Map<String, Value>)| validate(&sign(&rsa(), &with(f)), &nonce());
    assert_check(
        bad(|c| drop(c.insert("iss".into(), json!("https://evil.example")))),
        "iss",
    );
    assert_check(bad(|c| drop(c.remove("iss"))), "iss");
    assert_check(
        bad(|c| drop(c.insert("aud".into(), json!("someone-else")))),
        "aud",
    );
    assert_check(
        bad(|c| drop(c.insert("aud".into(), json!([CLIENT, "other"])))),
        "azp",
    );
    assert_check(
        bad(|c| {
            c.insert("aud".into(), json!([CLIENT, "other"]));
            c.insert("azp".into(), json!("other"));
        }),
        "azp",
    );
    assert!(
        bad(|c| {
            c.insert("aud".into(), json!([CLIENT, "other"]));
            c.insert("azp".into(), json!(CLIENT));
        })
        .is_ok()
    );
    assert_check(bad(|c| drop(c.remove("sub"))), "sub");
}

#[test]
fn times_with_clock_skew() {
    let now = unix(SystemTime::now());
    let at = |name: &str, v: u64| {
        let name = name.to_string();
        validate(
            &sign(&rsa(), &with(move |c| drop(c.insert(name, json!(v))))),
            &nonce(),
        )
    };
    assert_check(at("exp", now - 120), "exp");
    assert!(at("exp", now - 30).is_ok(), "within the default 60 s skew");
    assert_check(at("iat", now + 120), "iat");
    assert!(at("iat", now + 30).is_ok());
    assert_check(at("nbf", now + 120), "nbf");
    assert!(at("nbf", now + 30).is_ok());
    assert_check(
        validate(&sign(&rsa(), &with(|c| drop(c.remove("exp")))), &nonce()),
        "exp",
    );
    assert_check(
        validate(
            &sign(
                &rsa(),
                &with(|c| drop(c.insert("exp".into(), json!("soon")))),
            ),
            &nonce(),
        ),
        "exp",
    );
    // a huge exp is clamped, not a panic; a zero skew is honoured
    assert!(at("exp", u64::MAX / 2).is_ok());
    let strict = OAuthClient::builder(CLIENT)
        .issuer(ISS)
        .clock_skew(Duration::ZERO)
        .build()
        .unwrap();
    let keys = Jwks::from_json(&jwks_json()).unwrap();
    let token = sign(
        &rsa(),
        &with(|c| drop(c.insert("exp".into(), json!(now - 1)))),
    );
    assert_check(
        strict.validate_id_token(&token, &keys, &nonce(), SystemTime::now()),
        "exp",
    );
}

#[test]
fn nonce_max_age_and_hashes() {
    assert_check(
        validate(
            &sign(
                &rsa(),
                &with(|c| drop(c.insert("nonce".into(), json!("forged")))),
            ),
            &nonce(),
        ),
        "nonce",
    );
    assert_check(
        validate(&sign(&rsa(), &with(|c| drop(c.remove("nonce")))), &nonce()),
        "nonce",
    );
    // no nonce expected: not checked
    assert!(validate(&sign(&rsa(), &claims()), &IdTokenExpectations::default()).is_ok());

    let mut e = nonce();
    let long_ago = unix(SystemTime::now()) - 100;
    let old_login = with(|c| drop(c.insert("auth_time".into(), json!(long_ago))));
    e.max_age = Some(Duration::from_secs(5));
    assert_check(validate(&sign(&rsa(), &old_login), &e), "auth_time");
    e.max_age = Some(Duration::from_secs(50));
    assert!(
        validate(&sign(&rsa(), &old_login), &e).is_ok(),
        "within max_age + skew"
    );
    e.max_age = Some(Duration::from_secs(600));
    assert!(validate(&sign(&rsa(), &claims()), &e).is_ok());
    assert_check(
        validate(&sign(&rsa(), &with(|c| drop(c.remove("auth_time")))), &e),
        "auth_time",
    );

    let half = |v: &str| URL_SAFE_NO_PAD.encode(&sha2::Sha256::digest(v.as_bytes())[..16]);
    let mut e = nonce();
    e.access_token = Some(Secret::new("AT-1"));
    e.code = Some(Secret::new("CODE-1"));
    let good = with(|c| {
        c.insert("at_hash".into(), json!(half("AT-1")));
        c.insert("c_hash".into(), json!(half("CODE-1")));
    });
    assert!(validate(&sign(&rsa(), &good), &e).is_ok());
    let mut bad = good.clone();
    bad.insert("at_hash".into(), json!(half("AT-2")));
    assert_check(validate(&sign(&rsa(), &bad), &e), "at_hash");
    let mut bad = good.clone();
    bad.insert("c_hash".into(), json!(half("CODE-2")));
    assert_check(validate(&sign(&rsa(), &bad), &e), "c_hash");
    // EdDSA (Ed25519) hashes with SHA-512
    let ed = SigningKey::from_pem(keys::ED_CLIENT_PRIVATE_PEM)
        .unwrap()
        .with_kid("ed-client");
    let half512 = URL_SAFE_NO_PAD.encode(&sha2::Sha512::digest(b"AT-1")[..32]);
    let ed_claims = with(|c| drop(c.insert("at_hash".into(), json!(half512))));
    let mut e = nonce();
    e.access_token = Some(Secret::new("AT-1"));
    assert!(validate(&sign(&ed, &ed_claims), &e).is_ok());
}

#[test]
fn a_refreshed_id_token_must_match_the_first() {
    let first = validate(&sign(&rsa(), &claims()), &nonce()).unwrap();
    let mut e = IdTokenExpectations::default();
    e.previous = Some(first);
    let refreshed = with(|c| drop(c.remove("nonce")));
    assert!(validate(&sign(&rsa(), &refreshed), &e).is_ok());
    for (name, value) in [
        ("sub", json!("bob")),
        ("aud", json!([CLIENT, "x"])),
        ("auth_time", json!(1)),
    ] {
        let mut c = refreshed.clone();
        c.insert(name.into(), value);
        if name == "aud" {
            c.insert("azp".into(), json!(CLIENT));
        }
        assert_check(validate(&sign(&rsa(), &c), &e), "refresh");
    }
}

#[test]
fn userinfo_request_and_answers() {
    let c = client();
    let tokens = TokenSet::bearer("AT-9");
    let req = c.userinfo_request(&tokens).unwrap();
    assert_eq!(req.method, Method::Get);
    assert_eq!(req.url.as_str(), "https://op.example/userinfo");
    assert_eq!(
        req.headers,
        vec![
            ("Authorization".to_string(), "Bearer AT-9".to_string()),
            (
                "Accept".to_string(),
                "application/json, application/jwt".to_string()
            ),
        ]
    );
    assert!(req.body.is_empty());
    // POST when the provider wants it: an empty form body, the token still in the header.
    let post = OAuthClient::builder(CLIENT)
        .metadata(ServerMetadata {
            issuer: ISS.into(),
            userinfo_endpoint: Some(format!("{ISS}/userinfo")),
            ..Default::default()
        })
        .userinfo_post(true)
        .build()
        .unwrap()
        .userinfo_request(&tokens)
        .unwrap();
    assert_eq!(post.method, Method::Post);
    assert_eq!(
        post.headers,
        vec![
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string()
            ),
            ("Authorization".to_string(), "Bearer AT-9".to_string()),
            (
                "Accept".to_string(),
                "application/json, application/jwt".to_string()
            ),
        ]
    );
    assert!(post.body.is_empty());
    let jwks_req = c.jwks_request().unwrap();
    assert_eq!(jwks_req.url.as_str(), "https://op.example/jwks");

    let now = SystemTime::now();
    let json = HttpResponse::json(200, r#"{"sub":"alice","email":"a@x"}"#);
    let claims = c.parse_userinfo(&json, None, Some("alice"), now).unwrap();
    assert_eq!(claims["email"], "a@x");
    let userinfo_check = |r: oauth2kit::Result<Map<String, Value>>| match r {
        Err(Error::InvalidUserInfo { check, .. }) => check,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        userinfo_check(c.parse_userinfo(&json, None, Some("bob"), now)),
        "sub"
    );
    let no_sub = HttpResponse::json(200, r#"{"email":"a@x"}"#);
    assert_eq!(
        userinfo_check(c.parse_userinfo(&no_sub, None, None, now)),
        "sub"
    );
    assert!(matches!(
        c.parse_userinfo(&HttpResponse::json(401, ""), None, None, now),
        Err(Error::Http { status: 401, .. })
    ));

    // a signed answer
    let keys = Jwks::from_json(&jwks_json()).unwrap();
    let jwt = |claims: Value| {
        HttpResponse::new(
            200,
            vec![("content-type".into(), "application/jwt".into())],
            rsa().sign(&claims).unwrap(),
        )
    };
    let signed = jwt(json!({"iss": ISS, "aud": CLIENT, "sub": "alice", "name": "Alice"}));
    let claims = c
        .parse_userinfo(&signed, Some(&keys), Some("alice"), now)
        .unwrap();
    assert_eq!(claims["name"], "Alice");
    assert!(matches!(
        c.parse_userinfo(&signed, None, None, now),
        Err(Error::Config(_))
    ));
    let other_aud = jwt(json!({"iss": ISS, "aud": "x", "sub": "alice"}));
    assert_eq!(
        userinfo_check(c.parse_userinfo(&other_aud, Some(&keys), None, now)),
        "aud"
    );
    let other_iss = jwt(json!({"iss": "https://evil", "aud": CLIENT, "sub": "alice"}));
    assert_eq!(
        userinfo_check(c.parse_userinfo(&other_iss, Some(&keys), None, now)),
        "iss"
    );
}

#[test]
fn claims_survive_a_store_round_trip_and_stay_out_of_debug() {
    let json = r#"{"access_token":"a","id_token":"x.y.z","id_token_claims":{"sub":"alice"}}"#;
    let t: TokenSet = serde_json::from_str(json).unwrap();
    assert_eq!(t.id_token_claims().unwrap()["sub"], "alice");
    let again: TokenSet = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
    assert_eq!(again, t);
    assert!(!format!("{t:?}").contains("alice"));
    let plain: TokenSet = serde_json::from_str(r#"{"access_token":"a"}"#).unwrap();
    assert!(plain.id_token_claims().is_none());
    assert!(
        !serde_json::to_string(&plain)
            .unwrap()
            .contains("id_token_claims")
    );
}
