//! Discovery against oidc-provider: RFC 8414 (`server.mjs` serves the
//! document at `/.well-known/oauth-authorization-server` too), OpenID
//! Connect Discovery, the fallback from one to the other for an issuer with
//! a path, and a client configured from the result alone. Also the async
//! client, which the other tests reach through the blocking facade.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use oauth2kit::discovery::{MetadataKind, metadata_request, parse_metadata};
use oauth2kit::transport::ReqwestTransport;
use oauth2kit::{Client, ErrorCode, HttpOptions, Transport};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

#[test]
fn rfc8414_and_openid_documents_agree() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let base = peer.issuer();
    assert_eq!(meta.issuer, base);
    assert_eq!(
        meta.authorization_endpoint.as_deref(),
        Some(format!("{base}/auth").as_str())
    );
    assert_eq!(
        meta.token_endpoint.as_deref(),
        Some(format!("{base}/token").as_str())
    );
    assert_eq!(
        meta.introspection_endpoint.as_deref(),
        Some(format!("{base}/token/introspection").as_str())
    );
    assert_eq!(
        meta.revocation_endpoint.as_deref(),
        Some(format!("{base}/token/revocation").as_str())
    );
    assert_eq!(
        meta.device_authorization_endpoint.as_deref(),
        Some(format!("{base}/device/auth").as_str())
    );
    assert!(meta.authorization_response_iss_parameter_supported);
    assert_eq!(meta.code_challenge_methods_supported, ["S256"]);
    for method in [
        "client_secret_basic",
        "client_secret_post",
        "client_secret_jwt",
        "private_key_jwt",
        "none",
    ] {
        assert!(
            meta.token_endpoint_auth_methods_supported
                .iter()
                .any(|m| m == method),
            "{method}"
        );
    }
    for grant in [
        "authorization_code",
        "refresh_token",
        "client_credentials",
        oauth2kit::grant::DEVICE_CODE,
    ] {
        assert!(
            meta.grant_types_supported.iter().any(|g| g == grant),
            "{grant}"
        );
    }
    // Members the struct has no field for are kept.
    assert!(meta.extra.contains_key("jwks_uri") || meta.jwks_uri.is_some());
    assert!(meta.extra.contains_key("response_types_supported"));

    // Each document on its own, through the sans-IO layer and a transport.
    let rt = oauth2kit::blocking::handle()?;
    let transport = {
        let _guard = rt.enter();
        ReqwestTransport::new(HttpOptions::default())?
    };
    let fetch = |kind| -> Result<oauth2kit::ServerMetadata, HarnessError> {
        let request = metadata_request(base, kind)?;
        let response = rt.block_on(transport.send(request))?;
        Ok(parse_metadata(&response, base)?)
    };
    let oauth = fetch(MetadataKind::OAuth)?;
    let openid = fetch(MetadataKind::OpenId)?;
    assert_eq!(oauth, openid);
    assert_eq!(oauth, meta);
    Ok(())
}

#[test]
fn issuer_with_path_falls_back_to_openid_discovery() -> R {
    let peer = OidcProvider::shared()?;
    let tenant = peer.tenant_issuer();
    // RFC 8414 §3.1 puts the well-known segment before the path:
    // /.well-known/oauth-authorization-server/tenant, which this server does
    // not serve (404), so oauth2kit must try /tenant/.well-known/openid-configuration.
    let meta = discover(&tenant)?;
    assert_eq!(meta.issuer, tenant);
    assert_eq!(meta.token_endpoint, Some(format!("{tenant}/token")));

    // And the tenant really works: a token from it, not from the main issuer.
    let client = Registered::Post.client(&meta)?;
    let tokens = client.client_credentials(None)?;
    let info = client.introspect(tokens.access_token.expose(), None)?;
    assert_eq!(info.iss.as_deref(), Some(tenant.as_str()));
    let main = Registered::Post.client(&discover(peer.issuer())?)?;
    assert!(
        !main.introspect(tokens.access_token.expose(), None)?.active,
        "issuers do not share tokens"
    );
    Ok(())
}

#[test]
fn wrong_issuer_or_nothing_there() -> R {
    let peer = OidcProvider::shared()?;
    // Metadata fetched for an issuer must name that issuer (RFC 8414 §3.3):
    // /tenant/.well-known/openid-configuration names ".../tenant", so asking
    // for ".../tenant/" is fine but for another path finds nothing.
    let err = discover(&format!("{}/nothing-here", peer.issuer())).unwrap_err();
    let HarnessError::OAuth(err) = err else {
        panic!("{err}")
    };
    assert!(
        matches!(err.code(), ErrorCode::Http | ErrorCode::OAuth),
        "{err}"
    );
    assert_eq!(err.status(), Some(404), "{err}");

    // A port with nothing listening: a transport error, promptly.
    let err = discover("http://127.0.0.1:1").unwrap_err();
    let HarnessError::OAuth(err) = err else {
        panic!("{err}")
    };
    assert_eq!(err.code(), ErrorCode::Transport, "{err}");
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn async_client_discovers_and_gets_tokens() -> R {
    let peer = tokio::task::spawn_blocking(OidcProvider::shared)
        .await
        .map_err(|e| HarnessError::Setup(e.to_string()))??;
    let transport = ReqwestTransport::new(HttpOptions::default())?;
    let meta = Client::discover(&transport, peer.issuer()).await?;
    for reg in [
        Registered::Basic,
        Registered::SecretJwt,
        Registered::PrivateKeyJwt,
    ] {
        let client = Client::new(reg.builder(&meta)?.build()?)?;
        let tokens = client.client_credentials(Some("write")).await?;
        assert_eq!(tokens.scope.as_deref(), Some("write"), "{reg:?}");
        assert!(
            client
                .introspect(tokens.access_token.expose(), None)
                .await?
                .active,
            "{reg:?}"
        );
        client.revoke(tokens.access_token.expose(), None).await?;
        assert!(
            !client
                .introspect(tokens.access_token.expose(), None)
                .await?
                .active,
            "{reg:?}"
        );
    }
    // The blocking facade refuses to be called from here instead of panicking.
    let err = Registered::Basic
        .client(&meta)
        .and_then(|c| Ok(c.client_credentials(None)?));
    match err {
        Err(HarnessError::OAuth(e)) => assert_eq!(e.code(), ErrorCode::Runtime, "{e}"),
        other => panic!("expected a runtime error, got {other:?}"),
    }
    Ok(())
}
