//! [`OAuthClient`]: the sans-IO client. It holds the configuration (client id,
//! credentials, endpoints, profile) and, for every operation, builds the
//! [`HttpRequest`] and parses the [`HttpResponse`]. No socket here: send the
//! requests with [`crate::Client`] (reqwest), [`crate::blocking::Client`], or
//! your own HTTP stack.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::authorize::{
    self, AuthorizationRequest, AuthorizeOptions, Callback, PendingAuthorization,
};
use crate::client_auth::{self, ClientCredentials};
use crate::device::{self, CibaAuthorization, CibaRequest, DeviceAuthorization};
use crate::discovery::ServerMetadata;
use crate::dpop::{DpopKey, NonceScope, Nonces};
use crate::error::{Error, Result, is_secret_field, redact_text, redact_values};
use crate::grant::Grant;
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::introspect::{self, Introspection};
use crate::keys::SigningKey;
use crate::oidc::alg::JwsAlg;
use crate::oidc::id_token::{self, IdTokenExpectations, Verifier};
use crate::oidc::jwks::{self, Jwks};
use crate::oidc::userinfo;
use crate::params::{self, Params};
use crate::profile::{AuthMethod, ParamLocation, Profile};
use crate::revoke::{self, TokenTypeHint};
use crate::secret::Secret;
use crate::token::{self, TokenParsing, TokenSet};

/// The endpoints a client talks to. Set explicitly, discovered, or taken from
/// the profile's defaults.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct Endpoints {
    /// Issuer identifier (checked against `iss` in authorization responses).
    pub issuer: Option<String>,
    /// Authorization endpoint.
    pub authorization: Option<url::Url>,
    /// Token endpoint.
    pub token: Option<url::Url>,
    /// Refresh endpoint, when the provider refreshes elsewhere than the token endpoint.
    pub refresh: Option<url::Url>,
    /// Introspection endpoint.
    pub introspection: Option<url::Url>,
    /// Revocation endpoint.
    pub revocation: Option<url::Url>,
    /// Device authorization endpoint.
    pub device_authorization: Option<url::Url>,
    /// CIBA backchannel authentication endpoint.
    pub backchannel_authentication: Option<url::Url>,
    /// UserInfo endpoint.
    pub userinfo: Option<url::Url>,
    /// The profile's token validation endpoint.
    pub validate: Option<url::Url>,
    /// Pushed authorization request endpoint (RFC 9126).
    pub par: Option<url::Url>,
    /// The OpenID provider's key set (`jwks_uri`), for ID tokens and signed UserInfo.
    pub jwks: Option<url::Url>,
    /// RP-initiated logout (`end_session_endpoint`).
    pub end_session: Option<url::Url>,
}

/// The sans-IO OAuth client. Cheap to clone (the profile is shared).
#[derive(Clone, Debug)]
pub struct OAuthClient {
    client_id: String,
    creds: ClientCredentials,
    auth_method: AuthMethod,
    profile: Arc<Profile>,
    endpoints: Endpoints,
    redirect_uri: Option<String>,
    scope: Option<String>,
    assertion_audience: Option<String>,
    require_issuer: bool,
    resources: Vec<String>,
    /// Rich authorization request details (RFC 9396), checked: see [`crate::rar`].
    authorization_details: Option<serde_json::Value>,
    /// Authorization requests go as signed request objects (RFC 9101).
    request_object: bool,
    /// The FAPI 2.0 preset is on ([`crate::fapi`]).
    fapi2: bool,
    /// `response_mode` sent with every authorization request (JARM when a
    /// `*.jwt` mode, see [`crate::jarm`]).
    response_mode: Option<String>,
    /// The algorithms a JARM response may be signed with.
    jarm_algorithms: Vec<JwsAlg>,
    /// The client uses mutual TLS towards this server (RFC 8705 §5; see
    /// [`crate::mtls::uses_mtls`]): the metadata's mTLS aliases are in use.
    mtls: bool,
    /// Plain `http://` allowed off loopback (the caller's explicit opt-out).
    pub(crate) allow_insecure_http: bool,
    /// The HTTP Basic header, encoded once (it never changes).
    basic_header: Option<Secret>,
    /// The provider's keys given by the caller (never refetched).
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))] // read by the async client only
    static_jwks: Option<Arc<Jwks>>,
    /// The algorithms ID tokens and signed UserInfo may use.
    id_token_algorithms: Vec<JwsAlg>,
    /// Tolerance for `exp`, `iat`, `nbf`, `auth_time`.
    clock_skew: Duration,
    /// `max_age` sent with every authorization request (seconds).
    max_age: Option<u64>,
    /// UserInfo requests are POSTs (OpenID Connect Core §5.3.1 allows GET or POST).
    userinfo_post: bool,
    /// This client's DPoP key (RFC 9449), when DPoP is on.
    dpop: Option<DpopKey>,
    /// Whether authorization requests carry `dpop_jkt` (when DPoP is on).
    dpop_jkt: bool,
    /// The last DPoP nonce of each server, shared by clones.
    dpop_nonces: Nonces,
}

/// Builds an [`OAuthClient`]; see [`OAuthClient::builder`].
#[derive(Debug, Default)]
pub struct OAuthClientBuilder {
    client_id: String,
    creds: ClientCredentials,
    auth_method: Option<AuthMethod>,
    profile: Option<Profile>,
    urls: Vec<(&'static str, String)>,
    issuer: Option<String>,
    metadata: Option<ServerMetadata>,
    base_url: Option<String>,
    redirect_uri: Option<String>,
    scope: Option<String>,
    assertion_audience: Option<String>,
    allow_insecure_http: bool,
    resources: Vec<String>,
    authorization_details: Option<String>,
    request_object: bool,
    fapi2: bool,
    response_mode: Option<String>,
    jwks_json: Option<String>,
    id_token_alg: Option<String>,
    clock_skew: Option<Duration>,
    max_age: Option<Duration>,
    userinfo_post: bool,
    dpop: Option<bool>,
    dpop_key: Option<DpopKey>,
    dpop_key_pem: Option<Secret>,
    dpop_key_jwk: Option<Secret>,
    dpop_algorithm: Option<String>,
    dpop_jkt: Option<bool>,
}

macro_rules! url_setter {
    ($($(#[$doc:meta])* $name:ident => $key:literal),* $(,)?) => {
        $($(#[$doc])* pub fn $name(mut self, url: impl Into<String>) -> Self {
            self.urls.push(($key, url.into()));
            self
        })*
    };
}

impl OAuthClientBuilder {
    /// The client secret (used by `client_secret_basic`, `_post` and `_jwt`).
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.creds.secret = Some(secret.into());
        self
    }

    /// The private key for `private_key_jwt`.
    pub fn private_key(mut self, key: SigningKey) -> Self {
        self.creds.key = Some(key);
        self
    }

    /// Whether the transport presents a TLS client certificate (RFC 8705;
    /// [`crate::HttpOptions::client_certificate`], which
    /// [`crate::Client::with_options`] then requires). It allows
    /// `tls_client_auth` / `self_signed_tls_client_auth`, makes the metadata's
    /// `mtls_endpoint_aliases` used when the client authenticates by
    /// certificate or the server binds tokens to certificates, and under
    /// [`Self::fapi2`] sender-constrains tokens instead of DPoP. See [`crate::mtls`].
    pub fn client_certificate(mut self, present: bool) -> Self {
        self.creds.certificate = present;
        self
    }

    /// The client authentication method; by default it follows the credentials
    /// and the profile. It is never guessed by retrying: a failure is reported as it is.
    pub fn auth_method(mut self, method: AuthMethod) -> Self {
        self.auth_method = Some(method);
        self
    }

    /// The provider profile (default: RFC 6749).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    url_setter! {
        /// Authorization endpoint URL.
        authorization_url => "authorization",
        /// Token endpoint URL.
        token_url => "token",
        /// Refresh endpoint URL (when not the token endpoint).
        refresh_url => "refresh",
        /// Introspection endpoint URL.
        introspection_url => "introspection",
        /// Revocation endpoint URL.
        revocation_url => "revocation",
        /// Device authorization endpoint URL.
        device_authorization_url => "device_authorization",
        /// CIBA backchannel authentication endpoint URL.
        backchannel_authentication_url => "backchannel_authentication",
        /// UserInfo endpoint URL.
        userinfo_url => "userinfo",
        /// Token validation endpoint URL (profiles with a validation endpoint).
        validate_url => "validate",
        /// Pushed authorization request endpoint URL (RFC 9126).
        par_url => "par",
        /// The OpenID provider's JWKS URL (`jwks_uri`; taken from discovery
        /// metadata otherwise). With it, ID tokens are validated
        /// automatically: see [`crate::oidc`].
        jwks_uri => "jwks",
        /// The OpenID provider's end-session URL for RP-initiated logout
        /// (`end_session_endpoint`; taken from discovery metadata otherwise).
        end_session_url => "end_session",
    }

    /// The provider's signing keys as a JWKS document (`{"keys":[…]}`), for
    /// providers without a `jwks_uri` or to pin keys: used instead of
    /// fetching, never refetched. A document that is not a JWKS fails
    /// [`OAuthClientBuilder::build`] with [`Error::Config`].
    pub fn jwks_json(mut self, jwks: impl Into<String>) -> Self {
        self.jwks_json = Some(jwks.into());
        self
    }

    /// The one algorithm the provider signs this client's ID tokens (and
    /// signed UserInfo) with (`RS256`, `PS256`, `ES256`, `EdDSA`…; the
    /// registration's `id_token_signed_response_alg`). Default: the
    /// metadata's `id_token_signing_alg_values_supported`, or `RS256` (the
    /// specification's default). `none` and HMAC (`HS256`…) are refused.
    pub fn id_token_signed_response_alg(mut self, alg: impl Into<String>) -> Self {
        self.id_token_alg = Some(alg.into());
        self
    }

    /// The tolerance between this machine's clock and the provider's when
    /// checking `exp`, `iat`, `nbf` and `auth_time` (default 60 s).
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = Some(skew);
        self
    }

    /// OpenID Connect `max_age`: sent with every authorization request (an
    /// authorization request's own `max_age` parameter wins), and the ID
    /// token's `auth_time` must then be no older (whole seconds).
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = Some(max_age);
        self
    }

    /// Send UserInfo requests as `POST` (an empty form body, the access token
    /// still in the `Authorization` header) instead of `GET`, for providers
    /// that accept only POST there (OpenID Connect Core §5.3.1 allows both).
    pub fn userinfo_post(mut self, post: bool) -> Self {
        self.userinfo_post = post;
        self
    }

    /// DPoP (RFC 9449): with `true`, every token request (every grant,
    /// refresh, PAR) carries a `DPoP` proof, the answer's `token_type` must
    /// be `DPoP`, authorization requests carry `dpop_jkt`, and the token sets
    /// keep the key (stores save it with them). The key is the one given with
    /// [`Self::dpop_key_pem`], [`Self::dpop_key_jwk`] or [`Self::dpop_key`],
    /// else one generated when the client is built ([`Self::dpop_algorithm`],
    /// ES256 by default) — kept for the client's life only, so a code flow
    /// that ends in another process, or tokens refreshed by a client that
    /// did not issue them, need a given key or the key of the stored token
    /// set (which a refresh uses). Any other DPoP setter turns DPoP on;
    /// `false` turns it off whatever they say.
    pub fn dpop(mut self, on: bool) -> Self {
        self.dpop = Some(on);
        self
    }

    /// The DPoP key as a PEM private key (PKCS#8 P-256, Ed25519 or RSA; SEC1;
    /// PKCS#1). A key that cannot be read fails [`Self::build`] with
    /// [`Error::Config`]. Turns DPoP on.
    pub fn dpop_key_pem(mut self, pem: impl Into<Secret>) -> Self {
        self.dpop_key_pem = Some(pem.into());
        self
    }

    /// The DPoP key as a private JWK (EC P-256, OKP Ed25519, RSA). Turns DPoP on.
    pub fn dpop_key_jwk(mut self, jwk: impl Into<Secret>) -> Self {
        self.dpop_key_jwk = Some(jwk.into());
        self
    }

    /// The DPoP key, already read. Turns DPoP on.
    pub fn dpop_key(mut self, key: DpopKey) -> Self {
        self.dpop_key = Some(key);
        self
    }

    /// The DPoP proof algorithm: of the generated key (`ES256`, the default,
    /// or `EdDSA`), or, for a given RSA key, `RS256` (its default) or
    /// `PS256`/`RS384`/…; a P-256 key signs only ES256, Ed25519 only EdDSA.
    /// Turns DPoP on.
    pub fn dpop_algorithm(mut self, alg: impl Into<String>) -> Self {
        self.dpop_algorithm = Some(alg.into());
        self
    }

    /// Whether authorization requests (and PAR) carry `dpop_jkt`, the key's
    /// thumbprint, binding the authorization code to the key (RFC 9449 §10).
    /// Default: yes when DPoP is on. Without DPoP, add it yourself with
    /// [`AuthorizeOptions::extra`] and [`DpopKey::thumbprint`].
    pub fn dpop_jkt(mut self, on: bool) -> Self {
        self.dpop_jkt = Some(on);
        self
    }

    /// The issuer identifier (RFC 9207 `iss` check, default JWT audience).
    pub fn issuer(mut self, issuer: impl Into<String>) -> Self {
        self.issuer = Some(issuer.into());
        self
    }

    /// Endpoints from discovered metadata (explicit URLs still win).
    pub fn metadata(mut self, metadata: ServerMetadata) -> Self {
        self.metadata = Some(metadata);
        self
    }

    /// Moves the profile's default endpoints to another origin, keeping their
    /// paths: `https://api.provider/v2/oauth/token` with base
    /// `http://127.0.0.1:8080/deskera-v2` becomes `http://127.0.0.1:8080/deskera-v2/v2/oauth/token`.
    /// For staging hosts and test servers.
    pub fn base_url(mut self, base: impl Into<String>) -> Self {
        self.base_url = Some(base.into());
        self
    }

    /// Default redirect URI.
    pub fn redirect_uri(mut self, uri: impl Into<String>) -> Self {
        self.redirect_uri = Some(uri.into());
        self
    }

    /// Default scope (space-separated).
    pub fn scope(mut self, scope: impl Into<String>) -> Self {
        self.scope = Some(scope.into());
        self
    }

    /// A resource indicator (RFC 8707), sent with authorization and token
    /// requests; call again for several.
    pub fn resource(mut self, uri: impl Into<String>) -> Self {
        self.resources.push(uri.into());
        self
    }

    /// Rich authorization requests (RFC 9396): `authorization_details` as
    /// JSON text, an array of objects with a `type` each, e.g.
    /// `[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"12.00"}}]`.
    /// Sent with the requests that ask for a new authorization (authorization
    /// URL, PAR, device and CIBA requests, and the token requests of grants
    /// without a front channel; see [`crate::rar`]). Text that is not such an
    /// array fails [`Self::build`] with [`Error::Config`].
    pub fn authorization_details(mut self, json: impl Into<String>) -> Self {
        self.authorization_details = Some(json.into());
        self
    }

    /// The FAPI 2.0 Security Profile's client side in one switch (see
    /// [`crate::fapi`]): `private_key_jwt` (a key is required; shared secrets
    /// refused), DPoP on, authorization requests by PAR only (a PAR endpoint
    /// is required), PKCE S256 always, `iss` checked, no implicit grant.
    /// What the profile forbids fails [`Self::build`] or the request with
    /// [`Error::Config`], naming the rule.
    pub fn fapi2(mut self, on: bool) -> Self {
        self.fapi2 = on;
        self
    }

    /// JWT-secured authorization requests (RFC 9101): the authorization URL
    /// (and PAR) carries its parameters in a request object signed with the
    /// client's private key ([`Self::private_key`]), `aud` the issuer
    /// ([`Self::issuer`] or discovery); see [`crate::jar`]. Without a key or
    /// an issuer, [`Self::build`] fails with [`Error::Config`].
    pub fn request_object(mut self, on: bool) -> Self {
        self.request_object = on;
        self
    }

    /// The `response_mode` of authorization requests: `query`, `fragment`,
    /// `form_post`, or a JWT Secured Authorization Response Mode (JARM)
    /// one — `jwt`, `query.jwt`, `fragment.jwt`, `form_post.jwt` — with
    /// which the response must come back as a JWT signed by the provider,
    /// validated before its code is used (see [`crate::jarm`]). A JARM mode
    /// needs the issuer and the provider's keys (`jwks_uri`, `jwks_json` or
    /// discovery), or [`Self::build`] fails with [`Error::Config`].
    pub fn response_mode(mut self, mode: impl Into<String>) -> Self {
        self.response_mode = Some(mode.into());
        self
    }

    /// The `aud` of client assertions (default: the token endpoint URL).
    pub fn assertion_audience(mut self, aud: impl Into<String>) -> Self {
        self.assertion_audience = Some(aud.into());
        self
    }

    /// Allows plain `http://` endpoints that are not loopback. Off by default:
    /// credentials and tokens must not cross a network in clear text.
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// Checks the configuration and builds the client.
    pub fn build(mut self) -> Result<OAuthClient> {
        if self.client_id.trim().is_empty() {
            return Err(Error::config("client_id must not be empty"));
        }
        if self.fapi2 {
            self.dpop = Some(crate::fapi::dpop(self.dpop, self.creds.certificate)?);
            self.auth_method = Some(crate::fapi::auth_method(
                self.auth_method,
                self.creds.key.is_some(),
                self.creds.certificate,
            )?);
        }
        let dpop = self.configured_dpop_key()?;
        let profile = self.profile.unwrap_or_default();
        let auth_method = self
            .auth_method
            .unwrap_or_else(|| self.creds.default_method(profile.client_auth));
        self.creds.check(auth_method)?;

        let mtls =
            crate::mtls::uses_mtls(auth_method, self.creds.certificate, self.metadata.as_ref());
        let metadata = self
            .metadata
            .take()
            .map(|m| crate::mtls::apply_aliases(m, mtls));
        let meta = metadata.as_ref();
        let rebase = |u: &Option<String>| -> Result<Option<String>> {
            match (u, &self.base_url) {
                (Some(u), Some(base)) => Ok(Some(rebase_url(u, base)?)),
                (u, _) => Ok(u.clone()),
            }
        };
        let explicit = |key: &str| {
            self.urls
                .iter()
                .rev()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        let pick = |key: &str,
                    from_meta: Option<&Option<String>>,
                    from_profile: Result<Option<String>>|
         -> Result<Option<url::Url>> {
            let chosen = explicit(key)
                .or_else(|| from_meta.and_then(|m| m.clone()))
                .map(Ok)
                .or_else(|| from_profile.transpose())
                .transpose()?;
            chosen
                .map(|u| check_endpoint(key, &u, self.allow_insecure_http))
                .transpose()
        };
        let pe = &profile.endpoints;
        let endpoints = Endpoints {
            issuer: self
                .issuer
                .clone()
                .or_else(|| meta.map(|m| m.issuer.clone())),
            authorization: pick(
                "authorization",
                meta.map(|m| &m.authorization_endpoint),
                rebase(&pe.authorization),
            )?,
            token: pick("token", meta.map(|m| &m.token_endpoint), rebase(&pe.token))?,
            refresh: pick("refresh", None, rebase(&profile.refresh.endpoint))?,
            introspection: pick(
                "introspection",
                meta.map(|m| &m.introspection_endpoint),
                rebase(&pe.introspection),
            )?,
            revocation: pick(
                "revocation",
                meta.map(|m| &m.revocation_endpoint),
                rebase(&pe.revocation),
            )?,
            device_authorization: pick(
                "device_authorization",
                meta.map(|m| &m.device_authorization_endpoint),
                rebase(&pe.device_authorization),
            )?,
            backchannel_authentication: pick(
                "backchannel_authentication",
                meta.map(|m| &m.backchannel_authentication_endpoint),
                Ok(None),
            )?,
            userinfo: pick("userinfo", meta.map(|m| &m.userinfo_endpoint), Ok(None))?,
            par: pick(
                "par",
                meta.map(|m| &m.pushed_authorization_request_endpoint),
                Ok(None),
            )?,
            validate: pick(
                "validate",
                None,
                rebase(&profile.validate.as_ref().and_then(|v| v.url.clone())),
            )?,
            jwks: pick("jwks", meta.map(|m| &m.jwks_uri), Ok(None))?,
            end_session: pick(
                "end_session",
                meta.map(|m| &m.end_session_endpoint),
                Ok(None),
            )?,
        };
        let static_jwks = self
            .jwks_json
            .as_deref()
            .map(Jwks::from_json)
            .transpose()?
            .map(Arc::new);
        let authorization_details = self
            .authorization_details
            .as_deref()
            .map(crate::rar::parse)
            .transpose()?;
        if self.fapi2 && endpoints.par.is_none() {
            return Err(crate::fapi::par_required());
        }
        if self.request_object {
            if self.creds.key.is_none() {
                return Err(Error::config(
                    "request_object needs the client's private key (private_key_pem or \
                     private_key_jwk): RFC 9101 request objects are signed with it",
                ));
            }
            if endpoints.issuer.is_none() {
                return Err(Error::config(
                    "request_object needs the issuer (issuer, or discovery): it is the \
                     request object's audience (RFC 9101 §4)",
                ));
            }
        }
        if let Some(mode) = &self.response_mode {
            crate::jarm::check_mode(mode)?;
            if crate::jarm::is_jarm(mode) {
                if endpoints.issuer.is_none() {
                    return Err(Error::config(
                        "a JARM response_mode needs the issuer (issuer, or discovery): the \
                         response's `iss` must be it",
                    ));
                }
                if static_jwks.is_none() && endpoints.jwks.is_none() {
                    return Err(Error::config(
                        "a JARM response_mode needs the provider's keys (jwks_uri, jwks_json, \
                         or discovery): the response is a JWT signed with them",
                    ));
                }
            }
        }
        let jarm_algorithms = crate::jarm::algorithms(
            meta.and_then(|m| m.extra.get("authorization_signing_alg_values_supported")),
        );
        let id_token_algorithms = id_token_algorithms(
            self.id_token_alg.as_deref(),
            meta.map(|m| m.id_token_signing_alg_values_supported.as_slice()),
        )?;
        let basic_header = self.creds.secret.as_ref().map(|secret| {
            Secret::new(client_auth::basic_header(
                &self.client_id,
                secret.expose(),
                profile.basic_encoding,
            ))
        });
        Ok(OAuthClient {
            basic_header,
            client_id: self.client_id,
            creds: self.creds,
            auth_method,
            require_issuer: self.fapi2
                || meta.is_some_and(|m| m.authorization_response_iss_parameter_supported),
            profile: Arc::new(profile),
            endpoints,
            redirect_uri: self.redirect_uri,
            scope: self.scope,
            assertion_audience: self.assertion_audience,
            resources: self.resources,
            authorization_details,
            request_object: self.request_object,
            fapi2: self.fapi2,
            response_mode: self.response_mode,
            jarm_algorithms,
            mtls,
            allow_insecure_http: self.allow_insecure_http,
            static_jwks,
            id_token_algorithms,
            clock_skew: self.clock_skew.unwrap_or(id_token::DEFAULT_CLOCK_SKEW),
            max_age: self.max_age.map(|d| d.as_secs()),
            userinfo_post: self.userinfo_post,
            dpop_jkt: dpop.is_some() && self.dpop_jkt.unwrap_or(true),
            dpop,
            dpop_nonces: Nonces::default(),
        })
    }

    /// The DPoP key the configuration asks for, if any.
    fn configured_dpop_key(&self) -> Result<Option<DpopKey>> {
        let given = if let Some(k) = &self.dpop_key {
            Some(k.clone())
        } else if let Some(pem) = &self.dpop_key_pem {
            Some(DpopKey::from_pem(pem.expose())?)
        } else if let Some(jwk) = &self.dpop_key_jwk {
            Some(DpopKey::from_jwk(jwk.expose())?)
        } else {
            None
        };
        let wanted = self
            .dpop
            .unwrap_or(given.is_some() || self.dpop_algorithm.is_some());
        if !wanted {
            return Ok(None);
        }
        let alg = self.dpop_algorithm.as_deref();
        match (given, alg) {
            (Some(k), Some(alg)) => k.with_algorithm(alg).map(Some),
            (Some(k), None) => Ok(Some(k)),
            (None, alg) => {
                DpopKey::generate_with(alg.unwrap_or(crate::dpop::DEFAULT_ALGORITHM)).map(Some)
            }
        }
    }
}

/// The algorithms an ID token may be signed with: the configured one, else
/// the metadata's list (unusable entries skipped), else RS256. Never `none`,
/// never HMAC.
fn id_token_algorithms(
    configured: Option<&str>,
    advertised: Option<&[String]>,
) -> Result<Vec<JwsAlg>> {
    let usable = |name: &str| JwsAlg::from_name(name).filter(|a| !a.is_hmac());
    if let Some(name) = configured {
        return usable(name).map(|a| vec![a]).ok_or_else(|| {
            Error::config(format!(
                "id_token_signed_response_alg {name:?} is not supported (RS256/384/512, PS256/384/512, ES256/384/512, EdDSA)"
            ))
        });
    }
    match advertised {
        Some(list) if !list.is_empty() => Ok(list.iter().filter_map(|n| usable(n)).collect()),
        _ => Ok(vec![JwsAlg::Jwt(jsonwebtoken::Algorithm::RS256)]),
    }
}

/// Replaces a URL's origin by `base` (which may carry a path prefix).
fn rebase_url(url: &str, base: &str) -> Result<String> {
    let u = url::Url::parse(url)
        .map_err(|e| Error::config(format!("invalid profile URL {url:?}: {e}")))?;
    let mut out = base.trim_end_matches('/').to_string();
    out.push_str(u.path());
    if let Some(q) = u.query() {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// Parses an endpoint URL and applies the transport-security rule
/// ([`crate::http::check_secure`]) early, so a bad configuration fails at
/// build time; the same rule runs again on every request sent.
fn check_endpoint(name: &str, raw: &str, allow_insecure: bool) -> Result<url::Url> {
    let u = url::Url::parse(raw)
        .map_err(|e| Error::config(format!("invalid {name} endpoint {raw:?}: {e}")))?;
    crate::http::check_secure(&u, allow_insecure).map_err(|e| match e {
        Error::ConfigHint(h) => Error::hint(h.in_context(&format!("{name} endpoint"))),
        e => Error::config(format!("{name} endpoint: {e}")),
    })?;
    Ok(u)
}

impl OAuthClient {
    /// Starts a configuration.
    pub fn builder(client_id: impl Into<String>) -> OAuthClientBuilder {
        OAuthClientBuilder {
            client_id: client_id.into(),
            ..Default::default()
        }
    }

    /// The client id.
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The profile in use.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The endpoints in use.
    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// Refuses a request that would send clear-text HTTP off loopback while
    /// this client does not allow it: the check every request goes through
    /// before [`crate::Client`] sends it (call it yourself with your own HTTP stack).
    pub fn check_request(&self, request: &HttpRequest) -> Result<()> {
        crate::http::check_secure(&request.url, self.allow_insecure_http)
    }

    /// The client authentication method in use.
    pub fn auth_method(&self) -> AuthMethod {
        self.auth_method
    }

    /// Whether the transport must present a TLS client certificate: one was
    /// declared ([`OAuthClientBuilder::client_certificate`]) or the
    /// authentication method needs one.
    pub fn needs_client_certificate(&self) -> bool {
        self.creds.certificate || crate::mtls::is_tls_method(self.auth_method)
    }

    /// Whether the client uses mutual TLS towards this server, so the
    /// metadata's `mtls_endpoint_aliases` are its endpoints (RFC 8705 §5).
    pub fn uses_mtls(&self) -> bool {
        self.mtls
    }

    /// The default scope.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The endpoint, or a configuration error naming the `option` that sets
    /// it (and discovery, which finds it).
    fn endpoint<'a>(
        &self,
        url: &'a Option<url::Url>,
        name: &str,
        option: &'static str,
    ) -> Result<&'a url::Url> {
        url.as_ref()
            .ok_or_else(|| Error::hint(crate::config_hint::missing_endpoint(name, option)))
    }

    /// The authorization URL to send the user to, and what to keep until the redirect.
    pub fn authorization_url(&self, opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        if self.fapi2 {
            return Err(crate::fapi::front_channel_refused());
        }
        self.front_channel_request(opts)
    }

    /// The authorization request's URL with every parameter: what
    /// [`OAuthClient::authorization_url`] returns and PAR sends.
    fn front_channel_request(&self, mut opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        if self.fapi2 {
            opts = crate::fapi::authorize_options(opts)?;
        }
        if !opts.extra.iter().any(|(k, _)| k == "resource") {
            opts.extra.extend(
                self.resources
                    .iter()
                    .map(|r| ("resource".to_string(), r.clone())),
            );
        }
        if opts.authorization_details.is_none()
            && !opts.extra.iter().any(|(k, _)| k == crate::rar::PARAM)
        {
            opts.authorization_details = self.authorization_details.clone();
        }
        if let Some(mode) = &self.response_mode {
            if !opts.extra.iter().any(|(k, _)| k == "response_mode") {
                opts.extra.push(("response_mode".to_string(), mode.clone()));
            }
        }
        if let (true, Some(key)) = (self.dpop_jkt, &self.dpop) {
            if !opts.extra.iter().any(|(k, _)| k == "dpop_jkt") {
                opts.extra
                    .push(("dpop_jkt".to_string(), key.thumbprint().to_string()));
            }
        }
        let ep = self.endpoint(
            &self.endpoints.authorization,
            "authorization",
            "authorization_url",
        )?;
        let shape = &self.profile.authorize;
        self.check_redirect_uri(&opts, shape.redirect_uri)?;
        let mut request = authorize::build(
            ep,
            &self.client_id,
            opts,
            self.scope.as_deref(),
            self.redirect_uri.as_deref(),
            shape.pkce,
            shape.redirect_uri,
            &shape.extra,
            self.endpoints.issuer.as_deref(),
            self.require_issuer,
            self.max_age,
        )?;
        if let (true, Some(key), Some(issuer)) = (
            self.request_object,
            &self.creds.key,
            self.endpoints.issuer.as_deref(),
        ) {
            crate::jar::secure(
                &mut request.url,
                key,
                &self.client_id,
                issuer,
                SystemTime::now(),
            )?;
        }
        Ok(request)
    }

    /// Whether authorization requests go as signed request objects (RFC 9101).
    pub fn uses_request_objects(&self) -> bool {
        self.request_object
    }

    /// Whether the FAPI 2.0 preset is on ([`crate::fapi`]).
    pub fn is_fapi2(&self) -> bool {
        self.fapi2
    }

    /// OpenID Connect requires `redirect_uri` in an authentication request
    /// (Core §3.1.2.1); without one the provider refuses it, or worse, shows
    /// the user an error page the application never sees. Plain OAuth 2.0
    /// lets a client with one registered redirect URI leave it out, so only
    /// an `openid` request (in a profile that sends `redirect_uri`) is refused here.
    fn check_redirect_uri(&self, opts: &AuthorizeOptions, profile_sends_it: bool) -> Result<()> {
        let scope = opts.scope.as_deref().or(self.scope.as_deref());
        let openid = scope.is_some_and(|s| s.split(' ').any(|x| x == "openid"));
        if profile_sends_it && openid && opts.redirect_uri.is_none() && self.redirect_uri.is_none()
        {
            return Err(Error::hint(crate::ConfigHint::new(
                "no redirect URI configured (OpenID Connect requires one)",
                "set",
                &["redirect_uri"],
            )));
        }
        Ok(())
    }

    /// A pushed authorization request (RFC 9126): the parameters of
    /// [`OAuthClient::authorization_url`] sent to the PAR endpoint with client
    /// authentication. Send it, then call [`OAuthClient::par_authorization_url`].
    pub fn par_request(
        &self,
        opts: AuthorizeOptions,
    ) -> Result<(HttpRequest, PendingAuthorization)> {
        self.par_request_at(opts, SystemTime::now())
    }

    /// [`OAuthClient::par_request`] with the time for its DPoP proof.
    pub fn par_request_at(
        &self,
        opts: AuthorizeOptions,
        now: SystemTime,
    ) -> Result<(HttpRequest, PendingAuthorization)> {
        let ep = self.endpoint(
            &self.endpoints.par,
            "pushed authorization request",
            "par_url",
        )?;
        let front = self.front_channel_request(opts)?;
        let mut params = Params::new();
        for (k, v) in front.url.query_pairs() {
            params.push(k.into_owned(), v.into_owned());
        }
        let req = self.authed_request(
            ep,
            ParamLocation::Form,
            params,
            self.auth_method,
            |mut p| {
                // client_id is an authorization parameter and maybe an auth parameter: send it once.
                let id = p.get("client_id").map(str::to_string);
                if let Some(id) = id {
                    p.remove("client_id");
                    p.push("client_id", id);
                }
                p
            },
        )?;
        let mut req = req;
        if let Some(key) = &self.dpop {
            self.add_token_proof(&mut req, key, now)?;
        }
        Ok((req, front.pending))
    }

    /// Reads the PAR answer and builds the URL to send the user to
    /// (`client_id` and `request_uri` only).
    pub fn par_authorization_url(&self, resp: &HttpResponse) -> Result<url::Url> {
        if let (Some(_), Some(ep)) = (&self.dpop, &self.endpoints.par) {
            self.dpop_nonces
                .remember(NonceScope::AuthorizationServer, ep, resp);
        }
        if resp.status != 201 && resp.status != 200 {
            return Err(token::error_from(resp, &self.profile.errors));
        }
        let request_uri = token::body_object(resp)
            .and_then(|o| {
                o.get("request_uri")
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            })
            .ok_or_else(|| {
                Error::invalid(resp.status, "PAR answer without `request_uri`", &resp.body)
            })?;
        let mut url = self
            .endpoint(
                &self.endpoints.authorization,
                "authorization",
                "authorization_url",
            )?
            .clone();
        url.query_pairs_mut()
            .append_pair("client_id", &self.client_id)
            .append_pair("request_uri", &request_uri);
        Ok(url)
    }

    /// Verifies a redirect back (state, `iss`, error) and returns the code
    /// exchange grant. A JARM response ([`crate::jarm`]) is validated with
    /// the static keys ([`OAuthClientBuilder::jwks_json`]); without them it
    /// is [`Error::Config`]: use [`crate::Client::exchange_redirect`], or
    /// [`OAuthClient::parse_authorization_response`] with the keys.
    pub fn callback_grant(&self, pending: &PendingAuthorization, redirect: &str) -> Result<Grant> {
        self.parse_authorization_response(redirect, self.static_jwks.as_deref(), SystemTime::now())?
            .into_grant(pending)
    }

    /// Reads a redirect back (a URL, a query or fragment string, or a
    /// `form_post` body): when it is a JARM response (`response=<JWT>`), the
    /// JWT is validated with the provider's `keys` at `now` — signature,
    /// `iss`, `aud`, `exp`, see [`crate::jarm`] — and its claims are the
    /// parameters; any failure is [`Error::InvalidJarmResponse`] naming the
    /// check. Then [`Callback::into_grant`] checks state, `iss`, error (and
    /// refuses a plain response to a JARM request).
    pub fn parse_authorization_response(
        &self,
        redirect: &str,
        keys: Option<&Jwks>,
        now: SystemTime,
    ) -> Result<Callback> {
        let callback = Callback::parse(redirect)?;
        let Some(response) = callback.params.get(crate::jarm::PARAM) else {
            return Ok(callback);
        };
        let keys = keys.ok_or_else(|| {
            Error::config(
                "a JARM response is validated with the provider's keys: use \
                 Client::exchange_redirect, or pass the keys",
            )
        })?;
        crate::jarm::open(response, keys, &self.jarm_verifier()?, now)
    }

    /// Who a JARM response must come from and be for.
    fn jarm_verifier(&self) -> Result<Verifier<'_>> {
        let issuer = self.endpoints.issuer.as_deref().ok_or_else(|| {
            Error::config("validating a JARM response needs the issuer (issuer, or discovery)")
        })?;
        Ok(Verifier {
            issuer,
            client_id: &self.client_id,
            algorithms: &self.jarm_algorithms,
            skew: self.clock_skew,
        })
    }

    /// The `response_mode` this client sends, if any.
    pub fn response_mode(&self) -> Option<&str> {
        self.response_mode.as_deref()
    }

    /// Verifies an implicit-grant redirect and reads its token.
    pub fn implicit_token(
        &self,
        pending: &PendingAuthorization,
        redirect: &str,
    ) -> Result<TokenSet> {
        Callback::parse(redirect)?.into_implicit_token(pending, self.token_parsing(false))
    }

    /// The token request for a grant, shaped by the profile and authenticated;
    /// with DPoP on, it carries a proof signed by this client's key (with
    /// the token endpoint's last nonce, at the system time).
    pub fn token_request(&self, grant: &Grant) -> Result<HttpRequest> {
        self.token_request_with(grant, self.dpop.as_ref(), SystemTime::now())
    }

    /// The endpoint a grant goes to (the refresh endpoint for refreshes, when set).
    fn token_endpoint_for(&self, grant: &Grant) -> Result<&url::Url> {
        match (grant.is_refresh(), &self.endpoints.refresh) {
            (true, Some(r)) => Ok(r),
            _ => self.endpoint(&self.endpoints.token, "token", "token_url"),
        }
    }

    /// [`OAuthClient::token_request`] with a DPoP proof by `dpop_key` made at
    /// `now` (none when `dpop_key` is `None`): to refresh a token set with
    /// the key it is bound to ([`TokenSet::dpop_key`]), or on a clock of
    /// your own.
    ///
    /// A refresh with an empty refresh token is refused here, before anything
    /// is sent: the server could only answer `invalid_request` (or, with some
    /// providers, count it against the client).
    pub fn token_request_with(
        &self,
        grant: &Grant,
        dpop_key: Option<&DpopKey>,
        now: SystemTime,
    ) -> Result<HttpRequest> {
        if let Grant::RefreshToken { refresh_token, .. } = grant {
            if refresh_token.expose().trim().is_empty() {
                return Err(Error::config(
                    "refresh: the refresh token is empty (nothing to send); \
                     use the refresh token from a token response, or authorize again",
                ));
            }
        }
        let refresh = grant.is_refresh();
        let shape = if refresh {
            &self.profile.refresh
        } else {
            &self.profile.token
        };
        let ep = self.token_endpoint_for(grant)?;
        let method = shape.client_auth.unwrap_or(self.auth_method);
        let mut params = grant.params();
        if !params.contains("resource") {
            for r in &self.resources {
                params.push("resource", r);
            }
        }
        if crate::rar::sent_with(grant) {
            self.push_authorization_details(&mut params);
        }
        let mut req =
            self.authed_request(ep, shape.params_in, params, method, |p| p.shaped(shape))?;
        if let Some(key) = dpop_key {
            self.add_token_proof(&mut req, key, now)?;
        }
        Ok(req)
    }

    /// Adds the `DPoP` header of a request to the authorization server.
    fn add_token_proof(&self, req: &mut HttpRequest, key: &DpopKey, now: SystemTime) -> Result<()> {
        let nonce = self
            .dpop_nonces
            .get(NonceScope::AuthorizationServer, &req.url);
        let proof = key.proof(req.method.as_str(), &req.url, None, nonce.as_deref(), now)?;
        req.headers.push(("DPoP".into(), proof));
        Ok(())
    }

    /// This client's DPoP key, when DPoP is on.
    pub fn dpop_key(&self) -> Option<&DpopKey> {
        self.dpop.as_ref()
    }

    /// A DPoP proof by this client's key (RFC 9449 §4.2) for any request:
    /// `htm` `method`, `htu` `url` without query and fragment, `ath` when
    /// `access_token` is given (resource requests), `nonce` when given.
    /// [`Error::Config`] when DPoP is off.
    pub fn dpop_proof(
        &self,
        method: &str,
        url: &url::Url,
        access_token: Option<&str>,
        nonce: Option<&str>,
        now: SystemTime,
    ) -> Result<String> {
        let key = self
            .dpop
            .as_ref()
            .ok_or_else(|| Error::config("DPoP is not configured on this client"))?;
        key.proof(method, url, access_token, nonce, now)
    }

    /// The last DPoP nonce a server gave (per origin; the authorization
    /// server's and resource servers' are kept apart).
    pub fn dpop_nonce(&self, scope: NonceScope, url: &url::Url) -> Option<String> {
        self.dpop_nonces.get(scope, url)
    }

    /// Remembers the `DPoP-Nonce` header of a response from `url`, if any,
    /// for the next proof to that origin. The parsers of this client do it
    /// for token and PAR answers; call it for resource answers when you send
    /// them with your own HTTP stack.
    pub fn remember_dpop_nonce(&self, scope: NonceScope, url: &url::Url, resp: &HttpResponse) {
        self.dpop_nonces.remember(scope, url, resp);
    }

    /// The key a token set must be presented with: its own, else this
    /// client's when the set says `token_type` DPoP; `None` for bearer sets.
    pub(crate) fn dpop_key_for<'a>(&'a self, tokens: &'a TokenSet) -> Result<Option<&'a DpopKey>> {
        match (tokens.dpop_key(), tokens.is_dpop(), &self.dpop) {
            (Some(k), _, _) => Ok(Some(k)),
            (None, true, Some(k)) => Ok(Some(k)),
            (None, true, None) => Err(Error::config(
                "the token set is DPoP-bound (token_type DPoP) but neither it nor this client has a DPoP key",
            )),
            (None, false, _) => Ok(None),
        }
    }

    /// The headers that present `tokens` to a resource server for one
    /// request: for a DPoP-bound set (RFC 9449 §7), `Authorization: DPoP
    /// <token>` and `DPoP: <proof>` (with `ath`, and the resource server's
    /// last nonce); for a bearer set, the profile's header
    /// ([`OAuthClient::authorization_header`]). The proof is made at the
    /// system time; see [`OAuthClient::resource_request_headers_at`].
    pub fn resource_request_headers(
        &self,
        method: &str,
        url: &url::Url,
        tokens: &TokenSet,
    ) -> Result<Vec<(String, String)>> {
        self.resource_request_headers_at(method, url, tokens, SystemTime::now())
    }

    /// [`OAuthClient::resource_request_headers`] with the proof made at `now`.
    pub fn resource_request_headers_at(
        &self,
        method: &str,
        url: &url::Url,
        tokens: &TokenSet,
        now: SystemTime,
    ) -> Result<Vec<(String, String)>> {
        let Some(key) = self.dpop_key_for(tokens)? else {
            return Ok(vec![self.authorization_header(tokens)]);
        };
        let token = tokens.access_token.expose();
        let nonce = self.dpop_nonces.get(NonceScope::Resource, url);
        let proof = key.proof(method, url, Some(token), nonce.as_deref(), now)?;
        Ok(vec![
            ("Authorization".into(), format!("DPoP {token}")),
            ("DPoP".into(), proof),
        ])
    }

    /// Reads a resource server's answer to a request made with
    /// [`OAuthClient::resource_request_headers`] (RFC 9449 §9), sans-IO: the
    /// answer's `DPoP-Nonce` is remembered for its origin (every answer may
    /// carry a new one), and `true` says the request must be sent once more
    /// with new headers — the set is DPoP-bound and the answer is a 401 with
    /// `WWW-Authenticate: DPoP error="use_dpop_nonce"` and a nonce. Send it
    /// again at most once: a second demand is the API's answer. Always
    /// `false` for bearer sets (nothing is remembered for them either).
    pub fn check_resource_response(
        &self,
        url: &url::Url,
        tokens: &TokenSet,
        resp: &HttpResponse,
    ) -> bool {
        if !matches!(self.dpop_key_for(tokens), Ok(Some(_))) {
            return false;
        }
        self.dpop_nonces.remember(NonceScope::Resource, url, resp);
        crate::dpop::resource_nonce_challenge(resp).is_some()
    }

    /// How token answers are read (`refresh` picks the refresh field names).
    pub fn token_parsing(&self, refresh: bool) -> TokenParsing<'_> {
        let p = &*self.profile;
        TokenParsing {
            fields: if refresh {
                p.refresh_fields()
            } else {
                &p.response
            },
            errors: &p.errors,
            success: &p.success_statuses,
            zero_lifetime: p.zero_lifetime,
        }
    }

    /// Parses the answer to [`OAuthClient::token_request`]. A refresh refused
    /// with `invalid_grant` becomes [`Error::ReauthorizationRequired`].
    /// With DPoP on, the answer's `token_type` must be `DPoP` (any case) —
    /// else [`Error::InvalidResponse`]: the server ignored the proof and the
    /// tokens would travel as bearer tokens — the set keeps the key, and a
    /// `DPoP-Nonce` header is remembered.
    pub fn parse_token_response(&self, grant: &Grant, resp: &HttpResponse) -> Result<TokenSet> {
        self.parse_token_response_with(grant, resp, self.dpop.as_ref())
    }

    /// [`OAuthClient::parse_token_response`] for a request made with
    /// [`OAuthClient::token_request_with`] and this `dpop_key`.
    pub fn parse_token_response_with(
        &self,
        grant: &Grant,
        resp: &HttpResponse,
        dpop_key: Option<&DpopKey>,
    ) -> Result<TokenSet> {
        if dpop_key.is_some() {
            if let Ok(ep) = self.token_endpoint_for(grant) {
                self.dpop_nonces
                    .remember(NonceScope::AuthorizationServer, ep, resp);
            }
        }
        let mut set = self.parse_plain_token_response(grant, resp)?;
        if let Some(key) = dpop_key {
            if !set.is_dpop() {
                return Err(Error::invalid(
                    resp.status,
                    format!(
                        "token_type is {:?} but the request carried a DPoP proof: the server did not bind the token (RFC 9449 §5), refusing a bearer token",
                        set.token_type.as_deref().unwrap_or("")
                    ),
                    &[],
                ));
            }
            set.set_dpop_key(Some(key.clone()));
        }
        Ok(set)
    }

    fn parse_plain_token_response(&self, grant: &Grant, resp: &HttpResponse) -> Result<TokenSet> {
        let refresh = grant.is_refresh();
        let mut set = token::parse_token_response(resp, self.token_parsing(refresh)).map_err(
            |e| match e {
                Error::OAuth(o) if refresh && o.error == "invalid_grant" => {
                    Error::ReauthorizationRequired(o)
                }
                e => e,
            },
        )?;
        if let Grant::RefreshToken { refresh_token, .. } = grant {
            if set.refresh_token.is_none() {
                set.refresh_token = Some(refresh_token.clone());
            }
        }
        Ok(set)
    }

    /// The device authorization request (RFC 8628 §3.1), authenticated as configured.
    pub fn device_authorization_request(
        &self,
        scope: Option<&str>,
        extra: &[(&str, &str)],
    ) -> Result<HttpRequest> {
        let ep = self.endpoint(
            &self.endpoints.device_authorization,
            "device authorization",
            "device_authorization_url",
        )?;
        let mut p = Params::new();
        p.push_opt("scope", scope.or(self.scope.as_deref()));
        for (k, v) in extra {
            p.push(*k, *v);
        }
        self.push_authorization_details(&mut p);
        self.authed_request(ep, ParamLocation::Form, p, self.auth_method, |p| p)
    }

    /// Parses the device authorization answer.
    pub fn parse_device_authorization(&self, resp: &HttpResponse) -> Result<DeviceAuthorization> {
        device::parse_device_authorization(resp, &self.profile.errors)
    }

    /// The CIBA backchannel authentication request.
    pub fn ciba_request(&self, request: &CibaRequest) -> Result<HttpRequest> {
        let ep = self.endpoint(
            &self.endpoints.backchannel_authentication,
            "backchannel authentication",
            "backchannel_authentication_url",
        )?;
        let mut params = request.params()?;
        self.push_authorization_details(&mut params);
        self.authed_request(ep, ParamLocation::Form, params, self.auth_method, |p| p)
    }

    /// Adds the client's authorization details (RFC 9396), if it has some
    /// and the request does not carry its own.
    fn push_authorization_details(&self, params: &mut Params) {
        if let Some(d) = &self.authorization_details {
            if !params.contains(crate::rar::PARAM) {
                params.push(crate::rar::PARAM, d.to_string());
            }
        }
    }

    /// The authorization details (RFC 9396) this client sends, if any.
    pub fn authorization_details(&self) -> Option<&serde_json::Value> {
        self.authorization_details.as_ref()
    }

    /// Parses the CIBA answer.
    pub fn parse_ciba(&self, resp: &HttpResponse) -> Result<CibaAuthorization> {
        device::parse_ciba_authorization(resp, &self.profile.errors)
    }

    /// The introspection request (RFC 7662).
    pub fn introspection_request(
        &self,
        token: &str,
        hint: Option<TokenTypeHint>,
    ) -> Result<HttpRequest> {
        let ep = self.endpoint(
            &self.endpoints.introspection,
            "introspection",
            "introspection_url",
        )?;
        let mut p = Params::new();
        p.push("token", token);
        p.push_opt("token_type_hint", hint.map(TokenTypeHint::as_str));
        self.authed_request(ep, ParamLocation::Form, p, self.auth_method, |p| p)
    }

    /// Parses an introspection answer.
    pub fn parse_introspection(&self, resp: &HttpResponse) -> Result<Introspection> {
        introspect::parse_introspection(resp, &self.profile.errors)
    }

    /// The revocation request (RFC 7009).
    pub fn revocation_request(
        &self,
        token: &str,
        hint: Option<TokenTypeHint>,
    ) -> Result<HttpRequest> {
        let ep = self.endpoint(&self.endpoints.revocation, "revocation", "revocation_url")?;
        let mut p = Params::new();
        p.push("token", token);
        p.push_opt("token_type_hint", hint.map(TokenTypeHint::as_str));
        self.authed_request(ep, ParamLocation::Form, p, self.auth_method, |p| p)
    }

    /// Parses a revocation answer.
    pub fn parse_revocation(&self, resp: &HttpResponse) -> Result<()> {
        revoke::parse_revocation(resp, &self.profile.errors)
    }

    /// The header that presents a token to APIs, as the profile says
    /// (`Authorization: Bearer …`, or e.g. `x-access-token: …`).
    pub fn authorization_header(&self, token: &TokenSet) -> (String, String) {
        let p = &self.profile.present;
        let value = if p.scheme.is_empty() {
            token.access_token.expose().to_string()
        } else {
            format!("{} {}", p.scheme, token.access_token.expose())
        };
        (p.header.clone(), value)
    }

    /// Whether this client knows the OpenID provider's keys (a `jwks_uri` or
    /// static keys), and so validates the ID tokens it receives.
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))] // read by the async client only
    pub(crate) fn knows_provider_keys(&self) -> bool {
        self.static_jwks.is_some() || self.endpoints.jwks.is_some()
    }

    /// The keys given with [`OAuthClientBuilder::jwks_json`].
    #[cfg_attr(not(feature = "reqwest"), allow(dead_code))] // read by the async client only
    pub(crate) fn static_jwks(&self) -> Option<&Arc<Jwks>> {
        self.static_jwks.as_ref()
    }

    fn verifier(&self) -> Result<Verifier<'_>> {
        let issuer = self.endpoints.issuer.as_deref().ok_or_else(|| {
            Error::config("validating ID tokens needs the issuer (builder .issuer() or metadata)")
        })?;
        Ok(Verifier {
            issuer,
            client_id: &self.client_id,
            algorithms: &self.id_token_algorithms,
            skew: self.clock_skew,
        })
    }

    /// The GET request for the provider's key set (the configured or
    /// discovered `jwks_uri`); parse the answer with [`crate::oidc::parse_jwks`].
    pub fn jwks_request(&self) -> Result<HttpRequest> {
        Ok(jwks::jwks_request(self.endpoint(
            &self.endpoints.jwks,
            "JWKS",
            "jwks_uri",
        )?))
    }

    /// Validates an ID token (OpenID Connect Core §3.1.3.7) against the
    /// provider's `keys` at time `now`, and returns its claims: signature
    /// (an allowed algorithm, never `none` or HMAC; the key chosen by
    /// `kid`/`kty`/`alg`/`use`), `iss` (this client's issuer), `aud` (contains
    /// the client id; `azp` when several), `sub`, `exp`/`iat`/`nbf` (with the
    /// clock skew), then what `expected` says (nonce, `max_age`, `at_hash`,
    /// `c_hash`, the previous ID token's `iss`/`sub`/`aud`). The first check
    /// that fails is [`Error::InvalidIdToken`], naming it. [`crate::Client`]
    /// calls this for you; use it with your own HTTP stack.
    pub fn validate_id_token(
        &self,
        id_token: &str,
        keys: &Jwks,
        expected: &IdTokenExpectations,
        now: SystemTime,
    ) -> Result<Map<String, Value>> {
        let v = self.verifier()?;
        let to_error = |f: id_token::Failure| Error::InvalidIdToken {
            check: f.check.to_string(),
            reason: f.reason,
        };
        let (alg, claims) =
            id_token::verify_signature(id_token, keys, v.algorithms).map_err(to_error)?;
        id_token::check_id_token_claims(&claims, alg, &v, expected, now).map_err(to_error)?;
        Ok(claims)
    }

    /// The UserInfo request (OpenID Connect Core §5.3.1): a GET (a POST with
    /// an empty form body when [`OAuthClientBuilder::userinfo_post`]) to the
    /// UserInfo endpoint with the access token presented as the profile says
    /// ([`OAuthClient::authorization_header`]), or with a DPoP proof for a
    /// DPoP-bound set ([`OAuthClient::resource_request_headers`]).
    pub fn userinfo_request(&self, tokens: &TokenSet) -> Result<HttpRequest> {
        let ep = self.endpoint(&self.endpoints.userinfo, "userinfo", "userinfo_url")?;
        let method = if self.userinfo_post { "POST" } else { "GET" };
        let mut headers = self
            .resource_request_headers(method, ep, tokens)?
            .into_iter();
        let first = headers
            .next()
            .unwrap_or_else(|| self.authorization_header(tokens));
        let mut req = userinfo::request(ep, first, self.userinfo_post);
        req.headers.extend(headers);
        Ok(req)
    }

    /// Parses a UserInfo answer: a JSON object, or a signed JWT
    /// (`application/jwt`, which needs `keys`: signature, `iss`, `aud` and
    /// `exp` checked as for ID tokens). Its `sub` must be `expected_sub` (the
    /// ID token's) when given; a failed check is [`Error::InvalidUserInfo`].
    pub fn parse_userinfo(
        &self,
        resp: &HttpResponse,
        keys: Option<&Jwks>,
        expected_sub: Option<&str>,
        now: SystemTime,
    ) -> Result<Map<String, Value>> {
        let errors = &self.profile.errors;
        if resp.status != 200 {
            return Err(token::error_from(resp, errors));
        }
        if userinfo::is_jwt(resp) {
            userinfo::parse(resp, errors, &self.verifier()?, keys, expected_sub, now)
        } else {
            let v = Verifier {
                issuer: "",
                client_id: &self.client_id,
                algorithms: &[],
                skew: self.clock_skew,
            };
            userinfo::parse(resp, errors, &v, keys, expected_sub, now)
        }
    }

    /// The profile's validation request for a token.
    pub fn validation_request(&self, token: &TokenSet) -> Result<HttpRequest> {
        let v = self.profile.validate.as_ref().ok_or_else(|| {
            Error::config(format!(
                "profile {} has no validation endpoint",
                self.profile.name
            ))
        })?;
        let ep = self.endpoint(&self.endpoints.validate, "validation", "validate_url")?;
        let method = if v.method.eq_ignore_ascii_case("POST") {
            Method::Post
        } else {
            Method::Get
        };
        let mut req = HttpRequest::new(method, ep.clone());
        let (name, value) = self.authorization_header(token);
        req.headers.push((v.header.clone().unwrap_or(name), value));
        Ok(req)
    }

    /// `Ok(true)` when the validation answer says valid, `Ok(false)` on 401/403,
    /// an error otherwise (a 500 says nothing about the token).
    pub fn parse_validation(&self, resp: &HttpResponse) -> Result<bool> {
        let valid = self
            .profile
            .validate
            .as_ref()
            .map(|v| v.valid_statuses.as_slice())
            .unwrap_or(&[200]);
        if valid.contains(&resp.status) {
            Ok(true)
        } else if resp.status == 401 || resp.status == 403 {
            Ok(false)
        } else {
            Err(token::error_from(resp, &self.profile.errors))
        }
    }

    /// Hides from an error every secret this client knows of: its client
    /// secret and encoded Basic credentials, every credential, token, code or
    /// verifier that `request` carried (body, query, authorization headers),
    /// in the encodings a server echoes them in, and the values of the
    /// profile's own token fields. Errors parsed from a response already have
    /// the values of secret-bearing keys redacted; this also catches a secret
    /// echoed anywhere else (a 500 that prints the request it got).
    /// [`crate::Client`] applies it to every error of every request; call it
    /// yourself when you send the requests with your own HTTP stack.
    pub fn redact_error(&self, error: Error, request: &HttpRequest) -> Error {
        let secrets = self.known_secrets(request);
        let secrets: Vec<&str> = secrets.iter().map(|s| s.expose()).collect();
        let keys = self.profile_token_fields();
        error.map_text(&|text| redact_values(&redact_text(text, &keys), &secrets))
    }

    /// The names the profile gives its tokens (`deskera-token`, `accessToken`…).
    fn profile_token_fields(&self) -> Vec<&str> {
        let p = &*self.profile;
        [&p.response, p.refresh_fields()]
            .into_iter()
            .flat_map(|f| [&f.access_token, &f.refresh_token, &f.id_token])
            .map(String::as_str)
            .collect()
    }

    /// The secret values a request carries, plus the client's own.
    fn known_secrets(&self, request: &HttpRequest) -> Vec<Secret> {
        let mut found: Vec<Secret> = self
            .creds
            .secret
            .iter()
            .chain(self.basic_header.iter())
            .cloned()
            .collect();
        let keys = self.profile_token_fields();
        let secret_param = |k: &str| {
            (is_secret_field(k) || keys.contains(&k))
                && !k.ends_with("_type")
                && !matches!(k, "token_type_hint" | "code_challenge_method")
        };
        let body = String::from_utf8_lossy(&request.body);
        let form = url::form_urlencoded::parse(body.as_bytes());
        for (k, v) in form.chain(request.url.query_pairs()) {
            if secret_param(&k) {
                found.push(Secret::new(v.into_owned()));
            }
        }
        if let Ok(serde_json::Value::Object(map)) = serde_json::from_slice(&request.body) {
            for (k, v) in map {
                if let (true, serde_json::Value::String(v)) = (secret_param(&k), v) {
                    found.push(Secret::new(v));
                }
            }
        }
        for (name, value) in &request.headers {
            if crate::http::is_sensitive_header(name) {
                found.push(Secret::new(value.as_str()));
                if let Some((_, credential)) = value.split_once(' ') {
                    found.push(Secret::new(credential));
                }
            }
        }
        found
    }

    /// A POST to `ep` with `params` (shaped by `shape`) and client authentication.
    pub(crate) fn authed_request(
        &self,
        ep: &url::Url,
        location: ParamLocation,
        mut params: Params,
        method: AuthMethod,
        shape: impl FnOnce(Params) -> Params,
    ) -> Result<HttpRequest> {
        let mut headers = Vec::new();
        let token_ep = self.endpoints.token.as_ref().unwrap_or(ep);
        let audience = self
            .assertion_audience
            .as_deref()
            .unwrap_or(token_ep.as_str());
        match (method, &self.basic_header) {
            (AuthMethod::ClientSecretBasic, Some(h)) => {
                headers.push(("Authorization".into(), h.expose().to_string()));
            }
            _ => client_auth::authenticate(
                method,
                &self.client_id,
                &self.creds,
                self.profile.basic_encoding,
                audience,
                &mut params,
                &mut headers,
            )?,
        }
        let mut req = params::post(ep, location, &shape(params))?;
        client_auth::merge_headers(&mut req, headers);
        Ok(req)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(profile: Profile) -> OAuthClient {
        OAuthClient::builder("my client")
            .client_secret("s3cr:t+")
            .profile(profile)
            .token_url("https://as.example/token")
            .authorization_url("https://as.example/authorize")
            .introspection_url("https://as.example/introspect")
            .revocation_url("https://as.example/revoke")
            .redirect_uri("http://127.0.0.1:8765/cb")
            .build()
            .unwrap()
    }

    #[test]
    fn exact_client_credentials_request_basic() {
        let c = client(Profile::rfc6749());
        let req = c
            .token_request(&Grant::client_credentials(Some("read write")))
            .unwrap();
        assert_eq!(req.method, Method::Post);
        assert_eq!(req.url.as_str(), "https://as.example/token");
        assert_eq!(
            req.header("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(req.header("accept"), Some("application/json"));
        assert_eq!(
            req.header("authorization"),
            Some(
                client_auth::basic_header(
                    "my client",
                    "s3cr:t+",
                    crate::profile::BasicEncoding::FormUrlencoded
                )
                .as_str()
            )
        );
        assert_eq!(
            req.body_text(),
            "grant_type=client_credentials&scope=read+write"
        );
    }

    #[test]
    fn exact_post_and_none_requests() {
        let c = OAuthClient::builder("c1")
            .client_secret("s")
            .auth_method(AuthMethod::ClientSecretPost)
            .token_url("https://as.example/token")
            .build()
            .unwrap();
        let g = Grant::Password {
            username: "alice".into(),
            password: "pw".into(),
            scope: None,
        };
        let req = c.token_request(&g).unwrap();
        assert!(req.header("authorization").is_none());
        assert_eq!(
            req.body_text(),
            "grant_type=password&username=alice&password=pw&client_id=c1&client_secret=s"
        );

        let public = OAuthClient::builder("pub")
            .token_url("https://as.example/token")
            .build()
            .unwrap();
        assert_eq!(public.auth_method(), AuthMethod::None);
        let g = Grant::refresh(&"rt".into(), None);
        assert_eq!(
            public.token_request(&g).unwrap().body_text(),
            "grant_type=refresh_token&refresh_token=rt&client_id=pub"
        );
    }

    #[test]
    fn jwt_client_assertions_carry_rfc7523_claims() {
        let c = OAuthClient::builder("jc")
            .client_secret("0123456789abcdef0123456789abcdef")
            .auth_method(AuthMethod::ClientSecretJwt)
            .token_url("https://as.example/token")
            .build()
            .unwrap();
        let req = c.token_request(&Grant::client_credentials(None)).unwrap();
        let body = req.body_text();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let get = |n: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(
            get("client_assertion_type"),
            client_auth::JWT_BEARER_ASSERTION_TYPE
        );
        let jwt = get("client_assertion");
        use base64::Engine;
        let parts: Vec<&str> = jwt.split('.').collect();
        let dec = |s: &str| -> serde_json::Value {
            serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(s)
                    .unwrap(),
            )
            .unwrap()
        };
        assert_eq!(dec(parts[0])["alg"], "HS256");
        let claims = dec(parts[1]);
        assert_eq!(claims["iss"], "jc");
        assert_eq!(claims["sub"], "jc");
        assert_eq!(claims["aud"], "https://as.example/token");
        assert!(claims["jti"].as_str().unwrap().len() >= 32);
        assert!(claims["exp"].as_u64().unwrap() > claims["iat"].as_u64().unwrap());
        // a new assertion for every request
        let again = c
            .token_request(&Grant::client_credentials(None))
            .unwrap()
            .body_text();
        assert_ne!(again, body);
    }

    /// Each configuration error a new user meets names the options that fix
    /// it; Rust callers read the builder method in the message.
    #[test]
    fn configuration_errors_name_their_fix() {
        let hint_of = |e: Error| -> crate::ConfigHint {
            assert_eq!(e.code(), crate::ErrorCode::Config);
            e.config_hint()
                .cloned()
                .unwrap_or_else(|| panic!("no hint: {e}"))
        };
        let e = OAuthClient::builder("c")
            .token_url("http://as.example/token?x=secret")
            .build()
            .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("use HTTPS or OAuthClientBuilder::allow_insecure_http(true)"),
            "{msg}"
        );
        assert!(!msg.contains("secret"), "{msg}");
        assert_eq!(hint_of(e).options(), ["allow_insecure_http"]);

        let bare = OAuthClient::builder("c").build().unwrap();
        let e = bare
            .token_request(&Grant::client_credentials(None))
            .unwrap_err();
        assert!(
            e.to_string().contains("no token endpoint configured; set "),
            "{e}"
        );
        assert_eq!(hint_of(e).options(), ["token_url", "discovery_issuer"]);

        let e = bare
            .authorization_url(AuthorizeOptions::default())
            .unwrap_err();
        assert_eq!(
            hint_of(e).options(),
            ["authorization_url", "discovery_issuer"]
        );

        let oidc = || {
            OAuthClient::builder("c")
                .authorization_url("https://as.example/authorize")
                .scope("openid profile")
        };
        let e = oidc()
            .build()
            .unwrap()
            .authorization_url(AuthorizeOptions::default())
            .unwrap_err();
        assert!(e.to_string().contains("no redirect URI configured"), "{e}");
        assert_eq!(hint_of(e).options(), ["redirect_uri"]);
        let with_uri = oidc()
            .redirect_uri("https://app.example/cb")
            .build()
            .unwrap();
        assert!(
            with_uri
                .authorization_url(AuthorizeOptions::default())
                .is_ok()
        );
        // Plain OAuth 2.0 may leave it to the registration.
        let plain = OAuthClient::builder("c")
            .authorization_url("https://as.example/authorize")
            .build()
            .unwrap();
        assert!(plain.authorization_url(AuthorizeOptions::default()).is_ok());
    }

    #[test]
    fn insecure_endpoints_refused_unless_loopback_or_allowed() {
        let b = || OAuthClient::builder("c");
        assert!(matches!(
            b().token_url("http://as.example/token").build(),
            Err(Error::ConfigHint(_))
        ));
        assert!(b().token_url("http://127.0.0.1:9/token").build().is_ok());
        assert!(b().token_url("http://localhost:9/token").build().is_ok());
        assert!(b().token_url("http://[::1]:9/token").build().is_ok());
        assert!(
            b().token_url("http://as.example/token")
                .allow_insecure_http(true)
                .build()
                .is_ok()
        );
        assert!(matches!(
            b().token_url("ftp://x/").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            b().token_url("not a url").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            OAuthClient::builder("").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            b().auth_method(AuthMethod::PrivateKeyJwt).build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn introspection_and_revocation_requests() {
        let c = client(Profile::rfc6749());
        let r = c
            .introspection_request("tok", Some(TokenTypeHint::AccessToken))
            .unwrap();
        assert_eq!(r.url.as_str(), "https://as.example/introspect");
        assert_eq!(r.body_text(), "token=tok&token_type_hint=access_token");
        assert!(r.header("authorization").is_some());
        let r = c
            .revocation_request("rt", Some(TokenTypeHint::RefreshToken))
            .unwrap();
        assert_eq!(r.url.as_str(), "https://as.example/revoke");
        assert_eq!(r.body_text(), "token=rt&token_type_hint=refresh_token");
    }

    #[test]
    fn refresh_keeps_old_token_and_invalid_grant_means_reauthorize() {
        let c = client(Profile::rfc6749());
        let g = Grant::refresh(&"old".into(), None);
        let t = c
            .parse_token_response(&g, &HttpResponse::json(200, r#"{"access_token":"a"}"#))
            .unwrap();
        assert_eq!(t.refresh_token.unwrap().expose(), "old");
        let e = c
            .parse_token_response(&g, &HttpResponse::json(400, r#"{"error":"invalid_grant"}"#))
            .unwrap_err();
        assert!(matches!(e, Error::ReauthorizationRequired(_)));
        let cc = Grant::client_credentials(None);
        let e = c
            .parse_token_response(
                &cc,
                &HttpResponse::json(400, r#"{"error":"invalid_grant"}"#),
            )
            .unwrap_err();
        assert!(matches!(e, Error::OAuth(_)));
    }

    #[test]
    fn resource_indicators_go_to_authorization_and_token_requests() {
        let c = OAuthClient::builder("c")
            .authorization_url("https://as/authorize")
            .token_url("https://as/token")
            .resource("https://api.a/")
            .resource("https://api.b/")
            .build()
            .unwrap();
        let url = c
            .authorization_url(AuthorizeOptions::default())
            .unwrap()
            .url;
        assert_eq!(
            url.query_pairs().filter(|(k, _)| k == "resource").count(),
            2
        );
        let body = c
            .token_request(&Grant::client_credentials(None))
            .unwrap()
            .body_text();
        assert_eq!(
            body,
            "grant_type=client_credentials&resource=https%3A%2F%2Fapi.a%2F&resource=https%3A%2F%2Fapi.b%2F&client_id=c"
        );
    }

    #[test]
    fn pushed_authorization_request_round_trip() {
        let c = OAuthClient::builder("c1")
            .client_secret("s")
            .auth_method(AuthMethod::ClientSecretPost)
            .authorization_url("https://as/authorize")
            .token_url("https://as/token")
            .par_url("https://as/par")
            .redirect_uri("https://app/cb")
            .build()
            .unwrap();
        let (req, pending) = c.par_request(AuthorizeOptions::default()).unwrap();
        assert_eq!(req.url.as_str(), "https://as/par");
        let body = req.body_text();
        let pairs: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        assert_eq!(
            pairs.iter().filter(|(k, _)| k == "client_id").count(),
            1,
            "{body}"
        );
        assert!(
            pairs
                .iter()
                .any(|(k, v)| k == "state" && pending.state.ct_eq(v))
        );
        assert!(pairs.iter().any(|(k, _)| k == "code_challenge"));
        assert!(pairs.iter().any(|(k, v)| k == "client_secret" && v == "s"));
        let url = c
            .par_authorization_url(&HttpResponse::json(
                201,
                r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":60}"#,
            ))
            .unwrap();
        assert_eq!(
            url.as_str(),
            "https://as/authorize?client_id=c1&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3Aabc"
        );
        assert!(
            c.par_authorization_url(&HttpResponse::json(400, r#"{"error":"invalid_request"}"#))
                .is_err()
        );
    }

    #[test]
    fn dpop_puts_proofs_on_token_and_par_requests_and_jkt_on_authorization() {
        let b = || {
            OAuthClient::builder("c1")
                .client_secret("s")
                .authorization_url("https://as/authorize")
                .token_url("https://as/token")
                .par_url("https://as/par")
                .redirect_uri("https://app/cb")
        };
        let c = b().dpop(true).build().unwrap();
        let key = c.dpop_key().unwrap().clone();
        assert_eq!(key.algorithm(), "ES256");
        let claims = |req: &HttpRequest| -> serde_json::Value {
            use base64::Engine;
            let proof = req.header("dpop").expect("a DPoP header");
            let part = proof.split('.').nth(1).unwrap();
            serde_json::from_slice(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(part)
                    .unwrap(),
            )
            .unwrap()
        };
        for grant in [
            Grant::client_credentials(None),
            Grant::refresh(&"rt".into(), None),
        ] {
            let req = c.token_request(&grant).unwrap();
            let cl = claims(&req);
            assert_eq!(cl["htm"], "POST");
            assert_eq!(cl["htu"], "https://as/token");
            assert!(cl.get("ath").is_none());
        }
        let (par, _) = c.par_request(AuthorizeOptions::default()).unwrap();
        assert_eq!(claims(&par)["htu"], "https://as/par");
        assert!(
            par.body_text()
                .contains(&format!("dpop_jkt={}", key.thumbprint()))
        );
        let url = c
            .authorization_url(AuthorizeOptions::default())
            .unwrap()
            .url;
        assert!(
            url.query_pairs()
                .any(|(k, v)| k == "dpop_jkt" && v == key.thumbprint())
        );
        // a bearer answer to a DPoP request is refused; a DPoP one keeps the key
        let g = Grant::client_credentials(None);
        let e = c
            .parse_token_response(
                &g,
                &HttpResponse::json(200, r#"{"access_token":"a","token_type":"Bearer"}"#),
            )
            .unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidResponse);
        let t = c
            .parse_token_response(
                &g,
                &HttpResponse::json(200, r#"{"access_token":"a","token_type":"dpop"}"#),
            )
            .unwrap();
        assert_eq!(t.dpop_key(), Some(&key));
        // resource headers: DPoP scheme and a proof with ath
        let api = url::Url::parse("https://api/x?y=1").unwrap();
        let h = c.resource_request_headers("PUT", &api, &t).unwrap();
        assert_eq!(h[0], ("Authorization".to_string(), "DPoP a".to_string()));
        let mut r = HttpRequest::new(Method::Get, api.clone());
        r.headers.push(h[1].clone());
        let cl = claims(&r);
        assert_eq!(
            (cl["htm"].as_str(), cl["htu"].as_str()),
            (Some("PUT"), Some("https://api/x"))
        );
        assert_eq!(cl["ath"], crate::dpop::ath("a"));

        // off: no proof, no jkt, bearer presentation
        let plain = b().dpop_algorithm("EdDSA").dpop(false).build().unwrap();
        assert!(plain.dpop_key().is_none());
        assert!(plain.token_request(&g).unwrap().header("dpop").is_none());
        let bearer = TokenSet::bearer("a");
        assert_eq!(
            plain
                .resource_request_headers("GET", &api, &bearer)
                .unwrap(),
            vec![("Authorization".to_string(), "Bearer a".to_string())]
        );
        // a DPoP set without any key cannot be presented
        let mut orphan = TokenSet::bearer("a");
        orphan.token_type = Some("DPoP".into());
        assert!(matches!(
            plain.resource_request_headers("GET", &api, &orphan),
            Err(Error::Config(_))
        ));
        // other key settings
        let ed = b().dpop_algorithm("EdDSA").dpop_jkt(false).build().unwrap();
        assert_eq!(ed.dpop_key().unwrap().algorithm(), "EdDSA");
        assert!(
            !ed.authorization_url(AuthorizeOptions::default())
                .unwrap()
                .url
                .query_pairs()
                .any(|(k, _)| k == "dpop_jkt")
        );
        let given = b()
            .dpop_key_jwk(key.private_jwk().expose())
            .build()
            .unwrap();
        assert_eq!(given.dpop_key(), Some(&key));
        assert!(matches!(
            b().dpop_key_pem("not a key").build(),
            Err(Error::Config(_))
        ));
        assert!(matches!(
            b().dpop_algorithm("RS256").build(),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn resource_nonce_demands_are_read_sans_io_and_the_next_proof_carries_the_nonce() {
        use base64::Engine;
        let c = OAuthClient::builder("c1")
            .client_secret("s")
            .token_url("https://as/token")
            .dpop(true)
            .build()
            .unwrap();
        let g = Grant::client_credentials(None);
        let t = c
            .parse_token_response(
                &g,
                &HttpResponse::json(200, r#"{"access_token":"a","token_type":"DPoP"}"#),
            )
            .unwrap();
        let api = url::Url::parse("https://api.example/v1/items?page=2").unwrap();
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        // The proof's claims after its random jti, byte for byte.
        let after_jti = |h: &[(String, String)]| -> String {
            assert_eq!(h[0], ("Authorization".into(), "DPoP a".into()));
            assert_eq!(h[1].0, "DPoP");
            let part = h[1].1.split('.').nth(1).unwrap();
            let raw = String::from_utf8(
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(part)
                    .unwrap(),
            )
            .unwrap();
            let (jti, rest) = raw.split_once(',').unwrap();
            assert!(jti.starts_with(r#"{"jti":""#), "{raw}");
            rest.to_string()
        };
        let ath = crate::dpop::ath("a");
        let first = c.resource_request_headers_at("GET", &api, &t, now).unwrap();
        assert_eq!(
            after_jti(&first),
            format!(
                r#""htm":"GET","htu":"https://api.example/v1/items","iat":1700000000,"ath":"{ath}"}}"#
            )
        );
        let resp = |status, headers: &[(&str, &str)]| crate::dpop::tests::resp(status, headers, "");
        let challenge = resp(
            401,
            &[
                ("WWW-Authenticate", r#"DPoP error="use_dpop_nonce""#),
                ("DPoP-Nonce", "n-2"),
            ],
        );
        // Another error is the API's answer; a demand means: once more.
        assert!(!c.check_resource_response(
            &api,
            &t,
            &resp(
                401,
                &[("WWW-Authenticate", r#"DPoP error="invalid_token""#)]
            )
        ));
        assert!(c.check_resource_response(&api, &t, &challenge));
        let again = c.resource_request_headers_at("GET", &api, &t, now).unwrap();
        assert_eq!(
            after_jti(&again),
            format!(
                r#""htm":"GET","htu":"https://api.example/v1/items","iat":1700000000,"ath":"{ath}","nonce":"n-2"}}"#
            )
        );
        // A nonce on a success is remembered too (servers rotate them).
        assert!(!c.check_resource_response(&api, &t, &resp(200, &[("DPoP-Nonce", "n-3")])));
        assert!(
            after_jti(&c.resource_request_headers_at("GET", &api, &t, now).unwrap())
                .ends_with(r#","nonce":"n-3"}"#)
        );
        // A bearer set never asks for a retry, and remembers nothing.
        let other = url::Url::parse("https://other.example/x").unwrap();
        let bearer = TokenSet::bearer("b");
        assert!(!c.check_resource_response(&other, &bearer, &challenge));
        assert_eq!(c.dpop_nonce(NonceScope::Resource, &other), None);
    }

    #[test]
    fn debug_of_client_hides_secrets() {
        let key = SigningKey::hs256(b"KEYKEYKEYKEYKEYKEYKEYKEYKEYKEYKEY");
        let c = OAuthClient::builder("c")
            .client_secret("TOPSECRET")
            .private_key(key)
            .token_url("https://as/t")
            .build()
            .unwrap();
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("TOPSECRET") && !shown.contains("KEYKEY"),
            "{shown}"
        );
    }
}
