//! DPoP (RFC 9449) against the devserver, which verifies every proof itself:
//! bound tokens from client credentials and the code flow (`dpop_jkt`), refresh
//! with the token set's own key, `use_dpop_nonce` retried once at the token
//! endpoint and at a resource, proofs for the wrong key, URL, method or time
//! refused by the server, a `token_type` that is not DPoP refused by the client,
//! and the key kept with the tokens in a file store.

mod common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use common::*;
use oauth2kit::dpop::NonceScope;
use oauth2kit::store::FileStore;
use oauth2kit::{
    AuthorizeOptions, Client, DpopKey, Error, ErrorCode, Grant, HttpRequest, ManualClock, Method,
    OAuthClient, TokenSet,
};
use oauth2kit_devserver::{DevServer, clients};

fn dpop_client(srv: &DevServer, client_id: &str) -> Client {
    let b = builder(srv, client_id).dpop(true);
    let b = match client_id {
        clients::BASIC_CLIENT_ID => b.client_secret(clients::BASIC_CLIENT_SECRET),
        _ => b,
    };
    Client::new(b.build().unwrap()).unwrap()
}

fn resource(srv: &DevServer) -> HttpRequest {
    HttpRequest::new(
        Method::Get,
        url::Url::parse(&format!("{}/resource?x=1", srv.url())).unwrap(),
    )
}

async fn introspected_jkt(srv: &DevServer, token: &TokenSet) -> Option<String> {
    let c = client(srv, clients::BASIC_CLIENT_ID);
    let info = c
        .introspect(token.access_token.expose(), None)
        .await
        .unwrap();
    assert!(info.active);
    info.extra
        .get("cnf")
        .and_then(|c| c.get("jkt"))
        .and_then(|j| j.as_str())
        .map(str::to_string)
}

fn oauth_error(e: &Error) -> &str {
    match e {
        Error::OAuth(o) | Error::ReauthorizationRequired(o) => &o.error,
        other => panic!("expected an OAuth error, got {other:?}"),
    }
}

#[tokio::test]
async fn client_credentials_token_is_bound_and_presented_with_proofs() {
    let srv = server();
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID);
    let key = c.oauth().dpop_key().unwrap().clone();
    let tokens = c.client_credentials(Some("read")).await.unwrap();
    assert!(tokens.is_dpop(), "{:?}", tokens.token_type);
    assert_eq!(tokens.dpop_key(), Some(&key));
    assert_eq!(
        introspected_jkt(&srv, &tokens).await.as_deref(),
        Some(key.thumbprint())
    );

    let resp = c.send_resource(resource(&srv), &tokens).await.unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(srv.count("resource"), 1);

    // The same token as a bearer token: refused.
    let mut bearer = resource(&srv);
    bearer.headers.push((
        "Authorization".into(),
        format!("Bearer {}", tokens.access_token.expose()),
    ));
    assert_eq!(c.send(bearer).await.unwrap().status, 401);

    // A proof by another key, for another URL, for another method, or stale: refused.
    let other = DpopKey::generate().unwrap();
    let url = resource(&srv).url;
    let at = tokens.access_token.expose();
    let now = SystemTime::now();
    let proofs = [
        ("another key", other.proof("GET", &url, Some(at), None, now)),
        (
            "another htu",
            key.proof(
                "GET",
                &url::Url::parse(&format!("{}/userinfo", srv.url())).unwrap(),
                Some(at),
                None,
                now,
            ),
        ),
        ("another htm", key.proof("POST", &url, Some(at), None, now)),
        (
            "a stale iat",
            key.proof("GET", &url, Some(at), None, now - Duration::from_secs(600)),
        ),
        (
            "another token's ath",
            key.proof("GET", &url, Some("other-token"), None, now),
        ),
    ];
    for (what, proof) in proofs {
        let mut req = resource(&srv);
        req.headers
            .push(("Authorization".into(), format!("DPoP {at}")));
        req.headers.push(("DPoP".into(), proof.unwrap()));
        let resp = c.send(req).await.unwrap();
        assert_eq!(resp.status, 401, "{what} was accepted");
        assert!(
            resp.header("www-authenticate")
                .unwrap()
                .starts_with("DPoP "),
            "{what}"
        );
    }
    // A good proof sent twice: the replay is refused.
    let mut req = resource(&srv);
    req.headers.extend(
        c.oauth()
            .resource_request_headers("GET", &url, &tokens)
            .unwrap(),
    );
    assert_eq!(c.send(req.clone()).await.unwrap().status, 200);
    assert_eq!(c.send(req).await.unwrap().status, 401, "replayed jti");
}

#[tokio::test]
async fn token_endpoint_refuses_bad_proofs() {
    let srv = server();
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID);
    let key = c.oauth().dpop_key().unwrap().clone();
    let grant = Grant::client_credentials(None);
    let stale = c
        .oauth()
        .token_request_with(
            &grant,
            Some(&key),
            SystemTime::now() - Duration::from_secs(600),
        )
        .unwrap();
    let resp = c.send(stale).await.unwrap();
    assert_eq!(resp.status, 400);
    assert!(String::from_utf8_lossy(&resp.body).contains("invalid_dpop_proof"));

    let good = c
        .oauth()
        .token_request_with(&grant, Some(&key), SystemTime::now())
        .unwrap();
    assert_eq!(c.send(good.clone()).await.unwrap().status, 200);
    let replay = c.send(good).await.unwrap();
    assert_eq!(replay.status, 400, "a replayed proof is refused");
    let e = c.oauth().parse_token_response(&grant, &replay).unwrap_err();
    assert_eq!(oauth_error(&e), "invalid_dpop_proof");
}

#[tokio::test]
async fn code_flow_binds_the_code_to_the_key_and_refresh_keeps_it() {
    let srv = server();
    let c = dpop_client(&srv, clients::PUBLIC_CLIENT_ID);
    let key = c.oauth().dpop_key().unwrap().clone();
    let req = c
        .authorization_url(AuthorizeOptions {
            scope: Some("openid read".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(
        req.url
            .query_pairs()
            .any(|(k, v)| k == "dpop_jkt" && v == key.thumbprint())
    );

    // Another process with another key cannot redeem the code (RFC 9449 §10)…
    let stranger = dpop_client(&srv, clients::PUBLIC_CLIENT_ID);
    let redirect = authorize(&c, &req.url).await;
    let e = stranger
        .exchange_redirect(&req.pending, &redirect)
        .await
        .unwrap_err();
    assert_eq!(oauth_error(&e), "invalid_grant");
    // …and, checked before the code is spent, the key's owner still can.
    let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    assert!(tokens.is_dpop());
    assert_eq!(tokens.dpop_key(), Some(&key));

    // The public client's refresh token is bound: another client's own key is refused…
    let e = stranger
        .refresh(tokens.refresh_token.as_ref().unwrap(), None)
        .await
        .unwrap_err();
    assert_eq!(oauth_error(&e), "invalid_dpop_proof");
    // …but refreshing the token set uses the set's key, whichever client does it.
    let fresh = stranger.refresh_token_set(&tokens, None).await.unwrap();
    assert_eq!(fresh.dpop_key(), Some(&key));
    assert_ne!(fresh.access_token, tokens.access_token);
    assert_eq!(
        introspected_jkt(&srv, &fresh).await.as_deref(),
        Some(key.thumbprint())
    );
    // and the refreshed token works at the resource through the other client
    let resp = stranger
        .send_resource(resource(&srv), &fresh)
        .await
        .unwrap();
    assert_eq!(resp.status, 200);
}

#[tokio::test]
async fn token_endpoint_nonce_is_retried_once_then_remembered() {
    let srv = server();
    srv.set_dpop(true, false, None);
    let clock = Arc::new(ManualClock::new());
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID).with_clock(clock.clone());
    let token_url = url::Url::parse(&format!("{}/token", srv.url())).unwrap();
    assert_eq!(
        c.oauth()
            .dpop_nonce(NonceScope::AuthorizationServer, &token_url),
        None
    );
    let tokens = c.client_credentials(None).await.unwrap();
    assert!(tokens.is_dpop());
    assert_eq!(srv.count("token"), 2, "one refusal, one retry");
    let nonce = c
        .oauth()
        .dpop_nonce(NonceScope::AuthorizationServer, &token_url)
        .unwrap();
    assert!(nonce.starts_with("as-"), "{nonce}");
    // kept apart from the resource server's nonces, though on the same origin
    assert_eq!(c.oauth().dpop_nonce(NonceScope::Resource, &token_url), None);
    c.client_credentials(None).await.unwrap();
    assert_eq!(srv.count("token"), 3, "the nonce was remembered");

    // The server moves to a new nonce: one more retry.
    srv.set_dpop(true, false, None);
    c.client_credentials(None).await.unwrap();
    assert_eq!(srv.count("token"), 5);

    // Without DPoP nonce handling (a hand-built request with no nonce) the
    // server's demand is a plain OAuth error.
    let bare = DpopKey::generate().unwrap();
    let grant = Grant::client_credentials(None);
    let plain = OAuthClient::builder(clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .token_url(token_url.as_str())
        .dpop_key(bare.clone())
        .build()
        .unwrap();
    let req = plain
        .token_request_with(&grant, Some(&bare), SystemTime::now())
        .unwrap();
    let resp = c.send(req).await.unwrap();
    let demanded = resp.header("dpop-nonce").unwrap().to_string();
    assert_eq!(
        oauth2kit::dpop::token_nonce_challenge(&resp),
        Some(demanded)
    );
    let e = plain.parse_token_response(&grant, &resp).unwrap_err();
    assert_eq!(oauth_error(&e), "use_dpop_nonce");
}

#[tokio::test]
async fn resource_nonce_is_retried_once_then_remembered() {
    let srv = server();
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID);
    let tokens = c.client_credentials(None).await.unwrap();
    srv.set_dpop(false, true, None);
    let resp = c.send_resource(resource(&srv), &tokens).await.unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(srv.count("resource"), 2, "one refusal, one retry");
    let url = resource(&srv).url;
    assert!(
        c.oauth()
            .dpop_nonce(NonceScope::Resource, &url)
            .unwrap()
            .starts_with("rs-")
    );
    c.send_resource(resource(&srv), &tokens).await.unwrap();
    assert_eq!(srv.count("resource"), 3, "the nonce was remembered");
    // userinfo goes through the same path
    let resp = c.send_resource(
        HttpRequest::new(
            Method::Get,
            url::Url::parse(&format!("{}/userinfo", srv.url())).unwrap(),
        ),
        &tokens,
    );
    assert_eq!(resp.await.unwrap().status, 200);
}

#[tokio::test]
async fn a_bearer_token_type_after_a_proof_is_refused() {
    let srv = server();
    srv.set_dpop(false, false, Some("Bearer"));
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID);
    let e = c.client_credentials(None).await.unwrap_err();
    assert!(matches!(e, Error::InvalidResponse { .. }), "{e:?}");
    assert_eq!(e.code(), ErrorCode::InvalidResponse);
    assert!(e.to_string().contains("DPoP"), "{e}");
    // any case of DPoP is fine
    srv.set_dpop(false, false, Some("dpop"));
    assert!(c.client_credentials(None).await.unwrap().is_dpop());
}

#[tokio::test]
async fn the_key_round_trips_through_a_file_store() {
    let srv = server();
    let pem = include_str!("data/dpop_ec.pem");
    let c = Client::new(
        builder(&srv, clients::BASIC_CLIENT_ID)
            .client_secret(clients::BASIC_CLIENT_SECRET)
            .dpop_key_pem(pem)
            .build()
            .unwrap(),
    )
    .unwrap();
    let tokens = c.password("alice", "wonderland", None).await.unwrap();
    let dir = std::env::temp_dir().join(format!("oauth2kit-dpop-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let store = FileStore::new(dir.join("tokens.json"));
    store.save_now(&tokens).unwrap();
    let text = std::fs::read_to_string(store.path()).unwrap();
    assert!(text.contains("dpop_jwk"), "{text}");
    let back = store.load_now().unwrap().unwrap();
    assert_eq!(back.dpop_key(), tokens.dpop_key());
    assert_eq!(
        back.dpop_key().unwrap().thumbprint(),
        DpopKey::from_pem(pem).unwrap().thumbprint()
    );
    // A client without DPoP of its own presents and refreshes the stored set.
    let plain = client(&srv, clients::BASIC_CLIENT_ID);
    assert_eq!(
        plain
            .send_resource(resource(&srv), &back)
            .await
            .unwrap()
            .status,
        200
    );
    let fresh = plain.refresh_token_set(&back, None).await.unwrap();
    assert_eq!(fresh.dpop_key(), back.dpop_key());
    assert_eq!(
        introspected_jkt(&srv, &fresh).await.as_deref(),
        Some(back.dpop_key().unwrap().thumbprint())
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[tokio::test]
async fn proofs_take_their_time_from_the_clients_clock() {
    let srv = server();
    let clock = Arc::new(ManualClock::new());
    let c = dpop_client(&srv, clients::BASIC_CLIENT_ID).with_clock(clock.clone());
    let tokens = c.client_credentials(None).await.unwrap();
    // Ten minutes ahead of the server: its iat window refuses the proofs.
    clock.advance(Duration::from_secs(600));
    let e = c.client_credentials(None).await.unwrap_err();
    assert_eq!(oauth_error(&e), "invalid_dpop_proof");
    let resp = c.send_resource(resource(&srv), &tokens).await.unwrap();
    assert_eq!(resp.status, 401);
}

/// The blocking API, as C and synchronous Python reach it: a session's
/// resource headers sent with a plain request, the nonce demand read back
/// sans-IO (`check_resource_response`) and answered once; `send_resource`;
/// and a token presented with another key refused by the server.
#[test]
fn blocking_session_presents_a_bound_token_and_answers_a_nonce_demand_once() {
    use oauth2kit::blocking;
    let srv = server();
    let oauth = builder(&srv, clients::BASIC_CLIENT_ID)
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .dpop(true)
        .build()
        .unwrap();
    let c = blocking::Client::new(oauth).unwrap();
    let session = blocking::Session::start(
        oauth2kit::session::Session::builder(c.as_async().clone()).client_credentials(None),
    )
    .unwrap();
    let tokens = session.token().unwrap();
    assert_eq!(tokens.token_type.as_deref(), Some("DPoP"));
    srv.set_dpop(false, true, None);
    let url = resource(&srv).url;
    let send = |headers: Vec<(String, String)>| {
        let mut req = HttpRequest::new(Method::Get, url.clone());
        req.headers.extend(headers);
        c.send(req).unwrap()
    };
    let first = send(session.resource_request_headers("GET", &url).unwrap());
    assert_eq!(first.status, 401);
    assert!(session.check_resource_response(&url, &first));
    let second = send(session.resource_request_headers("GET", &url).unwrap());
    assert_eq!(
        second.status,
        200,
        "{}",
        String::from_utf8_lossy(&second.body)
    );
    assert!(!session.check_resource_response(&url, &second));
    assert_eq!(srv.count("resource"), 2, "one refusal, one retry");
    // send_resource does the same by itself, with the nonce now remembered
    let resp = c.send_resource(resource(&srv), &tokens).unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(srv.count("resource"), 3);
    // the token presented with a proof by another key: the server refuses it
    let mut stolen = TokenSet::clone(&tokens);
    stolen.set_dpop_key(Some(DpopKey::generate().unwrap()));
    let resp = c.send_resource(resource(&srv), &stolen).unwrap();
    assert_eq!(resp.status, 401);
    let challenge = resp.header("www-authenticate").unwrap_or_default();
    assert!(challenge.contains("invalid_token"), "{challenge}");
}
