//! # oauth2kit-keycloak
//!
//! oauth2kit against [Keycloak](https://www.keycloak.org) (pinned in
//! `keycloak.sh`), a second authorization server we did not write. Keycloak
//! is started, provisioned and stopped by `tests/keycloak/keycloak.sh` (the
//! JVM takes about a minute to start, so it is not started per test binary);
//! the tests read the fixtures file it writes from `OAUTH2KIT_KEYCLOAK_FIXTURES`.
//!
//! - [`Fixtures`]: the realm, clients and users `provision.py` made.
//! - [`User`]: a scripted user with its own cookie jar that signs in on
//!   Keycloak's login page, consents to device codes, and approves CIBA
//!   requests through the test authentication channel.
//!
//! Run with `bash scripts/test.sh keycloak` (or `tests/keycloak/test.sh`).

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use oauth2kit::blocking::Client;
use oauth2kit::{HttpOptions, OAuthClient, OAuthClientBuilder, ServerMetadata, SigningKey};
use oauth2kit_interop::html;
use reqwest::header::{CONTENT_TYPE, COOKIE, LOCATION, SET_COOKIE};
use serde_json::Value;
use url::Url;

/// What can go wrong in the harness itself (as opposed to in oauth2kit).
#[derive(Debug)]
pub enum HarnessError {
    /// Keycloak or the fixtures are missing.
    Setup(String),
    /// The scripted user could not get through Keycloak's pages.
    Flow(String),
    /// oauth2kit returned an error where the harness needed a result.
    OAuth(oauth2kit::Error),
}

impl std::fmt::Display for HarnessError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            HarnessError::Setup(s) => write!(f, "keycloak set-up: {s}"),
            HarnessError::Flow(s) => write!(f, "browser flow: {s}"),
            HarnessError::OAuth(e) => write!(f, "oauth2kit: {e}"),
        }
    }
}

impl std::error::Error for HarnessError {}

impl From<oauth2kit::Error> for HarnessError {
    fn from(e: oauth2kit::Error) -> Self {
        HarnessError::OAuth(e)
    }
}

impl From<reqwest::Error> for HarnessError {
    fn from(e: reqwest::Error) -> Self {
        HarnessError::Flow(format!("HTTP: {e}"))
    }
}

/// The environment variable naming the fixtures file.
pub const FIXTURES_VAR: &str = "OAUTH2KIT_KEYCLOAK_FIXTURES";

/// The provisioned realm (from `fixtures.json`).
#[derive(Debug, Clone)]
pub struct Fixtures {
    json: Value,
}

impl Fixtures {
    /// Reads the fixtures file. Missing is an error, never a skip: this
    /// crate is only run by the Keycloak suite, which provides it.
    pub fn load() -> Result<Self, HarnessError> {
        let path = std::env::var(FIXTURES_VAR).map_err(|_| {
            HarnessError::Setup(format!(
                "{FIXTURES_VAR} is not set: run `bash scripts/test.sh keycloak` (it starts Keycloak and sets it)"
            ))
        })?;
        let text = std::fs::read_to_string(&path)
            .map_err(|e| HarnessError::Setup(format!("cannot read {path}: {e}")))?;
        let json =
            serde_json::from_str(&text).map_err(|e| HarnessError::Setup(format!("{path}: {e}")))?;
        Ok(Fixtures { json })
    }

    fn str(&self, pointer: &str) -> String {
        self.json
            .pointer(pointer)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()
    }

    /// The realm's issuer, `http://127.0.0.1:<port>/realms/oauth2kit`.
    pub fn issuer(&self) -> String {
        self.str("/issuer")
    }

    /// The test user's name and password.
    pub fn user(&self) -> (String, String) {
        (self.str("/user/username"), self.str("/user/password"))
    }

    /// The redirect URI of confidential clients (never served: the user stops at it).
    pub fn web_redirect_uri(&self) -> String {
        self.str("/web_redirect_uri")
    }

    /// The registered loopback redirect URI (any port, RFC 8252 §7.3).
    pub fn loopback_redirect_uri(&self) -> String {
        self.str("/loopback_redirect_uri")
    }

    /// A client's `client_id` (`basic`, `post`, `jwt_secret`, `rsa`, `ec`,
    /// `public`, `public_device`, `dpop`, `ciba`, `target`).
    pub fn client_id(&self, kind: &str) -> String {
        self.str(&format!("/clients/{kind}/id"))
    }

    /// A client's secret, when it has one.
    pub fn secret(&self, kind: &str) -> Option<String> {
        Some(self.str(&format!("/clients/{kind}/secret"))).filter(|s| !s.is_empty())
    }

    /// The realm's metadata, discovered by oauth2kit.
    pub fn metadata(&self) -> Result<ServerMetadata, HarnessError> {
        Ok(Client::discover(&self.issuer(), HttpOptions::default())?)
    }

    /// A builder for a provisioned client: credentials, key, redirect URI
    /// and the discovered metadata.
    pub fn builder(
        &self,
        kind: &str,
        metadata: &ServerMetadata,
    ) -> Result<OAuthClientBuilder, HarnessError> {
        let mut b = OAuthClient::builder(self.client_id(kind))
            .metadata(metadata.clone())
            .redirect_uri(self.web_redirect_uri());
        if let Some(secret) = self.secret(kind) {
            b = b.client_secret(secret);
        }
        let key = self.str(&format!("/clients/{kind}/key"));
        if !key.is_empty() {
            let path = std::path::Path::new(&self.str("/keys_dir")).join(&key);
            let pem = std::fs::read_to_string(&path)
                .map_err(|e| HarnessError::Setup(format!("{}: {e}", path.display())))?;
            let alg = self.str(&format!("/clients/{kind}/alg"));
            b = b.private_key(
                SigningKey::from_pem_with_algorithm(&pem, &alg)?
                    .with_kid(self.str(&format!("/clients/{kind}/kid"))),
            );
        }
        Ok(b)
    }

    /// A blocking client for a provisioned client.
    pub fn client(&self, kind: &str, metadata: &ServerMetadata) -> Result<Client, HarnessError> {
        Ok(Client::new(self.builder(kind, metadata)?.build()?)?)
    }

    /// Waits for the CIBA request with this binding message to reach the
    /// test authentication channel, then answers it through Keycloak's
    /// callback endpoint (`approve`: SUCCEED, else UNAUTHORIZED).
    pub fn answer_ciba(
        &self,
        binding_message: &str,
        approve: bool,
        timeout: Duration,
    ) -> Result<(), HarnessError> {
        let http = plain_http()?;
        let channel = Url::parse(&self.str("/ciba_channel"))
            .map_err(|e| HarnessError::Setup(format!("ciba_channel: {e}")))?;
        let deadline = Instant::now() + timeout;
        let authorization = loop {
            // A long poll: the channel answers as soon as the request arrives (or after 5 s).
            let mut url = channel
                .join("/requests")
                .map_err(|e| HarnessError::Setup(e.to_string()))?;
            url.query_pairs_mut()
                .append_pair("binding_message", binding_message)
                .append_pair("wait", "5");
            let resp = http.get(url).send()?;
            if resp.status().as_u16() == 200 {
                let v: Value = serde_json::from_str(&resp.text()?)
                    .map_err(|e| HarnessError::Flow(format!("CIBA channel: {e}")))?;
                break v["authorization"].as_str().unwrap_or_default().to_string();
            }
            if Instant::now() > deadline {
                return Err(HarnessError::Flow(format!(
                    "no CIBA request with binding message {binding_message:?} reached the channel"
                )));
            }
        };
        let status = if approve { "SUCCEED" } else { "UNAUTHORIZED" };
        let resp = http
            .post(self.str("/ciba_callback"))
            .header("authorization", authorization)
            .header(CONTENT_TYPE, "application/json")
            .body(format!(r#"{{"status":"{status}"}}"#))
            .send()?;
        if !resp.status().is_success() {
            return Err(HarnessError::Flow(format!(
                "CIBA callback answered {}",
                resp.status()
            )));
        }
        Ok(())
    }
}

fn plain_http() -> Result<reqwest::blocking::Client, HarnessError> {
    // reqwest is built without a default crypto provider; hand it one,
    // although only plain loopback HTTP is ever spoken here.
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| HarnessError::Setup(format!("TLS set-up: {e}")))?
    .with_root_certificates(rustls::RootCertStore::empty())
    .with_no_client_auth();
    reqwest::blocking::Client::builder()
        .tls_backend_preconfigured(tls)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| HarnessError::Setup(format!("cannot build an HTTP client: {e}")))
}

/// Pages and redirects one flow may take before we call it a loop.
const MAX_STEPS: usize = 15;

/// A user with a browser and a fresh cookie jar.
///
/// Keycloak marks its login cookies `Secure` even over plain http on
/// loopback. Browsers treat `http://127.0.0.1` as a secure context and send
/// them back; reqwest's cookie store does not, so this jar is its own: one
/// host (the loopback Keycloak), every cookie sent back, none sent elsewhere.
#[derive(Debug)]
pub struct User {
    http: reqwest::blocking::Client,
    jar: BTreeMap<String, String>,
    origin: String,
    name: String,
    password: String,
}

impl User {
    /// The realm's test user, not signed in.
    pub fn new(fx: &Fixtures) -> Result<Self, HarnessError> {
        let (name, password) = fx.user();
        let issuer = Url::parse(&fx.issuer()).map_err(|e| HarnessError::Setup(e.to_string()))?;
        Ok(User {
            http: plain_http()?,
            jar: BTreeMap::new(),
            origin: issuer.origin().ascii_serialization(),
            name,
            password,
        })
    }

    fn send(
        &mut self,
        url: &str,
        form: Option<&[(String, String)]>,
    ) -> Result<(u16, Option<String>, String), HarnessError> {
        if !url.starts_with(&self.origin) {
            return Err(HarnessError::Flow(format!(
                "would send Keycloak's cookies elsewhere: {}",
                url.split('?').next().unwrap_or_default()
            )));
        }
        let mut req = match form {
            Some(fields) => self
                .http
                .post(url)
                .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(
                    serde_urlencoded::to_string(fields)
                        .map_err(|e| HarnessError::Flow(format!("form: {e}")))?,
                ),
            None => self.http.get(url),
        };
        if !self.jar.is_empty() {
            let cookies: Vec<String> = self.jar.iter().map(|(k, v)| format!("{k}={v}")).collect();
            req = req.header(COOKIE, cookies.join("; "));
        }
        let resp = req.send()?;
        for value in resp.headers().get_all(SET_COOKIE) {
            let value = value.to_str().unwrap_or_default();
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                let lower = value.to_ascii_lowercase();
                if lower.contains("max-age=0") || lower.contains("expires=thu, 01 jan 1970") {
                    self.jar.remove(k.trim());
                } else {
                    self.jar.insert(k.trim().to_string(), v.trim().to_string());
                }
            }
        }
        let status = resp.status().as_u16();
        let location = resp
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(|l| {
                Url::parse(url)
                    .and_then(|base| base.join(l))
                    .map_or_else(|_| l.to_string(), String::from)
            });
        Ok((status, location, resp.text().unwrap_or_default()))
    }

    /// Walks from `url` through Keycloak's pages: signs in on the login
    /// form, accepts a consent form, and stops at the first redirect that
    /// leaves Keycloak (returned, not followed) or at a page without a form
    /// (returned as `Err(page)` text for the device flow's end page).
    fn walk(&mut self, url: &str) -> Result<Result<String, String>, HarnessError> {
        let mut url = url.to_string();
        let (mut status, mut location, mut page) = self.send(&url, None)?;
        for _ in 0..MAX_STEPS {
            if (300..400).contains(&status) {
                let next = location
                    .clone()
                    .ok_or_else(|| HarnessError::Flow(format!("{status} without Location")))?;
                if !next.starts_with(&self.origin) {
                    return Ok(Ok(next));
                }
                url = next;
                (status, location, page) = self.send(&url, None)?;
                continue;
            }
            if status != 200 {
                return Err(HarnessError::Flow(format!(
                    "{} answered {status}: {}",
                    url.split('?').next().unwrap_or_default(),
                    feedback(&page)
                )));
            }
            let Some(form) = html::first_form(&page) else {
                return Ok(Err(feedback(&page)));
            };
            let mut fields: Vec<(String, String)> = form
                .inputs
                .iter()
                .filter(|i| !matches!(i.kind.as_str(), "submit" | "button"))
                .filter(|i| i.name != "credentialId")
                .map(|i| (i.name.clone(), i.value.clone()))
                .collect();
            let names: Vec<&str> = form.inputs.iter().map(|i| i.name.as_str()).collect();
            if names.contains(&"password") {
                fields.retain(|(n, _)| n != "username" && n != "password");
                fields.push(("username".into(), self.name.clone()));
                fields.push(("password".into(), self.password.clone()));
            } else if page.contains("name=\"accept\"") {
                fields.push(("accept".into(), "Yes".into()));
            } else {
                return Err(HarnessError::Flow(format!(
                    "unexpected form on {}: {}",
                    url.split('?').next().unwrap_or_default(),
                    feedback(&page)
                )));
            }
            let action = Url::parse(&url)
                .and_then(|u| u.join(&form.action))
                .map_err(|e| HarnessError::Flow(format!("form action: {e}")))?;
            url = action.to_string();
            (status, location, page) = self.send(&url, Some(&fields))?;
        }
        Err(HarnessError::Flow("too many steps".into()))
    }

    /// Opens an authorization URL, signs in, and returns the redirect to
    /// the client (not followed).
    pub fn authorize(&mut self, authorization_url: &str) -> Result<String, HarnessError> {
        match self.walk(authorization_url)? {
            Ok(redirect) => Ok(redirect),
            Err(page) => Err(HarnessError::Flow(format!(
                "the login ended on a page: {page}"
            ))),
        }
    }

    /// Follows a redirect to the client, as a browser would (to a loopback
    /// listener): a plain GET without Keycloak's cookies.
    pub fn deliver(&self, redirect: &str) -> Result<u16, HarnessError> {
        Ok(self.http.get(redirect).send()?.status().as_u16())
    }

    /// Opens `verification_uri_complete`, signs in and grants the device.
    pub fn approve_device(&mut self, verification_uri_complete: &str) -> Result<(), HarnessError> {
        match self.walk(verification_uri_complete)? {
            Err(page) if page.contains("Device Login Successful") => Ok(()),
            Err(page) => Err(HarnessError::Flow(format!("device flow ended on: {page}"))),
            Ok(redirect) => Err(HarnessError::Flow(format!(
                "device flow left Keycloak: {}",
                redirect.split('?').next().unwrap_or_default()
            ))),
        }
    }
}

/// The title and feedback text of a Keycloak page (no secret is ever on it).
fn feedback(page: &str) -> String {
    let start = page
        .find("id=\"kc-page-title\"")
        .or_else(|| page.find("<title>"))
        .unwrap_or(0);
    let start = page[start..].find('>').map_or(start, |i| start + i + 1);
    let mut out = String::new();
    let mut inside = false;
    for ch in page[start..].chars().take(2000) {
        match ch {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            c if !inside => out.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ").chars().take(200).collect()
}
