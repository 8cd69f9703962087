//! The standard endpoints of the devserver (RFC 6749 and friends): discovery,
//! every grant, every client authentication method, introspection,
//! revocation, and the errors a client must report as they are.

use oauth2kit::{
    AuthMethod, AuthorizeOptions, ErrorCode, OAuthClient, OAuthClientBuilder, ServerMetadata,
    SigningKey, TokenSet, TokenTypeHint, blocking,
};
use oauth2kit_devserver::{clients as reg, keys};

use super::{Demo, Shown, StepError, StepResult, tokens};

const ECHO_GRANT: &str = "urn:oauth2kit:params:grant-type:echo";

/// A builder for a standard client: discovered endpoints when discovery
/// worked, else the devserver's documented paths.
fn builder(url: &str, meta: Option<&ServerMetadata>, id: &str) -> OAuthClientBuilder {
    let b = OAuthClient::builder(id).redirect_uri(reg::REDIRECT_LOOPBACK);
    match meta {
        Some(m) => b.metadata(m.clone()),
        None => b
            .issuer(url)
            .authorization_url(format!("{url}/authorize"))
            .token_url(format!("{url}/token"))
            .introspection_url(format!("{url}/introspect"))
            .revocation_url(format!("{url}/revoke")),
    }
}

/// Authorization request through the front channel, then the code exchange.
fn code_flow(
    demo: &Demo,
    client: &blocking::Client,
) -> StepResult<(String, oauth2kit::PendingAuthorization, TokenSet)> {
    let req = client.authorization_url(AuthorizeOptions::default())?;
    let location = demo.authorize(client, &req.url)?;
    let tokens = client.exchange_redirect(&req.pending, &location)?;
    Ok((location, req.pending, tokens))
}

pub fn run(demo: &Demo) {
    let url = demo.url();

    demo.section("Discovery (RFC 8414)");
    let meta = demo.step(
        "server metadata",
        || {
            Ok(blocking::block_on(oauth2kit::Client::discover(
                demo_transport(demo),
                &url,
            ))??)
        },
        |m: &ServerMetadata| {
            Shown::check(
                format!(
                    "issuer ok; {} grant types, {} auth methods",
                    m.grant_types_supported.len(),
                    m.token_endpoint_auth_methods_supported.len()
                ),
                m.token_endpoint.is_some() && m.authorization_endpoint.is_some(),
                "metadata without token or authorization endpoint",
            )
        },
    );
    let meta = meta.as_ref();
    let std = |id: &str| builder(&url, meta, id);

    demo.section("Authorization code + PKCE (RFC 6749 §4.1, RFC 7636, RFC 9207 iss)");
    let basic = demo.client(std(reg::BASIC_CLIENT_ID).client_secret(reg::BASIC_CLIENT_SECRET));
    let mut user_tokens = None;
    if let Ok(basic) = &basic {
        user_tokens = demo
            .step(
                "confidential client (client_secret_basic)",
                || code_flow(demo, basic),
                |(loc, _, t)| {
                    Shown::check(
                        tokens(t),
                        loc.contains("iss=") && t.refresh_token.is_some(),
                        "no iss in the redirect or no refresh token",
                    )
                },
            )
            .map(|(_, _, t)| t);
    }
    let public = demo.client(std(reg::PUBLIC_CLIENT_ID));
    if let Ok(public) = &public {
        let flow = demo.step(
            "public client (none) with S256",
            || code_flow(demo, public),
            |(_, p, t)| {
                Shown::check(
                    tokens(t),
                    p.code_verifier.is_some(),
                    "no PKCE verifier was used",
                )
            },
        );
        if let Some((location, pending, _)) = flow {
            demo.step_err(
                "the same code again → invalid_grant",
                ErrorCode::OAuth,
                Some("invalid_grant"),
                || Ok(public.exchange_redirect(&pending, &location)?),
            );
            let forged = forge_state(&location);
            demo.step_err(
                "forged state → state mismatch (nothing sent)",
                ErrorCode::StateMismatch,
                None,
                || Ok(public.exchange_redirect(&pending, &forged)?),
            );
        }
    }

    demo.section("Client credentials (RFC 6749 §4.4) with each client authentication method");
    let cc_clients: Vec<(&str, StepResult<blocking::Client>)> = vec![
        (
            "client_secret_basic (RFC 6749 §2.3.1 encoding)",
            demo.client(std(reg::BASIC_CLIENT_ID).client_secret(reg::BASIC_CLIENT_SECRET)),
        ),
        (
            "client_secret_post",
            demo.client(
                std(reg::POST_CLIENT_ID)
                    .client_secret(reg::POST_CLIENT_SECRET)
                    .auth_method(AuthMethod::ClientSecretPost),
            ),
        ),
        (
            "client_secret_jwt (HS256)",
            demo.client(
                std(reg::JWT_SECRET_CLIENT_ID)
                    .client_secret(reg::JWT_SECRET_CLIENT_SECRET)
                    .auth_method(AuthMethod::ClientSecretJwt),
            ),
        ),
        (
            "private_key_jwt RS256",
            key_client(demo, &std, reg::RSA_CLIENT_ID, keys::RSA_CLIENT_PRIVATE_PEM),
        ),
        (
            "private_key_jwt ES256",
            key_client(demo, &std, reg::EC_CLIENT_ID, keys::EC_CLIENT_PRIVATE_PEM),
        ),
        (
            "private_key_jwt EdDSA",
            key_client(demo, &std, reg::ED_CLIENT_ID, keys::ED_CLIENT_PRIVATE_PEM),
        ),
    ];
    let mut service_token = None;
    for (name, client) in &cc_clients {
        let t = demo.step(
            name,
            || {
                Ok(client
                    .as_ref()
                    .map_err(clone_err)?
                    .client_credentials(Some("read write"))?)
            },
            |t| {
                Shown::check(
                    tokens(t),
                    t.is_bearer() && t.scope.as_deref() == Some("read write"),
                    "not a Bearer token for the scope asked",
                )
            },
        );
        service_token = service_token.or(t);
    }

    demo.section("Password (RFC 6749 §4.3, legacy), refresh with rotation (§6), implicit (§4.2, legacy), extension grant (§4.5)");
    let post = demo.client(
        std(reg::POST_CLIENT_ID)
            .client_secret(reg::POST_CLIENT_SECRET)
            .auth_method(AuthMethod::ClientSecretPost),
    );
    if let Ok(post) = &post {
        let (user, pw) = reg::USERS[0];
        demo.step(
            "password (alice)",
            || Ok(post.password(user, pw, Some("read"))?),
            |t| Shown::check(tokens(t), t.refresh_token.is_some(), "no refresh token"),
        );
    }
    if let (Ok(basic), Some(first)) = (&basic, &user_tokens) {
        let old = first.refresh_token.clone();
        let refreshed = demo.step(
            "refresh (the server rotates the refresh token)",
            || {
                let rt = old
                    .as_ref()
                    .ok_or_else(|| StepError::Demo("no refresh token to use".into()))?;
                Ok(basic.refresh(rt, None)?)
            },
            |t| {
                let rotated = t.refresh_token.is_some() && t.refresh_token != old;
                Shown::check(
                    format!("{}, rotated", tokens(t)),
                    rotated,
                    "the refresh token was not rotated",
                )
            },
        );
        if refreshed.is_some() {
            demo.step_err(
                "old refresh token again → re-authorization required",
                ErrorCode::ReauthorizationRequired,
                Some("invalid_grant"),
                || {
                    let rt = old
                        .as_ref()
                        .ok_or_else(|| StepError::Demo("no refresh token".into()))?;
                    Ok(basic.refresh(rt, None)?)
                },
            );
        }
    }
    if let Ok(public) = &public {
        demo.step(
            "implicit (response_type=token, fragment)",
            || {
                let req = public.authorization_url(AuthorizeOptions {
                    implicit: true,
                    ..Default::default()
                })?;
                let location = demo.authorize(public, &req.url)?;
                Ok(public.oauth().implicit_token(&req.pending, &location)?)
            },
            |t| {
                Shown::check(
                    tokens(t),
                    t.refresh_token.is_none(),
                    "implicit grants must not issue refresh tokens",
                )
            },
        );
    }
    if let Ok(basic) = &basic {
        demo.step(
            "extension grant urn:oauth2kit:…:echo",
            || {
                Ok(basic.extension_grant(
                    ECHO_GRANT,
                    &[("resource", "https://api.example/"), ("audience", "demo")],
                )?)
            },
            |t| {
                let echo = t.extra.get("echo");
                let ok = echo
                    .and_then(|e| e.get("resource"))
                    .and_then(|v| v.as_str())
                    == Some("https://api.example/");
                Shown::check(
                    format!("{}; server echoed the parameters", tokens(t)),
                    ok,
                    "the server did not echo the parameters sent",
                )
            },
        );
    }

    demo.section("Introspection (RFC 7662) and revocation (RFC 7009)");
    if let (Ok(basic), Some(t)) = (&basic, &service_token) {
        let at = t.access_token.expose().to_string();
        demo.step(
            "introspect a live token",
            || Ok(basic.introspect(&at, Some(TokenTypeHint::AccessToken))?),
            |i| {
                Shown::check(
                    format!(
                        "active, client_id {}",
                        i.client_id.as_deref().unwrap_or("?")
                    ),
                    i.active,
                    "the token is not active",
                )
            },
        );
        demo.step(
            "revoke it",
            || Ok(basic.revoke(&at, Some(TokenTypeHint::AccessToken))?),
            |_| Shown::ok("revoked"),
        );
        demo.step(
            "introspect it again",
            || Ok(basic.introspect(&at, None)?),
            |i| {
                Shown::check(
                    if i.active { "still active" } else { "inactive" },
                    !i.active,
                    "a revoked token is still active",
                )
            },
        );
    }

    demo.section("Errors are reported as they are");
    let wrong = demo.client(std(reg::BASIC_CLIENT_ID).client_secret("not the secret"));
    demo.step_err(
        "wrong client secret → invalid_client",
        ErrorCode::OAuth,
        Some("invalid_client"),
        || {
            Ok(wrong
                .as_ref()
                .map_err(clone_err)?
                .client_credentials(None)?)
        },
    );
    if let Ok(basic) = &basic {
        demo.step_err(
            "unknown grant type → unsupported_grant_type",
            ErrorCode::OAuth,
            Some("unsupported_grant_type"),
            || Ok(basic.extension_grant("urn:example:no-such-grant", &[])?),
        );
    }
}

fn demo_transport(demo: &Demo) -> &dyn oauth2kit::Transport {
    demo.transport()
}

fn key_client(
    demo: &Demo,
    std: &dyn Fn(&str) -> OAuthClientBuilder,
    id: &str,
    pem: &str,
) -> StepResult<blocking::Client> {
    let key = SigningKey::from_pem(pem)?;
    demo.client(std(id).private_key(key))
}

/// Client set-up errors are reported in the step that needed the client.
fn clone_err(e: &StepError) -> StepError {
    match e {
        StepError::Core(c) => StepError::Demo(format!("client set-up failed: {c}")),
        StepError::Demo(m) => StepError::Demo(m.clone()),
    }
}

/// The redirect with its `state` replaced, as a CSRF attempt would send it.
fn forge_state(location: &str) -> String {
    let Ok(mut u) = url::Url::parse(location) else {
        return location.to_string();
    };
    let pairs: Vec<(String, String)> = u
        .query_pairs()
        .map(|(k, v)| {
            if k == "state" {
                (k.into_owned(), "forged".to_string())
            } else {
                (k.into_owned(), v.into_owned())
            }
        })
        .collect();
    u.query_pairs_mut().clear().extend_pairs(pairs);
    u.to_string()
}
