//! From command-line flags to a configured `blocking::Client`. All protocol
//! decisions stay in the core: this only forwards what the user gave.

use std::time::Duration;

use oauth2kit::blocking;
use oauth2kit::{AuthMethod, HttpOptions, OAuthClient, Profile, SigningKey};

use crate::args::{AuthMethodArg, ClientArgs};
use crate::exit::CliError;

pub fn http_options(timeout_secs: u64, allow_insecure_http: bool) -> HttpOptions {
    HttpOptions {
        timeout: Duration::from_secs(timeout_secs.max(1)),
        allow_insecure_http,
        user_agent: concat!("oauth2kit-cli/", env!("CARGO_PKG_VERSION")).to_string(),
        ..Default::default()
    }
}

impl From<AuthMethodArg> for AuthMethod {
    fn from(m: AuthMethodArg) -> Self {
        match m {
            AuthMethodArg::Basic => AuthMethod::ClientSecretBasic,
            AuthMethodArg::Post => AuthMethod::ClientSecretPost,
            AuthMethodArg::Jwt => AuthMethod::ClientSecretJwt,
            AuthMethodArg::PrivateKeyJwt => AuthMethod::PrivateKeyJwt,
            AuthMethodArg::None => AuthMethod::None,
        }
    }
}

/// Reads a private key file: a JWK when it looks like JSON, else PEM.
pub fn load_key(path: &std::path::Path) -> Result<SigningKey, CliError> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        CliError::Usage(format!(
            "cannot read the private key {}: {e}",
            path.display()
        ))
    })?;
    let key = if text.trim_start().starts_with('{') {
        SigningKey::from_jwk(&text)
    } else {
        SigningKey::from_pem(&text)
    };
    Ok(key?)
}

/// Builds the client. `redirect_uri` is set by the authorization-code command.
pub fn client(args: &ClientArgs, redirect_uri: Option<&str>) -> Result<blocking::Client, CliError> {
    let options = http_options(args.timeout, args.allow_insecure_http);
    let mut b = OAuthClient::builder(args.client_id.clone());
    if let Some(p) = &args.profile {
        b = b.profile(Profile::load(p)?);
    }
    if let Some(issuer) = &args.issuer {
        let meta = blocking::Client::discover(issuer, options.clone())?;
        b = b.metadata(meta).issuer(issuer.clone());
    }
    if let Some(s) = &args.client_secret {
        b = b.client_secret(s.as_str());
    }
    if let Some(path) = &args.private_key {
        b = b.private_key(load_key(path)?);
    }
    if let Some(m) = args.auth_method {
        b = b.auth_method(m.into());
    }
    type Setter = fn(oauth2kit::OAuthClientBuilder, String) -> oauth2kit::OAuthClientBuilder;
    let urls: [(&Option<String>, Setter); 11] = [
        (&args.par_url, |b, u| b.par_url(u)),
        (&args.userinfo_url, |b, u| b.userinfo_url(u)),
        (&args.jwks_uri, |b, u| b.jwks_uri(u)),
        (&args.token_url, |b, u| b.token_url(u)),
        (&args.authorization_url, |b, u| b.authorization_url(u)),
        (&args.refresh_url, |b, u| b.refresh_url(u)),
        (&args.introspection_url, |b, u| b.introspection_url(u)),
        (&args.revocation_url, |b, u| b.revocation_url(u)),
        (&args.validate_url, |b, u| b.validate_url(u)),
        (&args.device_authorization_url, |b, u| {
            b.device_authorization_url(u)
        }),
        (&args.backchannel_authentication_url, |b, u| {
            b.backchannel_authentication_url(u)
        }),
    ];
    for (value, set) in urls {
        if let Some(u) = value {
            b = set(b, u.clone());
        }
    }
    if let Some(base) = &args.base_url {
        b = b.base_url(base.clone());
    }
    if let Some(s) = &args.scope {
        b = b.scope(s.clone());
    }
    for r in &args.resource {
        b = b.resource(r.clone());
    }
    if let Some(r) = redirect_uri {
        b = b.redirect_uri(r);
    }
    b = b.allow_insecure_http(args.allow_insecure_http);
    Ok(blocking::Client::with_options(b.build()?, options)?)
}
