//! Every row of the Keycloak suite from Rust, through the public oauth2kit
//! API (blocking facade), against the realm `provision.py` made. Keycloak
//! is running already (`keycloak.sh`); a missing fixtures file fails here.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use oauth2kit::blocking::Client;
use oauth2kit::loopback::LoopbackListener;
use oauth2kit::{
    AuthMethod, AuthorizeOptions, CibaRequest, Error, PollOptions, TokenExchange, TokenTypeHint,
};
use oauth2kit_keycloak::{Fixtures, HarnessError, User};

type R = Result<(), HarnessError>;

const ACCESS_TOKEN_TYPE: &str = "urn:ietf:params:oauth:token-type:access_token";

fn unique(prefix: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}{}{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

fn oauth_error(e: &Error) -> &str {
    match e {
        Error::OAuth(o) | Error::ReauthorizationRequired(o) => &o.error,
        _ => "",
    }
}

#[test]
fn discovery_finds_every_endpoint_the_suite_uses() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    assert_eq!(meta.issuer, fx.issuer());
    let base = format!("{}/protocol/openid-connect", fx.issuer());
    assert_eq!(
        meta.token_endpoint.as_deref(),
        Some(&*format!("{base}/token"))
    );
    for (name, ep) in [
        ("authorization", &meta.authorization_endpoint),
        ("device", &meta.device_authorization_endpoint),
        ("introspection", &meta.introspection_endpoint),
        ("revocation", &meta.revocation_endpoint),
        ("userinfo", &meta.userinfo_endpoint),
        ("jwks", &meta.jwks_uri),
        ("par", &meta.pushed_authorization_request_endpoint),
        ("ciba", &meta.backchannel_authentication_endpoint),
    ] {
        let ep = ep.as_deref().unwrap_or_default();
        assert!(ep.starts_with(&fx.issuer()), "{name}: {ep:?}");
    }
    Ok(())
}

#[test]
fn client_credentials_with_every_client_authentication() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    for (kind, method) in [
        ("basic", AuthMethod::ClientSecretBasic),
        ("post", AuthMethod::ClientSecretPost),
        ("jwt_secret", AuthMethod::ClientSecretJwt),
        ("rsa", AuthMethod::PrivateKeyJwt),
        ("ec", AuthMethod::PrivateKeyJwt),
    ] {
        let client = Client::new(fx.builder(kind, &meta)?.auth_method(method).build()?)?;
        assert_eq!(client.oauth().auth_method(), method, "{kind}");
        let tokens = client.client_credentials(None)?;
        assert!(!tokens.access_token.expose().is_empty(), "{kind}");
        assert_eq!(tokens.token_type.as_deref(), Some("Bearer"), "{kind}");
        let info = client.introspect(tokens.access_token.expose(), None)?;
        assert!(info.active, "{kind}");
        assert_eq!(
            info.client_id.as_deref(),
            Some(&*fx.client_id(kind)),
            "{kind}"
        );
    }
    Ok(())
}

/// The basic client's secret is `basic secret+/&=:%`: Keycloak decodes the
/// Basic header as RFC 6749 §2.3.1 says, so only the form-urlencoded
/// credentials get in, and a wrong secret is `invalid_client`.
#[test]
fn basic_secret_needing_form_urlencoding_and_a_wrong_one() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    assert!(fx.secret("basic").unwrap().contains("+/&=:%"));
    let good = fx.client("basic", &meta)?;
    assert_eq!(good.oauth().auth_method(), AuthMethod::ClientSecretBasic);
    good.client_credentials(None)?;
    let bad = Client::new(
        fx.builder("basic", &meta)?
            .client_secret("Xq7-not-the-secret")
            .build()?,
    )?;
    let err = bad.client_credentials(None).unwrap_err();
    assert_eq!(oauth_error(&err), "unauthorized_client", "{err:?}");
    assert!(
        !format!("{err:?}{err}").contains("Xq7"),
        "no secret in errors"
    );
    Ok(())
}

#[test]
fn resource_owner_password() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("basic", &meta)?;
    let (user, password) = fx.user();
    let tokens = client.password(&user, &password, Some("openid"))?;
    assert!(tokens.refresh_token.is_some());
    let claims = tokens.id_token_claims().expect("validated ID token");
    assert_eq!(claims["preferred_username"], user.as_str());
    let err = client.password(&user, "wrong-pw", None).unwrap_err();
    assert_eq!(oauth_error(&err), "invalid_grant", "{err:?}");
    Ok(())
}

/// Authorization code + PKCE (S256) for a confidential client; the ID token
/// is validated by the core (signature from the JWKS, iss, aud, nonce,
/// at_hash…), userinfo is checked against it, and a refresh keeps validating.
#[test]
fn authorization_code_confidential_with_id_token_and_userinfo() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("basic", &meta)?;
    let request = client.authorization_url(AuthorizeOptions {
        scope: Some("openid profile email".into()),
        ..Default::default()
    })?;
    assert!(request.url.as_str().contains("code_challenge_method=S256"));
    let redirect = User::new(&fx)?.authorize(request.url.as_str())?;
    assert!(redirect.starts_with(&fx.web_redirect_uri()), "{redirect}");
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    let claims = tokens.id_token_claims().expect("validated ID token");
    assert_eq!(claims["iss"], fx.issuer().as_str());
    assert_eq!(claims["azp"], fx.client_id("basic").as_str());
    assert!(claims.contains_key("nonce"));
    let info = client.userinfo(&tokens)?;
    assert_eq!(info["sub"], claims["sub"]);
    assert_eq!(info["email"], "alice@example.test");
    let refreshed = client.refresh_token_set(&tokens, None)?;
    assert_eq!(
        refreshed.id_token_claims().expect("ID token on refresh")["sub"],
        claims["sub"]
    );
    // The code is single-use.
    let err = client
        .exchange_redirect(&request.pending, &redirect)
        .unwrap_err();
    assert_eq!(oauth_error(&err), "invalid_grant", "{err:?}");
    Ok(())
}

/// A public (native) client: PKCE required by the client's policy, the
/// redirect received by oauth2kit's RFC 8252 loopback listener on a free port.
#[test]
fn authorization_code_public_client_with_loopback_listener() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let listener = LoopbackListener::bind("http://127.0.0.1:0/callback")?;
    let client = Client::new(
        fx.builder("public", &meta)?
            .redirect_uri(listener.redirect_uri())
            .build()?,
    )?;
    assert_eq!(client.oauth().auth_method(), AuthMethod::None);
    let request = client.authorization_url(AuthorizeOptions {
        scope: Some("openid".into()),
        ..Default::default()
    })?;
    let mut user = User::new(&fx)?;
    let url = request.url.to_string();
    let browser = std::thread::spawn(move || -> Result<(), HarnessError> {
        let redirect = user.authorize(&url)?;
        // The browser follows the redirect to the listener, as a real one would.
        assert_eq!(user.deliver(&redirect)?, 200);
        Ok(())
    });
    let redirect = listener.wait(Duration::from_secs(60))?;
    browser.join().unwrap()?;
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert!(tokens.id_token_claims().is_some());

    // Without PKCE the client's policy refuses the request on the server.
    let no_pkce = client.authorization_url(AuthorizeOptions {
        scope: Some("openid".into()),
        pkce: Some(None),
        ..Default::default()
    })?;
    let redirect = User::new(&fx)?.authorize(no_pkce.url.as_str())?;
    let err = client
        .exchange_redirect(&no_pkce.pending, &redirect)
        .unwrap_err();
    assert_eq!(oauth_error(&err), "invalid_request", "{err:?}");
    Ok(())
}

/// "Revoke refresh token" on, max reuse 0: each refresh rotates, and the
/// rotated-out token is `ReauthorizationRequired`. Keycloak then ends the
/// whole session, so the newest refresh token is refused too.
#[test]
fn refresh_rotation_and_reuse_detection() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("post", &meta)?;
    let (user, password) = fx.user();
    let first = client.password(&user, &password, None)?;
    let old = first.refresh_token.clone().unwrap();
    let second = client.refresh(&old, None)?;
    let new = second.refresh_token.clone().unwrap();
    assert_ne!(old.expose(), new.expose(), "rotated");
    let err = client.refresh(&old, None).unwrap_err();
    assert!(
        matches!(err, Error::ReauthorizationRequired(_)),
        "reuse: {err:?}"
    );
    let err = client.refresh(&new, None).unwrap_err();
    assert!(
        matches!(err, Error::ReauthorizationRequired(_)),
        "session ended by the reuse: {err:?}"
    );
    Ok(())
}

#[test]
fn device_authorization_public_and_confidential() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    for kind in ["public_device", "basic"] {
        let client = fx.client(kind, &meta)?;
        let auth = client.device_authorization(Some("openid"))?;
        assert_eq!(
            auth.interval,
            Duration::from_secs(1),
            "{kind}: the realm's interval"
        );
        let complete = auth.verification_uri_complete.clone().unwrap();
        let mut user = User::new(&fx)?;
        let approver = std::thread::spawn(move || user.approve_device(&complete));
        let tokens = client.poll_device_token(&auth, &PollOptions::default())?;
        approver.join().unwrap()?;
        assert!(tokens.id_token_claims().is_some(), "{kind}");
    }
    // Basic auth and no scope: an empty form body, sent with Content-Length: 0.
    let auth = fx.client("basic", &meta)?.device_authorization(None)?;
    assert!(!auth.user_code.is_empty());
    Ok(())
}

/// Standard token exchange (v2): the requesting client must be in the
/// subject token's audience (basic-client adds itself with a mapper); the
/// `audience` narrows the new token to target-client, `scope` is honoured.
#[test]
fn standard_token_exchange_with_audience_and_scope() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("basic", &meta)?;
    let (user, password) = fx.user();
    let subject = client.password(&user, &password, None)?;
    let mut exchange = TokenExchange::new(subject.access_token.clone(), ACCESS_TOKEN_TYPE);
    exchange.audience = vec![fx.client_id("target")];
    exchange.scope = Some("profile".into());
    let exchanged = client.token_exchange(&exchange)?;
    assert_eq!(
        exchanged
            .extra
            .get("issued_token_type")
            .and_then(|v| v.as_str()),
        Some(ACCESS_TOKEN_TYPE)
    );
    // Keycloak answers `active` only to a client in the token's audience.
    let target = fx.client("target", &meta)?;
    let info = target.introspect(exchanged.access_token.expose(), None)?;
    assert!(info.active);
    assert!(
        !client
            .introspect(exchanged.access_token.expose(), None)?
            .active
    );
    assert_eq!(info.username.as_deref(), Some(user.as_str()));
    let aud = info.aud.clone().unwrap_or_default().to_string();
    assert!(aud.contains(&fx.client_id("target")), "aud {aud}");
    assert!(info.scope.unwrap_or_default().contains("profile"));

    // A client not in the subject token's audience may not exchange it.
    let outsider = fx.client("post", &meta)?;
    let err = outsider.token_exchange(&exchange).unwrap_err();
    assert!(!oauth_error(&err).is_empty(), "{err:?}");
    Ok(())
}

/// Introspection of access and refresh tokens (Keycloak answers
/// `active: false` for a refresh token without `token_type_hint=refresh_token`),
/// then revocation of each.
#[test]
fn introspection_and_revocation_of_access_and_refresh_tokens() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("basic", &meta)?;
    let (user, password) = fx.user();
    let tokens = client.password(&user, &password, None)?;
    let access = tokens.access_token.expose().to_string();
    let refresh = tokens.refresh_token.clone().unwrap().expose().to_string();
    assert!(
        client
            .introspect(&access, Some(TokenTypeHint::AccessToken))?
            .active
    );
    assert!(
        client
            .introspect(&refresh, Some(TokenTypeHint::RefreshToken))?
            .active
    );
    // Without the hint Keycloak reads it as an access token and says inactive.
    assert!(!client.introspect(&refresh, None)?.active);

    client.revoke(&refresh, Some(TokenTypeHint::RefreshToken))?;
    assert!(
        !client
            .introspect(&refresh, Some(TokenTypeHint::RefreshToken))?
            .active
    );
    let err = client
        .refresh(&tokens.refresh_token.clone().unwrap(), None)
        .unwrap_err();
    assert!(matches!(err, Error::ReauthorizationRequired(_)), "{err:?}");

    let other = client.password(&user, &password, None)?;
    let access = other.access_token.expose().to_string();
    client.revoke(&access, Some(TokenTypeHint::AccessToken))?;
    assert!(
        !client
            .introspect(&access, Some(TokenTypeHint::AccessToken))?
            .active
    );
    Ok(())
}

#[test]
fn pushed_authorization_request_then_code() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    for kind in ["basic", "rsa"] {
        let client = fx.client(kind, &meta)?;
        let request = client.pushed_authorization_url(AuthorizeOptions {
            scope: Some("openid".into()),
            ..Default::default()
        })?;
        let url = request.url.as_str();
        assert!(url.contains("request_uri=urn"), "{kind}: {url}");
        assert!(
            !url.contains("code_challenge"),
            "{kind}: parameters stay pushed"
        );
        let redirect = User::new(&fx)?.authorize(url)?;
        let tokens = client.exchange_redirect(&request.pending, &redirect)?;
        assert!(tokens.id_token_claims().is_some(), "{kind}");
    }
    Ok(())
}

/// CIBA poll mode: Keycloak posts the request to the test authentication
/// channel; the test approves it through Keycloak's callback while oauth2kit polls.
#[test]
fn ciba_poll_mode_approved_and_refused() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = fx.client("ciba", &meta)?;
    let (user, _) = fx.user();
    for approve in [true, false] {
        let message = unique("msg");
        let auth = client.ciba_authorization(&CibaRequest {
            scope: Some("openid".into()),
            login_hint: Some(user.clone()),
            binding_message: Some(message.clone()),
            ..Default::default()
        })?;
        let fx2 = fx.clone();
        let approver =
            std::thread::spawn(move || fx2.answer_ciba(&message, approve, Duration::from_secs(30)));
        let result = client.poll_ciba_token(&auth, &PollOptions::default());
        approver.join().unwrap()?;
        if approve {
            assert!(result?.id_token_claims().is_some());
        } else {
            let err = result.unwrap_err();
            assert_eq!(oauth_error(&err), "access_denied", "{err:?}");
        }
    }
    Ok(())
}

/// DPoP (RFC 9449), Rust core only: dpop-client requires bound tokens;
/// oauth2kit sends a proof, gets `token_type: DPoP`, and presents the token
/// with a proof at userinfo and on refresh.
#[test]
fn dpop_bound_tokens_for_a_client_that_requires_them() -> R {
    let fx = Fixtures::load()?;
    let meta = fx.metadata()?;
    let client = Client::new(fx.builder("dpop", &meta)?.dpop(true).build()?)?;
    let (user, password) = fx.user();
    let tokens = client.password(&user, &password, Some("openid"))?;
    assert_eq!(tokens.token_type.as_deref(), Some("DPoP"));
    assert!(tokens.dpop_key().is_some());
    let info = client.userinfo(&tokens)?;
    assert_eq!(info["preferred_username"], user.as_str());
    let refreshed = client.refresh_token_set(&tokens, None)?;
    assert_eq!(refreshed.token_type.as_deref(), Some("DPoP"));
    let introspected = client.introspect(refreshed.access_token.expose(), None)?;
    assert!(introspected.active);
    assert!(
        introspected.extra.get("cnf").is_some(),
        "bound to a key: {:?}",
        introspected.extra.keys().collect::<Vec<_>>()
    );

    // Without DPoP the same client is refused.
    let plain = fx.client("dpop", &meta)?;
    let err = plain.password(&user, &password, None).unwrap_err();
    assert_eq!(oauth_error(&err), "invalid_request", "{err:?}");
    Ok(())
}
