//! JARM (JWT Secured Authorization Response Mode) over HTTP against the
//! devserver: the code flow with each response mode the client can receive
//! (query, fragment, form post), the keys fetched from `/jwks` (ES512 and a
//! rotated key included), and every spoiled response refused before the
//! code reaches the token endpoint (the devserver counts its requests).

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::{authorize, client, server};
use oauth2kit::callback::CallbackHandler;
use oauth2kit::{
    AuthorizeOptions, Client, Error, ErrorCode, HttpRequest, ManualClock, Method, OAuthClient,
};
use oauth2kit_devserver::{DevServer, IdTokenAlg, JarmCorruption, clients};

/// A confidential client from the devserver's discovery metadata (its
/// `jwks_uri` and `authorization_signing_alg_values_supported`) asking for
/// `mode`, on a manual clock.
async fn jarm_client(srv: &DevServer, mode: &str) -> (Client, Arc<ManualClock>) {
    let probe = client(srv, clients::BASIC_CLIENT_ID);
    let meta = Client::discover(probe.transport().as_ref(), &srv.url())
        .await
        .unwrap();
    assert!(
        meta.extra["response_modes_supported"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == mode),
        "{mode} advertised"
    );
    let oauth = OAuthClient::builder(clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .metadata(meta)
        .redirect_uri("http://127.0.0.1:9/callback")
        .scope("read")
        .response_mode(mode)
        .build()
        .unwrap();
    let clock = Arc::new(ManualClock::new());
    (Client::new(oauth).unwrap().with_clock(clock.clone()), clock)
}

/// Plays the browser for a `form_post.jwt` response: the devserver answers
/// with an auto-submitting form; the body the browser would post is returned.
async fn form_post(c: &Client, url: &url::Url) -> String {
    let resp = c
        .send(HttpRequest::new(Method::Get, url.clone()))
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
    let html = String::from_utf8(resp.body).unwrap();
    assert!(
        html.contains(r#"action="http://127.0.0.1:9/callback""#),
        "{html}"
    );
    let start = html
        .find(r#"name="response" value=""#)
        .expect("a response input")
        + 23;
    let len = html[start..].find('"').unwrap();
    format!("response={}", &html[start..start + len])
}

/// The redirect (or form body) the devserver answers an authorization request with.
async fn respond(c: &Client, mode: &str, url: &url::Url) -> String {
    if mode == "form_post.jwt" {
        form_post(c, url).await
    } else {
        authorize(c, url).await
    }
}

#[tokio::test]
async fn the_code_flow_works_with_every_response_mode() {
    let srv = server();
    for mode in ["query.jwt", "fragment.jwt", "jwt", "form_post.jwt"] {
        srv.reset_counts();
        let (c, _) = jarm_client(&srv, mode).await;
        let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
        assert!(
            req.url.as_str().contains(&format!("response_mode={mode}")),
            "{}",
            req.url
        );
        let redirect = respond(&c, mode, &req.url).await;
        match mode {
            "fragment.jwt" => assert!(redirect.contains("/callback#response="), "{redirect}"),
            "query.jwt" | "jwt" => {
                assert!(redirect.contains("/callback?response="), "{redirect}")
            }
            _ => {}
        }
        // Nothing but the JWT travels in the redirect.
        assert!(!redirect.contains("code="), "{redirect}");
        let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
        assert!(!tokens.access_token.expose().is_empty());
        assert_eq!(srv.count("token"), 1, "{mode}");
        assert_eq!(srv.count("jwks"), 1, "{mode}");
    }
}

#[tokio::test]
async fn es512_and_a_rotated_key_are_found_in_the_jwks() {
    let srv = server();
    let (c, clock) = jarm_client(&srv, "query.jwt").await;
    srv.set_id_token_alg(IdTokenAlg::Es512);
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &req.url).await;
    c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(srv.count("jwks"), 1);
    // A key the cached set does not have: fetched once more, then accepted.
    srv.set_id_token_alg(IdTokenAlg::Rs256);
    srv.rotate_signing_key();
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &req.url).await;
    // Within the refetch interval of the first fetch the set is not fetched again.
    match c.exchange_redirect(&req.pending, &redirect).await {
        Err(Error::InvalidJarmResponse { check, .. }) => assert_eq!(check, "kid"),
        other => panic!("{other:?}"),
    }
    assert_eq!(srv.count("jwks"), 1);
    clock.advance(oauth2kit::oidc::jwks::JWKS_REFETCH_INTERVAL);
    c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(srv.count("jwks"), 2);
    assert_eq!(srv.count("token"), 2);
}

#[tokio::test]
async fn every_spoiled_response_is_refused_before_the_code_is_exchanged() {
    let srv = server();
    for (corruption, check) in [
        (JarmCorruption::Signature, "signature"),
        (JarmCorruption::Iss, "iss"),
        (JarmCorruption::Aud, "aud"),
        (JarmCorruption::Expired, "exp"),
        (JarmCorruption::AlgNone, "alg"),
        (JarmCorruption::Plain, "downgrade"),
        (JarmCorruption::Encrypted, "encrypted"),
    ] {
        for mode in ["query.jwt", "fragment.jwt", "form_post.jwt"] {
            let (c, _) = jarm_client(&srv, mode).await;
            srv.set_jarm_corruption(Some(corruption));
            srv.reset_counts();
            let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
            let redirect = if mode == "form_post.jwt" && corruption == JarmCorruption::Plain {
                // a plain form post carries code, state and iss as fields
                let resp = c
                    .send(HttpRequest::new(Method::Get, req.url.clone()))
                    .await
                    .unwrap();
                let html = String::from_utf8(resp.body).unwrap();
                assert!(html.contains(r#"name="code""#), "{html}");
                assert!(!html.contains(r#"name="response""#), "{html}");
                let state = req.pending.state.expose().to_string();
                format!("code=whatever&state={state}")
            } else {
                respond(&c, mode, &req.url).await
            };
            srv.set_jarm_corruption(None);
            let e = c
                .exchange_redirect(&req.pending, &redirect)
                .await
                .unwrap_err();
            match &e {
                Error::InvalidJarmResponse { check: got, .. } => {
                    assert_eq!(got, check, "{mode} {corruption:?}: {e}")
                }
                other => panic!("{mode} {corruption:?}: {other:?}"),
            }
            assert_eq!(e.code(), ErrorCode::InvalidResponse);
            assert_eq!(
                srv.count("token"),
                0,
                "{mode} {corruption:?}: no token request"
            );
        }
    }
}

#[tokio::test]
async fn a_response_older_than_its_exp_and_the_skew_is_refused() {
    let srv = server();
    let (c, clock) = jarm_client(&srv, "query.jwt").await;
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &req.url).await;
    // The devserver gives 60 s; the default skew adds 60 s.
    clock.advance(Duration::from_secs(121));
    srv.reset_counts();
    match c.exchange_redirect(&req.pending, &redirect).await {
        Err(Error::InvalidJarmResponse { check, .. }) => assert_eq!(check, "exp"),
        other => panic!("{other:?}"),
    }
    assert_eq!(srv.count("token"), 0);
}

#[tokio::test]
async fn an_authorization_error_comes_back_inside_the_jwt() {
    let srv = server();
    let (c, _) = jarm_client(&srv, "query.jwt").await;
    let mut opts = AuthorizeOptions::default();
    opts.set_param("login_hint", "deny").unwrap();
    let req = c.authorization_url(opts).unwrap();
    let redirect = authorize(&c, &req.url).await;
    assert!(!redirect.contains("error="), "{redirect}");
    let e = c
        .exchange_redirect(&req.pending, &redirect)
        .await
        .unwrap_err();
    assert_eq!(
        e.oauth().map(|o| o.error.as_str()),
        Some("access_denied"),
        "{e}"
    );
    assert_eq!(srv.count("token"), 0);
}

#[tokio::test]
async fn the_callback_handler_reads_the_state_from_the_validated_jwt() {
    let srv = server();
    let (c, _) = jarm_client(&srv, "query.jwt").await;
    let handler = CallbackHandler::new(c.clone());
    let url = handler.begin(AuthorizeOptions::default()).unwrap();
    let redirect = authorize(&c, &url).await;
    let target = redirect.trim_start_matches("http://127.0.0.1:9");
    let outcome = handler.handle(target).await;
    assert_eq!(CallbackHandler::status_for(&outcome), 200, "{outcome:?}");
    // A spoiled one never reaches the pending state or the token endpoint.
    let url = handler.begin(AuthorizeOptions::default()).unwrap();
    srv.set_jarm_corruption(Some(JarmCorruption::Signature));
    let redirect = authorize(&c, &url).await;
    srv.set_jarm_corruption(None);
    srv.reset_counts();
    let outcome = handler.handle(&redirect).await;
    assert!(
        matches!(&outcome, Err(Error::InvalidJarmResponse { check, .. }) if check == "signature"),
        "{outcome:?}"
    );
    assert_eq!(srv.count("token"), 0);
}

#[tokio::test]
async fn response_mode_travels_through_par_and_inside_a_request_object() {
    let srv = server();
    // PAR: the browser's URL holds only client_id and request_uri.
    let (c, _) = jarm_client(&srv, "fragment.jwt").await;
    let req = c
        .pushed_authorization_url(AuthorizeOptions::default())
        .await
        .unwrap();
    assert!(!req.url.as_str().contains("response_mode"), "{}", req.url);
    let redirect = authorize(&c, &req.url).await;
    assert!(redirect.contains("/callback#response="), "{redirect}");
    c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    // JAR: response_mode is a claim of the signed request object.
    let probe = client(&srv, clients::RSA_CLIENT_ID);
    let meta = Client::discover(probe.transport().as_ref(), &srv.url())
        .await
        .unwrap();
    let oauth = OAuthClient::builder(clients::RSA_CLIENT_ID)
        .private_key(
            oauth2kit::SigningKey::from_pem(oauth2kit_devserver::keys::RSA_CLIENT_PRIVATE_PEM)
                .unwrap(),
        )
        .metadata(meta)
        .redirect_uri("http://127.0.0.1:9/callback")
        .scope("read")
        .request_object(true)
        .response_mode("query.jwt")
        .build()
        .unwrap();
    let c = Client::new(oauth).unwrap();
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    assert!(!req.url.as_str().contains("response_mode"), "{}", req.url);
    let redirect = authorize(&c, &req.url).await;
    assert!(redirect.contains("/callback?response="), "{redirect}");
    c.exchange_redirect(&req.pending, &redirect).await.unwrap();
}
