//! The records and enums that cross the boundary, and their conversions to
//! and from the core's types. Records holding secrets (the configuration,
//! tokens, the presentation header) export a `Display` that redacts them, so
//! Kotlin's `toString()` and Swift's `description` never print a secret.

use std::fmt;
use std::time::SystemTime;

use oauth2kit as kit;

use crate::ClientConfig;
use crate::error::{OAuth2KitError, config};

/// Client authentication at the token endpoint (RFC 8414 names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum AuthMethod {
    /// HTTP Basic with id and secret (RFC 6749 §2.3.1 encoding).
    ClientSecretBasic,
    /// `client_id` and `client_secret` in the body.
    ClientSecretPost,
    /// An HS256 JWT signed with the client secret (RFC 7523).
    ClientSecretJwt,
    /// A JWT signed with the private key (RFC 7523).
    PrivateKeyJwt,
    /// A public client (the usual case for a mobile app): PKCE, no secret.
    None,
    /// Mutual TLS with a CA-issued client certificate (RFC 8705 §2.1).
    TlsClientAuth,
    /// Mutual TLS with a self-signed certificate registered with the server (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
}

impl From<AuthMethod> for kit::AuthMethod {
    fn from(m: AuthMethod) -> Self {
        match m {
            AuthMethod::ClientSecretBasic => kit::AuthMethod::ClientSecretBasic,
            AuthMethod::ClientSecretPost => kit::AuthMethod::ClientSecretPost,
            AuthMethod::ClientSecretJwt => kit::AuthMethod::ClientSecretJwt,
            AuthMethod::PrivateKeyJwt => kit::AuthMethod::PrivateKeyJwt,
            AuthMethod::None => kit::AuthMethod::None,
            AuthMethod::TlsClientAuth => kit::AuthMethod::TlsClientAuth,
            AuthMethod::SelfSignedTlsClientAuth => kit::AuthMethod::SelfSignedTlsClientAuth,
        }
    }
}

impl From<kit::AuthMethod> for AuthMethod {
    fn from(m: kit::AuthMethod) -> Self {
        match m {
            kit::AuthMethod::ClientSecretBasic => AuthMethod::ClientSecretBasic,
            kit::AuthMethod::ClientSecretPost => AuthMethod::ClientSecretPost,
            kit::AuthMethod::ClientSecretJwt => AuthMethod::ClientSecretJwt,
            kit::AuthMethod::PrivateKeyJwt => AuthMethod::PrivateKeyJwt,
            kit::AuthMethod::None => AuthMethod::None,
            kit::AuthMethod::TlsClientAuth => AuthMethod::TlsClientAuth,
            kit::AuthMethod::SelfSignedTlsClientAuth => AuthMethod::SelfSignedTlsClientAuth,
        }
    }
}

/// Which kind of token is introspected or revoked (`token_type_hint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum TokenTypeHint {
    /// `access_token`
    AccessToken,
    /// `refresh_token`
    RefreshToken,
}

impl From<TokenTypeHint> for kit::TokenTypeHint {
    fn from(h: TokenTypeHint) -> Self {
        match h {
            TokenTypeHint::AccessToken => kit::TokenTypeHint::AccessToken,
            TokenTypeHint::RefreshToken => kit::TokenTypeHint::RefreshToken,
        }
    }
}

/// PKCE for one authorization request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, uniffi::Enum)]
pub enum Pkce {
    /// S256 (RFC 7636).
    S256,
    /// `plain`: only for servers that know nothing better.
    Plain,
    /// No PKCE.
    Disabled,
}

/// Options of one authorization request; everything optional.
#[derive(Clone, Debug, Default, uniffi::Record)]
pub struct AuthorizeOptions {
    /// Scope; default: the configured one.
    #[uniffi(default)]
    pub scope: Option<String>,
    /// Redirect URI; default: the configured one.
    #[uniffi(default)]
    pub redirect_uri: Option<String>,
    /// A state of your own (random by default; it must be unguessable).
    #[uniffi(default)]
    pub state: Option<String>,
    /// PKCE method; null: S256 unless the profile disables PKCE.
    #[uniffi(default)]
    pub pkce: Option<Pkce>,
    /// Add an OpenID Connect `nonce`.
    #[uniffi(default)]
    pub nonce: bool,
    /// OpenID Connect `prompt` (`"login"`, `"consent"`, `"none"`…, space-separated; `none` alone).
    #[uniffi(default)]
    pub prompt: Option<String>,
    /// OpenID Connect `max_age`, in seconds: the ID token's `auth_time` is then checked.
    #[uniffi(default)]
    pub max_age: Option<f64>,
    /// OpenID Connect `login_hint`.
    #[uniffi(default)]
    pub login_hint: Option<String>,
    /// OpenID Connect `acr_values`, in order of preference (voluntary: not checked).
    #[uniffi(default)]
    pub acr_values: Vec<String>,
    /// OpenID Connect `ui_locales` (BCP 47 tags), in order of preference.
    #[uniffi(default)]
    pub ui_locales: Vec<String>,
    /// The OpenID Connect `claims` request (§5.5) as a JSON object; an
    /// essential `id_token.acr` with `value`/`values` is checked in the ID token.
    #[uniffi(default)]
    pub claims_json: Option<String>,
    /// More parameters (`resource`…), sent in this order after the ones above.
    #[uniffi(default)]
    pub extra: Vec<Parameter>,
}

/// A name and a value.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Parameter {
    /// Name.
    pub name: String,
    /// Value.
    pub value: String,
}

impl From<AuthorizeOptions> for kit::AuthorizeOptions {
    fn from(o: AuthorizeOptions) -> Self {
        use kit::pkce::PkceMethod;
        let pkce = match o.pkce {
            None => None,
            Some(Pkce::S256) => Some(Some(PkceMethod::S256)),
            Some(Pkce::Plain) => Some(Some(PkceMethod::Plain)),
            Some(Pkce::Disabled) => Some(None),
        };
        kit::AuthorizeOptions {
            scope: o.scope,
            redirect_uri: o.redirect_uri,
            state: o.state,
            pkce,
            nonce: o.nonce,
            prompt: o.prompt,
            login_hint: o.login_hint,
            acr_values: (!o.acr_values.is_empty()).then(|| o.acr_values.join(" ")),
            ui_locales: (!o.ui_locales.is_empty()).then(|| o.ui_locales.join(" ")),
            // max_age and claims as the wire's text: the core parses and
            // checks them (a bad number or JSON is a configuration error).
            extra: o
                .max_age
                .map(|s| ("max_age".to_string(), s.to_string()))
                .into_iter()
                .chain(o.claims_json.map(|c| ("claims".to_string(), c)))
                .chain(o.extra.into_iter().map(|p| (p.name, p.value)))
                .collect(),
            ..Default::default()
        }
    }
}

/// The tokens of a grant. `toString()` / `description` redact every token.
/// Persist it with [`token_set_to_json`] / [`token_set_from_json`].
#[derive(Clone, PartialEq, uniffi::Record)]
#[uniffi::export(Display)]
pub struct TokenSet {
    /// The token presented to APIs.
    pub access_token: String,
    /// `token_type` as sent (`Bearer`…), if any.
    #[uniffi(default)]
    pub token_type: Option<String>,
    /// The refresh token, if any.
    #[uniffi(default)]
    pub refresh_token: Option<String>,
    /// When the access token expires, if known.
    #[uniffi(default)]
    pub expires_at: Option<SystemTime>,
    /// Granted scope, if the server said.
    #[uniffi(default)]
    pub scope: Option<String>,
    /// OpenID Connect ID token, if any.
    #[uniffi(default)]
    pub id_token: Option<String>,
    /// Every other field of the response, as a JSON object.
    #[uniffi(default = "{}")]
    pub extra_json: String,
    /// The validated ID token claims (OpenID Connect) as a JSON object; null
    /// when there is no validated ID token. Carry it along unchanged.
    #[uniffi(default)]
    pub id_token_claims_json: Option<String>,
    /// The private DPoP key (RFC 9449) the tokens are bound to, as a JWK;
    /// null for bearer tokens. A secret (never shown by `toString()`): a
    /// bound token is useless without it, so carry it along unchanged and
    /// persist it with the tokens ([`token_set_to_json`] keeps it).
    #[uniffi(default)]
    pub dpop_key_jwk: Option<String>,
}

impl fmt::Display for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unix = self
            .expires_at
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map(|d| d.as_secs());
        write!(
            f,
            "TokenSet(accessToken=[redacted], tokenType={:?}, refreshToken={}, expiresAt={:?}, scope={:?}, idToken={}, dpopKey={})",
            self.token_type,
            if self.refresh_token.is_some() {
                "[redacted]"
            } else {
                "null"
            },
            unix,
            self.scope,
            if self.id_token.is_some() {
                "[redacted]"
            } else {
                "null"
            },
            if self.dpop_key_jwk.is_some() {
                "[redacted]"
            } else {
                "null"
            },
        )
    }
}

impl From<kit::TokenSet> for TokenSet {
    fn from(t: kit::TokenSet) -> Self {
        let dpop_key_jwk = t.dpop_key().map(|k| k.private_jwk().expose().to_string());
        let id_token_claims_json = t
            .id_token_claims()
            .map(|c| serde_json::Value::Object(c.clone()).to_string());
        TokenSet {
            access_token: t.access_token.expose().to_string(),
            token_type: t.token_type,
            refresh_token: t.refresh_token.map(|s| s.expose().to_string()),
            expires_at: t.expires_at,
            scope: t.scope,
            id_token_claims_json,
            id_token: t.id_token.map(|s| s.expose().to_string()),
            dpop_key_jwk,
            extra_json: serde_json::Value::Object(t.extra).to_string(),
        }
    }
}

impl TryFrom<TokenSet> for kit::TokenSet {
    type Error = OAuth2KitError;
    fn try_from(t: TokenSet) -> Result<Self, OAuth2KitError> {
        let extra = parse_object(&t.extra_json, "extraJson")?;
        let mut out = kit::TokenSet::bearer(t.access_token);
        out.token_type = t.token_type;
        out.refresh_token = t.refresh_token.map(kit::Secret::new);
        out.expires_at = t.expires_at;
        out.scope = t.scope;
        out.id_token = t.id_token.map(kit::Secret::new);
        out.extra = extra;
        if let Some(jwk) = &t.dpop_key_jwk {
            out.set_dpop_key(Some(kit::DpopKey::from_jwk(jwk)?));
        }
        if let Some(claims) = &t.id_token_claims_json {
            out.set_id_token_claims(Some(parse_object(claims, "idTokenClaimsJson")?));
        }
        Ok(out)
    }
}

/// `Debug` is `Display` for the records that hold secrets.
macro_rules! debug_as_display {
    ($($t:ty),*) => {$(
        impl fmt::Debug for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }
    )*};
}
debug_as_display!(ClientConfig, TokenSet, HttpHeader);

/// Where a JSON text is wrong, without quoting it: serde's messages can
/// contain values of the input (`invalid type: string "…"`), which may be secrets.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let kind = match e.classify() {
        serde_json::error::Category::Io => "unreadable",
        serde_json::error::Category::Syntax => "not valid JSON",
        serde_json::error::Category::Data => "JSON of the wrong shape",
        serde_json::error::Category::Eof => "truncated JSON",
    };
    format!("{kind} (line {}, column {})", e.line(), e.column())
}

/// A JSON object from text; an empty string is an empty object.
pub(crate) fn parse_object(
    text: &str,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, OAuth2KitError> {
    if text.trim().is_empty() {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_str(text) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(config(format!("{what} must be a JSON object"))),
        Err(e) => Err(config(format!("{what}: {}", json_error(&e)))),
    }
}

/// The tokens as JSON, the core's store format (for EncryptedSharedPreferences, Keychain).
#[uniffi::export]
pub fn token_set_to_json(tokens: TokenSet) -> Result<String, OAuth2KitError> {
    let core: kit::TokenSet = tokens.try_into()?;
    serde_json::to_string(&core)
        .map_err(|e| config(format!("cannot serialize the tokens: {}", json_error(&e))))
}

/// The authorization details the server granted (RFC 9396) as JSON, an
/// array of objects with a `type`; null when the token response had none
/// (`tokenSetAuthorizationDetails` in Kotlin). Read from `extraJson`, where
/// the answer's member stays.
#[uniffi::export]
pub fn token_set_authorization_details(tokens: TokenSet) -> Result<Option<String>, OAuth2KitError> {
    // Only `extraJson` is read: the rest of the set (its DPoP key above all)
    // need not be converted to answer.
    let mut core = kit::TokenSet::bearer(String::new());
    core.extra = parse_object(&tokens.extra_json, "extraJson")?;
    Ok(core.authorization_details().map(|d| d.to_string()))
}

/// Tokens back from [`token_set_to_json`].
#[uniffi::export]
pub fn token_set_from_json(json: String) -> Result<TokenSet, OAuth2KitError> {
    // A token set, or the store document a `TokenStore` is handed.
    kit::store::decode_document(json.as_bytes(), "the JSON text")
        .map(TokenSet::from)
        .map_err(|e| config(format!("not a stored token set: {e}")))
}

/// Whether the access token expires within `leeway_seconds` (false when the expiry is unknown).
#[uniffi::export]
pub fn token_set_is_expired(tokens: &TokenSet, leeway_seconds: i64) -> bool {
    let leeway = std::time::Duration::from_secs(u64::try_from(leeway_seconds).unwrap_or(0));
    tokens
        .expires_at
        .is_some_and(|at| at <= SystemTime::now() + leeway)
}

/// The RFC 7638 thumbprint (`jkt`) of the DPoP key `tokens` are bound to,
/// or null. Fails only for a `dpopKeyJwk` that is not a key.
#[uniffi::export]
pub fn token_set_dpop_jkt(tokens: &TokenSet) -> Result<Option<String>, OAuth2KitError> {
    match &tokens.dpop_key_jwk {
        None => Ok(None),
        Some(jwk) => Ok(Some(kit::DpopKey::from_jwk(jwk)?.thumbprint().to_string())),
    }
}

/// The header that presents a token to APIs, as the profile says
/// (`Authorization: Bearer …`, or e.g. `x-access-token: …`).
/// `toString()` / `description` hide the value.
#[derive(Clone, PartialEq, Eq, uniffi::Record)]
#[uniffi::export(Display)]
pub struct HttpHeader {
    /// Header name.
    pub name: String,
    /// Header value (contains the token).
    pub value: String,
}

/// The core's `(name, value)` pairs, both ways.
impl From<(String, String)> for HttpHeader {
    fn from((name, value): (String, String)) -> Self {
        HttpHeader { name, value }
    }
}

impl From<HttpHeader> for (String, String) {
    fn from(h: HttpHeader) -> Self {
        (h.name, h.value)
    }
}

impl fmt::Display for HttpHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HttpHeader(name={}, value=[redacted])", self.name)
    }
}

/// What the server says about a token (RFC 7662). Inactive tokens carry nothing else.
#[derive(Clone, Debug, PartialEq, uniffi::Record)]
pub struct Introspection {
    /// Whether the token is active.
    pub active: bool,
    /// Scope.
    pub scope: Option<String>,
    /// Client the token was issued to.
    pub client_id: Option<String>,
    /// Resource owner's user name.
    pub username: Option<String>,
    /// Token type.
    pub token_type: Option<String>,
    /// Expiry (seconds since the epoch).
    pub exp: Option<i64>,
    /// Issued at (seconds since the epoch).
    pub iat: Option<i64>,
    /// Subject.
    pub sub: Option<String>,
    /// Issuer.
    pub iss: Option<String>,
    /// Audience as JSON (a string or an array), if present.
    pub aud_json: Option<String>,
    /// Every other member, as a JSON object.
    pub extra_json: String,
}

impl From<kit::Introspection> for Introspection {
    fn from(i: kit::Introspection) -> Self {
        let n = |v: Option<u64>| v.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
        Introspection {
            active: i.active,
            scope: i.scope,
            client_id: i.client_id,
            username: i.username,
            token_type: i.token_type,
            exp: n(i.exp),
            iat: n(i.iat),
            sub: i.sub,
            iss: i.iss,
            aud_json: i.aud.map(|a| a.to_string()),
            extra_json: serde_json::Value::Object(i.extra).to_string(),
        }
    }
}

/// Parameters from a list of [`Parameter`]s, as the core takes them.
pub(crate) fn pairs(params: &[Parameter]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect()
}

/// Names of the built-in profiles.
#[uniffi::export]
pub fn builtin_profiles() -> Vec<String> {
    kit::Profile::builtin_names()
        .into_iter()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    fn tokens() -> TokenSet {
        TokenSet {
            access_token: "ACCESS".into(),
            token_type: Some("Bearer".into()),
            refresh_token: Some("REFRESH".into()),
            expires_at: Some(UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
            scope: Some("read".into()),
            id_token: Some("IDTOKEN".into()),
            extra_json: r#"{"issued_token_type":"urn:x"}"#.into(),
            id_token_claims_json: Some(r#"{"sub":"alice"}"#.into()),
            dpop_key_jwk: Some(
                kit::DpopKey::generate()
                    .unwrap()
                    .private_jwk()
                    .expose()
                    .to_string(),
            ),
        }
    }

    #[test]
    fn token_sets_round_trip_through_the_core_and_json() {
        let t = tokens();
        let core: kit::TokenSet = t.clone().try_into().expect("converts");
        assert_eq!(core.issued_token_type(), Some("urn:x"));
        assert_eq!(TokenSet::from(core), t);
        let back =
            token_set_from_json(token_set_to_json(t.clone()).expect("json")).expect("parses");
        assert_eq!(back, t);
        let bad = TokenSet {
            extra_json: "[1]".into(),
            ..t
        };
        assert!(matches!(
            kit::TokenSet::try_from(bad),
            Err(OAuth2KitError::Config { .. })
        ));
        assert!(token_set_from_json("{}".into()).is_err());
        // A malformed store never echoes its values (they may be tokens).
        let e = token_set_from_json(r#"{"access_token": 12345, "expires_at": "SECRETISH"}"#.into())
            .unwrap_err();
        assert!(
            !e.to_string().contains("12345") && !e.to_string().contains("SECRETISH"),
            "{e}"
        );
    }

    #[test]
    fn displays_hide_secrets() {
        let shown = format!("{} {:?}", tokens(), tokens());
        for secret in ["ACCESS", "REFRESH", "IDTOKEN"] {
            assert!(!shown.contains(secret), "{shown}");
        }
        let h = HttpHeader {
            name: "Authorization".into(),
            value: "Bearer ACCESS".into(),
        };
        assert!(!format!("{h} {h:?}").contains("ACCESS"));
        let c = ClientConfig {
            client_id: "app".into(),
            client_secret: Some("TOPSECRET".into()),
            private_key_pem: Some("PEMKEY".into()),
            ..Default::default()
        };
        let shown = format!("{c} {c:?}");
        assert!(
            shown.contains("app") && !shown.contains("TOPSECRET") && !shown.contains("PEMKEY"),
            "{shown}"
        );
    }

    #[test]
    fn expiry_check() {
        let mut t = tokens();
        assert!(!token_set_is_expired(&t, 60));
        t.expires_at = Some(SystemTime::now() + Duration::from_secs(30));
        assert!(token_set_is_expired(&t, 60));
        t.expires_at = None;
        assert!(!token_set_is_expired(&t, 60));
    }
}
