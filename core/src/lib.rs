//! # oauth2kit
//!
//! An OAuth 2.0 client that works against real servers, quirks included.
//!
//! - **Sans-IO core**: [`OAuthClient`] builds every request as an [`HttpRequest`]
//!   and parses every [`HttpResponse`]; no socket in it.
//! - **Transports**: [`Client`] (async, reqwest + rustls) and
//!   [`blocking::Client`] (feature `blocking`) send them; or bring your own
//!   [`Transport`].
//! - **Grants**: authorization code with PKCE, client credentials, password,
//!   refresh, implicit (legacy), device authorization (RFC 8628), token
//!   exchange (RFC 8693), JWT bearer (RFC 7523), SAML 2.0 bearer (RFC 7522),
//!   CIBA poll mode, and any extension grant ([`Grant`]).
//! - **Client authentication**: `client_secret_basic` (RFC 6749 §2.3.1
//!   encoding), `client_secret_post`, `client_secret_jwt`, `private_key_jwt`, `none`.
//! - **Profiles**: provider dialects as data ([`Profile`]): Deskera V1/V2,
//!   Desko, generic, or your own TOML/JSON file.
//! - **DPoP** ([`dpop`], RFC 9449): sender-constrained tokens, proofs on
//!   token and resource requests, nonces retried once, the key stored with
//!   the token set.
//! - **OpenID Connect** ([`oidc`]): ID tokens validated on every exchange and
//!   refresh (JWKS cached and refreshed on key rotation), UserInfo.
//! - **Secrets** ([`Secret`]) never appear in `Debug`, `Display` or errors.
//!
//! ```no_run
//! # async fn run() -> oauth2kit::Result<()> {
//! use oauth2kit::{AuthorizeOptions, Client, OAuthClient};
//! let client = Client::new(
//!     OAuthClient::builder("my-app")
//!         .client_secret("s3cret")
//!         .authorization_url("https://as.example/authorize")
//!         .token_url("https://as.example/token")
//!         .redirect_uri("http://127.0.0.1:8765/callback")
//!         .build()?,
//! )?;
//! let request = client.authorization_url(AuthorizeOptions::default())?;
//! println!("open {}", request.url);
//! // … the browser comes back to the redirect URI …
//! # let redirect = "http://127.0.0.1:8765/callback?code=x&state=y";
//! let tokens = client.exchange_redirect(&request.pending, redirect).await?;
//! # Ok(()) }
//! ```
#![warn(missing_docs)]
// Library code reports errors instead of panicking; tests may unwrap.
#![cfg_attr(
    not(test),
    warn(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod assertion_grants;
#[cfg(feature = "reqwest")]
mod async_client;
pub mod authorize;
#[cfg(feature = "blocking")]
pub mod blocking;
#[cfg(feature = "reqwest")]
pub mod callback;
mod client;
pub mod client_auth;
pub mod config_hint;
pub mod device;
pub mod discovery;
pub mod dpop;
mod error;
pub mod fapi;
pub mod grant;
pub mod http;
pub mod introspect;
pub mod jar;
pub mod jarm;
pub mod keys;
pub mod logout;
pub mod loopback;
pub mod mtls;
pub mod oidc;
pub mod params;
pub mod pkce;
#[cfg(feature = "reqwest")]
pub mod polling;
pub mod profile;
pub mod rar;
pub mod revoke;
mod secret;
#[cfg(feature = "reqwest")]
pub mod session;
#[cfg(feature = "blocking")]
mod shared_runtime;
pub mod store;
pub mod suggest;
mod time;
pub mod token;
pub mod transport;

pub use assertion_grants::{JwtAssertion, JwtBearer, TokenExchange};
#[cfg(feature = "reqwest")]
pub use async_client::Client;
pub use authorize::{AuthorizationRequest, AuthorizeOptions, Callback, PendingAuthorization};
pub use client::{Endpoints, OAuthClient, OAuthClientBuilder};
pub use config_hint::ConfigHint;
pub use device::{CibaAuthorization, CibaRequest, DeviceAuthorization};
pub use discovery::ServerMetadata;
pub use dpop::DpopKey;
pub use error::{Error, ErrorCode, OAuthError, Result};
pub use grant::Grant;
pub use http::{HttpRequest, HttpResponse, Method};
pub use introspect::Introspection;
pub use keys::SigningKey;
pub use logout::EndSession;
pub use mtls::ClientCertificate;
pub use oidc::{IdTokenExpectations, Jwks};
#[cfg(feature = "reqwest")]
pub use polling::{CancelToken, Clock, ManualClock, PollEvent, PollOptions};
pub use profile::{AuthMethod, Profile};
pub use revoke::TokenTypeHint;
pub use secret::Secret;
pub use token::TokenSet;
pub use transport::{HttpOptions, Transport};
