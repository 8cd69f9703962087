//! The core's token [`oauth2kit::session::Session`] (always-valid tokens,
//! refresh ahead of expiry, single flight, rotation-safe saving) with a
//! `TokenStore` the app implements in Kotlin or Swift over its secure storage
//! (EncryptedSharedPreferences, DataStore + Keystore, Keychain).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use oauth2kit as kit;
use oauth2kit::transport::BoxFuture;

use crate::client::OAuthClient;
use crate::error::OAuth2KitError;
use crate::flows::SignedAssertion;
use crate::runtime::run;
use crate::types::{HttpHeader, TokenSet, json_error, parse_object};

/// Secure storage of one token set, implemented by the app. The tokens come
/// and go as JSON text (the format of `tokenSetToJson`): store it as it is.
/// Called on a library thread, never the main thread; may block briefly.
/// Throw `OAuth2KitException.Store` (or any exception) when storage fails.
#[uniffi::export(with_foreign)]
pub trait TokenStore: Send + Sync {
    /// The stored JSON, or null when nothing is stored.
    fn load(&self) -> Result<Option<String>, OAuth2KitError>;
    /// Replaces the stored JSON; must be durable when it returns.
    fn save(&self, tokens_json: String) -> Result<(), OAuth2KitError>;
    /// Removes what is stored.
    fn clear(&self) -> Result<(), OAuth2KitError>;
}

/// Told about every new token set (after it is saved), on a library thread.
/// What it throws is ignored.
#[uniffi::export(with_foreign)]
pub trait TokenObserver: Send + Sync {
    /// The new tokens.
    fn on_tokens_changed(&self, tokens: TokenSet) -> Result<(), OAuth2KitError>;
}

/// The core's `TokenStore` over a foreign one. Foreign calls run on tokio's
/// blocking pool so a slow keychain never stalls the runtime's workers.
struct ForeignStore(Arc<dyn TokenStore>);

impl fmt::Debug for ForeignStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ForeignStore")
    }
}

fn store_error(e: OAuth2KitError) -> kit::Error {
    match e {
        OAuth2KitError::Store { detail } => kit::Error::Store(detail),
        other => kit::Error::Store(other.to_string()),
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, OAuth2KitError> + Send + 'static,
) -> kit::Result<T> {
    match tokio::task::spawn_blocking(f).await {
        Ok(r) => r.map_err(store_error),
        Err(_) => Err(kit::Error::Store(
            "the token store callback panicked".into(),
        )),
    }
}

impl kit::store::TokenStore for ForeignStore {
    fn load(&self) -> BoxFuture<'_, kit::Result<Option<kit::TokenSet>>> {
        let store = self.0.clone();
        Box::pin(async move {
            match blocking(move || store.load()).await? {
                None => Ok(None),
                Some(json) => serde_json::from_str(&json).map(Some).map_err(|e| {
                    kit::Error::StoreDamaged(format!(
                        "the stored tokens are not readable: {}",
                        json_error(&e)
                    ))
                }),
            }
        })
    }

    fn save<'a>(&'a self, tokens: &'a kit::TokenSet) -> BoxFuture<'a, kit::Result<()>> {
        let store = self.0.clone();
        let json = serde_json::to_string(tokens).map_err(|e| {
            kit::Error::Store(format!("cannot serialize the tokens: {}", json_error(&e)))
        });
        Box::pin(async move {
            let json = json?;
            blocking(move || store.save(json)).await
        })
    }

    fn clear(&self) -> BoxFuture<'_, kit::Result<()>> {
        let store = self.0.clone();
        Box::pin(async move { blocking(move || store.clear()).await })
    }
}

/// How a session gets tokens when it has no refresh token to use.
#[derive(Clone, Debug, uniffi::Enum)]
pub enum SessionGrant {
    /// Only what the app hands over (`setTokens`, after the authorization
    /// code flow) and refreshes of it.
    None,
    /// Client credentials with this scope (null: the configured one).
    ClientCredentials { scope: Option<String> },
    /// JWT bearer with an assertion signed anew each time.
    JwtBearer {
        assertion: SignedAssertion,
        scope: Option<String>,
    },
}

/// Session settings; every field has a default.
#[derive(Clone, Debug, uniffi::Record)]
pub struct SessionOptions {
    /// How to get tokens without a refresh token.
    #[uniffi(default = None)]
    pub grant: Option<SessionGrant>,
    /// Start from these tokens instead of loading the store; the session's
    /// constructor saves them to the store before it returns.
    #[uniffi(default)]
    pub initial_tokens: Option<TokenSet>,
    /// Renew this long before expiry (default 60).
    #[uniffi(default)]
    pub refresh_margin_seconds: Option<u32>,
    /// Retry transient failures for this long (default 30).
    #[uniffi(default)]
    pub retry_deadline_seconds: Option<u32>,
    /// With an unknown lifetime, ask the validation endpoint at most this often (default 300).
    #[uniffi(default)]
    pub validate_every_seconds: Option<u32>,
}

/// Hands out valid tokens: the cached ones, or renewed ones (one renewal
/// however many callers ask at once). Thread-safe; share one per account.
#[derive(Debug, uniffi::Object)]
pub struct Session {
    inner: kit::session::Session,
}

fn build_session(
    client: &OAuthClient,
    store: Option<Arc<dyn TokenStore>>,
    observer: Option<Arc<dyn TokenObserver>>,
    options: SessionOptions,
) -> Result<kit::session::Session, OAuth2KitError> {
    let mut b = kit::session::Session::builder(client.core());
    if let Some(s) = store {
        b = b.store(Arc::new(ForeignStore(s)));
    }
    if let Some(t) = options.initial_tokens {
        b = b.tokens(t.try_into()?);
    }
    match options.grant {
        None | Some(SessionGrant::None) => {}
        Some(SessionGrant::ClientCredentials { scope }) => {
            b = b.client_credentials(scope.as_deref())
        }
        Some(SessionGrant::JwtBearer { assertion, scope }) => {
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
            b = b.jwt_bearer(grant);
        }
    }
    let secs = |v: u32| Duration::from_secs(u64::from(v));
    if let Some(v) = options.refresh_margin_seconds {
        b = b.refresh_margin(secs(v));
    }
    if let Some(v) = options.retry_deadline_seconds {
        b = b.retry_deadline(secs(v));
    }
    if let Some(v) = options.validate_every_seconds {
        b = b.validate_every(secs(v));
    }
    if let Some(obs) = observer {
        b = b.on_change(move |t: &kit::TokenSet| {
            if let Err(e) = obs.on_tokens_changed(t.clone().into()) {
                tracing::debug!(%e, "token observer failed; ignored");
            }
        });
    }
    // Tokens given here are saved before this returns (or the store's error is).
    Ok(kit::blocking::Session::start(b)?.as_async().clone())
}

#[uniffi::export]
impl Session {
    /// A session over `client`, keeping tokens in `store` (default: memory
    /// only) and telling `observer` about every new set. Makes no request.
    #[uniffi::constructor(default(store = None, observer = None, options = None))]
    pub fn new(
        client: Arc<OAuthClient>,
        store: Option<Arc<dyn TokenStore>>,
        observer: Option<Arc<dyn TokenObserver>>,
        options: Option<SessionOptions>,
    ) -> Result<Arc<Self>, OAuth2KitError> {
        let options = options.unwrap_or(SessionOptions {
            grant: None,
            initial_tokens: None,
            refresh_margin_seconds: None,
            retry_deadline_seconds: None,
            validate_every_seconds: None,
        });
        Ok(Arc::new(Session {
            inner: build_session(&client, store, observer, options)?,
        }))
    }

    /// Valid tokens: cached, or renewed now. `ReauthorizationRequired` when
    /// the refresh token is dead and no grant can start over.
    pub async fn tokens(&self) -> Result<TokenSet, OAuth2KitError> {
        let s = self.inner.clone();
        let t = run(async move { s.token().await }).await?;
        Ok((*t).clone().into())
    }

    /// A valid access token.
    pub async fn access_token(&self) -> Result<String, OAuth2KitError> {
        let s = self.inner.clone();
        run(async move { s.access_token().await })
            .await
            .map(|t| t.expose().to_string())
    }

    /// The header to send to APIs, as the profile says.
    pub async fn authorization_header(&self) -> Result<HttpHeader, OAuth2KitError> {
        let s = self.inner.clone();
        run(async move { s.authorization_header().await })
            .await
            .map(|(name, value)| HttpHeader { name, value })
    }

    /// The cached tokens if usable without any I/O.
    pub fn cached(&self) -> Option<TokenSet> {
        self.inner.cached().map(|t| (*t).clone().into())
    }

    /// The next call renews, whatever the expiry says.
    pub fn invalidate(&self) {
        self.inner.invalidate();
    }

    /// An API answered 401 to `accessToken`: renew once, however many requests
    /// report the same token. Returns whether this report invalidated it.
    pub fn on_unauthorized(&self, access_token: String) -> bool {
        self.inner.on_unauthorized(&access_token)
    }

    /// Replaces the tokens (after the authorization code flow) and saves them.
    pub async fn set_tokens(&self, tokens: TokenSet) -> Result<(), OAuth2KitError> {
        let s = self.inner.clone();
        let t: kit::TokenSet = tokens.try_into()?;
        run(async move { s.set_tokens(t).await }).await
    }

    /// Forgets the tokens, here and in the store (sign-out).
    pub async fn clear(&self) -> Result<(), OAuth2KitError> {
        let s = self.inner.clone();
        run(async move { s.clear().await }).await
    }
}
