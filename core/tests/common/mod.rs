//! Shared helpers of the integration tests: a devserver per test and clients
//! configured for its registered clients.
#![allow(dead_code)]

use oauth2kit::{
    AuthMethod, Client, HttpRequest, Method, OAuthClient, OAuthClientBuilder, SigningKey,
};
use oauth2kit_devserver::{DevServer, clients, keys};

pub fn server() -> DevServer {
    DevServer::spawn().expect("devserver starts")
}

/// A builder with every standard endpoint of the devserver.
pub fn builder(srv: &DevServer, client_id: &str) -> OAuthClientBuilder {
    let u = srv.url();
    OAuthClient::builder(client_id)
        .issuer(u.clone())
        .authorization_url(format!("{u}/authorize"))
        .token_url(format!("{u}/token"))
        .introspection_url(format!("{u}/introspect"))
        .revocation_url(format!("{u}/revoke"))
        .device_authorization_url(format!("{u}/device_authorization"))
        .backchannel_authentication_url(format!("{u}/bc-authorize"))
        .redirect_uri("http://127.0.0.1:9/callback")
}

/// A client for one of the devserver's registered clients, with its own auth method.
pub fn client(srv: &DevServer, client_id: &str) -> Client {
    let b = builder(srv, client_id);
    let b = match client_id {
        clients::BASIC_CLIENT_ID => b.client_secret(clients::BASIC_CLIENT_SECRET),
        clients::POST_CLIENT_ID => b
            .client_secret(clients::POST_CLIENT_SECRET)
            .auth_method(AuthMethod::ClientSecretPost),
        clients::JWT_SECRET_CLIENT_ID => b
            .client_secret(clients::JWT_SECRET_CLIENT_SECRET)
            .auth_method(AuthMethod::ClientSecretJwt),
        clients::RSA_CLIENT_ID => {
            b.private_key(SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM).unwrap())
        }
        clients::EC_CLIENT_ID => {
            b.private_key(SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM).unwrap())
        }
        clients::ED_CLIENT_ID => {
            b.private_key(SigningKey::from_pem(keys::ED_CLIENT_PRIVATE_PEM).unwrap())
        }
        _ => b,
    };
    Client::new(b.build().unwrap()).unwrap()
}

/// GETs the authorization URL; the status and the Location or the body (an
/// error page is not a redirect).
pub async fn visit(c: &Client, url: &url::Url) -> (u16, String) {
    let resp = c
        .send(HttpRequest::new(Method::Get, url.clone()))
        .await
        .unwrap();
    let text = resp
        .header("location")
        .map(str::to_string)
        .unwrap_or_else(|| String::from_utf8_lossy(&resp.body).into_owned());
    (resp.status, text)
}

/// Plays the browser: GETs the authorization URL and returns the redirect's `Location`.
pub async fn authorize(client: &Client, url: &url::Url) -> String {
    let resp = client
        .send(HttpRequest::new(Method::Get, url.clone()))
        .await
        .unwrap();
    assert_eq!(
        resp.status,
        302,
        "authorize answered {} {}",
        resp.status,
        String::from_utf8_lossy(&resp.body)
    );
    resp.header("location").expect("Location").to_string()
}
