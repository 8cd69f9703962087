//! `OAuthClient`: the core's async [`oauth2kit::Client`] behind a UniFFI
//! object. Every method only converts arguments, hands the core future to
//! [`crate::runtime::run`] and converts the answer back: the protocol lives in
//! the core.

use std::fmt;
use std::sync::Arc;

use oauth2kit as kit;

use crate::ClientConfig;
use crate::error::{OAuth2KitError, config};
use crate::runtime::run;
use crate::types::{
    AuthorizeOptions, HttpHeader, Introspection, Parameter, TokenSet, TokenTypeHint, json_error,
    pairs,
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

impl OAuthClient {
    pub(crate) fn core(&self) -> kit::Client {
        self.inner.clone()
    }
}

#[uniffi::export]
impl OAuthClient {
    /// A client from explicit endpoints or a profile. Makes no request
    /// (`discoveryIssuer` needs `discover`).
    #[uniffi::constructor]
    pub fn new(config: ClientConfig) -> Result<Arc<Self>, OAuth2KitError> {
        let inner = config.to_layer()?.build_without_network()?;
        Ok(Arc::new(OAuthClient { inner }))
    }

    /// A client whose endpoints are read from `discoveryIssuer` (or, when it
    /// is not set, `issuer`): RFC 8414, then OpenID Connect discovery;
    /// explicit URLs still win.
    #[uniffi::constructor]
    pub async fn discover(config: ClientConfig) -> Result<Arc<Self>, OAuth2KitError> {
        let layer = config.to_layer()?;
        let inner = run(async move { layer.discover_and_build().await }).await?;
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

    /// `authorizationRequest` under the concept name every binding shares.
    #[uniffi::method(default(options))]
    pub fn authorization_url(
        &self,
        options: Option<AuthorizeOptions>,
    ) -> Result<AuthorizationRequest, OAuth2KitError> {
        self.authorization_request(options)
    }

    /// `pushedAuthorizationRequest` under the concept name every binding shares.
    #[uniffi::method(default(options))]
    pub async fn pushed_authorization_url(
        &self,
        options: Option<AuthorizeOptions>,
    ) -> Result<AuthorizationRequest, OAuth2KitError> {
        self.pushed_authorization_request(options).await
    }

    /// `handleRedirect` under the concept name every binding shares.
    pub async fn exchange_redirect(
        &self,
        pending: Arc<PendingAuthorization>,
        redirect_url: String,
    ) -> Result<TokenSet, OAuth2KitError> {
        self.handle_redirect(pending, redirect_url).await
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

    /// The OpenID Connect RP-initiated logout URL for the browser: the
    /// end-session endpoint with the ID token hint, where to come back, and
    /// `state` (each optional). No network.
    pub fn end_session_url(
        &self,
        id_token_hint: Option<String>,
        post_logout_redirect_uri: Option<String>,
        state: Option<String>,
    ) -> Result<String, OAuth2KitError> {
        let mut req = kit::EndSession::default();
        req.id_token_hint = id_token_hint;
        req.post_logout_redirect_uri = post_logout_redirect_uri;
        req.state = state;
        Ok(self.inner.oauth().end_session_url(&req)?.to_string())
    }

    /// The OpenID Connect UserInfo claims as a JSON object (a signed answer is
    /// validated like an ID token; `sub` must equal the ID token's).
    pub async fn userinfo(&self, tokens: TokenSet) -> Result<String, OAuth2KitError> {
        let c = self.core();
        let tokens: kit::TokenSet = tokens.try_into()?;
        let claims = run(async move { c.userinfo(&tokens).await }).await?;
        Ok(serde_json::Value::Object(claims).to_string())
    }

    /// The header that presents the token to APIs, as the profile says.
    pub fn authorization_header(&self, tokens: TokenSet) -> Result<HttpHeader, OAuth2KitError> {
        let tokens: kit::TokenSet = tokens.try_into()?;
        Ok(self.inner.oauth().authorization_header(&tokens).into())
    }

    /// The headers presenting `tokens` for one API request (`method`, full
    /// `url`): for DPoP-bound tokens (RFC 9449) `Authorization: DPoP …` and a
    /// fresh `DPoP` proof (`htm`, `htu`, `ath`, the API's last nonce) signed
    /// by their key; else the profile's one header. New headers for every
    /// request. No network.
    pub fn resource_request_headers(
        &self,
        tokens: TokenSet,
        method: String,
        url: String,
    ) -> Result<Vec<HttpHeader>, OAuth2KitError> {
        let tokens: kit::TokenSet = tokens.try_into()?;
        let headers =
            oauth2kit_bind::resource::request_headers(self.inner.oauth(), &tokens, &method, &url)?;
        Ok(headers.into_iter().map(HttpHeader::from).collect())
    }

    /// Reads an API's answer (status and headers) to a request made with
    /// `resourceRequestHeaders`: remembers its DPoP nonce (call it for every
    /// answer); true when the tokens are DPoP-bound and the answer is a 401
    /// `use_dpop_nonce` demand: make new headers and send once more (once only).
    pub fn check_resource_response(
        &self,
        tokens: TokenSet,
        url: String,
        status: u16,
        headers: Vec<HttpHeader>,
    ) -> Result<bool, OAuth2KitError> {
        let tokens: kit::TokenSet = tokens.try_into()?;
        let headers = headers.into_iter().map(<(String, String)>::from).collect();
        Ok(oauth2kit_bind::resource::check_response(
            self.inner.oauth(),
            &tokens,
            &url,
            status,
            headers,
        )?)
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
