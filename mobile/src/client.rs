//! `OAuthClient`: the core's async [`oauth2kit::Client`] behind a UniFFI
//! object. Every method only converts arguments, hands the core future to
//! [`crate::runtime::run`] and converts the answer back: the protocol lives in
//! the core.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use oauth2kit as kit;

use crate::error::{OAuth2KitError, config};
use crate::runtime::run;
use crate::types::{
    AuthorizeOptions, ClientConfig, HttpHeader, Introspection, Parameter, TokenSet, TokenTypeHint,
    json_error, pairs,
};

/// What to keep between opening the browser and the redirect back: state,
/// PKCE verifier, redirect URI. `toString()` / `description` hide them.
/// Android may kill the app while the browser is open: persist it with
/// [`PendingAuthorization::to_json`] in secure storage and restore it with
/// [`PendingAuthorization::from_json`].
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct PendingAuthorization {
    inner: kit::PendingAuthorization,
}

impl fmt::Display for PendingAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PendingAuthorization(redirectUri={:?}, state=[redacted], pkce={})",
            self.inner.redirect_uri,
            self.inner.code_verifier.is_some()
        )
    }
}

#[uniffi::export]
impl PendingAuthorization {
    /// Restores a pending authorization saved with `toJson()`.
    #[uniffi::constructor]
    pub fn from_json(json: String) -> Result<Arc<Self>, OAuth2KitError> {
        serde_json::from_str(&json)
            .map(|inner| Arc::new(PendingAuthorization { inner }))
            .map_err(|e| {
                config(format!(
                    "not a saved pending authorization: {}",
                    json_error(&e)
                ))
            })
    }

    /// JSON holding the state and the PKCE verifier: keep it in secure storage only.
    pub fn to_json(&self) -> Result<String, OAuth2KitError> {
        serde_json::to_string(&self.inner)
            .map_err(|e| config(format!("cannot serialize: {}", json_error(&e))))
    }

    /// The `state` sent; use it to find this request when several are open.
    pub fn state(&self) -> String {
        self.inner.state.expose().to_string()
    }

    /// The redirect URI sent (the code exchange repeats it).
    pub fn redirect_uri(&self) -> Option<String> {
        self.inner.redirect_uri.clone()
    }
}

/// The URL to open in the browser (Custom Tabs, `ASWebAuthenticationSession`)
/// and what to keep until the redirect comes back.
#[derive(Debug, uniffi::Record)]
pub struct AuthorizationRequest {
    /// Where to send the user.
    pub url: String,
    /// Hand this to `handleRedirect` with the redirect URL.
    pub pending: Arc<PendingAuthorization>,
}

/// An OAuth 2.0 client for one authorization server. Thread-safe; share one.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct OAuthClient {
    pub(crate) inner: kit::Client,
}

impl fmt::Display for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let o = self.inner.oauth();
        write!(
            f,
            "OAuthClient(clientId={}, profile={}, authMethod={})",
            o.client_id(),
            o.profile().name,
            o.auth_method().as_str()
        )
    }
}

fn non_negative(v: Option<i64>, what: &str) -> Result<Option<u64>, OAuth2KitError> {
    v.map(|v| u64::try_from(v).map_err(|_| config(format!("{what} must not be negative"))))
        .transpose()
}

fn http_options(c: &ClientConfig) -> Result<kit::HttpOptions, OAuth2KitError> {
    let mut o = kit::HttpOptions::default();
    if let Some(ms) = non_negative(c.timeout_ms, "timeoutMs")? {
        o.timeout = Duration::from_millis(ms);
    }
    if let Some(n) = non_negative(c.max_response_bytes, "maxResponseBytes")? {
        o.max_response_bytes = usize::try_from(n).unwrap_or(usize::MAX);
    }
    o.extra_root_certificates_pem = c.extra_root_certificates_pem.clone();
    Ok(o)
}

/// Sets one URL of the core builder.
type UrlSetter = fn(kit::OAuthClientBuilder, String) -> kit::OAuthClientBuilder;

/// The core configuration from the record; `metadata` from discovery, if any.
fn build_oauth(
    c: &ClientConfig,
    metadata: Option<kit::ServerMetadata>,
) -> Result<kit::OAuthClient, OAuth2KitError> {
    let mut b = kit::OAuthClient::builder(c.client_id.clone());
    let profile = match (&c.profile, &c.profile_text) {
        (Some(_), Some(_)) => return Err(config("give either profile or profileText, not both")),
        (Some(name), None) => Some(kit::Profile::load(name)?),
        (None, Some(text)) => Some(kit::Profile::from_text(text, "profileText")?),
        (None, None) => None,
    };
    if let Some(p) = profile {
        b = b.profile(p);
    }
    if let Some(s) = &c.client_secret {
        b = b.client_secret(s.as_str());
    }
    if let Some(pem) = &c.private_key_pem {
        b = b.private_key(kit::SigningKey::from_pem(pem)?);
    }
    if let Some(m) = c.auth_method {
        b = b.auth_method(m.into());
    }
    if let Some(m) = metadata {
        b = b.metadata(m);
    }
    let urls: [(&Option<String>, UrlSetter); 12] = [
        (&c.issuer, |b, v| b.issuer(v)),
        (&c.base_url, |b, v| b.base_url(v)),
        (&c.authorization_url, |b, v| b.authorization_url(v)),
        (&c.token_url, |b, v| b.token_url(v)),
        (&c.refresh_url, |b, v| b.refresh_url(v)),
        (&c.introspection_url, |b, v| b.introspection_url(v)),
        (&c.revocation_url, |b, v| b.revocation_url(v)),
        (&c.device_authorization_url, |b, v| {
            b.device_authorization_url(v)
        }),
        (&c.validate_url, |b, v| b.validate_url(v)),
        (&c.backchannel_authentication_url, |b, v| {
            b.backchannel_authentication_url(v)
        }),
        (&c.par_url, |b, v| b.par_url(v)),
        (&c.redirect_uri, |b, v| b.redirect_uri(v)),
    ];
    for (value, set) in urls {
        if let Some(v) = value {
            b = set(b, v.clone());
        }
    }
    if let Some(s) = &c.scope {
        b = b.scope(s.clone());
    }
    Ok(b.allow_insecure_http(c.allow_insecure_http).build()?)
}

impl OAuthClient {
    pub(crate) fn core(&self) -> kit::Client {
        self.inner.clone()
    }
}

#[uniffi::export]
impl OAuthClient {
    /// A client from explicit endpoints or a profile. Makes no request.
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, OAuth2KitError> {
        let oauth = build_oauth(&config, None)?;
        let inner = kit::Client::with_options(oauth, http_options(&config)?)?;
        Ok(Arc::new(OAuthClient { inner }))
    }

    /// A client whose endpoints are read from the `issuer`'s metadata
    /// (RFC 8414, then OpenID Connect discovery); explicit URLs still win.
    #[uniffi::constructor]
    pub async fn discover(config: ClientConfig) -> Result<Arc<Self>, OAuth2KitError> {
        let issuer = config
            .issuer
            .clone()
            .ok_or_else(|| crate::error::config("discover needs an issuer"))?;
        let options = http_options(&config)?;
        let transport_options = options.clone();
        let metadata = run(async move {
            let transport = kit::transport::ReqwestTransport::new(transport_options)?;
            kit::Client::discover(&transport, &issuer).await
        })
        .await?;
        let inner = kit::Client::with_options(build_oauth(&config, Some(metadata))?, options)?;
        Ok(Arc::new(OAuthClient { inner }))
    }

    /// The authorization URL (state and PKCE S256 by default) and what to
    /// keep until the redirect. Makes no request.
    #[uniffi::method(default(options))]
    pub fn authorization_request(
        &self,
        options: Option<AuthorizeOptions>,
    ) -> Result<AuthorizationRequest, OAuth2KitError> {
        let req = self
            .inner
            .authorization_url(options.unwrap_or_default().into())?;
        Ok(AuthorizationRequest {
            url: req.url.to_string(),
            pending: Arc::new(PendingAuthorization { inner: req.pending }),
        })
    }

    /// Like `authorizationRequest`, through a pushed authorization request
    /// (RFC 9126): the parameters go authenticated in a back-channel POST and
    /// the browser sees only `client_id` and `request_uri`.
    #[uniffi::method(default(options))]
    pub async fn pushed_authorization_request(
        &self,
        options: Option<AuthorizeOptions>,
    ) -> Result<AuthorizationRequest, OAuth2KitError> {
        let c = self.core();
        let opts: kit::AuthorizeOptions = options.unwrap_or_default().into();
        let req = run(async move { c.pushed_authorization_url(opts).await }).await?;
        Ok(AuthorizationRequest {
            url: req.url.to_string(),
            pending: Arc::new(PendingAuthorization { inner: req.pending }),
        })
    }

    /// Checks the redirect back (state, `iss`, error) and exchanges its code.
    pub async fn handle_redirect(
        &self,
        pending: Arc<PendingAuthorization>,
        redirect_url: String,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.exchange_redirect(&pending.inner, &redirect_url).await })
            .await
            .map(Into::into)
    }

    /// Exchanges a code you extracted (and whose state you checked) yourself.
    pub async fn exchange_code(
        &self,
        pending: Arc<PendingAuthorization>,
        code: String,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.exchange_code(&pending.inner, &code).await })
            .await
            .map(Into::into)
    }

    /// Client credentials grant; `scope` null: the configured scope.
    #[uniffi::method(default(scope))]
    pub async fn client_credentials(
        &self,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.client_credentials(scope.as_deref()).await })
            .await
            .map(Into::into)
    }

    /// Resource owner password grant (legacy; OAuth 2.1 removes it).
    #[uniffi::method(default(scope))]
    pub async fn password(
        &self,
        username: String,
        password: String,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.password(&username, &password, scope.as_deref()).await })
            .await
            .map(Into::into)
    }

    /// Refresh. The answer keeps the old refresh token when it carries none;
    /// a refused refresh token throws `ReauthorizationRequired`.
    #[uniffi::method(default(scope))]
    pub async fn refresh(
        &self,
        refresh_token: String,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move {
            c.refresh(&kit::Secret::new(refresh_token), scope.as_deref())
                .await
        })
        .await
        .map(Into::into)
    }

    /// Any grant by its `grant_type` URI with parameters.
    pub async fn extension_grant(
        &self,
        grant_type: String,
        params: Vec<Parameter>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.extension_grant(&grant_type, &pairs(&params)).await })
            .await
            .map(Into::into)
    }

    /// Token introspection (RFC 7662).
    #[uniffi::method(default(hint))]
    pub async fn introspect(
        &self,
        token: String,
        hint: Option<TokenTypeHint>,
    ) -> Result<Introspection, OAuth2KitError> {
        let c = self.core();
        run(async move { c.introspect(&token, hint.map(Into::into)).await })
            .await
            .map(Into::into)
    }

    /// Token revocation (RFC 7009).
    #[uniffi::method(default(hint))]
    pub async fn revoke(
        &self,
        token: String,
        hint: Option<TokenTypeHint>,
    ) -> Result<(), OAuth2KitError> {
        let c = self.core();
        run(async move { c.revoke(&token, hint.map(Into::into)).await }).await
    }

    /// Asks the profile's validation endpoint whether the token is valid
    /// (true), or refused (false: 401/403).
    pub async fn validate(&self, tokens: TokenSet) -> Result<bool, OAuth2KitError> {
        let c = self.core();
        let tokens: kit::TokenSet = tokens.try_into()?;
        run(async move { c.validate(&tokens).await }).await
    }

    /// The header that presents the token to APIs, as the profile says.
    pub fn authorization_header(&self, tokens: TokenSet) -> Result<HttpHeader, OAuth2KitError> {
        let tokens: kit::TokenSet = tokens.try_into()?;
        let (name, value) = self.inner.oauth().authorization_header(&tokens);
        Ok(HttpHeader { name, value })
    }

    /// Reads the token of an implicit-grant redirect (legacy servers only).
    pub fn implicit_token(
        &self,
        pending: Arc<PendingAuthorization>,
        redirect_url: String,
    ) -> Result<TokenSet, OAuth2KitError> {
        Ok(self
            .inner
            .oauth()
            .implicit_token(&pending.inner, &redirect_url)?
            .into())
    }

    /// The client id.
    pub fn client_id(&self) -> String {
        self.inner.oauth().client_id().to_string()
    }

    /// The profile's name (`rfc6749`, `deskera-v2`…).
    pub fn profile_name(&self) -> String {
        self.inner.oauth().profile().name.clone()
    }
}
