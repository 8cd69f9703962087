//! Knobs a test can turn at run time (through [`crate::DevServer`] or `/control/...`).

use std::collections::HashMap;

/// Default lifetime of access tokens, in seconds.
pub(crate) const DEFAULT_TOKEN_LIFETIME: u64 = 3600;

#[derive(Debug)]
pub(crate) struct Settings {
    pub(crate) token_lifetime: u64,
    /// Per client id: Deskera V1's server-to-server `callback_uri`, and Deskera V2's
    /// registered redirect target (both are fixed at registration in the real services).
    pub(crate) callback_uris: HashMap<String, String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            callback_uris: HashMap::new(),
        }
    }
}
