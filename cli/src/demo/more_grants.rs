//! The grants beyond RFC 6749: device authorization (RFC 8628), CIBA poll
//! mode, token exchange (RFC 8693), JWT bearer (RFC 7523 §2.1) and SAML 2.0
//! bearer (RFC 7522). The user's part (approving on another device) is played
//! by plain HTTP calls to the devserver's approval endpoints.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use oauth2kit::assertion_grants::{saml2_encode, token_types};
use oauth2kit::{
    AuthMethod, CibaRequest, ErrorCode, JwtAssertion, JwtBearer, OAuthClient, OAuthClientBuilder,
    PollEvent, PollOptions, SigningKey, TokenExchange,
};
use oauth2kit_devserver::{clients as reg, keys};

use super::{Demo, Shown, StepError, browser, tokens};

/// Polling interval the devserver hands out for the demo (seconds; 1 is its minimum
/// that still makes the client wait, which is what the demo shows).
const INTERVAL: u64 = 1;

/// Poll options that play the user: when the client is about to make its
/// second poll (so the first one was answered `authorization_pending`),
/// `approve` runs on its own thread — never inside the callback, which runs
/// on the client's runtime.
fn approving(
    approve: impl Fn() + Send + Sync + Clone + 'static,
    polls: Arc<AtomicU32>,
) -> PollOptions {
    PollOptions {
        on_event: Some(Arc::new(move |e: &PollEvent| {
            if let PollEvent::Waiting { attempt, .. } = e {
                polls.store(*attempt, Ordering::SeqCst);
                if *attempt == 2 {
                    let approve = approve.clone();
                    std::thread::spawn(approve);
                }
            }
        })),
        ..Default::default()
    }
}

fn std_builder(url: &str, id: &str) -> OAuthClientBuilder {
    OAuthClient::builder(id)
        .issuer(url)
        .token_url(format!("{url}/token"))
        .device_authorization_url(format!("{url}/device_authorization"))
        .backchannel_authentication_url(format!("{url}/bc-authorize"))
}

pub fn run(demo: &Demo) {
    let url = demo.url();
    // Short lifetimes: if the simulated approval ever failed, the step would
    // fail with `expired` after 20 s instead of holding the demo for minutes.
    demo.server.set_device_timing(20, INTERVAL);
    demo.server.set_ciba_timing(20, INTERVAL);

    demo.section("Device authorization grant (RFC 8628): the user approves on another device");
    if let Ok(public) = demo.client(std_builder(&url, reg::PUBLIC_CLIENT_ID)) {
        let auth = demo.step(
            "device authorization request",
            || Ok(public.device_authorization(Some("read"))?),
            |d| {
                Shown::check(
                    format!(
                        "user code {}, poll every {} s",
                        d.user_code,
                        d.interval.as_secs()
                    ),
                    !d.user_code.is_empty() && d.verification_uri_complete.is_some(),
                    "no user code or verification URI",
                )
            },
        );
        if let Some(auth) = auth {
            let polls = Arc::new(AtomicU32::new(0));
            let approve_url = format!("{url}/device/approve");
            let body =
                serde_json::json!({ "user_code": auth.user_code, "approve": true }).to_string();
            let opts = approving(
                move || drop(browser::request("POST", &approve_url, Some(&body))),
                polls.clone(),
            );
            demo.step(
                "poll until approved",
                || Ok(public.poll_device_token(&auth, &opts)?),
                |t| {
                    let n = polls.load(Ordering::SeqCst);
                    Shown::check(
                        format!("{} after {n} polls", tokens(t)),
                        n >= 2,
                        "the first poll should have been pending",
                    )
                },
            );
        }
        demo.step_err(
            "the user denies → access_denied",
            ErrorCode::OAuth,
            Some("access_denied"),
            || {
                let auth = public.device_authorization(None)?;
                let body = serde_json::json!({ "user_code": auth.user_code, "approve": false })
                    .to_string();
                browser::request("POST", &format!("{url}/device/approve"), Some(&body))
                    .map_err(StepError::Demo)?;
                Ok(public.poll_device_token(&auth, &PollOptions::default())?)
            },
        );
    }

    demo.section("CIBA poll mode (OpenID Connect Client-Initiated Backchannel Authentication)");
    if let Ok(basic) =
        demo.client(std_builder(&url, reg::BASIC_CLIENT_ID).client_secret(reg::BASIC_CLIENT_SECRET))
    {
        let request = CibaRequest {
            scope: Some("read".into()),
            login_hint: Some(reg::USERS[0].0.into()),
            binding_message: Some("demo 42".into()),
            ..Default::default()
        };
        let auth = demo.step(
            "backchannel authentication request (login_hint alice)",
            || Ok(basic.ciba_authorization(&request)?),
            |a| {
                Shown::ok(format!(
                    "auth_req_id issued, expires in {} s",
                    a.expires_in.as_secs()
                ))
            },
        );
        if let Some(auth) = auth {
            let polls = Arc::new(AtomicU32::new(0));
            let approve_url = format!("{url}/ciba/approve");
            let body =
                serde_json::json!({ "auth_req_id": auth.auth_req_id.expose(), "approve": true })
                    .to_string();
            let opts = approving(
                move || drop(browser::request("POST", &approve_url, Some(&body))),
                polls.clone(),
            );
            demo.step(
                "poll until the user approves on their phone",
                || Ok(basic.poll_ciba_token(&auth, &opts)?),
                |t| {
                    let n = polls.load(Ordering::SeqCst);
                    Shown::check(
                        format!("{} after {n} polls", tokens(t)),
                        n >= 2,
                        "the first poll should have been pending",
                    )
                },
            );
        }
    }

    demo.section(
        "Token exchange (RFC 8693), JWT bearer (RFC 7523 §2.1), SAML 2.0 bearer (RFC 7522)",
    );
    if let Ok(basic) =
        demo.client(std_builder(&url, reg::BASIC_CLIENT_ID).client_secret(reg::BASIC_CLIENT_SECRET))
    {
        demo.step(
            "token exchange: an access token for one audience",
            || {
                let subject = basic.client_credentials(Some("read write"))?;
                let mut x =
                    TokenExchange::new(subject.access_token.clone(), token_types::ACCESS_TOKEN);
                x.audience = vec!["https://api.example/".into()];
                x.scope = Some("read".into());
                Ok(basic.token_exchange(&x)?)
            },
            |t| {
                Shown::check(
                    format!("{}, issued_token_type …:access_token", tokens(t)),
                    t.issued_token_type() == Some(token_types::ACCESS_TOKEN),
                    "no issued_token_type access_token",
                )
            },
        );
        let xml = format!(
            "<saml:Assertion xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"demo\">\
             <saml:Issuer>https://idp.example</saml:Issuer>\
             <saml:Subject><saml:NameID>{}</saml:NameID></saml:Subject></saml:Assertion>",
            reg::USERS[1].0
        );
        demo.step(
            "SAML 2.0 bearer (base64url assertion)",
            || Ok(basic.saml2_bearer(&saml2_encode(&xml), Some("read"))?),
            |t| Shown::ok(tokens(t)),
        );
        demo.step_err(
            "raw XML as a SAML assertion → refused before sending",
            ErrorCode::Config,
            None,
            || Ok(basic.saml2_bearer(&xml, None)?),
        );
    }
    let ec = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM).map_err(StepError::from);
    let jwt_client = ec.and_then(|key| {
        demo.client(
            std_builder(&url, reg::EC_CLIENT_ID)
                .private_key(key)
                .auth_method(AuthMethod::PrivateKeyJwt),
        )
    });
    if let Ok(client) = jwt_client {
        demo.step(
            "JWT bearer: an ES256 assertion for user bob",
            || {
                let key = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)?;
                let grant = JwtBearer {
                    assertion: JwtAssertion::Signed {
                        key,
                        issuer: reg::EC_CLIENT_ID.into(),
                        subject: reg::USERS[1].0.into(),
                        audience: format!("{url}/token"),
                        lifetime_secs: 60,
                        claims: Default::default(),
                    },
                    scope: Some("read".into()),
                };
                Ok(client.jwt_bearer(&grant)?)
            },
            |t| Shown::ok(tokens(t)),
        );
    }
}
