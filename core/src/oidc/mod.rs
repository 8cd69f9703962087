//! The OpenID Connect relying party: ID token validation
//! ([`id_token`]), the provider's keys ([`jwks`]) and the UserInfo endpoint
//! ([`userinfo`]), as sans-IO requests and parsers like every other
//! operation. [`crate::Client`] and [`crate::blocking::Client`] run them by
//! themselves: an ID token that comes back from a code exchange, a refresh or
//! any other grant is validated before the tokens are returned, whenever the
//! client knows the provider's keys (a `jwks_uri` from discovery or
//! [`crate::OAuthClientBuilder::jwks_uri`], or static keys from
//! [`crate::OAuthClientBuilder::jwks_json`]); its claims are then
//! [`crate::TokenSet::id_token_claims`].

pub(crate) mod alg;
pub mod id_token;
pub mod jwks;
pub mod userinfo;

pub use id_token::{DEFAULT_CLOCK_SKEW, IdTokenExpectations};
pub use jwks::{Jwks, jwks_request, parse_jwks};
