//! The client options: one table, read by every binding.
//!
//! Each option has a stable number (the C ABI's `oauth2kit_option`), a
//! snake_case name (the concept name: Python keyword, C++ setter, and
//! camelCase in Kotlin/Swift), a [`ValueType`] and a documented default.
//! Numbers are never reused: an option whose unit changed got a new number,
//! and the old one stays retired (see [`RETIRED`]).

use std::time::Duration;

use oauth2kit::{
    AuthMethod, Error, HttpOptions, OAuthClient, Profile, Result, Secret, ServerMetadata,
    SigningKey,
};

/// What kind of value an option takes. Every binding maps these to its own
/// types the same way (see [`ValueType::describe`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    /// Text.
    Text,
    /// A client authentication method by its RFC 8414 name (Kotlin/Swift: an enum).
    AuthMethod,
    /// Text that is a secret (kept in `Secret`, never printed).
    Secret,
    /// An absolute URL.
    Url,
    /// `true`/`false` (C: `"true"`, `"false"`, `"1"`, `"0"`).
    Bool,
    /// A duration in seconds, fractions allowed (C: the number as text, `"2.5"`).
    Seconds,
    /// A count (bytes…), a non-negative integer.
    Count,
    /// Repeatable text: each value is added (C: set it once per value).
    TextList,
    /// A built-in profile name or the path of a TOML/JSON profile file; Python
    /// also takes a `Profile` object.
    Profile,
    /// Server metadata as its JSON document; Python also takes a `ServerMetadata`.
    Metadata,
}

impl ValueType {
    /// The name used in the manifest and in error messages.
    pub fn name(self) -> &'static str {
        match self {
            ValueType::Text => "text",
            ValueType::AuthMethod => "auth_method",
            ValueType::Secret => "secret",
            ValueType::Url => "url",
            ValueType::Bool => "bool",
            ValueType::Seconds => "seconds",
            ValueType::Count => "count",
            ValueType::TextList => "text_list",
            ValueType::Profile => "profile",
            ValueType::Metadata => "metadata",
        }
    }

    /// What a value of this type is, for error messages.
    pub fn describe(self) -> &'static str {
        match self {
            ValueType::Text | ValueType::Secret | ValueType::Url => "text",
            ValueType::AuthMethod => "an auth method name",
            ValueType::Bool => "true or false",
            ValueType::Seconds => "a number of seconds",
            ValueType::Count => "a non-negative whole number",
            ValueType::TextList => "text (repeatable)",
            ValueType::Profile => "a profile name or file path",
            ValueType::Metadata => "server metadata (JSON)",
        }
    }
}

/// One row of the option table.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    /// The option.
    pub option: ClientOption,
    /// Its concept name (snake_case).
    pub name: &'static str,
    /// Its value type.
    pub ty: ValueType,
    /// The default, as a user reads it.
    pub default: &'static str,
    /// One paragraph of documentation (copied into every binding's docs).
    pub doc: &'static str,
}

macro_rules! client_options {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $num:literal, $name:literal, $ty:ident, $default:literal; )*) => {
        /// A client option. The numbers are the C ABI's and never change.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum ClientOption {
            $( $(#[doc = $doc])+ $variant = $num, )*
        }

        /// Every client option, in table order.
        pub const CLIENT_OPTIONS: &[OptionSpec] = &[
            $( OptionSpec {
                option: ClientOption::$variant,
                name: $name,
                ty: ValueType::$ty,
                default: $default,
                doc: concat!($($doc),+),
            }, )*
        ];
    };
}

client_options! {
    /// The client secret (for `client_secret_basic`, `client_secret_post`, `client_secret_jwt`).
    ClientSecret = 1, "client_secret", Secret, "none";
    /// How the client authenticates: `client_secret_basic`, `client_secret_post`,
    /// `client_secret_jwt`, `private_key_jwt`, `none`, or by TLS client
    /// certificate `tls_client_auth` / `self_signed_tls_client_auth` (RFC 8705).
    AuthMethod = 2, "auth_method", AuthMethod, "follows the credentials and the profile";
    /// A built-in profile (`rfc6749`, `generic`, `deskera-v2`, `deskera-v1`, `desko`)
    /// or the path of a TOML/JSON profile file. Read at once.
    Profile = 3, "profile", Profile, "rfc6749";
    /// A profile given as TOML or JSON text.
    ProfileText = 4, "profile_text", Text, "none";
    /// Authorization endpoint URL.
    AuthorizationUrl = 5, "authorization_url", Url, "the profile's or the metadata's";
    /// Token endpoint URL.
    TokenUrl = 6, "token_url", Url, "the profile's or the metadata's";
    /// Refresh endpoint URL, when the provider refreshes elsewhere than the token endpoint.
    RefreshUrl = 7, "refresh_url", Url, "the token endpoint";
    /// Introspection endpoint URL (RFC 7662).
    IntrospectionUrl = 8, "introspection_url", Url, "the profile's or the metadata's";
    /// Revocation endpoint URL (RFC 7009).
    RevocationUrl = 9, "revocation_url", Url, "the profile's or the metadata's";
    /// Device authorization endpoint URL (RFC 8628).
    DeviceAuthorizationUrl = 10, "device_authorization_url", Url, "the profile's or the metadata's";
    /// The profile's token validation endpoint URL.
    ValidateUrl = 11, "validate_url", Url, "the profile's";
    /// The issuer identifier: checked against `iss` in redirects (RFC 9207), default JWT audience.
    Issuer = 12, "issuer", Text, "none";
    /// Discover the endpoints from this issuer (RFC 8414, then OpenID Connect)
    /// when the client is created: a network call. Explicit URLs still win.
    DiscoveryIssuer = 13, "discovery_issuer", Url, "none (no discovery)";
    /// Moves the profile's default endpoints to another origin, keeping their
    /// paths (staging hosts, test servers).
    BaseUrl = 14, "base_url", Url, "none";
    /// Default redirect URI.
    RedirectUri = 15, "redirect_uri", Text, "none";
    /// Default scope (space-separated).
    Scope = 16, "scope", Text, "none";
    /// A PEM private key for `private_key_jwt` (RSA: RS256, P-256: ES256, Ed25519: EdDSA).
    PrivateKeyPem = 17, "private_key_pem", Secret, "none";
    /// A private JWK (JSON) for `private_key_jwt`.
    PrivateKeyJwk = 18, "private_key_jwk", Secret, "none";
    /// The `kid` put in client assertion headers.
    PrivateKeyId = 19, "private_key_id", Text, "the JWK's kid, else none";
    /// The `aud` of client assertions.
    AssertionAudience = 20, "assertion_audience", Text, "the token endpoint URL";
    /// Allow plain `http://` endpoints that are not loopback (never in production).
    AllowInsecureHttp = 21, "allow_insecure_http", Bool, "false";
    /// The `User-Agent` header.
    UserAgent = 24, "user_agent", Text, "oauth2kit/<version>";
    /// A PEM root certificate to trust besides the bundled Mozilla roots
    /// (repeatable; a company CA).
    CaCertificatesPem = 25, "ca_certificates_pem", TextList, "none";
    /// CIBA backchannel authentication endpoint URL.
    BackchannelAuthenticationUrl = 26, "backchannel_authentication_url", Url, "the metadata's";
    /// Largest response body accepted, in bytes.
    MaxResponseBytes = 27, "max_response_bytes", Count, "1048576";
    /// Time for one whole HTTP exchange, in seconds.
    Timeout = 28, "timeout", Seconds, "30";
    /// Time to establish a connection, in seconds.
    ConnectTimeout = 29, "connect_timeout", Seconds, "10";
    /// Pushed authorization request endpoint URL (RFC 9126).
    ParUrl = 30, "par_url", Url, "the metadata's";
    /// UserInfo endpoint URL (OpenID Connect).
    UserinfoUrl = 31, "userinfo_url", Url, "the metadata's";
    /// A resource indicator (RFC 8707) sent with authorization and token
    /// requests (repeatable).
    Resource = 32, "resource", TextList, "none";
    /// The JWS algorithm for a PEM key, when its type allows several
    /// (`RS256`, `RS384`, `RS512`, `PS256`, `ES256`, `EdDSA`…).
    PrivateKeyAlgorithm = 33, "private_key_algorithm", Text, "from the key type";
    /// Endpoints from discovered server metadata (explicit URLs still win).
    Metadata = 34, "metadata", Metadata, "none";
    /// The OpenID provider's JWKS URL: with it (or from the metadata), ID
    /// tokens are validated automatically.
    JwksUri = 35, "jwks_uri", Url, "the metadata's";
    /// The provider's signing keys as a JWKS document, used instead of
    /// fetching (never refetched).
    JwksJson = 36, "jwks_json", Text, "none";
    /// The one algorithm the provider signs ID tokens with (`RS256`, `PS256`,
    /// `ES256`, `ES512`, `EdDSA`…; never `none` or HMAC).
    IdTokenSignedResponseAlg = 37, "id_token_signed_response_alg", Text, "the metadata's, else RS256";
    /// Tolerance between this machine's clock and the provider's for ID token
    /// times, in seconds.
    ClockSkew = 38, "clock_skew", Seconds, "60";
    /// OpenID Connect `max_age`, in seconds: sent with authorization requests,
    /// and the ID token's `auth_time` must be no older.
    MaxAge = 39, "max_age", Seconds, "none";
    /// The OpenID provider's end-session URL (RP-initiated logout).
    EndSessionUrl = 40, "end_session_url", Url, "the metadata's";
    /// Send UserInfo requests as POST (an empty form body, the token in the
    /// header) instead of GET, for providers that accept only POST there.
    UserinfoPost = 41, "userinfo_post", Bool, "false";
    /// DPoP (RFC 9449): every token request carries a proof, tokens come back
    /// bound to the key (`token_type` must be `DPoP`), authorization requests
    /// carry `dpop_jkt`. The key is `dpop_key_pem`/`dpop_key_jwk`, else one
    /// generated when the client is made (`dpop_algorithm`). Any other `dpop_*`
    /// option turns it on; `false` turns it off.
    Dpop = 42, "dpop", Bool, "false (on when a dpop_* key or algorithm is given)";
    /// The DPoP key as a PEM private key (PKCS#8 P-256, Ed25519 or RSA; SEC1;
    /// PKCS#1). A secret.
    DpopKeyPem = 43, "dpop_key_pem", Secret, "none (a generated key)";
    /// The DPoP key as a private JWK (EC P-256, OKP Ed25519, RSA). A secret.
    DpopKeyJwk = 44, "dpop_key_jwk", Secret, "none (a generated key)";
    /// The DPoP proof algorithm: of a generated key (`ES256` or `EdDSA`), or
    /// of a given RSA key (`RS256`, `PS256`…).
    DpopAlgorithm = 45, "dpop_algorithm", Text, "ES256 for a generated key; from the key type for a given one";
    /// Whether authorization requests (and PAR) carry `dpop_jkt`, binding
    /// the code to the DPoP key.
    DpopJkt = 46, "dpop_jkt", Bool, "true when DPoP is on";
    /// Rich authorization requests (RFC 9396): `authorization_details` as a
    /// JSON array of objects with a `type` each, sent with the requests that
    /// ask for a new authorization (authorization URL, PAR, device, CIBA,
    /// client credentials and other grants without a front channel).
    AuthorizationDetails = 47, "authorization_details", Text, "none";
    /// JWT-secured authorization requests (RFC 9101): the authorization URL
    /// and PAR carry their parameters in a request object signed with the
    /// client's private key (`private_key_pem`/`private_key_jwk`), audience
    /// the issuer.
    RequestObject = 48, "request_object", Bool, "false";
    /// The FAPI 2.0 Security Profile's client side: private_key_jwt (a key
    /// required, shared secrets refused), DPoP on, authorization requests by
    /// PAR only, PKCE S256 always, `iss` checked, no implicit grant.
    Fapi2 = 49, "fapi2", Bool, "false";
    // --- JARM (numbered 60 to leave 50-59 to options added alongside) ---
    /// The `response_mode` of authorization requests: `query`, `fragment`,
    /// `form_post`, or JARM (JWT Secured Authorization Response Mode) `jwt`,
    /// `query.jwt`, `fragment.jwt`, `form_post.jwt`, with which the response
    /// must be a JWT signed by the provider (checked with its JWKS: `iss`,
    /// `aud`, `exp`) before the code is used; a plain response is refused.
    /// JARM needs the issuer and the provider's keys (`jwks_uri`,
    /// `jwks_json` or metadata).
    ResponseMode = 60, "response_mode", Text, "none (the server's default: the query for code)";
    // --- end JARM ---

    // --- mutual TLS (RFC 8705) ---
    /// The TLS client certificate (PEM text: the client's certificate first,
    /// then any intermediates), presented in every TLS handshake (mutual
    /// TLS, RFC 8705). Needs `tls_client_key`. Allows `tls_client_auth` /
    /// `self_signed_tls_client_auth`, uses the server's `mtls_endpoint_aliases`
    /// when it binds tokens to certificates or the client authenticates by
    /// certificate, and sender-constrains tokens under `fapi2`.
    TlsClientCertificate = 50, "tls_client_certificate", Text, "none";
    /// The private key of `tls_client_certificate` (PEM text: PKCS#8, PKCS#1
    /// or SEC1). A secret; a key that is not the certificate's is refused.
    TlsClientKey = 51, "tls_client_key", Secret, "none";
    // --- end mutual TLS ---
}

/// Numbers that named options in earlier versions and are never reused:
/// `22` was `timeout_ms` and `23` `connect_timeout_ms` (milliseconds; durations
/// are seconds everywhere now, see `timeout` and `connect_timeout`).
pub const RETIRED: &[(i32, &str)] = &[
    (22, "timeout_ms: use timeout (seconds)"),
    (23, "connect_timeout_ms: use connect_timeout (seconds)"),
];

impl ClientOption {
    /// Its row of the table.
    pub fn spec(self) -> &'static OptionSpec {
        // Every variant has exactly one row (tested).
        CLIENT_OPTIONS
            .iter()
            .find(|s| s.option == self)
            .unwrap_or(&CLIENT_OPTIONS[0])
    }

    /// Its concept name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The option numbered `n` (as a C caller passes it). Any number may
    /// arrive; unknown ones are `None`, never an invalid enum.
    pub fn from_i32(n: i32) -> Option<Self> {
        CLIENT_OPTIONS
            .iter()
            .map(|s| s.option)
            .find(|o| *o as i32 == n)
    }

    /// The option called `name`.
    pub fn from_name(name: &str) -> Option<Self> {
        CLIENT_OPTIONS
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.option)
    }

    /// The option called `name`, or a configuration error that names the
    /// closest option.
    pub fn from_name_or_err(name: &str) -> Result<Self> {
        Self::from_name(name).ok_or_else(|| {
            let near = closest(name, CLIENT_OPTIONS.iter().map(|s| s.name));
            Error::Config(match near {
                Some(n) => format!("unknown option {name:?}; did you mean {n:?}?"),
                None => format!("unknown option {name:?}"),
            })
        })
    }

    /// The option numbered `n`, or a configuration error (retired numbers say
    /// what replaced them).
    pub fn from_i32_or_err(n: i32) -> Result<Self> {
        Self::from_i32(n).ok_or_else(|| match RETIRED.iter().find(|(r, _)| *r == n) {
            Some((_, why)) => Error::Config(format!("option {n} was retired ({why})")),
            None => Error::Config(format!("unknown option number {n}")),
        })
    }
}

pub use oauth2kit::suggest::closest;

/// A value handed over by a binding, in its language's natural form.
#[derive(Clone, Debug)]
pub enum Value {
    /// Text (URLs, names, secrets, PEM…; also what C passes for every type).
    Text(String),
    /// A boolean.
    Bool(bool),
    /// A number (seconds or a count; a count must be whole).
    Number(f64),
    /// Several texts at once (for repeatable options).
    TextList(Vec<String>),
    /// A parsed profile (Python's `Profile`).
    Profile(Box<Profile>),
    /// Discovered metadata (Python's `ServerMetadata`).
    Metadata(Box<ServerMetadata>),
}

impl Value {
    /// A value given as text (as C passes every value), read as `ty`:
    /// `"true"`/`"1"`, `"2.5"`, or the text itself. `None` when it is not one.
    pub fn from_text(ty: ValueType, text: &str) -> Option<Value> {
        Some(match ty {
            ValueType::Bool => Value::Bool(match text.trim() {
                "true" | "1" => true,
                "false" | "0" => false,
                _ => return None,
            }),
            ValueType::Seconds | ValueType::Count => {
                Value::Number(text.trim().parse::<f64>().ok()?)
            }
            _ => Value::Text(text.to_string()),
        })
    }
}

/// Where the private key comes from; parsed when the client is built, so the
/// algorithm and `kid` options may come in any order.
#[derive(Clone, Debug)]
enum KeySource {
    Pem(Secret),
    Jwk(Secret),
}

/// The largest duration an option accepts (about 31 years): beyond it a
/// number is a mistake, and `Duration` arithmetic must never overflow.
pub const MAX_SECONDS: f64 = 1e9;

/// The flat configuration of a client: every option of the table, set one at
/// a time in any order, checked as it is set, turned into a client by
/// [`ClientConfig::oauth_client`] / [`build_blocking`](Self::build_blocking) /
/// [`build_async`](Self::build_async).
#[derive(Clone, Debug, Default)]
pub struct ClientConfig {
    client_id: String,
    secret: Option<Secret>,
    auth_method: Option<AuthMethod>,
    profile: Option<(ClientOption, Profile)>,
    urls: Vec<(ClientOption, String)>,
    issuer: Option<String>,
    discovery_issuer: Option<String>,
    metadata: Option<ServerMetadata>,
    base_url: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    resources: Vec<String>,
    key: Option<KeySource>,
    key_id: Option<String>,
    key_algorithm: Option<String>,
    assertion_audience: Option<String>,
    allow_insecure_http: bool,
    jwks_json: Option<String>,
    authorization_details: Option<String>,
    request_object: bool,
    fapi2: bool,
    // JARM
    response_mode: Option<String>,
    id_token_alg: Option<String>,
    clock_skew: Option<Duration>,
    max_age: Option<Duration>,
    userinfo_post: bool,
    dpop: Option<bool>,
    dpop_key: Option<KeySource>,
    dpop_algorithm: Option<String>,
    dpop_jkt: Option<bool>,
    // mutual TLS (RFC 8705): checked together when the client is built.
    tls_client_certificate: Option<String>,
    tls_client_key: Option<Secret>,
    http: HttpOptions,
}

fn type_error(option: ClientOption, got: &str) -> Error {
    let spec = option.spec();
    Error::Config(format!(
        "option {} takes {}, not {got}",
        spec.name,
        spec.ty.describe()
    ))
}

fn value_kind(v: &Value) -> &'static str {
    match v {
        Value::Text(_) => "text",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::TextList(_) => "a list",
        Value::Profile(_) => "a profile",
        Value::Metadata(_) => "metadata",
    }
}

impl ClientConfig {
    /// A configuration for the client id `client_id`, every option at its default.
    pub fn new(client_id: impl Into<String>) -> Self {
        ClientConfig {
            client_id: client_id.into(),
            ..Default::default()
        }
    }

    /// Sets an option by name (Python keywords, C++ names).
    pub fn set_by_name(&mut self, name: &str, value: Value) -> Result<()> {
        self.set(ClientOption::from_name_or_err(name)?, value)
    }

    /// Sets an option from text, as C passes every value: the text is read as
    /// the option's [`ValueType`] (`"true"`, `"2.5"`, `"1048576"`…).
    pub fn set_text(&mut self, option: ClientOption, text: &str) -> Result<()> {
        let value = Value::from_text(option.spec().ty, text)
            .ok_or_else(|| type_error(option, &format!("{text:?}")))?;
        self.set(option, value)
    }

    /// Sets one option. Values that can be checked alone (profile, key,
    /// numbers, names) are checked here, so the error names the option.
    /// Setting an option twice keeps the last value; repeatable options add.
    pub fn set(&mut self, option: ClientOption, value: Value) -> Result<()> {
        use ClientOption as O;
        let spec = option.spec();
        let text = |v: Value| match v {
            Value::Text(s) => Ok(s),
            other => Err(type_error(option, value_kind(&other))),
        };
        match option {
            O::ClientSecret => self.secret = Some(Secret::new(text(value)?)),
            O::AuthMethod => {
                let name = text(value)?;
                self.auth_method = Some(parse_auth_method(&name)?);
            }
            O::Profile => {
                let p = match value {
                    Value::Profile(p) => *p,
                    Value::Text(name) => Profile::load(&name)?,
                    other => return Err(type_error(option, value_kind(&other))),
                };
                self.set_profile(option, p)?;
            }
            O::ProfileText => {
                let p = Profile::from_text(&text(value)?, "profile_text")?;
                self.set_profile(option, p)?;
            }
            O::AuthorizationUrl
            | O::TokenUrl
            | O::RefreshUrl
            | O::IntrospectionUrl
            | O::RevocationUrl
            | O::DeviceAuthorizationUrl
            | O::ValidateUrl
            | O::BackchannelAuthenticationUrl
            | O::ParUrl
            | O::UserinfoUrl
            | O::JwksUri
            | O::EndSessionUrl => {
                let url = text(value)?;
                self.urls.retain(|(o, _)| *o != option);
                self.urls.push((option, url));
            }
            O::Issuer => self.issuer = Some(text(value)?),
            O::JwksJson => {
                let jwks = text(value)?;
                oauth2kit::Jwks::from_json(&jwks)?;
                self.jwks_json = Some(jwks);
            }
            O::AuthorizationDetails => {
                let json = text(value)?;
                oauth2kit::rar::parse(&json)?;
                self.authorization_details = Some(json);
            }
            O::RequestObject => self.request_object = boolean(option, value)?,
            O::Fapi2 => self.fapi2 = boolean(option, value)?,
            // JARM
            O::ResponseMode => {
                let mode = text(value)?;
                oauth2kit::jarm::check_mode(&mode)?;
                self.response_mode = Some(mode);
            }
            O::IdTokenSignedResponseAlg => self.id_token_alg = Some(text(value)?),
            O::ClockSkew => self.clock_skew = Some(seconds(option, value)?),
            O::MaxAge => self.max_age = Some(seconds(option, value)?),
            O::UserinfoPost => {
                self.userinfo_post = match value {
                    Value::Bool(b) => b,
                    other => return Err(type_error(option, value_kind(&other))),
                }
            }
            O::Dpop => self.dpop = Some(boolean(option, value)?),
            O::DpopJkt => self.dpop_jkt = Some(boolean(option, value)?),
            O::DpopAlgorithm => self.dpop_algorithm = Some(text(value)?),
            O::DpopKeyPem | O::DpopKeyJwk => {
                let raw = text(value)?;
                let source = if option == O::DpopKeyPem {
                    KeySource::Pem(Secret::new(raw))
                } else {
                    KeySource::Jwk(Secret::new(raw))
                };
                if let Some(previous) = &self.dpop_key {
                    if std::mem::discriminant(previous) != std::mem::discriminant(&source) {
                        return Err(Error::Config(
                            "give dpop_key_pem or dpop_key_jwk, not both".into(),
                        ));
                    }
                }
                // Checked now, so the error points at this option.
                parse_dpop_key(&source)?;
                self.dpop_key = Some(source);
            }
            // --- mutual TLS (RFC 8705) ---
            O::TlsClientCertificate => self.tls_client_certificate = Some(text(value)?),
            O::TlsClientKey => self.tls_client_key = Some(Secret::new(text(value)?)),
            // --- end mutual TLS ---
            O::DiscoveryIssuer => self.discovery_issuer = Some(text(value)?),
            O::Metadata => {
                self.metadata = Some(match value {
                    Value::Metadata(m) => *m,
                    Value::Text(json) => serde_json::from_str(&json).map_err(|e| {
                        Error::Config(format!("option metadata: not a metadata document: {e}"))
                    })?,
                    other => return Err(type_error(option, value_kind(&other))),
                })
            }
            O::BaseUrl => self.base_url = Some(text(value)?),
            O::RedirectUri => self.redirect_uri = Some(text(value)?),
            O::Scope => self.scope = Some(text(value)?),
            O::Resource => self.resources.extend(texts(option, value)?),
            O::PrivateKeyPem | O::PrivateKeyJwk => {
                let raw = text(value)?;
                let source = if option == O::PrivateKeyPem {
                    KeySource::Pem(Secret::new(raw))
                } else {
                    KeySource::Jwk(Secret::new(raw))
                };
                if let Some(previous) = &self.key {
                    if std::mem::discriminant(previous) != std::mem::discriminant(&source) {
                        return Err(Error::Config(
                            "give private_key_pem or private_key_jwk, not both".into(),
                        ));
                    }
                }
                // Checked now, so the error points at this option.
                parse_key(&source, None)?;
                self.key = Some(source);
            }
            O::PrivateKeyId => self.key_id = Some(text(value)?),
            O::PrivateKeyAlgorithm => self.key_algorithm = Some(text(value)?),
            O::AssertionAudience => self.assertion_audience = Some(text(value)?),
            O::AllowInsecureHttp => {
                self.allow_insecure_http = match value {
                    Value::Bool(b) => b,
                    other => return Err(type_error(option, value_kind(&other))),
                };
                // Discovery runs before the client exists: it reads the transport's copy.
                self.http.allow_insecure_http = self.allow_insecure_http;
            }
            O::UserAgent => self.http.user_agent = text(value)?,
            O::CaCertificatesPem => self
                .http
                .extra_root_certificates_pem
                .extend(texts(option, value)?),
            O::MaxResponseBytes => {
                let n = number(option, value)?;
                if n.fract() != 0.0 || n < 1.0 {
                    return Err(Error::Config(format!(
                        "option {} takes a whole number of bytes of at least 1, not {n}",
                        spec.name
                    )));
                }
                // Saturates: a cap larger than memory is no cap.
                self.http.max_response_bytes = n.min(usize::MAX as f64) as usize;
            }
            O::Timeout => self.http.timeout = seconds(option, value)?,
            O::ConnectTimeout => self.http.connect_timeout = seconds(option, value)?,
        }
        Ok(())
    }

    fn set_profile(&mut self, option: ClientOption, p: Profile) -> Result<()> {
        if let Some((other, _)) = &self.profile {
            if *other != option {
                return Err(Error::Config(
                    "give profile or profile_text, not both".into(),
                ));
            }
        }
        self.profile = Some((option, p));
        Ok(())
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The issuer to discover from, when `discovery_issuer` was set.
    pub fn discovery_issuer(&self) -> Option<&str> {
        self.discovery_issuer.as_deref()
    }

    /// The transport options.
    pub fn http_options(&self) -> &HttpOptions {
        &self.http
    }

    /// The sans-IO client; `discovered` is the metadata read from
    /// `discovery_issuer`, if the caller fetched it.
    pub fn oauth_client(&self, discovered: Option<ServerMetadata>) -> Result<OAuthClient> {
        // mutual TLS: the transport presents the certificate; the client knows it does.
        let has_certificate = self.client_certificate()?.is_some();
        use ClientOption as O;
        let mut b = OAuthClient::builder(self.client_id.clone())
            .allow_insecure_http(self.allow_insecure_http);
        if let Some(m) = discovered.or_else(|| self.metadata.clone()) {
            b = b.metadata(m);
        }
        if let Some(s) = &self.secret {
            b = b.client_secret(s.clone());
        }
        if let Some(source) = &self.key {
            let mut key = parse_key(source, self.key_algorithm.as_deref())?;
            if let Some(kid) = &self.key_id {
                key = key.with_kid(kid.clone());
            }
            b = b.private_key(key);
        } else if self.key_algorithm.is_some() {
            return Err(Error::Config(
                "private_key_algorithm needs private_key_pem".into(),
            ));
        }
        if let Some(m) = self.auth_method {
            b = b.auth_method(m);
        }
        if let Some((_, p)) = &self.profile {
            b = b.profile(p.clone());
        }
        for (option, url) in &self.urls {
            let url = url.clone();
            b = match option {
                O::AuthorizationUrl => b.authorization_url(url),
                O::TokenUrl => b.token_url(url),
                O::RefreshUrl => b.refresh_url(url),
                O::IntrospectionUrl => b.introspection_url(url),
                O::RevocationUrl => b.revocation_url(url),
                O::DeviceAuthorizationUrl => b.device_authorization_url(url),
                O::ValidateUrl => b.validate_url(url),
                O::BackchannelAuthenticationUrl => b.backchannel_authentication_url(url),
                O::ParUrl => b.par_url(url),
                O::UserinfoUrl => b.userinfo_url(url),
                O::JwksUri => b.jwks_uri(url),
                O::EndSessionUrl => b.end_session_url(url),
                _ => b,
            };
        }
        if let Some(v) = &self.issuer {
            b = b.issuer(v.clone());
        }
        if let Some(v) = &self.base_url {
            b = b.base_url(v.clone());
        }
        if let Some(v) = &self.redirect_uri {
            b = b.redirect_uri(v.clone());
        }
        if let Some(v) = &self.scope {
            b = b.scope(v.clone());
        }
        for r in &self.resources {
            b = b.resource(r.clone());
        }
        if let Some(v) = &self.assertion_audience {
            b = b.assertion_audience(v.clone());
        }
        if let Some(v) = &self.jwks_json {
            b = b.jwks_json(v.clone());
        }
        if let Some(v) = &self.authorization_details {
            b = b.authorization_details(v.clone());
        }
        if self.request_object {
            b = b.request_object(true);
        }
        if self.fapi2 {
            b = b.fapi2(true);
        }
        // JARM
        if let Some(v) = &self.response_mode {
            b = b.response_mode(v.clone());
        }
        if let Some(v) = &self.id_token_alg {
            b = b.id_token_signed_response_alg(v.clone());
        }
        if let Some(v) = self.clock_skew {
            b = b.clock_skew(v);
        }
        if let Some(v) = self.max_age {
            b = b.max_age(v);
        }
        if let Some(source) = &self.dpop_key {
            b = b.dpop_key(parse_dpop_key(source)?);
        }
        if let Some(alg) = &self.dpop_algorithm {
            b = b.dpop_algorithm(alg.clone());
        }
        if let Some(on) = self.dpop_jkt {
            b = b.dpop_jkt(on);
        }
        if let Some(on) = self.dpop {
            b = b.dpop(on);
        }
        b.userinfo_post(self.userinfo_post)
            .client_certificate(has_certificate)
            .build()
    }

    // --- mutual TLS (RFC 8705) ---
    /// The TLS client certificate of `tls_client_certificate` and
    /// `tls_client_key`, checked (both or neither; the key the certificate's).
    fn client_certificate(&self) -> Result<Option<oauth2kit::ClientCertificate>> {
        match (&self.tls_client_certificate, &self.tls_client_key) {
            (None, None) => Ok(None),
            (Some(cert), Some(key)) => {
                oauth2kit::ClientCertificate::from_pem(cert.clone(), key.clone()).map(Some)
            }
            (Some(_), None) => Err(Error::Config(
                "tls_client_certificate needs tls_client_key (the certificate's private key)"
                    .into(),
            )),
            (None, Some(_)) => Err(Error::Config(
                "tls_client_key needs tls_client_certificate".into(),
            )),
        }
    }

    /// The transport options: [`Self::http_options`] with the client certificate.
    pub fn transport_options(&self) -> Result<HttpOptions> {
        let mut http = self.http.clone();
        http.client_certificate = self.client_certificate()?;
        Ok(http)
    }
    // --- end mutual TLS ---

    /// A blocking client (C, C++, sync Python). Discovery, when asked for, is
    /// a network call made here.
    pub fn build_blocking(&self) -> Result<oauth2kit::blocking::Client> {
        let discovered = match &self.discovery_issuer {
            Some(issuer) => Some(oauth2kit::blocking::Client::discover(
                issuer,
                self.transport_options()?,
            )?),
            None => None,
        };
        oauth2kit::blocking::Client::with_options(
            self.oauth_client(discovered)?,
            self.transport_options()?,
        )
    }

    /// An async client (Kotlin/Swift, asyncio), discovering first when
    /// `discovery_issuer` is set. Its transport is made on the core's shared
    /// runtime, where every binding runs its futures.
    pub async fn build_async(&self) -> Result<oauth2kit::Client> {
        let discovered = match &self.discovery_issuer {
            Some(issuer) => Some(self.discover_metadata(issuer).await?),
            None => None,
        };
        self.async_client(discovered)
    }

    /// An async client with no network call: `discovery_issuer` is refused
    /// (a constructor that must not block; use [`discover_and_build`](Self::discover_and_build)).
    pub fn build_without_network(&self) -> Result<oauth2kit::Client> {
        if self.discovery_issuer.is_some() {
            return Err(Error::Config(
                "discovery_issuer makes a network call: use discover to create this client".into(),
            ));
        }
        self.async_client(None)
    }

    /// An async client from the metadata of `discovery_issuer`, or of `issuer`
    /// when no discovery issuer is set (the usual case: the issuer is both).
    pub async fn discover_and_build(&self) -> Result<oauth2kit::Client> {
        let issuer = self
            .discovery_issuer
            .as_deref()
            .or(self.issuer.as_deref())
            .ok_or_else(|| Error::Config("discovery needs discovery_issuer or issuer".into()))?;
        let metadata = self.discover_metadata(issuer).await?;
        self.async_client(Some(metadata))
    }

    async fn discover_metadata(&self, issuer: &str) -> Result<ServerMetadata> {
        let transport = transport_on_shared_runtime(self.transport_options()?)?;
        oauth2kit::Client::discover(&transport, issuer).await
    }

    fn async_client(&self, discovered: Option<ServerMetadata>) -> Result<oauth2kit::Client> {
        let oauth = self.oauth_client(discovered)?;
        Ok(
            oauth2kit::blocking::Client::with_options(oauth, self.transport_options()?)?
                .as_async()
                .clone(),
        )
    }
}

/// A reqwest transport made inside the shared runtime (reqwest binds its
/// connection pool to the runtime it is created in).
pub fn transport_on_shared_runtime(
    options: HttpOptions,
) -> Result<oauth2kit::transport::ReqwestTransport> {
    let rt = oauth2kit::blocking::handle()?;
    let _guard = rt.enter();
    oauth2kit::transport::ReqwestTransport::new(options)
}

/// The RFC 8414 names of the client authentication methods.
pub const AUTH_METHODS: [&str; 7] = [
    "client_secret_basic",
    "client_secret_post",
    "client_secret_jwt",
    "private_key_jwt",
    "none",
    "tls_client_auth",
    "self_signed_tls_client_auth",
];

/// An auth method by its RFC 8414 name.
pub fn parse_auth_method(name: &str) -> Result<AuthMethod> {
    Ok(match name {
        "client_secret_basic" => AuthMethod::ClientSecretBasic,
        "client_secret_post" => AuthMethod::ClientSecretPost,
        "client_secret_jwt" => AuthMethod::ClientSecretJwt,
        "private_key_jwt" => AuthMethod::PrivateKeyJwt,
        "none" => AuthMethod::None,
        "tls_client_auth" => AuthMethod::TlsClientAuth,
        "self_signed_tls_client_auth" => AuthMethod::SelfSignedTlsClientAuth,
        other => {
            let hint = closest(other, AUTH_METHODS)
                .map(|n| format!(" (did you mean {n:?}?)"))
                .unwrap_or_default();
            return Err(Error::Config(format!(
                "unknown auth_method {other:?}{hint}; use one of {}",
                AUTH_METHODS.join(", ")
            )));
        }
    })
}

fn parse_key(source: &KeySource, algorithm: Option<&str>) -> Result<SigningKey> {
    match (source, algorithm) {
        (KeySource::Pem(pem), None) => SigningKey::from_pem(pem.expose()),
        (KeySource::Pem(pem), Some(alg)) => SigningKey::from_pem_with_algorithm(pem.expose(), alg),
        (KeySource::Jwk(jwk), _) => SigningKey::from_jwk(jwk.expose()),
    }
}

fn parse_dpop_key(source: &KeySource) -> Result<oauth2kit::DpopKey> {
    match source {
        KeySource::Pem(pem) => oauth2kit::DpopKey::from_pem(pem.expose()),
        KeySource::Jwk(jwk) => oauth2kit::DpopKey::from_jwk(jwk.expose()),
    }
}

fn boolean(option: ClientOption, value: Value) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(b),
        other => Err(type_error(option, value_kind(&other))),
    }
}

fn texts(option: ClientOption, value: Value) -> Result<Vec<String>> {
    match value {
        Value::Text(s) => Ok(vec![s]),
        Value::TextList(v) => Ok(v),
        other => Err(type_error(option, value_kind(&other))),
    }
}

fn number(option: ClientOption, value: Value) -> Result<f64> {
    match value {
        Value::Number(n) if n.is_finite() => Ok(n),
        Value::Number(n) => Err(type_error(option, &format!("{n}"))),
        other => Err(type_error(option, value_kind(&other))),
    }
}

/// A duration option: positive, finite, at most [`MAX_SECONDS`].
fn seconds(option: ClientOption, value: Value) -> Result<Duration> {
    let s = number(option, value)?;
    if s <= 0.0 || s > MAX_SECONDS {
        return Err(Error::Config(format!(
            "option {} must be more than 0 and at most {MAX_SECONDS} seconds, not {s}",
            option.name()
        )));
    }
    Ok(Duration::from_secs_f64(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2kit::ErrorCode;

    #[test]
    fn every_option_has_one_row_and_a_unique_number_and_name() {
        let mut numbers = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for s in CLIENT_OPTIONS {
            assert!(
                numbers.insert(s.option as i32),
                "number {} twice",
                s.option as i32
            );
            assert!(names.insert(s.name), "name {} twice", s.name);
            assert_eq!(s.option.spec().name, s.name);
            assert_eq!(ClientOption::from_i32(s.option as i32), Some(s.option));
            assert_eq!(ClientOption::from_name(s.name), Some(s.option));
            assert!(!s.doc.is_empty());
        }
        for (n, _) in RETIRED {
            assert!(!numbers.contains(n), "retired number {n} reused");
        }
    }

    #[test]
    fn text_values_are_read_as_the_option_type() {
        let mut c = ClientConfig::new("id");
        c.set_text(ClientOption::Timeout, "2.5").unwrap();
        assert_eq!(c.http_options().timeout, Duration::from_millis(2500));
        c.set_text(ClientOption::AllowInsecureHttp, "1").unwrap();
        c.set_text(ClientOption::MaxResponseBytes, "4096").unwrap();
        assert_eq!(c.http_options().max_response_bytes, 4096);
        c.set_text(ClientOption::Resource, "https://a.example")
            .unwrap();
        c.set_text(ClientOption::Resource, "https://b.example")
            .unwrap();
        c.set_text(ClientOption::TokenUrl, "https://as.example/token")
            .unwrap();
        c.oauth_client(None).unwrap();
    }

    #[test]
    fn bad_values_are_config_errors_that_name_the_option() {
        let mut c = ClientConfig::new("id");
        let cases: [(ClientOption, &str, &str); 7] = [
            (ClientOption::Timeout, "abc", "timeout"),
            (ClientOption::Timeout, "1e19", "timeout"),
            (ClientOption::Timeout, "-1", "timeout"),
            (ClientOption::Timeout, "NaN", "timeout"),
            (
                ClientOption::AllowInsecureHttp,
                "yes",
                "allow_insecure_http",
            ),
            (ClientOption::MaxResponseBytes, "1.5", "max_response_bytes"),
            (
                ClientOption::AuthMethod,
                "client_secret_basics",
                "client_secret_basic",
            ),
        ];
        for (option, text, named) in cases {
            let e = c.set_text(option, text).unwrap_err();
            assert_eq!(e.code(), ErrorCode::Config, "{option:?} {text}");
            assert!(e.to_string().contains(named), "{e}");
        }
        let e = c
            .set_by_name("tokn_url", Value::Text("x".into()))
            .unwrap_err();
        assert!(e.to_string().contains("did you mean \"token_url\""), "{e}");
        assert!(
            ClientOption::from_i32_or_err(22)
                .unwrap_err()
                .to_string()
                .contains("retired")
        );
        assert_eq!(ClientOption::from_i32(-7), None);
    }

    #[test]
    fn exclusive_options_are_refused_in_either_order() {
        let mut c = ClientConfig::new("id");
        c.set(ClientOption::Profile, Value::Text("desko".into()))
            .unwrap();
        let e = c
            .set(
                ClientOption::ProfileText,
                Value::Text("name = \"x\"".into()),
            )
            .unwrap_err();
        assert!(e.to_string().contains("not both"), "{e}");
    }

    #[test]
    fn dpop_options_reach_the_core_builder() {
        let base = || {
            let mut c = ClientConfig::new("id");
            c.set_text(ClientOption::TokenUrl, "https://as.example/token")
                .unwrap();
            c.set_text(
                ClientOption::AuthorizationUrl,
                "https://as.example/authorize",
            )
            .unwrap();
            c.set_text(ClientOption::RedirectUri, "https://app.example/cb")
                .unwrap();
            c
        };
        // off by default
        assert!(base().oauth_client(None).unwrap().dpop_key().is_none());
        // on: a generated ES256 key, dpop_jkt on authorization requests
        let mut c = base();
        c.set_text(ClientOption::Dpop, "true").unwrap();
        let oc = c.oauth_client(None).unwrap();
        let key = oc.dpop_key().unwrap().clone();
        assert_eq!(key.algorithm(), "ES256");
        let url = oc
            .authorization_url(oauth2kit::AuthorizeOptions::default())
            .unwrap()
            .url;
        assert!(
            url.query_pairs()
                .any(|(k, v)| k == "dpop_jkt" && v == key.thumbprint())
        );
        // a given key (JWK), dpop_jkt off
        let mut c = base();
        c.set_text(ClientOption::DpopKeyJwk, key.private_jwk().expose())
            .unwrap();
        c.set_text(ClientOption::DpopJkt, "false").unwrap();
        let oc = c.oauth_client(None).unwrap();
        assert_eq!(oc.dpop_key(), Some(&key));
        let url = oc
            .authorization_url(oauth2kit::AuthorizeOptions::default())
            .unwrap()
            .url;
        assert!(!url.query_pairs().any(|(k, _)| k == "dpop_jkt"));
        // an algorithm alone turns DPoP on; dpop=false turns it off again
        let mut c = base();
        c.set_text(ClientOption::DpopAlgorithm, "EdDSA").unwrap();
        assert_eq!(
            c.oauth_client(None)
                .unwrap()
                .dpop_key()
                .unwrap()
                .algorithm(),
            "EdDSA"
        );
        c.set_text(ClientOption::Dpop, "false").unwrap();
        assert!(c.oauth_client(None).unwrap().dpop_key().is_none());
        // refused: an RSA algorithm for a generated key, a bad key, both forms
        let mut c = base();
        c.set_text(ClientOption::DpopAlgorithm, "RS256").unwrap();
        assert_eq!(c.oauth_client(None).unwrap_err().code(), ErrorCode::Config);
        let mut c = base();
        let e = c
            .set_text(
                ClientOption::DpopKeyPem,
                "-----BEGIN PRIVATE KEY----- s3cr3t-dpop",
            )
            .unwrap_err();
        assert_eq!(e.code(), ErrorCode::Config);
        assert!(!e.to_string().contains("s3cr3t-dpop"), "{e}");
        c.set_text(ClientOption::DpopKeyJwk, key.private_jwk().expose())
            .unwrap();
        let pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
        assert!(c.set_text(ClientOption::DpopKeyPem, pem).is_err());
        // the private key never shows in Debug
        let d = serde_json::from_str::<serde_json::Value>(key.private_jwk().expose()).unwrap()["d"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(!format!("{c:?}").contains(&d));
    }

    // --- mutual TLS (RFC 8705) ---
    #[test]
    fn tls_client_certificate_options_reach_the_client_and_the_transport() {
        use oauth2kit_devserver::keys;
        let base = || {
            let mut c = ClientConfig::new("self-signed-client");
            c.set_text(ClientOption::TokenUrl, "https://as.example/token")
                .unwrap();
            c
        };
        let mut c = base();
        c.set_text(ClientOption::AuthMethod, "self_signed_tls_client_auth")
            .unwrap();
        // The method without a certificate is a configuration error.
        let e = c.oauth_client(None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Config);
        assert!(e.to_string().contains("client certificate"), "{e}");
        c.set_text(
            ClientOption::TlsClientCertificate,
            keys::SELF_SIGNED_CLIENT_CERT_PEM,
        )
        .unwrap();
        assert!(
            c.oauth_client(None)
                .unwrap_err()
                .to_string()
                .contains("tls_client_key")
        );
        c.set_text(ClientOption::TlsClientKey, keys::SELF_SIGNED_CLIENT_KEY_PEM)
            .unwrap();
        let oc = c.oauth_client(None).unwrap();
        assert!(oc.needs_client_certificate());
        let req = oc
            .token_request(&oauth2kit::Grant::client_credentials(None))
            .unwrap();
        assert_eq!(
            req.body_text(),
            "grant_type=client_credentials&client_id=self-signed-client"
        );
        let http = c.transport_options().unwrap();
        assert!(http.client_certificate.is_some());
        // The key never shows in Debug; a key that is not the certificate's is refused.
        let key_line = keys::SELF_SIGNED_CLIENT_KEY_PEM.lines().nth(1).unwrap();
        assert!(!format!("{c:?}").contains(key_line));
        assert!(!format!("{http:?}").contains(key_line));
        let mut c = base();
        c.set_text(
            ClientOption::TlsClientCertificate,
            keys::SELF_SIGNED_CLIENT_CERT_PEM,
        )
        .unwrap();
        c.set_text(ClientOption::TlsClientKey, keys::EC_CLIENT_PRIVATE_PEM)
            .unwrap();
        let e = c.oauth_client(None).unwrap_err();
        assert_eq!(e.code(), ErrorCode::Config);
        assert!(e.to_string().contains("does not belong"), "{e}");
    }

    #[test]
    fn secrets_never_reach_debug_or_errors() {
        let mut c = ClientConfig::new("id");
        c.set_text(ClientOption::ClientSecret, "sup3r-s3cret")
            .unwrap();
        assert!(!format!("{c:?}").contains("sup3r-s3cret"));
        let e = c
            .set_text(
                ClientOption::PrivateKeyPem,
                "-----BEGIN PRIVATE KEY----- sup3r-s3cret",
            )
            .unwrap_err();
        assert!(!e.to_string().contains("sup3r-s3cret"), "{e}");
    }
}
