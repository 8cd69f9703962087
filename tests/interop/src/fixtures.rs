//! The clients `server.mjs` registers, and oauth2kit clients configured for
//! them from the server's discovered metadata. Keep in step with `CLIENTS`
//! in `server.mjs`.

use oauth2kit::blocking::Client;
use oauth2kit::{
    AuthMethod, HttpOptions, OAuthClient, OAuthClientBuilder, ServerMetadata, SigningKey,
};

use crate::{HarnessError, devserver_key};

/// The redirect URI every client has registered (loopback: any port is accepted).
pub const REDIRECT_URI: &str = "http://127.0.0.1/callback";

/// The scope the clients ask for unless a test says otherwise (OAuth only, no `openid`).
pub const DEFAULT_SCOPE: &str = "read";

/// A registered client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Registered {
    /// `basic-client`, `client_secret_basic`, a secret with `+/&=:%` and a space.
    Basic,
    /// `post-client`, `client_secret_post`.
    Post,
    /// `public-client`, no authentication, PKCE required.
    Public,
    /// `jwt-secret-client`, `client_secret_jwt` (HS256).
    SecretJwt,
    /// `rsa-client`, `private_key_jwt` with `devserver/keys/rsa-client.pem`.
    PrivateKeyJwt,
}

impl Registered {
    /// Every registered client.
    pub const ALL: [Registered; 5] = [
        Registered::Basic,
        Registered::Post,
        Registered::Public,
        Registered::SecretJwt,
        Registered::PrivateKeyJwt,
    ];

    /// Its `client_id`.
    pub fn client_id(self) -> &'static str {
        match self {
            Registered::Basic => "basic-client",
            Registered::Post => "post-client",
            Registered::Public => "public-client",
            Registered::SecretJwt => "jwt-secret-client",
            Registered::PrivateKeyJwt => "rsa-client",
        }
    }

    /// Its secret, when it has one (test fixtures, not credentials).
    pub fn secret(self) -> Option<&'static str> {
        match self {
            Registered::Basic => Some("basic secret+/&=:%"),
            Registered::Post => Some("post-secret"),
            Registered::SecretJwt => Some("jwt-secret-client-0123456789abcdef0123456789abcdef"),
            Registered::Public | Registered::PrivateKeyJwt => None,
        }
    }

    /// The authentication method it was registered with.
    pub fn auth_method(self) -> AuthMethod {
        match self {
            Registered::Basic => AuthMethod::ClientSecretBasic,
            Registered::Post => AuthMethod::ClientSecretPost,
            Registered::Public => AuthMethod::None,
            Registered::SecretJwt => AuthMethod::ClientSecretJwt,
            Registered::PrivateKeyJwt => AuthMethod::PrivateKeyJwt,
        }
    }

    /// A builder with this client's credentials, method, redirect URI and
    /// the server's metadata: add what the test needs, then `build()`.
    pub fn builder(self, metadata: &ServerMetadata) -> Result<OAuthClientBuilder, HarnessError> {
        let mut b = OAuthClient::builder(self.client_id())
            .metadata(metadata.clone())
            .auth_method(self.auth_method())
            .redirect_uri(REDIRECT_URI)
            // oidc-provider answers `access_denied` to an authorization that
            // would grant nothing, so ask for a scope by default.
            .scope(DEFAULT_SCOPE);
        if let Some(secret) = self.secret() {
            b = b.client_secret(secret);
        }
        if self == Registered::PrivateKeyJwt {
            b = b.private_key(SigningKey::from_pem(&devserver_key("rsa-client.pem")?)?);
        }
        Ok(b)
    }

    /// A blocking client for this registration.
    pub fn client(self, metadata: &ServerMetadata) -> Result<Client, HarnessError> {
        Ok(Client::new(self.builder(metadata)?.build()?)?)
    }
}

/// Discovers a server's metadata with oauth2kit (RFC 8414, then OpenID Connect).
pub fn discover(issuer: &str) -> Result<ServerMetadata, HarnessError> {
    Ok(Client::discover(issuer, HttpOptions::default())?)
}
