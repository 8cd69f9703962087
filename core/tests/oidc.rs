//! The OpenID Connect relying party against the devserver: ID tokens validated on
//! the code exchange and on refresh, every check failing for real through the
//! devserver's knobs, the JWKS refetched once after a key rotation and no more
//! than once per interval under a flood of unknown `kid`s, UserInfo.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use oauth2kit::oidc::jwks::JWKS_REFETCH_INTERVAL;
use oauth2kit::{AuthorizeOptions, Client, Error, ErrorCode, ManualClock, OAuthClient, TokenSet};
use oauth2kit_devserver::{DevServer, Fault, clients};
use serde_json::json;

/// A confidential client built from the devserver's discovery metadata (so with
/// its `jwks_uri`, `userinfo_endpoint` and ID token algorithms), on a manual clock.
async fn openid_client(srv: &DevServer) -> (Client, Arc<ManualClock>) {
    let probe = client(srv, clients::BASIC_CLIENT_ID);
    let meta = Client::discover(probe.transport().as_ref(), &srv.url())
        .await
        .unwrap();
    assert!(meta.jwks_uri.is_some());
    let oauth = OAuthClient::builder(clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .metadata(meta)
        .redirect_uri("http://127.0.0.1:9/callback")
        .scope("openid read")
        .build()
        .unwrap();
    let clock = Arc::new(ManualClock::new());
    let c = Client::new(oauth).unwrap().with_clock(clock.clone());
    (c, clock)
}

async fn sign_in(c: &Client) -> oauth2kit::Result<TokenSet> {
    let req = c.authorization_url(AuthorizeOptions::default())?;
    assert!(req.pending.nonce.is_some(), "openid scope sends a nonce");
    let redirect = authorize(c, &req.url).await;
    c.exchange_redirect(&req.pending, &redirect).await
}

#[track_caller]
fn check_of(result: oauth2kit::Result<TokenSet>) -> String {
    match result {
        Err(e @ Error::InvalidIdToken { .. }) => {
            assert_eq!(e.code(), ErrorCode::InvalidResponse);
            let Error::InvalidIdToken { check, .. } = e else {
                unreachable!()
            };
            check
        }
        other => panic!("expected an invalid ID token, got {other:?}"),
    }
}

#[tokio::test]
async fn code_flow_validates_the_id_token_then_userinfo_and_refresh() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    let tokens = sign_in(&c).await.unwrap();
    let claims = tokens.id_token_claims().expect("validated claims");
    assert_eq!(claims["iss"], srv.url());
    assert_eq!(claims["aud"], clients::BASIC_CLIENT_ID);
    let sub = claims["sub"].as_str().unwrap().to_string();
    assert!(claims.contains_key("at_hash") && claims.contains_key("c_hash"));

    let info = c.userinfo(&tokens).await.unwrap();
    assert_eq!(info["sub"], sub.as_str());

    let refreshed = c.refresh_token_set(&tokens, None).await.unwrap();
    assert_ne!(refreshed.access_token, tokens.access_token);
    let again = refreshed
        .id_token_claims()
        .expect("refreshed ID token validated");
    assert_eq!(again["sub"], sub.as_str());
    // the plain refresh (what sessions use) validates too
    let plain = c
        .refresh(refreshed.refresh_token.as_ref().unwrap(), None)
        .await
        .unwrap();
    assert!(plain.id_token_claims().is_some());
    // the key set was fetched once for all of this
    assert_eq!(srv.count("jwks"), 1);
}

#[tokio::test]
async fn every_corrupted_claim_fails_the_exchange_naming_its_check() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let cases = [
        (json!({"iss": "http://127.0.0.1:1"}), "iss"),
        (json!({"aud": "someone-else"}), "aud"),
        (json!({"aud": [clients::BASIC_CLIENT_ID, "other"]}), "azp"),
        (
            json!({"aud": [clients::BASIC_CLIENT_ID, "other"], "azp": "other"}),
            "azp",
        ),
        (json!({"exp": now - 3600}), "exp"),
        (json!({"iat": now + 3600}), "iat"),
        (json!({"nbf": now + 3600}), "nbf"),
        (json!({"nonce": "forged-nonce"}), "nonce"),
        (json!({"nonce": null}), "nonce"),
        (json!({"at_hash": "AAAAAAAAAAAAAAAAAAAAAA"}), "at_hash"),
        (json!({"c_hash": "AAAAAAAAAAAAAAAAAAAAAA"}), "c_hash"),
        (json!({"sub": null}), "sub"),
    ];
    for (claims, check) in cases {
        srv.set_id_token_claims(claims.clone(), None);
        assert_eq!(check_of(sign_in(&c).await), check, "{claims}");
    }
    srv.set_id_token_claims(json!({}), None);
    assert!(sign_in(&c).await.is_ok(), "and a clean token passes again");

    // max_age: the devserver's auth_time is the authorization's, so a backdated one fails
    srv.set_id_token_claims(json!({"auth_time": now - 3600}), None);
    let req = c
        .authorization_url(AuthorizeOptions {
            extra: vec![("max_age".into(), "600".into())],
            ..Default::default()
        })
        .unwrap();
    let redirect = authorize(&c, &req.url).await;
    assert_eq!(
        check_of(c.exchange_redirect(&req.pending, &redirect).await),
        "auth_time"
    );
    srv.set_id_token_claims(json!({}), None);
}

#[tokio::test]
async fn userinfo_by_post_when_asked() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    let tokens = sign_in(&c).await.unwrap();
    let post = Client::new(
        OAuthClient::builder(clients::BASIC_CLIENT_ID)
            .client_secret(clients::BASIC_CLIENT_SECRET)
            .userinfo_url(format!("{}/userinfo", srv.url()))
            .userinfo_post(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    let info = post.userinfo(&tokens).await.unwrap();
    assert_eq!(info["sub"], tokens.id_token_claims().unwrap()["sub"]);
    assert_eq!((srv.count("userinfo"), srv.count("userinfo/post")), (0, 1));
}

#[tokio::test]
async fn an_essential_acr_is_checked_and_a_voluntary_one_is_not() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    srv.set_id_token_claims(json!({"acr": "urn:example:weak"}), None);
    let sign_in_asking = |claims: serde_json::Value, acr_values: Option<&str>| {
        let c = &c;
        let opts = AuthorizeOptions {
            claims: Some(claims),
            acr_values: acr_values.map(str::to_string),
            prompt: Some("login".into()),
            ..Default::default()
        };
        async move {
            let req = c.authorization_url(opts)?;
            let redirect = authorize(c, &req.url).await;
            c.exchange_redirect(&req.pending, &redirect).await
        }
    };
    let strong =
        json!({"id_token": {"acr": {"essential": true, "values": ["urn:example:strong"]}}});
    assert_eq!(check_of(sign_in_asking(strong, None).await), "acr");
    let either = json!({"id_token": {"acr": {"essential": true, "values": ["urn:example:strong", "urn:example:weak"]}}});
    let tokens = sign_in_asking(either, None).await.unwrap();
    assert_eq!(tokens.id_token_claims().unwrap()["acr"], "urn:example:weak");
    // acr_values and a non-essential acr claim are requests the server may ignore
    let voluntary = json!({"id_token": {"acr": {"values": ["urn:example:strong"]}}});
    assert!(
        sign_in_asking(voluntary, Some("urn:example:strong"))
            .await
            .is_ok()
    );
    // an essential acr and a token without one
    srv.set_id_token_claims(json!({}), None);
    let essential = json!({"id_token": {"acr": {"essential": true, "value": "urn:example:weak"}}});
    assert_eq!(check_of(sign_in_asking(essential, None).await), "acr");
}

#[tokio::test]
async fn a_code_response_without_the_id_token_is_refused() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    srv.inject(Fault {
        endpoint: "token".into(),
        status: 200,
        body: r#"{"access_token":"a","token_type":"Bearer"}"#.into(),
        ..Default::default()
    });
    assert_eq!(check_of(sign_in(&c).await), "id_token");
}

#[tokio::test]
async fn a_rotated_key_is_fetched_once_and_unknown_kids_are_rate_limited() {
    let srv = server();
    let (c, clock) = openid_client(&srv).await;
    sign_in(&c).await.unwrap();
    assert_eq!(srv.count("jwks"), 1);

    // rotation: the cached set lacks the new kid → one refetch, then it validates
    clock.advance(JWKS_REFETCH_INTERVAL);
    srv.rotate_signing_key();
    sign_in(&c).await.unwrap();
    assert_eq!(srv.count("jwks"), 2);
    sign_in(&c).await.unwrap();
    assert_eq!(srv.count("jwks"), 2, "the new set is cached");

    // a flood of tokens naming a key that does not exist: no refetch within the interval
    srv.set_id_token_claims(json!({}), Some("ghost"));
    for _ in 0..5 {
        assert_eq!(check_of(sign_in(&c).await), "kid");
    }
    assert_eq!(srv.count("jwks"), 2, "refetched less than 30 s ago");
    clock.advance(JWKS_REFETCH_INTERVAL);
    for _ in 0..5 {
        assert_eq!(check_of(sign_in(&c).await), "kid");
    }
    assert_eq!(srv.count("jwks"), 3, "one refetch per interval");

    // the cache honours max-age=300: past it, the set is fetched again
    srv.set_id_token_claims(json!({}), None);
    clock.advance(Duration::from_secs(301));
    sign_in(&c).await.unwrap();
    assert_eq!(srv.count("jwks"), 4);
}

#[tokio::test]
async fn userinfo_signed_and_substituted() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    let tokens = sign_in(&c).await.unwrap();
    srv.set_userinfo(true, json!({"name": "Alice A."}));
    let info = c.userinfo(&tokens).await.unwrap();
    assert_eq!(info["name"], "Alice A.");
    assert_eq!(info["aud"], clients::BASIC_CLIENT_ID);

    srv.set_userinfo(true, json!({"aud": "other"}));
    match c.userinfo(&tokens).await {
        Err(Error::InvalidUserInfo { check, .. }) => assert_eq!(check, "aud"),
        other => panic!("{other:?}"),
    }
    srv.set_userinfo(false, json!({"sub": "mallory"}));
    match c.userinfo(&tokens).await {
        Err(e @ Error::InvalidUserInfo { .. }) => {
            assert_eq!(e.code(), ErrorCode::InvalidResponse);
            assert!(e.to_string().contains("sub"), "{e}");
        }
        other => panic!("{other:?}"),
    }
}

/// ES512 (P-521) end to end: the devserver signs ID tokens and UserInfo with
/// its P-521 key, a client configured for ES512 validates both (`at_hash`
/// from SHA-512), and one configured for RS256 refuses the token by `alg`.
#[tokio::test]
async fn es512_id_tokens_and_signed_userinfo_over_http() {
    use base64::Engine;
    let srv = server();
    srv.set_id_token_alg(oauth2kit_devserver::IdTokenAlg::Es512);
    let probe = client(&srv, clients::BASIC_CLIENT_ID);
    let meta = Client::discover(probe.transport().as_ref(), &srv.url())
        .await
        .unwrap();
    assert!(
        meta.id_token_signing_alg_values_supported
            .contains(&"ES512".to_string())
    );
    let with_alg = |alg: &str| {
        let oauth = OAuthClient::builder(clients::BASIC_CLIENT_ID)
            .client_secret(clients::BASIC_CLIENT_SECRET)
            .metadata(meta.clone())
            .redirect_uri("http://127.0.0.1:9/callback")
            .scope("openid read")
            .id_token_signed_response_alg(alg)
            .build()
            .unwrap();
        Client::new(oauth).unwrap()
    };
    let c = with_alg("ES512");
    let tokens = sign_in(&c).await.unwrap();
    let id_token = tokens.id_token.as_ref().unwrap().expose().to_string();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(id_token.split('.').next().unwrap())
        .unwrap();
    let header: serde_json::Value = serde_json::from_slice(&header).unwrap();
    assert_eq!(header["alg"], "ES512");
    assert_eq!(header["kid"], oauth2kit_devserver::keys::SERVER_ES512_KID);
    let claims = tokens.id_token_claims().expect("validated claims");
    assert_eq!(claims["iss"], srv.url());
    assert_eq!(claims["aud"], clients::BASIC_CLIENT_ID);
    assert!(claims.contains_key("at_hash") && claims.contains_key("c_hash"));
    let sub = claims["sub"].as_str().unwrap().to_string();

    srv.set_userinfo(true, json!({"name": "Alice A."}));
    let info = c.userinfo(&tokens).await.unwrap();
    assert_eq!(info["name"], "Alice A.");
    assert_eq!(info["sub"], sub.as_str());
    assert_eq!(info["aud"], clients::BASIC_CLIENT_ID, "the signed answer");

    let refreshed = c.refresh_token_set(&tokens, None).await.unwrap();
    assert_eq!(refreshed.id_token_claims().unwrap()["sub"], sub.as_str());

    // a client that expects RS256 refuses the ES512 token and the ES512 UserInfo
    let rs = with_alg("RS256");
    assert_eq!(check_of(sign_in(&rs).await), "alg");
    match rs.userinfo(&tokens).await {
        Err(Error::InvalidUserInfo { check, .. }) => assert_eq!(check, "alg"),
        other => panic!("{other:?}"),
    }
    // and back to RS256: the ES512 client refuses it the same way
    srv.set_id_token_alg(oauth2kit_devserver::IdTokenAlg::Rs256);
    assert_eq!(check_of(sign_in(&c).await), "alg");
    assert!(sign_in(&rs).await.unwrap().id_token_claims().is_some());
}

#[test]
fn the_blocking_client_validates_too() {
    let srv = server();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (c, _) = rt.block_on(openid_client(&srv));
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = rt.block_on(authorize(&c, &req.url));
    drop(rt);
    let b = oauth2kit::blocking::Client::new(c.oauth().clone()).unwrap();
    let tokens = b.exchange_redirect(&req.pending, &redirect).unwrap();
    assert!(tokens.id_token_claims().is_some());
    let info = b.userinfo(&tokens).unwrap();
    assert_eq!(info["sub"], tokens.id_token_claims().unwrap()["sub"]);
    let refreshed = b.refresh_token_set(&tokens, None).unwrap();
    assert!(refreshed.id_token_claims().is_some());
}

/// A session refreshes through the same checks as `refresh_token_set`: the
/// claims survive a refresh, and an ID token for another user is refused.
#[tokio::test]
async fn a_session_keeps_the_claims_and_refuses_another_users_id_token_on_refresh() {
    let srv = server();
    let (c, _) = openid_client(&srv).await;
    let tokens = sign_in(&c).await.unwrap();
    let sub = tokens.id_token_claims().unwrap()["sub"].clone();
    let session = oauth2kit::session::Session::builder(c.clone())
        .tokens(tokens)
        .start()
        .await
        .unwrap();
    session.invalidate();
    let renewed = session.token().await.unwrap();
    assert_eq!(renewed.id_token_claims().expect("claims kept")["sub"], sub);
    srv.set_id_token_claims(json!({"sub": "mallory"}), None);
    session.invalidate();
    let err = session.token().await.unwrap_err();
    assert_eq!(check_of(Err(err)), "refresh");
}
