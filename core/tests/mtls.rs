//! Mutual TLS (RFC 8705) against the devserver over HTTPS, which asks every
//! connection for a client certificate and checks it itself (rustls-webpki):
//! `tls_client_auth` (a certificate its throw-away CA issued, SAN registered)
//! and `self_signed_tls_client_auth` (the registered certificate) succeed at
//! the discovered `mtls_endpoint_aliases`; no certificate and the wrong one
//! are refused by the server (`invalid_client`); the certificate-bound token
//! (`cnf.x5t#S256`) works at `/resource` over the same certificate and is
//! refused without it or over another one.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2kit::{
    AuthMethod, Client, ClientCertificate, Error, HttpOptions, HttpRequest, Method, OAuthClient,
    ServerMetadata, TokenSet,
};
use oauth2kit_devserver::{DevServer, ThrowawayTls, clients, keys};

struct Https {
    srv: DevServer,
    tls: ThrowawayTls,
    meta: ServerMetadata,
}

async fn https() -> Https {
    let tls = ThrowawayTls::generate().unwrap();
    let srv = DevServer::spawn_tls(&tls).unwrap();
    let options = HttpOptions {
        extra_root_certificates_pem: vec![tls.ca_pem.clone()],
        ..Default::default()
    };
    let transport = oauth2kit::transport::ReqwestTransport::new(options).unwrap();
    let meta = Client::discover(&transport, &srv.url()).await.unwrap();
    Https { srv, tls, meta }
}

impl Https {
    fn ca_issued(&self) -> ClientCertificate {
        let (cert, key) = self.tls.client_certificate();
        ClientCertificate::from_pem(cert, key).unwrap()
    }

    fn options(&self, cert: Option<ClientCertificate>) -> HttpOptions {
        HttpOptions {
            extra_root_certificates_pem: vec![self.tls.ca_pem.clone()],
            client_certificate: cert,
            ..Default::default()
        }
    }

    /// A client of `id` with `method`, presenting `cert`.
    fn client(&self, id: &str, method: AuthMethod, cert: Option<ClientCertificate>) -> Client {
        let oauth = OAuthClient::builder(id)
            .metadata(self.meta.clone())
            .auth_method(method)
            .client_certificate(cert.is_some())
            .build()
            .unwrap();
        Client::with_options(oauth, self.options(cert)).unwrap()
    }

    fn resource(&self) -> HttpRequest {
        HttpRequest::new(
            Method::Get,
            url::Url::parse(&format!("{}/resource", self.srv.url())).unwrap(),
        )
    }
}

fn self_signed() -> ClientCertificate {
    ClientCertificate::from_pem(
        keys::SELF_SIGNED_CLIENT_CERT_PEM,
        keys::SELF_SIGNED_CLIENT_KEY_PEM,
    )
    .unwrap()
}

/// The `cnf` claim of a JWT access token.
fn cnf(tokens: &TokenSet) -> serde_json::Value {
    let jwt = tokens.access_token.expose();
    let payload = jwt.split('.').nth(1).unwrap();
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["cnf"].clone()
}

fn invalid_client(e: &Error) -> bool {
    matches!(e, Error::OAuth(o) if o.error == "invalid_client")
}

#[tokio::test]
async fn the_metadata_advertises_mtls_and_its_aliases() {
    let h = https().await;
    assert!(h.meta.tls_client_certificate_bound_access_tokens);
    let aliases = h.meta.mtls_endpoint_aliases.clone().unwrap();
    assert_eq!(
        aliases.token_endpoint,
        Some(format!("{}/mtls/token", h.srv.url()))
    );
    assert!(
        h.meta
            .token_endpoint_auth_methods_supported
            .iter()
            .any(|m| m == "self_signed_tls_client_auth")
    );
}

#[tokio::test]
async fn tls_client_auth_gets_a_bound_token_at_the_alias_and_uses_it_over_the_same_certificate() {
    let h = https().await;
    let cert = h.ca_issued();
    let c = h.client(
        clients::MTLS_CLIENT_ID,
        AuthMethod::TlsClientAuth,
        Some(cert.clone()),
    );
    assert!(c.oauth().uses_mtls());
    let tokens = c.client_credentials(Some("read")).await.unwrap();
    assert_eq!(tokens.token_type.as_deref(), Some("Bearer"));
    assert_eq!(h.srv.count("mtls/token"), 1, "the alias");
    assert_eq!(h.srv.count("token"), 0);
    assert_eq!(cnf(&tokens)["x5t#S256"], cert.thumbprint());

    // Introspection and revocation go to their aliases, authenticated the same way.
    let info = c
        .introspect(tokens.access_token.expose(), None)
        .await
        .unwrap();
    assert!(info.active);
    assert_eq!(info.extra["cnf"]["x5t#S256"], cert.thumbprint());
    assert_eq!(h.srv.count("mtls/introspect"), 1);

    // The bound token at the resource: over the same certificate only.
    let ok = c.send_resource(h.resource(), &tokens).await.unwrap();
    assert_eq!(ok.status, 200, "{}", String::from_utf8_lossy(&ok.body));
    let no_cert = h.client(clients::PUBLIC_CLIENT_ID, AuthMethod::None, None);
    let refused = no_cert.send_resource(h.resource(), &tokens).await.unwrap();
    assert_eq!(refused.status, 401);
    assert!(
        String::from_utf8_lossy(&refused.body).contains("invalid_token"),
        "{}",
        String::from_utf8_lossy(&refused.body)
    );
    let other = h.client(
        clients::SELF_SIGNED_CLIENT_ID,
        AuthMethod::SelfSignedTlsClientAuth,
        Some(self_signed()),
    );
    let refused = other.send_resource(h.resource(), &tokens).await.unwrap();
    assert_eq!(refused.status, 401);

    c.revoke(tokens.access_token.expose(), None).await.unwrap();
    assert_eq!(h.srv.count("mtls/revoke"), 1);
    let gone = c.send_resource(h.resource(), &tokens).await.unwrap();
    assert_eq!(gone.status, 401, "revoked");
}

#[tokio::test]
async fn self_signed_tls_client_auth_succeeds_with_the_registered_certificate() {
    let h = https().await;
    let cert = self_signed();
    let c = h.client(
        clients::SELF_SIGNED_CLIENT_ID,
        AuthMethod::SelfSignedTlsClientAuth,
        Some(cert.clone()),
    );
    let tokens = c.client_credentials(None).await.unwrap();
    assert_eq!(cnf(&tokens)["x5t#S256"], cert.thumbprint());
    let ok = c.send_resource(h.resource(), &tokens).await.unwrap();
    assert_eq!(ok.status, 200);
    // The CA-issued certificate is not this client's.
    let wrong = h.client(
        clients::SELF_SIGNED_CLIENT_ID,
        AuthMethod::SelfSignedTlsClientAuth,
        Some(h.ca_issued()),
    );
    let e = wrong.client_credentials(None).await.unwrap_err();
    assert!(invalid_client(&e), "{e:?}");
    assert!(e.to_string().contains("not the registered one"), "{e}");
}

#[tokio::test]
async fn no_certificate_or_the_wrong_one_is_refused_by_the_server() {
    let h = https().await;
    // Sending only client_id (as `none` does) without a certificate: the server refuses.
    let bare = h.client(clients::MTLS_CLIENT_ID, AuthMethod::None, None);
    let e = bare.client_credentials(None).await.unwrap_err();
    assert!(invalid_client(&e), "{e:?}");
    assert!(e.to_string().contains("no client certificate"), "{e}");
    // A certificate its CA did not issue (the self-signed one).
    let wrong = h.client(
        clients::MTLS_CLIENT_ID,
        AuthMethod::TlsClientAuth,
        Some(self_signed()),
    );
    let e = wrong.client_credentials(None).await.unwrap_err();
    assert!(invalid_client(&e), "{e:?}");
    assert!(e.to_string().contains("not one the CA issued"), "{e}");
    // The right certificate for another client's id.
    let other = h.client(
        clients::SELF_SIGNED_CLIENT_ID,
        AuthMethod::SelfSignedTlsClientAuth,
        Some(h.ca_issued()),
    );
    assert!(invalid_client(
        &other.client_credentials(None).await.unwrap_err()
    ));
    // Without a certificate the client has no reason to use the aliases.
    assert_eq!(h.srv.count("token"), 1);
    assert_eq!(h.srv.count("mtls/token"), 2);
}

#[tokio::test]
async fn the_client_refuses_what_cannot_work_before_sending() {
    let h = https().await;
    // An mTLS method needs a certificate: at build time, and in the transport.
    let e = OAuthClient::builder(clients::MTLS_CLIENT_ID)
        .metadata(h.meta.clone())
        .auth_method(AuthMethod::TlsClientAuth)
        .build()
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    let oauth = OAuthClient::builder(clients::MTLS_CLIENT_ID)
        .metadata(h.meta.clone())
        .auth_method(AuthMethod::TlsClientAuth)
        .client_certificate(true)
        .build()
        .unwrap();
    let e = Client::with_options(oauth, h.options(None)).unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    // A key that is not the certificate's.
    let (cert, _) = h.tls.client_certificate();
    let e = ClientCertificate::from_pem(cert, keys::SELF_SIGNED_CLIENT_KEY_PEM).unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e:?}");
    assert!(e.to_string().contains("does not belong"), "{e}");
    assert!(!e.to_string().contains("PRIVATE KEY"), "{e}");
    // The key stays out of Debug output.
    let debug = format!("{:?}", self_signed());
    assert!(!debug.contains("PRIVATE"), "{debug}");
    assert_eq!(h.srv.count("mtls/token") + h.srv.count("token"), 0);
}

#[tokio::test]
async fn a_certificate_with_another_method_binds_the_token_too() {
    // A client that authenticates otherwise but presents a certificate uses the
    // aliases (the server binds tokens), and gets a token bound to the certificate
    // the connection showed.
    let h = https().await;
    let cert = h.ca_issued();
    let c = h.client(
        clients::PUBLIC_CLIENT_ID,
        AuthMethod::None,
        Some(cert.clone()),
    );
    assert!(c.oauth().uses_mtls());
    let e = c.client_credentials(None).await.unwrap_err();
    // The public client may not use client credentials; it still went to the alias.
    assert!(matches!(e, Error::OAuth(_)), "{e:?}");
    assert_eq!(h.srv.count("mtls/token"), 1);
    let basic = OAuthClient::builder(clients::BASIC_CLIENT_ID)
        .metadata(h.meta.clone())
        .client_secret(clients::BASIC_CLIENT_SECRET)
        .client_certificate(true)
        .build()
        .unwrap();
    let c = Client::with_options(basic, h.options(Some(cert.clone()))).unwrap();
    let tokens = c.client_credentials(None).await.unwrap();
    assert_eq!(cnf(&tokens)["x5t#S256"], cert.thumbprint());
    assert_eq!(h.srv.count("mtls/token"), 2);
    assert_eq!(
        c.send_resource(h.resource(), &tokens).await.unwrap().status,
        200
    );
}

#[tokio::test]
async fn the_fapi2_preset_signs_in_with_mtls_for_authentication_and_binding() {
    let h = https().await;
    let cert = h.ca_issued();
    let oauth = OAuthClient::builder(clients::MTLS_CLIENT_ID)
        .metadata(h.meta.clone())
        .redirect_uri(clients::REDIRECT_LOOPBACK)
        .client_certificate(true)
        .fapi2(true)
        .build()
        .unwrap();
    assert_eq!(oauth.auth_method(), AuthMethod::TlsClientAuth);
    assert!(
        oauth.dpop_key().is_none(),
        "the certificate binds the tokens"
    );
    let c = Client::with_options(oauth, h.options(Some(cert.clone()))).unwrap();
    let request = c
        .pushed_authorization_url(oauth2kit::AuthorizeOptions::default())
        .await
        .unwrap();
    assert_eq!(h.srv.count("mtls/par"), 1, "PAR at its alias");
    assert_eq!(h.srv.count("par"), 0);
    // The browser's visit (the authorization endpoint has no alias).
    let visit = c
        .send(HttpRequest::new(Method::Get, request.url.clone()))
        .await
        .unwrap();
    assert_eq!(visit.status, 302);
    let redirect = visit.header("location").unwrap().to_string();
    assert!(redirect.contains("iss="), "{redirect}");
    let tokens = c
        .exchange_redirect(&request.pending, &redirect)
        .await
        .unwrap();
    assert!(tokens.is_bearer() && tokens.dpop_key().is_none());
    assert_eq!(cnf(&tokens)["x5t#S256"], cert.thumbprint());
    assert_eq!(h.srv.count("mtls/token"), 1);
    assert_eq!(
        c.send_resource(h.resource(), &tokens).await.unwrap().status,
        200
    );
    let bare = h.client(clients::PUBLIC_CLIENT_ID, AuthMethod::None, None);
    assert_eq!(
        bare.send_resource(h.resource(), &tokens)
            .await
            .unwrap()
            .status,
        401
    );
}

/// The client key never shows: not in the certificate's `Debug`, not in the
/// transport options' `Debug`, not in a client's.
#[test]
fn the_client_key_stays_out_of_debug_output() {
    let key_lines: Vec<&str> = keys::SELF_SIGNED_CLIENT_KEY_PEM
        .lines()
        .filter(|l| l.len() >= 16 && !l.starts_with("-----"))
        .collect();
    assert!(!key_lines.is_empty());
    let cert = self_signed();
    let options = HttpOptions {
        client_certificate: Some(cert.clone()),
        ..Default::default()
    };
    let oauth = OAuthClient::builder(clients::SELF_SIGNED_CLIENT_ID)
        .token_url("https://as.example/token")
        .auth_method(AuthMethod::SelfSignedTlsClientAuth)
        .client_certificate(true)
        .build()
        .unwrap();
    let client = Client::with_options(oauth, options.clone()).unwrap();
    for shown in [
        format!("{cert:?}"),
        format!("{options:?}"),
        format!("{client:?}"),
    ] {
        for line in &key_lines {
            assert!(!shown.contains(line), "key material in {shown}");
        }
    }
    assert!(format!("{cert:?}").contains(cert.thumbprint()));
}
