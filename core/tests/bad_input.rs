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
