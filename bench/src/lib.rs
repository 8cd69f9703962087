//! Shared set-up of the side-by-side benchmarks: the three ways to get a
//! client-credentials token from the same server, configured alike
//! (same client, same `client_secret_basic`, same scope, connection reuse,
//! no redirects followed), and the statistics printed.
//!
//! Each contender checks its first answer before any timing, so a benchmark
//! never measures a failing request.

use std::time::Duration;

use oauth2kit_devserver::clients::{BASIC_CLIENT_ID, BASIC_CLIENT_SECRET};

pub const SCOPE: &str = "read";
pub const CLIENT_ID: &str = BASIC_CLIENT_ID;
pub const CLIENT_SECRET: &str = BASIC_CLIENT_SECRET;

/// A token answer as the devserver's token endpoint sends it (used for the
/// canned-answer run and the micro-benchmarks).
pub const CANNED_TOKEN_RESPONSE: &str = r#"{"access_token":"eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwOi8vMTI3LjAuMC4xIiwic3ViIjoiYmFzaWMtY2xpZW50IiwiY2xpZW50X2lkIjoiYmFzaWMtY2xpZW50Iiwic2NvcGUiOiJyZWFkIiwiZXhwIjo0MTAyNDQ0ODAwfQ.c2lnbmF0dXJlLW9mLXRoZS1zZXJ2ZXI","token_type":"Bearer","expires_in":3600,"scope":"read"}"#;

/// oauth2kit's async client with the default transport; `ca_pem`: a root
/// to trust besides the bundled ones (the devserver's throw-away CA).
pub fn oauth2kit_client(
    token_url: &str,
    ca_pem: Option<&str>,
) -> oauth2kit::Result<oauth2kit::Client> {
    let oauth = oauth2kit::OAuthClient::builder(CLIENT_ID)
        .client_secret(CLIENT_SECRET)
        .token_url(token_url)
        .build()?;
    let mut options = oauth2kit::HttpOptions::default();
    options
        .extra_root_certificates_pem
        .extend(ca_pem.map(str::to_string));
    oauth2kit::Client::with_options(oauth, options)
}

pub async fn oauth2kit_once(c: &oauth2kit::Client) -> Result<String, String> {
    let t = c
        .client_credentials(Some(SCOPE))
        .await
        .map_err(|e| e.to_string())?;
    Ok(t.access_token.expose().to_string())
}

/// oauth2-rs 5 with its reqwest 0.12 client; redirects off as its docs advise (SSRF).
pub struct OAuth2Rs {
    client: oauth2::basic::BasicClient<
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointNotSet,
        oauth2::EndpointSet,
    >,
    http: oauth2::reqwest::Client,
}

impl std::fmt::Debug for OAuth2Rs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Rs").finish_non_exhaustive()
    }
}

impl OAuth2Rs {
    pub fn new(token_url: &str, ca_pem: Option<&str>) -> Result<Self, String> {
        let client = oauth2::basic::BasicClient::new(oauth2::ClientId::new(CLIENT_ID.into()))
            .set_client_secret(oauth2::ClientSecret::new(CLIENT_SECRET.into()))
            .set_token_uri(oauth2::TokenUrl::new(token_url.into()).map_err(|e| e.to_string())?);
        let mut builder = oauth2::reqwest::ClientBuilder::new()
            .redirect(oauth2::reqwest::redirect::Policy::none());
        if let Some(pem) = ca_pem {
            builder = builder.add_root_certificate(
                oauth2::reqwest::Certificate::from_pem(pem.as_bytes())
                    .map_err(|e| e.to_string())?,
            );
        }
        let http = builder.build().map_err(|e| e.to_string())?;
        Ok(OAuth2Rs { client, http })
    }

    pub async fn once(&self) -> Result<String, String> {
        use oauth2::TokenResponse;
        let t = self
            .client
            .exchange_client_credentials()
            .add_scope(oauth2::Scope::new(SCOPE.into()))
            .request_async(&self.http)
            .await
            .map_err(|e| format!("{e:?}"))?;
        Ok(t.access_token().secret().clone())
    }
}

/// The baseline: a hand-built form POST with reqwest (the version oauth2kit uses),
/// reading `access_token` out of the JSON. What oauth2kit must not be much slower than.
pub struct Raw {
    http: reqwest::Client,
    url: String,
    basic: String,
}

impl std::fmt::Debug for Raw {
    /// The Basic header carries the secret: only the URL is shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Raw")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl Raw {
    pub fn new(token_url: &str, ca_pem: Option<&str>) -> Result<Self, String> {
        Self::build(token_url, with_root(reqwest::Client::builder(), ca_pem)?)
    }

    /// The same, with the timeouts oauth2kit's transport sets by default (10 s
    /// connect, 30 s total): reqwest arms a timer per request for them, which
    /// the plain baseline and oauth2-rs (no timeout by default) do not pay.
    pub fn with_timeouts(token_url: &str, ca_pem: Option<&str>) -> Result<Self, String> {
        let defaults = oauth2kit::HttpOptions::default();
        Self::build(
            token_url,
            with_root(
                reqwest::Client::builder()
                    .connect_timeout(defaults.connect_timeout)
                    .timeout(defaults.timeout),
                ca_pem,
            )?,
        )
    }

    fn build(token_url: &str, builder: reqwest::ClientBuilder) -> Result<Self, String> {
        use base64::Engine;
        // reqwest is built without a bundled crypto provider in this workspace.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = builder
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = format!("{}:{}", enc(CLIENT_ID), enc(CLIENT_SECRET));
        let basic = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair)
        );
        Ok(Raw {
            http,
            url: token_url.to_string(),
            basic,
        })
    }

    pub async fn once(&self) -> Result<String, String> {
        let body = format!("grant_type=client_credentials&scope={SCOPE}");
        let resp = self
            .http
            .post(&self.url)
            .header("authorization", &self.basic)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = resp.status();
        let bytes = resp.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("HTTP {status}"));
        }
        let v: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| e.to_string())?;
        v.get("access_token")
            .and_then(|t| t.as_str())
            .map(str::to_string)
            .ok_or_else(|| "no access_token".into())
    }
}

/// `builder` trusting `ca_pem` too (reqwest 0.13 with ring, like oauth2kit).
fn with_root(
    builder: reqwest::ClientBuilder,
    ca_pem: Option<&str>,
) -> Result<reqwest::ClientBuilder, String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    Ok(match ca_pem {
        Some(pem) => builder.add_root_certificate(
            reqwest::Certificate::from_pem(pem.as_bytes()).map_err(|e| e.to_string())?,
        ),
        None => builder,
    })
}

/// Median, 10th and 90th percentile of durations, in microseconds.
pub fn percentiles(samples: &mut [Duration]) -> (f64, f64, f64) {
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples
            .get(i)
            .map(|d| d.as_secs_f64() * 1e6)
            .unwrap_or(f64::NAN)
    };
    (at(0.5), at(0.1), at(0.9))
}
