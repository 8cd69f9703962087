//! The four provider documents of shared/providers/, each flow end to end over
//! HTTP against the devserver's strict dialects: authorize → callback → token →
//! validate → expiry → refresh → validate; the documented error bodies; and a
//! profile loaded from a file that changes behaviour with no code.

mod common;

use std::sync::Arc;

use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use oauth2kit::callback::CallbackHandler;
use oauth2kit::session::Session;
use oauth2kit::{AuthorizeOptions, Client, Error, HttpRequest, Method, OAuthClient, Profile};
use oauth2kit_devserver::{DevServer, clients};

/// Where the callback endpoint hands the tokens to the test.
type TokenSlot = Arc<std::sync::Mutex<Option<tokio::sync::oneshot::Sender<oauth2kit::TokenSet>>>>;

fn provider(srv: &DevServer, profile: &str, id: &str, secret: &str) -> Client {
    Client::new(
        OAuthClient::builder(id)
            .client_secret(secret)
            .profile(Profile::load(profile).unwrap())
            .base_url(format!("{}/{profile}", srv.url()))
            .redirect_uri("http://127.0.0.1:9/callback")
            .build()
            .unwrap(),
    )
    .unwrap()
}

async fn get(c: &Client, url: &url::Url) -> oauth2kit::HttpResponse {
    c.send(HttpRequest::new(Method::Get, url.clone()))
        .await
        .unwrap()
}

fn query_names(url: &url::Url) -> Vec<String> {
    url.query_pairs().map(|(k, _)| k.into_owned()).collect()
}

#[tokio::test]
async fn deskera_v2_document_step_by_step() {
    let srv = common::server();
    srv.set_callback_uri(
        clients::DESKERA_V2_CLIENT_ID,
        "https://testapp.example/callback",
    );
    let c = provider(
        &srv,
        "deskera-v2",
        clients::DESKERA_V2_CLIENT_ID,
        clients::DESKERA_V2_CLIENT_SECRET,
    );
    // Step 1: the OAuth link, exactly the documented parameters.
    let req = c.authorization_url(AuthorizeOptions::default()).unwrap();
    assert_eq!(req.url.path(), "/deskera-v2/");
    assert_eq!(
        query_names(&req.url),
        ["response_type", "client_id", "state", "scope"]
    );
    assert!(req.url.as_str().contains("scope=write"));
    // Steps 2–3: the user connects; the redirect carries code and state.
    let resp = get(&c, &req.url).await;
    assert_eq!(resp.status, 302);
    let redirect = resp.header("location").unwrap().to_string();
    assert!(redirect.starts_with("https://testapp.example/callback?code="));
    // Token request: POST with query-string parameters and plain Basic auth.
    let grant = c.oauth().callback_grant(&req.pending, &redirect).unwrap();
    let wire = c.oauth().token_request(&grant).unwrap();
    assert!(wire.body.is_empty());
    assert_eq!(query_names(&wire.url), ["grant_type", "code", "scope"]);
    let tokens = c.request_token(&grant).await.unwrap();
    assert_eq!(tokens.token_type.as_deref(), Some("bearer"));
    // expires_in is 0: the lifetime comes from the JWT's exp
    assert!(
        tokens.expires_at.is_some(),
        "JWT exp used when expires_in is 0"
    );
    // Validation with x-access-token.
    assert_eq!(c.oauth().authorization_header(&tokens).0, "x-access-token");
    assert!(c.validate(&tokens).await.unwrap());
    // Refresh in the query string with Basic auth; the old token rotates out.
    let refreshed = c
        .refresh(tokens.refresh_token.as_ref().unwrap(), None)
        .await
        .unwrap();
    assert!(c.validate(&refreshed).await.unwrap());
    assert!(matches!(
        c.refresh(tokens.refresh_token.as_ref().unwrap(), None)
            .await,
        Err(Error::ReauthorizationRequired(_))
    ));
    // A 401 from an API makes the session renew once, through the dialect.
    let session = Session::builder(c.clone())
        .tokens(refreshed.clone())
        .build();
    let t1 = session.access_token().await.unwrap();
    assert!(session.on_unauthorized(t1.expose()));
    let t2 = session.access_token().await.unwrap();
    assert_ne!(t1, t2);
    assert!(
        c.validate(&oauth2kit::TokenSet::bearer(t2.expose()))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn deskera_v2_refuses_the_wrong_wire_format() {
    let srv = common::server();
    // An RFC 6749 client (form body, encoded Basic) at Deskera's token endpoint.
    let rfc = Client::new(
        OAuthClient::builder(clients::DESKERA_V2_CLIENT_ID)
            .client_secret(clients::DESKERA_V2_CLIENT_SECRET)
            .token_url(format!("{}/deskera-v2/v2/oauth/token", srv.url()))
            .build()
            .unwrap(),
    )
    .unwrap();
    let err = rfc.refresh(&"anything".into(), None).await.unwrap_err();
    assert!(err.status().is_some_and(|s| s >= 400), "{err:?}");
}

async fn serve_callback(handler: Arc<CallbackHandler>) -> String {
    async fn cb(
        State(h): State<Arc<CallbackHandler>>,
        OriginalUri(uri): OriginalUri,
    ) -> StatusCode {
        let outcome = h.handle(&uri.to_string()).await;
        StatusCode::from_u16(CallbackHandler::status_for(&outcome)).unwrap()
    }
    let app = axum::Router::new()
        .route("/cb", axum::routing::get(cb))
        .with_state(handler);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/cb", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn deskera_v1_document_with_the_server_side_callback() {
    let srv = common::server();
    let c = provider(
        &srv,
        "deskera-v1",
        clients::DESKERA_V1_CLIENT_ID,
        clients::DESKERA_V1_CLIENT_SECRET,
    );
    let handler = Arc::new(CallbackHandler::new(c.clone()));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let tx = std::sync::Mutex::new(Some(tx));
    let h2 = handler.clone();
    // Our callback endpoint, as the integrating platform runs it; it reports the tokens.
    async fn cb(
        State((h, tx)): State<(Arc<CallbackHandler>, TokenSlot)>,
        OriginalUri(uri): OriginalUri,
    ) -> StatusCode {
        let outcome = h.handle(&uri.to_string()).await;
        let status = CallbackHandler::status_for(&outcome);
        if let Ok(o) = outcome {
            assert_eq!(
                o.scope.as_deref(),
                Some("write"),
                "Deskera sends the granted scope"
            );
            if let Some(tx) = tx.lock().unwrap().take() {
                let _ = tx.send(o.tokens);
            }
        }
        StatusCode::from_u16(status).unwrap()
    }
    let app = axum::Router::new()
        .route("/cb", axum::routing::get(cb))
        .with_state((h2, Arc::new(tx)));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let callback_uri = format!("http://{}/cb", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    srv.set_callback_uri(clients::DESKERA_V1_CLIENT_ID, &callback_uri);

    // Step 1: the link with an (encoded) redirect_uri.
    let opts = AuthorizeOptions {
        redirect_uri: Some("https://platform.example/done?x=1".into()),
        ..Default::default()
    };
    let link = handler.begin(opts).unwrap();
    assert_eq!(
        query_names(&link),
        [
            "response_type",
            "client_id",
            "redirect_uri",
            "state",
            "scope"
        ]
    );
    // Steps 2–4: Deskera calls our callback; after our 2xx the user goes to redirect_uri.
    let resp = get(&c, &link).await;
    assert_eq!(resp.status, 302, "{}", String::from_utf8_lossy(&resp.body));
    assert!(
        resp.header("location")
            .unwrap()
            .starts_with("https://platform.example/done")
    );
    let tokens = rx.await.unwrap();
    // Both pairs arrive; deskera-token is the one presented to APIs.
    for f in ["access_token", "refresh_token", "email", "username", "org"] {
        assert!(tokens.extra.contains_key(f), "missing {f}");
    }
    assert_eq!(c.oauth().authorization_header(&tokens).0, "x-access-token");
    assert!(c.validate(&tokens).await.unwrap());
    // Refresh: JSON {"refreshToken"} answered in camelCase.
    let wire = c
        .oauth()
        .token_request(&oauth2kit::Grant::refresh(
            tokens.refresh_token.as_ref().unwrap(),
            None,
        ))
        .unwrap();
    assert_eq!(wire.url.path(), "/deskera-v1/refresh");
    assert!(wire.body_text().starts_with("{\"refreshToken\":"));
    assert!(wire.header("authorization").is_none());
    let refreshed = c
        .refresh(tokens.refresh_token.as_ref().unwrap(), None)
        .await
        .unwrap();
    assert!(
        refreshed.id_token.is_some(),
        "idToken read from the camelCase answer"
    );
    assert_eq!(
        refreshed.extra.get("emailVerified"),
        Some(&serde_json::Value::Bool(false))
    );
    assert!(c.validate(&refreshed).await.unwrap());

    // A callback that is not ours (unknown state) is refused with 400.
    let url = serve_callback(handler.clone()).await;
    let bogus = get(
        &c,
        &url::Url::parse(&format!("{url}?code=x&state=forged&scope=write")).unwrap(),
    )
    .await;
    assert_eq!(bogus.status, 400);
}

/// The same server-side callback with no async runtime anywhere: a plain
/// `std::net` callback endpoint and `blocking::CallbackHandler`.
#[test]
fn deskera_v1_callback_with_the_blocking_handler() {
    use std::io::{BufRead, BufReader, Write};
    let srv = common::server();
    let c = oauth2kit::blocking::Client::new(
        OAuthClient::builder(clients::DESKERA_V1_CLIENT_ID)
            .client_secret(clients::DESKERA_V1_CLIENT_SECRET)
            .profile(Profile::load("deskera-v1").unwrap())
            .base_url(format!("{}/deskera-v1", srv.url()))
            .redirect_uri("https://platform.example/done")
            .build()
            .unwrap(),
    )
    .unwrap();
    let handler = Arc::new(oauth2kit::blocking::CallbackHandler::new(c.clone()));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let callback = format!("http://{}/cb", listener.local_addr().unwrap());
    srv.set_callback_uri(clients::DESKERA_V1_CLIENT_ID, &callback);
    // Our callback endpoint: two calls (the provider's, then a forged one).
    let h = handler.clone();
    let endpoint = std::thread::spawn(move || {
        let mut seen = Vec::new();
        for stream in listener.incoming().take(2) {
            let mut stream = stream.unwrap();
            let mut line = String::new();
            BufReader::new(&stream).read_line(&mut line).unwrap();
            let target = line.split(' ').nth(1).unwrap().to_string();
            let outcome = h.handle(&target);
            let status = oauth2kit::callback::CallbackHandler::status_for(&outcome);
            write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            )
            .unwrap();
            seen.push((status, outcome.ok().map(|o| (o.tokens, o.scope))));
        }
        seen
    });
    let link = handler.begin(AuthorizeOptions::default()).unwrap();
    let resp = c.send(HttpRequest::new(Method::Get, link)).unwrap();
    assert_eq!(resp.status, 302, "{}", String::from_utf8_lossy(&resp.body));
    let forged = format!("{callback}?code=x&state=forged");
    let bogus = c
        .send(HttpRequest::new(
            Method::Get,
            url::Url::parse(&forged).unwrap(),
        ))
        .unwrap();
    assert_eq!(bogus.status, 400);
    let seen = endpoint.join().unwrap();
    assert_eq!(seen[0].0, 200);
    let (tokens, scope) = seen[0].1.as_ref().unwrap();
    assert!(tokens.extra.contains_key("refresh_token") && scope.is_some());
    assert_eq!(seen[1].0, 400);
    // Inside an async runtime the blocking handler refuses instead of panicking.
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let err = rt
        .block_on(async { handler.handle("/cb?code=x&state=y") })
        .unwrap_err();
    assert!(matches!(err, Error::Runtime(_)), "{err:?}");
}

#[tokio::test]
async fn desko_document_json_body_and_its_error_body() {
    let srv = common::server();
    let c = provider(
        &srv,
        "desko",
        clients::DESKO_CLIENT_ID,
        clients::DESKO_CLIENT_SECRET,
    );
    let wire = c
        .oauth()
        .token_request(&oauth2kit::Grant::client_credentials(Some(
            "organization.show booking.show",
        )))
        .unwrap();
    assert_eq!(wire.header("content-type"), Some("application/json"));
    assert_eq!(
        wire.body_text(),
        r#"{"grant_type":"client_credentials","scope":"organization.show booking.show","client_id":"desko-client","client_secret":"desko-secret"}"#
    );
    let t = c
        .client_credentials(Some("organization.show booking.show"))
        .await
        .unwrap();
    assert_eq!(t.token_type.as_deref(), Some("Bearer"));
    assert!(t.expires_in().unwrap().as_secs() > 3500);

    let bad = provider(&srv, "desko", clients::DESKO_CLIENT_ID, "wrong");
    let err = bad.client_credentials(None).await.unwrap_err();
    let o = err.oauth().expect("a typed OAuth error");
    assert_eq!(o.error, "oauth_server");
    assert_eq!(
        o.description.as_deref(),
        Some("Client authentication failed")
    );
    assert_eq!(o.status, Some(401));
    assert_eq!(o.field("error"), Some(&serde_json::json!(401)));
}

#[tokio::test]
async fn generic_document_with_state_check_and_refresh() {
    let srv = common::server();
    let c = provider(
        &srv,
        "generic",
        clients::GENERIC_CLIENT_ID,
        clients::GENERIC_CLIENT_SECRET,
    );
    let req = c
        .authorization_url(AuthorizeOptions {
            scope: Some("read_write".into()),
            ..Default::default()
        })
        .unwrap();
    let redirect = get(&c, &req.url)
        .await
        .header("location")
        .unwrap()
        .to_string();
    let forged = redirect.replace("state=", "state=x");
    assert!(matches!(
        c.exchange_redirect(&req.pending, &forged).await,
        Err(Error::StateMismatch)
    ));
    let tokens = c.exchange_redirect(&req.pending, &redirect).await.unwrap();
    let wire = c
        .oauth()
        .token_request(&oauth2kit::Grant::refresh(
            tokens.refresh_token.as_ref().unwrap(),
            None,
        ))
        .unwrap();
    assert!(
        wire.body_text()
            .contains("client_id=generic-client&client_secret=generic-secret")
    );
    let refreshed = c
        .refresh(tokens.refresh_token.as_ref().unwrap(), None)
        .await
        .unwrap();
    assert_eq!(
        refreshed.refresh_token, tokens.refresh_token,
        "no new refresh token: the old one is kept"
    );
}

#[tokio::test]
async fn a_profile_file_describes_a_provider_with_no_code() {
    let srv = common::server();
    let dir = std::env::temp_dir().join(format!("oauth2kit-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Desko's dialect described from scratch in TOML, and in JSON.
    let toml_path = dir.join("acme.toml");
    std::fs::write(
        &toml_path,
        "name = \"acme\"\nclient_auth = \"client_secret_post\"\n[token]\nparams_in = \"json\"\n[errors]\nerror = \"id\"\ndescription = \"message\"\n",
    )
    .unwrap();
    let json_path = dir.join("acme.json");
    std::fs::write(&json_path, r#"{"name":"acme-json","client_auth":"client_secret_post","token":{"params_in":"json"},"errors":{"error":"id","description":"message"}}"#).unwrap();
    for path in [&toml_path, &json_path] {
        let c = Client::new(
            OAuthClient::builder(clients::DESKO_CLIENT_ID)
                .client_secret(clients::DESKO_CLIENT_SECRET)
                .profile(Profile::load(path.to_str().unwrap()).unwrap())
                .token_url(format!("{}/desko/v1.1/oauth/token", srv.url()))
                .build()
                .unwrap(),
        )
        .unwrap();
        c.client_credentials(None).await.unwrap();
    }
    // Without the profile (form body), the same server refuses the request: the file changed the behaviour.
    let plain = Client::new(
        OAuthClient::builder(clients::DESKO_CLIENT_ID)
            .client_secret(clients::DESKO_CLIENT_SECRET)
            .token_url(format!("{}/desko/v1.1/oauth/token", srv.url()))
            .build()
            .unwrap(),
    )
    .unwrap();
    assert!(plain.client_credentials(None).await.is_err());
    // A typo in a profile file names the field and the file.
    std::fs::write(
        dir.join("typo.toml"),
        "name = \"t\"\n[token]\nparams = \"json\"\n",
    )
    .unwrap();
    let err = Profile::load(dir.join("typo.toml").to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(err.contains("params") && err.contains("typo.toml"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}
