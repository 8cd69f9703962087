//! Pushed authorization requests (RFC 9126) against the devserver's `/par`,
//! alone, with a request object (RFC 9101) and with DPoP, and the FAPI 2.0
//! preset's whole sign-in (PAR, private_key_jwt, PKCE S256, `iss`, a
//! DPoP-bound token) against a server that verifies each part.

mod common;

use common::{builder, server, visit};
use oauth2kit::{AuthorizeOptions, Client, Error, HttpRequest, Method, SigningKey};
use oauth2kit_devserver::{DevServer, clients, keys};

fn par_builder(srv: &DevServer, id: &str) -> oauth2kit::OAuthClientBuilder {
    builder(srv, id).par_url(format!("{}/par", srv.url()))
}

fn basic_par_client(srv: &DevServer) -> Client {
    Client::new(
        par_builder(srv, clients::BASIC_CLIENT_ID)
            .client_secret(clients::BASIC_CLIENT_SECRET)
            .build()
            .unwrap(),
    )
    .unwrap()
}

fn rsa_key() -> SigningKey {
    SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM).unwrap()
}

#[tokio::test]
async fn a_pushed_request_signs_in_and_its_request_uri_is_used_once() {
    let srv = server();
    let c = basic_par_client(&srv);
    let request = c
        .pushed_authorization_url(AuthorizeOptions {
            scope: Some("read".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    // The browser carries client_id and request_uri, nothing else.
    let names: Vec<String> = request
        .url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert_eq!(names, ["client_id", "request_uri"]);
    let (status, redirect) = visit(&c, &request.url).await;
    assert_eq!(status, 302, "{redirect}");
    let tokens = c
        .exchange_redirect(&request.pending, &redirect)
        .await
        .unwrap();
    assert_eq!(tokens.scope.as_deref(), Some("read"));
    assert_eq!(srv.count("par"), 1);
    // A request URI is used once.
    let (status, page) = visit(&c, &request.url).await;
    assert_eq!(status, 400);
    assert!(page.contains("invalid_request_uri"), "{page}");
}

#[tokio::test]
async fn pushed_requests_are_authenticated_and_checked() {
    let srv = server();
    // A wrong secret: the push itself is refused (invalid_client).
    let wrong = Client::new(
        par_builder(&srv, clients::BASIC_CLIENT_ID)
            .client_secret("wrong")
            .build()
            .unwrap(),
    )
    .unwrap();
    match wrong
        .pushed_authorization_url(AuthorizeOptions::default())
        .await
    {
        Err(Error::OAuth(o)) => assert_eq!(o.error, "invalid_client"),
        other => panic!("expected invalid_client, got {other:?}"),
    }
    // Another client cannot use a pushed request's URI.
    let basic = basic_par_client(&srv);
    let request = basic
        .pushed_authorization_url(AuthorizeOptions::default())
        .await
        .unwrap();
    let mut stolen = request.url.clone();
    let uri = request
        .url
        .query_pairs()
        .find(|(k, _)| k == "request_uri")
        .unwrap()
        .1
        .into_owned();
    stolen
        .query_pairs_mut()
        .clear()
        .append_pair("client_id", clients::POST_CLIENT_ID)
        .append_pair("request_uri", &uri);
    let (status, page) = visit(&basic, &stolen).await;
    assert_eq!(status, 400);
    assert!(page.contains("another client"), "{page}");
}

#[tokio::test]
async fn a_request_object_can_be_pushed() {
    let srv = server();
    let c = Client::new(
        par_builder(&srv, clients::RSA_CLIENT_ID)
            .private_key(rsa_key())
            .request_object(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    let request = c
        .pushed_authorization_url(AuthorizeOptions {
            scope: Some("write".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let (status, redirect) = visit(&c, &request.url).await;
    assert_eq!(status, 302, "{redirect}");
    let tokens = c
        .exchange_redirect(&request.pending, &redirect)
        .await
        .unwrap();
    assert_eq!(tokens.scope.as_deref(), Some("write"));
}

#[tokio::test]
async fn a_fapi2_client_signs_in_with_par_private_key_jwt_and_a_dpop_bound_token() {
    let srv = server();
    let c = Client::new(
        par_builder(&srv, clients::RSA_CLIENT_ID)
            .private_key(rsa_key())
            .fapi2(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    let key = c.oauth().dpop_key().unwrap().clone();
    let request = c
        .pushed_authorization_url(AuthorizeOptions::default())
        .await
        .unwrap();
    let (status, redirect) = visit(&c, &request.url).await;
    assert_eq!(status, 302, "{redirect}");
    assert!(redirect.contains("iss="), "{redirect}");
    let tokens = c
        .exchange_redirect(&request.pending, &redirect)
        .await
        .unwrap();
    assert!(tokens.is_dpop());
    assert_eq!(
        tokens.dpop_key().map(|k| k.thumbprint()),
        Some(key.thumbprint())
    );
    let resp = c
        .send_resource(
            HttpRequest::new(
                Method::Get,
                url::Url::parse(&format!("{}/resource", srv.url())).unwrap(),
            ),
            &tokens,
        )
        .await
        .unwrap();
    assert_eq!(resp.status, 200);

    // The code was bound to the key by the proof on the push: a client with
    // another key cannot redeem it.
    let request = c
        .pushed_authorization_url(AuthorizeOptions::default())
        .await
        .unwrap();
    let (_, redirect) = visit(&c, &request.url).await;
    let other = Client::new(
        par_builder(&srv, clients::RSA_CLIENT_ID)
            .private_key(rsa_key())
            .dpop(true)
            .build()
            .unwrap(),
    )
    .unwrap();
    match other.exchange_redirect(&request.pending, &redirect).await {
        Err(Error::OAuth(o)) => assert!(
            o.error == "invalid_grant" || o.error == "invalid_dpop_proof",
            "{o:?}"
        ),
        other => panic!("a code bound to another key was redeemed: {other:?}"),
    }
}
