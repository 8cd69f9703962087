//! Token introspection (RFC 7662) and revocation (RFC 7009) against
//! oidc-provider: active and inactive answers, revoked tokens reported
//! inactive, hints, and the errors of unauthenticated callers.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use oauth2kit::blocking::Client;
use oauth2kit::{AuthorizeOptions, ErrorCode, TokenTypeHint};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

#[test]
fn introspection_active_and_inactive() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in [
        Registered::Basic,
        Registered::Post,
        Registered::SecretJwt,
        Registered::PrivateKeyJwt,
    ] {
        let client = reg.client(&meta)?;
        let tokens = client.client_credentials(Some("read"))?;
        let info = client.introspect(
            tokens.access_token.expose(),
            Some(TokenTypeHint::AccessToken),
        )?;
        assert!(info.active, "{reg:?}");
        assert_eq!(info.scope.as_deref(), Some("read"), "{reg:?}");
        assert_eq!(info.client_id.as_deref(), Some(reg.client_id()), "{reg:?}");
        assert_eq!(info.iss.as_deref(), Some(peer.issuer()), "{reg:?}");
        assert!(
            info.exp.is_some_and(|e| e > info.iat.unwrap_or_default()),
            "{reg:?}"
        );

        // A token the server never issued is inactive, not an error (RFC 7662 §2.2).
        let unknown = client.introspect("never-issued-token", None)?;
        assert!(!unknown.active, "{reg:?}");
        assert_eq!(
            unknown.scope, None,
            "{reg:?}: an inactive answer carries nothing else"
        );
    }
    Ok(())
}

#[test]
fn revoked_access_token_is_inactive() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;
    let tokens = client.client_credentials(None)?;
    let other = client.client_credentials(None)?;
    assert!(
        client
            .introspect(tokens.access_token.expose(), None)?
            .active
    );

    client.revoke(
        tokens.access_token.expose(),
        Some(TokenTypeHint::AccessToken),
    )?;
    assert!(
        !client
            .introspect(tokens.access_token.expose(), None)?
            .active
    );
    // Only that token: another one of the same client is untouched.
    assert!(client.introspect(other.access_token.expose(), None)?.active);
    // Revoking again, or revoking garbage, is still a success (RFC 7009 §2.2).
    client.revoke(tokens.access_token.expose(), None)?;
    client.revoke("never-issued-token", Some(TokenTypeHint::RefreshToken))?;
    Ok(())
}

#[test]
fn revoked_refresh_token_cannot_refresh() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in [Registered::Post, Registered::Public] {
        let client = reg.client(&meta)?;
        let request = client.authorization_url(AuthorizeOptions::default())?;
        let tokens = client.exchange_redirect(
            &request.pending,
            &Browser::new()?.authorize(request.url.as_str())?,
        )?;
        let refresh = tokens.refresh_token.expect("a refresh token");
        assert!(
            client
                .introspect(refresh.expose(), Some(TokenTypeHint::RefreshToken))?
                .active,
            "{reg:?}"
        );

        client.revoke(refresh.expose(), Some(TokenTypeHint::RefreshToken))?;
        assert!(
            !client
                .introspect(refresh.expose(), Some(TokenTypeHint::RefreshToken))?
                .active,
            "{reg:?}"
        );
        let err = client.refresh(&refresh, None).unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::ReauthorizationRequired,
            "{reg:?}: {err}"
        );
    }
    Ok(())
}

#[test]
fn introspection_needs_client_authentication() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let tokens = Registered::Basic.client(&meta)?.client_credentials(None)?;
    let impostor = Client::new(
        Registered::Basic
            .builder(&meta)?
            .client_secret("not the secret")
            .build()?,
    )?;
    let err = impostor
        .introspect(tokens.access_token.expose(), None)
        .unwrap_err();
    assert_eq!(
        err.oauth().map(|e| (e.error.as_str(), e.status)),
        Some(("invalid_client", Some(401))),
        "{err}"
    );
    let err = impostor
        .revoke(tokens.access_token.expose(), None)
        .unwrap_err();
    assert_eq!(
        err.oauth().map(|e| (e.error.as_str(), e.status)),
        Some(("invalid_client", Some(401))),
        "{err}"
    );
    // The failed revocation did nothing.
    assert!(
        Registered::Basic
            .client(&meta)?
            .introspect(tokens.access_token.expose(), None)?
            .active
    );
    Ok(())
}
