//! # oauth2kit-interop
//!
//! oauth2kit against an authorization server it shares nothing with: npm
//! [`oidc-provider`](https://github.com/panva/node-oidc-provider) (pinned in
//! `package.json`), started by `server.mjs`. The devserver checks the
//! provider dialects it was written from; this peer checks that the standard
//! behaviour agrees with someone else's reading of the RFCs.
//!
//! - [`OidcProvider`]: runs `node server.mjs 0`, reads the issuer URL from its
//!   first stdout line, kills it on drop.
//! - [`Browser`]: a cookie-jar user agent that signs in and consents through
//!   oidc-provider's development pages and returns the redirect back, or
//!   approves a device code.
//! - [`fixtures`]: the clients `server.mjs` registers.
//!
//! The tests are in `tests/`; `test.sh` installs the npm package and runs them.

mod browser;
pub mod fixtures;
pub mod html;
mod peer;

pub use browser::Browser;
pub use peer::{OidcProvider, devserver_key, interop_dir};

/// What can go wrong in the harness itself (as opposed to in oauth2kit).
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The peer or its tools are missing or would not start.
    #[error("interop set-up: {0}")]
    Setup(String),
    /// The scripted user could not get through the server's pages.
    #[error("browser flow: {0}")]
    Flow(String),
    /// oauth2kit returned an error where the harness needed a result.
    #[error("oauth2kit: {0}")]
    OAuth(#[from] oauth2kit::Error),
}
