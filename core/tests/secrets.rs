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
