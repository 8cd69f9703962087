//! The grants of issue 3: device, CIBA, token exchange, JWT bearer, SAML 2.0 bearer.

mod common;

use base64::Engine;
use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use common::*;
use jsonwebtoken::Algorithm;
use oauth2kit_devserver::DevServer;
use oauth2kit_devserver::clients::*;
use serde_json::{Value, json};

const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
const CIBA_GRANT: &str = "urn:openid:params:grant-type:ciba";
const EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";
const JWT_TYPE: &str = "urn:ietf:params:oauth:token-type:jwt";

async fn control(server: &DevServer, path: &str, body: Value) -> u16 {
    let r = http()
        .post(format!("{}{path}", server.url()))
        .json(&body)
        .send()
        .await
        .expect("control");
    r.status().as_u16()
}

fn claims(jwt: &str) -> Value {
    let payload = jwt.split('.').nth(1).expect("JWT payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

#[tokio::test]
async fn device_flow_pending_slow_down_approved() {
    let server = DevServer::spawn().expect("spawn");
    let (status, start) = post_form(
        &server,
        "/device_authorization",
        None,
        &[("client_id", PUBLIC_CLIENT_ID), ("scope", "read")],
    )
    .await;
    assert_eq!(status, 200, "{start}");
    let user_code = start["user_code"].as_str().expect("user_code");
    assert_eq!(user_code.len(), 9);
    assert_eq!(
        start["verification_uri"],
        format!("{}/device", server.url())
    );
    assert_eq!(start["interval"], 5);
    assert_eq!(start["expires_in"], 600);
    let device_code = start["device_code"].as_str().expect("device_code");
    let poll = || async {
        post_form(
            &server,
            "/token",
            None,
            &[
                ("grant_type", DEVICE_GRANT),
                ("device_code", device_code),
                ("client_id", PUBLIC_CLIENT_ID),
            ],
        )
        .await
    };

    let (status, body) = poll().await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending"))
    );
    let (_, body) = poll().await;
    assert_eq!(
        body["error"], "slow_down",
        "polled again at once with interval 5"
    );
    // Another client cannot poll this code.
    let (_, body) = post_form(
        &server,
        "/token",
        None,
        &[
            ("grant_type", DEVICE_GRANT),
            ("device_code", device_code),
            ("client_id", POST_CLIENT_ID),
            ("client_secret", POST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_grant");

    // Approve through the JSON call (case and dash of the user code do not matter).
    let typed = user_code.replace('-', "").to_lowercase();
    assert_eq!(
        control(
            &server,
            "/device/approve",
            json!({ "user_code": typed, "approve": true, "user": "bob" })
        )
        .await,
        200
    );
    assert_eq!(
        control(
            &server,
            "/device/approve",
            json!({ "user_code": user_code, "approve": false })
        )
        .await,
        409
    );
    assert_eq!(
        control(
            &server,
            "/device/approve",
            json!({ "user_code": "BBBB-BBBB", "approve": true })
        )
        .await,
        404
    );
    // The interval grew to 10 s; force the answer instead of waiting.
    let (_, body) = poll().await;
    assert_eq!(body["error"], "slow_down");
}

#[tokio::test]
async fn device_flow_with_interval_zero_denial_expiry_and_forced_answers() {
    let server = DevServer::spawn().expect("spawn");
    assert_eq!(
        control(&server, "/control/device", json!({ "interval": 0 })).await,
        200
    );
    let start = |_: ()| {
        post_form(
            &server,
            "/device_authorization",
            None,
            &[("client_id", PUBLIC_CLIENT_ID)],
        )
    };

    let (_, approved) = start(()).await;
    assert_eq!(approved["interval"], 0);
    let code = approved["device_code"].as_str().expect("code");
    let poll = |code: String| {
        let server = &server;
        async move {
            post_form(
                server,
                "/token",
                None,
                &[
                    ("grant_type", DEVICE_GRANT),
                    ("device_code", &code),
                    ("client_id", PUBLIC_CLIENT_ID),
                ],
            )
            .await
        }
    };
    assert_eq!(
        control(
            &server,
            "/control/device-next",
            json!({ "error": "slow_down" })
        )
        .await,
        200
    );
    assert_eq!(poll(code.into()).await.1["error"], "slow_down");
    assert_eq!(poll(code.into()).await.1["error"], "authorization_pending");
    // The human page approves too.
    let page = http()
        .get(format!("{}/device", server.url()))
        .query(&[
            ("user_code", approved["user_code"].as_str().expect("uc")),
            ("approve", "1"),
        ])
        .send()
        .await
        .expect("page");
    assert_eq!(page.status(), 200);
    let (status, tokens) = poll(code.into()).await;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["refresh_token"].is_string());
    assert_eq!(
        poll(code.into()).await.1["error"],
        "invalid_grant",
        "a device code is single-use"
    );

    let (_, denied) = start(()).await;
    let user_code = denied["user_code"].as_str().expect("uc");
    assert_eq!(
        control(
            &server,
            "/device/approve",
            json!({ "user_code": user_code, "approve": false })
        )
        .await,
        200
    );
    assert_eq!(
        poll(denied["device_code"].as_str().expect("dc").into())
            .await
            .1["error"],
        "access_denied"
    );

    server.set_device_timing(0, 0);
    let (_, expired) = start(()).await;
    assert_eq!(
        poll(expired["device_code"].as_str().expect("dc").into())
            .await
            .1["error"],
        "expired_token"
    );
}

#[tokio::test]
async fn ciba_poll_mode() {
    let server = DevServer::spawn().expect("spawn");
    server.set_ciba_timing(300, 0);
    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    let (status, body) = post_form(
        &server,
        "/bc-authorize",
        Some(&auth),
        &[("scope", "read"), ("login_hint", "alice")],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    let (_, body) = post_form(
        &server,
        "/bc-authorize",
        Some(&auth),
        &[("scope", "openid")],
    )
    .await;
    assert_eq!(body["error"], "invalid_request", "a hint is required");
    let (_, body) = post_form(
        &server,
        "/bc-authorize",
        Some(&auth),
        &[("scope", "openid"), ("login_hint", "mallory")],
    )
    .await;
    assert_eq!(body["error"], "unknown_user_id");
    let (status, _) = post_form(
        &server,
        "/bc-authorize",
        None,
        &[("scope", "openid"), ("login_hint", "bob")],
    )
    .await;
    assert_eq!(status, 401);

    let (status, start) = post_form(
        &server,
        "/bc-authorize",
        Some(&auth),
        &[
            ("scope", "openid read"),
            ("login_hint", "bob"),
            ("binding_message", "W4SCT"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{start}");
    assert_eq!(start["expires_in"], 300);
    let id = start["auth_req_id"].as_str().expect("auth_req_id");
    let poll = || async {
        post_form(
            &server,
            "/token",
            Some(&auth),
            &[("grant_type", CIBA_GRANT), ("auth_req_id", id)],
        )
        .await
    };
    assert_eq!(poll().await.1["error"], "authorization_pending");
    server.force_ciba_poll(Some(id), "slow_down");
    assert_eq!(poll().await.1["error"], "slow_down");
    assert_eq!(
        control(
            &server,
            "/ciba/approve",
            json!({ "auth_req_id": id, "approve": true })
        )
        .await,
        200
    );
    let (status, tokens) = poll().await;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        claims(tokens["id_token"].as_str().expect("id_token"))["sub"],
        "bob"
    );
    assert_eq!(
        claims(tokens["access_token"].as_str().expect("at"))["sub"],
        "bob"
    );

    let (_, start) = post_form(
        &server,
        "/bc-authorize",
        Some(&auth),
        &[("scope", "openid"), ("login_hint", "alice")],
    )
    .await;
    let id = start["auth_req_id"].as_str().expect("auth_req_id");
    assert_eq!(
        control(
            &server,
            "/ciba/approve",
            json!({ "auth_req_id": id, "approve": false })
        )
        .await,
        200
    );
    let (_, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", CIBA_GRANT), ("auth_req_id", id)],
    )
    .await;
    assert_eq!(body["error"], "access_denied");
}

#[tokio::test]
async fn token_exchange_with_delegation() {
    let server = DevServer::spawn().expect("spawn");
    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    let (_, user) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wonderland"),
            ("scope", "read write"),
        ],
    )
    .await;
    let subject = user["access_token"].as_str().expect("subject");
    let (_, service) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", "client_credentials")],
    )
    .await;
    let actor = service["access_token"].as_str().expect("actor");

    let (status, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", EXCHANGE),
            ("subject_token", subject),
            ("subject_token_type", ACCESS_TYPE),
            ("actor_token", actor),
            ("actor_token_type", ACCESS_TYPE),
            ("audience", "https://api.example"),
            ("scope", "read"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["issued_token_type"], ACCESS_TYPE);
    assert_eq!(body["scope"], "read");
    let exchanged = claims(body["access_token"].as_str().expect("at"));
    assert_eq!(exchanged["sub"], "alice");
    assert_eq!(exchanged["aud"], "https://api.example");
    assert_eq!(exchanged["act"], json!({ "sub": BASIC_CLIENT_ID }));

    // Exchanging the exchanged token with another actor nests the prior act.
    let (_, again) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", EXCHANGE),
            ("subject_token", body["access_token"].as_str().expect("at")),
            ("subject_token_type", ACCESS_TYPE),
            ("actor_token", subject),
            ("actor_token_type", ACCESS_TYPE),
            ("requested_token_type", JWT_TYPE),
        ],
    )
    .await;
    assert_eq!(again["issued_token_type"], JWT_TYPE);
    assert_eq!(
        claims(again["access_token"].as_str().expect("at"))["act"],
        json!({ "sub": "alice", "act": { "sub": BASIC_CLIENT_ID } })
    );

    // A JWT from a registered client key is a valid subject; junk and widening are not.
    let jwt = assertion(
        Algorithm::ES256,
        &ec_key(),
        EC_CLIENT_ID,
        "carol",
        "whatever",
        "x1",
        now() + 60,
    );
    let (status, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", EXCHANGE),
            ("subject_token", &jwt),
            ("subject_token_type", JWT_TYPE),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().expect("at"))["sub"],
        "carol"
    );
    let (_, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", EXCHANGE),
            ("subject_token", "junk"),
            ("subject_token_type", ACCESS_TYPE),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_request");
    let (_, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", EXCHANGE),
            ("subject_token", subject),
            ("subject_token_type", ACCESS_TYPE),
            ("scope", "admin"),
        ],
    )
    .await;
    assert_eq!(body["error"], "invalid_scope");
    let (_, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", EXCHANGE), ("subject_token", subject)],
    )
    .await;
    assert_eq!(body["error"], "invalid_request");
}

#[tokio::test]
async fn jwt_bearer_grant() {
    let server = DevServer::spawn().expect("spawn");
    let grant = ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
    let aud = format!("{}/token", server.url());
    let jwt = assertion(
        Algorithm::EdDSA,
        &ed_key(),
        ED_CLIENT_ID,
        "alice",
        &aud,
        "g1",
        now() + 60,
    );
    // No client authentication needed: the assertion identifies the client.
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[grant, ("assertion", &jwt), ("scope", "read")],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let at = claims(body["access_token"].as_str().expect("at"));
    assert_eq!(
        (at["sub"].as_str(), at["client_id"].as_str()),
        (Some("alice"), Some(ED_CLIENT_ID))
    );
    let (_, body) = post_form(&server, "/token", None, &[grant, ("assertion", &jwt)]).await;
    assert_eq!(body["error"], "invalid_grant", "jti replay");
    let wrong_aud = assertion(
        Algorithm::EdDSA,
        &ed_key(),
        ED_CLIENT_ID,
        "alice",
        "https://x",
        "g2",
        now() + 60,
    );
    let (_, body) = post_form(&server, "/token", None, &[grant, ("assertion", &wrong_aud)]).await;
    assert_eq!(body["error"], "invalid_grant");
    let unknown = assertion(
        Algorithm::RS256,
        &rsa_key(),
        "stranger",
        "alice",
        &aud,
        "g3",
        now() + 60,
    );
    let (_, body) = post_form(&server, "/token", None, &[grant, ("assertion", &unknown)]).await;
    assert_eq!(body["error"], "invalid_grant");
    // With client authentication, it must still be right.
    let fresh = assertion(
        Algorithm::RS256,
        &rsa_key(),
        RSA_CLIENT_ID,
        "bob",
        &server.url(),
        "g4",
        now() + 60,
    );
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[
            grant,
            ("assertion", &fresh),
            ("client_id", POST_CLIENT_ID),
            ("client_secret", "bad"),
        ],
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn saml2_bearer_grant() {
    let server = DevServer::spawn().expect("spawn");
    let grant = (
        "grant_type",
        "urn:ietf:params:oauth:grant-type:saml2-bearer",
    );
    let xml = r#"<?xml version="1.0"?><saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_1" Version="2.0">
        <saml:Issuer>https://idp.example.com</saml:Issuer>
        <saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">bob</saml:NameID></saml:Subject>
        </saml:Assertion>?>"#;
    let good = URL_SAFE_NO_PAD.encode(xml);
    let (status, body) = post_form(&server, "/token", None, &[grant, ("assertion", &good)]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        claims(body["access_token"].as_str().expect("at"))["sub"],
        "bob"
    );
    let padded = URL_SAFE.encode(format!("{xml} "));
    assert!(padded.ends_with('='));
    for bad in [
        padded,
        base64::engine::general_purpose::STANDARD.encode("<saml:Assertion>?>"),
        URL_SAFE_NO_PAD.encode("<x/>"),
    ] {
        let (status, body) =
            post_form(&server, "/token", None, &[grant, ("assertion", &bad)]).await;
        assert_eq!(
            (status, body["error"].as_str()),
            (400, Some("invalid_grant")),
            "{bad}"
        );
    }
}
