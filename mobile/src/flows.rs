//! The extension grants of the core, as they landed there: device
//! authorization with a progress callback and cancellation (RFC 8628), CIBA
//! poll mode, token
//! exchange (RFC 8693), JWT bearer (RFC 7523) and SAML 2.0 bearer (RFC 7522).
//! Polling, `slow_down` and expiry are the core's; this file converts.

use oauth2kit_bind::PollKind;
use std::fmt;
use std::sync::Arc;

use oauth2kit as kit;

use crate::client::OAuthClient;
use crate::error::OAuth2KitError;
use crate::runtime::run;
use crate::types::{TokenSet, parse_object};

fn secs(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

/// A started device authorization: show `userCode` and `verificationUri`
/// (or a QR code of `verificationUriComplete`), then `pollDeviceToken`.
/// The device code stays inside (`toString()` hides it).
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct DeviceAuthorization {
    inner: kit::DeviceAuthorization,
}

impl fmt::Display for DeviceAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "DeviceAuthorization(userCode={}, verificationUri={}, expiresIn={}s)",
            self.inner.user_code,
            self.inner.verification_uri,
            self.inner.expires_in.as_secs()
        )
    }
}

#[uniffi::export]
impl DeviceAuthorization {
    /// The code the user types.
    pub fn user_code(&self) -> String {
        self.inner.user_code.clone()
    }
    /// Where the user goes.
    pub fn verification_uri(&self) -> String {
        self.inner.verification_uri.clone()
    }
    /// The same with the code filled in (for a QR code), if the server offers it.
    pub fn verification_uri_complete(&self) -> Option<String> {
        self.inner.verification_uri_complete.clone()
    }
    /// Lifetime of the codes, in seconds.
    pub fn expires_in_seconds(&self) -> i64 {
        secs(self.inner.expires_in)
    }
    /// Minimum time between polls, in seconds.
    pub fn interval_seconds(&self) -> i64 {
        secs(self.inner.interval)
    }
}

/// A started CIBA request (poll mode): the user approves on their own device.
#[derive(Debug, uniffi::Object)]
#[uniffi::export(Display)]
pub struct CibaAuthorization {
    inner: kit::CibaAuthorization,
}

impl fmt::Display for CibaAuthorization {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CibaAuthorization(authReqId=[redacted], expiresIn={}s)",
            self.inner.expires_in.as_secs()
        )
    }
}

#[uniffi::export]
impl CibaAuthorization {
    /// The request id (to correlate with the server's records).
    pub fn auth_req_id(&self) -> String {
        self.inner.auth_req_id.expose().to_string()
    }
    /// Lifetime of the request, in seconds.
    pub fn expires_in_seconds(&self) -> i64 {
        secs(self.inner.expires_in)
    }
    /// Minimum time between polls, in seconds.
    pub fn interval_seconds(&self) -> i64 {
        secs(self.inner.interval)
    }
}

/// A CIBA backchannel authentication request: exactly one of the three hints.
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct CibaRequest {
    /// Scope (`openid` is added when missing).
    #[uniffi(default)]
    pub scope: Option<String>,
    /// `login_hint`: who is asked.
    #[uniffi(default)]
    pub login_hint: Option<String>,
    /// `id_token_hint`
    #[uniffi(default)]
    pub id_token_hint: Option<String>,
    /// `login_hint_token`
    #[uniffi(default)]
    pub login_hint_token: Option<String>,
    /// Shown on both devices.
    #[uniffi(default)]
    pub binding_message: Option<String>,
    /// `requested_expiry` in seconds.
    #[uniffi(default)]
    pub requested_expiry: Option<u32>,
}

impl From<CibaRequest> for kit::CibaRequest {
    fn from(r: CibaRequest) -> Self {
        kit::CibaRequest {
            scope: r.scope,
            login_hint: r.login_hint,
            id_token_hint: r.id_token_hint,
            login_hint_token: r.login_hint_token,
            binding_message: r.binding_message,
            requested_expiry: r.requested_expiry.map(u64::from),
            extra: Vec::new(),
        }
    }
}

/// What a polling flow reports, so a TV-style UI can show the waiting state.
/// Durations in seconds (fractions kept), as everywhere in the API.
#[derive(Clone, Debug, PartialEq, uniffi::Enum)]
pub enum PollEvent {
    /// About to wait `intervalSeconds` before poll number `attempt` (from 1);
    /// `remainingSeconds` before the codes expire.
    Waiting {
        attempt: u32,
        interval_seconds: f64,
        remaining_seconds: f64,
    },
    /// The server asked to poll more slowly; the new interval.
    SlowDown { interval_seconds: f64 },
    /// A transient failure (network, 5xx): polling goes on after `retryInSeconds`.
    Retrying { retry_in_seconds: f64 },
}

impl PollEvent {
    /// From the binding layer's record; `None` for a kind it does not map yet.
    fn from_core(e: &kit::PollEvent) -> Option<Self> {
        let p = oauth2kit_bind::PollProgress::from_event(e)?;
        Some(match p.kind {
            PollKind::Waiting => PollEvent::Waiting {
                attempt: p.attempt,
                interval_seconds: p.interval_seconds,
                remaining_seconds: p.remaining_seconds,
            },
            PollKind::SlowDown => PollEvent::SlowDown {
                interval_seconds: p.interval_seconds,
            },
            PollKind::Retrying => PollEvent::Retrying {
                retry_in_seconds: p.interval_seconds,
            },
        })
    }
}

/// Every field of a [`PollEvent`] by name (null where the case has none): what
/// `event.fields()` returns, so Swift code need not match the case's values by
/// position (which stops compiling when a field is added). See `ErrorFields`.
#[derive(Clone, Debug, Default, PartialEq, uniffi::Record)]
pub struct PollEventFields {
    /// Poll number, from 1 (`Waiting`).
    pub attempt: Option<u32>,
    /// The wait before the next poll, in seconds (`Waiting`, `SlowDown`).
    pub interval_seconds: Option<f64>,
    /// Seconds before the codes expire (`Waiting`).
    pub remaining_seconds: Option<f64>,
    /// The wait after a transient failure, in seconds (`Retrying`).
    pub retry_in_seconds: Option<f64>,
}

#[uniffi::export]
impl PollEvent {
    /// Every field by name (see [`PollEventFields`]).
    pub fn fields(&self) -> PollEventFields {
        // Every field bound by name: a field added to a case fails to compile
        // here until PollEventFields has it too.
        match *self {
            PollEvent::Waiting {
                attempt,
                interval_seconds,
                remaining_seconds,
            } => PollEventFields {
                attempt: Some(attempt),
                interval_seconds: Some(interval_seconds),
                remaining_seconds: Some(remaining_seconds),
                ..PollEventFields::default()
            },
            PollEvent::SlowDown { interval_seconds } => PollEventFields {
                interval_seconds: Some(interval_seconds),
                ..PollEventFields::default()
            },
            PollEvent::Retrying { retry_in_seconds } => PollEventFields {
                retry_in_seconds: Some(retry_in_seconds),
                ..PollEventFields::default()
            },
        }
    }
}

/// Progress of a polling flow, implemented in Kotlin or Swift. Called on a
/// library thread: hop to the main thread before touching the UI. What it
/// throws is ignored (progress is advisory; it never stops the flow).
#[uniffi::export(with_foreign)]
pub trait PollObserver: Send + Sync {
    /// One event.
    fn on_event(&self, event: PollEvent) -> Result<(), OAuth2KitError>;
}

/// Stops a polling flow from anywhere (a Cancel button): the flow throws
/// `Cancelled`. Cancelling the coroutine / Swift task works too.
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelHandle {
    token: kit::CancelToken,
}

#[uniffi::export]
impl CancelHandle {
    /// A handle that is not cancelled.
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(CancelHandle::default())
    }
    /// Cancels every flow given this handle.
    pub fn cancel(&self) {
        self.token.cancel();
    }
    /// Whether `cancel` was called.
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

fn poll_options(
    observer: Option<Arc<dyn PollObserver>>,
    cancel: Option<Arc<CancelHandle>>,
) -> kit::PollOptions {
    let mut opts = kit::PollOptions::default();
    if let Some(c) = cancel {
        opts.cancel = c.token.clone();
    }
    if let Some(obs) = observer {
        opts.on_event = Some(Arc::new(move |e: &kit::PollEvent| {
            if let Some(event) = PollEvent::from_core(e) {
                if let Err(err) = obs.on_event(event) {
                    tracing::debug!(%err, "poll observer failed; ignored");
                }
            }
        }));
    }
    opts
}

/// A token exchange request (RFC 8693 §2.1). `toString()` hides the tokens.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Display)]
pub struct TokenExchangeRequest {
    /// The token being exchanged.
    pub subject_token: String,
    /// Its type, e.g. `urn:ietf:params:oauth:token-type:access_token`.
    pub subject_token_type: String,
    /// The acting party's token (delegation).
    #[uniffi(default)]
    pub actor_token: Option<String>,
    /// Its type (required with `actorToken`).
    #[uniffi(default)]
    pub actor_token_type: Option<String>,
    /// The type of token wanted.
    #[uniffi(default)]
    pub requested_token_type: Option<String>,
    /// Target services, each sent as `audience`.
    #[uniffi(default)]
    pub audience: Vec<String>,
    /// Target resources (URIs), each sent as `resource`.
    #[uniffi(default)]
    pub resource: Vec<String>,
    /// Scope.
    #[uniffi(default)]
    pub scope: Option<String>,
}

impl fmt::Display for TokenExchangeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "TokenExchangeRequest(subjectToken=[redacted], subjectTokenType={}, actorToken={}, audience={:?}, scope={:?})",
            self.subject_token_type,
            if self.actor_token.is_some() {
                "[redacted]"
            } else {
                "null"
            },
            self.audience,
            self.scope
        )
    }
}

impl fmt::Debug for TokenExchangeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl From<TokenExchangeRequest> for kit::TokenExchange {
    fn from(r: TokenExchangeRequest) -> Self {
        let mut x = kit::TokenExchange::new(r.subject_token, &r.subject_token_type);
        x.actor_token = r.actor_token.map(kit::Secret::new);
        x.actor_token_type = r.actor_token_type;
        x.requested_token_type = r.requested_token_type;
        x.audience = r.audience;
        x.resource = r.resource;
        x.scope = r.scope;
        x
    }
}

/// A JWT assertion signed on the device for the JWT bearer grant. `toString()` hides the key.
#[derive(Clone, uniffi::Record)]
#[uniffi::export(Display)]
pub struct SignedAssertion {
    /// PEM private key (RSA, P-256 or Ed25519).
    pub private_key_pem: String,
    /// `iss` (usually the client id).
    pub issuer: String,
    /// `sub`: the user or service the tokens are for.
    pub subject: String,
    /// `aud`: the token endpoint URL or the issuer.
    pub audience: String,
    /// Lifetime in seconds.
    #[uniffi(default = 300)]
    pub lifetime_seconds: u32,
    /// More claims, as a JSON object.
    #[uniffi(default = "{}")]
    pub claims_json: String,
}

impl fmt::Display for SignedAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "SignedAssertion(privateKeyPem=[redacted], issuer={}, subject={}, audience={})",
            self.issuer, self.subject, self.audience
        )
    }
}

impl fmt::Debug for SignedAssertion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[uniffi::export]
impl OAuthClient {
    /// Starts a device authorization (RFC 8628 §3.1).
    #[uniffi::method(default(scope))]
    pub async fn device_authorization(
        &self,
        scope: Option<String>,
    ) -> Result<Arc<DeviceAuthorization>, OAuth2KitError> {
        let c = self.core();
        let inner = run(async move { c.device_authorization(scope.as_deref()).await }).await?;
        Ok(Arc::new(DeviceAuthorization { inner }))
    }

    /// Polls until the user approves; throws `OAuth` (`access_denied`),
    /// `Expired`, or `Cancelled` (through `cancel`). `observer` hears every
    /// wait, `slow_down` and retry.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn poll_device_token(
        &self,
        authorization: Arc<DeviceAuthorization>,
        observer: Option<Arc<dyn PollObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        let opts = poll_options(observer, cancel);
        run(async move { c.poll_device_token(&authorization.inner, &opts).await })
            .await
            .map(Into::into)
    }

    /// Starts a CIBA request (OpenID Connect CIBA, poll mode).
    pub async fn ciba_authorization(
        &self,
        request: CibaRequest,
    ) -> Result<Arc<CibaAuthorization>, OAuth2KitError> {
        let c = self.core();
        let r: kit::CibaRequest = request.into();
        let inner = run(async move { c.ciba_authorization(&r).await }).await?;
        Ok(Arc::new(CibaAuthorization { inner }))
    }

    /// Polls a CIBA request with the same rules as the device flow.
    #[uniffi::method(default(observer = None, cancel = None))]
    pub async fn poll_ciba_token(
        &self,
        authorization: Arc<CibaAuthorization>,
        observer: Option<Arc<dyn PollObserver>>,
        cancel: Option<Arc<CancelHandle>>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        let opts = poll_options(observer, cancel);
        run(async move { c.poll_ciba_token(&authorization.inner, &opts).await })
            .await
            .map(Into::into)
    }

    /// Token exchange (RFC 8693); `issued_token_type` is in `extraJson`.
    pub async fn token_exchange(
        &self,
        request: TokenExchangeRequest,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        let x: kit::TokenExchange = request.into();
        run(async move { c.token_exchange(&x).await })
            .await
            .map(Into::into)
    }

    /// JWT bearer grant (RFC 7523 §2.1) with a JWT you have (from an identity provider).
    #[uniffi::method(default(scope))]
    pub async fn jwt_bearer(
        &self,
        assertion: String,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        let grant = kit::JwtBearer {
            assertion: kit::JwtAssertion::Given(kit::Secret::new(assertion)),
            scope,
        };
        run(async move { c.jwt_bearer(&grant).await })
            .await
            .map(Into::into)
    }

    /// JWT bearer grant with an assertion signed here, anew for each request.
    #[uniffi::method(default(scope))]
    pub async fn jwt_bearer_signed(
        &self,
        assertion: SignedAssertion,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        let grant = kit::JwtBearer {
            assertion: kit::JwtAssertion::Signed {
                key: kit::SigningKey::from_pem(&assertion.private_key_pem)?,
                issuer: assertion.issuer,
                subject: assertion.subject,
                audience: assertion.audience,
                lifetime_secs: u64::from(assertion.lifetime_seconds),
                claims: parse_object(&assertion.claims_json, "claimsJson")?,
            },
            scope,
        };
        run(async move { c.jwt_bearer(&grant).await })
            .await
            .map(Into::into)
    }

    /// SAML 2.0 bearer grant (RFC 7522) with a base64url assertion (no padding).
    #[uniffi::method(default(scope))]
    pub async fn saml2_bearer(
        &self,
        assertion_base64url: String,
        scope: Option<String>,
    ) -> Result<TokenSet, OAuth2KitError> {
        let c = self.core();
        run(async move { c.saml2_bearer(&assertion_base64url, scope.as_deref()).await })
            .await
            .map(Into::into)
    }
}

/// base64url without padding of a SAML assertion's XML, as RFC 7522 §2.1 wants it.
#[uniffi::export]
pub fn saml2_encode(xml: String) -> String {
    kit::assertion_grants::saml2_encode(&xml)
}
