//! Provider profiles: how one authorization server bends RFC 6749, as data.
//!
//! A profile says where request parameters go, how the client authenticates,
//! what the response and error fields are called, how a refresh is sent, what a
//! zero lifetime means and how a token is presented to APIs. The built-in ones
//! live in `profiles/*.toml`; users load their own from TOML or JSON
//! ([`Profile::from_file`]) with the same schema. See `docs/profiles.md`.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

use crate::error::{Error, Result};

/// Where the parameters of a request go.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamLocation {
    /// `application/x-www-form-urlencoded` body (RFC 6749).
    #[default]
    Form,
    /// The URL's query string, empty body (Deskera V2).
    Query,
    /// A JSON object body, every value a string (Desko, Deskera V1 refresh).
    Json,
}

/// How a client authenticates at the token endpoint (RFC 8414 names).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthMethod {
    /// HTTP Basic with the client id and secret.
    ClientSecretBasic,
    /// `client_id` and `client_secret` among the parameters.
    ClientSecretPost,
    /// An HS256 JWT signed with the client secret (RFC 7523).
    ClientSecretJwt,
    /// A JWT signed with the client's private key (RFC 7523).
    PrivateKeyJwt,
    /// A public client: only `client_id` is sent.
    None,
    /// Mutual TLS with a CA-issued client certificate (RFC 8705 §2.1):
    /// `client_id` is sent, the certificate is the credential.
    TlsClientAuth,
    /// Mutual TLS with a self-signed client certificate registered with the
    /// server (RFC 8705 §2.2).
    SelfSignedTlsClientAuth,
}

impl AuthMethod {
    /// The RFC 8414 name, e.g. `client_secret_basic`.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::ClientSecretBasic => "client_secret_basic",
            AuthMethod::ClientSecretPost => "client_secret_post",
            AuthMethod::ClientSecretJwt => "client_secret_jwt",
            AuthMethod::PrivateKeyJwt => "private_key_jwt",
            AuthMethod::None => "none",
            AuthMethod::TlsClientAuth => "tls_client_auth",
            AuthMethod::SelfSignedTlsClientAuth => "self_signed_tls_client_auth",
        }
    }
}

/// How the id and secret are put into an HTTP Basic header.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BasicEncoding {
    /// RFC 6749 §2.3.1: form-urlencode id and secret, then base64. The default.
    #[default]
    FormUrlencoded,
    /// base64 of `id:secret` as they are (what many servers actually decode).
    Plain,
}

/// What an `expires_in` of 0 means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ZeroLifetime {
    /// Lifetime unknown: take `exp` from a JWT access token, else validate or
    /// refresh when an API answers 401. The default (servers send 0 for "not told").
    #[default]
    Unknown,
    /// Expired at once.
    Expired,
}

/// Field names of a token response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TokenFields {
    /// The token presented to APIs.
    pub access_token: String,
    /// The refresh token.
    pub refresh_token: String,
    /// Lifetime in seconds.
    pub expires_in: String,
    /// Token type (`Bearer`).
    pub token_type: String,
    /// Granted scope.
    pub scope: String,
    /// OpenID Connect ID token.
    pub id_token: String,
}

impl Default for TokenFields {
    fn default() -> Self {
        TokenFields {
            access_token: "access_token".into(),
            refresh_token: "refresh_token".into(),
            expires_in: "expires_in".into(),
            token_type: "token_type".into(),
            scope: "scope".into(),
            id_token: "id_token".into(),
        }
    }
}

/// Field names of an error body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ErrorFields {
    /// The error code (a number is turned into its text).
    pub error: String,
    /// Human-readable description.
    pub description: String,
    /// Link to a page about the error.
    pub uri: String,
}

impl Default for ErrorFields {
    fn default() -> Self {
        ErrorFields {
            error: "error".into(),
            description: "error_description".into(),
            uri: "error_uri".into(),
        }
    }
}

/// How a token request of one kind is shaped.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RequestShape {
    /// Where the parameters go.
    pub params_in: ParamLocation,
    /// Endpoint URL overriding the token endpoint (e.g. a separate refresh URL).
    pub endpoint: Option<String>,
    /// Renamed parameters: standard name → the provider's name
    /// (e.g. `refresh_token = "refreshToken"`).
    pub rename: BTreeMap<String, String>,
    /// Standard parameters this provider does not take (e.g. `grant_type`, `redirect_uri`).
    pub omit: Vec<String>,
    /// Parameters always sent (e.g. `scope = "write"`).
    pub extra: BTreeMap<String, String>,
    /// Client authentication for this request, when it differs from the client's.
    pub client_auth: Option<AuthMethod>,
    /// Field names of this request's response, when they differ from `[response]`.
    pub response: Option<TokenFields>,
}

/// How a token is presented to resource servers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Presentation {
    /// Header name.
    pub header: String,
    /// Scheme before the token (`Bearer`); empty for the bare token.
    pub scheme: String,
}

impl Default for Presentation {
    fn default() -> Self {
        Presentation {
            header: "Authorization".into(),
            scheme: "Bearer".into(),
        }
    }
}

/// A validation endpoint: a request that answers 200 while the token is valid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Validation {
    /// `GET` or `POST`.
    #[serde(default = "default_get")]
    pub method: String,
    /// URL (may be overridden by the client's configuration).
    pub url: Option<String>,
    /// Header carrying the token; defaults to the presentation header.
    pub header: Option<String>,
    /// Statuses meaning "valid".
    #[serde(default = "default_valid")]
    pub valid_statuses: Vec<u16>,
}

fn default_get() -> String {
    "GET".into()
}

fn default_valid() -> Vec<u16> {
    vec![200]
}

/// Parameters of the authorization request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthorizeShape {
    /// Send PKCE (S256) by default. A profile turns it off for servers that reject it.
    pub pkce: bool,
    /// Send `redirect_uri` (some providers use only the registered one).
    pub redirect_uri: bool,
    /// Parameters always sent (e.g. `scope = "write"`).
    pub extra: BTreeMap<String, String>,
}

impl Default for AuthorizeShape {
    fn default() -> Self {
        AuthorizeShape {
            pkce: true,
            redirect_uri: true,
            extra: BTreeMap::new(),
        }
    }
}

/// Default endpoint URLs of a provider (each overridable in the client configuration).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProfileEndpoints {
    /// Authorization endpoint.
    pub authorization: Option<String>,
    /// Token endpoint.
    pub token: Option<String>,
    /// Revocation endpoint.
    pub revocation: Option<String>,
    /// Introspection endpoint.
    pub introspection: Option<String>,
    /// Device authorization endpoint.
    pub device_authorization: Option<String>,
}

/// A provider dialect. `Profile::default()` is plain RFC 6749.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Profile {
    /// Short name (`rfc6749`, `deskera-v2`…).
    pub name: String,
    /// One line about the provider.
    pub description: String,
    /// Client authentication used when the configuration does not say.
    pub client_auth: AuthMethod,
    /// Encoding of HTTP Basic credentials.
    pub basic_encoding: BasicEncoding,
    /// Default endpoints.
    pub endpoints: ProfileEndpoints,
    /// The authorization request.
    pub authorize: AuthorizeShape,
    /// Token requests (code exchange, client credentials, password, extension grants).
    pub token: RequestShape,
    /// The refresh request.
    pub refresh: RequestShape,
    /// Token response field names.
    pub response: TokenFields,
    /// Error body field names.
    pub errors: ErrorFields,
    /// Meaning of `expires_in: 0`.
    pub zero_lifetime: ZeroLifetime,
    /// Statuses that mean success on token endpoints (RFC: 200; 201 is seen).
    pub success_statuses: Vec<u16>,
    /// How tokens are presented to APIs.
    pub present: Presentation,
    /// How a token is validated, when the provider has such an endpoint.
    pub validate: Option<Validation>,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            name: "rfc6749".into(),
            description: "Standard OAuth 2.0 (RFC 6749) with PKCE".into(),
            client_auth: AuthMethod::ClientSecretBasic,
            basic_encoding: BasicEncoding::default(),
            endpoints: ProfileEndpoints::default(),
            authorize: AuthorizeShape::default(),
            token: RequestShape::default(),
            refresh: RequestShape::default(),
            response: TokenFields::default(),
            errors: ErrorFields::default(),
            zero_lifetime: ZeroLifetime::default(),
            success_statuses: vec![200, 201],
            present: Presentation::default(),
            validate: None,
        }
    }
}

/// Built-in profiles, by name, as TOML compiled into the library.
const BUILTINS: &[(&str, &str)] = &[
    ("rfc6749", include_str!("../profiles/rfc6749.toml")),
    ("generic", include_str!("../profiles/generic.toml")),
    ("deskera-v2", include_str!("../profiles/deskera-v2.toml")),
    ("deskera-v1", include_str!("../profiles/deskera-v1.toml")),
    ("desko", include_str!("../profiles/desko.toml")),
];

/// A name with no path separator and no profile-file suffix.
fn is_bare_name(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    !s.contains(['/', '\\']) && !lower.ends_with(".toml") && !lower.ends_with(".json")
}

impl Profile {
    /// Plain RFC 6749.
    pub fn rfc6749() -> Self {
        Profile::default()
    }

    /// Names of the built-in profiles.
    pub fn builtin_names() -> Vec<&'static str> {
        BUILTINS.iter().map(|(n, _)| *n).collect()
    }

    /// A built-in profile by name. An unknown name is a configuration error
    /// that lists the built-ins and suggests the closest (`deskra-v2`: did
    /// you mean `deskera-v2`?).
    pub fn builtin(name: &str) -> Result<Self> {
        let (_, text) = BUILTINS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            let names = Self::builtin_names();
            let near = crate::suggest::closest(name, names.iter().copied())
                .map(|n| format!("did you mean {n:?}? "))
                .unwrap_or_default();
            Error::config(format!(
                "unknown built-in profile {name:?}; {near}built-in profiles: {} \
                 (a profile file is a path: it contains a / or ends in .toml or .json)",
                names.join(", ")
            ))
        })?;
        Self::from_toml_str(text, &format!("built-in profile {name}"))
    }

    /// A built-in name, or else a path to a `.toml` / `.json` file. A bare
    /// name (no path separator, no `.toml`/`.json` suffix) is always taken as
    /// a built-in: a misspelled one then says which exist, instead of
    /// "cannot read profile deskra-v2: No such file or directory".
    pub fn load(name_or_path: &str) -> Result<Self> {
        if is_bare_name(name_or_path) {
            return Self::builtin(name_or_path);
        }
        Self::from_file(Path::new(name_or_path))
    }

    /// Reads a profile file; the format follows the extension (`.json`, else TOML).
    /// Unknown or ill-typed fields give an error naming the field and the file.
    /// Only a regular file of at most [`MAX_PROFILE_BYTES`] is read: a
    /// directory, a device such as `/dev/zero` or a larger file is a config error.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = read_capped(path)?;
        let origin = path.display().to_string();
        if path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"))
        {
            Self::from_json_str(&text, &origin)
        } else {
            Self::from_toml_str(&text, &origin)
        }
    }

    /// Parses TOML; `origin` names the source in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self> {
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            Error::config(format!(
                "invalid profile in {origin}: {}",
                e.message_with_span(text)
            ))
        })?;
        require_name(table.contains_key("name"), origin)?;
        let profile: Profile = toml::from_str(text).map_err(|e| {
            Error::config(format!(
                "invalid profile in {origin}: {}",
                e.message_with_span(text)
            ))
        })?;
        profile.checked(origin)
    }

    /// Parses JSON; `origin` names the source in errors.
    pub fn from_json_str(text: &str, origin: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(text)
            .map_err(|e| Error::config(format!("invalid profile in {origin}: {e}")))?;
        require_name(value.get("name").is_some(), origin)?;
        let profile: Profile = serde_json::from_str(text)
            .map_err(|e| Error::config(format!("invalid profile in {origin}: {e}")))?;
        profile.checked(origin)
    }

    /// Parses either format, guessing from the first character.
    pub fn from_text(text: &str, origin: &str) -> Result<Self> {
        if text.trim_start().starts_with('{') {
            Self::from_json_str(text, origin)
        } else {
            Self::from_toml_str(text, origin)
        }
    }

    fn checked(self, origin: &str) -> Result<Self> {
        if self.name.trim().is_empty() {
            return Err(Error::config(format!(
                "invalid profile in {origin}: missing field `name`"
            )));
        }
        if self.response.access_token.is_empty() {
            return Err(Error::config(format!(
                "invalid profile in {origin}: `response.access_token` must not be empty"
            )));
        }
        if self.success_statuses.is_empty() {
            return Err(Error::config(format!(
                "invalid profile in {origin}: `success_statuses` must not be empty"
            )));
        }
        Ok(self)
    }

    /// The response field names for refresh answers.
    pub fn refresh_fields(&self) -> &TokenFields {
        self.refresh.response.as_ref().unwrap_or(&self.response)
    }
}

/// The largest profile file read: real profiles are a few KiB.
pub const MAX_PROFILE_BYTES: u64 = 1024 * 1024;

/// Reads a profile file as text, refusing what is not a regular file (a
/// directory, `/dev/zero`, a FIFO) and anything over [`MAX_PROFILE_BYTES`].
/// The size is checked on the opened file and the read itself is capped,
/// so a file that grows (or lies about its size) cannot exhaust memory.
fn read_capped(path: &Path) -> Result<String> {
    use std::io::Read;
    let fail =
        |why: String| Error::config(format!("cannot read profile {}: {why}", path.display()));
    let file = std::fs::File::open(path).map_err(|e| fail(e.to_string()))?;
    let meta = file.metadata().map_err(|e| fail(e.to_string()))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let too_big = || fail(format!("larger than {MAX_PROFILE_BYTES} bytes"));
    if meta.len() > MAX_PROFILE_BYTES {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    file.take(MAX_PROFILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| fail(e.to_string()))?;
    if bytes.len() as u64 > MAX_PROFILE_BYTES {
        return Err(too_big());
    }
    String::from_utf8(bytes).map_err(|_| fail("not UTF-8 text".into()))
}

/// `name` has a default in code but must be written in every profile file.
fn require_name(present: bool, origin: &str) -> Result<()> {
    if present {
        Ok(())
    } else {
        Err(Error::config(format!(
            "invalid profile in {origin}: missing field `name`"
        )))
    }
}

trait SpanMessage {
    fn message_with_span(&self, text: &str) -> String;
}

impl SpanMessage for toml::de::Error {
    /// "unknown field `x`, expected one of … at line 3".
    fn message_with_span(&self, text: &str) -> String {
        match self.span() {
            Some(span) => {
                let line = text[..span.start.min(text.len())].lines().count().max(1);
                format!("{} (line {line})", self.message())
            }
            None => self.message().to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_small_regular_files_are_read() {
        let refused = |path: &Path, why: &str| match Profile::from_file(path) {
            Err(Error::Config(m)) => assert!(m.contains(why), "{m}"),
            other => panic!("{}: {other:?}", path.display()),
        };
        if Path::new("/dev/zero").exists() {
            refused(Path::new("/dev/zero"), "not a regular file");
        }
        refused(&std::env::temp_dir(), "not a regular file");
        let big = std::env::temp_dir().join(format!("oauth2kit-big-{}.toml", std::process::id()));
        let mut text = String::from("name = \"big\"\n#");
        text.push_str(&"x".repeat(MAX_PROFILE_BYTES as usize));
        std::fs::write(&big, &text).unwrap();
        let r = Profile::from_file(&big);
        std::fs::remove_file(&big).unwrap();
        match r {
            Err(Error::Config(m)) => assert!(m.contains("larger than"), "{m}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_bare_name_is_a_builtin_and_a_typo_gets_a_suggestion() {
        assert_eq!(Profile::load("deskera-v2").unwrap().name, "deskera-v2");
        let m = match Profile::load("deskra-v2") {
            Err(Error::Config(m)) => m,
            other => panic!("{other:?}"),
        };
        assert!(m.contains(r#"did you mean "deskera-v2"?"#), "{m}");
        assert!(
            m.contains("rfc6749, generic, deskera-v2, deskera-v1, desko"),
            "{m}"
        );
        assert!(!m.contains("No such file"), "{m}");
        // Nothing close: the list, no guess.
        let m = Profile::load("keycloak").unwrap_err().to_string();
        assert!(
            m.contains("built-in profiles:") && !m.contains("did you mean"),
            "{m}"
        );
        // A path is still a path.
        let m = Profile::load("./deskra-v2").unwrap_err().to_string();
        assert!(m.contains("cannot read profile"), "{m}");
        let m = Profile::load("deskra-v2.toml").unwrap_err().to_string();
        assert!(m.contains("cannot read profile"), "{m}");
    }

    #[test]
    fn every_builtin_parses() {
        for name in Profile::builtin_names() {
            let p = Profile::builtin(name).unwrap();
            assert_eq!(p.name, name);
        }
    }

    #[test]
    fn unknown_fields_name_the_field_and_file() {
        let err =
            Profile::from_toml_str("name = \"x\"\nacces_token = \"y\"\n", "my.toml").unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("acces_token") && msg.contains("my.toml"),
            "{msg}"
        );
        let err = Profile::from_json_str(r#"{"name":"x","response":{"acess":"y"}}"#, "p.json")
            .unwrap_err();
        assert!(err.to_string().contains("acess") && err.to_string().contains("p.json"));
        let err = Profile::from_toml_str("description = \"no name\"\n", "n.toml").unwrap_err();
        assert!(err.to_string().contains("name"));
    }
}
