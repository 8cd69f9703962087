//! The registered clients and users.
//!
//! The public constants are the contract the test suites code against (mirrored in
//! `README.md`); the crate-private registry below says how each client must authenticate.

use jsonwebtoken::Algorithm;

use crate::keys;

/// Loopback redirect URI: any port matches (RFC 8252 §7.3).
pub const REDIRECT_LOOPBACK: &str = "http://127.0.0.1/callback";
/// A fixed-port `localhost` redirect URI (matched exactly, port included).
pub const REDIRECT_LOCALHOST: &str = "http://localhost:8765/callback";
/// A private-use URI scheme redirect, as a mobile app registers (RFC 8252 §7.1).
pub const REDIRECT_CUSTOM_SCHEME: &str = "com.example.app:/oauth2redirect";
/// Every standard client is registered with these three redirect URIs.
pub const REDIRECT_URIS: [&str; 3] = [
    REDIRECT_LOOPBACK,
    REDIRECT_LOCALHOST,
    REDIRECT_CUSTOM_SCHEME,
];

/// Authenticates with `client_secret_basic` only.
pub const BASIC_CLIENT_ID: &str = "basic-client";
/// Contains characters that RFC 6749 §2.3.1 form-encoding changes (space `+ / & = : %`).
pub const BASIC_CLIENT_SECRET: &str = "basic secret+/&=:%";

/// Authenticates with `client_secret_post` only.
pub const POST_CLIENT_ID: &str = "post-client";
pub const POST_CLIENT_SECRET: &str = "post-secret";

/// A public client (`none`): sends `client_id` in the body, must use PKCE.
pub const PUBLIC_CLIENT_ID: &str = "public-client";

/// Authenticates with `client_secret_jwt` (HS256 assertion signed with the secret).
pub const JWT_SECRET_CLIENT_ID: &str = "jwt-secret-client";
pub const JWT_SECRET_CLIENT_SECRET: &str = "jwt-secret-client-0123456789abcdef0123456789abcdef";

/// `private_key_jwt` with RS256 ([`keys::RSA_CLIENT_PRIVATE_PEM`]).
pub const RSA_CLIENT_ID: &str = "rsa-client";
/// `private_key_jwt` with ES256 ([`keys::EC_CLIENT_PRIVATE_PEM`]).
pub const EC_CLIENT_ID: &str = "ec-client";
/// `private_key_jwt` with EdDSA ([`keys::ED_CLIENT_PRIVATE_PEM`]).
pub const ED_CLIENT_ID: &str = "ed-client";

/// `tls_client_auth` (RFC 8705 §2.1): a certificate issued by the server's throw-away
/// CA ([`crate::ThrowawayTls::client_certificate`]) whose SAN names
/// [`MTLS_CLIENT_SAN_DNS`] (`tls_client_auth_san_dns`). HTTPS servers only.
pub const MTLS_CLIENT_ID: &str = "mtls-client";
/// The registered `tls_client_auth_san_dns` of [`MTLS_CLIENT_ID`].
pub const MTLS_CLIENT_SAN_DNS: &str = "mtls-client.devserver.test";
/// `self_signed_tls_client_auth` (RFC 8705 §2.2): the certificate
/// [`keys::SELF_SIGNED_CLIENT_CERT_PEM`] (its thumbprint registered). HTTPS servers only.
pub const SELF_SIGNED_CLIENT_ID: &str = "self-signed-client";

/// Deskera OAuth V2 dialect (`/deskera-v2/`).
pub const DESKERA_V2_CLIENT_ID: &str = "deskera-client";
pub const DESKERA_V2_CLIENT_SECRET: &str = "deskera-secret";
/// Deskera OAuth V1 dialect (`/deskera-v1/`); its callback URI is set at run time.
pub const DESKERA_V1_CLIENT_ID: &str = "deskera-v1-client";
pub const DESKERA_V1_CLIENT_SECRET: &str = "deskera-v1-secret";
/// Desko client-credentials dialect (`/desko/`).
pub const DESKO_CLIENT_ID: &str = "desko-client";
pub const DESKO_CLIENT_SECRET: &str = "desko-secret";
/// Generic authorization-code dialect (`/generic/`), `client_secret_post` only.
pub const GENERIC_CLIENT_ID: &str = "generic-client";
pub const GENERIC_CLIENT_SECRET: &str = "generic-secret";

/// Resource owners for the password grant (and for `login_hint` elsewhere).
pub const USERS: [(&str, &str); 2] = [("alice", "wonderland"), ("bob", "builder")];
/// The user the auto-approving endpoints act for when no `login_hint` names another.
pub const DEFAULT_USER: &str = "alice";

/// How a registered client must authenticate at the token endpoint (RFC 7591 names).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AuthMethod {
    ClientSecretBasic,
    ClientSecretPost,
    None,
    ClientSecretJwt,
    PrivateKeyJwt,
    TlsClientAuth,
    SelfSignedTlsClientAuth,
}

impl AuthMethod {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::ClientSecretBasic => "client_secret_basic",
            Self::ClientSecretPost => "client_secret_post",
            Self::None => "none",
            Self::ClientSecretJwt => "client_secret_jwt",
            Self::PrivateKeyJwt => "private_key_jwt",
            Self::TlsClientAuth => "tls_client_auth",
            Self::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }
}

/// The public key (or shared secret) a client signs its JWTs with.
#[derive(Debug, Clone, Copy)]
pub(crate) enum VerifyKey {
    Secret(&'static str),
    Public(Algorithm, &'static str),
    /// `tls_client_auth_san_dns`: a DNS name the CA-issued certificate must carry.
    SanDns(&'static str),
    /// The registered self-signed certificate (PEM); its thumbprint must match.
    Certificate(&'static str),
}

#[derive(Debug)]
pub(crate) struct Registration {
    pub(crate) id: &'static str,
    pub(crate) secret: Option<&'static str>,
    pub(crate) method: AuthMethod,
    pub(crate) key: Option<VerifyKey>,
}

impl Registration {
    pub(crate) fn is_public(&self) -> bool {
        self.method == AuthMethod::None
    }
}

static STANDARD_CLIENTS: [Registration; 9] = [
    Registration {
        id: MTLS_CLIENT_ID,
        secret: None,
        method: AuthMethod::TlsClientAuth,
        key: Some(VerifyKey::SanDns(MTLS_CLIENT_SAN_DNS)),
    },
    Registration {
        id: SELF_SIGNED_CLIENT_ID,
        secret: None,
        method: AuthMethod::SelfSignedTlsClientAuth,
        key: Some(VerifyKey::Certificate(keys::SELF_SIGNED_CLIENT_CERT_PEM)),
    },
    Registration {
        id: BASIC_CLIENT_ID,
        secret: Some(BASIC_CLIENT_SECRET),
        method: AuthMethod::ClientSecretBasic,
        key: None,
    },
    Registration {
        id: POST_CLIENT_ID,
        secret: Some(POST_CLIENT_SECRET),
        method: AuthMethod::ClientSecretPost,
        key: None,
    },
    Registration {
        id: PUBLIC_CLIENT_ID,
        secret: None,
        method: AuthMethod::None,
        key: None,
    },
    Registration {
        id: JWT_SECRET_CLIENT_ID,
        secret: Some(JWT_SECRET_CLIENT_SECRET),
        method: AuthMethod::ClientSecretJwt,
        key: Some(VerifyKey::Secret(JWT_SECRET_CLIENT_SECRET)),
    },
    Registration {
        id: RSA_CLIENT_ID,
        secret: None,
        method: AuthMethod::PrivateKeyJwt,
        key: Some(VerifyKey::Public(
            Algorithm::RS256,
            keys::RSA_CLIENT_PUBLIC_PEM,
        )),
    },
    Registration {
        id: EC_CLIENT_ID,
        secret: None,
        method: AuthMethod::PrivateKeyJwt,
        key: Some(VerifyKey::Public(
            Algorithm::ES256,
            keys::EC_CLIENT_PUBLIC_PEM,
        )),
    },
    Registration {
        id: ED_CLIENT_ID,
        secret: None,
        method: AuthMethod::PrivateKeyJwt,
        key: Some(VerifyKey::Public(
            Algorithm::EdDSA,
            keys::ED_CLIENT_PUBLIC_PEM,
        )),
    },
];

/// A client of the standard (root) endpoints. Dialect clients are not found here: each
/// dialect checks its own single client.
pub(crate) fn lookup(id: &str) -> Option<&'static Registration> {
    STANDARD_CLIENTS.iter().find(|c| c.id == id)
}

pub(crate) fn is_user(name: &str) -> bool {
    USERS.iter().any(|(u, _)| *u == name)
}

pub(crate) fn check_password(name: &str, password: &str) -> bool {
    USERS.iter().any(|(u, p)| *u == name && *p == password)
}
