//! A scripted user agent for oidc-provider's development pages: it follows
//! redirects by hand, keeps cookies, fills the login, consent and device-code
//! forms, and stops at the first redirect that leaves the server (the client's
//! redirect URI, which nobody serves). Each [`Browser`] has its own cookie jar:
//! oidc-provider remembers a login and its grant per session, so tests must
//! not share one.

use std::time::Duration;

use reqwest::blocking::{Client, Response};
use reqwest::header::{CONTENT_TYPE, LOCATION};
use url::Url;

use crate::HarnessError;
use crate::html::{self, Form};

/// Pages and redirects one flow may take before we call it a loop.
const MAX_STEPS: usize = 25;

/// What the user does at the first login page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Decision {
    Approve,
    /// Presses "abort" (oidc-provider's `/interaction/:uid/abort`).
    Deny,
}

/// Where a walk through the pages ended.
#[derive(Debug)]
enum End {
    /// A redirect off the server's origin (not followed).
    LeftServer(String),
    /// A page with no form (e.g. "Sign-in Success").
    Page(String),
}

/// A user with a browser and a fresh cookie jar.
#[derive(Debug)]
pub struct Browser {
    http: Client,
    user: String,
    password: String,
}

impl Browser {
    /// A browser signed in as nobody yet, who will sign in as `alice`.
    pub fn new() -> Result<Self, HarnessError> {
        Self::as_user("alice", "wonderland")
    }

    /// A browser that signs in as `user` (oidc-provider's dev login accepts any name).
    pub fn as_user(user: &str, password: &str) -> Result<Self, HarnessError> {
        // reqwest is built without a default crypto provider; hand it one,
        // although only plain loopback HTTP is ever spoken here.
        let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| HarnessError::Setup(format!("TLS set-up: {e}")))?
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
        let http = Client::builder()
            .tls_backend_preconfigured(tls)
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| {
                HarnessError::Setup(format!("cannot build the browser's HTTP client: {e}"))
            })?;
        Ok(Browser {
            http,
            user: user.into(),
            password: password.into(),
        })
    }

    /// Opens an authorization URL, signs in, consents, and returns the URL
    /// the server redirects to (the redirect URI with `code`, `state`, `iss`,
    /// or with `error`). The redirect itself is not followed.
    pub fn authorize(&self, authorization_url: &str) -> Result<String, HarnessError> {
        self.front_channel(authorization_url, Decision::Approve)
    }

    /// Opens an authorization URL and refuses at the first page; returns the
    /// redirect back (which should carry `error=access_denied`).
    pub fn deny(&self, authorization_url: &str) -> Result<String, HarnessError> {
        self.front_channel(authorization_url, Decision::Deny)
    }

    fn front_channel(
        &self,
        authorization_url: &str,
        decision: Decision,
    ) -> Result<String, HarnessError> {
        let url = parse(authorization_url)?;
        match self.walk(url, None, decision)? {
            End::LeftServer(location) => Ok(location),
            End::Page(page) => Err(HarnessError::Flow(format!(
                "the server showed a page instead of redirecting back: {}",
                excerpt(&page)
            ))),
        }
    }

    /// Approves a device authorization (RFC 8628) the way a user would: opens
    /// the verification URI, types the user code, confirms, signs in,
    /// consents. Returns when the server shows its success page.
    pub fn approve_device(
        &self,
        verification_uri: &str,
        user_code: &str,
    ) -> Result<(), HarnessError> {
        match self.walk(parse(verification_uri)?, Some(user_code), Decision::Approve)? {
            End::Page(page) if page.contains("Sign-in Success") => Ok(()),
            End::Page(page) => Err(HarnessError::Flow(format!(
                "device approval did not succeed: {}",
                excerpt(&page)
            ))),
            End::LeftServer(location) => Err(HarnessError::Flow(format!(
                "device approval left the server for {location}"
            ))),
        }
    }

    /// Opens the verification URI, types the user code, and presses "abort"
    /// on the confirmation page (the device then gets `access_denied`).
    pub fn deny_device(&self, verification_uri: &str, user_code: &str) -> Result<(), HarnessError> {
        match self.walk(parse(verification_uri)?, Some(user_code), Decision::Deny)? {
            End::Page(page) if page.contains("interrupted") => Ok(()),
            End::Page(page) => Err(HarnessError::Flow(format!(
                "device denial not acknowledged: {}",
                excerpt(&page)
            ))),
            End::LeftServer(location) => Err(HarnessError::Flow(format!(
                "device denial left the server for {location}"
            ))),
        }
    }

    /// Follows redirects and submits forms until a redirect leaves the
    /// server's origin or a page has no form.
    fn walk(
        &self,
        start: Url,
        user_code: Option<&str>,
        decision: Decision,
    ) -> Result<End, HarnessError> {
        let origin = start.origin();
        let mut response = self.send(self.http.get(start.clone()), &start)?;
        let mut current = start;
        for _ in 0..MAX_STEPS {
            let status = response.status();
            if status.is_redirection() {
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .ok_or_else(|| {
                        HarnessError::Flow(format!("{status} from {current} without a Location"))
                    })?;
                let next = current
                    .join(location)
                    .map_err(|e| HarnessError::Flow(format!("bad Location {location:?}: {e}")))?;
                if next.origin() != origin {
                    return Ok(End::LeftServer(next.to_string()));
                }
                response = self.send(self.http.get(next.clone()), &next)?;
                current = next;
                continue;
            }
            let body = response
                .text()
                .map_err(|e| HarnessError::Flow(format!("reading {current}: {e}")))?;
            if !status.is_success() {
                return Err(HarnessError::Flow(format!(
                    "HTTP {status} from {current}: {}",
                    excerpt(&body)
                )));
            }
            // oidc-provider's device pages show errors in red above the same
            // form; submitting it again would only loop.
            if body.contains("class=\"red\"") {
                return Err(HarnessError::Flow(format!(
                    "the server reports an error: {}",
                    excerpt(&body)
                )));
            }
            let Some(form) = html::first_form(&body) else {
                return Ok(End::Page(body));
            };
            let action = current.join(&form.action).map_err(|e| {
                HarnessError::Flow(format!("bad form action {:?}: {e}", form.action))
            })?;
            if decision == Decision::Deny && action.path().contains("/interaction/") {
                // The dev pages' "Cancel" link: `<submit URL>/abort`.
                let abort = Url::parse(&format!("{}/abort", action.as_str().trim_end_matches('/')))
                    .map_err(|e| HarnessError::Flow(format!("abort URL: {e}")))?;
                response = self.send(self.http.get(abort.clone()), &abort)?;
                current = abort;
                continue;
            }
            let mut fields = self.fill(&form, user_code)?;
            // The device confirmation page: its "abort" button sends abort=yes
            // instead of confirm=yes; the answer is a page, where we stop.
            let abort_device =
                decision == Decision::Deny && fields.iter().any(|(k, _)| k == "confirm");
            if abort_device {
                fields.retain(|(k, _)| k != "confirm");
                fields.push(("abort".into(), "yes".into()));
            }
            response = self.submit(&form, &action, &fields)?;
            current = action;
            if abort_device && !response.status().is_redirection() {
                let page = response
                    .text()
                    .map_err(|e| HarnessError::Flow(format!("reading {current}: {e}")))?;
                return Ok(End::Page(page));
            }
        }
        Err(HarnessError::Flow(format!(
            "more than {MAX_STEPS} pages and redirects; stopped at {current}"
        )))
    }

    /// The values a user would give: hidden fields as they are, the login
    /// and password, the user code.
    fn fill(
        &self,
        form: &Form,
        user_code: Option<&str>,
    ) -> Result<Vec<(String, String)>, HarnessError> {
        form.inputs
            .iter()
            .map(|input| {
                let value = match (input.name.as_str(), input.kind.as_str()) {
                    ("login", _) => self.user.clone(),
                    ("password", _) => self.password.clone(),
                    ("user_code", "text") if input.value.is_empty() => user_code
                        .ok_or_else(|| {
                            HarnessError::Flow(
                                "the server asks for a user code but none was given".into(),
                            )
                        })?
                        .to_string(),
                    _ => input.value.clone(),
                };
                Ok((input.name.clone(), value))
            })
            .collect()
    }

    fn submit(
        &self,
        form: &Form,
        action: &Url,
        fields: &[(String, String)],
    ) -> Result<Response, HarnessError> {
        // reqwest's `form` feature is off in this workspace: encode by hand.
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish();
        if form.method == "GET" {
            let mut url = action.clone();
            url.set_query(Some(&body));
            return self.send(self.http.get(url.clone()), &url);
        }
        let request = self
            .http
            .post(action.clone())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(body);
        self.send(request, action)
    }

    fn send(
        &self,
        request: reqwest::blocking::RequestBuilder,
        url: &Url,
    ) -> Result<Response, HarnessError> {
        request
            .send()
            .map_err(|e| HarnessError::Flow(format!("request to {url} failed: {e}")))
    }
}

fn parse(url: &str) -> Result<Url, HarnessError> {
    Url::parse(url).map_err(|e| HarnessError::Flow(format!("invalid URL {url:?}: {e}")))
}

/// The visible text of a page, shortened, for error messages.
fn excerpt(page: &str) -> String {
    // Style sheets and scripts are not visible text.
    let mut page = page.to_string();
    for tag in ["style", "script"] {
        while let Some(start) = page.find(&format!("<{tag}")) {
            let end = page[start..]
                .find(&format!("</{tag}>"))
                .map_or(page.len(), |i| start + i + tag.len() + 3);
            page.replace_range(start..end, " ");
        }
    }
    let mut text = String::new();
    let mut in_tag = false;
    for c in page.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = text.split_whitespace().collect();
    let joined = words.join(" ");
    joined.chars().take(300).collect()
}
