//! The FAPI 2.0 preset (`fapi2`) against oidc-provider with DPoP enabled:
//! private_key_jwt, PAR, PKCE S256, `iss`, and a DPoP-bound token, in one
//! switch; what the profile forbids is refused before anything is sent.

#![allow(clippy::unwrap_used)]

use oauth2kit::{AuthorizeOptions, Error};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

#[test]
fn a_fapi2_client_signs_in_with_par_private_key_jwt_and_a_dpop_bound_token()
-> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let client = oauth2kit::blocking::Client::new(
        Registered::PrivateKeyJwt
            .builder(&meta)?
            .fapi2(true)
            .build()?,
    )?;
    assert!(client.oauth().dpop_key().is_some());
    // The plain front channel is refused.
    let e = client
        .authorization_url(AuthorizeOptions::default())
        .unwrap_err();
    assert!(
        matches!(e, Error::Config(_)) && e.to_string().contains("by PAR"),
        "{e}"
    );
    let request = client.pushed_authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    assert!(redirect.contains("iss="), "{redirect}");
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert_eq!(
        tokens.token_type.as_deref(),
        Some("DPoP"),
        "a sender-constrained token"
    );
    assert_eq!(
        tokens.dpop_key().map(|k| k.thumbprint()),
        client.oauth().dpop_key().map(|k| k.thumbprint())
    );
    // The bound token is refreshed with the same key.
    let refreshed = client.refresh_token_set(&tokens, None)?;
    assert_eq!(refreshed.token_type.as_deref(), Some("DPoP"));
    Ok(())
}

#[test]
fn a_shared_secret_client_cannot_be_fapi2() -> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let e = Registered::Basic
        .builder(&meta)?
        .fapi2(true)
        .build()
        .unwrap_err();
    assert!(
        e.to_string().contains("client_secret_basic is not allowed"),
        "{e}"
    );
    Ok(())
}
