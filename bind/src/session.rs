//! The session options: one table, read by every binding, like the client
//! options of [`crate::options`].
//!
//! A session's grant is named here or not at all: `client_credentials`, or the
//! `jwt_bearer_*` options. Nothing falls back to a grant by default — a
//! user's session restored from a store must never turn into the client's own
//! identity (see the core's `SessionBuilder::client_credentials`).

use std::time::Duration;

use oauth2kit::session::SessionBuilder;
use oauth2kit::{Error, JwtAssertion, JwtBearer, Result, Secret, SigningKey};

use crate::options::{MAX_SECONDS, Value, ValueType, closest};

/// One row of the session option table.
#[derive(Clone, Copy, Debug)]
pub struct SessionOptionSpec {
    /// The option.
    pub option: SessionOption,
    /// Its concept name (snake_case; camelCase in Kotlin/Swift).
    pub name: &'static str,
    /// Its value type.
    pub ty: ValueType,
    /// The default, as a user reads it.
    pub default: &'static str,
    /// One paragraph of documentation (copied into every binding's docs).
    pub doc: &'static str,
}

macro_rules! session_options {
    ($( $(#[doc = $doc:literal])+ $variant:ident = $num:literal, $name:literal, $ty:ident, $default:literal; )*) => {
        /// A session option. The numbers are the C ABI's and never change.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        #[repr(i32)]
        pub enum SessionOption {
            $( $(#[doc = $doc])+ $variant = $num, )*
        }

        /// Every session option, in table order.
        pub const SESSION_OPTIONS: &[SessionOptionSpec] = &[
            $( SessionOptionSpec {
                option: SessionOption::$variant,
                name: $name,
                ty: ValueType::$ty,
                default: $default,
                doc: concat!($($doc),+),
            }, )*
        ];
    };
}

session_options! {
    /// Renew a token this many seconds before it expires (0: at expiry).
    RefreshMargin = 1, "refresh_margin", Seconds, "60";
    /// How long transient failures (5xx, 429, network) are retried, in seconds
    /// (0: not retried). A `Retry-After` longer than this fails at once.
    RetryDeadline = 2, "retry_deadline", Seconds, "30";
    /// With an unknown lifetime, ask the profile's validation endpoint at most
    /// this often, in seconds.
    ValidateEvery = 3, "validate_every", Seconds, "300";
    /// How long the fleet refresh lock (Redis) is held at most, in seconds: a
    /// holder that dies frees it after this.
    LockTtl = 4, "lock_ttl", Seconds, "30";
    /// Fetch tokens with the client credentials grant when the session has none
    /// or its refresh token is dead. Never on by default: a user's session
    /// restored from a store does not turn into the client's own identity.
    ClientCredentials = 5, "client_credentials", Bool, "false";
    /// The scope the session's grant asks for.
    Scope = 6, "scope", Text, "the client's";
    /// Fetch tokens with the JWT bearer grant (RFC 7523), signing a new
    /// assertion with this PEM key for every request.
    JwtBearerPrivateKeyPem = 7, "jwt_bearer_private_key_pem", Secret, "none";
    /// As `jwt_bearer_private_key_pem`, with a private JWK (JSON).
    JwtBearerPrivateKeyJwk = 8, "jwt_bearer_private_key_jwk", Secret, "none";
    /// Fetch tokens with the JWT bearer grant, presenting this ready assertion.
    JwtBearerAssertion = 9, "jwt_bearer_assertion", Secret, "none";
    /// `iss` of the signed assertion.
    JwtBearerIssuer = 10, "jwt_bearer_issuer", Text, "the client id";
    /// `sub` of the signed assertion: the user or service the tokens are for.
    JwtBearerSubject = 11, "jwt_bearer_subject", Text, "the client id";
    /// `aud` of the signed assertion.
    JwtBearerAudience = 12, "jwt_bearer_audience", Text, "the token endpoint URL";
    /// Lifetime of each signed assertion, in seconds.
    JwtBearerLifetime = 13, "jwt_bearer_lifetime", Seconds, "300";
    /// More claims for the signed assertion, as a JSON object.
    JwtBearerClaims = 14, "jwt_bearer_claims", Text, "none";
}

impl SessionOption {
    /// Its row of the table.
    pub fn spec(self) -> &'static SessionOptionSpec {
        // Every variant has exactly one row (tested).
        SESSION_OPTIONS
            .iter()
            .find(|s| s.option == self)
            .unwrap_or(&SESSION_OPTIONS[0])
    }

    /// Its concept name.
    pub fn name(self) -> &'static str {
        self.spec().name
    }

    /// The option numbered `n` (as a C caller passes it), or a configuration error.
    pub fn from_i32_or_err(n: i32) -> Result<Self> {
        SESSION_OPTIONS
            .iter()
            .map(|s| s.option)
            .find(|o| *o as i32 == n)
            .ok_or_else(|| Error::Config(format!("unknown session option number {n}")))
    }

    /// The option called `name`, or a configuration error naming the closest one.
    pub fn from_name_or_err(name: &str) -> Result<Self> {
        SESSION_OPTIONS
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.option)
            .ok_or_else(|| {
                Error::Config(
                    match closest(name, SESSION_OPTIONS.iter().map(|s| s.name)) {
                        Some(n) => format!("unknown session option {name:?}; did you mean {n:?}?"),
                        None => format!("unknown session option {name:?}"),
                    },
                )
            })
    }
}

/// The flat configuration of a session: every option of the table, set one at
/// a time in any order, checked as it is set, applied to the core's builder by
/// [`SessionConfig::apply`]. Stores, initial tokens and change callbacks are
/// objects, not options: each binding hands them to the builder itself.
#[derive(Clone, Debug, Default)]
pub struct SessionConfig {
    refresh_margin: Option<Duration>,
    retry_deadline: Option<Duration>,
    validate_every: Option<Duration>,
    lock_ttl: Option<Duration>,
    client_credentials: bool,
    scope: Option<String>,
    jwt: JwtBearerSpec,
}

/// A JWT bearer grant (RFC 7523) as every binding describes it: a ready
/// assertion, or a key (PEM or JWK) to sign a new one with for each request.
/// The defaults are decided here, once: `iss` and `sub` the client id, `aud`
/// the token endpoint URL, a lifetime of 300 s.
#[derive(Clone, Debug, Default)]
pub struct JwtBearerSpec {
    /// A ready assertion.
    pub assertion: Option<Secret>,
    /// A PEM private key to sign with.
    pub private_key_pem: Option<Secret>,
    /// A private JWK (JSON) to sign with.
    pub private_key_jwk: Option<Secret>,
    /// `iss` (default: the client id).
    pub issuer: Option<String>,
    /// `sub` (default: the client id).
    pub subject: Option<String>,
    /// `aud` (default: the token endpoint URL).
    pub audience: Option<String>,
    /// Lifetime of each signed assertion (default 300 s).
    pub lifetime: Option<Duration>,
    /// More claims.
    pub claims: Option<serde_json::Map<String, serde_json::Value>>,
    /// Scope.
    pub scope: Option<String>,
}

impl JwtBearerSpec {
    /// Whether some field is given but no assertion or key: a mistake.
    fn is_partial(&self) -> bool {
        !self.is_set()
            && (self.issuer.is_some()
                || self.subject.is_some()
                || self.audience.is_some()
                || self.lifetime.is_some()
                || self.claims.is_some())
    }

    /// Whether it describes a grant at all.
    pub fn is_set(&self) -> bool {
        self.assertion.is_some() || self.private_key_pem.is_some() || self.private_key_jwk.is_some()
    }

    /// The grant for `client`, with the shared defaults.
    pub fn grant(&self, client: &oauth2kit::OAuthClient) -> Result<JwtBearer> {
        let assertion = match (
            &self.assertion,
            &self.private_key_pem,
            &self.private_key_jwk,
        ) {
            (Some(jwt), None, None) => JwtAssertion::Given(jwt.clone()),
            (None, Some(pem), None) => self.signed(SigningKey::from_pem(pem.expose())?, client)?,
            (None, None, Some(jwk)) => self.signed(SigningKey::from_jwk(jwk.expose())?, client)?,
            _ => {
                return Err(Error::Config(
                    "a JWT bearer grant takes one of: a ready assertion, a PEM private key, a \
                     private JWK"
                        .into(),
                ));
            }
        };
        Ok(JwtBearer {
            assertion,
            scope: self.scope.clone(),
        })
    }

    fn signed(&self, key: SigningKey, client: &oauth2kit::OAuthClient) -> Result<JwtAssertion> {
        let audience = match &self.audience {
            Some(a) => a.clone(),
            None => jwt_bearer_default_audience(client)?,
        };
        let id = || client.client_id().to_string();
        Ok(JwtAssertion::Signed {
            key,
            issuer: self.issuer.clone().unwrap_or_else(id),
            subject: self.subject.clone().unwrap_or_else(id),
            audience,
            lifetime_secs: self.lifetime.map_or(300, |d| d.as_secs().max(1)),
            claims: self.claims.clone().unwrap_or_default(),
        })
    }
}

fn type_error(option: SessionOption, got: &str) -> Error {
    let spec = option.spec();
    Error::Config(format!(
        "session option {} takes {}, not {got}",
        spec.name,
        spec.ty.describe()
    ))
}

impl SessionConfig {
    /// Every option at its default.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets an option by name (Python keywords, C++ names).
    pub fn set_by_name(&mut self, name: &str, value: Value) -> Result<()> {
        self.set(SessionOption::from_name_or_err(name)?, value)
    }

    /// Sets an option from text, as C passes every value.
    pub fn set_text(&mut self, option: SessionOption, text: &str) -> Result<()> {
        let value = Value::from_text(option.spec().ty, text)
            .ok_or_else(|| type_error(option, &format!("{text:?}")))?;
        self.set(option, value)
    }

    /// Sets one option, checking what can be checked alone.
    pub fn set(&mut self, option: SessionOption, value: Value) -> Result<()> {
        use SessionOption as O;
        let text = |v: Value| match v {
            Value::Text(s) => Ok(s),
            Value::Bool(_) => Err(type_error(option, "a boolean")),
            Value::Number(_) => Err(type_error(option, "a number")),
            _ => Err(type_error(option, "an object")),
        };
        let seconds = |v: Value, zero_ok: bool| -> Result<Duration> {
            let s = match v {
                Value::Number(n) if n.is_finite() => n,
                Value::Number(n) => return Err(type_error(option, &format!("{n}"))),
                _ => return Err(type_error(option, "not a number")),
            };
            if s < 0.0 || (s == 0.0 && !zero_ok) || s > MAX_SECONDS {
                return Err(Error::Config(format!(
                    "session option {} must be {} and at most {MAX_SECONDS} seconds, not {s}",
                    option.name(),
                    if zero_ok { "0 or more" } else { "more than 0" },
                )));
            }
            Ok(Duration::from_secs_f64(s))
        };
        match option {
            O::RefreshMargin => self.refresh_margin = Some(seconds(value, true)?),
            O::RetryDeadline => self.retry_deadline = Some(seconds(value, true)?),
            O::ValidateEvery => self.validate_every = Some(seconds(value, false)?),
            O::LockTtl => self.lock_ttl = Some(seconds(value, false)?),
            O::JwtBearerLifetime => self.jwt.lifetime = Some(seconds(value, false)?),
            O::ClientCredentials => {
                self.client_credentials = match value {
                    Value::Bool(b) => b,
                    _ => return Err(type_error(option, "not a boolean")),
                }
            }
            O::Scope => {
                let scope = text(value)?;
                self.jwt.scope = Some(scope.clone());
                self.scope = Some(scope);
            }
            O::JwtBearerPrivateKeyPem => {
                let pem = text(value)?;
                SigningKey::from_pem(&pem)?;
                self.jwt.private_key_pem = Some(Secret::new(pem));
            }
            O::JwtBearerPrivateKeyJwk => {
                let jwk = text(value)?;
                SigningKey::from_jwk(&jwk)?;
                self.jwt.private_key_jwk = Some(Secret::new(jwk));
            }
            O::JwtBearerAssertion => self.jwt.assertion = Some(Secret::new(text(value)?)),
            O::JwtBearerIssuer => self.jwt.issuer = Some(text(value)?),
            O::JwtBearerSubject => self.jwt.subject = Some(text(value)?),
            O::JwtBearerAudience => self.jwt.audience = Some(text(value)?),
            O::JwtBearerClaims => {
                let json = text(value)?;
                match serde_json::from_str::<serde_json::Value>(&json) {
                    Ok(serde_json::Value::Object(m)) => self.jwt.claims = Some(m),
                    _ => {
                        return Err(Error::Config(
                            "session option jwt_bearer_claims takes a JSON object".into(),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Sets the JWT bearer grant from a whole spec (Python's `jwt_bearer=` dict).
    pub fn set_jwt_bearer(&mut self, mut spec: JwtBearerSpec) {
        if spec.scope.is_none() {
            spec.scope.clone_from(&self.scope);
        }
        self.jwt = spec;
    }

    /// Applies the options to a session builder over `client`: timings, and
    /// the one grant named (client credentials or JWT bearer, never both).
    pub fn apply(
        &self,
        mut b: SessionBuilder,
        client: &oauth2kit::Client,
    ) -> Result<SessionBuilder> {
        if self.jwt.is_partial() {
            return Err(Error::Config(
                "a JWT bearer grant takes one of: a ready assertion, a PEM private key, a \
                 private JWK"
                    .into(),
            ));
        }
        if self.client_credentials && self.jwt.is_set() {
            return Err(Error::Config(
                "give client_credentials or the jwt_bearer options, not both: a session fetches \
                 with one grant"
                    .into(),
            ));
        }
        if self.client_credentials {
            b = b.client_credentials(self.scope.as_deref());
        } else if self.jwt.is_set() {
            b = b.jwt_bearer(self.jwt.grant(client.oauth())?);
        }
        if let Some(d) = self.refresh_margin {
            b = b.refresh_margin(d);
        }
        if let Some(d) = self.retry_deadline {
            b = b.retry_deadline(d);
        }
        if let Some(d) = self.validate_every {
            b = b.validate_every(d);
        }
        if let Some(d) = self.lock_ttl {
            b = b.lock_ttl(d);
        }
        Ok(b)
    }
}

/// The default `aud` of a JWT bearer assertion, the same in every binding and
/// the CLI: the token endpoint URL.
pub fn jwt_bearer_default_audience(client: &oauth2kit::OAuthClient) -> Result<String> {
    client
        .endpoints()
        .token
        .as_ref()
        .map(|u| u.to_string())
        .ok_or_else(|| {
            Error::Config(
                "a JWT bearer assertion needs an audience: set jwt_bearer_audience or a token \
                 endpoint"
                    .into(),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2kit::ErrorCode;

    #[test]
    fn every_option_has_one_row_and_a_unique_number_and_name() {
        let mut numbers = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for s in SESSION_OPTIONS {
            assert!(numbers.insert(s.option as i32));
            assert!(names.insert(s.name));
            assert_eq!(s.option.spec().name, s.name);
            assert_eq!(
                SessionOption::from_i32_or_err(s.option as i32).unwrap(),
                s.option
            );
            assert_eq!(SessionOption::from_name_or_err(s.name).unwrap(), s.option);
        }
    }

    #[test]
    fn values_are_checked_as_they_are_set() {
        let mut c = SessionConfig::new();
        c.set_text(SessionOption::RefreshMargin, "0").unwrap();
        c.set_text(SessionOption::RetryDeadline, "2.5").unwrap();
        assert_eq!(c.retry_deadline, Some(Duration::from_millis(2500)));
        for bad in ["-1", "1e19", "NaN", "soon"] {
            let e = c.set_text(SessionOption::RefreshMargin, bad).unwrap_err();
            assert_eq!(e.code(), ErrorCode::Config, "{bad}: {e}");
        }
        assert!(c.set_text(SessionOption::LockTtl, "0").is_err());
        assert!(c.set_text(SessionOption::ClientCredentials, "yes").is_err());
        assert!(c.set_text(SessionOption::JwtBearerClaims, "[1]").is_err());
        let e = c
            .set_text(SessionOption::JwtBearerPrivateKeyPem, "not a key")
            .unwrap_err();
        assert!(!e.to_string().contains("not a key"), "{e}");
        let e = SessionOption::from_name_or_err("refesh_margin").unwrap_err();
        assert!(e.to_string().contains("refresh_margin"), "{e}");
    }

    #[test]
    fn one_grant_only_and_the_audience_defaults_to_the_token_endpoint() {
        let oauth = oauth2kit::OAuthClient::builder("svc")
            .token_url("https://as.example/token")
            .build()
            .unwrap();
        let mut c = SessionConfig::new();
        c.set(
            SessionOption::JwtBearerAssertion,
            Value::Text("a.b.c".into()),
        )
        .unwrap();
        c.set(SessionOption::ClientCredentials, Value::Bool(true))
            .unwrap();
        let client = oauth2kit::Client::new(oauth.clone()).unwrap();
        let e = c
            .apply(
                oauth2kit::session::Session::builder(client),
                &oauth2kit::Client::new(oauth.clone()).unwrap(),
            )
            .unwrap_err();
        assert!(e.to_string().contains("not both"), "{e}");
        assert_eq!(
            jwt_bearer_default_audience(&oauth).unwrap(),
            "https://as.example/token"
        );
    }
}
