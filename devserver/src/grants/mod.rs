//! The grants of the standard token endpoint, one module each.

pub(crate) mod authorization_code;
pub(crate) mod ciba;
pub(crate) mod client_credentials;
pub(crate) mod device_code;
pub(crate) mod echo;
pub(crate) mod jwt_bearer;
pub(crate) mod password;
pub(crate) mod polling;
pub(crate) mod refresh_token;
pub(crate) mod saml2_bearer;
pub(crate) mod token_exchange;

use crate::app::AppState;
use crate::clients::Registration;
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::tokens::issue::{Issue, TokenResponse};

pub(crate) const AUTHORIZATION_CODE: &str = "authorization_code";
pub(crate) const CLIENT_CREDENTIALS: &str = "client_credentials";
pub(crate) const PASSWORD: &str = "password";
pub(crate) const REFRESH_TOKEN: &str = "refresh_token";
pub(crate) const ECHO: &str = "urn:oauth2kit:params:grant-type:echo";
pub(crate) const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
pub(crate) const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
pub(crate) const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
pub(crate) const SAML2_BEARER: &str = "urn:ietf:params:oauth:grant-type:saml2-bearer";
pub(crate) const CIBA: &str = "urn:openid:params:grant-type:ciba";

/// Advertised in the metadata document.
pub(crate) const SUPPORTED: [&str; 11] = [
    AUTHORIZATION_CODE,
    "implicit",
    CLIENT_CREDENTIALS,
    PASSWORD,
    REFRESH_TOKEN,
    ECHO,
    DEVICE_CODE,
    TOKEN_EXCHANGE,
    JWT_BEARER,
    SAML2_BEARER,
    CIBA,
];

/// One token request, its client already authenticated.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) app: &'a AppState,
    pub(crate) client: Option<&'static Registration>,
    pub(crate) params: &'a Params,
    /// The thumbprint of the key of a valid DPoP proof (RFC 9449), if the request had one.
    pub(crate) dpop_jkt: Option<String>,
    /// The thumbprint of the TLS client certificate of the connection (RFC 8705), if any.
    pub(crate) x5t: Option<String>,
}

impl Ctx<'_> {
    /// The client, for grants that need one (all but the assertion grants).
    pub(crate) fn client(&self) -> Result<&'static Registration, OAuthError> {
        self.client
            .ok_or_else(|| OAuthError::invalid_client("client authentication required"))
    }

    /// Issues tokens, bound to the request's DPoP key when it proved one, and to its
    /// TLS client certificate when it presented one.
    pub(crate) fn issue(&self, mut what: Issue) -> Result<TokenResponse, OAuthError> {
        what.jkt.clone_from(&self.dpop_jkt);
        what.x5t.clone_from(&self.x5t);
        crate::tokens::issue::issue(self.app, what)
    }
}

/// Assertion grants identify the client by the assertion itself (RFC 7521 §4.1), so the
/// request may carry no client authentication of its own.
pub(crate) fn client_optional(grant_type: &str) -> bool {
    grant_type == JWT_BEARER || grant_type == SAML2_BEARER
}

pub(crate) fn dispatch(grant_type: &str, ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    match grant_type {
        AUTHORIZATION_CODE => authorization_code::grant(ctx),
        CLIENT_CREDENTIALS => client_credentials::grant(ctx),
        PASSWORD => password::grant(ctx),
        REFRESH_TOKEN => refresh_token::grant(ctx),
        ECHO => echo::grant(ctx),
        DEVICE_CODE => device_code::grant(ctx),
        TOKEN_EXCHANGE => token_exchange::grant(ctx),
        JWT_BEARER => jwt_bearer::grant(ctx),
        SAML2_BEARER => saml2_bearer::grant(ctx),
        CIBA => ciba::grant(ctx),
        other => Err(OAuthError::bad(
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported"),
        )),
    }
}
