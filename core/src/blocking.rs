//! A blocking client with the same methods as [`crate::Client`], for callers
//! without an async runtime (C, synchronous Python, scripts).
//!
//! A request runs on the calling thread ([`block_on_here`]: its own
//! current-thread runtime and connection pool, so it never crosses threads);
//! what outlives a call — a session's renewal — runs on one shared runtime
//! ([`handle`], [`block_on`], stopped by [`shutdown`]). A blocking call made
//! from inside an async runtime fails with [`crate::Error::Runtime`] instead
//! of panicking.

use crate::assertion_grants::{JwtBearer, TokenExchange};
use crate::authorize::{AuthorizationRequest, AuthorizeOptions, PendingAuthorization};
use crate::client::OAuthClient;
use crate::device::{CibaAuthorization, CibaRequest, DeviceAuthorization};
use crate::discovery::ServerMetadata;
use crate::error::Result;
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse};
use crate::introspect::Introspection;
use crate::polling::PollOptions;
use crate::revoke::TokenTypeHint;
use crate::secret::Secret;
use crate::token::TokenSet;
use crate::transport::HttpOptions;

pub use crate::callback::BlockingCallbackHandler as CallbackHandler;
pub use crate::shared_runtime::{block_on, block_on_here, handle, io_handle, shutdown};

/// The blocking client. Cheap to clone; safe to share across threads.
#[derive(Clone, Debug)]
pub struct Client {
    inner: crate::Client,
}

impl Client {
    /// A client with the default transport.
    pub fn new(oauth: OAuthClient) -> Result<Self> {
        Self::with_options(oauth, HttpOptions::default())
    }

    /// A client with transport options.
    pub fn with_options(oauth: OAuthClient, options: HttpOptions) -> Result<Self> {
        // The reqwest client must be created with the runtime it will run on.
        let rt = handle()?;
        let _guard = rt.enter();
        Ok(Client {
            inner: crate::Client::with_options(oauth, options)?,
        })
    }

    /// Wraps an async client.
    pub fn from_async(inner: crate::Client) -> Self {
        Client { inner }
    }

    /// The async client inside.
    pub fn as_async(&self) -> &crate::Client {
        &self.inner
    }

    /// The sans-IO client.
    pub fn oauth(&self) -> &OAuthClient {
        self.inner.oauth()
    }

    /// Reads server metadata (RFC 8414, then OpenID Connect). A plain-HTTP
    /// issuer off loopback is refused unless `options.allow_insecure_http`.
    pub fn discover(issuer: &str, options: HttpOptions) -> Result<ServerMetadata> {
        let allow_insecure_http = options.allow_insecure_http;
        let rt = handle()?;
        let transport = {
            let _guard = rt.enter();
            crate::transport::ReqwestTransport::new(options)?
        };
        block_on_here(async move {
            crate::Client::discover_with(&transport, issuer, allow_insecure_http).await
        })?
    }

    /// Sends a request built by the sans-IO layer.
    pub fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        block_on_here(self.inner.send(request))?
    }

    /// Sends any grant.
    pub fn request_token(&self, grant: &Grant) -> Result<TokenSet> {
        block_on_here(self.inner.request_token(grant))?
    }

    /// The authorization URL.
    pub fn authorization_url(&self, opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        self.inner.authorization_url(opts)
    }

    /// The authorization URL through a pushed authorization request (RFC 9126).
    pub fn pushed_authorization_url(&self, opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        block_on_here(self.inner.pushed_authorization_url(opts))?
    }

    /// Verifies the redirect and exchanges its code.
    pub fn exchange_redirect(
        &self,
        pending: &PendingAuthorization,
        redirect: &str,
    ) -> Result<TokenSet> {
        block_on_here(self.inner.exchange_redirect(pending, redirect))?
    }

    /// Exchanges a code.
    pub fn exchange_code(&self, pending: &PendingAuthorization, code: &str) -> Result<TokenSet> {
        block_on_here(self.inner.exchange_code(pending, code))?
    }

    /// Client credentials grant.
    pub fn client_credentials(&self, scope: Option<&str>) -> Result<TokenSet> {
        block_on_here(self.inner.client_credentials(scope))?
    }

    /// Password grant.
    pub fn password(
        &self,
        username: &str,
        password: &str,
        scope: Option<&str>,
    ) -> Result<TokenSet> {
        block_on_here(self.inner.password(username, password, scope))?
    }

    /// Refresh.
    pub fn refresh(&self, refresh_token: &Secret, scope: Option<&str>) -> Result<TokenSet> {
        block_on_here(self.inner.refresh(refresh_token, scope))?
    }

    /// Refreshes a token set, checking a new ID token against the old one
    /// ([`crate::Client::refresh_token_set`]).
    pub fn refresh_token_set(&self, tokens: &TokenSet, scope: Option<&str>) -> Result<TokenSet> {
        block_on_here(self.inner.refresh_token_set(tokens, scope))?
    }

    /// The UserInfo claims ([`crate::Client::userinfo`]).
    pub fn userinfo(
        &self,
        tokens: &TokenSet,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        block_on_here(self.inner.userinfo(tokens))?
    }

    /// Extension grant.
    pub fn extension_grant(&self, grant_type: &str, params: &[(&str, &str)]) -> Result<TokenSet> {
        block_on_here(self.inner.extension_grant(grant_type, params))?
    }

    /// Starts a device authorization.
    pub fn device_authorization(&self, scope: Option<&str>) -> Result<DeviceAuthorization> {
        block_on_here(self.inner.device_authorization(scope))?
    }

    /// Polls a device authorization until done; cancel from another thread with `opts.cancel`.
    pub fn poll_device_token(
        &self,
        auth: &DeviceAuthorization,
        opts: &PollOptions,
    ) -> Result<TokenSet> {
        block_on_here(self.inner.poll_device_token(auth, opts))?
    }

    /// Starts a CIBA request.
    pub fn ciba_authorization(&self, request: &CibaRequest) -> Result<CibaAuthorization> {
        block_on_here(self.inner.ciba_authorization(request))?
    }

    /// Polls a CIBA request.
    pub fn poll_ciba_token(
        &self,
        auth: &CibaAuthorization,
        opts: &PollOptions,
    ) -> Result<TokenSet> {
        block_on_here(self.inner.poll_ciba_token(auth, opts))?
    }

    /// Token exchange (RFC 8693).
    pub fn token_exchange(&self, exchange: &TokenExchange) -> Result<TokenSet> {
        block_on_here(self.inner.token_exchange(exchange))?
    }

    /// JWT bearer grant (RFC 7523).
    pub fn jwt_bearer(&self, grant: &JwtBearer) -> Result<TokenSet> {
        block_on_here(self.inner.jwt_bearer(grant))?
    }

    /// SAML 2.0 bearer grant (RFC 7522).
    pub fn saml2_bearer(&self, assertion_b64url: &str, scope: Option<&str>) -> Result<TokenSet> {
        block_on_here(self.inner.saml2_bearer(assertion_b64url, scope))?
    }

    /// Introspection.
    pub fn introspect(&self, token: &str, hint: Option<TokenTypeHint>) -> Result<Introspection> {
        block_on_here(self.inner.introspect(token, hint))?
    }

    /// Revocation.
    pub fn revoke(&self, token: &str, hint: Option<TokenTypeHint>) -> Result<()> {
        block_on_here(self.inner.revoke(token, hint))?
    }

    /// Validation through the profile's endpoint.
    pub fn validate(&self, token: &TokenSet) -> Result<bool> {
        block_on_here(self.inner.validate(token))?
    }

    /// Sends a request to a resource server with `tokens`
    /// ([`crate::Client::send_resource`]): DPoP-bound sets with a proof,
    /// one retry on `use_dpop_nonce`; the answer whatever its status.
    pub fn send_resource(&self, request: HttpRequest, tokens: &TokenSet) -> Result<HttpResponse> {
        block_on_here(self.inner.send_resource(request, tokens))?
    }
}

/// A blocking [`crate::session::Session`]: the same single-flight session,
/// callable from plain threads.
#[derive(Clone, Debug)]
pub struct Session {
    inner: crate::session::Session,
}

impl Session {
    /// Wraps an async session (build it with [`crate::session::Session::builder`]
    /// over [`Client::as_async`]).
    pub fn new(inner: crate::session::Session) -> Self {
        Session { inner }
    }

    /// Builds the session and saves the tokens given to the builder
    /// ([`crate::session::SessionBuilder::tokens`]) before returning: what
    /// every binding's session constructor does.
    pub fn start(builder: crate::session::SessionBuilder) -> Result<Self> {
        Ok(Session::new(block_on(builder.start())??))
    }

    /// The async session inside.
    pub fn as_async(&self) -> &crate::session::Session {
        &self.inner
    }

    /// A valid token set (cached, or renewed once for all callers).
    pub fn token(&self) -> Result<std::sync::Arc<TokenSet>> {
        if let Some(t) = self.inner.cached() {
            return Ok(t);
        }
        block_on(self.inner.token())?
    }

    /// A valid access token.
    pub fn access_token(&self) -> Result<Secret> {
        Ok(self.token()?.access_token.clone())
    }

    /// The header to send to APIs.
    pub fn authorization_header(&self) -> Result<(String, String)> {
        let t = self.token()?;
        Ok(self.inner.client().oauth().authorization_header(&t))
    }

    /// The headers presenting a valid token for one request (`method`,
    /// `url`): with DPoP, `Authorization: DPoP …` and a `DPoP` proof
    /// ([`crate::session::Session::resource_request_headers`]).
    pub fn resource_request_headers(
        &self,
        method: &str,
        url: &url::Url,
    ) -> Result<Vec<(String, String)>> {
        let t = self.token()?;
        self.inner
            .client()
            .oauth()
            .resource_request_headers(method, url, &t)
    }

    /// Reads a resource server's answer: remembers its DPoP nonce, and
    /// `true` when the request must be sent once more with new headers
    /// ([`crate::session::Session::check_resource_response`]).
    pub fn check_resource_response(&self, url: &url::Url, resp: &HttpResponse) -> bool {
        self.inner.check_resource_response(url, resp)
    }

    /// Forgets that the current token is valid.
    pub fn invalidate(&self) {
        self.inner.invalidate()
    }

    /// Reports a 401 for `access_token`.
    pub fn on_unauthorized(&self, access_token: &str) -> bool {
        self.inner.on_unauthorized(access_token)
    }

    /// Replaces and saves the tokens.
    pub fn set_tokens(&self, tokens: TokenSet) -> Result<()> {
        block_on(self.inner.set_tokens(tokens))?
    }

    /// Forgets the tokens here and in the store.
    pub fn clear(&self) -> Result<()> {
        block_on(self.inner.clear())?
    }
}
