//! Rich authorization requests (RFC 9396) over HTTP against the devserver,
//! which checks `authorization_details` (known types only), keeps them with
//! the code, and returns what it granted in the token response.

mod common;

use common::{authorize, builder, client, server};
use oauth2kit::{AuthorizeOptions, Client, Error};
use oauth2kit_devserver::clients;
use serde_json::{Value, json};

const PAYMENT: &str = r#"[{"type":"payment_initiation","locations":["https://bank.example/payments"],"instructedAmount":{"currency":"EUR","amount":"123.50"},"creditorName":"Merchant A"}]"#;

fn with_details(srv: &oauth2kit_devserver::DevServer, details: &str) -> Client {
    let oauth = builder(srv, clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .authorization_details(details)
        .build()
        .unwrap();
    Client::new(oauth).unwrap()
}

#[tokio::test]
async fn client_credentials_carry_the_details_and_the_grant_comes_back() {
    let srv = server();
    let c = with_details(&srv, PAYMENT);
    let tokens = c.client_credentials(None).await.unwrap();
    let granted = tokens
        .authorization_details()
        .expect("authorization_details in the answer");
    assert_eq!(granted, &serde_json::from_str::<Value>(PAYMENT).unwrap());
    assert_eq!(granted[0]["instructedAmount"]["amount"], "123.50");
    // A client without details gets none back.
    let plain = client(&srv, clients::BASIC_CLIENT_ID)
        .client_credentials(None)
        .await
        .unwrap();
    assert_eq!(plain.authorization_details(), None);
    // Kept through the stored document, as stores write it.
    let doc = oauth2kit::store::encode_document(&tokens).unwrap();
    let back = oauth2kit::store::decode_document(&doc, "test").unwrap();
    assert_eq!(back.authorization_details(), tokens.authorization_details());
}

#[tokio::test]
async fn a_type_the_server_does_not_know_is_its_typed_error() {
    let srv = server();
    let c = with_details(&srv, r#"[{"type":"crypto_swap","amount":"1"}]"#);
    let e = c.client_credentials(None).await.unwrap_err();
    let oauth = e
        .oauth()
        .unwrap_or_else(|| panic!("an OAuth error, not {e:?}"));
    assert_eq!(oauth.error, "invalid_authorization_details");
    assert!(matches!(e, Error::OAuth(_)));
    assert_eq!(e.code().name(), "oauth", "{e}");
}

#[tokio::test]
async fn the_code_flow_grants_the_details_of_the_authorization_request() {
    let srv = server();
    let c = with_details(&srv, PAYMENT);
    // The call's own details replace the client's.
    let mut opts = AuthorizeOptions::default();
    opts.set_param(
        "authorization_details",
        r#"[{"type":"account_information","actions":["list_accounts","read_balances"]}]"#,
    )
    .unwrap();
    let req = c.authorization_url(opts).unwrap();
    let redirect = authorize(&c, &req.url).await;
    let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(
        tokens.authorization_details(),
        Some(&json!([{"type":"account_information","actions":["list_accounts","read_balances"]}]))
    );
    // And the client's when the call gives none.
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &req.url).await;
    let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(
        tokens.authorization_details().unwrap()[0]["type"],
        "payment_initiation"
    );
    // An unknown type comes back as the redirect's typed error.
    let mut opts = AuthorizeOptions::default();
    opts.set_param("authorization_details", r#"[{"type":"nope"}]"#)
        .unwrap();
    let req = c.authorization_url(opts).unwrap();
    let redirect = authorize(&c, &req.url).await;
    let e = c
        .exchange_redirect(&req.pending, &redirect)
        .await
        .unwrap_err();
    assert_eq!(
        e.oauth().map(|o| o.error.as_str()),
        Some("invalid_authorization_details"),
        "{e}"
    );
}

#[tokio::test]
async fn malformed_details_never_leave_the_client() {
    let srv = server();
    let e = builder(&srv, clients::BASIC_CLIENT_ID)
        .authorization_details(r#"{"type":"payment_initiation"}"#)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let bad = AuthorizeOptions {
        extra: vec![(
            "authorization_details".into(),
            "[{\"locations\":[]}]".into(),
        )],
        ..Default::default()
    };
    assert!(matches!(c.authorization_url(bad), Err(Error::Config(_))));
    assert_eq!(srv.count("authorize"), 0);
}
