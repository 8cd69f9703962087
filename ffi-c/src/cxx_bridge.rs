//! The C++ API: a cxx bridge over the same core calls as the C ABI.
//! `include/oauth2kit.hpp` wraps it in RAII classes and `oauth2kit::Error`
//! exceptions; the generated declarations are `include/oauth2kit/bridge.h`.
//!
//! A failing call records its details as this thread's last error (shared with
//! the C ABI) and returns `Err(message)`, which cxx throws as `rust::Error`;
//! the C++ wrapper catches it and throws `oauth2kit::Error` built from
//! `take_last_error()`, with the code and the RFC fields.

// cxx passes C++ vectors as `&Vec`, which clippy would rather see as slices.
#![allow(clippy::ptr_arg)]

use std::panic::{AssertUnwindSafe, catch_unwind};

use oauth2kit::{AuthorizeOptions, JwtAssertion, JwtBearer, Secret, SigningKey};

use crate::authorize::Authorization as AuthorizationData;
use crate::config::ConfigData;
use crate::cxx_session::{
    Session, SessionOptions, Store, cpp_store, file_store, memory_store, new_session,
    new_session_options, redis_store,
};
use crate::error::{Fail, oauth2kit_status, set_last_error, with_last_error};

#[cxx::bridge(namespace = "oauth2kit::bridge")]
pub(crate) mod ffi {
    /// A name/value pair.
    #[derive(Debug)]
    struct Param {
        name: String,
        value: String,
    }

    /// A string that may be absent.
    #[derive(Debug)]
    struct OptString {
        present: bool,
        value: String,
    }

    /// The header that presents a token.
    #[derive(Debug)]
    struct Header {
        name: String,
        value: String,
    }

    /// The details of the last failure on this thread (empty strings = absent).
    #[derive(Debug)]
    struct ErrorInfo {
        status: i32,
        name: String,
        message: String,
        error: String,
        description: String,
        uri: String,
        body: String,
        http_status: u16,
        transient: bool,
        /// The server's Retry-After in seconds, -1 when none.
        retry_after_seconds: f64,
    }

    extern "Rust" {
        type Config;
        type Client;
        type Tokens;
        type Authorization;
        type IntrospectionResult;
        type DeviceAuth;
        type CibaAuth;
        type Cancel;

        /// A cancel token for polling (`oauth2kit::CancelToken` in C++).
        fn new_cancel() -> Box<Cancel>;
        /// Stops every poll given this token; callable from any thread.
        fn cancel(self: &Cancel);
        fn is_cancelled(self: &Cancel) -> bool;

        fn new_config(client_id: &str) -> Box<Config>;
        fn set(self: &mut Config, option: &str, value: &str) -> Result<()>;

        fn new_client(config: &Config) -> Result<Box<Client>>;
        fn authorize(
            self: &Client,
            scope: &str,
            redirect_uri: &str,
            params: &Vec<Param>,
        ) -> Result<Box<Authorization>>;
        fn pushed_authorization_url(
            self: &Client,
            scope: &str,
            redirect_uri: &str,
            params: &Vec<Param>,
        ) -> Result<Box<Authorization>>;
        fn exchange_redirect(
            self: &Client,
            auth: &Authorization,
            redirect_url: &str,
        ) -> Result<Box<Tokens>>;
        fn exchange_code(self: &Client, auth: &Authorization, code: &str) -> Result<Box<Tokens>>;
        fn client_credentials(self: &Client, scope: &str) -> Result<Box<Tokens>>;
        fn password(
            self: &Client,
            username: &str,
            password: &str,
            scope: &str,
        ) -> Result<Box<Tokens>>;
        fn refresh(self: &Client, refresh_token: &str, scope: &str) -> Result<Box<Tokens>>;
        fn extension_grant(
            self: &Client,
            grant_type: &str,
            params: &Vec<Param>,
        ) -> Result<Box<Tokens>>;
        fn token_exchange(
            self: &Client,
            subject_token: &str,
            subject_token_type: &str,
            options: &Vec<Param>,
        ) -> Result<Box<Tokens>>;
        fn jwt_bearer(self: &Client, assertion: &str, scope: &str) -> Result<Box<Tokens>>;
        #[allow(clippy::too_many_arguments)]
        fn jwt_bearer_signed(
            self: &Client,
            key_pem: &str,
            issuer: &str,
            subject: &str,
            audience: &str,
            lifetime_secs: u32,
            scope: &str,
        ) -> Result<Box<Tokens>>;
        fn saml2_bearer(self: &Client, assertion_b64url: &str, scope: &str) -> Result<Box<Tokens>>;
        fn device_authorization(self: &Client, scope: &str) -> Result<Box<DeviceAuth>>;
        fn poll_device_token(
            self: &Client,
            device: &DeviceAuth,
            observer: &PollObserver,
            cancel: &Cancel,
        ) -> Result<Box<Tokens>>;
        fn ciba_authorization(
            self: &Client,
            login_hint: &str,
            scope: &str,
            binding_message: &str,
            params: &Vec<Param>,
        ) -> Result<Box<CibaAuth>>;
        fn poll_ciba_token(
            self: &Client,
            ciba: &CibaAuth,
            observer: &PollObserver,
            cancel: &Cancel,
        ) -> Result<Box<Tokens>>;
        fn introspect(self: &Client, token: &str, hint: i32) -> Result<Box<IntrospectionResult>>;
        fn revoke(self: &Client, token: &str, hint: i32) -> Result<()>;
        fn validate(self: &Client, tokens: &Tokens) -> Result<bool>;
        fn userinfo(self: &Client, tokens: &Tokens) -> Result<String>;
        fn end_session_url(
            self: &Client,
            id_token_hint: &str,
            post_logout_redirect_uri: &str,
            state: &str,
        ) -> Result<String>;
        fn authorization_header(self: &Client, tokens: &Tokens) -> Header;
        fn resource_request_headers(
            self: &Client,
            tokens: &Tokens,
            method: &str,
            url: &str,
        ) -> Result<Vec<Param>>;
        fn check_resource_response(
            self: &Client,
            tokens: &Tokens,
            url: &str,
            status: u16,
            headers: &Vec<Param>,
        ) -> Result<bool>;

        fn url(self: &Authorization) -> String;
        fn state(self: &Authorization) -> String;
        fn to_json(self: &Authorization) -> Result<String>;
        fn authorization_from_json(json: &str) -> Result<Box<Authorization>>;

        fn access_token(self: &Tokens) -> String;
        fn field(self: &Tokens, name: &str) -> OptString;
        fn id_token_claims(self: &Tokens) -> OptString;
        fn authorization_details(self: &Tokens) -> OptString;
        fn dpop_jkt(self: &Tokens) -> OptString;
        fn expires_at(self: &Tokens) -> i64;
        fn is_expired(self: &Tokens, leeway_secs: u32) -> bool;
        fn to_json(self: &Tokens) -> Result<String>;
        fn tokens_from_json(json: &str) -> Result<Box<Tokens>>;

        fn active(self: &IntrospectionResult) -> bool;
        fn field(self: &IntrospectionResult, name: &str) -> OptString;

        fn field(self: &DeviceAuth, name: &str) -> OptString;
        fn field(self: &CibaAuth, name: &str) -> OptString;

        fn take_last_error() -> ErrorInfo;
        fn shutdown_runtime(timeout_ms: u32) -> Result<bool>;

        // Sessions and stores (cxx_session.rs).
        type Store;
        type SessionOptions;
        type Session;

        fn clone_box(self: &Tokens) -> Box<Tokens>;

        fn memory_store() -> Box<Store>;
        fn file_store(path: &str) -> Box<Store>;
        fn redis_store(url: &str, key: &str) -> Result<Box<Store>>;
        fn cpp_store(adapter: UniquePtr<StoreAdapter>) -> Result<Box<Store>>;
        fn clone_store(self: &Store) -> Box<Store>;
        fn load_json(self: &Store) -> Result<OptString>;

        fn new_session_options() -> Box<SessionOptions>;
        fn set_store(self: &mut SessionOptions, store: &Store);
        fn set_initial_tokens(self: &mut SessionOptions, tokens: &Tokens);
        fn set(self: &mut SessionOptions, option: &str, value: &str) -> Result<()>;
        fn set_on_change(self: &mut SessionOptions, observer: UniquePtr<ChangeObserver>);

        fn new_session(client: &Client, options: &SessionOptions) -> Result<Box<Session>>;
        fn access_token(self: &Session) -> Result<String>;
        fn token(self: &Session) -> Result<Box<Tokens>>;
        fn authorization_header(self: &Session) -> Result<Header>;
        fn resource_request_headers(self: &Session, method: &str, url: &str) -> Result<Vec<Param>>;
        fn check_resource_response(
            self: &Session,
            url: &str,
            status: u16,
            headers: &Vec<Param>,
        ) -> Result<bool>;
        fn invalidate(self: &Session);
        fn on_unauthorized(self: &Session, access_token: &str) -> bool;
        fn set_tokens(self: &Session, tokens: &Tokens) -> Result<()>;
        fn clear(self: &Session) -> Result<()>;
    }

    unsafe extern "C++" {
        include!("oauth2kit/poll_observer.h");
        /// The C++ progress callback of a polling flow.
        type PollObserver;
        fn on_event(
            self: &PollObserver,
            kind: i32,
            attempt: u32,
            interval_seconds: f64,
            remaining_seconds: f64,
        ) -> bool;

        include!("oauth2kit/session_glue.h");
        /// A token store implemented in C++; each call is noexcept and reports
        /// an exception as `false` with its message in `error`.
        type StoreAdapter;
        fn load(
            self: &StoreAdapter,
            present: &mut bool,
            json: &mut String,
            error: &mut String,
        ) -> bool;
        fn save(self: &StoreAdapter, json: &str, error: &mut String) -> bool;
        fn clear(self: &StoreAdapter, error: &mut String) -> bool;
        /// The C++ `on_change` callback of a session (noexcept).
        type ChangeObserver;
        fn on_change(self: &ChangeObserver, tokens: &Tokens);
    }
}

use ffi::{ErrorInfo, Header, OptString, Param};

/// The message cxx throws; the details are in the thread's last error.
#[derive(Debug)]
pub struct BridgeError(String);

impl std::fmt::Display for BridgeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Runs a bridge call: records a failure as the last error, and catches
/// panics (cxx would abort the process on one).
pub(crate) fn bridged<T>(
    function: &'static str,
    body: impl FnOnce() -> Result<T, Fail>,
) -> Result<T, BridgeError> {
    let fail = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(v)) => return Ok(v),
        Ok(Err(fail)) => fail,
        Err(_) => Fail::new(
            oauth2kit_status::Panic,
            format!("internal error (panic) in {function}"),
        ),
    };
    let fail = fail.spelled(oauth2kit_bind::hint::cpp);
    let message = fail.message.clone();
    set_last_error(fail);
    Err(BridgeError(message))
}

pub(crate) fn opt(s: &str) -> Option<&str> {
    if s.is_empty() { None } else { Some(s) }
}

/// Header pairs as the bridge's `Param`s.
pub(crate) fn header_params(headers: Vec<(String, String)>) -> Vec<ffi::Param> {
    headers
        .into_iter()
        .map(|(name, value)| ffi::Param { name, value })
        .collect()
}

/// The bridge's `Param`s as header pairs.
pub(crate) fn header_pairs(headers: &[ffi::Param]) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|p| (p.name.clone(), p.value.clone()))
        .collect()
}

pub(crate) fn opt_string(v: Option<String>) -> OptString {
    OptString {
        present: v.is_some(),
        value: v.unwrap_or_default(),
    }
}

fn pairs(params: &[Param]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect()
}

/// The C++ observer, carried into the core's progress callback. The core calls
/// that callback only while `poll_device_token` / `poll_ciba_token` runs (the observer outlives
/// the call), on the polling thread; `on_event` is `noexcept` and const.
struct ObserverRef(*const ffi::PollObserver);
// SAFETY: as above: used only during the call that lent it.
unsafe impl Send for ObserverRef {}
unsafe impl Sync for ObserverRef {}

impl ObserverRef {
    // A method, so closures capture the whole (Send) wrapper, not the raw field.
    fn get(&self) -> *const ffi::PollObserver {
        self.0
    }
}

/// Polling options reporting to a C++ observer that outlives the poll.
/// Its "stop" cancels a child of `cancel`, never the caller's token itself.
fn observer_poll_options(observer: &ffi::PollObserver, cancel: &Cancel) -> oauth2kit::PollOptions {
    let observer = ObserverRef(observer);
    crate::device::poll_options_with(cancel.0.child(), move |kind, e| {
        // SAFETY: see `ObserverRef`.
        let o = unsafe { &*observer.get() };
        o.on_event(kind, e.attempt, e.interval_seconds, e.remaining_seconds)
    })
}

/// A polling cancel token (`oauth2kit::CancelToken`).
#[derive(Debug)]
pub struct Cancel(oauth2kit::CancelToken);

fn new_cancel() -> Box<Cancel> {
    Box::new(Cancel(oauth2kit::CancelToken::new()))
}

impl Cancel {
    fn cancel(&self) {
        self.0.cancel();
    }
    fn is_cancelled(&self) -> bool {
        self.0.is_cancelled()
    }
}

/// Client settings (`oauth2kit::Config` in C++).
#[derive(Debug)]
pub struct Config(ConfigData);
/// A client (`oauth2kit::Client`). Thread-safe.
#[derive(Debug)]
pub struct Client(pub(crate) oauth2kit::blocking::Client);
/// A token set (`oauth2kit::Tokens`).
#[derive(Debug)]
pub struct Tokens(pub(crate) oauth2kit::TokenSet);
/// An authorization request (`oauth2kit::Authorization`).
#[derive(Debug)]
pub struct Authorization(AuthorizationData);
/// An introspection answer (`oauth2kit::Introspection`).
#[derive(Debug)]
pub struct IntrospectionResult(oauth2kit::Introspection);
/// A started device authorization (`oauth2kit::DeviceAuthorization`).
#[derive(Debug)]
pub struct DeviceAuth(oauth2kit::DeviceAuthorization);
/// A started CIBA request (`oauth2kit::CibaAuthorization`).
#[derive(Debug)]
pub struct CibaAuth(oauth2kit::CibaAuthorization);

fn new_config(client_id: &str) -> Box<Config> {
    Box::new(Config(ConfigData::new(client_id)))
}

impl Config {
    fn set(&mut self, option: &str, value: &str) -> Result<(), BridgeError> {
        bridged("Config::set", || self.0.set_by_name(option, value))
    }
}

fn new_client(config: &Config) -> Result<Box<Client>, BridgeError> {
    bridged("new_client", || Ok(Box::new(Client(config.0.build()?))))
}

type TokensResult = Result<Box<Tokens>, BridgeError>;

/// Authorization options from the C++ arguments (empty strings are absent).
fn cpp_authorize_options(scope: &str, redirect_uri: &str, params: &[Param]) -> AuthorizeOptions {
    AuthorizeOptions {
        scope: opt(scope).map(str::to_string),
        redirect_uri: opt(redirect_uri).map(str::to_string),
        extra: params
            .iter()
            .map(|p| (p.name.clone(), p.value.clone()))
            .collect(),
        ..Default::default()
    }
}

impl Client {
    fn tokens(
        &self,
        function: &'static str,
        body: impl FnOnce(&oauth2kit::blocking::Client) -> oauth2kit::Result<oauth2kit::TokenSet>,
    ) -> TokensResult {
        bridged(function, || Ok(Box::new(Tokens(body(&self.0)?))))
    }

    fn authorize(
        &self,
        scope: &str,
        redirect_uri: &str,
        params: &Vec<Param>,
    ) -> Result<Box<Authorization>, BridgeError> {
        bridged("Client::authorize", || {
            let opts = cpp_authorize_options(scope, redirect_uri, params);
            Ok(Box::new(Authorization(
                self.0.authorization_url(opts)?.into(),
            )))
        })
    }

    fn pushed_authorization_url(
        &self,
        scope: &str,
        redirect_uri: &str,
        params: &Vec<Param>,
    ) -> Result<Box<Authorization>, BridgeError> {
        bridged("Client::pushed_authorization_url", || {
            let opts = cpp_authorize_options(scope, redirect_uri, params);
            Ok(Box::new(Authorization(
                self.0.pushed_authorization_url(opts)?.into(),
            )))
        })
    }

    fn exchange_redirect(&self, auth: &Authorization, redirect_url: &str) -> TokensResult {
        self.tokens("Client::exchange_redirect", |c| {
            c.exchange_redirect(&auth.0.pending, redirect_url)
        })
    }

    fn exchange_code(&self, auth: &Authorization, code: &str) -> TokensResult {
        self.tokens("Client::exchange_code", |c| {
            c.exchange_code(&auth.0.pending, code)
        })
    }

    fn client_credentials(&self, scope: &str) -> TokensResult {
        self.tokens("Client::client_credentials", |c| {
            c.client_credentials(opt(scope))
        })
    }

    fn password(&self, username: &str, password: &str, scope: &str) -> TokensResult {
        self.tokens("Client::password", |c| {
            c.password(username, password, opt(scope))
        })
    }

    fn refresh(&self, refresh_token: &str, scope: &str) -> TokensResult {
        self.tokens("Client::refresh", |c| {
            c.refresh(&Secret::new(refresh_token), opt(scope))
        })
    }

    fn extension_grant(&self, grant_type: &str, params: &Vec<Param>) -> TokensResult {
        self.tokens("Client::extension_grant", |c| {
            c.extension_grant(grant_type, &pairs(params))
        })
    }

    fn token_exchange(
        &self,
        subject_token: &str,
        subject_token_type: &str,
        options: &Vec<Param>,
    ) -> TokensResult {
        bridged("Client::token_exchange", || {
            let te = crate::assertions::token_exchange(
                subject_token,
                subject_token_type,
                &pairs(options),
            )?;
            Ok(Box::new(Tokens(self.0.token_exchange(&te)?)))
        })
    }

    fn jwt_bearer(&self, assertion: &str, scope: &str) -> TokensResult {
        let grant = JwtBearer {
            assertion: JwtAssertion::Given(Secret::new(assertion)),
            scope: opt(scope).map(str::to_string),
        };
        self.tokens("Client::jwt_bearer", |c| c.jwt_bearer(&grant))
    }

    #[allow(clippy::too_many_arguments)]
    fn jwt_bearer_signed(
        &self,
        key_pem: &str,
        issuer: &str,
        subject: &str,
        audience: &str,
        lifetime_secs: u32,
        scope: &str,
    ) -> TokensResult {
        bridged("Client::jwt_bearer_signed", || {
            let grant = JwtBearer {
                assertion: JwtAssertion::Signed {
                    key: SigningKey::from_pem(key_pem)?,
                    issuer: issuer.to_string(),
                    subject: subject.to_string(),
                    audience: audience.to_string(),
                    lifetime_secs: lifetime_secs.into(),
                    claims: Default::default(),
                },
                scope: opt(scope).map(str::to_string),
            };
            Ok(Box::new(Tokens(self.0.jwt_bearer(&grant)?)))
        })
    }

    fn saml2_bearer(&self, assertion_b64url: &str, scope: &str) -> TokensResult {
        self.tokens("Client::saml2_bearer", |c| {
            c.saml2_bearer(assertion_b64url, opt(scope))
        })
    }

    fn device_authorization(&self, scope: &str) -> Result<Box<DeviceAuth>, BridgeError> {
        bridged("Client::device_authorization", || {
            Ok(Box::new(DeviceAuth(
                self.0.device_authorization(opt(scope))?,
            )))
        })
    }

    fn poll_device_token(
        &self,
        device: &DeviceAuth,
        observer: &ffi::PollObserver,
        cancel: &Cancel,
    ) -> TokensResult {
        let opts = observer_poll_options(observer, cancel);
        self.tokens("Client::poll_device_token", |c| {
            c.poll_device_token(&device.0, &opts)
        })
    }

    fn ciba_authorization(
        &self,
        login_hint: &str,
        scope: &str,
        binding_message: &str,
        params: &Vec<Param>,
    ) -> Result<Box<CibaAuth>, BridgeError> {
        bridged("Client::ciba_authorization", || {
            let request = oauth2kit::CibaRequest {
                login_hint: Some(login_hint.to_string()),
                scope: opt(scope).map(str::to_string),
                binding_message: opt(binding_message).map(str::to_string),
                extra: params
                    .iter()
                    .map(|p| (p.name.clone(), p.value.clone()))
                    .collect(),
                ..Default::default()
            };
            Ok(Box::new(CibaAuth(self.0.ciba_authorization(&request)?)))
        })
    }

    fn poll_ciba_token(
        &self,
        ciba: &CibaAuth,
        observer: &ffi::PollObserver,
        cancel: &Cancel,
    ) -> TokensResult {
        let opts = observer_poll_options(observer, cancel);
        self.tokens("Client::poll_ciba_token", |c| {
            c.poll_ciba_token(&ciba.0, &opts)
        })
    }

    fn introspect(&self, token: &str, hint: i32) -> Result<Box<IntrospectionResult>, BridgeError> {
        bridged("Client::introspect", || {
            let hint = crate::client::hint_from_i32(hint)?;
            Ok(Box::new(IntrospectionResult(
                self.0.introspect(token, hint)?,
            )))
        })
    }

    fn revoke(&self, token: &str, hint: i32) -> Result<(), BridgeError> {
        bridged("Client::revoke", || {
            Ok(self.0.revoke(token, crate::client::hint_from_i32(hint)?)?)
        })
    }

    fn validate(&self, tokens: &Tokens) -> Result<bool, BridgeError> {
        bridged("Client::validate", || Ok(self.0.validate(&tokens.0)?))
    }

    fn end_session_url(
        &self,
        id_token_hint: &str,
        post_logout_redirect_uri: &str,
        state: &str,
    ) -> Result<String, BridgeError> {
        bridged("Client::end_session_url", || {
            let mut req = oauth2kit::EndSession::default();
            req.id_token_hint = opt(id_token_hint).map(str::to_owned);
            req.post_logout_redirect_uri = opt(post_logout_redirect_uri).map(str::to_owned);
            req.state = opt(state).map(str::to_owned);
            Ok(self.0.oauth().end_session_url(&req)?.to_string())
        })
    }

    fn userinfo(&self, tokens: &Tokens) -> Result<String, BridgeError> {
        bridged("Client::userinfo", || {
            Ok(serde_json::Value::Object(self.0.userinfo(&tokens.0)?).to_string())
        })
    }

    fn authorization_header(&self, tokens: &Tokens) -> Header {
        let (name, value) = self.0.oauth().authorization_header(&tokens.0);
        Header { name, value }
    }

    fn resource_request_headers(
        &self,
        tokens: &Tokens,
        method: &str,
        url: &str,
    ) -> Result<Vec<Param>, BridgeError> {
        bridged("Client::resource_request_headers", || {
            Ok(header_params(oauth2kit_bind::resource::request_headers(
                self.0.oauth(),
                &tokens.0,
                method,
                url,
            )?))
        })
    }

    fn check_resource_response(
        &self,
        tokens: &Tokens,
        url: &str,
        status: u16,
        headers: &Vec<Param>,
    ) -> Result<bool, BridgeError> {
        bridged("Client::check_resource_response", || {
            Ok(oauth2kit_bind::resource::check_response(
                self.0.oauth(),
                &tokens.0,
                url,
                status,
                header_pairs(headers),
            )?)
        })
    }
}

impl Authorization {
    fn url(&self) -> String {
        self.0.url.clone().unwrap_or_default()
    }

    fn state(&self) -> String {
        self.0.pending.state.expose().to_string()
    }

    fn to_json(&self) -> Result<String, BridgeError> {
        bridged("Authorization::to_json", || {
            serde_json::to_string(&self.0.pending)
                .map_err(|e| Fail::invalid(format!("cannot serialize: {e}")))
        })
    }
}

fn authorization_from_json(json: &str) -> Result<Box<Authorization>, BridgeError> {
    bridged("authorization_from_json", || {
        let pending = serde_json::from_str(json)
            .map_err(|e| Fail::invalid(format!("not a pending authorization: {e}")))?;
        Ok(Box::new(Authorization(AuthorizationData {
            url: None,
            pending,
        })))
    })
}

impl Tokens {
    fn clone_box(&self) -> Box<Tokens> {
        Box::new(Tokens(self.0.clone()))
    }

    fn access_token(&self) -> String {
        self.0.access_token.expose().to_string()
    }

    fn field(&self, name: &str) -> OptString {
        opt_string(crate::tokens::read_field(&self.0, name))
    }

    fn dpop_jkt(&self) -> OptString {
        opt_string(self.0.dpop_key().map(|k| k.thumbprint().to_string()))
    }

    fn id_token_claims(&self) -> OptString {
        opt_string(
            self.0
                .id_token_claims()
                .map(|c| serde_json::Value::Object(c.clone()).to_string()),
        )
    }

    fn authorization_details(&self) -> OptString {
        opt_string(self.0.authorization_details().map(|d| d.to_string()))
    }

    fn expires_at(&self) -> i64 {
        self.0
            .expires_at
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(-1, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }

    fn is_expired(&self, leeway_secs: u32) -> bool {
        self.0
            .is_expired(std::time::Duration::from_secs(leeway_secs.into()))
    }

    fn to_json(&self) -> Result<String, BridgeError> {
        bridged("Tokens::to_json", || {
            serde_json::to_string(&self.0)
                .map_err(|e| Fail::invalid(format!("cannot serialize: {e}")))
        })
    }
}

fn tokens_from_json(json: &str) -> Result<Box<Tokens>, BridgeError> {
    bridged("tokens_from_json", || {
        // A token set, or the document a store is handed.
        let ts = oauth2kit::store::decode_document(json.as_bytes(), "json")
            .map_err(|e| Fail::invalid(format!("not a token set: {e}")))?;
        Ok(Box::new(Tokens(ts)))
    })
}

impl IntrospectionResult {
    fn active(&self) -> bool {
        self.0.active
    }

    fn field(&self, name: &str) -> OptString {
        opt_string(crate::introspect::introspection_field(&self.0, name))
    }
}

impl DeviceAuth {
    fn field(&self, name: &str) -> OptString {
        opt_string(crate::device::device_field(&self.0, name))
    }
}

impl CibaAuth {
    fn field(&self, name: &str) -> OptString {
        opt_string(crate::device::ciba_field(&self.0, name))
    }
}

/// See `oauth2kit_shutdown`.
fn shutdown_runtime(timeout_ms: u32) -> Result<bool, BridgeError> {
    bridged("shutdown", || {
        oauth2kit::blocking::shutdown(std::time::Duration::from_millis(timeout_ms.into()))
            .map_err(Fail::from)
    })
}

fn take_last_error() -> ErrorInfo {
    let text = |s: Option<&std::ffi::CString>| {
        s.map(|c| c.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let info = with_last_error(|last| match last {
        None => ErrorInfo {
            status: 0,
            name: "ok".into(),
            message: String::new(),
            error: String::new(),
            description: String::new(),
            uri: String::new(),
            body: String::new(),
            http_status: 0,
            transient: false,
            retry_after_seconds: -1.0,
        },
        Some(l) => ErrorInfo {
            status: l.status as i32,
            // SAFETY: `oauth2kit_status_name` returns a static NUL-terminated string.
            name: String::from_utf8_lossy(
                crate::error::oauth2kit_status::name_of(l.status as i32)
                    .strip_suffix(b"\0")
                    .unwrap_or_default(),
            )
            .into_owned(),
            message: text(Some(&l.message)),
            error: text(l.error.as_ref()),
            description: text(l.description.as_ref()),
            uri: text(l.uri.as_ref()),
            body: text(l.body.as_ref()),
            http_status: l.http_status,
            transient: l.transient,
            retry_after_seconds: l.retry_after_seconds,
        },
    });
    crate::error::oauth2kit_last_error_clear();
    info
}
