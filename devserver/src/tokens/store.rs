//! What the standard endpoints remember: codes, access and refresh tokens, grants, and
//! JWT ids already seen.
//!
//! Tokens belong to a *grant* (one authorization: a code, a password login, a device
//! approval...). Revoking a grant kills every token issued under it, which is what code
//! reuse (RFC 6749 §4.1.2), refresh-token reuse (RFC 9700 §4.14.2) and revoking a refresh
//! token (RFC 7009 §2.1) each require.

use std::collections::{HashMap, HashSet};

use serde_json::Value;

use crate::auth::pkce::Challenge;

#[derive(Debug, Clone)]
pub(crate) struct AccessRecord {
    pub(crate) client_id: String,
    pub(crate) sub: String,
    pub(crate) scope: String,
    pub(crate) aud: Vec<String>,
    pub(crate) iat: u64,
    pub(crate) exp: u64,
    pub(crate) jti: String,
    pub(crate) grant_id: Option<String>,
    /// The RFC 8693 `act` claim, kept so a further exchange can nest it.
    pub(crate) act: Option<Value>,
    /// The DPoP key (thumbprint) the token is bound to: it must be presented with a
    /// proof by that key, never as a bearer token.
    pub(crate) jkt: Option<String>,
    /// The TLS client certificate (thumbprint) the token is bound to (RFC 8705 §3): it
    /// must be presented over a connection with that certificate.
    pub(crate) x5t: Option<String>,
    pub(crate) revoked: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshRecord {
    pub(crate) client_id: String,
    pub(crate) sub: String,
    /// The scope of the whole grant; a refresh may ask for less, never more.
    pub(crate) scope: String,
    pub(crate) grant_id: String,
    pub(crate) iat: u64,
    /// When the user authenticated (the ID token's `auth_time`, kept across refreshes).
    pub(crate) auth_time: u64,
    /// Set once this token has been exchanged for its successor.
    pub(crate) rotated: bool,
    pub(crate) revoked: bool,
    /// The DPoP key a public client's refresh token is bound to.
    pub(crate) jkt: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct CodeRecord {
    pub(crate) client_id: String,
    /// The `redirect_uri` sent to `/authorize`, which the token request must repeat.
    pub(crate) redirect_uri: Option<String>,
    pub(crate) challenge: Option<Challenge>,
    pub(crate) scope: String,
    pub(crate) sub: String,
    pub(crate) nonce: Option<String>,
    /// When the user authenticated at `/authorize`.
    pub(crate) auth_time: u64,
    pub(crate) expires_at: u64,
    pub(crate) used: bool,
    pub(crate) grant_id: String,
    /// `dpop_jkt` of the authorization request (RFC 9449 §10): the code may be
    /// exchanged only with a proof by that key.
    pub(crate) dpop_jkt: Option<String>,
    /// `authorization_details` of the request (RFC 9396), granted with the code.
    pub(crate) authorization_details: Option<serde_json::Value>,
}

/// A pushed authorization request (RFC 9126), waiting for its `/authorize`.
#[derive(Debug)]
pub(crate) struct PushedRequest {
    pub(crate) client_id: String,
    pub(crate) params: crate::http::params::Params,
    pub(crate) expires_at: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Store {
    pub(crate) codes: HashMap<String, CodeRecord>,
    /// Pushed authorization requests by their `request_uri`.
    pub(crate) pushed: HashMap<String, PushedRequest>,
    pub(crate) access: HashMap<String, AccessRecord>,
    pub(crate) refresh: HashMap<String, RefreshRecord>,
    revoked_grants: HashSet<String>,
    /// `client|jti` of every JWT assertion accepted, with its `exp`, for replay checks.
    seen_jtis: HashMap<String, u64>,
}

impl Store {
    fn grant_alive(&self, grant_id: Option<&str>) -> bool {
        grant_id.is_none_or(|g| !self.revoked_grants.contains(g))
    }

    /// An access token that is known, unexpired and not revoked.
    pub(crate) fn active_access(&self, token: &str, now: u64) -> Option<&AccessRecord> {
        self.access
            .get(token)
            .filter(|r| !r.revoked && r.exp > now && self.grant_alive(r.grant_id.as_deref()))
    }

    /// A refresh token that may still be used.
    pub(crate) fn active_refresh(&self, token: &str) -> Option<&RefreshRecord> {
        self.refresh
            .get(token)
            .filter(|r| !r.rotated && !r.revoked && self.grant_alive(Some(&r.grant_id)))
    }

    pub(crate) fn revoke_grant(&mut self, grant_id: &str) {
        tracing::info!(grant_id, "revoking every token of a grant");
        self.revoked_grants.insert(grant_id.to_owned());
    }

    pub(crate) fn grant_revoked(&self, grant_id: &str) -> bool {
        self.revoked_grants.contains(grant_id)
    }

    /// Records an assertion's `jti`; false if it was already used (a replay).
    pub(crate) fn fresh_jti(&mut self, key: String, exp: u64, now: u64) -> bool {
        self.seen_jtis.retain(|_, e| *e >= now);
        if self.seen_jtis.contains_key(&key) {
            return false;
        }
        self.seen_jtis.insert(key, exp);
        true
    }
}
