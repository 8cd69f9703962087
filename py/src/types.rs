//! Small value types: `Profile` (a provider dialect), `ServerMetadata`
//! (discovery), `AuthorizationRequest` (URL + what to keep until the redirect).

use oauth2kit::{AuthorizationRequest as CoreRequest, PendingAuthorization};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::convert::json_to_py;
use crate::errors::{config, to_pyerr};

/// A provider dialect: built-in (`rfc6749`, `generic`, `deskera-v2`,
/// `deskera-v1`, `desko`) or loaded from a TOML/JSON file or text.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Clone, Debug)]
pub struct Profile {
    pub inner: oauth2kit::Profile,
}

#[pymethods]
impl Profile {
    /// A built-in profile by name, or else a path to a `.toml` / `.json` file.
    #[staticmethod]
    fn load(py: Python<'_>, name_or_path: std::path::PathBuf) -> PyResult<Self> {
        let s = name_or_path
            .to_str()
            .ok_or_else(|| config(py, "profile path is not valid UTF-8"))?;
        oauth2kit::Profile::load(s)
            .map(|inner| Profile { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// A profile from TOML or JSON text; `origin` names it in error messages.
    #[staticmethod]
    #[pyo3(signature = (text, origin = "<string>"))]
    fn from_text(py: Python<'_>, text: &str, origin: &str) -> PyResult<Self> {
        oauth2kit::Profile::from_text(text, origin)
            .map(|inner| Profile { inner })
            .map_err(|e| to_pyerr(py, e))
    }

    /// Names of the built-in profiles.
    #[staticmethod]
    fn builtin_names() -> Vec<&'static str> {
        oauth2kit::Profile::builtin_names()
    }

    /// The profile's short name.
    #[getter]
    fn name(&self) -> &str {
        &self.inner.name
    }

    /// One line about the provider.
    #[getter]
    fn description(&self) -> &str {
        &self.inner.description
    }

    fn __repr__(&self) -> String {
        format!("Profile({:?})", self.inner.name)
    }
}

/// Authorization server metadata (RFC 8414 / OpenID Connect discovery).
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Clone, Debug)]
pub struct ServerMetadata {
    pub inner: oauth2kit::ServerMetadata,
}

#[pymethods]
impl ServerMetadata {
    /// `authorization_endpoint`
    #[getter]
    fn authorization_endpoint(&self) -> Option<&str> {
        self.inner.authorization_endpoint.as_deref()
    }

    /// `token_endpoint`
    #[getter]
    fn token_endpoint(&self) -> Option<&str> {
        self.inner.token_endpoint.as_deref()
    }

    /// `introspection_endpoint`
    #[getter]
    fn introspection_endpoint(&self) -> Option<&str> {
        self.inner.introspection_endpoint.as_deref()
    }

    /// `revocation_endpoint`
    #[getter]
    fn revocation_endpoint(&self) -> Option<&str> {
        self.inner.revocation_endpoint.as_deref()
    }

    /// `device_authorization_endpoint`
    #[getter]
    fn device_authorization_endpoint(&self) -> Option<&str> {
        self.inner.device_authorization_endpoint.as_deref()
    }

    /// `userinfo_endpoint`
    #[getter]
    fn userinfo_endpoint(&self) -> Option<&str> {
        self.inner.userinfo_endpoint.as_deref()
    }

    /// `jwks_uri`
    #[getter]
    fn jwks_uri(&self) -> Option<&str> {
        self.inner.jwks_uri.as_deref()
    }

    /// The issuer identifier (checked to equal the one asked for).
    #[getter]
    fn issuer(&self) -> &str {
        &self.inner.issuer
    }

    /// `grant_types_supported`
    #[getter]
    fn grant_types_supported(&self) -> Vec<String> {
        self.inner.grant_types_supported.clone()
    }

    /// `token_endpoint_auth_methods_supported`
    #[getter]
    fn token_endpoint_auth_methods_supported(&self) -> Vec<String> {
        self.inner.token_endpoint_auth_methods_supported.clone()
    }

    /// Every member as a dict (unknown ones included).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let v = serde_json::to_value(&self.inner).map_err(|e| config(py, e.to_string()))?;
        json_to_py(py, &v)
    }

    fn __repr__(&self) -> String {
        format!("ServerMetadata(issuer={:?})", self.inner.issuer)
    }
}

/// An authorization URL and what to keep until the redirect comes back
/// (state, PKCE verifier, redirect URI, nonce). Keep it server-side: `to_json`
/// holds the PKCE verifier.
#[pyclass(frozen, module = "oauth2kit._oauth2kit")]
#[derive(Debug)]
pub struct AuthorizationRequest {
    pub url: String,
    pub pending: PendingAuthorization,
}

impl From<CoreRequest> for AuthorizationRequest {
    fn from(r: CoreRequest) -> Self {
        AuthorizationRequest {
            url: r.url.into(),
            pending: r.pending,
        }
    }
}

#[pymethods]
impl AuthorizationRequest {
    /// Where to send the user.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The `state` sent (also visible in the URL); key your server-side session by it.
    #[getter]
    fn state(&self) -> &str {
        self.pending.state.expose()
    }

    /// The redirect URI sent, if any.
    #[getter]
    fn redirect_uri(&self) -> Option<&str> {
        self.pending.redirect_uri.as_deref()
    }

    /// The OpenID Connect nonce, if one was sent.
    #[getter]
    fn nonce(&self) -> Option<&str> {
        self.pending.nonce.as_ref().map(|n| n.expose())
    }

    /// Whether PKCE is in use.
    #[getter]
    fn uses_pkce(&self) -> bool {
        self.pending.code_verifier.is_some()
    }

    /// `url, state = request`: unpacks like Authlib's `(uri, state)` pair.
    fn __iter__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, pyo3::types::PyIterator>> {
        pyo3::types::PyTuple::new(py, [self.url.as_str(), self.pending.state.expose()])?.try_iter()
    }

    /// JSON to keep in a server-side session (contains the PKCE verifier).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        let v = serde_json::json!({ "url": self.url, "pending": self.pending });
        serde_json::to_string(&v).map_err(|e| config(py, e.to_string()))
    }

    /// Reads what `to_json` wrote.
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        #[derive(serde::Deserialize)]
        struct Stored {
            url: String,
            pending: PendingAuthorization,
        }
        let s: Stored = serde_json_from(text)
            .ok_or_else(|| config(py, "not a stored authorization request"))?;
        Ok(AuthorizationRequest {
            url: s.url,
            pending: s.pending,
        })
    }

    fn __repr__(&self) -> String {
        format!(
            "AuthorizationRequest(url={:?}, pkce={})",
            self.url,
            self.pending.code_verifier.is_some()
        )
    }
}

fn serde_json_from<T: serde::de::DeserializeOwned>(text: &str) -> Option<T> {
    serde_json::from_str(text).ok()
}

/// Keyword dict helper: `{"k": "v"}` → pairs, rejecting non-string values clearly.
pub fn string_pairs(
    py: Python<'_>,
    d: Option<&Bound<'_, PyDict>>,
) -> PyResult<Vec<(String, String)>> {
    let Some(d) = d else { return Ok(Vec::new()) };
    d.iter()
        .map(|(k, v)| {
            let k: String = k
                .extract()
                .map_err(|_| config(py, "parameter names must be strings"))?;
            let v: String = v
                .extract()
                .map_err(|_| config(py, format!("parameter {k:?} must be a string")))?;
            Ok((k, v))
        })
        .collect()
}
