//! [`Client`]: the async client — the sans-IO [`OAuthClient`] plus a transport.

use std::sync::Arc;

use crate::assertion_grants::{self, JwtBearer, TokenExchange};
use crate::authorize::{AuthorizationRequest, AuthorizeOptions, Callback, PendingAuthorization};
use crate::client::OAuthClient;
use crate::device::{CibaAuthorization, CibaRequest, DeviceAuthorization};
use crate::discovery::{self, MetadataKind, ServerMetadata};
use crate::dpop::{self, DpopKey, NonceScope};
use crate::error::{Error, Result};
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse};
use crate::introspect::Introspection;
use crate::oidc::IdTokenExpectations;
use crate::oidc::jwks::{self, Jwks, JwksCache, Lookup};
use crate::polling::{self, Clock, PollOptions, SystemClock};
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
    /// The provider's key set, shared by clones; locked across a fetch so
    /// that concurrent validations wait for one fetch instead of making many.
    jwks: Arc<tokio::sync::Mutex<JwksCache>>,
    clock: Arc<dyn Clock>,
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
        crate::mtls::check_transport(&oauth, &options)?;
        let transport = crate::transport::ReqwestTransport::new(options)?;
        Ok(Self::with_transport(oauth, Arc::new(transport)))
    }

    /// A client with a transport of your own.
    pub fn with_transport(oauth: OAuthClient, transport: Arc<dyn Transport>) -> Self {
        Client {
            oauth: Arc::new(oauth),
            transport,
            jwks: Default::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same client reading time from `clock`: ID token `exp`/`iat`/
    /// `auth_time` checks use [`Clock::system_time`], the JWKS cache and its
    /// refetch limit [`Clock::now`]. For tests ([`crate::ManualClock`]).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The clock this client reads (the system clock unless [`Client::with_clock`]).
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
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
        // One event per exchange: method, the URL without query or fragment
        // (some providers put codes and tokens in the query), status and
        // time. Never headers or bodies: they carry the credentials.
        let method = request.method.as_str();
        let url = crate::http::url_for_log(&request.url);
        let started = std::time::Instant::now();
        let result = self.transport.send(request).await;
        let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &result {
            Ok(resp) => tracing::debug!(
                target: "oauth2kit::http",
                method,
                url = %url,
                status = resp.status,
                elapsed_ms = format_args!("{elapsed_ms:.1}"),
                "HTTP exchange"
            ),
            Err(e) => tracing::debug!(
                target: "oauth2kit::http",
                method,
                url = %url,
                error = %e,
                elapsed_ms = format_args!("{elapsed_ms:.1}"),
                "HTTP exchange failed"
            ),
        }
        result
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

    /// Sends any grant and parses the tokens. An ID token in the answer is
    /// validated when the client knows the provider's keys (see
    /// [`crate::oidc`]); its claims are then [`TokenSet::id_token_claims`].
    pub async fn request_token(&self, grant: &Grant) -> Result<TokenSet> {
        self.request_token_expecting(grant, IdTokenExpectations::default())
            .await
    }

    /// Sends a grant for new tokens of `previous`: with DPoP, the proof is
    /// signed by the key `previous` is bound to ([`TokenSet::dpop_key`])
    /// when it has one — a refresh token bound to a key is refused with any
    /// other — else by the client's key. The hook sessions refresh through.
    pub async fn request_token_for(
        &self,
        grant: &Grant,
        previous: Option<&TokenSet>,
    ) -> Result<TokenSet> {
        let key = previous
            .and_then(TokenSet::dpop_key)
            .or(self.oauth.dpop_key());
        self.request_token_keyed(grant, IdTokenExpectations::default(), key)
            .await
    }

    async fn request_token_expecting(
        &self,
        grant: &Grant,
        expected: IdTokenExpectations,
    ) -> Result<TokenSet> {
        self.request_token_keyed(grant, expected, self.oauth.dpop_key())
            .await
    }

    async fn request_token_keyed(
        &self,
        grant: &Grant,
        expected: IdTokenExpectations,
        key: Option<&DpopKey>,
    ) -> Result<TokenSet> {
        let tokens = self
            .call_authorization_server(
                key.is_some(),
                || {
                    self.oauth
                        .token_request_with(grant, key, self.clock.system_time())
                },
                |resp| self.oauth.parse_token_response_with(grant, resp, key),
            )
            .await?;
        self.check_id_token(grant, tokens, expected).await
    }

    /// [`Client::call`] for the token and PAR endpoints: with DPoP, a
    /// `use_dpop_nonce` answer (RFC 9449 §8) is retried once, the request
    /// built anew (new proof with the server's nonce, new client assertion).
    async fn call_authorization_server<T>(
        &self,
        dpop: bool,
        build: impl Fn() -> Result<HttpRequest>,
        parse: impl Fn(&HttpResponse) -> Result<T>,
    ) -> Result<T> {
        let request = build()?;
        if !dpop {
            return self.call(request, parse).await;
        }
        let sent = request.clone();
        let resp = self
            .send(request)
            .await
            .map_err(|e| self.oauth.redact_error(e, &sent))?;
        self.oauth
            .remember_dpop_nonce(NonceScope::AuthorizationServer, &sent.url, &resp);
        if dpop::token_nonce_challenge(&resp).is_some() {
            tracing::debug!("the authorization server asks for a DPoP nonce; retrying once");
            return self.call(build()?, parse).await;
        }
        parse(&resp).map_err(|e| self.oauth.redact_error(e, &sent))
    }

    /// Sends a request to a resource server (an API) with `tokens`: the
    /// `Authorization` (and, for a DPoP-bound set, `DPoP`) headers of
    /// [`OAuthClient::resource_request_headers`] replace any the request
    /// had. A DPoP-bound request refused with `401` and `WWW-Authenticate:
    /// DPoP error="use_dpop_nonce"` (RFC 9449 §9) is sent once more with the
    /// server's nonce; nonces are remembered per origin. The answer comes
    /// back whatever its status (an API's errors are the caller's to read).
    pub async fn send_resource(
        &self,
        request: HttpRequest,
        tokens: &TokenSet,
    ) -> Result<HttpResponse> {
        // A set that cannot be presented (DPoP-bound, no key) fails here.
        self.oauth.dpop_key_for(tokens)?;
        let mut retried = false;
        loop {
            let mut req = request.clone();
            let headers = self.oauth.resource_request_headers_at(
                req.method.as_str(),
                &req.url,
                tokens,
                self.clock.system_time(),
            )?;
            for (name, _) in &headers {
                req.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
            }
            req.headers.extend(headers);
            let sent = req.clone();
            let resp = self
                .send(req)
                .await
                .map_err(|e| self.oauth.redact_error(e, &sent))?;
            let again = self.oauth.check_resource_response(&sent.url, tokens, &resp);
            if retried || !again {
                return Ok(resp);
            }
            tracing::debug!("the resource server asks for a DPoP nonce; retrying once");
            retried = true;
        }
    }

    /// Validates the ID token of a token response, when the client knows
    /// the provider's keys. After a code exchange that sent a nonce, an
    /// answer without an ID token is refused: dropping it must not be a way
    /// around the checks.
    async fn check_id_token(
        &self,
        grant: &Grant,
        mut tokens: TokenSet,
        mut expected: IdTokenExpectations,
    ) -> Result<TokenSet> {
        if !self.oauth.knows_provider_keys() {
            return Ok(tokens);
        }
        let code = match grant {
            Grant::AuthorizationCode { code, .. } => Some(code),
            _ => None,
        };
        let Some(id_token) = tokens.id_token.clone() else {
            if code.is_some() && expected.nonce.is_some() {
                return Err(Error::InvalidIdToken {
                    check: "id_token".into(),
                    reason:
                        "a nonce was sent (openid scope) and the token response has no ID token"
                            .into(),
                });
            }
            return Ok(tokens);
        };
        expected.access_token = Some(tokens.access_token.clone());
        expected.code = code.cloned();
        let now = self.clock.system_time();
        let claims = self
            .with_provider_keys(|keys| {
                self.oauth
                    .validate_id_token(id_token.expose(), keys, &expected, now)
            })
            .await?;
        tokens.set_id_token_claims(Some(claims));
        Ok(tokens)
    }

    /// The parameters of a redirect back: a JARM response (`response=<JWT>`)
    /// validated with the provider's keys (cached; refetched once on an
    /// unknown `kid`) and opened, anything else as it came.
    pub(crate) async fn authorization_response(&self, redirect: &str) -> Result<Callback> {
        let callback = Callback::parse(redirect)?;
        if !callback.params.contains(crate::jarm::PARAM) {
            return Ok(callback);
        }
        let now = self.clock.system_time();
        self.with_provider_keys(|keys| {
            self.oauth
                .parse_authorization_response(redirect, Some(keys), now)
        })
        .await
    }

    /// Fetches the provider's key set (`jwks_uri`).
    async fn fetch_jwks(&self) -> Result<Jwks> {
        self.call(self.oauth.jwks_request()?, jwks::parse_jwks)
            .await
    }

    /// Runs `check` with the provider's keys: the static ones, or the cached
    /// set (fetched when missing or past its `max-age`). When `check` finds
    /// no key for the token's `kid` in a set that was not just fetched, the
    /// set is fetched once more — at most once per
    /// [`crate::oidc::jwks::JWKS_REFETCH_INTERVAL`], so tokens naming unknown
    /// keys cannot make us hammer the provider — and `check` runs again.
    async fn with_provider_keys<T>(&self, check: impl Fn(&Jwks) -> Result<T>) -> Result<T> {
        if let Some(keys) = self.oauth.static_jwks() {
            return check(keys);
        }
        let (keys, just_fetched) = {
            let mut cache = self.jwks.lock().await;
            let now = self.clock.now();
            match cache.lookup(now) {
                Lookup::Use(keys) => (keys, false),
                Lookup::Fetch => {
                    let fetched = self.fetch_jwks().await;
                    (cache.fetched(now, &fetched)?, true)
                }
            }
        };
        match check(&keys) {
            Err(e) if e.is_unknown_kid() && !just_fetched => {
                let mut cache = self.jwks.lock().await;
                let now = self.clock.now();
                let newer = match cache.lookup(now) {
                    // another task refetched while we waited for the lock
                    Lookup::Use(current) if !Arc::ptr_eq(&current, &keys) => current,
                    _ if cache.may_refetch(now) => {
                        let fetched = self.fetch_jwks().await;
                        cache.fetched(now, &fetched)?
                    }
                    _ => return Err(e),
                };
                drop(cache);
                check(&newer)
            }
            other => other,
        }
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
        // A retry (DPoP nonce) builds a new request, so a new state and
        // PKCE pair: the pending authorization is the last one built.
        let pending = std::sync::Mutex::new(None);
        let url = self
            .call_authorization_server(
                self.oauth.dpop_key().is_some(),
                || {
                    let (request, p) = self
                        .oauth
                        .par_request_at(opts.clone(), self.clock.system_time())?;
                    *pending.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
                    Ok(request)
                },
                |resp| self.oauth.par_authorization_url(resp),
            )
            .await?;
        let pending = pending
            .into_inner()
            .unwrap_or_else(|e| e.into_inner())
            .ok_or_else(|| Error::config("no pushed authorization request was built"))?;
        Ok(AuthorizationRequest { url, pending })
    }

    /// Verifies the redirect (state, `iss`, error) and exchanges its code.
    /// `redirect` is the redirect URL (query or fragment), its query string,
    /// or the body of a `form_post`. A JWT-secured response (JARM, see
    /// [`crate::jarm`]) is validated with the provider's keys first, and a
    /// plain one to a JARM request refused: either way before the code is
    /// sent anywhere.
    pub async fn exchange_redirect(
        &self,
        pending: &PendingAuthorization,
        redirect: &str,
    ) -> Result<TokenSet> {
        let grant = self
            .authorization_response(redirect)
            .await?
            .into_grant(pending)?;
        self.request_token_expecting(&grant, IdTokenExpectations::for_authorization(pending))
            .await
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
        self.request_token_expecting(&grant, IdTokenExpectations::for_authorization(pending))
            .await
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

    /// Refreshes a token set (OpenID Connect Core §12): like
    /// [`Client::refresh`] with `tokens`' refresh token, and an ID token in
    /// the answer must also have the same `iss`, `sub` and `aud` (and
    /// `auth_time`) as `tokens`' validated one. An answer without an ID token
    /// keeps `tokens`' (and its claims), as it keeps the refresh token. A
    /// DPoP-bound set is refreshed with its own key (see
    /// [`Client::request_token_for`]).
    pub async fn refresh_token_set(
        &self,
        tokens: &TokenSet,
        scope: Option<&str>,
    ) -> Result<TokenSet> {
        let refresh_token = tokens
            .refresh_token
            .as_ref()
            .ok_or_else(|| Error::config("the token set has no refresh token"))?;
        let grant = Grant::refresh(refresh_token, scope);
        let expected = IdTokenExpectations {
            previous: tokens.id_token_claims().cloned(),
            ..Default::default()
        };
        let key = tokens.dpop_key().or(self.oauth.dpop_key());
        let mut fresh = self.request_token_keyed(&grant, expected, key).await?;
        if fresh.id_token.is_none() {
            fresh.id_token.clone_from(&tokens.id_token);
            fresh.set_id_token_claims(tokens.id_token_claims().cloned());
        }
        Ok(fresh)
    }

    /// The UserInfo claims of the user `tokens` belong to (OpenID Connect
    /// Core §5.3): a GET with the access token as the profile presents it.
    /// A signed answer (`application/jwt`) is checked with the provider's
    /// keys; `sub` must equal the validated ID token's when `tokens` has one
    /// ([`crate::Error::InvalidUserInfo`] otherwise).
    pub async fn userinfo(
        &self,
        tokens: &TokenSet,
    ) -> Result<serde_json::Map<String, serde_json::Value>> {
        let request = self.oauth.userinfo_request(tokens)?;
        let sent = request.clone();
        let expected_sub = tokens
            .id_token_claims()
            .and_then(|c| c.get("sub"))
            .and_then(serde_json::Value::as_str);
        let result = async {
            // DPoP-bound tokens: a proof per request, one nonce retry
            let resp = self.send_resource(request, tokens).await?;
            let now = self.clock.system_time();
            if resp.status == 200
                && crate::oidc::userinfo::is_jwt(&resp)
                && self.oauth.knows_provider_keys()
            {
                return self
                    .with_provider_keys(|keys| {
                        self.oauth
                            .parse_userinfo(&resp, Some(keys), expected_sub, now)
                    })
                    .await;
            }
            self.oauth.parse_userinfo(&resp, None, expected_sub, now)
        }
        .await;
        result.map_err(|e| self.oauth.redact_error(e, &sent))
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
