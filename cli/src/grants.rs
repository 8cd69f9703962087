//! `oauth2kit token` for the grants beyond RFC 6749: device, CIBA, token
//! exchange, JWT bearer, SAML 2.0 bearer. Each maps its flags onto the core's
//! request type and makes one core call; polling and its rules stay in the core.

use std::sync::Arc;
use std::time::Instant;

use oauth2kit::assertion_grants::saml2_encode;
use oauth2kit::{
    CibaRequest, JwtAssertion, JwtBearer, PollEvent, PollOptions, Secret, TokenExchange, TokenSet,
};

use crate::args::{CibaArgs, DeviceArgs, JwtBearerArgs, Saml2Args, TokenExchangeArgs};
use crate::config;
use crate::exit::CliError;
use crate::terminal;

/// Progress of a polling flow on stderr (stdout keeps only the tokens).
fn progress() -> PollOptions {
    PollOptions {
        on_event: Some(Arc::new(|e: &PollEvent| match e {
            PollEvent::SlowDown { interval } => eprintln!(
                "The server asked to slow down: polling every {} s.",
                interval.as_secs()
            ),
            PollEvent::Retrying { retry_in } => {
                eprintln!("Transient failure; retrying in {} s.", retry_in.as_secs())
            }
            _ => {}
        })),
        ..Default::default()
    }
}

pub fn device(a: &DeviceArgs) -> Result<TokenSet, CliError> {
    let c = config::client(&a.client, None)?;
    let auth = c.device_authorization(a.client.scope.as_deref())?;
    eprintln!("On another device, open the page and enter the code:");
    eprintln!("Open: {}", auth.verification_uri);
    eprintln!("Code: {}", auth.user_code);
    if let Some(complete) = &auth.verification_uri_complete {
        eprintln!("(or open {complete}, or scan it:)");
        if let Some(code) = terminal::qr(complete) {
            eprintln!("{code}");
        }
    }
    if a.open {
        let page = auth
            .verification_uri_complete
            .as_deref()
            .unwrap_or(&auth.verification_uri);
        terminal::open_browser(page);
    }
    eprintln!(
        "Waiting for approval (code valid {} s) …",
        auth.expires_in.as_secs()
    );
    let _spinner =
        terminal::Spinner::start("waiting for approval", Instant::now() + auth.expires_in);
    Ok(c.poll_device_token(&auth, &progress())?)
}

pub fn ciba(a: &CibaArgs) -> Result<TokenSet, CliError> {
    let c = config::client(&a.client, None)?;
    let request = CibaRequest {
        scope: a.client.scope.clone(),
        login_hint: a.login_hint.clone(),
        id_token_hint: a.id_token_hint.clone(),
        login_hint_token: a.login_hint_token.clone(),
        binding_message: a.binding_message.clone(),
        ..Default::default()
    };
    let auth = c.ciba_authorization(&request)?;
    eprintln!(
        "Approval requested on the user's device; waiting (up to {} s) …",
        auth.expires_in.as_secs()
    );
    let _spinner =
        terminal::Spinner::start("waiting for approval", Instant::now() + auth.expires_in);
    Ok(c.poll_ciba_token(&auth, &progress())?)
}

pub fn token_exchange(a: &TokenExchangeArgs) -> Result<TokenSet, CliError> {
    // --resource goes into the exchange request itself (RFC 8693 §2.1), once.
    let mut args = a.client.clone();
    let resources = std::mem::take(&mut args.resource);
    let c = config::client(&args, None)?;
    let mut x = TokenExchange::new(
        Secret::new(a.subject_token.as_str()),
        &a.subject_token_type.0,
    );
    x.actor_token = a.actor_token.as_deref().map(Secret::new);
    x.actor_token_type = a.actor_token_type.as_ref().map(|t| t.0.clone());
    x.requested_token_type = a.requested_token_type.as_ref().map(|t| t.0.clone());
    x.audience = a.audience.clone();
    x.resource = resources;
    x.scope = a.client.scope.clone();
    Ok(c.token_exchange(&x)?)
}

pub fn jwt_bearer(a: &JwtBearerArgs) -> Result<TokenSet, CliError> {
    let c = config::client(&a.client, None)?;
    let assertion = match (&a.assertion, &a.sign_with) {
        (Some(jwt), _) => JwtAssertion::Given(Secret::new(jwt.as_str())),
        (None, Some(path)) => {
            let subject = a
                .subject
                .clone()
                .ok_or_else(|| CliError::Usage("--sign-with needs --subject".into()))?;
            let audience = match (&a.assertion_audience, &c.oauth().endpoints().token) {
                (Some(aud), _) => aud.clone(),
                (None, Some(token)) => token.to_string(),
                (None, None) => {
                    return Err(CliError::Usage(
                        "--sign-with needs --assertion-audience or a token endpoint".into(),
                    ));
                }
            };
            JwtAssertion::Signed {
                key: config::load_key(path)?,
                issuer: a
                    .assertion_issuer
                    .clone()
                    .unwrap_or_else(|| a.client.client_id.clone()),
                subject,
                audience,
                lifetime_secs: 60,
                claims: Default::default(),
            }
        }
        (None, None) => {
            return Err(CliError::Usage(
                "give --assertion (or OAUTH2KIT_ASSERTION) or --sign-with".into(),
            ));
        }
    };
    Ok(c.jwt_bearer(&JwtBearer {
        assertion,
        scope: a.client.scope.clone(),
    })?)
}

pub fn saml2_bearer(a: &Saml2Args) -> Result<TokenSet, CliError> {
    let text = std::fs::read_to_string(&a.assertion_file)
        .map_err(|e| CliError::Usage(format!("cannot read {}: {e}", a.assertion_file.display())))?;
    let text = text.trim();
    // XML is encoded here (RFC 7522 §2.1); anything else is passed as is and checked by the core.
    let encoded = if text.starts_with('<') {
        saml2_encode(text)
    } else {
        text.to_string()
    };
    let c = config::client(&a.client, None)?;
    Ok(c.saml2_bearer(&encoded, a.client.scope.as_deref())?)
}
