//! Device authorization, CIBA, token exchange, JWT bearer and SAML 2.0 bearer,
//! over HTTP against the devserver; polling time is injected where real waits
//! would only slow the suite.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use common::{client, server};
use oauth2kit::assertion_grants::{saml2_encode, token_types};
use oauth2kit::{
    CancelToken, CibaRequest, Client, Error, HttpRequest, JwtAssertion, JwtBearer, ManualClock,
    Method, PollEvent, PollOptions, SigningKey, TokenExchange,
};
use oauth2kit_devserver::{DevServer, clients, keys};

async fn post_json(c: &Client, srv: &DevServer, path: &str, body: serde_json::Value) {
    let mut req = HttpRequest::new(
        Method::Post,
        url::Url::parse(&format!("{}{path}", srv.url())).unwrap(),
    );
    req.headers
        .push(("Content-Type".into(), "application/json".into()));
    req.body = body.to_string().into_bytes();
    let resp = c.send(req).await.unwrap();
    assert_eq!(
        resp.status,
        200,
        "{path}: {}",
        String::from_utf8_lossy(&resp.body)
    );
}

fn manual() -> (Arc<ManualClock>, PollOptions) {
    let clock = Arc::new(ManualClock::new());
    (
        clock.clone(),
        PollOptions {
            clock: Some(clock),
            ..Default::default()
        },
    )
}

#[tokio::test]
async fn device_flow_end_to_end_with_real_time_and_progress() {
    let srv = server();
    srv.set_device_timing(600, 1);
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let auth = c.device_authorization(Some("read")).await.unwrap();
    assert!(auth.verification_uri.starts_with(&srv.url()));
    assert!(
        auth.verification_uri_complete
            .as_deref()
            .unwrap()
            .contains(&auth.user_code)
    );
    assert_eq!(auth.interval, Duration::from_secs(1));

    let events = Arc::new(Mutex::new(Vec::new()));
    let ev = events.clone();
    let opts = PollOptions {
        on_event: Some(Arc::new(move |e: &PollEvent| {
            ev.lock().unwrap().push(e.clone())
        })),
        ..Default::default()
    };
    let approver = c.clone();
    let user_code = auth.user_code.clone();
    let url = srv.url();
    let approve = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(1500)).await;
        let mut req = HttpRequest::new(
            Method::Post,
            url::Url::parse(&format!("{url}/device/approve")).unwrap(),
        );
        req.headers
            .push(("Content-Type".into(), "application/json".into()));
        req.body = serde_json::json!({"user_code": user_code, "approve": true})
            .to_string()
            .into_bytes();
        approver.send(req).await.unwrap().status
    });
    let tokens = c.poll_device_token(&auth, &opts).await.unwrap();
    assert_eq!(approve.await.unwrap(), 200);
    assert!(tokens.refresh_token.is_some());
    let polls = srv.count("token");
    assert!(
        (2..=4).contains(&polls),
        "polled {polls} times in ~2 s with a 1 s interval"
    );
    assert!(matches!(
        events.lock().unwrap()[0],
        PollEvent::Waiting { attempt: 1, .. }
    ));
}

#[tokio::test]
async fn device_slow_down_really_slows_polling() {
    let srv = server();
    srv.set_device_timing(600, 0);
    let c = client(&srv, clients::POST_CLIENT_ID);
    let auth = c.device_authorization(None).await.unwrap();
    srv.force_device_poll(Some(auth.device_code.expose()), "slow_down");
    post_json(
        &c,
        &srv,
        "/device/approve",
        serde_json::json!({"user_code": auth.user_code, "approve": true}),
    )
    .await;
    let (clock, opts) = manual();
    c.poll_device_token(&auth, &opts).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::ZERO, Duration::from_secs(5)]);
}

#[tokio::test]
async fn device_denied_expired_deadline_and_cancel() {
    let srv = server();
    srv.set_device_timing(600, 0);
    let c = client(&srv, clients::POST_CLIENT_ID);

    let auth = c.device_authorization(None).await.unwrap();
    post_json(
        &c,
        &srv,
        "/device/approve",
        serde_json::json!({"user_code": auth.user_code, "approve": false}),
    )
    .await;
    let err = c.poll_device_token(&auth, &manual().1).await.unwrap_err();
    assert_eq!(err.oauth().unwrap().error, "access_denied");

    let auth = c.device_authorization(None).await.unwrap();
    srv.force_device_poll(Some(auth.device_code.expose()), "expired_token");
    assert!(matches!(
        c.poll_device_token(&auth, &manual().1).await,
        Err(Error::Expired)
    ));

    srv.set_device_timing(30, 5);
    let auth = c.device_authorization(None).await.unwrap();
    let (clock, opts) = manual();
    assert!(matches!(
        c.poll_device_token(&auth, &opts).await,
        Err(Error::Expired)
    ));
    assert!(clock.elapsed() <= Duration::from_secs(30));
    assert!(!clock.sleeps().is_empty());

    let auth = c.device_authorization(None).await.unwrap();
    let cancel = CancelToken::new();
    let opts = PollOptions {
        cancel: cancel.clone(),
        ..Default::default()
    };
    let task = tokio::spawn({
        let c = c.clone();
        async move { c.poll_device_token(&auth, &opts).await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    cancel.cancel();
    let r = tokio::time::timeout(Duration::from_secs(2), task)
        .await
        .expect("cancel is prompt")
        .unwrap();
    assert!(matches!(r, Err(Error::Cancelled)));
}

#[tokio::test]
async fn ciba_poll_mode() {
    let srv = server();
    srv.set_ciba_timing(120, 0);
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let req = CibaRequest {
        login_hint: Some("alice".into()),
        binding_message: Some("W4-9Q".into()),
        ..Default::default()
    };
    let auth = c.ciba_authorization(&req).await.unwrap();
    srv.force_ciba_poll(Some(auth.auth_req_id.expose()), "slow_down");
    post_json(
        &c,
        &srv,
        "/ciba/approve",
        serde_json::json!({"auth_req_id": auth.auth_req_id.expose(), "approve": true}),
    )
    .await;
    let (clock, opts) = manual();
    let tokens = c.poll_ciba_token(&auth, &opts).await.unwrap();
    assert!(
        tokens
            .scope
            .as_deref()
            .unwrap_or_default()
            .contains("openid")
    );
    assert_eq!(clock.sleeps(), vec![Duration::ZERO, Duration::from_secs(5)]);

    let auth = c.ciba_authorization(&req).await.unwrap();
    post_json(
        &c,
        &srv,
        "/ciba/approve",
        serde_json::json!({"auth_req_id": auth.auth_req_id.expose(), "approve": false}),
    )
    .await;
    assert_eq!(
        c.poll_ciba_token(&auth, &manual().1)
            .await
            .unwrap_err()
            .oauth()
            .unwrap()
            .error,
        "access_denied"
    );
}

#[tokio::test]
async fn token_exchange_jwt_bearer_and_saml2_bearer() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let user = c
        .password("alice", "wonderland", Some("read"))
        .await
        .unwrap();

    let mut te = TokenExchange::new(user.access_token.clone(), token_types::ACCESS_TOKEN);
    te.audience = vec!["orders-api".into()];
    te.requested_token_type = Some(token_types::ACCESS_TOKEN.into());
    let actor = c.client_credentials(None).await.unwrap();
    te.actor_token = Some(actor.access_token.clone());
    te.actor_token_type = Some(token_types::ACCESS_TOKEN.into());
    let exchanged = c.token_exchange(&te).await.unwrap();
    assert_eq!(
        exchanged.issued_token_type(),
        Some(token_types::ACCESS_TOKEN)
    );
    assert_ne!(exchanged.access_token.expose(), user.access_token.expose());
    let bad = TokenExchange::new("not-a-token", token_types::ACCESS_TOKEN);
    assert_eq!(
        c.token_exchange(&bad)
            .await
            .unwrap_err()
            .oauth()
            .unwrap()
            .error,
        "invalid_request",
        "RFC 8693 §2.2.2"
    );

    let rsa = client(&srv, clients::RSA_CLIENT_ID);
    let jb = JwtBearer {
        assertion: JwtAssertion::Signed {
            key: SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM).unwrap(),
            issuer: clients::RSA_CLIENT_ID.into(),
            subject: "alice".into(),
            audience: format!("{}/token", srv.url()),
            lifetime_secs: 60,
            claims: Default::default(),
        },
        scope: Some("read".into()),
    };
    rsa.jwt_bearer(&jb).await.unwrap();
    rsa.jwt_bearer(&jb)
        .await
        .expect("a new assertion (new jti) for every request");
    let forged = JwtBearer {
        assertion: JwtAssertion::Signed {
            key: SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM).unwrap(),
            issuer: clients::RSA_CLIENT_ID.into(),
            subject: "alice".into(),
            audience: format!("{}/token", srv.url()),
            lifetime_secs: 60,
            claims: Default::default(),
        },
        scope: None,
    };
    assert_eq!(
        rsa.jwt_bearer(&forged)
            .await
            .unwrap_err()
            .oauth()
            .unwrap()
            .error,
        "invalid_grant"
    );

    let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a1"><saml:Issuer>https://idp.example</saml:Issuer><saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject></saml:Assertion>"#;
    let t = c
        .saml2_bearer(&saml2_encode(xml), Some("read"))
        .await
        .unwrap();
    assert!(!t.access_token.expose().is_empty());
    assert!(matches!(
        c.saml2_bearer("not base64!", None).await,
        Err(Error::Config(_))
    ));
    let not_saml = saml2_encode("<hello/>");
    let err = c.saml2_bearer(&not_saml, None).await.unwrap_err();
    assert_eq!(err.oauth().unwrap().error, "invalid_grant", "{err}");
}
