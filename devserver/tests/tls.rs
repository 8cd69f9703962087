//! HTTPS with a throw-away CA: a client that trusts the CA gets the metadata
//! (with https:// endpoints); one that does not is refused at the handshake.

use oauth2kit_devserver::{DevServer, ThrowawayTls};

fn client(ca_pem: Option<&str>) -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut b = reqwest::Client::builder();
    if let Some(pem) = ca_pem {
        b = b.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes()).unwrap());
    }
    b.build().unwrap()
}

#[tokio::test]
async fn https_with_a_throwaway_ca() {
    let tls = ThrowawayTls::generate().unwrap();
    let srv = DevServer::spawn_tls(&tls).unwrap();
    let url = srv.url();
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let meta: serde_json::Value = client(Some(&tls.ca_pem))
        .get(format!("{url}/.well-known/oauth-authorization-server"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(meta["token_endpoint"], format!("{url}/token"));
    assert_eq!(srv.connections(), 1);
    let refused = client(None)
        .get(format!("{url}/.well-known/oauth-authorization-server"))
        .send()
        .await;
    assert!(refused.is_err(), "an untrusted CA was accepted");
    assert_eq!(
        srv.connections(),
        1,
        "a failed handshake is not a connection"
    );
    // Another server's CA is not this one's.
    let other = ThrowawayTls::generate().unwrap();
    assert!(
        client(Some(&other.ca_pem))
            .get(format!("{url}/.well-known/oauth-authorization-server"))
            .send()
            .await
            .is_err()
    );
}
