//! Server-side redirect handling for web services: remember each pending
//! authorization by its `state`, then turn the provider's call to your
//! callback URL into tokens.
//!
//! Deskera V1 calls the platform's registered `callback_uri` server to server
//! with `code`, `scope` and `state`, and expects a 2xx once the platform holds
//! the tokens; any provider that redirects a browser to a web service works
//! the same way. The integrating service needs a few lines (see
//! `core/examples/deskera_v1_callback.rs`):
//!
//! ```no_run
//! # async fn run(client: oauth2kit::Client, request_target: &str) {
//! use oauth2kit::callback::CallbackHandler;
//! let handler = CallbackHandler::new(client);
//! let link = handler.begin(Default::default()).unwrap(); // send the user here
//! // … in the HTTP handler of the callback URL:
//! let outcome = handler.handle(request_target).await;
//! let status = CallbackHandler::status_for(&outcome); // 200 on success, else 4xx/5xx
//! # }
//! ```

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::async_client::Client;
use crate::authorize::{AuthorizeOptions, PendingAuthorization};
use crate::error::{Error, Result};
use crate::token::TokenSet;

/// How long a started authorization may take before its state is forgotten.
const PENDING_LIFETIME: Duration = Duration::from_secs(600);

/// What a handled callback produced.
#[derive(Debug)]
pub struct CallbackOutcome {
    /// The tokens.
    pub tokens: TokenSet,
    /// The `scope` the provider reported on the callback, if any.
    pub scope: Option<String>,
}

/// Keeps pending authorizations by state and completes them.
#[derive(Debug)]
pub struct CallbackHandler {
    client: Client,
    pending: Mutex<HashMap<String, (PendingAuthorization, Instant)>>,
}

impl CallbackHandler {
    /// A handler over a client configured for the provider.
    pub fn new(client: Client) -> Self {
        CallbackHandler {
            client,
            pending: Mutex::new(HashMap::new()),
        }
    }

    /// Starts an authorization: the URL to send the user to. Its state is kept
    /// (one-time, for ten minutes).
    pub fn begin(&self, opts: AuthorizeOptions) -> Result<url::Url> {
        let req = self.client.authorization_url(opts)?;
        let mut pending = self
            .pending
            .lock()
            .map_err(|_| Error::Runtime("callback handler poisoned".into()))?;
        pending.retain(|_, (_, at)| at.elapsed() < PENDING_LIFETIME);
        pending.insert(
            req.pending.state.expose().to_string(),
            (req.pending, Instant::now()),
        );
        Ok(req.url)
    }

    /// Handles a call to the callback URL: `request_target` is its path and
    /// query (`/cb?code=…&state=…`) or a full URL. Checks the state (unknown,
    /// used or expired → [`Error::StateMismatch`]), then exchanges the code.
    ///
    /// The state is consumed only once the exchange has settled: on success
    /// or a permanent failure. After a transient failure (network, 5xx, 429)
    /// it is kept, so the provider's retry of the same callback can succeed.
    /// While an exchange is in flight its state is held back: a concurrent
    /// duplicate call gets [`Error::StateMismatch`].
    pub async fn handle(&self, request_target: &str) -> Result<CallbackOutcome> {
        let query = request_target
            .split_once('?')
            .map(|(_, q)| q)
            .unwrap_or(request_target);
        // A JARM response is validated (and its state read from the JWT)
        // before any pending authorization is looked up.
        let callback = self.client.authorization_response(query).await?;
        let state = callback.state.clone().ok_or(Error::StateMismatch)?;
        let (pending, started) = self.take(&state)?;
        let scope = callback.params.get("scope").map(str::to_string);
        let result = match callback.into_grant(&pending) {
            Ok(grant) => self.client.request_token(&grant).await,
            Err(e) => Err(e),
        };
        match result {
            Ok(tokens) => Ok(CallbackOutcome { tokens, scope }),
            Err(e) => {
                if e.is_transient() {
                    self.put_back(state, pending, started);
                }
                Err(e)
            }
        }
    }

    /// Removes a live pending authorization by state.
    fn take(&self, state: &str) -> Result<(PendingAuthorization, Instant)> {
        let mut map = self
            .pending
            .lock()
            .map_err(|_| Error::Runtime("callback handler poisoned".into()))?;
        match map.remove(state) {
            Some((p, at)) if at.elapsed() < PENDING_LIFETIME => Ok((p, at)),
            _ => Err(Error::StateMismatch),
        }
    }

    /// Returns a pending authorization after a transient failure, with its
    /// original start time (a retry does not extend its life).
    fn put_back(&self, state: String, pending: PendingAuthorization, started: Instant) {
        if let Ok(mut map) = self.pending.lock() {
            map.insert(state, (pending, started));
        }
    }

    /// The HTTP status to answer the provider with: 200 once the tokens are
    /// held; 400 for a callback that is not ours; 502 when the exchange failed.
    pub fn status_for(outcome: &Result<CallbackOutcome>) -> u16 {
        match outcome {
            Ok(_) => 200,
            Err(Error::StateMismatch | Error::IssuerMismatch { .. } | Error::Config(_)) => 400,
            Err(Error::OAuth(e)) if e.status.is_none() => 400,
            Err(_) => 502,
        }
    }
}

/// [`CallbackHandler`] for callers without an async runtime (a blocking web
/// framework, a CGI script, synchronous Python): the same state keeping,
/// each callback handled on the calling thread.
#[cfg(feature = "blocking")]
#[derive(Debug)]
pub struct BlockingCallbackHandler {
    inner: CallbackHandler,
}

#[cfg(feature = "blocking")]
impl BlockingCallbackHandler {
    /// A handler over a blocking client configured for the provider.
    pub fn new(client: crate::blocking::Client) -> Self {
        BlockingCallbackHandler {
            inner: CallbackHandler::new(client.as_async().clone()),
        }
    }

    /// [`CallbackHandler::begin`].
    pub fn begin(&self, opts: AuthorizeOptions) -> Result<url::Url> {
        self.inner.begin(opts)
    }

    /// [`CallbackHandler::handle`], blocking the calling thread (not from
    /// inside an async runtime: that is [`Error::Runtime`]).
    pub fn handle(&self, request_target: &str) -> Result<CallbackOutcome> {
        crate::blocking::block_on_here(self.inner.handle(request_target))?
    }

    /// The async handler inside (the same pending states).
    pub fn as_async(&self) -> &CallbackHandler {
        &self.inner
    }
}
