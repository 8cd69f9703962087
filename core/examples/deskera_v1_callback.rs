//! A web service integrating Deskera OAuth V1: Deskera calls our registered
//! `callback_uri` with `code`, `scope` and `state`; we exchange the code and
//! answer 200 once we hold the tokens, which lets Deskera send the user on.
//!
//! Run against the devserver:
//! `cargo run -p oauth2kit --example deskera_v1_callback -- http://127.0.0.1:PORT`
//! (without an argument it starts its own devserver and plays the user too).

use std::sync::Arc;

use axum::Router;
use axum::extract::{OriginalUri, State};
use axum::http::StatusCode;
use axum::routing::get;
use oauth2kit::callback::CallbackHandler;
use oauth2kit::{Client, OAuthClient, Profile};

async fn callback(
    State(handler): State<Arc<CallbackHandler>>,
    OriginalUri(uri): OriginalUri,
) -> StatusCode {
    let outcome = handler.handle(&uri.to_string()).await;
    match &outcome {
        Ok(o) => println!(
            "connected: deskera-token expires {:?}, org {:?}",
            o.tokens.expires_in(),
            o.tokens.extra_str("org")
        ),
        Err(e) => eprintln!("callback refused: {e}"),
    }
    StatusCode::from_u16(CallbackHandler::status_for(&outcome)).unwrap_or(StatusCode::BAD_GATEWAY)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let own_server = std::env::args()
        .nth(1)
        .is_none()
        .then(oauth2kit_devserver::DevServer::spawn)
        .transpose()?;
    let base = std::env::args()
        .nth(1)
        .or(own_server.as_ref().map(|s| s.url()))
        .unwrap_or_default();

    let client = Client::new(
        OAuthClient::builder("deskera-v1-client")
            .client_secret("deskera-v1-secret")
            .profile(Profile::load("deskera-v1")?)
            .base_url(format!("{base}/deskera-v1"))
            .build()?,
    )?;
    let handler = Arc::new(CallbackHandler::new(client));

    // The callback endpoint: these lines are all an integrating service needs.
    let app = Router::new()
        .route("/deskera/callback", get(callback))
        .with_state(handler.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let callback_uri = format!("http://{}/deskera/callback", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    println!("callback_uri to register with Deskera: {callback_uri}");

    let link = handler.begin(Default::default())?;
    println!("send the user to: {link}");
    if let Some(server) = &own_server {
        // Play the registration and the user.
        server.set_callback_uri("deskera-v1-client", &callback_uri);
        let status = Client::new(
            OAuthClient::builder("browser")
                .token_url(format!("{base}/token"))
                .build()?,
        )?
        .send(oauth2kit::HttpRequest::new(oauth2kit::Method::Get, link))
        .await?
        .status;
        println!("Deskera's page answered the user with HTTP {status}");
    }
    Ok(())
}
