//! [`Session`]: hands out a valid access token, always.
//!
//! - Refreshes ahead of expiry (margin, default 60 s); grants without refresh
//!   tokens (client credentials, JWT bearer…) fetch anew.
//! - Unknown lifetimes (`expires_in: 0`): a JWT's `exp` is used when there is
//!   one (at parse time); else the profile's validation endpoint is asked now
//!   and then, and a 401 reported by the caller ([`Session::on_unauthorized`])
//!   makes it renew once.
//! - **Single flight**: however many tasks and threads ask at once, one renewal
//!   runs; every waiter gets its result, success or failure. The renewal runs
//!   as its own task, so a caller that gives up never cuts a refresh in half
//!   (which could lose a rotated refresh token).
//! - **Rotation safety**: a new set is saved to the store before it is handed
//!   out. If saving fails, the caller gets [`Error::Store`] and the session
//!   still holds the new set in memory: a rotated token is never dropped.
//! - **Fleets**: the store's lock (Redis) makes one process renew while the
//!   others wait and then read its result.
//!
//! ```no_run
//! # async fn run(client: oauth2kit::Client) -> oauth2kit::Result<()> {
//! use oauth2kit::session::Session;
//! use oauth2kit::store::FileStore;
//! use std::sync::Arc;
//! let session = Session::builder(client)
//!     .client_credentials(Some("read"))
//!     .store(Arc::new(FileStore::new("/var/lib/app/tokens.json")))
//!     .on_change(|tokens| eprintln!("new tokens, expiring in {:?}", tokens.expires_in()))
//!     .build();
//! let token = session.access_token().await?; // valid, refreshed if needed
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};

use crate::async_client::Client;
use crate::error::{Error, OAuthError, Result};
use crate::grant::Grant;
use crate::http::HttpResponse;
use crate::secret::Secret;
use crate::store::{MemoryStore, TokenStore};
use crate::token::TokenSet;

/// Produces the grant that fetches tokens anew (called for every fetch, so a
/// JWT assertion can be signed afresh each time).
pub type GrantFactory = Arc<dyn Fn() -> Result<Grant> + Send + Sync>;
/// Told about every new token set.
pub type ChangeCallback = Arc<dyn Fn(&TokenSet) + Send + Sync>;

type Renewal = Shared<BoxFuture<'static, Result<Arc<TokenSet>>>>;

/// A cached token with how long it stays valid without I/O; see
/// [`Session::cached_fresh`].
#[derive(Debug, Clone)]
pub struct Fresh {
    /// The token set.
    pub tokens: Arc<TokenSet>,
    /// How long it may be handed out from now (`Duration::MAX`: no known end).
    pub fresh_for: Duration,
    /// The [`Session::generation`] it belongs to.
    pub generation: u64,
}

#[derive(Default)]
struct State {
    tokens: Option<Arc<TokenSet>>,
    loaded: bool,
    invalid: bool,
    validated_at: Option<Instant>,
}

struct Inner {
    client: Client,
    store: Arc<dyn TokenStore>,
    fetch_grant: Option<GrantFactory>,
    margin: Duration,
    retry_deadline: Duration,
    lock_ttl: Duration,
    validate_every: Duration,
    on_change: Vec<ChangeCallback>,
    state: RwLock<State>,
    /// Bumped on every change of `state`: lets a binding keep its own copy of
    /// the current token and know, with one atomic load, that it is still current.
    generation: AtomicU64,
    /// Bumped by [`Session::clear`]: a renewal that started before a sign-out
    /// neither saves nor publishes what it gets.
    epoch: AtomicU64,
    /// A damaged store has been reported to a caller once.
    damage_reported: std::sync::atomic::AtomicBool,
    renewal: Mutex<Option<Renewal>>,
}

/// A token session; cheap to clone, share it everywhere.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tokens = self.inner.state.read().ok().and_then(|s| s.tokens.clone());
        f.debug_struct("Session")
            .field("client_id", &self.inner.client.oauth().client_id())
            .field("store", &self.inner.store)
            .field("tokens", &tokens)
            .finish_non_exhaustive()
    }
}

/// Configures a [`Session`].
pub struct SessionBuilder {
    client: Client,
    store: Arc<dyn TokenStore>,
    initial: Option<TokenSet>,
    fetch_grant: Option<GrantFactory>,
    margin: Duration,
    retry_deadline: Duration,
    lock_ttl: Duration,
    validate_every: Duration,
    on_change: Vec<ChangeCallback>,
}

impl fmt::Debug for SessionBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionBuilder")
            .field("store", &self.store)
            .field("margin", &self.margin)
            .finish_non_exhaustive()
    }
}

impl SessionBuilder {
    /// Where tokens are kept (default: memory).
    pub fn store(mut self, store: Arc<dyn TokenStore>) -> Self {
        self.store = store;
        self
    }

    /// Starts from these tokens instead of loading the store. [`Self::start`]
    /// saves them to the store at once (a script that signs a user in and exits
    /// keeps the refresh token); [`Self::build`] keeps them in memory until the
    /// next renewal or [`Session::set_tokens`].
    pub fn tokens(mut self, tokens: TokenSet) -> Self {
        self.initial = Some(tokens);
        self
    }

    /// Fetches tokens with client credentials when there are none, or when the
    /// refresh token is dead. A session has no such grant unless one is named
    /// here (or with [`Self::jwt_bearer`], [`Self::fetch_with`]): a user's
    /// session restored from a store never turns into the client's own identity
    /// by itself; without a grant it fails with
    /// [`Error::ReauthorizationRequired`].
    pub fn client_credentials(self, scope: Option<&str>) -> Self {
        let scope = scope.map(str::to_string);
        self.fetch_with(move || Ok(Grant::client_credentials(scope.as_deref())))
    }

    /// Fetches tokens with a JWT bearer grant (a new assertion each time).
    pub fn jwt_bearer(self, grant: crate::JwtBearer) -> Self {
        self.fetch_with(move || grant.grant())
    }

    /// Fetches tokens with any grant the factory returns.
    pub fn fetch_with(
        mut self,
        factory: impl Fn() -> Result<Grant> + Send + Sync + 'static,
    ) -> Self {
        self.fetch_grant = Some(Arc::new(factory));
        self
    }

    /// Renew this long before expiry (default 60 s).
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.margin = margin;
        self
    }

    /// How long transient failures (5xx, 429, network) are retried (default 30 s).
    pub fn retry_deadline(mut self, deadline: Duration) -> Self {
        self.retry_deadline = deadline;
        self
    }

    /// TTL of the fleet refresh lock (default 30 s): a holder that dies frees it after this.
    pub fn lock_ttl(mut self, ttl: Duration) -> Self {
        self.lock_ttl = ttl;
        self
    }

    /// With an unknown lifetime, ask the validation endpoint at most this often (default 5 min).
    pub fn validate_every(mut self, every: Duration) -> Self {
        self.validate_every = every;
        self
    }

    /// Called with every new token set (after it is saved).
    pub fn on_change(mut self, callback: impl Fn(&TokenSet) + Send + Sync + 'static) -> Self {
        self.on_change.push(Arc::new(callback));
        self
    }

    /// The session, with the tokens given to [`Self::tokens`] saved to the
    /// store before it is returned (the store's error otherwise).
    pub async fn start(self) -> Result<Session> {
        let initial = self.initial.clone();
        let session = self.build();
        if let Some(tokens) = initial {
            session.inner.store.save(&tokens).await?;
        }
        Ok(session)
    }

    /// The session. Nothing is read, saved or sent until the first token is
    /// asked for (see [`Self::start`] to save given tokens at once).
    pub fn build(self) -> Session {
        let initial = self.initial.map(Arc::new);
        let loaded = initial.is_some();
        let session = Session {
            inner: Arc::new(Inner {
                client: self.client,
                store: self.store,
                fetch_grant: self.fetch_grant,
                margin: self.margin,
                retry_deadline: self.retry_deadline,
                lock_ttl: self.lock_ttl,
                validate_every: self.validate_every,
                on_change: self.on_change,
                state: RwLock::new(State {
                    tokens: initial,
                    loaded,
                    ..Default::default()
                }),
                generation: AtomicU64::new(0),
                epoch: AtomicU64::new(0),
                damage_reported: Default::default(),
                renewal: Mutex::new(None),
            }),
        };
        if loaded {
            // Tokens just handed over count as validated.
            if let Some(mut s) = session.inner.write_state() {
                s.validated_at = Some(Instant::now());
            }
        }
        session
    }
}

impl Session {
    /// Starts a session over a client.
    pub fn builder(client: Client) -> SessionBuilder {
        SessionBuilder {
            client,
            store: Arc::new(MemoryStore::new()),
            initial: None,
            fetch_grant: None,
            margin: Duration::from_secs(60),
            retry_deadline: Duration::from_secs(30),
            lock_ttl: Duration::from_secs(30),
            validate_every: Duration::from_secs(300),
            on_change: Vec::new(),
        }
    }

    /// The client used.
    pub fn client(&self) -> &Client {
        &self.inner.client
    }

    /// A valid token set: the cached one, or a renewed one.
    pub async fn token(&self) -> Result<Arc<TokenSet>> {
        if let Some(t) = self.cached() {
            return Ok(t);
        }
        self.renew().await
    }

    /// A valid access token.
    pub async fn access_token(&self) -> Result<Secret> {
        Ok(self.token().await?.access_token.clone())
    }

    /// The header to send to APIs (`Authorization: Bearer …` or the profile's).
    pub async fn authorization_header(&self) -> Result<(String, String)> {
        let t = self.token().await?;
        Ok(self.inner.client.oauth().authorization_header(&t))
    }

    /// The headers that present a valid token for one request to a resource
    /// server ([`crate::OAuthClient::resource_request_headers`]): for a
    /// DPoP-bound set, `Authorization: DPoP <token>` and `DPoP: <proof>`
    /// (`htm` = `method`, `htu` = `url` without query and fragment, `ath`,
    /// the server's last nonce), signed by the set's own key; else the
    /// profile's header.
    pub async fn resource_request_headers(
        &self,
        method: &str,
        url: &url::Url,
    ) -> Result<Vec<(String, String)>> {
        let t = self.token().await?;
        self.inner
            .client
            .oauth()
            .resource_request_headers(method, url, &t)
    }

    /// [`crate::OAuthClient::check_resource_response`] for the session's
    /// current token set: remembers the resource server's DPoP nonce and
    /// says whether to send the request once more with new
    /// [`Session::resource_request_headers`] (`use_dpop_nonce`). No I/O.
    pub fn check_resource_response(&self, url: &url::Url, resp: &HttpResponse) -> bool {
        let tokens = self.inner.state.read().ok().and_then(|s| s.tokens.clone());
        tokens.is_some_and(|t| {
            self.inner
                .client
                .oauth()
                .check_resource_response(url, &t, resp)
        })
    }

    /// The cached set if it can be handed out without any I/O.
    pub fn cached(&self) -> Option<Arc<TokenSet>> {
        let s = self.inner.state.read().ok()?;
        let t = s.tokens.as_ref()?;
        (s.loaded && !s.invalid && !self.inner.due(t, s.validated_at)).then(|| t.clone())
    }

    /// The cached set, if it can be handed out without any I/O, with how long
    /// it stays so and the [`generation`](Self::generation) it belongs to.
    ///
    /// For bindings that keep their own copy of the token (a Python object,
    /// say): the copy may be handed out while `generation()` is unchanged and
    /// `fresh_for` has not run out — no lock, no clock read of the session's.
    pub fn cached_fresh(&self) -> Option<Fresh> {
        let s = self.inner.state.read().ok()?;
        let t = s.tokens.as_ref()?;
        if !s.loaded || s.invalid {
            return None;
        }
        let fresh_for = self.inner.fresh_for(t, s.validated_at)?;
        Some(Fresh {
            tokens: t.clone(),
            fresh_for,
            // Read under the lock: a writer bumps it while holding the lock.
            generation: self.inner.generation.load(Ordering::Acquire),
        })
    }

    /// A number that changes whenever the session's tokens or their validity
    /// change (renewal, invalidation, `set_tokens`, `clear`).
    pub fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// Forgets that the current token is valid: the next call renews it.
    pub fn invalidate(&self) {
        if let Some(mut s) = self.inner.write_state() {
            s.invalid = true;
        }
    }

    /// Reports that an API answered 401 to `access_token`. Only the token
    /// currently held is invalidated, so a hundred requests failing with the
    /// same old token cause one renewal, not a hundred. Returns whether it did.
    pub fn on_unauthorized(&self, access_token: &str) -> bool {
        match self.inner.write_state() {
            Some(mut s)
                if s.tokens
                    .as_ref()
                    .is_some_and(|t| t.access_token.ct_eq(access_token)) =>
            {
                s.invalid = true;
                true
            }
            _ => false,
        }
    }

    /// Replaces the tokens (e.g. after an authorization code exchange) and saves them.
    pub async fn set_tokens(&self, tokens: TokenSet) -> Result<()> {
        self.inner.install(tokens, None).await.map(|_| ())
    }

    /// Signs out: forgets the tokens, here and in the store. A renewal already
    /// running is waited for and what it gets is neither saved nor published;
    /// calls made while the sign-out runs fail with [`Error::Cancelled`]. When
    /// this returns, no token of the old session is saved, held or handed out.
    pub async fn clear(&self) -> Result<()> {
        self.inner.epoch.fetch_add(1, Ordering::AcqRel);
        self.inner.forget();
        let result = self
            .exclusive(|inner| async move {
                inner.forget();
                inner.store.clear().await?;
                tracing::info!(target: "oauth2kit::session", "signed out: the token store is cleared");
                inner.forget();
                Err(Error::Cancelled)
            })
            .await;
        match result {
            Err(Error::Cancelled) => Ok(()),
            Err(e) => Err(e),
            Ok(_) => Ok(()),
        }
    }

    /// Renews now (single flight), whatever the cached token's state.
    async fn renew(&self) -> Result<Arc<TokenSet>> {
        let epoch = self.inner.epoch.load(Ordering::Acquire);
        let mut result = self
            .join_or_start(|inner| async move { inner.run_renewal(epoch).await })
            .await;
        if matches!(result, Err(Error::Cancelled))
            && self.inner.epoch.load(Ordering::Acquire) == epoch
        {
            // Joined a sign-out that ended before we asked: start over.
            result = self
                .join_or_start(|inner| async move { inner.run_renewal(epoch).await })
                .await;
        }
        result
    }

    /// Joins the task in flight (renewal or sign-out), or starts `work` as the
    /// one every later caller joins until it ends.
    async fn join_or_start<F, Fut>(&self, work: F) -> Result<Arc<TokenSet>>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: std::future::Future<Output = Result<Arc<TokenSet>>> + Send + 'static,
    {
        let running = self.slot()?.clone();
        match running {
            Some(r) => r.await,
            None => self.start_in_slot(work)?.await,
        }
    }

    /// Runs `work` once nothing else is in flight, as the task later callers join.
    async fn exclusive<F, Fut>(&self, work: F) -> Result<Arc<TokenSet>>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: std::future::Future<Output = Result<Arc<TokenSet>>> + Send + 'static,
    {
        loop {
            let running = self.slot()?.clone();
            match running {
                Some(r) => {
                    let _ = r.await;
                }
                None => return self.start_in_slot(work)?.await,
            }
        }
    }

    fn slot(&self) -> Result<std::sync::MutexGuard<'_, Option<Renewal>>> {
        self.inner
            .renewal
            .lock()
            .map_err(|_| Error::Runtime("session lock poisoned".into()))
    }

    /// Spawns `work` and puts it in the slot, unless another task got there
    /// first (then that one is returned).
    fn start_in_slot<F, Fut>(&self, work: F) -> Result<Renewal>
    where
        F: FnOnce(Arc<Inner>) -> Fut,
        Fut: std::future::Future<Output = Result<Arc<TokenSet>>> + Send + 'static,
    {
        let mut slot = self.slot()?;
        if let Some(r) = slot.as_ref() {
            return Ok(r.clone());
        }
        let inner = self.inner.clone();
        let fut = work(inner.clone());
        let task = tokio::spawn(async move {
            let result = fut.await;
            if let Ok(mut slot) = inner.renewal.lock() {
                *slot = None;
            }
            result
        });
        let r: Renewal = async move {
            task.await
                .unwrap_or_else(|e| Err(Error::Runtime(format!("token renewal task failed: {e}"))))
        }
        .boxed()
        .shared();
        *slot = Some(r.clone());
        Ok(r)
    }
}

/// Whether the stored set is a later one than ours (another process renewed).
/// A set that expires earlier than ours is older — what a save that failed
/// left behind — and is never preferred: refreshing with its (rotated-away)
/// refresh token would cost the grant on servers with reuse detection.
fn stored_is_newer(stored: &TokenSet, current: Option<&TokenSet>) -> bool {
    let Some(c) = current else { return true };
    if c.access_token == stored.access_token {
        return false;
    }
    match (stored.expires_at, c.expires_at) {
        (Some(s), Some(c)) => s >= c,
        _ => true,
    }
}

impl Inner {
    /// Whether a token must be renewed (or validated) before use.
    fn due(&self, t: &TokenSet, validated_at: Option<Instant>) -> bool {
        match t.expires_at {
            Some(at) => crate::time::within(at, self.margin),
            None => self.validation_due(validated_at),
        }
    }

    /// How long `t` can be handed out before it is due (None: due now).
    fn fresh_for(&self, t: &TokenSet, validated_at: Option<Instant>) -> Option<Duration> {
        let left = match t.expires_at {
            Some(at) => crate::time::left_beyond(at, self.margin),
            None if self.client.oauth().profile().validate.is_some() => {
                self.validate_every.checked_sub(validated_at?.elapsed())
            }
            None => Some(Duration::MAX),
        };
        left.filter(|d| !d.is_zero())
    }

    /// Locks the state for a change, announcing the change to
    /// [`Session::generation`] readers.
    fn write_state(&self) -> Option<std::sync::RwLockWriteGuard<'_, State>> {
        let guard = self.state.write().ok()?;
        self.generation.fetch_add(1, Ordering::AcqRel);
        Some(guard)
    }

    fn validation_due(&self, validated_at: Option<Instant>) -> bool {
        self.client.oauth().profile().validate.is_some()
            && validated_at.is_none_or(|v| v.elapsed() >= self.validate_every)
    }

    fn snapshot(&self) -> (Option<Arc<TokenSet>>, bool, bool, Option<Instant>) {
        match self.state.read() {
            Ok(s) => (s.tokens.clone(), s.loaded, s.invalid, s.validated_at),
            Err(_) => (None, false, false, None),
        }
    }

    /// Forgets the tokens held in memory (the store is left as it is).
    fn forget(&self) {
        if let Some(mut s) = self.write_state() {
            *s = State {
                loaded: true,
                ..Default::default()
            };
        }
    }

    /// Whether a sign-out happened since `epoch`.
    fn signed_out_since(&self, epoch: u64) -> bool {
        self.epoch.load(Ordering::Acquire) != epoch
    }

    /// Reads the store. A damaged document (see [`Error::StoreDamaged`]) is
    /// reported once, to the caller that met it, and then read as empty when
    /// the session has a grant that can start over; without one there is
    /// nothing to carry on with, and it stays an error.
    async fn load_store(&self) -> Result<Option<TokenSet>> {
        let loaded = self.store.load().await;
        match &loaded {
            Ok(set) => {
                tracing::debug!(target: "oauth2kit::session", found = set.is_some(), "token store: loaded")
            }
            Err(e) => {
                tracing::debug!(target: "oauth2kit::session", error = %e, "token store: load failed")
            }
        }
        match loaded {
            Err(Error::StoreDamaged(detail)) if self.fetch_grant.is_some() => {
                if self.damage_reported.swap(true, Ordering::AcqRel) {
                    tracing::warn!(%detail, "the token store is damaged; fetching new tokens");
                    Ok(None)
                } else {
                    Err(Error::StoreDamaged(detail))
                }
            }
            other => other,
        }
    }

    async fn run_renewal(self: &Arc<Self>, epoch: u64) -> Result<Arc<TokenSet>> {
        let (mut current, loaded, invalid, validated_at) = self.snapshot();
        if !loaded {
            current = self.load_store().await?.map(Arc::new);
            if self.signed_out_since(epoch) {
                return Err(Error::Cancelled);
            }
            if let Some(mut s) = self.write_state() {
                s.tokens.clone_from(&current);
                s.loaded = true;
            }
            if let Some(t) = &current {
                self.notify(t);
            }
        } else if !invalid {
            // Someone renewed between our look at the cache and now.
            if let Some(t) = current.as_ref().filter(|t| !self.due(t, validated_at)) {
                return Ok(t.clone());
            }
        }
        if let Some(t) = current
            .as_ref()
            .filter(|t| !invalid && t.expires_at.is_none())
        {
            if self.validation_due(validated_at) {
                match self.client.validate(t).await {
                    Ok(true) => {
                        if let Some(mut s) = self.write_state() {
                            s.validated_at = Some(Instant::now());
                        }
                        return Ok(t.clone());
                    }
                    // Invalid: renew below.
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, "token validation failed; keeping the token");
                        return Ok(t.clone());
                    }
                }
            } else {
                return Ok(t.clone());
            }
        } else if let Some(t) = current.as_ref().filter(|t| !invalid && !self.due(t, None)) {
            return Ok(t.clone());
        }

        let lock = self
            .store
            .lock(
                self.lock_ttl,
                self.lock_ttl.saturating_add(self.retry_deadline),
            )
            .await?;
        let result = self.renew_locked(current, epoch).await;
        let released = lock.release().await;
        let tokens = result?;
        if let Err(e) = released {
            tracing::warn!(error = %e, "could not release the refresh lock; it expires by itself");
        }
        Ok(tokens)
    }

    /// With the fleet lock held: adopt what another process stored, or fetch.
    /// A newer set in the store is the fleet's current one even when it is
    /// due: its refresh token is the live one (ours may have been rotated away
    /// by the process that stored it), so that is the one refreshed.
    async fn renew_locked(
        self: &Arc<Self>,
        mut current: Option<Arc<TokenSet>>,
        epoch: u64,
    ) -> Result<Arc<TokenSet>> {
        if let Some(stored) = self.load_store().await? {
            if stored_is_newer(&stored, current.as_deref()) {
                let stored = Arc::new(stored);
                if !self.due(&stored, Some(Instant::now())) {
                    if !self.publish(stored.clone(), epoch) {
                        return Err(Error::Cancelled);
                    }
                    self.notify(&stored);
                    return Ok(stored);
                }
                current = Some(stored);
            }
        }
        let fresh = self.fetch(current.as_deref()).await?;
        self.install_since(fresh, current.as_deref(), epoch).await
    }

    /// Publishes `tokens` unless a sign-out happened since `epoch`.
    fn publish(&self, tokens: Arc<TokenSet>, epoch: u64) -> bool {
        let Some(mut s) = self.write_state() else {
            return false;
        };
        if self.signed_out_since(epoch) {
            return false;
        }
        s.tokens = Some(tokens);
        s.loaded = true;
        s.invalid = false;
        s.validated_at = Some(Instant::now());
        true
    }

    fn notify(&self, tokens: &TokenSet) {
        for cb in &self.on_change {
            cb(tokens);
        }
    }

    /// Saves, then publishes, then notifies. A failed save still publishes the
    /// new set (a rotated refresh token is never dropped) and reports the error.
    async fn install(
        &self,
        tokens: TokenSet,
        previous: Option<&TokenSet>,
    ) -> Result<Arc<TokenSet>> {
        let epoch = self.epoch.load(Ordering::Acquire);
        self.install_since(tokens, previous, epoch).await
    }

    /// [`Self::install`] for a renewal that started at `epoch`: after a
    /// sign-out its tokens are dropped, neither saved nor published.
    async fn install_since(
        &self,
        mut tokens: TokenSet,
        previous: Option<&TokenSet>,
        epoch: u64,
    ) -> Result<Arc<TokenSet>> {
        if let Some(p) = previous {
            tokens.keep_refresh_token_from(p);
        }
        if self.signed_out_since(epoch) {
            return Err(Error::Cancelled);
        }
        let saved = self.store.save(&tokens).await;
        match &saved {
            Ok(()) => {
                tracing::debug!(target: "oauth2kit::session", "token store: saved the new token set")
            }
            Err(e) => {
                tracing::warn!(target: "oauth2kit::session", error = %e, "token store: save failed; the new token set is kept in memory")
            }
        }
        let tokens = Arc::new(tokens);
        if !self.publish(tokens.clone(), epoch) {
            return Err(Error::Cancelled);
        }
        self.notify(&tokens);
        saved.map(|_| tokens)
    }

    /// Refresh when there is a refresh token; otherwise (or when the refresh
    /// token is dead and a grant can start over) fetch anew.
    async fn fetch(&self, current: Option<&TokenSet>) -> Result<TokenSet> {
        // An empty refresh token (a store or foreign code that wrote "") is
        // no refresh token: refreshing with it could only fail at the server.
        let usable = current.filter(|t| {
            t.refresh_token
                .as_ref()
                .is_some_and(|rt| !rt.expose().trim().is_empty())
        });
        if let Some(current) = usable {
            tracing::info!(target: "oauth2kit::session", "refreshing the session's tokens");
            // Through `refresh_token_set`: a refreshed ID token is checked
            // against the first (same iss, sub, aud), the ID token and its
            // claims are kept when the answer carries none, and a DPoP-bound
            // set is refreshed with its own key.
            match self
                .with_retries(|| self.client.refresh_token_set(current, None))
                .await
            {
                Err(Error::ReauthorizationRequired(_)) if self.fetch_grant.is_some() => {
                    tracing::info!(target: "oauth2kit::session", "the refresh token is no longer usable; fetching new tokens with the session's grant");
                }
                other => return other,
            }
        }
        match &self.fetch_grant {
            Some(factory) => {
                tracing::info!(target: "oauth2kit::session", "fetching new tokens with the session's grant");
                self.with_retries(|| async { self.client.request_token(&factory()?).await })
                    .await
            }
            None => Err(Error::ReauthorizationRequired(Box::new(OAuthError {
                error: "no_refresh_token".into(),
                description: Some(
                    "the session's tokens carry no refresh token and the session names no \
                     grant to fetch new ones (client_credentials or a JWT bearer grant): \
                     authorize again"
                        .into(),
                ),
                ..Default::default()
            }))),
        }
    }

    /// Retries transient failures with exponential backoff, honouring `Retry-After`,
    /// within the retry deadline.
    async fn with_retries<F, Fut>(&self, mut attempt: F) -> Result<TokenSet>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<TokenSet>>,
    {
        // The client's clock, so tests drive retries with a `ManualClock`
        // instead of waiting out a `Retry-After` in real time.
        let clock = self.client.clock();
        let started = clock.now();
        let mut backoff = Duration::from_millis(100);
        loop {
            match attempt().await {
                Err(e) if e.is_transient() => {
                    let wait = e.retry_after().unwrap_or(backoff).max(backoff);
                    let elapsed = clock.now().saturating_duration_since(started);
                    if elapsed.saturating_add(wait) > self.retry_deadline {
                        return Err(e);
                    }
                    tracing::debug!(error = %e, ?wait, "transient token endpoint failure; retrying");
                    clock.sleep(wait).await;
                    backoff = (backoff * 2).min(Duration::from_secs(5));
                }
                other => return other,
            }
        }
    }
}
