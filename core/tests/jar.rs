//! JWT-secured authorization requests (RFC 9101) against the devserver,
//! which verifies each request object with the client's registered key and
//! reads the parameters from it alone.

mod common;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use common::{builder, server, visit};
use oauth2kit::{AuthorizeOptions, Client, Error, SigningKey};
use oauth2kit_devserver::{DevServer, clients, keys};
use serde_json::Value;

fn jar_client(srv: &DevServer, id: &str, pem: &str) -> Client {
    let oauth = builder(srv, id)
        .private_key(SigningKey::from_pem(pem).unwrap())
        .request_object(true)
        .build()
        .unwrap();
    Client::new(oauth).unwrap()
}

fn part(jwt: &str, i: usize) -> Value {
    serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(jwt.split('.').nth(i).unwrap())
            .unwrap(),
    )
    .unwrap()
}

/// The `request` parameter of an authorization URL.
fn request_object(url: &url::Url) -> String {
    let (_, jwt) = url.query_pairs().find(|(k, _)| k == "request").unwrap();
    jwt.into_owned()
}

#[tokio::test]
async fn the_parameters_travel_in_a_signed_request_object() {
    let srv = server();
    let c = jar_client(&srv, clients::RSA_CLIENT_ID, keys::RSA_CLIENT_PRIVATE_PEM);
    let mut opts = AuthorizeOptions {
        scope: Some("openid read".into()),
        ..Default::default()
    };
    opts.set_param(
        "authorization_details",
        r#"[{"type":"account_information"}]"#,
    )
    .unwrap();
    opts.set_param("max_age", "600").unwrap();
    let req = c.authorization_url(opts).unwrap();
    let names: Vec<String> = req.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(names, ["client_id", "response_type", "scope", "request"]);
    let jwt = request_object(&req.url);
    let header = part(&jwt, 0);
    assert_eq!(header["typ"], "oauth-authz-req+jwt");
    assert_eq!(header["alg"], "RS256");
    let claims = part(&jwt, 1);
    assert_eq!(claims["iss"], clients::RSA_CLIENT_ID);
    assert_eq!(claims["client_id"], clients::RSA_CLIENT_ID);
    assert_eq!(claims["aud"], srv.url());
    assert_eq!(claims["state"], req.pending.state.expose());
    assert_eq!(claims["redirect_uri"], "http://127.0.0.1:9/callback");
    assert_eq!(claims["code_challenge_method"], "S256");
    assert!(claims["nonce"].is_string());
    assert_eq!(claims["max_age"], 600, "a number in the object");
    assert_eq!(
        claims["authorization_details"][0]["type"], "account_information",
        "JSON in the object"
    );
    let (iat, exp) = (
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert_eq!(exp - iat, 300);
    assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));

    // The devserver verifies it and grants what it says.
    let (status, redirect) = visit(&c, &req.url).await;
    assert_eq!(status, 302, "{redirect}");
    let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(tokens.scope.as_deref(), Some("openid read"));
    assert_eq!(
        tokens.authorization_details().unwrap()[0]["type"],
        "account_information"
    );
}

#[tokio::test]
async fn every_key_type_signs_request_objects() {
    let srv = server();
    for (id, pem) in [
        (clients::EC_CLIENT_ID, keys::EC_CLIENT_PRIVATE_PEM),
        (clients::ED_CLIENT_ID, keys::ED_CLIENT_PRIVATE_PEM),
    ] {
        let c = jar_client(&srv, id, pem);
        let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
        let (status, redirect) = visit(&c, &req.url).await;
        assert_eq!(status, 302, "{id}: {redirect}");
        c.exchange_redirect(&req.pending, &redirect)
            .await
            .unwrap_or_else(|e| panic!("{id}: {e}"));
    }
}

#[tokio::test]
async fn a_tampered_unsigned_or_foreign_object_is_refused_and_outside_parameters_are_ignored() {
    let srv = server();
    let c = jar_client(&srv, clients::RSA_CLIENT_ID, keys::RSA_CLIENT_PRIVATE_PEM);
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    let jwt = request_object(&req.url);
    let with_request = |request: &str| {
        let mut u = req.url.clone();
        let kept: Vec<(String, String)> = req
            .url
            .query_pairs()
            .filter(|(k, _)| k != "request")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        u.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair("request", request);
        u
    };
    // The payload changed (another redirect URI): the signature no longer holds.
    let mut claims = part(&jwt, 1);
    claims["redirect_uri"] = "http://127.0.0.1:9/elsewhere".into();
    let parts: Vec<&str> = jwt.split('.').collect();
    let tampered = format!(
        "{}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    // Unsigned.
    let none = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none","typ":"oauth-authz-req+jwt"}"#),
        parts[1]
    );
    // Signed by another client's key, claiming to be this one.
    let foreign = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)
        .unwrap()
        .sign(&part(&jwt, 1))
        .unwrap();
    for (what, request) in [
        ("tampered", tampered),
        ("unsigned", none),
        ("foreign key", foreign),
    ] {
        let (status, body) = visit(&c, &with_request(&request)).await;
        assert_eq!(status, 400, "{what}: {body}");
        assert!(body.contains("invalid_request_object"), "{what}: {body}");
    }
    // A parameter added outside the object is not read (login_hint=deny would refuse).
    let mut outside = req.url.clone();
    outside.query_pairs_mut().append_pair("login_hint", "deny");
    let (status, redirect) = visit(&c, &outside).await;
    assert_eq!(status, 302);
    c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert_eq!(srv.count("token"), 1);
}

#[test]
fn request_objects_need_a_key_and_an_issuer() {
    let srv = server();
    let e = builder(&srv, clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .request_object(true)
        .build()
        .unwrap_err();
    assert!(
        matches!(e, Error::Config(_)) && e.to_string().contains("private key"),
        "{e}"
    );
    let e = oauth2kit::OAuthClient::builder(clients::RSA_CLIENT_ID)
        .authorization_url(format!("{}/authorize", srv.url()))
        .private_key(SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM).unwrap())
        .request_object(true)
        .build()
        .unwrap_err();
    assert!(
        matches!(e, Error::Config(_)) && e.to_string().contains("issuer"),
        "{e}"
    );
}
