//! `CoreClient`: the core's client with every operation twice — a sync method
//! that releases the GIL while it blocks on the shared runtime, and an
//! `*_async` method that returns an awaitable. The Python `Client` and
//! `AsyncClient` classes wrap it with keyword-rich, documented methods.

use std::path::PathBuf;

use oauth2kit::blocking;
use oauth2kit::pkce::PkceMethod;
use oauth2kit::{AuthorizeOptions, HttpOptions, Secret, TokenTypeHint};
use oauth2kit_bind::{ClientConfig, ClientOption, Value, ValueType};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict};

use crate::convert::{Json, json_to_py};
use crate::errors::{config, to_pyerr};
use crate::runtime::spawn;
use crate::token::{Token, TokenOut};
use crate::types::{AuthorizationRequest, Profile, ServerMetadata, string_pairs};

/// The core client (sans-IO configuration + reqwest transport). Immutable,
/// cheap to share across threads and tasks.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct CoreClient {
    pub(crate) inner: blocking::Client,
}

fn hint(py: Python<'_>, h: Option<&str>) -> PyResult<Option<TokenTypeHint>> {
    match h {
        None => Ok(None),
        Some("access_token") => Ok(Some(TokenTypeHint::AccessToken)),
        Some("refresh_token") => Ok(Some(TokenTypeHint::RefreshToken)),
        Some(other) => Err(config(
            py,
            format!("token_type_hint must be access_token or refresh_token, not {other:?}"),
        )),
    }
}

/// A Python value as the binding layer's [`Value`] for an option of type `ty`
/// (the layer reads and checks it; this only translates types).
pub(crate) fn option_value(name: &str, ty: ValueType, v: &Bound<'_, PyAny>) -> PyResult<Value> {
    let wrong = |what: &str| {
        PyTypeError::new_err(format!(
            "option {name} takes {what}, not {}",
            v.get_type()
                .name()
                .map(|n| n.to_string())
                .unwrap_or_default()
        ))
    };
    Ok(match ty {
        ValueType::Bool => Value::Bool(
            v.cast::<PyBool>()
                .map_err(|_| wrong("True or False"))?
                .is_true(),
        ),
        ValueType::Seconds | ValueType::Count => {
            if v.is_instance_of::<PyBool>() {
                return Err(wrong("a number"));
            }
            Value::Number(v.extract::<f64>().map_err(|_| wrong("a number"))?)
        }
        ValueType::TextList => match v.extract::<String>() {
            Ok(one) => Value::Text(one),
            Err(_) => Value::TextList(
                v.extract::<Vec<String>>()
                    .map_err(|_| wrong("a str or a list of str"))?,
            ),
        },
        ValueType::Profile => {
            if let Ok(p) = v.cast::<Profile>() {
                Value::Profile(Box::new(p.get().inner.clone()))
            } else {
                let path: PathBuf = v
                    .extract()
                    .map_err(|_| wrong("a name, a path or a Profile"))?;
                Value::Text(
                    path.to_str()
                        .ok_or_else(|| wrong("a UTF-8 path"))?
                        .to_owned(),
                )
            }
        }
        ValueType::Metadata => match v.cast::<ServerMetadata>() {
            Ok(m) => Value::Metadata(Box::new(m.get().inner.clone())),
            Err(_) => Value::Text(
                v.extract::<String>()
                    .map_err(|_| wrong("a ServerMetadata"))?,
            ),
        },
        _ => Value::Text(v.extract::<String>().map_err(|_| wrong("a str"))?),
    })
}

/// The binding layer's configuration from Python keywords (`None` means unset).
pub(crate) fn layer_config(
    py: Python<'_>,
    client_id: String,
    client_secret: Option<String>,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<ClientConfig> {
    let mut c = ClientConfig::new(client_id);
    if let Some(s) = client_secret {
        c.set(ClientOption::ClientSecret, Value::Text(s))
            .map_err(|e| to_pyerr(py, e))?;
    }
    for (k, v) in options.into_iter().flat_map(|d| d.iter()) {
        if v.is_none() {
            continue;
        }
        let name: String = k.extract()?;
        let option = ClientOption::from_name(&name).ok_or_else(|| {
            let near = oauth2kit_bind::options::closest(
                &name,
                oauth2kit_bind::options::CLIENT_OPTIONS
                    .iter()
                    .map(|s| s.name),
            );
            PyTypeError::new_err(match near {
                Some(n) => format!("unexpected keyword argument {name:?}; did you mean {n:?}?"),
                None => format!("unexpected keyword argument {name:?}"),
            })
        })?;
        let value = option_value(&name, option.spec().ty, &v)?;
        c.set(option, value).map_err(|e| to_pyerr(py, e))?;
    }
    Ok(c)
}

/// Transport options for a discovery call: `timeout` seconds, connecting in at most 10.
/// The transport of a discovery: the caller's client options as the client
/// will have them (extra CA certificates, insecure loopback, proxy, client
/// certificate…), so the metadata is fetched the way every later request is;
/// `timeout` applies unless the options set their own.
fn discovery_http_options(
    py: Python<'_>,
    timeout: f64,
    options: Option<&Bound<'_, PyDict>>,
) -> PyResult<HttpOptions> {
    let mut c = layer_config(py, "discovery".into(), None, options)?;
    let given = |name: &str| options.is_some_and(|d| d.contains(name).unwrap_or(false));
    for (o, name, v) in [
        (ClientOption::Timeout, "timeout", timeout),
        (
            ClientOption::ConnectTimeout,
            "connect_timeout",
            timeout.min(10.0),
        ),
    ] {
        if !given(name) {
            c.set(o, Value::Number(v)).map_err(|e| to_pyerr(py, e))?;
        }
    }
    c.transport_options().map_err(|e| to_pyerr(py, e))
}

fn pkce(py: Python<'_>, v: Option<&Bound<'_, PyAny>>) -> PyResult<Option<Option<PkceMethod>>> {
    let Some(v) = v else { return Ok(None) };
    if v.is_none() {
        return Ok(None);
    }
    if let Ok(b) = v.extract::<bool>() {
        return Ok(if b {
            Some(Some(PkceMethod::S256))
        } else {
            Some(None)
        });
    }
    match v.extract::<String>().as_deref() {
        Ok("S256") => Ok(Some(Some(PkceMethod::S256))),
        Ok("plain") => Ok(Some(Some(PkceMethod::Plain))),
        _ => Err(config(
            py,
            "pkce must be True, False, None, \"S256\" or \"plain\"",
        )),
    }
}

#[pymethods]
impl CoreClient {
    /// See `oauth2kit.Client` for the meaning of each argument: every keyword
    /// is an option of the binding layer's table (`bind/manifest.json`).
    #[new]
    #[pyo3(signature = (client_id, client_secret = None, **options))]
    fn new(
        py: Python<'_>,
        client_id: String,
        client_secret: Option<String>,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let c = layer_config(py, client_id, client_secret, options)?;
        let inner = py
            .detach(|| c.build_blocking())
            .map_err(|e| to_pyerr(py, e))?;
        Ok(CoreClient { inner })
    }

    /// Reads server metadata (RFC 8414, then OpenID Connect discovery). Releases the GIL.
    #[staticmethod]
    #[pyo3(signature = (issuer, /, *, timeout = 30.0, **options))]
    fn discover(
        py: Python<'_>,
        issuer: String,
        timeout: f64,
        options: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<ServerMetadata> {
        let options = discovery_http_options(py, timeout, options)?;
        py.detach(|| blocking::Client::discover(&issuer, options))
            .map(|inner| ServerMetadata { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// Async `discover`.
    #[staticmethod]
    #[pyo3(signature = (issuer, /, *, timeout = 30.0, **options))]
    fn discover_async<'py>(
        py: Python<'py>,
        issuer: String,
        timeout: f64,
        options: Option<&Bound<'py, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let options = discovery_http_options(py, timeout, options)?;
        // The transport must be made inside the runtime it will run on.
        let rt = oauth2kit::blocking::handle().map_err(|e| to_pyerr(py, e))?;
        let transport = {
            let _guard = rt.enter();
            oauth2kit::transport::ReqwestTransport::new(options).map_err(|e| to_pyerr(py, e))?
        };
        spawn(py, async move {
            let m = oauth2kit::Client::discover(&transport, &issuer).await?;
            Ok(MetaOut(m))
        })
    }

    /// The client id.
    #[getter]
    fn client_id(&self) -> &str {
        self.inner.oauth().client_id()
    }

    /// The profile in use.
    #[getter]
    fn profile(&self) -> Profile {
        Profile {
            inner: self.inner.oauth().profile().clone(),
        }
    }

    /// The client authentication method in use (RFC 8414 name).
    #[getter]
    fn auth_method(&self) -> &'static str {
        self.inner.oauth().auth_method().as_str()
    }

    /// The endpoints in use, as `{name: url}`.
    #[getter]
    fn endpoints<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let e = self.inner.oauth().endpoints();
        let d = PyDict::new(py);
        d.set_item("issuer", e.issuer.as_deref())?;
        for (k, v) in [
            ("authorization", &e.authorization),
            ("token", &e.token),
            ("refresh", &e.refresh),
            ("introspection", &e.introspection),
            ("revocation", &e.revocation),
            ("device_authorization", &e.device_authorization),
            ("userinfo", &e.userinfo),
            ("validate", &e.validate),
        ] {
            d.set_item(k, v.as_ref().map(url_str))?;
        }
        Ok(d)
    }

    /// The authorization URL (state and PKCE S256 by default).
    #[pyo3(signature = (*, scope = None, redirect_uri = None, state = None, pkce = None, nonce = false, implicit = false, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn authorization_url(
        &self,
        py: Python<'_>,
        scope: Option<String>,
        redirect_uri: Option<String>,
        state: Option<String>,
        pkce: Option<&Bound<'_, PyAny>>,
        nonce: bool,
        implicit: bool,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<AuthorizationRequest> {
        let opts = AuthorizeOptions {
            scope,
            redirect_uri,
            state,
            pkce: self::pkce(py, pkce)?,
            nonce,
            implicit,
            extra: string_pairs(py, extra)?,
            ..Default::default()
        };
        self.inner
            .authorization_url(opts)
            .map(Into::into)
            .map_err(|e| to_pyerr(py, e))
    }

    /// The authorization URL through a pushed authorization request (RFC 9126):
    /// the parameters go authenticated in a back-channel POST (GIL released);
    /// the browser sees only `client_id` and `request_uri`.
    #[pyo3(signature = (*, scope = None, redirect_uri = None, state = None, pkce = None, nonce = false, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn pushed_authorization_url(
        &self,
        py: Python<'_>,
        scope: Option<String>,
        redirect_uri: Option<String>,
        state: Option<String>,
        pkce: Option<&Bound<'_, PyAny>>,
        nonce: bool,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<AuthorizationRequest> {
        let opts = AuthorizeOptions {
            scope,
            redirect_uri,
            state,
            pkce: self::pkce(py, pkce)?,
            nonce,
            implicit: false,
            extra: string_pairs(py, extra)?,
            ..Default::default()
        };
        py.detach(|| self.inner.pushed_authorization_url(opts))
            .map(Into::into)
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `pushed_authorization_url` (call it from a coroutine).
    #[pyo3(signature = (*, scope = None, redirect_uri = None, state = None, pkce = None, nonce = false, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn pushed_authorization_url_async<'py>(
        &self,
        py: Python<'py>,
        scope: Option<String>,
        redirect_uri: Option<String>,
        state: Option<String>,
        pkce: Option<&Bound<'_, PyAny>>,
        nonce: bool,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let opts = AuthorizeOptions {
            scope,
            redirect_uri,
            state,
            pkce: self::pkce(py, pkce)?,
            nonce,
            implicit: false,
            extra: string_pairs(py, extra)?,
            ..Default::default()
        };
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async()
                .pushed_authorization_url(opts)
                .await
                .map(AuthorizationRequestOut)
        })
    }

    /// The header presenting `token` to APIs, as the profile says: `(name, value)`.
    fn authorization_header(&self, token: &Bound<'_, Token>) -> (String, String) {
        self.inner.oauth().authorization_header(&token.get().inner)
    }

    /// The headers presenting `token` for one API request: for a DPoP-bound
    /// token `Authorization: DPoP …` and a fresh `DPoP` proof (RFC 9449 §7),
    /// else the profile's header. `(name, value)` pairs, in order.
    fn resource_request_headers(
        &self,
        py: Python<'_>,
        token: &Bound<'_, Token>,
        method: &str,
        url: &str,
    ) -> PyResult<Vec<(String, String)>> {
        oauth2kit_bind::resource::request_headers(
            self.inner.oauth(),
            &token.get().inner,
            method,
            url,
        )
        .map_err(|e| to_pyerr(py, e))
    }

    /// Reads an API's answer to a request made with
    /// `resource_request_headers`: remembers its DPoP nonce; `True` when a
    /// `use_dpop_nonce` demand asks for the request once more (RFC 9449 §9).
    fn check_resource_response(
        &self,
        py: Python<'_>,
        token: &Bound<'_, Token>,
        url: &str,
        status: u16,
        headers: Vec<(String, String)>,
    ) -> PyResult<bool> {
        oauth2kit_bind::resource::check_response(
            self.inner.oauth(),
            &token.get().inner,
            url,
            status,
            headers,
        )
        .map_err(|e| to_pyerr(py, e))
    }

    /// The OpenID Connect RP-initiated logout URL for the browser.
    #[pyo3(signature = (id_token_hint = None, post_logout_redirect_uri = None, state = None))]
    fn end_session_url(
        &self,
        py: Python<'_>,
        id_token_hint: Option<String>,
        post_logout_redirect_uri: Option<String>,
        state: Option<String>,
    ) -> PyResult<String> {
        let mut req = oauth2kit::EndSession::default();
        req.id_token_hint = id_token_hint;
        req.post_logout_redirect_uri = post_logout_redirect_uri;
        req.state = state;
        self.inner
            .oauth()
            .end_session_url(&req)
            .map(|u| u.to_string())
            .map_err(|e| to_pyerr(py, e))
    }

    // ---- network operations: `name` blocks with the GIL released, `name_async` returns an awaitable ----

    /// Verifies the redirect (state, `iss`, error) and exchanges its code.
    fn exchange_redirect(
        &self,
        py: Python<'_>,
        request: &Bound<'_, AuthorizationRequest>,
        redirect: &str,
    ) -> PyResult<Token> {
        let pending = &request.get().pending;
        token(
            py,
            py.detach(|| self.inner.exchange_redirect(pending, redirect)),
        )
    }

    /// Awaitable `exchange_redirect` (call it from a coroutine: it needs the running loop).
    fn exchange_redirect_async<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'_, AuthorizationRequest>,
        redirect: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, pending) = (self.inner.clone(), request.get().pending.clone());
        spawn(py, async move {
            c.as_async()
                .exchange_redirect(&pending, &redirect)
                .await
                .map(TokenOut)
        })
    }

    /// Exchanges a code taken from the redirect by the caller (who checked the state).
    fn exchange_code(
        &self,
        py: Python<'_>,
        request: &Bound<'_, AuthorizationRequest>,
        code: &str,
    ) -> PyResult<Token> {
        let pending = &request.get().pending;
        token(py, py.detach(|| self.inner.exchange_code(pending, code)))
    }

    /// Awaitable `exchange_code` (call it from a coroutine: it needs the running loop).
    fn exchange_code_async<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'_, AuthorizationRequest>,
        code: String,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, pending) = (self.inner.clone(), request.get().pending.clone());
        spawn(py, async move {
            c.as_async()
                .exchange_code(&pending, &code)
                .await
                .map(TokenOut)
        })
    }

    /// Client credentials grant.
    #[pyo3(signature = (scope = None))]
    fn client_credentials(&self, py: Python<'_>, scope: Option<String>) -> PyResult<Token> {
        token(
            py,
            py.detach(|| self.inner.client_credentials(scope.as_deref())),
        )
    }

    /// Awaitable `client_credentials` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (scope = None))]
    fn client_credentials_async<'py>(
        &self,
        py: Python<'py>,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async()
                .client_credentials(scope.as_deref())
                .await
                .map(TokenOut)
        })
    }

    /// Resource owner password grant (legacy).
    #[pyo3(signature = (username, password, scope = None))]
    fn password(
        &self,
        py: Python<'_>,
        username: &str,
        password: &str,
        scope: Option<String>,
    ) -> PyResult<Token> {
        token(
            py,
            py.detach(|| self.inner.password(username, password, scope.as_deref())),
        )
    }

    /// Awaitable `password` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (username, password, scope = None))]
    fn password_async<'py>(
        &self,
        py: Python<'py>,
        username: String,
        password: String,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.inner.clone();
        let password = Secret::new(password);
        spawn(py, async move {
            c.as_async()
                .password(&username, password.expose(), scope.as_deref())
                .await
                .map(TokenOut)
        })
    }

    /// Refresh. `invalid_grant` raises `ReauthorizationRequired`.
    #[pyo3(signature = (refresh_token, scope = None))]
    fn refresh(
        &self,
        py: Python<'_>,
        refresh_token: &str,
        scope: Option<String>,
    ) -> PyResult<Token> {
        let rt = Secret::new(refresh_token);
        token(py, py.detach(|| self.inner.refresh(&rt, scope.as_deref())))
    }

    /// Awaitable `refresh` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (refresh_token, scope = None))]
    fn refresh_async<'py>(
        &self,
        py: Python<'py>,
        refresh_token: &str,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, rt) = (self.inner.clone(), Secret::new(refresh_token));
        spawn(py, async move {
            c.as_async()
                .refresh(&rt, scope.as_deref())
                .await
                .map(TokenOut)
        })
    }

    /// Any grant by its `grant_type` URI, with its parameters.
    #[pyo3(signature = (grant_type, params = None))]
    fn extension_grant(
        &self,
        py: Python<'_>,
        grant_type: &str,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Token> {
        let params = string_pairs(py, params)?;
        let refs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        token(
            py,
            py.detach(|| self.inner.extension_grant(grant_type, &refs)),
        )
    }

    /// Awaitable `extension_grant` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (grant_type, params = None))]
    fn extension_grant_async<'py>(
        &self,
        py: Python<'py>,
        grant_type: String,
        params: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, params) = (self.inner.clone(), string_pairs(py, params)?);
        spawn(py, async move {
            let refs: Vec<(&str, &str)> = params
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            c.as_async()
                .extension_grant(&grant_type, &refs)
                .await
                .map(TokenOut)
        })
    }

    /// Token introspection (RFC 7662): the answer as a dict (`active` always present).
    #[pyo3(signature = (token, token_type_hint = None))]
    fn introspect<'py>(
        &self,
        py: Python<'py>,
        token: &str,
        token_type_hint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let h = hint(py, token_type_hint)?;
        let i = py
            .detach(|| self.inner.introspect(token, h))
            .map_err(|e| to_pyerr(py, e))?;
        json_to_py(py, &introspection_json(i))
    }

    /// Awaitable `introspect` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (token, token_type_hint = None))]
    fn introspect_async<'py>(
        &self,
        py: Python<'py>,
        token: String,
        token_type_hint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, h) = (self.inner.clone(), hint(py, token_type_hint)?);
        spawn(py, async move {
            c.as_async()
                .introspect(&token, h)
                .await
                .map(|i| Json(introspection_json(i)))
        })
    }

    /// Token revocation (RFC 7009).
    #[pyo3(signature = (token, token_type_hint = None))]
    fn revoke(&self, py: Python<'_>, token: &str, token_type_hint: Option<&str>) -> PyResult<()> {
        let h = hint(py, token_type_hint)?;
        py.detach(|| self.inner.revoke(token, h))
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `revoke` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (token, token_type_hint = None))]
    fn revoke_async<'py>(
        &self,
        py: Python<'py>,
        token: String,
        token_type_hint: Option<&str>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, h) = (self.inner.clone(), hint(py, token_type_hint)?);
        spawn(py, async move { c.as_async().revoke(&token, h).await })
    }

    /// The OpenID Connect UserInfo claims for `token`, as a dict.
    fn userinfo<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'_, Token>,
    ) -> PyResult<Bound<'py, PyDict>> {
        let t = &token.get().inner;
        let claims = py
            .detach(|| self.inner.userinfo(t))
            .map_err(|e| to_pyerr(py, e))?;
        crate::convert::json_object_to_py(py, &claims)
    }

    /// Awaitable `userinfo` (call it from a coroutine: it needs the running loop).
    fn userinfo_async<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'_, Token>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, t) = (self.inner.clone(), token.get().inner.clone());
        spawn(py, async move {
            c.as_async()
                .userinfo(&t)
                .await
                .map(crate::convert::JsonObject)
        })
    }

    /// Asks the profile's validation endpoint whether `token` is valid.
    fn validate(&self, py: Python<'_>, token: &Bound<'_, Token>) -> PyResult<bool> {
        let t = &token.get().inner;
        py.detach(|| self.inner.validate(t))
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `validate` (call it from a coroutine: it needs the running loop).
    fn validate_async<'py>(
        &self,
        py: Python<'py>,
        token: &Bound<'_, Token>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, t) = (self.inner.clone(), token.get().inner.clone());
        spawn(py, async move { c.as_async().validate(&t).await })
    }

    fn __repr__(&self) -> String {
        let o = self.inner.oauth();
        format!(
            "CoreClient(client_id={:?}, profile={:?}, auth_method={:?})",
            o.client_id(),
            o.profile().name,
            o.auth_method().as_str()
        )
    }

    /// Verifies an implicit-grant redirect (state, issuer, error) and reads its token.
    fn implicit_token(
        &self,
        py: Python<'_>,
        request: &Bound<'_, AuthorizationRequest>,
        redirect: &str,
    ) -> PyResult<Token> {
        let t = self
            .inner
            .oauth()
            .implicit_token(&request.get().pending, redirect)
            .map_err(|e| to_pyerr(py, e))?;
        Ok(Token::new(py, t))
    }
}

pub(crate) fn token(py: Python<'_>, r: oauth2kit::Result<oauth2kit::TokenSet>) -> PyResult<Token> {
    r.map(|t| Token::new(py, t)).map_err(|e| to_pyerr(py, e))
}

fn introspection_json(i: oauth2kit::Introspection) -> serde_json::Value {
    let mut m = i.extra;
    m.insert("active".into(), i.active.into());
    let opt_s = |v: Option<String>| v.map(serde_json::Value::from);
    let opt_n = |v: Option<u64>| v.map(serde_json::Value::from);
    for (k, v) in [
        ("scope", opt_s(i.scope)),
        ("client_id", opt_s(i.client_id)),
        ("username", opt_s(i.username)),
        ("token_type", opt_s(i.token_type)),
        ("exp", opt_n(i.exp)),
        ("iat", opt_n(i.iat)),
        ("nbf", opt_n(i.nbf)),
        ("sub", opt_s(i.sub)),
        ("aud", i.aud),
        ("iss", opt_s(i.iss)),
        ("jti", opt_s(i.jti)),
    ] {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    }
    serde_json::Value::Object(m)
}

fn url_str(u: &url::Url) -> String {
    u.to_string()
}

struct MetaOut(oauth2kit::ServerMetadata);

impl<'py> IntoPyObject<'py> for MetaOut {
    type Target = ServerMetadata;
    type Output = Bound<'py, ServerMetadata>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, ServerMetadata { inner: self.0 })
    }
}

/// An authorization request as the Python object (for awaitables).
struct AuthorizationRequestOut(oauth2kit::AuthorizationRequest);

impl<'py> IntoPyObject<'py> for AuthorizationRequestOut {
    type Target = AuthorizationRequest;
    type Output = Bound<'py, AuthorizationRequest>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, AuthorizationRequest::from(self.0))
    }
}
