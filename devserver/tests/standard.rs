//! The standard endpoints at the root: metadata, the code flow, client authentication,
//! refresh rotation, introspection, revocation, protected resources.

mod common;

use common::*;
use jsonwebtoken::Algorithm;
use oauth2kit_devserver::DevServer;
use oauth2kit_devserver::clients::*;

#[tokio::test]
async fn metadata_names_every_endpoint() {
    let server = DevServer::spawn().expect("spawn");
    for path in [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
    ] {
        let doc = json(
            http()
                .get(format!("{}{path}", server.url()))
                .send()
                .await
                .expect("get"),
        )
        .await;
        assert_eq!(doc["issuer"], server.url());
        assert_eq!(doc["token_endpoint"], format!("{}/token", server.url()));
        assert_eq!(doc["authorization_response_iss_parameter_supported"], true);
        assert!(
            doc["code_challenge_methods_supported"]
                .to_string()
                .contains("S256")
        );
        assert!(
            doc["token_endpoint_auth_methods_supported"]
                .to_string()
                .contains("private_key_jwt")
        );
    }
    assert_eq!(server.count("metadata"), 2);
    let jwks = json(
        http()
            .get(format!("{}/jwks", server.url()))
            .send()
            .await
            .expect("jwks"),
    )
    .await;
    assert_eq!(jwks["keys"][0]["kid"], "devserver-rs256");
}

#[tokio::test]
async fn code_flow_with_pkce_for_a_public_client() {
    let server = DevServer::spawn().expect("spawn");
    let response = http()
        .get(format!("{}/authorize", server.url()))
        .query(&[
            ("response_type", "code"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("state", "s 1"),
            ("code_challenge", &challenge(VERIFIER)),
            ("code_challenge_method", "S256"),
        ])
        .send()
        .await
        .expect("authorize");
    assert_eq!(response.status(), 302);
    let location = response.headers()["location"]
        .to_str()
        .expect("ascii")
        .to_owned();
    assert!(location.starts_with(REDIRECT), "{location}");
    let pairs = location_params(&response);
    assert_eq!(param(&pairs, "state").as_deref(), Some("s 1"));
    assert_eq!(param(&pairs, "iss"), Some(server.url()));
    let code = param(&pairs, "code").expect("code");

    // Wrong verifier first: the code is then spent.
    let form = |verifier: &'static str, code: &str| {
        vec![
            ("grant_type", "authorization_code".to_owned()),
            ("code", code.to_owned()),
            ("redirect_uri", REDIRECT.to_owned()),
            ("client_id", PUBLIC_CLIENT_ID.to_owned()),
            ("code_verifier", verifier.to_owned()),
        ]
    };
    let send = |form: Vec<(&'static str, String)>| {
        let url = format!("{}/token", server.url());
        async move { http().post(url).form(&form).send().await.expect("token") }
    };
    let ok = send(form(VERIFIER, &code)).await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.headers()["cache-control"], "no-store");
    let tokens = json(ok).await;
    assert_eq!(tokens["token_type"], "Bearer");
    assert_eq!(tokens["expires_in"], 3600);
    assert_eq!(tokens["scope"], "read");
    assert!(tokens["refresh_token"].is_string());

    // The access token works at the resource.
    let access = tokens["access_token"].as_str().expect("access token");
    let me = http()
        .get(format!("{}/userinfo", server.url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("userinfo");
    assert_eq!(me.status(), 200);
    assert_eq!(json(me).await["sub"], "alice");

    // Reusing the code fails AND revokes what it issued (RFC 6749 §4.1.2).
    let again = send(form(VERIFIER, &code)).await;
    assert_eq!(again.status(), 400);
    assert_eq!(json(again).await["error"], "invalid_grant");
    let me = http()
        .get(format!("{}/resource", server.url()))
        .bearer_auth(access)
        .send()
        .await
        .expect("resource");
    assert_eq!(me.status(), 401);
    assert!(
        me.headers()["www-authenticate"]
            .to_str()
            .expect("ascii")
            .contains("invalid_token")
    );
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[
            ("grant_type", "refresh_token"),
            (
                "refresh_token",
                tokens["refresh_token"].as_str().expect("rt"),
            ),
            ("client_id", PUBLIC_CLIENT_ID),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );

    // A wrong verifier is rejected.
    let code = code_for(&server, PUBLIC_CLIENT_ID, "read").await;
    let bad = send(form(
        "0000000000000000000000000000000000000000000000",
        &code,
    ))
    .await;
    assert_eq!(json(bad).await["error"], "invalid_grant");
}

#[tokio::test]
async fn authorize_refuses_bad_clients_and_redirects_without_redirecting() {
    let server = DevServer::spawn().expect("spawn");
    let get = |pairs: Vec<(&'static str, &'static str)>| {
        let url = format!("{}/authorize", server.url());
        async move {
            http()
                .get(url)
                .query(&pairs)
                .send()
                .await
                .expect("authorize")
        }
    };
    // Unregistered redirect URI: a page, never a redirect.
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", "http://evil.example/cb"),
    ])
    .await;
    assert_eq!(r.status(), 400);
    assert!(r.headers().get("location").is_none());
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", "nobody"),
        ("redirect_uri", REDIRECT),
    ])
    .await;
    assert_eq!(r.status(), 400);
    // localhost is matched exactly, port included.
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", "http://localhost:9999/callback"),
    ])
    .await;
    assert_eq!(r.status(), 400);
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", REDIRECT_CUSTOM_SCHEME),
    ])
    .await;
    assert_eq!(r.status(), 302);
    assert!(
        r.headers()["location"]
            .to_str()
            .expect("ascii")
            .starts_with("com.example.app:/oauth2redirect?code=")
    );

    // Errors after the redirect URI is known go back to it.
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", PUBLIC_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("state", "k"),
    ])
    .await;
    let pairs = location_params(&r);
    assert_eq!(
        param(&pairs, "error").as_deref(),
        Some("invalid_request"),
        "public clients need PKCE"
    );
    assert_eq!(param(&pairs, "state").as_deref(), Some("k"));
    assert_eq!(param(&pairs, "iss"), Some(server.url()));
    let r = get(vec![
        ("response_type", "id_token"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", REDIRECT),
    ])
    .await;
    assert_eq!(
        param(&location_params(&r), "error").as_deref(),
        Some("unsupported_response_type")
    );
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("prompt", "none"),
        ("login_hint", "deny"),
    ])
    .await;
    assert_eq!(
        param(&location_params(&r), "error").as_deref(),
        Some("access_denied")
    );
    let r = get(vec![
        ("response_type", "code"),
        ("client_id", POST_CLIENT_ID),
        ("redirect_uri", REDIRECT),
        ("scope", "read deny"),
    ])
    .await;
    assert_eq!(
        param(&location_params(&r), "error").as_deref(),
        Some("access_denied")
    );
}

#[tokio::test]
async fn implicit_grant_puts_the_token_in_the_fragment() {
    let server = DevServer::spawn().expect("spawn");
    let r = http()
        .get(format!("{}/authorize", server.url()))
        .query(&[
            ("response_type", "token"),
            ("client_id", PUBLIC_CLIENT_ID),
            ("redirect_uri", REDIRECT),
            ("state", "st"),
        ])
        .send()
        .await
        .expect("authorize");
    let location = r.headers()["location"].to_str().expect("ascii").to_owned();
    assert!(location.contains("#access_token="), "{location}");
    let pairs = location_params(&r);
    assert_eq!(param(&pairs, "token_type").as_deref(), Some("Bearer"));
    assert_eq!(param(&pairs, "state").as_deref(), Some("st"));
}

#[tokio::test]
async fn each_client_is_held_to_its_registered_method() {
    let server = DevServer::spawn().expect("spawn");
    let cc = ("grant_type", "client_credentials");

    // client_secret_basic, with RFC 6749 §2.3.1 form-encoding before base64.
    let (status, body) = post_form(
        &server,
        "/token",
        Some(&basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET)),
        &[cc],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    // The same secret NOT form-encoded is refused, with the Basic challenge.
    let r = http()
        .post(format!("{}/token", server.url()))
        .header(
            "authorization",
            basic_plain(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET),
        )
        .form(&[cc])
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        r#"Basic realm="devserver""#
    );
    // basic-client using client_secret_post is refused.
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[
            cc,
            ("client_id", BASIC_CLIENT_ID),
            ("client_secret", BASIC_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (401, Some("invalid_client"))
    );

    // client_secret_post, and post-client using Basic is refused.
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[
            cc,
            ("client_id", POST_CLIENT_ID),
            ("client_secret", POST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(status, 200);
    let (status, _) = post_form(
        &server,
        "/token",
        Some(&basic_form(POST_CLIENT_ID, POST_CLIENT_SECRET)),
        &[cc],
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[
            cc,
            ("client_id", POST_CLIENT_ID),
            ("client_secret", "wrong"),
        ],
    )
    .await;
    assert_eq!(status, 401);
    // Two methods at once is a malformed request.
    let (status, body) = post_form(
        &server,
        "/token",
        Some(&basic_form(POST_CLIENT_ID, POST_CLIENT_SECRET)),
        &[
            cc,
            ("client_id", POST_CLIENT_ID),
            ("client_secret", POST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );

    // A public client cannot use client_credentials; a confidential one cannot skip auth.
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[cc, ("client_id", PUBLIC_CLIENT_ID)],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unauthorized_client"))
    );
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[cc, ("client_id", POST_CLIENT_ID)],
    )
    .await;
    assert_eq!(status, 401);

    // Assertions: each key client, and client_secret_jwt.
    let aud = format!("{}/token", server.url());
    let exp = now() + 60;
    let jwt_type = (
        "client_assertion_type",
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
    );
    for (id, alg, key) in [
        (RSA_CLIENT_ID, Algorithm::RS256, rsa_key()),
        (EC_CLIENT_ID, Algorithm::ES256, ec_key()),
        (ED_CLIENT_ID, Algorithm::EdDSA, ed_key()),
        (
            JWT_SECRET_CLIENT_ID,
            Algorithm::HS256,
            jsonwebtoken::EncodingKey::from_secret(JWT_SECRET_CLIENT_SECRET.as_bytes()),
        ),
    ] {
        let jwt = assertion(alg, &key, id, id, &aud, &format!("jti-{id}"), exp);
        let (status, body) = post_form(
            &server,
            "/token",
            None,
            &[cc, jwt_type, ("client_assertion", &jwt)],
        )
        .await;
        assert_eq!(status, 200, "{id}: {body}");
        // Replay of the same jti.
        let (status, body) = post_form(
            &server,
            "/token",
            None,
            &[cc, jwt_type, ("client_assertion", &jwt)],
        )
        .await;
        assert_eq!(
            (status, body["error"].as_str()),
            (401, Some("invalid_client")),
            "{id} replay"
        );
    }
    // Issuer as audience is fine; expired, wrong audience, wrong key are not.
    let ok = assertion(
        Algorithm::RS256,
        &rsa_key(),
        RSA_CLIENT_ID,
        RSA_CLIENT_ID,
        &server.url(),
        "a1",
        exp,
    );
    let expired = assertion(
        Algorithm::RS256,
        &rsa_key(),
        RSA_CLIENT_ID,
        RSA_CLIENT_ID,
        &aud,
        "a2",
        now() - 5,
    );
    let wrong_aud = assertion(
        Algorithm::RS256,
        &rsa_key(),
        RSA_CLIENT_ID,
        RSA_CLIENT_ID,
        "https://elsewhere",
        "a3",
        exp,
    );
    let wrong_key = assertion(
        Algorithm::ES256,
        &ec_key(),
        RSA_CLIENT_ID,
        RSA_CLIENT_ID,
        &aud,
        "a4",
        exp,
    );
    let secret_for_key_client = assertion(
        Algorithm::HS256,
        &jsonwebtoken::EncodingKey::from_secret(b"guess"),
        RSA_CLIENT_ID,
        RSA_CLIENT_ID,
        &aud,
        "a5",
        exp,
    );
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[cc, jwt_type, ("client_assertion", &ok)],
    )
    .await;
    assert_eq!(status, 200);
    for bad in [expired, wrong_aud, wrong_key, secret_for_key_client] {
        let (status, _) = post_form(
            &server,
            "/token",
            None,
            &[cc, jwt_type, ("client_assertion", &bad)],
        )
        .await;
        assert_eq!(status, 401);
    }
    // rsa-client using a secret method is refused.
    let (status, _) = post_form(
        &server,
        "/token",
        None,
        &[cc, ("client_id", RSA_CLIENT_ID), ("client_secret", "x")],
    )
    .await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn token_endpoint_takes_form_bodies_only() {
    let server = DevServer::spawn().expect("spawn");
    let r = http()
        .post(format!("{}/token", server.url()))
        .json(&serde_json::json!({ "grant_type": "client_credentials", "client_id": POST_CLIENT_ID, "client_secret": POST_CLIENT_SECRET }))
        .send()
        .await
        .expect("token");
    assert_eq!(r.status(), 400);
    assert_eq!(json(r).await["error"], "invalid_request");
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[
            ("grant_type", "bogus"),
            ("client_id", POST_CLIENT_ID),
            ("client_secret", POST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_grant_type"))
    );
    let (status, body) = post_form(
        &server,
        "/token",
        None,
        &[
            ("grant_type", "password"),
            ("grant_type", "password"),
            ("client_id", POST_CLIENT_ID),
            ("client_secret", POST_CLIENT_SECRET),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_request"))
    );
}

#[tokio::test]
async fn refresh_tokens_rotate_and_reuse_revokes_the_grant() {
    let server = DevServer::spawn().expect("spawn");
    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    let (status, first) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "password"),
            ("username", "bob"),
            ("password", "builder"),
            ("scope", "read write"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{first}");
    let (status, _) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "password"),
            ("username", "bob"),
            ("password", "nope"),
        ],
    )
    .await;
    assert_eq!(status, 400);

    let rt1 = first["refresh_token"].as_str().expect("rt1");
    let (status, second) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt1),
            ("scope", "read"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(second["scope"], "read", "narrowed");
    let rt2 = second["refresh_token"].as_str().expect("rt2");
    assert_ne!(rt1, rt2);
    // Widening is refused.
    let (status, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "refresh_token"),
            ("refresh_token", rt2),
            ("scope", "read admin"),
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_scope"))
    );
    // rt2 still good (the refused request did not spend it); rotating gives the full grant scope back.
    let (status, third) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", "refresh_token"), ("refresh_token", rt2)],
    )
    .await;
    assert_eq!((status, third["scope"].as_str()), (200, Some("read write")));
    // Reusing rt1 fails and kills the grant, including the newest tokens.
    let (status, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", "refresh_token"), ("refresh_token", rt1)],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("invalid_grant"))
    );
    let rt3 = third["refresh_token"].as_str().expect("rt3");
    let (status, _) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", "refresh_token"), ("refresh_token", rt3)],
    )
    .await;
    assert_eq!(status, 400);
    let r = http()
        .get(format!("{}/resource", server.url()))
        .bearer_auth(third["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("resource");
    assert_eq!(r.status(), 401);
}

#[tokio::test]
async fn introspection_and_revocation() {
    let server = DevServer::spawn().expect("spawn");
    let post = ("client_id", POST_CLIENT_ID);
    let secret = ("client_secret", POST_CLIENT_SECRET);
    let (_, tokens) = post_form(
        &server,
        "/token",
        None,
        &[
            ("grant_type", "password"),
            ("username", "alice"),
            ("password", "wonderland"),
            post,
            secret,
        ],
    )
    .await;
    let access = tokens["access_token"].as_str().expect("at");
    let refresh = tokens["refresh_token"].as_str().expect("rt");

    let (status, info) = post_form(
        &server,
        "/introspect",
        None,
        &[("token", access), post, secret],
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        (info["active"].as_bool(), info["username"].as_str()),
        (Some(true), Some("alice"))
    );
    let (_, info) = post_form(
        &server,
        "/introspect",
        None,
        &[
            ("token", refresh),
            ("token_type_hint", "refresh_token"),
            post,
            secret,
        ],
    )
    .await;
    assert_eq!(info["active"], true);
    let (_, info) = post_form(
        &server,
        "/introspect",
        None,
        &[("token", "nonsense"), post, secret],
    )
    .await;
    assert_eq!(info, serde_json::json!({ "active": false }));
    let (status, _) = post_form(&server, "/introspect", None, &[("token", access)]).await;
    assert_eq!(status, 401, "introspection needs client authentication");

    // Unknown tokens revoke fine; someone else's token does not.
    let (status, body) = post_form(
        &server,
        "/revoke",
        None,
        &[("token", "unknown"), post, secret],
    )
    .await;
    assert_eq!((status, body), (200, serde_json::json!("")));
    let (status, _) = post_form(
        &server,
        "/revoke",
        Some(&basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET)),
        &[("token", refresh)],
    )
    .await;
    assert_eq!(status, 400);
    let (status, body) = post_form(
        &server,
        "/revoke",
        None,
        &[
            ("token", access),
            ("token_type_hint", "weird"),
            post,
            secret,
        ],
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("unsupported_token_type"))
    );
    // Revoking the refresh token kills the access token too.
    let (status, _) = post_form(
        &server,
        "/revoke",
        None,
        &[("token", refresh), post, secret],
    )
    .await;
    assert_eq!(status, 200);
    let (_, info) = post_form(
        &server,
        "/introspect",
        None,
        &[("token", access), post, secret],
    )
    .await;
    assert_eq!(info["active"], false);
}

#[tokio::test]
async fn token_lifetime_echo_grant_and_bearer_errors() {
    let server = DevServer::spawn().expect("spawn");
    let auth = basic_form(BASIC_CLIENT_ID, BASIC_CLIENT_SECRET);
    server.set_token_lifetime(0);
    let (_, tokens) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[("grant_type", "client_credentials")],
    )
    .await;
    assert_eq!(tokens["expires_in"], 0);
    let r = http()
        .get(format!("{}/resource", server.url()))
        .bearer_auth(tokens["access_token"].as_str().expect("at"))
        .send()
        .await
        .expect("resource");
    assert_eq!(r.status(), 401, "a 0 s token is already expired");
    let r = http()
        .get(format!("{}/resource", server.url()))
        .send()
        .await
        .expect("resource");
    assert_eq!(r.status(), 401);
    assert_eq!(
        r.headers()["www-authenticate"],
        r#"Bearer realm="devserver""#
    );
    server.set_token_lifetime(3600);

    let (status, body) = post_form(
        &server,
        "/token",
        Some(&auth),
        &[
            ("grant_type", "urn:oauth2kit:params:grant-type:echo"),
            ("resource", "https://a"),
            ("resource", "https://b"),
            ("custom", "x y+z&"),
        ],
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["echo"]["custom"], "x y+z&");
    assert_eq!(
        body["echo"]["resource"],
        serde_json::json!(["https://a", "https://b"])
    );
    assert!(body["echo"].get("client_id").is_none());
}
