//! Rich authorization requests (RFC 9396) and request objects (RFC 9101)
//! against oidc-provider with `richAuthorizationRequests` (the devserver's
//! two types) and `requestObjects` enabled: details asked with client
//! credentials, in the code flow (consented on oidc-provider's own pages) and
//! through PAR come back in the token response; an unknown type is its typed
//! error; a signed request object carries the whole authorization request.
//! oidc-provider grants details only together with a resource indicator
//! (RFC 8707), so every client here names `urn:oauth2kit:api`.

#![allow(clippy::unwrap_used)]

use oauth2kit::{AuthorizeOptions, Error};
use oauth2kit_interop::fixtures::{Registered, discover};
use oauth2kit_interop::{Browser, HarnessError, OidcProvider};
use serde_json::{Value, json};

const API: &str = "urn:oauth2kit:api";

fn payment() -> Value {
    json!([{"type": "payment_initiation", "instructedAmount": {"currency": "EUR", "amount": "42.00"}}])
}

fn account() -> Value {
    json!([{"type": "account_information", "actions": ["read_balances"]}])
}

#[test]
fn client_credentials_carry_details_and_read_back_the_grant() -> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let client = oauth2kit::blocking::Client::new(
        Registered::Basic
            .builder(&meta)?
            .resource(API)
            .authorization_details(payment().to_string())
            .build()?,
    )?;
    let tokens = client.client_credentials(None)?;
    assert_eq!(tokens.authorization_details(), Some(&payment()));
    // An unknown type: oidc-provider's typed refusal.
    let unknown = oauth2kit::blocking::Client::new(
        Registered::Basic
            .builder(&meta)?
            .resource(API)
            .authorization_details(r#"[{"type":"crypto_swap"}]"#)
            .build()?,
    )?;
    match unknown.client_credentials(None) {
        Err(Error::OAuth(o)) => assert_eq!(o.error, "invalid_authorization_details"),
        other => panic!("expected invalid_authorization_details, got {other:?}"),
    }
    Ok(())
}

#[test]
fn the_code_flow_and_par_grant_the_consented_details() -> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    let client =
        oauth2kit::blocking::Client::new(Registered::Basic.builder(&meta)?.resource(API).build()?)?;
    // A call's own details, on the front channel.
    let opts = AuthorizeOptions {
        authorization_details: Some(account()),
        ..Default::default()
    };
    let request = client.authorization_url(opts.clone())?;
    assert!(request.url.as_str().contains("authorization_details="));
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert_eq!(tokens.authorization_details(), Some(&account()));
    // The same through PAR.
    let request = client.pushed_authorization_url(opts)?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert_eq!(tokens.authorization_details(), Some(&account()));
    Ok(())
}

#[test]
fn a_signed_request_object_carries_the_authorization_request() -> Result<(), HarnessError> {
    let peer = OidcProvider::shared()?;
    let meta = discover(peer.issuer())?;
    assert_eq!(
        meta.extra.get("request_parameter_supported"),
        Some(&json!(true))
    );
    let client = oauth2kit::blocking::Client::new(
        Registered::PrivateKeyJwt
            .builder(&meta)?
            .request_object(true)
            .resource(API)
            .authorization_details(payment().to_string())
            .build()?,
    )?;
    let request = client.authorization_url(AuthorizeOptions::default())?;
    let names: Vec<String> = request
        .url
        .query_pairs()
        .map(|(k, _)| k.into_owned())
        .collect();
    assert!(names.contains(&"request".to_string()), "{names:?}");
    assert!(
        !names.contains(&"state".to_string()),
        "state travels inside"
    );
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert_eq!(tokens.authorization_details(), Some(&payment()));
    // A request object pushed by PAR (RFC 9126 §3).
    let request = client.pushed_authorization_url(AuthorizeOptions::default())?;
    let redirect = Browser::new()?.authorize(request.url.as_str())?;
    let tokens = client.exchange_redirect(&request.pending, &redirect)?;
    assert!(!tokens.access_token.expose().is_empty());
    Ok(())
}
