//! [`Client`]: the async client — the sans-IO [`OAuthClient`] plus a transport.

use std::sync::Arc;

use crate::assertion_grants::{self, JwtBearer, TokenExchange};
use crate::authorize::{AuthorizationRequest, AuthorizeOptions, PendingAuthorization};
use crate::client::OAuthClient;
use crate::device::{CibaAuthorization, CibaRequest, DeviceAuthorization};
use crate::discovery::{self, MetadataKind, ServerMetadata};
use crate::error::Result;
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse};
use crate::introspect::Introspection;
use crate::polling::{self, PollOptions};
use crate::revoke::TokenTypeHint;
use crate::secret::Secret;
use crate::token::TokenSet;
use crate::transport::{HttpOptions, Transport};

/// An async OAuth client. Cheap to clone; share one per authorization server.
///
/// ```no_run
/// # async fn run() -> oauth2kit::Result<()> {
/// use oauth2kit::{Client, OAuthClient};
/// let client = Client::new(
///     OAuthClient::builder("my-client")
///         .client_secret("my-secret")
///         .token_url("https://as.example/token")
///         .build()?,
/// )?;
/// let tokens = client.client_credentials(Some("read")).await?;
/// println!("expires in {:?}", tokens.expires_in());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Client {
    oauth: Arc<OAuthClient>,
    transport: Arc<dyn Transport>,
}

impl Client {
    /// A client with the default transport (reqwest, default [`HttpOptions`]).
    #[cfg(feature = "reqwest")]
    pub fn new(oauth: OAuthClient) -> Result<Self> {
        Self::with_options(oauth, HttpOptions::default())
    }

    /// A client with the default transport and these options.
    #[cfg(feature = "reqwest")]
    pub fn with_options(oauth: OAuthClient, options: HttpOptions) -> Result<Self> {
        let transport = crate::transport::ReqwestTransport::new(options)?;
        Ok(Self::with_transport(oauth, Arc::new(transport)))
    }

    /// A client with a transport of your own.
    pub fn with_transport(oauth: OAuthClient, transport: Arc<dyn Transport>) -> Self {
        Client {
            oauth: Arc::new(oauth),
            transport,
        }
    }

    /// Reads server metadata (RFC 8414, then OpenID Connect discovery). The
    /// issuer must be HTTPS (or loopback HTTP): the metadata chooses where
    /// credentials go next. Nothing is sent otherwise.
    pub async fn discover(transport: &dyn Transport, issuer: &str) -> Result<ServerMetadata> {
        Self::discover_with(transport, issuer, false).await
    }

    /// [`Client::discover`], with the caller's choice about plain HTTP off
    /// loopback (`allow_insecure_http`, as [`crate::OAuthClientBuilder::allow_insecure_http`]).
    pub async fn discover_with(
        transport: &dyn Transport,
        issuer: &str,
        allow_insecure_http: bool,
    ) -> Result<ServerMetadata> {
        let mut last = None;
        for kind in [MetadataKind::OAuth, MetadataKind::OpenId] {
            let request = discovery::metadata_request(issuer, kind)?;
            crate::http::check_secure(&request.url, allow_insecure_http)?;
            let resp = transport.send(request).await?;
            match discovery::parse_metadata(&resp, issuer) {
                Ok(m) => return Ok(m),
                Err(e) if resp.status == 404 => last = Some(e),
                Err(e) => return Err(e),
            }
        }
        Err(last.unwrap_or_else(|| crate::Error::config("no metadata found")))
    }

    /// The sans-IO client inside (to build requests yourself).
    pub fn oauth(&self) -> &OAuthClient {
        &self.oauth
    }

    /// The transport in use.
    pub fn transport(&self) -> &Arc<dyn Transport> {
        &self.transport
    }

    /// Sends a request built by the sans-IO layer. Every request of this
    /// client passes here, and here the transport-security rule is applied
    /// ([`OAuthClient::check_request`]): HTTPS off loopback unless allowed.
    pub async fn send(&self, request: HttpRequest) -> Result<HttpResponse> {
        self.oauth.check_request(&request)?;
        tracing::debug!(?request, "oauth2kit request");
        let resp = self.transport.send(request).await?;
        tracing::debug!(status = resp.status, "oauth2kit response");
        Ok(resp)
    }

    /// Sends a request built by the sans-IO layer and parses its answer. The
    /// one path of every operation: an error, from the transport or the
    /// parser, leaves here without any secret the request carried
    /// ([`OAuthClient::redact_error`]).
    async fn call<T>(
        &self,
        request: HttpRequest,
        parse: impl FnOnce(&HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let sent = request.clone();
        self.send(request)
            .await
            .and_then(|resp| parse(&resp))
            .map_err(|e| self.oauth.redact_error(e, &sent))
    }

    /// Sends any grant and parses the tokens.
    pub async fn request_token(&self, grant: &Grant) -> Result<TokenSet> {
        self.call(self.oauth.token_request(grant)?, |resp| {
            self.oauth.parse_token_response(grant, resp)
        })
        .await
    }

    /// The authorization URL (state and PKCE S256 by default).
    pub fn authorization_url(&self, opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        self.oauth.authorization_url(opts)
    }

    /// The authorization URL through a pushed authorization request (RFC 9126):
    /// the parameters travel authenticated in a back-channel POST; the user's
    /// browser sees only `client_id` and `request_uri`.
    pub async fn pushed_authorization_url(
        &self,
        opts: AuthorizeOptions,
    ) -> Result<AuthorizationRequest> {
        let (request, pending) = self.oauth.par_request(opts)?;
        let url = self
            .call(request, |resp| self.oauth.par_authorization_url(resp))
            .await?;
        Ok(AuthorizationRequest { url, pending })
    }

    /// Verifies the redirect (state, `iss`, error) and exchanges its code.
    pub async fn exchange_redirect(
        &self,
        pending: &PendingAuthorization,
        redirect: &str,
    ) -> Result<TokenSet> {
        let grant = self.oauth.callback_grant(pending, redirect)?;
        self.request_token(&grant).await
    }

    /// Exchanges a code you extracted yourself (state already checked by you).
    pub async fn exchange_code(
        &self,
        pending: &PendingAuthorization,
        code: &str,
    ) -> Result<TokenSet> {
        let grant = Grant::AuthorizationCode {
            code: Secret::new(code),
            redirect_uri: pending.redirect_uri.clone(),
            code_verifier: pending.verifier()?,
        };
        self.request_token(&grant).await
    }

    /// Client credentials grant.
    pub async fn client_credentials(&self, scope: Option<&str>) -> Result<TokenSet> {
        let scope = scope.or(self.oauth.scope());
        self.request_token(&Grant::client_credentials(scope)).await
    }

    /// Resource owner password grant (legacy).
    pub async fn password(
        &self,
        username: &str,
        password: &str,
        scope: Option<&str>,
    ) -> Result<TokenSet> {
        let scope = scope.or(self.oauth.scope()).map(str::to_string);
        let grant = Grant::Password {
            username: username.into(),
            password: Secret::new(password),
            scope,
        };
        self.request_token(&grant).await
    }

    /// Refresh. The answer keeps the old refresh token when it carries none;
    /// `invalid_grant` is [`crate::Error::ReauthorizationRequired`].
    pub async fn refresh(&self, refresh_token: &Secret, scope: Option<&str>) -> Result<TokenSet> {
        self.request_token(&Grant::refresh(refresh_token, scope))
            .await
    }

    /// Any grant by its `grant_type` URI with parameters.
    pub async fn extension_grant(
        &self,
        grant_type: &str,
        params: &[(&str, &str)],
    ) -> Result<TokenSet> {
        self.request_token(&Grant::extension(grant_type, params.iter().copied()))
            .await
    }

    /// Starts a device authorization (RFC 8628): show `user_code` and
    /// `verification_uri` to the user, then call [`Client::poll_device_token`].
    pub async fn device_authorization(&self, scope: Option<&str>) -> Result<DeviceAuthorization> {
        let request = self.oauth.device_authorization_request(scope, &[])?;
        self.call(request, |resp| self.oauth.parse_device_authorization(resp))
            .await
    }

    /// Polls until the user approves (or denies, or the codes expire, or `opts.cancel` fires).
    pub async fn poll_device_token(
        &self,
        auth: &DeviceAuthorization,
        opts: &PollOptions,
    ) -> Result<TokenSet> {
        self.poll(auth.grant(), auth.interval, auth.expires_in, opts)
            .await
    }

    /// Starts a CIBA request (poll mode).
    pub async fn ciba_authorization(&self, request: &CibaRequest) -> Result<CibaAuthorization> {
        let request = self.oauth.ciba_request(request)?;
        self.call(request, |resp| self.oauth.parse_ciba(resp)).await
    }

    /// Polls a CIBA request with the same rules as the device grant.
    pub async fn poll_ciba_token(
        &self,
        auth: &CibaAuthorization,
        opts: &PollOptions,
    ) -> Result<TokenSet> {
        self.poll(auth.grant(), auth.interval, auth.expires_in, opts)
            .await
    }

    /// Sends a polling grant until it yields tokens (device and CIBA share the rules).
    async fn poll(
        &self,
        grant: Grant,
        interval: std::time::Duration,
        expires_in: std::time::Duration,
        opts: &PollOptions,
    ) -> Result<TokenSet> {
        polling::poll_until(interval, expires_in, opts, || self.request_token(&grant)).await
    }

    /// Token exchange (RFC 8693); the answer's `issued_token_type` is in
    /// [`TokenSet::issued_token_type`].
    pub async fn token_exchange(&self, exchange: &TokenExchange) -> Result<TokenSet> {
        self.request_token(&exchange.grant()?).await
    }

    /// JWT bearer grant (RFC 7523 §2.1).
    pub async fn jwt_bearer(&self, grant: &JwtBearer) -> Result<TokenSet> {
        self.request_token(&grant.grant()?).await
    }

    /// SAML 2.0 bearer grant (RFC 7522) with a base64url assertion.
    pub async fn saml2_bearer(
        &self,
        assertion_b64url: &str,
        scope: Option<&str>,
    ) -> Result<TokenSet> {
        self.request_token(&assertion_grants::saml2_bearer(assertion_b64url, scope)?)
            .await
    }

    /// Token introspection (RFC 7662).
    pub async fn introspect(
        &self,
        token: &str,
        hint: Option<TokenTypeHint>,
    ) -> Result<Introspection> {
        let request = self.oauth.introspection_request(token, hint)?;
        self.call(request, |resp| self.oauth.parse_introspection(resp))
            .await
    }

    /// Token revocation (RFC 7009).
    pub async fn revoke(&self, token: &str, hint: Option<TokenTypeHint>) -> Result<()> {
        let request = self.oauth.revocation_request(token, hint)?;
        self.call(request, |resp| self.oauth.parse_revocation(resp))
            .await
    }

    /// Asks the profile's validation endpoint whether a token is still valid.
    pub async fn validate(&self, token: &TokenSet) -> Result<bool> {
        let request = self.oauth.validation_request(token)?;
        self.call(request, |resp| self.oauth.parse_validation(resp))
            .await
    }
}
