//! Authorization code grant against oidc-provider, end to end: the URL
//! oauth2kit builds, a real login and consent, the redirect back checked for
//! `state` and `iss` (RFC 9207), the code exchange with PKCE S256, refresh.
//!
//! Not here, because oidc-provider does not offer them: the resource owner
//! password grant (removed from its grant types, as OAuth 2.1 does) and the
//! implicit grant (only `response_type=id_token token` in OpenID Connect
//! mode, never the OAuth 2.0 `response_type=token`). Both are tested against
//! the devserver.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use oauth2kit::{AuthorizeOptions, Error, ErrorCode, Secret};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

fn query(url: &str) -> Vec<(String, String)> {
    url::Url::parse(url)
        .map(|u| u.query_pairs().into_owned().collect())
        .unwrap_or_default()
}

fn param(url: &str, name: &str) -> Option<String> {
    query(url)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

#[test]
fn code_pkce_state_and_iss_for_every_client_kind() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in Registered::ALL {
        let client = reg.client(&meta)?;
        let request = client.authorization_url(AuthorizeOptions {
            scope: Some("openid read".into()),
            ..Default::default()
        })?;
        // What oauth2kit sends: PKCE S256 and an unguessable state by default.
        assert_eq!(
            param(request.url.as_str(), "code_challenge_method").as_deref(),
            Some("S256")
        );
        assert!(param(request.url.as_str(), "state").is_some_and(|s| s.len() >= 32));
        // The server advertises RFC 9207, so the redirect must carry `iss`.
        assert!(
            request.pending.require_issuer,
            "{reg:?}: metadata says iss is supported"
        );

        let redirect = Browser::new()?.authorize(request.url.as_str())?;
        assert!(
            redirect.starts_with("http://127.0.0.1/callback?"),
            "{reg:?}: {redirect}"
        );
        assert_eq!(
            param(&redirect, "iss").as_deref(),
            Some(peer.issuer()),
            "{reg:?}"
        );

        let tokens = client.exchange_redirect(&request.pending, &redirect)?;
        assert!(!tokens.access_token.expose().is_empty(), "{reg:?}");
        assert!(
            tokens.is_bearer(),
            "{reg:?}: token_type {:?}",
            tokens.token_type
        );
        assert!(
            tokens
                .expires_in()
                .is_some_and(|d| d.as_secs() > 0 && d.as_secs() <= 600),
            "{reg:?}"
        );
        assert!(
            tokens.id_token.is_some(),
            "{reg:?}: openid scope gives an ID token"
        );
        assert!(
            tokens.refresh_token.is_some(),
            "{reg:?}: server.mjs issues refresh tokens"
        );
    }
    Ok(())
}

#[test]
fn a_code_is_accepted_once() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;
    let request = client.authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    client.exchange_redirect(&request.pending, &redirect)?;

    let replay = client
        .exchange_redirect(&request.pending, &redirect)
        .unwrap_err();
    assert_eq!(replay.code(), ErrorCode::OAuth, "{replay}");
    let oauth = replay.oauth().expect("an OAuth error body");
    assert_eq!(oauth.error, "invalid_grant");
    assert_eq!(oauth.status, Some(400));
    Ok(())
}

#[test]
fn a_wrong_verifier_or_a_made_up_code_is_invalid_grant() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Post.client(&discover(peer.issuer())?)?;

    let request = client.authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let mut tampered = request.pending.clone();
    tampered.code_verifier = Some(Secret::new("x".repeat(64)));
    let err = client.exchange_redirect(&tampered, &redirect).unwrap_err();
    assert_eq!(
        err.oauth().map(|e| e.error.as_str()),
        Some("invalid_grant"),
        "{err}"
    );

    let made_up = client
        .exchange_code(&request.pending, "not-a-code-this-server-issued")
        .unwrap_err();
    assert!(
        matches!(&made_up, Error::OAuth(e) if e.error == "invalid_grant" && e.status == Some(400)),
        "{made_up:?}"
    );
    Ok(())
}

#[test]
fn public_client_must_use_pkce() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Public.client(&discover(peer.issuer())?)?;
    // Without PKCE the server refuses at the front channel and says so in the redirect.
    let request = client.authorization_url(AuthorizeOptions {
        pkce: Some(None),
        ..Default::default()
    })?;
    assert!(!request.url.as_str().contains("code_challenge"));
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let err = client
        .exchange_redirect(&request.pending, &redirect)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::OAuth, "{err}");
    assert_eq!(
        err.oauth().map(|e| e.error.as_str()),
        Some("invalid_request"),
        "{err}"
    );
    Ok(())
}

#[test]
fn denial_state_and_issuer_checks() -> R {
    let peer = OidcProvider::shared()?;
    let client = Registered::Basic.client(&discover(peer.issuer())?)?;

    // The user refuses: the server's error redirect becomes a typed error.
    let request = client.authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.deny(request.url.as_str())?;
    let err = client
        .exchange_redirect(&request.pending, &redirect)
        .unwrap_err();
    let oauth = err.oauth().expect("an OAuth error");
    assert_eq!(oauth.error, "access_denied", "{err}");
    assert_eq!(
        oauth.description.as_deref(),
        Some("End-User aborted interaction"),
        "{err}"
    );

    // A real redirect presented to another request (CSRF): state mismatch,
    // and the code is not sent anywhere.
    let first = client.authorization_url(AuthorizeOptions::default())?;
    let second = client.authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(first.url.as_str())?;
    let err = client
        .exchange_redirect(&second.pending, &redirect)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::StateMismatch, "{err}");

    // The same redirect with `iss` removed or replaced (mix-up attack, RFC 9207).
    let without_iss: Vec<(String, String)> = query(&redirect)
        .into_iter()
        .filter(|(k, _)| k != "iss")
        .collect();
    let stripped = format!(
        "http://127.0.0.1/callback?{}",
        url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&without_iss)
            .finish()
    );
    let err = client
        .exchange_redirect(&first.pending, &stripped)
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::IssuerMismatch, "{err}");
    let forged = format!(
        "{stripped}&iss={}",
        url::form_urlencoded::byte_serialize(b"http://127.0.0.1:1").collect::<String>()
    );
    let err = client
        .exchange_redirect(&first.pending, &forged)
        .unwrap_err();
    assert!(
        matches!(&err, Error::IssuerMismatch { actual: Some(a), .. } if a == "http://127.0.0.1:1"),
        "{err:?}"
    );

    // The untouched redirect still works: the checks above did not spend the code.
    client.exchange_redirect(&first.pending, &redirect)?;
    Ok(())
}

#[test]
fn refresh_gives_new_access_token_and_rejects_revoked_grant() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    for reg in [
        Registered::Basic,
        Registered::Public,
        Registered::PrivateKeyJwt,
    ] {
        let client = reg.client(&meta)?;
        let request = client.authorization_url(AuthorizeOptions {
            scope: Some("openid read".into()),
            ..Default::default()
        })?;
        let tokens = client.exchange_redirect(
            &request.pending,
            &Browser::new()?.authorize(request.url.as_str())?,
        )?;
        let refresh = tokens.refresh_token.clone().expect("a refresh token");

        let refreshed = client.refresh(&refresh, None)?;
        assert_ne!(
            refreshed.access_token.expose(),
            tokens.access_token.expose(),
            "{reg:?}"
        );
        assert!(
            refreshed.refresh_token.is_some(),
            "{reg:?}: rotated or kept"
        );
        // A narrower scope may be asked for (RFC 6749 §6).
        let narrower = client.refresh(
            refreshed.refresh_token.as_ref().unwrap_or(&refresh),
            Some("openid"),
        )?;
        assert_eq!(narrower.scope.as_deref(), Some("openid"), "{reg:?}");

        // A refresh token the server does not know means: sign in again.
        let err = client
            .refresh(&Secret::new("not-a-refresh-token"), None)
            .unwrap_err();
        assert_eq!(
            err.code(),
            ErrorCode::ReauthorizationRequired,
            "{reg:?}: {err}"
        );
        assert_eq!(err.oauth().map(|e| e.error.as_str()), Some("invalid_grant"));
    }
    Ok(())
}
