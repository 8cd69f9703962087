//! Client credentials grant with every client authentication method
//! oidc-provider checks independently: `client_secret_basic` (RFC 6749
//! §2.3.1 form-urlencoding of a secret with `+/&=:%` and a space),
//! `client_secret_post`, `client_secret_jwt` and `private_key_jwt`
//! (RFC 7523), and the errors when the credentials are wrong.
//!
//! oidc-provider accepts basic and post for any client that has a secret, so
//! it cannot notice the wrong one of those two being used; the devserver,
//! which enforces the registered method, tests that.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use oauth2kit::blocking::Client;
use oauth2kit::{AuthMethod, Error, ErrorCode, Grant, SigningKey};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{HarnessError, OidcProvider, devserver_key};

type R = Result<(), HarnessError>;

#[test]
fn every_confidential_client_gets_a_token_with_its_registered_method() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in [
        Registered::Basic,
        Registered::Post,
        Registered::SecretJwt,
        Registered::PrivateKeyJwt,
    ] {
        let client = reg.client(&meta)?;
        assert_eq!(client.oauth().auth_method(), reg.auth_method());
        let tokens = client.client_credentials(Some("read write"))?;
        assert!(!tokens.access_token.expose().is_empty(), "{reg:?}");
        assert!(tokens.is_bearer(), "{reg:?}");
        assert_eq!(tokens.scope.as_deref(), Some("read write"), "{reg:?}");
        assert!(
            tokens.expires_in().is_some_and(|d| d.as_secs() > 500),
            "{reg:?}: ttl 600 s"
        );
        assert!(
            tokens.refresh_token.is_none(),
            "{reg:?}: client credentials never give a refresh token"
        );
        // The token is real: the server recognises it as this client's.
        let info = client.introspect(tokens.access_token.expose(), None)?;
        assert!(info.active, "{reg:?}");
        assert_eq!(info.client_id.as_deref(), Some(reg.client_id()), "{reg:?}");
    }
    Ok(())
}

#[test]
fn wrong_secret_is_invalid_client_401() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in [Registered::Basic, Registered::Post, Registered::SecretJwt] {
        let client = Client::new(
            reg.builder(&meta)?
                .client_secret("wrong-secret-of-32-bytes-or-more!!")
                .build()?,
        )?;
        let err = client.client_credentials(None).unwrap_err();
        assert_eq!(err.code(), ErrorCode::OAuth, "{reg:?}: {err}");
        assert_eq!(err.status(), Some(401), "{reg:?}");
        let oauth = err.oauth().expect("an OAuth error");
        assert_eq!(oauth.error, "invalid_client", "{reg:?}");
        // The message names the error, never the secret it was given.
        assert!(!err.to_string().contains("wrong-secret"), "{reg:?}: {err}");
        assert!(!format!("{err:?}").contains("wrong-secret"), "{reg:?}");
        assert!(!err.is_transient(), "{reg:?}");
    }
    Ok(())
}

#[test]
fn assertion_signed_with_another_key_is_invalid_client() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    // A valid RS256 signature, by a key the server has not registered for rsa-client.
    let other = SigningKey::from_pem(&devserver_key("server-rs256.pem")?)?;
    let client = Client::new(
        Registered::PrivateKeyJwt
            .builder(&meta)?
            .private_key(other)
            .build()?,
    )?;
    let err = client.client_credentials(None).unwrap_err();
    assert!(
        matches!(&err, Error::OAuth(e) if e.error == "invalid_client" && e.status == Some(401)),
        "{err:?}"
    );

    // The right key but addressed to another audience.
    let client = Client::new(
        Registered::PrivateKeyJwt
            .builder(&meta)?
            .assertion_audience("https://elsewhere.example")
            .build()?,
    )?;
    let err = client.client_credentials(None).unwrap_err();
    assert_eq!(
        err.oauth().map(|e| e.error.as_str()),
        Some("invalid_client"),
        "{err}"
    );
    Ok(())
}

#[test]
fn unknown_client_and_public_client_are_refused() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let stranger = Client::new(
        oauth2kit::OAuthClient::builder("no-such-client")
            .client_secret("x")
            .metadata(meta.clone())
            .build()?,
    )?;
    let err = stranger.client_credentials(None).unwrap_err();
    assert_eq!(
        err.oauth().map(|e| (e.error.as_str(), e.status)),
        Some(("invalid_client", Some(401))),
        "{err}"
    );

    // A public client is not registered for client credentials. RFC 6749
    // §5.2 suggests `unauthorized_client`; oidc-provider answers
    // `invalid_request` ("requested grant type is not allowed for this
    // client"). Either way a typed OAuth error with the server's words.
    let public = Registered::Public.client(&meta)?;
    assert_eq!(public.oauth().auth_method(), AuthMethod::None);
    let err = public.client_credentials(None).unwrap_err();
    assert_eq!(err.code(), ErrorCode::OAuth, "{err}");
    assert_eq!(err.status(), Some(400), "{err}");
    let oauth = err.oauth().expect("an OAuth error");
    assert!(
        ["unauthorized_client", "invalid_request"].contains(&oauth.error.as_str()),
        "{err}"
    );
    assert!(
        oauth
            .description
            .as_deref()
            .is_some_and(|d| d.contains("grant type")),
        "{err}"
    );
    Ok(())
}

#[test]
fn granted_scope_narrower_than_asked_is_reported() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Post.client(&discover(peer.issuer())?)?;
    // oidc-provider drops scopes it does not know from a client credentials
    // request instead of failing (RFC 6749 §3.3 lets it); the answer's
    // `scope` says what was granted, and that is what oauth2kit reports.
    let tokens = client.client_credentials(Some("read admin"))?;
    assert_eq!(tokens.scope.as_deref(), Some("read"));
    let info = client.introspect(tokens.access_token.expose(), None)?;
    assert_eq!(info.scope.as_deref(), Some("read"));
    Ok(())
}

#[test]
fn resource_indicator_yields_a_jwt_access_token() -> R {
    use base64::Engine;
    let peer = OidcProvider::shared()?;
    // RFC 8707 `resource`, configured once on the client.
    let client = oauth2kit::blocking::Client::new(
        Registered::Basic
            .builder(&discover(peer.issuer())?)?
            .resource("urn:oauth2kit:api")
            .build()?,
    )?;
    let grant = Grant::client_credentials(Some("read"));
    let tokens = client.request_token(&grant)?;
    assert!(
        client
            .oauth()
            .token_request(&grant)?
            .body_text()
            .contains("resource=urn%3Aoauth2kit%3Aapi")
    );
    let jwt = tokens.access_token.expose();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a JWT access token (RFC 9068)");
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(parts[1])
            .map_err(|e| HarnessError::Flow(e.to_string()))?,
    )
    .map_err(|e| HarnessError::Flow(e.to_string()))?;
    assert_eq!(claims["aud"], "urn:oauth2kit:api");
    assert_eq!(claims["client_id"], "basic-client");
    assert_eq!(claims["iss"], peer.issuer());
    // oauth2kit reads the expiry from the answer and agrees with the token's `exp`.
    let exp = claims["exp"].as_u64().unwrap_or_default();
    let at = tokens
        .expires_at
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs())
        .unwrap_or_default();
    assert!(exp.abs_diff(at) <= 2, "exp {exp} vs expires_at {at}");

    let err = client
        .request_token(&Grant::extension(
            "client_credentials",
            [("resource", "urn:not:registered")],
        ))
        .unwrap_err();
    assert_eq!(
        err.oauth().map(|e| e.error.as_str()),
        Some("invalid_target"),
        "{err}"
    );
    Ok(())
}
