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

/// A fixed P-521 test key (a 66-byte scalar below the group order).
fn p521_key() -> p521::ecdsa::SigningKey {
    let mut d = [0x5a_u8; 66];
    d[0] = 0x01;
    p521::ecdsa::SigningKey::from_slice(&d).unwrap()
}

/// The public JWK of a P-521 key.
fn p521_jwk(key: &p521::ecdsa::SigningKey, kid: &str) -> Value {
    let point = p521::ecdsa::VerifyingKey::from(key).to_encoded_point(false);
    json!({
        "kty": "EC", "crv": "P-521", "use": "sig", "alg": "ES512", "kid": kid,
        "x": URL_SAFE_NO_PAD.encode(point.x().unwrap()),
        "y": URL_SAFE_NO_PAD.encode(point.y().unwrap()),
    })
}

/// A compact JWS signed with ES512 (RFC 7518 §3.4: R || S over `header.payload`).
fn es512(key: &p521::ecdsa::SigningKey, kid: Option<&str>, claims: &Map<String, Value>) -> String {
    use p521::ecdsa::signature::Signer;
    let mut header = json!({"alg": "ES512", "typ": "JWT"});
    if let Some(kid) = kid {
        header["kid"] = json!(kid);
    }
    let input = format!("{}.{}", b64(&header), b64(&Value::Object(claims.clone())));
    let sig: p521::ecdsa::Signature = key.sign(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(sig.to_bytes()))
}

/// The test keys plus a P-521 key (`p521`), and a P-256 key labelled P-521.
fn jwks_with_p521() -> String {
    let mut set: Value = serde_json::from_str(&jwks_json()).unwrap();
    let mut fake: Value = serde_json::from_str(keys::EC_CLIENT_JWK).unwrap();
    fake["crv"] = json!("P-521");
    fake["alg"] = json!("ES512");
    fake["kid"] = json!("p256-as-p521");
    let keys = set["keys"].as_array_mut().unwrap();
    keys.push(p521_jwk(&p521_key(), "p521"));
    keys.push(fake);
    set.to_string()
}

fn es512_client(alg: &str) -> OAuthClient {
    OAuthClient::builder(CLIENT)
        .issuer(ISS)
        .id_token_signed_response_alg(alg)
        .jwks_json(jwks_with_p521())
        .build()
        .unwrap()
}

fn validate_with(
    c: &OAuthClient,
    token: &str,
    expected: &IdTokenExpectations,
) -> oauth2kit::Result<Map<String, Value>> {
    let keys = Jwks::from_json(&jwks_with_p521()).unwrap();
    c.validate_id_token(token, &keys, expected, SystemTime::now())
}

#[test]
fn es512_id_tokens_validate_with_a_p521_key() {
    let c = es512_client("ES512");
    let key = p521_key();
    let out = validate_with(&c, &es512(&key, Some("p521"), &claims()), &nonce()).unwrap();
    assert_eq!(out["sub"], "alice");
    // without a kid, the key is found by type, curve and algorithm
    assert!(validate_with(&c, &es512(&key, None, &claims()), &nonce()).is_ok());
    // the P-256 key labelled P-521 is not a usable key: 4 test keys + the P-521 one
    assert_eq!(Jwks::from_json(&jwks_with_p521()).unwrap().len(), 5);
    // at_hash and c_hash are the left half of SHA-512 for ES512
    let half512 = |v: &str| URL_SAFE_NO_PAD.encode(&sha2::Sha512::digest(v.as_bytes())[..32]);
    let half256 = |v: &str| URL_SAFE_NO_PAD.encode(&sha2::Sha256::digest(v.as_bytes())[..16]);
    let mut e = nonce();
    e.access_token = Some(Secret::new("AT-1"));
    e.code = Some(Secret::new("CODE-1"));
    let good = with(|c| {
        c.insert("at_hash".into(), json!(half512("AT-1")));
        c.insert("c_hash".into(), json!(half512("CODE-1")));
    });
    assert!(validate_with(&c, &es512(&key, Some("p521"), &good), &e).is_ok());
    let mut bad = good.clone();
    bad.insert("at_hash".into(), json!(half256("AT-1")));
    assert_check(
        validate_with(&c, &es512(&key, Some("p521"), &bad), &e),
        "at_hash",
    );
    // ES512 from discovery's list works as well as configured
    let from_metadata = client_with(&["RS256", "ES512"]);
    let keys = Jwks::from_json(&jwks_with_p521()).unwrap();
    assert!(
        from_metadata
            .validate_id_token(
                &es512(&key, Some("p521"), &claims()),
                &keys,
                &nonce(),
                SystemTime::now()
            )
            .is_ok()
    );
    // a JWS name is case-sensitive
    assert!(matches!(
        OAuthClient::builder(CLIENT)
            .issuer(ISS)
            .id_token_signed_response_alg("es512")
            .build(),
        Err(Error::Config(_))
    ));
}

#[test]
fn es512_forged_misfit_or_unconfigured_tokens_are_refused() {
    let c = es512_client("ES512");
    let key = p521_key();
    let token = es512(&key, Some("p521"), &claims());
    let (input, sig) = token.rsplit_once('.').unwrap();
    let sig = URL_SAFE_NO_PAD.decode(sig).unwrap();
    assert_eq!(sig.len(), 132);
    let with_sig = |bytes: &[u8]| format!("{input}.{}", URL_SAFE_NO_PAD.encode(bytes));

    // one bit flipped, in R and in S
    for at in [10, 100] {
        let mut flipped = sig.clone();
        flipped[at] ^= 0x01;
        assert_check(
            validate_with(&c, &with_sig(&flipped), &nonce()),
            "signature",
        );
    }
    // a payload changed under a valid signature
    let (header, _) = input.split_once('.').unwrap();
    let forged = format!(
        "{header}.{}.{}",
        b64(&Value::Object(with(|c| drop(
            c.insert("sub".into(), json!("mallory"))
        )))),
        URL_SAFE_NO_PAD.encode(&sig)
    );
    assert_check(validate_with(&c, &forged, &nonce()), "signature");
    // wrong lengths: one byte short, one byte more, a DER-style 64 bytes, empty
    for bad in [
        &sig[..131],
        &[sig.as_slice(), &[0]].concat()[..],
        &sig[..64],
        &[],
    ] {
        assert_check(validate_with(&c, &with_sig(bad), &nonce()), "signature");
    }
    assert_check(
        validate_with(&c, &format!("{input}.not*base64"), &nonce()),
        "signature",
    );
    // R = 0 is not a signature
    let mut zero_r = sig.clone();
    zero_r[..66].fill(0);
    assert_check(validate_with(&c, &with_sig(&zero_r), &nonce()), "signature");
    // another P-521 key under the same kid
    let mut other = [0x33_u8; 66];
    other[0] = 0x00;
    let other = p521::ecdsa::SigningKey::from_slice(&other).unwrap();
    assert_check(
        validate_with(&c, &es512(&other, Some("p521"), &claims()), &nonce()),
        "signature",
    );
    // a P-256 key labelled P-521 never verifies: it is not in the set
    assert_check(
        validate_with(&c, &es512(&key, Some("p256-as-p521"), &claims()), &nonce()),
        "kid",
    );
    // a P-521 key is no ES256 key, and an ES256 key no ES512 key
    let ec = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)
        .unwrap()
        .with_kid("p521");
    let both = es512_client("ES512");
    assert_check(validate_with(&both, &sign(&ec, &claims()), &nonce()), "alg");
    let es256 = OAuthClient::builder(CLIENT)
        .issuer(ISS)
        .metadata(ServerMetadata {
            issuer: ISS.into(),
            id_token_signing_alg_values_supported: vec!["ES256".into(), "ES512".into()],
            ..Default::default()
        })
        .build()
        .unwrap();
    assert_check(
        validate_with(&es256, &sign(&ec, &claims()), &nonce()),
        "kid",
    );
    assert_check(
        validate_with(&es256, &es512(&key, Some("ec-client"), &claims()), &nonce()),
        "kid",
    );
    // an ES512 token to a client configured for RS256
    let rs = es512_client("RS256");
    assert_check(validate_with(&rs, &token, &nonce()), "alg");
    // the default (RS256 when nothing says otherwise) refuses it too
    let default = OAuthClient::builder(CLIENT).issuer(ISS).build().unwrap();
    assert_check(validate_with(&default, &token, &nonce()), "alg");
}

#[test]
fn es512_signed_userinfo() {
    let c = es512_client("ES512");
    let keys = Jwks::from_json(&jwks_with_p521()).unwrap();
    let now = SystemTime::now();
    let answer = |jwt: String| {
        HttpResponse::new(
            200,
            vec![("content-type".into(), "application/jwt".into())],
            jwt,
        )
    };
    let claims = json!({"iss": ISS, "aud": CLIENT, "sub": "alice", "name": "Alice"});
    let claims = claims.as_object().unwrap();
    let jwt = es512(&p521_key(), Some("p521"), claims);
    let out = c
        .parse_userinfo(&answer(jwt.clone()), Some(&keys), Some("alice"), now)
        .unwrap();
    assert_eq!(out["name"], "Alice");
    let check = |r: oauth2kit::Result<Map<String, Value>>| match r {
        Err(Error::InvalidUserInfo { check, .. }) => check,
        other => panic!("{other:?}"),
    };
    let mut tampered = jwt.into_bytes();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    assert_eq!(
        check(c.parse_userinfo(&answer(tampered), Some(&keys), None, now)),
        "signature"
    );
    let rs = es512_client("RS256");
    let jwt = es512(&p521_key(), Some("p521"), claims);
    assert_eq!(
        check(rs.parse_userinfo(&answer(jwt), Some(&keys), None, now)),
        "alg"
    );
}
