//! The four provider documents of `shared/providers/`, walked step by step
//! against the devserver's dialects with the built-in profiles. Each step
//! name says which step of which document is running. Nothing here is
//! provider-specific code: the profile (data) makes the core speak the dialect.

use std::sync::Arc;
use std::time::Duration;

use oauth2kit::callback::CallbackHandler;
use oauth2kit::{
    AuthorizeOptions, ErrorCode, HttpRequest, Method, OAuthClient, OAuthClientBuilder, Profile,
    TokenSet, blocking,
};
use oauth2kit_devserver::clients as reg;

use super::{Demo, Shown, StepError, StepResult, tokens};
use crate::loopback::Loopback;

/// A client with a built-in profile whose endpoints are moved onto the devserver.
fn profiled(
    demo: &Demo,
    profile: &str,
    prefix: &str,
    id: &str,
    secret: &str,
) -> StepResult<OAuthClientBuilder> {
    Ok(OAuthClient::builder(id)
        .client_secret(secret)
        .profile(Profile::load(profile)?)
        .base_url(format!("{}/{prefix}", demo.url())))
}

fn query_names(url: &url::Url) -> Vec<String> {
    url.query_pairs().map(|(k, _)| k.into_owned()).collect()
}

/// Checks a validation answer and the refreshed set, shared by both Deskera versions.
fn validate_and_refresh(demo: &Demo, client: &blocking::Client, first: &TokenSet) {
    demo.step(
        "Check the token is valid (x-access-token)",
        || Ok(client.validate(first)?),
        |valid| {
            Shown::check(
                if *valid { "valid (200)" } else { "invalid" },
                *valid,
                "a fresh token must be valid",
            )
        },
    );
    let refreshed = demo.step(
        "Refresh the token",
        || {
            let rt = first
                .refresh_token
                .as_ref()
                .ok_or_else(|| StepError::Demo("no refresh token".into()))?;
            Ok(client.refresh(rt, None)?)
        },
        |t| {
            let rotated = t.refresh_token.is_some() && t.refresh_token != first.refresh_token;
            let changed = t.access_token != first.access_token;
            Shown::check(
                format!("{}, rotated", tokens(t)),
                rotated && changed,
                "expected a new access and a rotated refresh token",
            )
        },
    );
    if let Some(t) = refreshed {
        demo.step(
            "The refreshed token is valid",
            || Ok(client.validate(&t)?),
            |valid| {
                Shown::check(
                    if *valid { "valid (200)" } else { "invalid" },
                    *valid,
                    "a refreshed token must be valid",
                )
            },
        );
    }
}

fn deskera_v2(demo: &Demo) {
    demo.section(
        "Provider document deskera-oauth-v2.md — profile deskera-v2, devserver /deskera-v2/",
    );
    // The app's registered redirect URI (V2 links carry none); the demo reads the redirect, nothing listens.
    let registered = "https://testapp.example/callback";
    demo.server
        .set_callback_uri(reg::DESKERA_V2_CLIENT_ID, registered);
    let client = profiled(
        demo,
        "deskera-v2",
        "deskera-v2",
        reg::DESKERA_V2_CLIENT_ID,
        reg::DESKERA_V2_CLIENT_SECRET,
    )
    .and_then(|b| demo.client(b));
    let Ok(client) = client else {
        demo.step(
            "set up the deskera-v2 client",
            || client.map(|_| ()),
            |_| Shown::ok(""),
        );
        return;
    };
    let flow = demo.step(
        "Steps 1–3: OAuth link → redirect with code",
        || {
            let req = client.authorization_url(AuthorizeOptions::default())?;
            let names = query_names(&req.url);
            let location = demo.authorize(&client, &req.url)?;
            Ok((names, req, location))
        },
        |(names, _, location)| {
            let as_documented = names
                .iter()
                .all(|n| ["client_id", "scope", "state", "response_type"].contains(&n.as_str()))
                && names.len() == 4;
            Shown::check(
                format!(
                    "link has only {}; back at the registered URI",
                    names.join(", ")
                ),
                as_documented && location.starts_with(registered),
                "the link must carry exactly client_id, scope, state, response_type",
            )
        },
    );
    let Some((_, req, location)) = flow else {
        return;
    };
    let first = demo.step(
        "Get tokens (after Step 3): query string, Basic",
        || Ok(client.exchange_redirect(&req.pending, &location)?),
        |t| Shown::check(tokens(t), t.refresh_token.is_some(), "no refresh token"),
    );
    if let Some(first) = first {
        validate_and_refresh(demo, &client, &first);
    }
}

fn deskera_v1(demo: &Demo) {
    demo.section("Provider document deskera-oauth-v1-deprecated.md — profile deskera-v1, devserver /deskera-v1/");
    // The platform's callback_uri: Deskera calls it server to server with the code.
    let listener = match Loopback::bind("http://127.0.0.1/deskera/callback") {
        Ok(l) => l,
        Err(e) => {
            demo.step(
                "listen for the callback_uri",
                || Err::<(), _>(StepError::Demo(e.to_string())),
                |_| Shown::ok(""),
            );
            return;
        }
    };
    demo.server
        .set_callback_uri(reg::DESKERA_V1_CLIENT_ID, listener.redirect_uri());
    let after = "http://127.0.0.1/connected";
    let client = profiled(
        demo,
        "deskera-v1",
        "deskera-v1",
        reg::DESKERA_V1_CLIENT_ID,
        reg::DESKERA_V1_CLIENT_SECRET,
    )
    .and_then(|b| demo.client(b.redirect_uri(after)));
    let Ok(client) = client else {
        demo.step(
            "set up the deskera-v1 client",
            || client.map(|_| ()),
            |_| Shown::ok(""),
        );
        return;
    };
    // The platform side of the callback: the core's CallbackHandler keeps the
    // pending state and exchanges the code; the listener answers Deskera with
    // the handler's status only once the tokens are held (the document's Step 4).
    let handler = Arc::new(CallbackHandler::new(client.as_async().clone()));
    let tokens_at_callback = demo.step(
        "Steps 1–4: link → callback_uri gets tokens → redirect",
        || {
            let link = handler.begin(AuthorizeOptions::default())?;
            let h = handler.clone();
            let waiter = std::thread::spawn(move || {
                let mut outcome = None;
                let served = listener.serve_one(Duration::from_secs(10), |target| {
                    let result = blocking::block_on(h.handle(target)).and_then(|r| r);
                    let status = CallbackHandler::status_for(&result);
                    outcome = Some(result);
                    (status, "callback handled".to_string())
                });
                (served, outcome)
            });
            // The "browser" follows the link; Deskera calls the callback before answering it.
            let user_goes_to = demo.authorize(&client, &link);
            let (served, outcome) = waiter.join().map_err(|_| StepError::Demo("the callback listener panicked".into()))?;
            let callback = served.map_err(|e| StepError::Demo(e.to_string()))?;
            let outcome = outcome.ok_or_else(|| StepError::Demo("the callback was not handled".into()))??;
            Ok((callback, user_goes_to?, outcome))
        },
        |(callback, user_goes_to, outcome)| {
            let names: Vec<String> = url::Url::parse(callback).map(|u| query_names(&u)).unwrap_or_default();
            let t = &outcome.tokens;
            let both = t.extra.contains_key("access_token") && t.extra.contains_key("org");
            Shown::check(
                format!("callback had {}; {}", names.join(", "), tokens(t)),
                names.contains(&"code".to_string()) && user_goes_to.starts_with(after) && both,
                "the callback must carry the code, the user must reach redirect_uri, and both token pairs must be kept",
            )
        },
    );
    if let Some((_, _, outcome)) = tokens_at_callback {
        validate_and_refresh(demo, &client, &outcome.tokens);
    }
}

fn desko(demo: &Demo) {
    demo.section(
        "Provider document desko-client-credentials.md — profile desko, devserver /desko/",
    );
    let client = profiled(
        demo,
        "desko",
        "desko",
        reg::DESKO_CLIENT_ID,
        reg::DESKO_CLIENT_SECRET,
    )
    .and_then(|b| demo.client(b));
    let Ok(client) = client else {
        demo.step(
            "set up the desko client",
            || client.map(|_| ()),
            |_| Shown::ok(""),
        );
        return;
    };
    let t = demo.step(
        "Steps 1–2: POST JSON body → access token",
        || Ok(client.client_credentials(Some("organization.show booking.show"))?),
        |t| {
            Shown::check(
                tokens(t),
                t.is_bearer() && t.expires_in().is_some(),
                "expected a Bearer token with a lifetime",
            )
        },
    );
    if let Some(t) = t {
        demo.step(
            "Step 3: call the API with the token",
            || {
                let url = url::Url::parse(&format!("{}/desko/v1.1/resource", demo.url()))
                    .map_err(|e| StepError::Demo(e.to_string()))?;
                let mut req = HttpRequest::new(Method::Get, url);
                req.headers.push(client.oauth().authorization_header(&t));
                Ok(client.send(req)?.status)
            },
            |status| {
                Shown::check(
                    format!("HTTP {status}"),
                    *status == 200,
                    "the API refused the token",
                )
            },
        );
    }
    let wrong = profiled(demo, "desko", "desko", reg::DESKO_CLIENT_ID, "wrong")
        .and_then(|b| demo.client(b));
    demo.step_err(
        "Bad credentials → its own error body, typed",
        ErrorCode::OAuth,
        Some("oauth_server"),
        || Ok(wrong?.client_credentials(None)?),
    );
}

fn generic(demo: &Demo) {
    demo.section("Provider document generic-oauth-authorization-code.md — profile generic, devserver /generic/");
    let client = profiled(
        demo,
        "generic",
        "generic",
        reg::GENERIC_CLIENT_ID,
        reg::GENERIC_CLIENT_SECRET,
    )
    .and_then(|b| demo.client(b.redirect_uri(reg::REDIRECT_LOOPBACK).scope("read_write")));
    let Ok(client) = client else {
        demo.step(
            "set up the generic client",
            || client.map(|_| ()),
            |_| Shown::ok(""),
        );
        return;
    };
    let flow = demo.step(
        "Steps 1–2: authorization request → code",
        || {
            let req = client.authorization_url(AuthorizeOptions::default())?;
            let location = demo.authorize(&client, &req.url)?;
            Ok((req, location))
        },
        |(_, location)| {
            Shown::check(
                "redirect with code and state",
                location.contains("code=") && location.contains("state="),
                "no code in the redirect",
            )
        },
    );
    let Some((req, location)) = flow else { return };
    let first = demo.step(
        "Steps 3–4: token request (form, secret in body)",
        || Ok(client.exchange_redirect(&req.pending, &location)?),
        |t| Shown::check(tokens(t), t.refresh_token.is_some(), "no refresh token"),
    );
    if let Some(first) = first {
        demo.step(
            "Refreshing tokens (no rotation)",
            || {
                let rt = first
                    .refresh_token
                    .as_ref()
                    .ok_or_else(|| StepError::Demo("no refresh token".into()))?;
                Ok(client.refresh(rt, None)?)
            },
            |t| {
                Shown::check(
                    format!("{}; refresh token kept", tokens(t)),
                    t.refresh_token == first.refresh_token && t.access_token != first.access_token,
                    "expected a new access token and the same refresh token",
                )
            },
        );
    }
    let basic = profiled(
        demo,
        "generic",
        "generic",
        reg::GENERIC_CLIENT_ID,
        reg::GENERIC_CLIENT_SECRET,
    )
    .and_then(|b| demo.client(b.auth_method(oauth2kit::AuthMethod::ClientSecretBasic)));
    demo.step_err(
        "Basic instead of secret in body → invalid_client",
        ErrorCode::OAuth,
        Some("invalid_client"),
        || Ok(basic?.refresh(&oauth2kit::Secret::new("any"), None)?),
    );
}

pub fn run(demo: &Demo) {
    deskera_v2(demo);
    deskera_v1(demo);
    desko(demo);
    generic(demo);
}
