//! Bad answers and broken servers: each gives its typed error, never a panic or a hang.

mod common;

use std::time::{Duration, Instant};

use common::{builder, client, server};
use oauth2kit::{Client, Error, HttpOptions};
use oauth2kit_devserver::{Fault, clients};

fn fault(status: u16, content_type: &str, body: &str) -> Fault {
    Fault {
        endpoint: "token".into(),
        status,
        body: body.into(),
        content_type: content_type.into(),
        times: 1,
        ..Default::default()
    }
}

#[tokio::test]
async fn malformed_html_empty_redirect_and_oversized_answers() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);

    srv.inject(fault(200, "application/json", "{\"access_token\": "));
    assert!(matches!(
        c.client_credentials(None).await,
        Err(Error::InvalidResponse { status: 200, .. })
    ));

    srv.inject(fault(
        503,
        "text/html",
        "<html><body>Service Unavailable</body></html>",
    ));
    match c.client_credentials(None).await {
        Err(Error::Http {
            status: 503, body, ..
        }) => assert!(body.contains("Service Unavailable")),
        other => panic!("{other:?}"),
    }

    srv.inject(fault(200, "application/json", ""));
    assert!(matches!(
        c.client_credentials(None).await,
        Err(Error::InvalidResponse { .. })
    ));

    let mut redirect = fault(302, "text/plain", "");
    redirect.headers = vec![(
        "Location".into(),
        "https://login.example/?code=SECRETCODE".into(),
    )];
    srv.inject(redirect);
    match c.client_credentials(None).await {
        Err(Error::UnexpectedRedirect {
            status: 302,
            location,
        }) => assert!(!location.unwrap().contains("SECRETCODE")),
        other => panic!("{other:?}"),
    }

    let big = format!("{{\"access_token\":\"{}\"}}", "a".repeat(2 * 1024 * 1024));
    srv.inject(fault(200, "application/json", &big));
    assert!(matches!(
        c.client_credentials(None).await,
        Err(Error::ResponseTooLarge { limit: 1048576 })
    ));

    srv.inject(fault(
        200,
        "application/json",
        r#"{"error":"invalid_scope","error_description":"in a 200"}"#,
    ));
    assert_eq!(
        c.client_credentials(None)
            .await
            .unwrap_err()
            .oauth()
            .unwrap()
            .error,
        "invalid_scope"
    );

    // and the next request is served normally again
    assert!(c.client_credentials(None).await.is_ok());
}

#[tokio::test]
async fn slow_server_times_out_and_refused_connection_is_a_transport_error() {
    let srv = server();
    let options = HttpOptions {
        timeout: Duration::from_millis(300),
        ..Default::default()
    };
    let c = Client::with_options(
        builder(&srv, clients::POST_CLIENT_ID)
            .client_secret(clients::POST_CLIENT_SECRET)
            .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
        options,
    )
    .unwrap();
    srv.inject(Fault {
        endpoint: "token".into(),
        delay_ms: 3000,
        times: 1,
        ..Default::default()
    });
    let started = Instant::now();
    let err = c.client_credentials(None).await.unwrap_err();
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.is_transient());
    assert!(started.elapsed() < Duration::from_secs(2));

    // a port nobody listens on
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let dead = Client::new(
        oauth2kit::OAuthClient::builder("x")
            .token_url(format!("http://127.0.0.1:{port}/token"))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = dead.client_credentials(None).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.code(), oauth2kit::ErrorCode::Transport);
}

#[test]
fn blocking_client_refuses_to_run_inside_a_runtime() {
    let srv = server();
    let c =
        oauth2kit::blocking::Client::new(builder(&srv, clients::PUBLIC_CLIENT_ID).build().unwrap())
            .unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(async { c.client_credentials(None) })
        .unwrap_err();
    assert!(matches!(err, Error::Runtime(_)));
    // outside a runtime it works (public clients may not use client_credentials: a typed OAuth error)
    let err = c.client_credentials(None).unwrap_err();
    assert!(matches!(err, Error::OAuth(_)), "{err:?}");
}

/// 100 years: the documented cap on any lifetime a server sends.
const CAP: Duration = Duration::from_secs(36_525 * 86_400);

fn jwt_with_exp(exp: &str) -> String {
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    format!("{}.{}.sig", b64("{}"), b64(&format!("{{\"exp\":{exp}}}")))
}

#[tokio::test]
async fn huge_lifetimes_are_clamped_and_negative_ones_are_expired() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let jwt = jwt_with_exp("1e19");
    for body in [
        r#"{"access_token":"a","expires_in":1e19}"#.to_string(),
        r#"{"access_token":"a","expires_in":99999999999999999999}"#.to_string(),
        r#"{"access_token":"a","expires_in":"1e300"}"#.to_string(),
        r#"{"access_token":"a","expires_in":18446744073709551615}"#.to_string(),
        format!(r#"{{"access_token":"{jwt}"}}"#),
    ] {
        srv.inject(fault(200, "application/json", &body));
        let t = c.client_credentials(None).await.unwrap();
        let left = t.expires_in().expect("a known expiry");
        assert!(
            left <= CAP && left + Duration::from_secs(60) > CAP,
            "{body}: {left:?}"
        );
        assert!(!t.is_expired(Duration::from_secs(3600)));
        assert!(t.is_expired(Duration::MAX), "any leeway, no panic");
    }
    // a number JSON cannot hold: a typed error, never a panic
    srv.inject(fault(
        200,
        "application/json",
        r#"{"access_token":"a","expires_in":1e309}"#,
    ));
    assert!(matches!(
        c.client_credentials(None).await,
        Err(Error::InvalidResponse { .. })
    ));
    // negative: already expired, not "lifetime unknown"
    for lifetime in ["-5", "\"-1\"", "-1e300"] {
        srv.inject(fault(
            200,
            "application/json",
            &format!(r#"{{"access_token":"a","expires_in":{lifetime}}}"#),
        ));
        let t = c.client_credentials(None).await.unwrap();
        assert_eq!(t.expires_in(), Some(Duration::ZERO), "{lifetime}");
        assert!(t.is_expired(Duration::ZERO), "{lifetime}");
    }
}

#[tokio::test]
async fn a_session_with_a_huge_margin_renews_instead_of_panicking() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let mut first = oauth2kit::TokenSet::bearer("old");
    first.expires_at = Some(std::time::SystemTime::now() + Duration::from_secs(3600));
    let session = oauth2kit::session::Session::builder(c)
        .client_credentials(None)
        .refresh_margin(Duration::MAX)
        .tokens(first)
        .build();
    srv.reset_counts();
    // due at once (the margin covers every expiry): one request, no panic
    let t = session.access_token().await.unwrap();
    assert_ne!(t.expose(), "old");
    assert_eq!(srv.count("token"), 1);
}

#[tokio::test]
async fn device_answers_with_huge_numbers_are_clamped_instead_of_panicking() {
    let srv = server();
    let c = client(&srv, clients::PUBLIC_CLIENT_ID);
    srv.inject(Fault {
        endpoint: "device_authorization".into(),
        status: 200,
        body: r#"{"device_code":"d","user_code":"U","verification_uri":"https://v","expires_in":18446744073709551615,"interval":18446744073709551615}"#.into(),
        times: 1,
        ..Default::default()
    });
    let auth = c.device_authorization(None).await.unwrap();
    assert_eq!((auth.expires_in, auth.interval), (CAP, CAP));
    let clock = std::sync::Arc::new(oauth2kit::ManualClock::new());
    let opts = oauth2kit::PollOptions {
        clock: Some(clock.clone()),
        ..Default::default()
    };
    // one wait of the clamped interval, then the server's verdict (the device
    // code is not one it issued): a typed error, no panic
    let r = c.poll_device_token(&auth, &opts).await;
    assert!(matches!(r, Err(Error::OAuth(_))), "{r:?}");
    assert_eq!(clock.sleeps(), vec![CAP]);
}

/// A transport that counts what it is asked to send and answers 200 `{}`.
#[derive(Debug, Default)]
struct Counting(std::sync::atomic::AtomicUsize);

impl oauth2kit::Transport for Counting {
    fn send(
        &self,
        _request: oauth2kit::HttpRequest,
    ) -> oauth2kit::transport::BoxFuture<'_, oauth2kit::Result<oauth2kit::HttpResponse>> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Box::pin(async { Ok(oauth2kit::HttpResponse::json(200, "{}")) })
    }
}

#[tokio::test]
async fn plain_http_off_loopback_is_refused_for_every_request_and_nothing_is_sent() {
    let transport = std::sync::Arc::new(Counting::default());
    for issuer in [
        "http://as.example",
        "http://as.example/tenant",
        "ftp://as.example",
    ] {
        let err = Client::discover(transport.as_ref(), issuer)
            .await
            .unwrap_err();
        assert_eq!(
            err.code(),
            oauth2kit::ErrorCode::Config,
            "{issuer}: {err:?}"
        );
    }
    assert_eq!(transport.0.load(std::sync::atomic::Ordering::SeqCst), 0);

    // a request built by hand (userinfo, a callback…) goes through the same check
    let c = Client::with_transport(
        oauth2kit::OAuthClient::builder("c")
            .token_url("https://as.example/token")
            .build()
            .unwrap(),
        transport.clone(),
    );
    let userinfo = oauth2kit::HttpRequest::new(
        oauth2kit::Method::Get,
        url::Url::parse("http://as.example/userinfo").unwrap(),
    );
    let err = c.send(userinfo).await.unwrap_err();
    assert_eq!(
        err.config_hint().unwrap().options(),
        ["allow_insecure_http"]
    );
    assert_eq!(transport.0.load(std::sync::atomic::Ordering::SeqCst), 0);
    // loopback and HTTPS are sent
    for url in ["http://127.0.0.1:9/userinfo", "https://as.example/userinfo"] {
        let req =
            oauth2kit::HttpRequest::new(oauth2kit::Method::Get, url::Url::parse(url).unwrap());
        assert!(c.send(req).await.is_ok(), "{url}");
    }
    assert_eq!(transport.0.load(std::sync::atomic::Ordering::SeqCst), 2);
}

#[tokio::test]
async fn callback_state_survives_a_transient_exchange_failure() {
    use oauth2kit::callback::CallbackHandler;
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let handler = CallbackHandler::new(c.clone());
    let url = handler.begin(Default::default()).unwrap();
    let redirect = common::authorize(&c, &url).await;
    let target = &redirect[redirect.find("/callback").unwrap()..];

    srv.inject(fault(503, "text/html", "<html>busy</html>"));
    let first = handler.handle(target).await;
    assert!(first.as_ref().is_err_and(Error::is_transient), "{first:?}");
    assert_eq!(CallbackHandler::status_for(&first), 502);
    // the provider retries the same callback: it is still ours
    let retry = handler.handle(target).await;
    assert_eq!(CallbackHandler::status_for(&retry), 200, "{retry:?}");
    // and now it is spent
    let again = handler.handle(target).await;
    assert!(matches!(again, Err(Error::StateMismatch)), "{again:?}");

    // a permanent failure consumes it at once
    let url = handler.begin(Default::default()).unwrap();
    let redirect = common::authorize(&c, &url).await;
    let target = &redirect[redirect.find("/callback").unwrap()..];
    srv.inject(fault(
        400,
        "application/json",
        r#"{"error":"invalid_grant"}"#,
    ));
    assert!(matches!(handler.handle(target).await, Err(Error::OAuth(_))));
    assert!(matches!(
        handler.handle(target).await,
        Err(Error::StateMismatch)
    ));
}
