//! Pushed authorization requests (RFC 9126) against oidc-provider, which
//! enables PAR by default: the authorization parameters go in an
//! authenticated back-channel POST, the browser carries only `client_id` and
//! `request_uri`, and the rest of the flow is unchanged.

#![allow(clippy::unwrap_used)]

use oauth2kit::AuthorizeOptions;
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};

#[test]
fn par_then_code_exchange_for_confidential_and_public_clients() -> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    assert!(meta.pushed_authorization_request_endpoint.is_some());
    for reg in [Registered::Basic, Registered::Post, Registered::Public] {
        let client = reg.client(&meta)?;
        let request = client.pushed_authorization_url(AuthorizeOptions::default())?;
        let names: Vec<String> = request
            .url
            .query_pairs()
            .map(|(k, _)| k.into_owned())
            .collect();
        assert_eq!(
            names,
            ["client_id", "request_uri"],
            "{reg:?}: only the reference travels the front channel"
        );
        let redirect = Browser::new()?.authorize(request.url.as_str())?;
        let tokens = client.exchange_redirect(&request.pending, &redirect)?;
        assert!(!tokens.access_token.expose().is_empty(), "{reg:?}");
    }
    Ok(())
}
