//! The non-demo commands: each builds a client from its flags, makes one core
//! call and prints the answer.

use std::io::BufRead;
use std::time::Duration;

use oauth2kit::{AuthorizeOptions, Secret, TokenSet, TokenTypeHint, blocking};

use crate::args::{
    AuthCodeArgs, DiscoverArgs, ExchangeArgs, HintArg, TokenCommand, TokenOpArgs, UserinfoArgs,
    ValidateArgs,
};
use crate::exit::{CliError, code};
use crate::loopback::Loopback;
use crate::output;
use crate::{config, grants};

pub fn token(cmd: TokenCommand) -> Result<u8, CliError> {
    let (tokens, out) = match cmd {
        TokenCommand::ClientCredentials(a) => {
            let c = config::client(&a.client, None)?;
            (c.client_credentials(a.client.scope.as_deref())?, a.output)
        }
        TokenCommand::Password(a) => {
            let c = config::client(&a.client, None)?;
            (
                c.password(&a.username, &a.password, a.client.scope.as_deref())?,
                a.output,
            )
        }
        TokenCommand::Refresh(a) => {
            let c = config::client(&a.client, None)?;
            (
                c.refresh(
                    &Secret::new(a.refresh_token.as_str()),
                    a.client.scope.as_deref(),
                )?,
                a.output,
            )
        }
        TokenCommand::Exchange(a) => (exchange(&a)?, a.output),
        TokenCommand::AuthorizationCode(a) => (authorization_code(&a)?, a.output),
        TokenCommand::Device(a) => (grants::device(&a)?, a.output),
        TokenCommand::Ciba(a) => (grants::ciba(&a)?, a.output),
        TokenCommand::TokenExchange(a) => (grants::token_exchange(&a)?, a.output),
        TokenCommand::JwtBearer(a) => (grants::jwt_bearer(&a)?, a.output),
        TokenCommand::Saml2Bearer(a) => (grants::saml2_bearer(&a)?, a.output),
    };
    output::print_tokens(&tokens, out);
    Ok(code::OK)
}

fn exchange(a: &ExchangeArgs) -> Result<TokenSet, CliError> {
    let c = config::client(&a.client, None)?;
    let params: Vec<(&str, &str)> = a
        .params
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Ok(c.extension_grant(&a.grant_type, &params)?)
}

fn authorization_code(a: &AuthCodeArgs) -> Result<TokenSet, CliError> {
    // Listen first: the redirect URI must carry the port actually bound.
    let listener = if a.paste {
        None
    } else {
        Some(Loopback::bind(&a.redirect_uri)?)
    };
    let redirect_uri = listener
        .as_ref()
        .map(|l| l.redirect_uri().to_string())
        .unwrap_or_else(|| a.redirect_uri.clone());
    let client = config::client(&a.client, Some(&redirect_uri))?;
    let mut opts = AuthorizeOptions {
        scope: a.client.scope.clone(),
        ..Default::default()
    };
    // By their wire names: the core parses and checks them as typed options.
    let typed = [
        ("prompt", &a.prompt),
        ("max_age", &a.max_age),
        ("login_hint", &a.login_hint),
        ("acr_values", &a.acr_values),
        ("ui_locales", &a.ui_locales),
        ("claims", &a.claims),
    ];
    for (name, value) in typed {
        if let Some(v) = value {
            opts.set_param(name, v)?;
        }
    }
    for (name, value) in &a.auth_params {
        opts.set_param(name, value)?;
    }
    let request = if a.par {
        client.pushed_authorization_url(opts)?
    } else {
        client.authorization_url(opts)?
    };
    // stderr, so that stdout carries only the tokens (`--json | jq`).
    eprintln!("Open this URL in a browser to authorize:");
    eprintln!("{}", request.url);
    if a.open {
        crate::terminal::open_browser(request.url.as_str());
    }
    let redirect = match &listener {
        Some(l) => {
            eprintln!("Waiting for the redirect to {redirect_uri} …");
            l.wait(Duration::from_secs(a.wait)).map_err(|e| match e {
                oauth2kit::Error::Timeout(d) => CliError::WaitedOut(d),
                e => CliError::Core(e),
            })?
        }
        None => {
            eprintln!("Paste the URL the browser was redirected to (or its query string):");
            let mut line = String::new();
            std::io::stdin()
                .lock()
                .read_line(&mut line)
                .map_err(|e| CliError::Io(format!("reading stdin: {e}")))?;
            if line.trim().is_empty() {
                return Err(CliError::Usage("no redirect URL was pasted".into()));
            }
            line
        }
    };
    Ok(client.exchange_redirect(&request.pending, redirect.trim())?)
}

fn hint(h: Option<HintArg>) -> Option<TokenTypeHint> {
    h.map(|h| match h {
        HintArg::AccessToken => TokenTypeHint::AccessToken,
        HintArg::RefreshToken => TokenTypeHint::RefreshToken,
    })
}

pub fn introspect(a: &TokenOpArgs) -> Result<u8, CliError> {
    let c = config::client(&a.client, None)?;
    let i = c.introspect(&a.token, hint(a.token_type_hint))?;
    output::print_introspection(&i, a.json);
    Ok(if i.active { code::OK } else { code::NEGATIVE })
}

pub fn revoke(a: &TokenOpArgs) -> Result<u8, CliError> {
    let c = config::client(&a.client, None)?;
    c.revoke(&a.token, hint(a.token_type_hint))?;
    if a.json {
        println!("{}", serde_json::json!({ "revoked": true }));
    } else {
        println!("revoked");
    }
    Ok(code::OK)
}

pub fn validate(a: &ValidateArgs) -> Result<u8, CliError> {
    let c = config::client(&a.client, None)?;
    let valid = c.validate(&TokenSet::bearer(a.token.as_str()))?;
    println!("{}", if valid { "valid" } else { "invalid" });
    Ok(if valid { code::OK } else { code::NEGATIVE })
}

pub fn userinfo(a: &UserinfoArgs) -> Result<u8, CliError> {
    let c = config::client(&a.client, None)?;
    let claims = c.userinfo(&TokenSet::bearer(a.token.as_str()))?;
    // Claims about the user, not credentials: printed whole.
    println!(
        "{}",
        serde_json::to_string_pretty(&claims).unwrap_or_default()
    );
    Ok(code::OK)
}

pub fn discover(a: &DiscoverArgs) -> Result<u8, CliError> {
    let meta = blocking::Client::discover(
        &a.issuer,
        config::http_options(a.timeout, a.allow_insecure_http),
    )?;
    // Metadata is public: printed whole.
    println!(
        "{}",
        serde_json::to_string_pretty(&meta).unwrap_or_default()
    );
    Ok(code::OK)
}
