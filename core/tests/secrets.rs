//! Secrets never appear in `Debug` output or error messages of a client, a
//! token set, a request or a failed request.

mod common;

use common::{builder, server};
use oauth2kit::{AuthMethod, Client, Grant};
use oauth2kit_devserver::Fault;

const SECRET: &str = "CLIENT-SECRET-1234567890";

#[tokio::test]
async fn debug_and_errors_never_show_secrets() {
    let srv = server();
    let oauth = builder(&srv, "post-client")
        .client_secret(SECRET)
        .auth_method(AuthMethod::ClientSecretPost)
        .build()
        .unwrap();
    let c = Client::new(oauth).unwrap();
    assert!(!format!("{c:?}").contains(SECRET));

    let req = c
        .oauth()
        .token_request(&Grant::Password {
            username: "u".into(),
            password: "PASSWORD-987".into(),
            scope: None,
        })
        .unwrap();
    let shown = format!("{req:?}");
    assert!(
        !shown.contains(SECRET) && !shown.contains("PASSWORD-987"),
        "{shown}"
    );

    // the server echoes a token-like field in an error: it is redacted in the error
    srv.inject(Fault {
        endpoint: "token".into(),
        status: 400,
        body: format!(
            r#"{{"error":"invalid_request","refresh_token":"RT-LEAK","client_secret":"{SECRET}"}}"#
        ),
        content_type: "application/json".into(),
        times: 1,
        ..Default::default()
    });
    let err = c.client_credentials(None).await.unwrap_err();
    let shown = format!("{err} {err:?} {:?}", err.body());
    assert!(
        !shown.contains(SECRET) && !shown.contains("RT-LEAK"),
        "{shown}"
    );

    // a successful token set
    let good = Client::new(
        builder(&srv, "post-client")
            .client_secret("post-secret")
            .auth_method(AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
    )
    .unwrap();
    let t = good.password("alice", "wonderland", None).await.unwrap();
    let shown = format!("{t:?}");
    assert!(!shown.contains(t.access_token.expose()));
    assert!(!shown.contains(t.refresh_token.as_ref().unwrap().expose()));
}

/// Every way an error shows itself: `Display`, `Debug` and `.body()`.
fn shown(err: &oauth2kit::Error) -> String {
    format!("{err} | {err:?} | {:?}", err.body())
}

fn text_fault(status: u16, content_type: &str, body: &str) -> Fault {
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
async fn no_secret_in_errors_whatever_the_body_looks_like() {
    let srv = server();
    let c = Client::new(
        builder(&srv, "post-client")
            .client_secret(SECRET)
            .auth_method(AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
    )
    .unwrap();
    let faults = [
        // a 500 that echoes the client_secret_post request it got
        text_fault(
            500,
            "text/plain",
            &format!(
                "bad request: grant_type=client_credentials&client_id=post-client&client_secret={SECRET}\n"
            ),
        ),
        text_fault(500, "text/html", &format!("<pre>you sent {SECRET}</pre>")),
        // truncated JSON in a 500
        text_fault(
            500,
            "application/json",
            r#"{"error":"server_error","access_token":"AT-LEAK-1"#,
        ),
        // invalid JSON: a trailing comma
        text_fault(
            400,
            "application/json",
            r#"{"access_token":"AT-LEAK-1","scope":"x",}"#,
        ),
        // a 200 whose number JSON cannot read
        text_fault(
            200,
            "application/json",
            r#"{"access_token":"AT-LEAK-1","expires_in":1e309}"#,
        ),
        // a form body ending in a newline
        text_fault(
            400,
            "application/x-www-form-urlencoded",
            "refresh_token=AT-LEAK-1&x=1\n",
        ),
        text_fault(
            502,
            "text/plain",
            "accessToken: AT-LEAK-1\nclientSecret: AT-LEAK-1",
        ),
        // an OAuth error whose description and nested fields echo secrets
        text_fault(
            400,
            "application/json",
            r#"{"error":"invalid_request","error_description":"client_secret=AT-LEAK-1 rejected","details":{"id_token":"AT-LEAK-1"}}"#,
        ),
    ];
    for f in faults {
        let body = f.body.clone();
        srv.inject(f);
        let err = c.client_credentials(None).await.unwrap_err();
        let s = shown(&err);
        for leak in [SECRET, "AT-LEAK-1"] {
            assert!(!s.contains(leak), "{body}\n -> {s}");
        }
    }
}

#[tokio::test]
async fn tokens_the_client_sends_are_never_echoed_back() {
    let srv = server();
    let c = Client::new(
        builder(&srv, "post-client")
            .client_secret(SECRET)
            .auth_method(AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
    )
    .unwrap();
    let refresh = "RT-held-by-the-client-42";
    srv.inject(text_fault(
        503,
        "text/html",
        &format!("<html>upstream said: {refresh} / {SECRET}</html>"),
    ));
    let err = c.refresh(&refresh.into(), None).await.unwrap_err();
    let s = shown(&err);
    assert!(!s.contains(refresh) && !s.contains(SECRET), "{s}");
    assert!(s.contains("upstream said"), "the rest stays readable: {s}");
}

#[tokio::test]
async fn redirect_locations_lose_queries_and_fragments() {
    let srv = server();
    let c = Client::new(builder(&srv, "public-client").build().unwrap()).unwrap();
    for location in [
        "/cb#access_token=AT-LEAK-1&state=x",
        "/cb?code=AT-LEAK-1",
        "https://app.example/cb?x=1#access_token=AT-LEAK-1",
    ] {
        let mut f = text_fault(302, "text/plain", "");
        f.headers = vec![("Location".into(), location.into())];
        srv.inject(f);
        let err = c.client_credentials(None).await.unwrap_err();
        assert_eq!(err.code(), oauth2kit::ErrorCode::UnexpectedRedirect);
        let s = shown(&err);
        assert!(
            !s.contains("AT-LEAK-1") && !s.contains('#'),
            "{location} -> {s}"
        );
    }
}
