//! The grants that landed with core issue 3: device authorization (RFC 8628)
//! and CIBA with polling, progress callback and cancellation; token exchange
//! (RFC 8693); JWT bearer (RFC 7523); SAML 2.0 bearer (RFC 7522). Each is a
//! sync method (GIL released, the progress callback re-acquires it briefly)
//! and an `*_async` one on `CoreClient`.

use std::sync::Arc;

use oauth2kit::{
    CancelToken, CibaAuthorization, CibaRequest, DeviceAuthorization, PollEvent, PollOptions,
    Secret, TokenExchange,
};
use oauth2kit_bind::PollKind;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::client::{CoreClient, token};
use crate::convert::{json_object_to_py, py_dict_to_json};
use crate::errors::{config, to_pyerr};
use crate::runtime::{spawn, with_python};
use crate::token::{Token, TokenOut};

/// Cancels a polling flow (device, CIBA) from another thread: `cancel()`.
#[pyclass(frozen, module = "oauth2kit._oauth2kit", name = "CancelToken")]
#[derive(Debug, Default)]
pub struct PyCancelToken {
    inner: CancelToken,
}

#[pymethods]
impl PyCancelToken {
    #[new]
    fn new() -> Self {
        Self::default()
    }

    /// Stops the flow; it raises `OperationCancelledError`.
    fn cancel(&self) {
        self.inner.cancel();
    }

    /// Whether `cancel()` was called.
    #[getter]
    fn cancelled(&self) -> bool {
        self.inner.is_cancelled()
    }
}

/// What a polling flow reports: `kind` is `"waiting"` (with `attempt`,
/// `interval`, `remaining`), `"slow_down"` (new `interval`) or `"retrying"` (`retry_in`). Seconds.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct PollProgress {
    #[pyo3(get)]
    kind: &'static str,
    #[pyo3(get)]
    attempt: Option<u32>,
    #[pyo3(get)]
    interval: Option<f64>,
    #[pyo3(get)]
    remaining: Option<f64>,
    #[pyo3(get)]
    retry_in: Option<f64>,
}

#[pymethods]
impl PollProgress {
    fn __repr__(&self) -> String {
        format!(
            "PollProgress(kind={:?}, attempt={:?}, interval={:?}, remaining={:?}, retry_in={:?})",
            self.kind, self.attempt, self.interval, self.remaining, self.retry_in
        )
    }
}

/// The binding layer's record, in Python's shape (`None` for the fields an
/// event kind does not have). `None` for a kind the layer does not map yet.
fn progress(e: &PollEvent) -> Option<PollProgress> {
    let p = oauth2kit_bind::PollProgress::from_event(e)?;
    let waiting = p.kind == PollKind::Waiting;
    Some(PollProgress {
        kind: p.kind.name(),
        attempt: waiting.then_some(p.attempt),
        interval: (p.kind != PollKind::Retrying).then_some(p.interval_seconds),
        remaining: waiting.then_some(p.remaining_seconds),
        retry_in: (p.kind == PollKind::Retrying).then_some(p.interval_seconds),
    })
}

/// Poll options from Python: the callback is called with the GIL taken for
/// the call only; its exceptions are reported (unraisable) and do not stop polling.
fn poll_options(
    on_progress: Option<Py<PyAny>>,
    cancel: Option<&Bound<'_, PyCancelToken>>,
) -> PollOptions {
    let mut o = PollOptions::default();
    if let Some(c) = cancel {
        o.cancel = c.get().inner.clone();
    }
    if let Some(cb) = on_progress {
        o.on_event = Some(Arc::new(move |e: &PollEvent| {
            let Some(p) = progress(e) else {
                return;
            };
            with_python(|py| {
                if let Err(err) = cb.call1(py, (p,)) {
                    err.write_unraisable(py, Some(cb.bind(py)));
                }
            });
        }));
    }
    o
}

/// The answer to a device authorization request: show `user_code` and
/// `verification_uri` (or `verification_uri_complete` as a QR code) to the user.
#[pyclass(frozen, module = "oauth2kit._oauth2kit", name = "DeviceAuthorization")]
#[derive(Debug)]
pub struct PyDeviceAuthorization {
    inner: DeviceAuthorization,
}

#[pymethods]
impl PyDeviceAuthorization {
    /// The code the user types.
    #[getter]
    fn user_code(&self) -> &str {
        &self.inner.user_code
    }
    /// Where the user goes.
    #[getter]
    fn verification_uri(&self) -> &str {
        &self.inner.verification_uri
    }
    /// The same with the code filled in, if offered.
    #[getter]
    fn verification_uri_complete(&self) -> Option<&str> {
        self.inner.verification_uri_complete.as_deref()
    }
    /// Lifetime of the codes in seconds.
    #[getter]
    fn expires_in(&self) -> f64 {
        self.inner.expires_in.as_secs_f64()
    }
    /// Minimum seconds between polls.
    #[getter]
    fn interval(&self) -> f64 {
        self.inner.interval.as_secs_f64()
    }
    /// Other fields of the answer.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_object_to_py(py, &self.inner.extra)
    }
    fn __repr__(&self) -> String {
        format!(
            "DeviceAuthorization(user_code={:?}, verification_uri={:?}, device_code=<redacted>)",
            self.inner.user_code, self.inner.verification_uri
        )
    }
}

/// The answer to a CIBA backchannel authentication request.
#[pyclass(frozen, module = "oauth2kit._oauth2kit", name = "CibaAuthorization")]
#[derive(Debug)]
pub struct PyCibaAuthorization {
    inner: CibaAuthorization,
}

#[pymethods]
impl PyCibaAuthorization {
    /// Lifetime of the request in seconds.
    #[getter]
    fn expires_in(&self) -> f64 {
        self.inner.expires_in.as_secs_f64()
    }
    /// Minimum seconds between polls.
    #[getter]
    fn interval(&self) -> f64 {
        self.inner.interval.as_secs_f64()
    }
    fn __repr__(&self) -> String {
        "CibaAuthorization(auth_req_id=<redacted>)".to_owned()
    }
}

struct Out<T>(T);

impl<'py> IntoPyObject<'py> for Out<DeviceAuthorization> {
    type Target = PyDeviceAuthorization;
    type Output = Bound<'py, PyDeviceAuthorization>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, PyDeviceAuthorization { inner: self.0 })
    }
}

impl<'py> IntoPyObject<'py> for Out<CibaAuthorization> {
    type Target = PyCibaAuthorization;
    type Output = Bound<'py, PyCibaAuthorization>;
    type Error = PyErr;
    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, PyCibaAuthorization { inner: self.0 })
    }
}

#[allow(clippy::too_many_arguments)]
fn exchange(
    subject_token: String,
    subject_token_type: String,
    actor_token: Option<String>,
    actor_token_type: Option<String>,
    requested_token_type: Option<String>,
    audience: Vec<String>,
    resource: Vec<String>,
    scope: Option<String>,
) -> TokenExchange {
    let mut x = TokenExchange::new(Secret::new(subject_token), &subject_token_type);
    x.actor_token = actor_token.map(Secret::new);
    x.actor_token_type = actor_token_type;
    x.requested_token_type = requested_token_type;
    x.audience = audience;
    x.resource = resource;
    x.scope = scope;
    x
}

/// The JWT bearer grant described by a dict of `Client.jwt_bearer`'s keyword
/// arguments (for a session that fetches anew with it).
pub(crate) fn jwt_spec_from_dict(
    py: Python<'_>,
    d: &Bound<'_, PyDict>,
) -> PyResult<oauth2kit_bind::JwtBearerSpec> {
    const KEYS: &[&str] = &[
        "assertion",
        "private_key",
        "private_key_jwk",
        "issuer",
        "subject",
        "audience",
        "lifetime",
        "claims",
        "scope",
    ];
    for key in d.keys() {
        let key: String = key.extract()?;
        if !KEYS.contains(&key.as_str()) {
            return Err(config(
                py,
                format!(
                    "jwt_bearer: unknown key {key:?} (known: {})",
                    KEYS.join(", ")
                ),
            ));
        }
    }
    let get = |k: &str| -> PyResult<Option<String>> {
        match d.get_item(k)? {
            Some(v) if !v.is_none() => Ok(Some(v.extract()?)),
            _ => Ok(None),
        }
    };
    let lifetime = match d.get_item("lifetime")? {
        Some(v) if !v.is_none() => v.extract()?,
        _ => 300,
    };
    let claims = d.get_item("claims")?.filter(|v| !v.is_none());
    let claims = claims.as_ref().map(|c| c.cast::<PyDict>()).transpose()?;
    jwt_spec(
        get("assertion")?,
        get("private_key")?.as_deref(),
        get("private_key_jwk")?.as_deref(),
        get("issuer")?,
        get("subject")?,
        get("audience")?,
        lifetime,
        claims,
        get("scope")?,
    )
}

/// A JWT bearer grant as the binding layer describes it: the defaults (`iss`
/// and `sub` the client id, `aud` the token endpoint) are the layer's, the same
/// in every binding and the CLI.
#[allow(clippy::too_many_arguments)]
fn jwt_spec(
    assertion: Option<String>,
    key: Option<&str>,
    key_jwk: Option<&str>,
    issuer: Option<String>,
    subject: Option<String>,
    audience: Option<String>,
    lifetime: u64,
    claims: Option<&Bound<'_, PyDict>>,
    scope: Option<String>,
) -> PyResult<oauth2kit_bind::JwtBearerSpec> {
    Ok(oauth2kit_bind::JwtBearerSpec {
        assertion: assertion.map(Secret::new),
        private_key_pem: key.map(|k| Secret::new(k.to_string())),
        private_key_jwk: key_jwk.map(|k| Secret::new(k.to_string())),
        issuer,
        subject,
        audience,
        lifetime: Some(std::time::Duration::from_secs(lifetime.clamp(1, 86_400))),
        claims: claims.map(py_dict_to_json).transpose()?,
        scope,
    })
}

#[allow(clippy::too_many_arguments)]
fn ciba_request(
    scope: Option<String>,
    login_hint: Option<String>,
    id_token_hint: Option<String>,
    login_hint_token: Option<String>,
    binding_message: Option<String>,
    requested_expiry: Option<u64>,
    extra: Vec<(String, String)>,
) -> CibaRequest {
    CibaRequest {
        scope,
        login_hint,
        id_token_hint,
        login_hint_token,
        binding_message,
        requested_expiry,
        extra,
    }
}

#[pymethods]
impl CoreClient {
    /// Starts the device authorization grant (RFC 8628).
    #[pyo3(signature = (scope = None))]
    fn device_authorization(
        &self,
        py: Python<'_>,
        scope: Option<String>,
    ) -> PyResult<PyDeviceAuthorization> {
        py.detach(|| self.inner.device_authorization(scope.as_deref()))
            .map(|inner| PyDeviceAuthorization { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `device_authorization` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (scope = None))]
    fn device_authorization_async<'py>(
        &self,
        py: Python<'py>,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async()
                .device_authorization(scope.as_deref())
                .await
                .map(Out)
        })
    }

    /// Polls until the user approves (tokens), denies (`OAuthError`), the codes
    /// expire (`ExpiredError`) or `cancel` is cancelled (`OperationCancelledError`).
    #[pyo3(signature = (authorization, *, on_progress = None, cancel = None))]
    fn poll_device_token(
        &self,
        py: Python<'_>,
        authorization: &Bound<'_, PyDeviceAuthorization>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
    ) -> PyResult<Token> {
        let opts = poll_options(on_progress, cancel);
        let auth = &authorization.get().inner;
        token(py, py.detach(|| self.inner.poll_device_token(auth, &opts)))
    }

    /// Awaitable `poll_device_token` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (authorization, *, on_progress = None, cancel = None))]
    fn poll_device_token_async<'py>(
        &self,
        py: Python<'py>,
        authorization: &Bound<'_, PyDeviceAuthorization>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, opts, auth) = (
            self.inner.clone(),
            poll_options(on_progress, cancel),
            authorization.get().inner.clone(),
        );
        spawn(py, async move {
            c.as_async()
                .poll_device_token(&auth, &opts)
                .await
                .map(TokenOut)
        })
    }

    /// Starts a CIBA request (exactly one of the three hints).
    #[pyo3(signature = (*, scope = None, login_hint = None, id_token_hint = None, login_hint_token = None, binding_message = None, requested_expiry = None, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn ciba_authorization(
        &self,
        py: Python<'_>,
        scope: Option<String>,
        login_hint: Option<String>,
        id_token_hint: Option<String>,
        login_hint_token: Option<String>,
        binding_message: Option<String>,
        requested_expiry: Option<u64>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<PyCibaAuthorization> {
        let req = ciba_request(
            scope,
            login_hint,
            id_token_hint,
            login_hint_token,
            binding_message,
            requested_expiry,
            crate::types::string_pairs(py, extra)?,
        );
        py.detach(|| self.inner.ciba_authorization(&req))
            .map(|inner| PyCibaAuthorization { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// Awaitable `ciba_authorization` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (*, scope = None, login_hint = None, id_token_hint = None, login_hint_token = None, binding_message = None, requested_expiry = None, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn ciba_authorization_async<'py>(
        &self,
        py: Python<'py>,
        scope: Option<String>,
        login_hint: Option<String>,
        id_token_hint: Option<String>,
        login_hint_token: Option<String>,
        binding_message: Option<String>,
        requested_expiry: Option<u64>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let req = ciba_request(
            scope,
            login_hint,
            id_token_hint,
            login_hint_token,
            binding_message,
            requested_expiry,
            crate::types::string_pairs(py, extra)?,
        );
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async().ciba_authorization(&req).await.map(Out)
        })
    }

    /// Polls a CIBA request until approved, denied, expired or cancelled.
    #[pyo3(signature = (authorization, *, on_progress = None, cancel = None))]
    fn poll_ciba_token(
        &self,
        py: Python<'_>,
        authorization: &Bound<'_, PyCibaAuthorization>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
    ) -> PyResult<Token> {
        let opts = poll_options(on_progress, cancel);
        let auth = &authorization.get().inner;
        token(py, py.detach(|| self.inner.poll_ciba_token(auth, &opts)))
    }

    /// Awaitable `poll_ciba_token` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (authorization, *, on_progress = None, cancel = None))]
    fn poll_ciba_token_async<'py>(
        &self,
        py: Python<'py>,
        authorization: &Bound<'_, PyCibaAuthorization>,
        on_progress: Option<Py<PyAny>>,
        cancel: Option<&Bound<'_, PyCancelToken>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let (c, opts, auth) = (
            self.inner.clone(),
            poll_options(on_progress, cancel),
            authorization.get().inner.clone(),
        );
        spawn(py, async move {
            c.as_async()
                .poll_ciba_token(&auth, &opts)
                .await
                .map(TokenOut)
        })
    }

    /// Token exchange (RFC 8693).
    #[pyo3(signature = (subject_token, subject_token_type, *, actor_token = None, actor_token_type = None, requested_token_type = None, audience = Vec::new(), resource = Vec::new(), scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn token_exchange(
        &self,
        py: Python<'_>,
        subject_token: String,
        subject_token_type: String,
        actor_token: Option<String>,
        actor_token_type: Option<String>,
        requested_token_type: Option<String>,
        audience: Vec<String>,
        resource: Vec<String>,
        scope: Option<String>,
    ) -> PyResult<Token> {
        let x = exchange(
            subject_token,
            subject_token_type,
            actor_token,
            actor_token_type,
            requested_token_type,
            audience,
            resource,
            scope,
        );
        token(py, py.detach(|| self.inner.token_exchange(&x)))
    }

    /// Awaitable `token_exchange` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (subject_token, subject_token_type, *, actor_token = None, actor_token_type = None, requested_token_type = None, audience = Vec::new(), resource = Vec::new(), scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn token_exchange_async<'py>(
        &self,
        py: Python<'py>,
        subject_token: String,
        subject_token_type: String,
        actor_token: Option<String>,
        actor_token_type: Option<String>,
        requested_token_type: Option<String>,
        audience: Vec<String>,
        resource: Vec<String>,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let x = exchange(
            subject_token,
            subject_token_type,
            actor_token,
            actor_token_type,
            requested_token_type,
            audience,
            resource,
            scope,
        );
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async().token_exchange(&x).await.map(TokenOut)
        })
    }

    /// JWT bearer grant (RFC 7523): a given `assertion`, or one signed here
    /// with `private_key` (PEM) / `private_key_jwk` and `issuer`, `subject`, `audience`.
    #[pyo3(signature = (assertion = None, *, private_key = None, private_key_jwk = None, issuer = None, subject = None, audience = None, lifetime = 300, claims = None, scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn jwt_bearer(
        &self,
        py: Python<'_>,
        assertion: Option<String>,
        private_key: Option<&str>,
        private_key_jwk: Option<&str>,
        issuer: Option<String>,
        subject: Option<String>,
        audience: Option<String>,
        lifetime: u64,
        claims: Option<&Bound<'_, PyDict>>,
        scope: Option<String>,
    ) -> PyResult<Token> {
        let g = jwt_spec(
            assertion,
            private_key,
            private_key_jwk,
            issuer,
            subject,
            audience,
            lifetime,
            claims,
            scope,
        )?
        .grant(self.inner.oauth())
        .map_err(|e| to_pyerr(py, e))?;
        token(py, py.detach(|| self.inner.jwt_bearer(&g)))
    }

    /// Awaitable `jwt_bearer` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (assertion = None, *, private_key = None, private_key_jwk = None, issuer = None, subject = None, audience = None, lifetime = 300, claims = None, scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn jwt_bearer_async<'py>(
        &self,
        py: Python<'py>,
        assertion: Option<String>,
        private_key: Option<&str>,
        private_key_jwk: Option<&str>,
        issuer: Option<String>,
        subject: Option<String>,
        audience: Option<String>,
        lifetime: u64,
        claims: Option<&Bound<'_, PyDict>>,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let g = jwt_spec(
            assertion,
            private_key,
            private_key_jwk,
            issuer,
            subject,
            audience,
            lifetime,
            claims,
            scope,
        )?
        .grant(self.inner.oauth())
        .map_err(|e| to_pyerr(py, e))?;
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async().jwt_bearer(&g).await.map(TokenOut)
        })
    }

    /// SAML 2.0 bearer grant (RFC 7522); the assertion base64url-encoded.
    #[pyo3(signature = (assertion, scope = None))]
    fn saml2_bearer(
        &self,
        py: Python<'_>,
        assertion: &str,
        scope: Option<String>,
    ) -> PyResult<Token> {
        token(
            py,
            py.detach(|| self.inner.saml2_bearer(assertion, scope.as_deref())),
        )
    }

    /// Awaitable `saml2_bearer` (call it from a coroutine: it needs the running loop).
    #[pyo3(signature = (assertion, scope = None))]
    fn saml2_bearer_async<'py>(
        &self,
        py: Python<'py>,
        assertion: String,
        scope: Option<String>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let c = self.inner.clone();
        spawn(py, async move {
            c.as_async()
                .saml2_bearer(&assertion, scope.as_deref())
                .await
                .map(TokenOut)
        })
    }
}
