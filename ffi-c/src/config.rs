//! `oauth2kit_config`: the settings of a client, set one option at a time
//! (like `curl_easy_setopt`), then turned into a client by `oauth2kit_client_new`.

use std::ffi::c_char;
use std::time::Duration;

use oauth2kit::{AuthMethod, HttpOptions, OAuthClient, Profile, Secret, SigningKey};

use crate::error::{Fail, oauth2kit_status};
use crate::guard::{guard, guard_void};
use crate::handle::{Handle, opaque, out_arg, str_arg};

/// The options of `oauth2kit_config_set`. Values are strings; each option says
/// how it is read.
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum oauth2kit_option {
    /// The client secret (`client_secret_basic`, `_post`, `_jwt`).
    ClientSecret = 1,
    /// `client_secret_basic`, `client_secret_post`, `client_secret_jwt`,
    /// `private_key_jwt` or `none`. Default: follows the credentials and the profile.
    AuthMethod = 2,
    /// A built-in profile name (`rfc6749`, `generic`, `deskera-v2`, `deskera-v1`,
    /// `desko`) or the path of a TOML/JSON profile file. Read at once.
    Profile = 3,
    /// A profile given as TOML or JSON text.
    ProfileText = 4,
    /// Authorization endpoint URL.
    AuthorizationUrl = 5,
    /// Token endpoint URL.
    TokenUrl = 6,
    /// Refresh endpoint URL (when the provider refreshes elsewhere).
    RefreshUrl = 7,
    /// Introspection endpoint URL (RFC 7662).
    IntrospectionUrl = 8,
    /// Revocation endpoint URL (RFC 7009).
    RevocationUrl = 9,
    /// Device authorization endpoint URL (RFC 8628).
    DeviceAuthorizationUrl = 10,
    /// The profile's token validation endpoint URL.
    ValidateUrl = 11,
    /// The issuer identifier (RFC 9207 `iss` check, JWT audience).
    Issuer = 12,
    /// Discover the endpoints from this issuer (RFC 8414, then OpenID Connect)
    /// when the client is created. Explicit URLs still win.
    DiscoveryIssuer = 13,
    /// Moves the profile's default endpoints to another origin (staging, test servers).
    BaseUrl = 14,
    /// Default redirect URI.
    RedirectUri = 15,
    /// Default scope (space-separated).
    Scope = 16,
    /// A PEM private key for `private_key_jwt` (RSA → RS256, P-256 → ES256, Ed25519 → EdDSA).
    PrivateKeyPem = 17,
    /// A private JWK (JSON) for `private_key_jwt`.
    PrivateKeyJwk = 18,
    /// The `kid` put in client assertion headers.
    PrivateKeyId = 19,
    /// The `aud` of client assertions (default: the token endpoint URL).
    AssertionAudience = 20,
    /// `"true"` allows plain-HTTP endpoints off loopback (default `"false"`).
    AllowInsecureHttp = 21,
    /// Whole-exchange timeout in milliseconds (default 30000).
    TimeoutMs = 22,
    /// Connect timeout in milliseconds (default 10000).
    ConnectTimeoutMs = 23,
    /// `User-Agent` header.
    UserAgent = 24,
    /// A PEM root certificate to trust besides the bundled Mozilla roots (repeatable).
    ExtraRootCertificatePem = 25,
    /// CIBA backchannel authentication endpoint URL.
    BackchannelAuthenticationUrl = 26,
    /// Largest response body accepted, in bytes (default 1 MiB).
    MaxResponseBytes = 27,
}

/// Option names for the C++ API, in the order of the C enum.
const NAMES: &[(&str, oauth2kit_option)] = {
    use oauth2kit_option as O;
    &[
        ("client_secret", O::ClientSecret),
        ("auth_method", O::AuthMethod),
        ("profile", O::Profile),
        ("profile_text", O::ProfileText),
        ("authorization_url", O::AuthorizationUrl),
        ("token_url", O::TokenUrl),
        ("refresh_url", O::RefreshUrl),
        ("introspection_url", O::IntrospectionUrl),
        ("revocation_url", O::RevocationUrl),
        ("device_authorization_url", O::DeviceAuthorizationUrl),
        ("validate_url", O::ValidateUrl),
        ("issuer", O::Issuer),
        ("discovery_issuer", O::DiscoveryIssuer),
        ("base_url", O::BaseUrl),
        ("redirect_uri", O::RedirectUri),
        ("scope", O::Scope),
        ("private_key_pem", O::PrivateKeyPem),
        ("private_key_jwk", O::PrivateKeyJwk),
        ("private_key_id", O::PrivateKeyId),
        ("assertion_audience", O::AssertionAudience),
        ("allow_insecure_http", O::AllowInsecureHttp),
        ("timeout_ms", O::TimeoutMs),
        ("connect_timeout_ms", O::ConnectTimeoutMs),
        ("user_agent", O::UserAgent),
        ("extra_root_certificate_pem", O::ExtraRootCertificatePem),
        (
            "backchannel_authentication_url",
            O::BackchannelAuthenticationUrl,
        ),
        ("max_response_bytes", O::MaxResponseBytes),
    ]
};

impl oauth2kit_option {
    /// From the C integer (any value may arrive from C, so no transmute).
    fn from_i32(n: i32) -> Option<Self> {
        NAMES.iter().map(|(_, o)| *o).find(|o| *o as i32 == n)
    }

    /// From the C++ name.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        NAMES.iter().find(|(n, _)| *n == name).map(|(_, o)| *o)
    }
}

/// What a config holds. Secrets stay in [`Secret`]/[`SigningKey`].
#[derive(Clone, Debug, Default)]
pub(crate) struct ConfigData {
    client_id: String,
    secret: Option<Secret>,
    auth_method: Option<AuthMethod>,
    profile: Option<Profile>,
    urls: Vec<(oauth2kit_option, String)>,
    issuer: Option<String>,
    discovery_issuer: Option<String>,
    base_url: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    key: Option<SigningKey>,
    key_id: Option<String>,
    assertion_audience: Option<String>,
    allow_insecure_http: bool,
    http: HttpOptions,
}

fn parse_auth_method(v: &str) -> Result<AuthMethod, Fail> {
    Ok(match v {
        "client_secret_basic" => AuthMethod::ClientSecretBasic,
        "client_secret_post" => AuthMethod::ClientSecretPost,
        "client_secret_jwt" => AuthMethod::ClientSecretJwt,
        "private_key_jwt" => AuthMethod::PrivateKeyJwt,
        "none" => AuthMethod::None,
        other => return Err(Fail::invalid(format!("unknown auth method {other:?}"))),
    })
}

fn parse_millis(v: &str) -> Result<Duration, Fail> {
    v.trim()
        .parse::<u64>()
        .map(Duration::from_millis)
        .map_err(|_| Fail::invalid(format!("expected a number of milliseconds, got {v:?}")))
}

impl ConfigData {
    pub(crate) fn new(client_id: &str) -> Self {
        ConfigData {
            client_id: client_id.to_string(),
            ..Default::default()
        }
    }

    /// Sets one option. Values that can be checked alone (profile, key, numbers)
    /// are checked here, so the error points at the right option.
    pub(crate) fn set(&mut self, option: oauth2kit_option, value: &str) -> Result<(), Fail> {
        use oauth2kit_option as O;
        let text = || Some(value.to_string());
        match option {
            O::ClientSecret => self.secret = Some(Secret::new(value)),
            O::AuthMethod => self.auth_method = Some(parse_auth_method(value)?),
            O::Profile => self.profile = Some(Profile::load(value)?),
            O::ProfileText => self.profile = Some(Profile::from_text(value, "profile text")?),
            O::AuthorizationUrl
            | O::TokenUrl
            | O::RefreshUrl
            | O::IntrospectionUrl
            | O::RevocationUrl
            | O::DeviceAuthorizationUrl
            | O::ValidateUrl
            | O::BackchannelAuthenticationUrl => self.urls.push((option, value.to_string())),
            O::Issuer => self.issuer = text(),
            O::DiscoveryIssuer => self.discovery_issuer = text(),
            O::BaseUrl => self.base_url = text(),
            O::RedirectUri => self.redirect_uri = text(),
            O::Scope => self.scope = text(),
            O::PrivateKeyPem => self.key = Some(SigningKey::from_pem(value)?),
            O::PrivateKeyJwk => self.key = Some(SigningKey::from_jwk(value)?),
            O::PrivateKeyId => self.key_id = text(),
            O::AssertionAudience => self.assertion_audience = text(),
            O::AllowInsecureHttp => {
                self.allow_insecure_http = match value {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    other => {
                        return Err(Fail::invalid(format!(
                            "expected \"true\" or \"false\", got {other:?}"
                        )));
                    }
                }
            }
            O::TimeoutMs => self.http.timeout = parse_millis(value)?,
            O::ConnectTimeoutMs => self.http.connect_timeout = parse_millis(value)?,
            O::UserAgent => self.http.user_agent = value.to_string(),
            O::ExtraRootCertificatePem => self
                .http
                .extra_root_certificates_pem
                .push(value.to_string()),
            O::MaxResponseBytes => {
                self.http.max_response_bytes = value.trim().parse().map_err(|_| {
                    Fail::invalid(format!("expected a number of bytes, got {value:?}"))
                })?
            }
        }
        Ok(())
    }

    /// Sets an option by its C++ name.
    pub(crate) fn set_by_name(&mut self, name: &str, value: &str) -> Result<(), Fail> {
        let option = oauth2kit_option::from_name(name)
            .ok_or_else(|| Fail::invalid(format!("unknown option {name:?}")))?;
        self.set(option, value)
    }

    /// Builds the client; discovery (when asked for) is a network call.
    pub(crate) fn build(&self) -> Result<oauth2kit::blocking::Client, Fail> {
        use oauth2kit_option as O;
        let mut b = OAuthClient::builder(self.client_id.clone())
            .allow_insecure_http(self.allow_insecure_http);
        if let Some(issuer) = &self.discovery_issuer {
            b = b.metadata(oauth2kit::blocking::Client::discover(
                issuer,
                self.http.clone(),
            )?);
        }
        if let Some(s) = &self.secret {
            b = b.client_secret(s.clone());
        }
        if let Some(k) = &self.key {
            let key = match &self.key_id {
                Some(kid) => k.clone().with_kid(kid.clone()),
                None => k.clone(),
            };
            b = b.private_key(key);
        }
        if let Some(m) = self.auth_method {
            b = b.auth_method(m);
        }
        if let Some(p) = &self.profile {
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
        if let Some(v) = &self.assertion_audience {
            b = b.assertion_audience(v.clone());
        }
        Ok(oauth2kit::blocking::Client::with_options(
            b.build()?,
            self.http.clone(),
        )?)
    }
}

/// The settings of a client, filled by `oauth2kit_config_set` and read by
/// `oauth2kit_client_new`. Not thread-safe: set options from one thread
/// (reading it in `oauth2kit_client_new` concurrently from several threads is fine).
#[derive(Debug)]
pub struct oauth2kit_config {
    _private: [u8; 0],
}

opaque!(oauth2kit_config => ConfigData, 0x6f32_6b63_6f6e_6600);

/// Starts a configuration for the client id `client_id`.
///
/// On success `*out` receives a new config; free it with `oauth2kit_config_free`
/// (the clients made from it do not need it any longer).
/// Errors: `NULL_ARGUMENT`, `INVALID_UTF8`.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_new(
    client_id: *const c_char,
    out: *mut *mut oauth2kit_config,
) -> oauth2kit_status {
    guard("oauth2kit_config_new", || {
        let out = out_arg(out, "out")?;
        // SAFETY: a C string from the caller (contract in the header).
        let id = unsafe { str_arg(client_id, "client_id") }?;
        out.write(oauth2kit_config::into_raw(ConfigData::new(id)));
        Ok(())
    })
}

/// Sets option `option` (an `oauth2kit_option`) to `value`, copied.
///
/// Profiles, keys and numbers are checked at once: an unknown profile or an
/// unusable key gives `OAUTH2KIT_STATUS_CONFIG`, an unknown option or a bad number
/// `OAUTH2KIT_STATUS_INVALID_ARGUMENT`. URLs are checked by `oauth2kit_client_new`.
/// Setting an option twice keeps the last value.
/// Thread safety: not with other calls on the same config.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_set(
    config: *mut oauth2kit_config,
    option: i32,
    value: *const c_char,
) -> oauth2kit_status {
    guard("oauth2kit_config_set", || {
        // SAFETY: handle and string from the caller, checked by the helpers.
        let data = unsafe { oauth2kit_config::get_mut(config, "config") }?;
        let value = unsafe { str_arg(value, "value") }?;
        let option = oauth2kit_option::from_i32(option)
            .ok_or_else(|| Fail::invalid(format!("unknown option {option}")))?;
        data.set(option, value)
    })
}

/// Releases a config. NULL is a no-op.
#[unsafe(no_mangle)]
pub extern "C" fn oauth2kit_config_free(config: *mut oauth2kit_config) {
    // SAFETY: NULL or a live handle (contract).
    guard_void(|| unsafe { oauth2kit_config::free(config) });
}
