//! The core's token [`oauth2kit::session::Session`] (always-valid tokens,
//! refresh ahead of expiry, single flight, rotation-safe saving) with a
//! `TokenStore` the app implements in Kotlin or Swift over its secure storage
//! (EncryptedSharedPreferences, DataStore + Keystore, Keychain).

use std::sync::Arc;

use oauth2kit as kit;

use crate::client::OAuthClient;
use crate::error::OAuth2KitError;
use crate::runtime::run;
use crate::session_config_record::SessionConfig;
use crate::types::{HttpHeader, TokenSet};

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

/// The app's store as the binding layer's foreign store: the layer runs it off
/// the async workers and reads and writes the versioned store document.
struct AppStore(Arc<dyn TokenStore>);

fn store_error(e: OAuth2KitError) -> kit::Error {
    match e {
        OAuth2KitError::Store { detail } => kit::Error::Store(detail),
        other => kit::Error::Store(other.to_string()),
    }
}

impl oauth2kit_bind::ForeignStore for AppStore {
    fn load(&self) -> kit::Result<Option<zeroize::Zeroizing<String>>> {
        self.0
            .load()
            .map(|json| json.map(zeroize::Zeroizing::new))
            .map_err(store_error)
    }

    fn save(&self, document: &str) -> kit::Result<()> {
        self.0.save(document.to_string()).map_err(store_error)
    }

    fn clear(&self) -> kit::Result<()> {
        self.0.clear().map_err(store_error)
    }
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
    config: Option<SessionConfig>,
    initial_tokens: Option<TokenSet>,
) -> Result<kit::session::Session, OAuth2KitError> {
    let core = client.core();
    let layer = config.unwrap_or_default().to_layer()?;
    let mut b = layer.apply(kit::session::Session::builder(core.clone()), &core)?;
    if let Some(s) = store {
        let adapter =
            oauth2kit_bind::ForeignStoreAdapter::new(Arc::new(AppStore(s)), "the app's store");
        b = b.store(Arc::new(adapter));
    }
    if let Some(t) = initial_tokens {
        b = b.tokens(t.try_into()?);
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
    /// only) and telling `observer` about every new set (also one adopted
    /// from a store another process wrote). `config`: the session options
    /// (timings, and the one grant the session may fetch with — none unless
    /// named). `initialTokens` are saved to the store before this returns.
    /// Makes no request.
    #[uniffi::constructor(default(store = None, observer = None, config = None, initial_tokens = None))]
    pub fn new(
        client: Arc<OAuthClient>,
        store: Option<Arc<dyn TokenStore>>,
        observer: Option<Arc<dyn TokenObserver>>,
        config: Option<SessionConfig>,
        initial_tokens: Option<TokenSet>,
    ) -> Result<Arc<Self>, OAuth2KitError> {
        Ok(Arc::new(Session {
            inner: build_session(&client, store, observer, config, initial_tokens)?,
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
            .map(HttpHeader::from)
    }

    /// `OAuthClient.resourceRequestHeaders` with valid tokens (renewed first
    /// when due; DPoP-bound tokens keep their own key).
    pub async fn resource_request_headers(
        &self,
        method: String,
        url: String,
    ) -> Result<Vec<HttpHeader>, OAuth2KitError> {
        let s = self.inner.clone();
        let url = oauth2kit_bind::resource::parse_url(&url)?;
        let headers = run(async move { s.resource_request_headers(&method, &url).await }).await?;
        Ok(headers.into_iter().map(HttpHeader::from).collect())
    }

    /// `OAuthClient.checkResourceResponse` for the session's current tokens:
    /// true means send once more with new `resourceRequestHeaders`. No I/O.
    pub fn check_resource_response(
        &self,
        url: String,
        status: u16,
        headers: Vec<HttpHeader>,
    ) -> Result<bool, OAuth2KitError> {
        let url = oauth2kit_bind::resource::parse_url(&url)?;
        let headers = headers.into_iter().map(<(String, String)>::from).collect();
        let answer = oauth2kit_bind::resource::response(status, headers);
        Ok(self.inner.check_resource_response(&url, &answer))
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
