//! OpenID Connect: ID tokens from the code and refresh grants (`nonce`, `at_hash`,
//! `c_hash`, `auth_time`), verified with the keys `/jwks` serves; key rotation;
//! the claim knobs; signed userinfo.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::*;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use oauth2kit_devserver::clients::*;
use oauth2kit_devserver::{DevServer, ROTATED_KID, keys};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

fn half_hash(v: &str) -> String {
    URL_SAFE_NO_PAD.encode(&Sha256::digest(v.as_bytes())[..16])
}

/// Verifies a JWT with the key of its `kid` in the server's current `/jwks`.
async fn verify(server: &DevServer, jwt: &str) -> (String, Value) {
    let response = http()
        .get(format!("{}/jwks", server.url()))
        .send()
        .await
        .expect("jwks");
    assert_eq!(response.headers()["cache-control"], "public, max-age=300");
    let set: JwkSet = response.json().await.expect("JWKS");
    let header = jsonwebtoken::decode_header(jwt).expect("header");
    let kid = header.kid.expect("kid");
    let jwk = set
        .find(&kid)
        .unwrap_or_else(|| panic!("{kid} not in /jwks"));
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_aud = false;
    // signed userinfo need not expire; `exp` is still checked when present
    validation.required_spec_claims.clear();
    let data =
        jsonwebtoken::decode::<Value>(jwt, &DecodingKey::from_jwk(jwk).expect("key"), &validation)
            .expect("verifies");
    (kid, data.claims)
}

async fn code_with_nonce(server: &DevServer) -> String {
    let response = http()
        .get(format!("{}/authorize", server.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", BASIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("scope", "openid read"),
            ("state", "xyz"),
            ("nonce", "n-42"),
        ])
        .send()
        .await
        .expect("authorize");
    param(&location_params(&response), "code").expect("code")
}

async fn exchange(server: &DevServer, code: &str) -> Value {
    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    let (status, tokens) = post_form(
        server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", REDIRECT),
        ],
    )
    .await;
    assert_eq!(status, 200, "{tokens}");
    tokens
}

#[tokio::test]
async fn code_and_refresh_id_tokens_carry_the_openid_claims() {
    let server = DevServer::spawn().expect("spawn");
    let code = code_with_nonce(&server).await;
    let tokens = exchange(&server, &code).await;
    let (kid, claims) = verify(&server, tokens["id_token"].as_str().expect("id_token")).await;
    assert_eq!(kid, keys::SERVER_KID);
    assert_eq!(claims["iss"], server.url());
    assert_eq!(claims["aud"], BASIC_CLIENT_ID);
    assert_eq!(claims["nonce"], "n-42");
    assert_eq!(
        claims["at_hash"],
        half_hash(tokens["access_token"].as_str().unwrap())
    );
    assert_eq!(claims["c_hash"], half_hash(&code));
    let auth_time = claims["auth_time"].as_u64().expect("auth_time");
    assert!(auth_time <= claims["iat"].as_u64().unwrap());

    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    let (status, refreshed) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", tokens["refresh_token"].as_str().unwrap()),
        ],
    )
    .await;
    assert_eq!(status, 200, "{refreshed}");
    let (_, again) = verify(&server, refreshed["id_token"].as_str().expect("id_token")).await;
    assert_eq!(again["sub"], claims["sub"]);
    assert_eq!(
        again["auth_time"], claims["auth_time"],
        "§12.2: the original auth_time"
    );
    assert!(again.get("nonce").is_none(), "no nonce on refresh");
    assert!(again.get("c_hash").is_none());
    assert_eq!(
        again["at_hash"],
        half_hash(refreshed["access_token"].as_str().unwrap())
    );
}

#[tokio::test]
async fn knobs_change_claims_and_rotate_the_key() {
    let server = DevServer::spawn().expect("spawn");
    server.set_id_token_claims(
        json!({"iss": "https://evil.example", "nonce": null}),
        Some("ghost"),
    );
    let tokens = exchange(&server, &code_with_nonce(&server).await).await;
    let id_token = tokens["id_token"].as_str().unwrap();
    assert_eq!(
        jsonwebtoken::decode_header(id_token)
            .unwrap()
            .kid
            .as_deref(),
        Some("ghost")
    );
    let payload: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(id_token.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(payload["iss"], "https://evil.example");
    assert!(payload.get("nonce").is_none());

    server.set_id_token_claims(json!({}), None);
    server.rotate_signing_key();
    let tokens = exchange(&server, &code_with_nonce(&server).await).await;
    let (kid, claims) = verify(&server, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(kid, ROTATED_KID);
    assert_eq!(claims["nonce"], "n-42");
    // the access token is still the first key's, and still works
    let me = http()
        .get(format!("{}/userinfo", server.url()))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .expect("userinfo");
    assert_eq!(me.status(), 200);

    // signed userinfo, over HTTP control too
    let control = http()
        .post(format!("{}/control/userinfo", server.url()))
        .body(r#"{"signed": true, "claims": {"name": "Alice A."}}"#)
        .send()
        .await
        .expect("control");
    assert_eq!(control.status(), 200);
    let me = http()
        .get(format!("{}/userinfo", server.url()))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .expect("userinfo");
    assert_eq!(me.headers()["content-type"], "application/jwt");
    let (_, info) = verify(&server, &me.text().await.unwrap()).await;
    assert_eq!(info["aud"], BASIC_CLIENT_ID);
    assert_eq!(info["iss"], server.url());
    assert_eq!(info["name"], "Alice A.");
}

/// `/control/id-token {"alg": "ES512"}`: ID tokens signed with the P-521 key that
/// `/jwks` lists (R || S over `header.payload`, SHA-512), `at_hash` from SHA-512;
/// an algorithm the server cannot sign with is a 400.
#[tokio::test]
async fn es512_id_tokens_verify_with_the_p521_key_in_jwks() {
    use p521::ecdsa::signature::Verifier;
    let server = DevServer::spawn().expect("spawn");
    let control = |body: Value| {
        let url = format!("{}/control/id-token", server.url());
        async move {
            http()
                .post(url)
                .json(&body)
                .send()
                .await
                .expect("control")
                .status()
        }
    };
    assert_eq!(control(json!({"alg": "HS256"})).await, 400);
    assert_eq!(control(json!({"alg": "ES512"})).await, 200);
    let code = code_with_nonce(&server).await;
    let tokens = exchange(&server, &code).await;
    let jwt = tokens["id_token"].as_str().expect("id_token");
    let parts: Vec<&str> = jwt.split('.').collect();
    let header: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "ES512");
    assert_eq!(header["kid"], keys::SERVER_ES512_KID);
    let set = json(
        http()
            .get(format!("{}/jwks", server.url()))
            .send()
            .await
            .expect("jwks"),
    )
    .await;
    let jwk = set["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["kid"] == keys::SERVER_ES512_KID)
        .expect("the P-521 key in /jwks");
    assert_eq!(jwk["crv"], "P-521");
    let coordinate = |name: &str| URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap();
    let sec1 = [vec![4u8], coordinate("x"), coordinate("y")].concat();
    let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1).expect("P-521 point");
    let signature = URL_SAFE_NO_PAD.decode(parts[2]).unwrap();
    assert_eq!(signature.len(), 132);
    let signature = p521::ecdsa::Signature::from_slice(&signature).unwrap();
    let input = format!("{}.{}", parts[0], parts[1]);
    assert!(key.verify(input.as_bytes(), &signature).is_ok());
    let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    let access_token = tokens["access_token"].as_str().unwrap();
    let half512 = URL_SAFE_NO_PAD.encode(&sha2::Sha512::digest(access_token.as_bytes())[..32]);
    assert_eq!(claims["at_hash"], half512);
    assert_eq!(claims["nonce"], "n-42");
    // `{}` goes back to RS256
    assert_eq!(control(json!({})).await, 200);
    let tokens = exchange(&server, &code_with_nonce(&server).await).await;
    let (kid, _) = verify(&server, tokens["id_token"].as_str().unwrap()).await;
    assert_eq!(kid, keys::SERVER_KID);
}
