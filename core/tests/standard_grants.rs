//! Every standard grant and client authentication method, over HTTP, against the devserver.

mod common;

use common::{authorize, client, server};
use oauth2kit::{AuthorizeOptions, Error, TokenTypeHint};
use oauth2kit_devserver::clients;

#[tokio::test]
async fn authorization_code_with_pkce_end_to_end_for_every_auth_method() {
    let srv = server();
    for id in [
        clients::BASIC_CLIENT_ID,
        clients::POST_CLIENT_ID,
        clients::PUBLIC_CLIENT_ID,
        clients::JWT_SECRET_CLIENT_ID,
        clients::RSA_CLIENT_ID,
        clients::EC_CLIENT_ID,
        clients::ED_CLIENT_ID,
    ] {
        let c = client(&srv, id);
        let req = c
            .authorization_url(AuthorizeOptions {
                scope: Some("read".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(req.url.as_str().contains("code_challenge_method=S256"));
        let redirect = authorize(&c, &req.url).await;
        assert!(
            redirect.contains("iss="),
            "RFC 9207 iss expected in {redirect}"
        );
        let tokens = c
            .exchange_redirect(&req.pending, &redirect)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert!(tokens.is_bearer());
        assert!(tokens.refresh_token.is_some(), "{id}");
        assert!(tokens.expires_in().unwrap().as_secs() > 3000);
        // the code is one-time: replaying it fails with invalid_grant
        let err = c
            .exchange_redirect(&req.pending, &redirect)
            .await
            .unwrap_err();
        assert_eq!(
            err.oauth().map(|o| o.error.as_str()),
            Some("invalid_grant"),
            "{id}"
        );
    }
}

#[tokio::test]
async fn wrong_pkce_verifier_and_forged_state_are_refused() {
    let srv = server();
    let c = client(&srv, clients::PUBLIC_CLIENT_ID);
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &req.url).await;
    let mut other = req.pending.clone();
    other.code_verifier = Some("x".repeat(43).into());
    let err = c.exchange_redirect(&other, &redirect).await.unwrap_err();
    assert_eq!(err.oauth().unwrap().error, "invalid_grant");
    let mut forged = req.pending.clone();
    forged.state = "another".into();
    assert!(matches!(
        c.exchange_redirect(&forged, &redirect).await,
        Err(Error::StateMismatch)
    ));
    assert_eq!(
        srv.count("token"),
        1,
        "a state mismatch must not reach the token endpoint"
    );
}

#[tokio::test]
async fn client_credentials_with_every_auth_method_and_the_wrong_one_refused() {
    let srv = server();
    for id in [
        clients::BASIC_CLIENT_ID,
        clients::POST_CLIENT_ID,
        clients::JWT_SECRET_CLIENT_ID,
        clients::RSA_CLIENT_ID,
        clients::EC_CLIENT_ID,
        clients::ED_CLIENT_ID,
    ] {
        let t = client(&srv, id)
            .client_credentials(Some("read"))
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(t.scope.as_deref(), Some("read"));
    }
    // basic-client registered for client_secret_basic: post is refused, never retried another way
    let wrong = oauth2kit::Client::new(
        common::builder(&srv, clients::BASIC_CLIENT_ID)
            .client_secret(clients::BASIC_CLIENT_SECRET)
            .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
    )
    .unwrap();
    srv.reset_counts();
    let err = wrong.client_credentials(None).await.unwrap_err();
    let o = err.oauth().unwrap();
    assert_eq!((o.error.as_str(), o.status), ("invalid_client", Some(401)));
    assert_eq!(srv.count("token"), 1);
    // a wrong secret: the error never carries it
    let bad = oauth2kit::Client::new(
        common::builder(&srv, clients::POST_CLIENT_ID)
            .client_secret("WRONG-SECRET-VALUE")
            .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = bad.client_credentials(None).await.unwrap_err();
    assert!(!format!("{err} {err:?}").contains("WRONG-SECRET-VALUE"));
}

#[tokio::test]
async fn password_refresh_rotation_extension_and_implicit() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let t = c
        .password("alice", "wonderland", Some("read write"))
        .await
        .unwrap();
    let rt1 = t.refresh_token.clone().unwrap();
    let bad = c.password("alice", "nope", None).await.unwrap_err();
    assert_eq!(bad.oauth().unwrap().error, "invalid_grant");

    let t2 = c.refresh(&rt1, None).await.unwrap();
    let rt2 = t2.refresh_token.clone().unwrap();
    assert_ne!(
        rt1.expose(),
        rt2.expose(),
        "devserver rotates refresh tokens"
    );
    // the old one is dead: re-authorization needed, distinct from transient failures
    let err = c.refresh(&rt1, None).await.unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired(_)), "{err:?}");

    let echo = c
        .extension_grant(
            "urn:oauth2kit:params:grant-type:echo",
            &[("foo", "bar"), ("n", "1")],
        )
        .await
        .unwrap();
    assert_eq!(echo.extra["echo"]["foo"], "bar");

    let req = c
        .authorization_url(AuthorizeOptions {
            implicit: true,
            ..Default::default()
        })
        .unwrap();
    let redirect = authorize(&c, &req.url).await;
    assert!(redirect.contains('#'));
    let t = c.oauth().implicit_token(&req.pending, &redirect).unwrap();
    assert!(!t.access_token.expose().is_empty());
}

#[tokio::test]
async fn introspection_revocation_and_discovery() {
    let srv = server();
    let c = client(&srv, clients::BASIC_CLIENT_ID);
    let t = c.password("bob", "builder", Some("read")).await.unwrap();
    let i = c
        .introspect(t.access_token.expose(), Some(TokenTypeHint::AccessToken))
        .await
        .unwrap();
    assert!(i.active);
    assert_eq!(i.client_id.as_deref(), Some(clients::BASIC_CLIENT_ID));
    c.revoke(
        t.refresh_token.as_ref().unwrap().expose(),
        Some(TokenTypeHint::RefreshToken),
    )
    .await
    .unwrap();
    let i = c.introspect(t.access_token.expose(), None).await.unwrap();
    assert!(
        !i.active,
        "revoking the refresh token kills its access tokens"
    );
    c.revoke("never-issued", None).await.unwrap();

    let meta = oauth2kit::Client::discover(c.transport().as_ref(), &srv.url())
        .await
        .unwrap();
    assert_eq!(
        meta.token_endpoint.as_deref(),
        Some(format!("{}/token", srv.url()).as_str())
    );
    assert!(meta.authorization_response_iss_parameter_supported);
    let discovered = oauth2kit::Client::new(
        oauth2kit::OAuthClient::builder(clients::POST_CLIENT_ID)
            .client_secret(clients::POST_CLIENT_SECRET)
            .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
            .metadata(meta)
            .build()
            .unwrap(),
    )
    .unwrap();
    discovered.client_credentials(None).await.unwrap();
}
