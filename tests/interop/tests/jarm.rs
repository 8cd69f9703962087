//! JARM (JWT Secured Authorization Response Mode) against oidc-provider
//! (`features.jwtResponseModes` in server.mjs): the response comes back as a
//! JWT signed with the provider's key, which oauth2kit checks with the
//! provider's JWKS (from discovery) before the code is used. A tampered, a
//! stripped (downgraded) or another client's response is refused, and the
//! genuine code is still unused afterwards: the refusal came first.
//!
//! Only the redirect modes here (`jwt`, `query.jwt`, `fragment.jwt`): the
//! test browser does not post oidc-provider's `form_post` page to the
//! (absent) redirect URI; `form_post.jwt` is tested against the devserver.

// `unwrap_err()` states the expected failure; a panic is the test failing.
#![allow(clippy::unwrap_used)]

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2kit::blocking::Client;
use oauth2kit::{AuthorizeOptions, Error, ServerMetadata};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

type R = Result<(), HarnessError>;

fn jarm_client(reg: Registered, meta: &ServerMetadata, mode: &str) -> Result<Client, HarnessError> {
    Ok(Client::new(
        reg.builder(meta)?.response_mode(mode).build()?,
    )?)
}

/// The JARM check an exchange failed, or a panic naming what happened instead.
#[track_caller]
fn refused<T: std::fmt::Debug>(result: oauth2kit::Result<T>) -> String {
    match result {
        Err(Error::InvalidJarmResponse { check, .. }) => check,
        other => panic!("expected a refused JARM response, got {other:?}"),
    }
}

#[test]
fn the_code_flow_with_jwt_query_jwt_and_fragment_jwt() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let modes = meta.extra["response_modes_supported"].to_string();
    assert!(
        modes.contains("\"query.jwt\"") && modes.contains("\"fragment.jwt\""),
        "{modes}"
    );
    for (mode, mark) in [
        ("jwt", "/callback?response=ey"),
        ("query.jwt", "/callback?response=ey"),
        ("fragment.jwt", "/callback#response=ey"),
    ] {
        let client = jarm_client(Registered::Basic, &meta, mode)?;
        let request = client.authorization_url(AuthorizeOptions {
            scope: Some("openid read".into()),
            ..Default::default()
        })?;
        let redirect = Browser::new()?.authorize(request.url.as_str())?;
        assert!(redirect.contains(mark), "{mode}: {redirect}");
        assert!(!redirect.contains("code="), "{mode}: {redirect}");
        let tokens = client.exchange_redirect(&request.pending, &redirect)?;
        assert!(!tokens.access_token.expose().is_empty(), "{mode}");
        assert!(
            tokens.id_token_claims().is_some(),
            "{mode}: the ID token was validated too"
        );
    }
    Ok(())
}

#[test]
fn tampered_stripped_and_foreign_responses_are_refused_before_the_code_is_used() -> R {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let client = jarm_client(Registered::Basic, &meta, "query.jwt")?;

    // Tampered: the provider's signature over other claims.
    let request = client.authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let jwt = redirect.split_once("response=").unwrap().1.to_string();
    let parts: Vec<&str> = jwt.split('.').collect();
    assert_eq!(parts.len(), 3, "a signed JWT");
    let mut claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["iss"], peer.issuer());
    assert_eq!(claims["aud"], "basic-client");
    claims["code"] = "made-up-code".into();
    let tampered = format!(
        "http://127.0.0.1/callback?response={}.{}.{}",
        parts[0],
        URL_SAFE_NO_PAD.encode(claims.to_string()),
        parts[2]
    );
    assert_eq!(
        refused(client.exchange_redirect(&request.pending, &tampered)),
        "signature"
    );
    // Unsigned.
    let none = format!(
        "http://127.0.0.1/callback?response={}.{}.",
        URL_SAFE_NO_PAD.encode(r#"{"alg":"none"}"#),
        parts[1]
    );
    assert_eq!(
        refused(client.exchange_redirect(&request.pending, &none)),
        "alg"
    );
    // Another client's: post-client's request, and its JARM response, read as basic-client's.
    let post = jarm_client(Registered::Post, &meta, "query.jwt")?;
    let theirs = post.authorization_url(AuthorizeOptions::default())?;
    let their_redirect = Browser::new()?.authorize(theirs.url.as_str())?;
    assert_eq!(
        refused(client.exchange_redirect(&theirs.pending, &their_redirect)),
        "aud"
    );
    // The genuine response still works: its code was never sent.
    client.exchange_redirect(&request.pending, &redirect)?;

    // Stripped: response_mode removed from the URL on its way through the
    // browser; the provider answers in plain, which the client refuses.
    let request = client.authorization_url(AuthorizeOptions::default())?;
    let mut stripped = request.url.clone();
    let pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .into_owned()
        .filter(|(k, _)| k != "response_mode")
        .collect();
    stripped.query_pairs_mut().clear().extend_pairs(pairs);
    let plain = Browser::new()?.authorize(stripped.as_str())?;
    assert!(plain.contains("code="), "{plain}");
    assert_eq!(
        refused(client.exchange_redirect(&request.pending, &plain)),
        "downgrade"
    );
    // That code too is unused: the plain client of the same registration redeems it.
    let mut unprotected = request.pending.clone();
    unprotected.response_mode = None;
    Registered::Basic
        .client(&meta)?
        .exchange_redirect(&unprotected, &plain)?;
    Ok(())
}
