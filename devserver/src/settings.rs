//! Knobs a test can turn at run time (through [`crate::DevServer`] or `/control/...`).

use std::collections::HashMap;

use serde_json::{Map, Value};

use crate::endpoints::jarm::Corruption;
use crate::tokens::signer::IdTokenAlg;

/// Default lifetime of access tokens, in seconds.
pub(crate) const DEFAULT_TOKEN_LIFETIME: u64 = 3600;

#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) token_lifetime: u64,
    /// Per client id: Deskera V1's server-to-server `callback_uri`, and Deskera V2's
    /// registered redirect target (both are fixed at registration in the real services).
    pub(crate) callback_uris: HashMap<String, String>,
    /// Claims merged into every ID token from now on (a `null` removes the claim),
    /// so tests can make each check of a relying party fail for real.
    pub(crate) id_token_claims: Map<String, Value>,
    /// A `kid` put in ID token headers instead of the signing key's own.
    pub(crate) id_token_kid: Option<String>,
    /// What ID tokens and signed userinfo are signed with (RS256 unless a test asks).
    pub(crate) id_token_alg: IdTokenAlg,
    /// `/userinfo` answers with a signed JWT (`application/jwt`) instead of JSON.
    pub(crate) userinfo_signed: bool,
    /// Claims merged into `/userinfo` answers (e.g. another `sub`).
    pub(crate) userinfo_claims: Map<String, Value>,
    /// The nonce the token endpoint demands in DPoP proofs (`use_dpop_nonce`), if any.
    pub(crate) dpop_token_nonce: Option<String>,
    /// The nonce protected resources demand in DPoP proofs, if any.
    pub(crate) dpop_resource_nonce: Option<String>,
    /// A `token_type` answered instead of `DPoP` for DPoP-bound tokens (a server that
    /// claims to have issued a bearer token).
    pub(crate) dpop_token_type: Option<String>,
    /// Seconds added to the server's time when it checks a DPoP proof's `iat`: a
    /// test sets it to make the client's fresh proofs stale without a client clock.
    pub(crate) dpop_clock_offset: i64,
    /// JARM: how `/authorize` spoils its JWT-secured responses (a test knob).
    pub(crate) jarm_corruption: Option<Corruption>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            callback_uris: HashMap::new(),
            id_token_claims: Map::new(),
            id_token_kid: None,
            id_token_alg: IdTokenAlg::Rs256,
            userinfo_signed: false,
            userinfo_claims: Map::new(),
            dpop_token_nonce: None,
            dpop_resource_nonce: None,
            dpop_token_type: None,
            dpop_clock_offset: 0,
            jarm_corruption: None,
        }
    }
}
