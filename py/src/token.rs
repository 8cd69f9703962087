//! `Token`: a core `TokenSet` seen from Python. Attributes for the standard
//! fields, mapping access (`token["field"]`) for the provider's extra ones, a
//! `repr` that hides every token, and the core's JSON form for stores.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use oauth2kit::{Secret, TokenSet};
use pyo3::exceptions::{PyKeyError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyString};

use crate::convert::{json_object_to_py, json_to_py, py_dict_to_json};
use crate::errors::config;

/// The standard fields, readable through `token[name]` as Authlib users expect.
const STANDARD: &[&str] = &[
    "access_token",
    "token_type",
    "refresh_token",
    "expires_at",
    "scope",
    "id_token",
];

/// Tokens returned by a grant. Immutable; safe to share between threads.
#[pyclass(frozen, module = "oauth2kit._oauth2kit", name = "Token")]
pub struct Token {
    pub inner: TokenSet,
    /// The access token as a Python `str`, made once: reading it is the hot
    /// path of every API call (a cached-token read costs one attribute fetch).
    #[pyo3(get)]
    pub access_token: Py<PyString>,
}

/// Debug shows the core's redacted view only (never the cached `str`).
impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

impl Token {
    pub fn new(py: Python<'_>, inner: TokenSet) -> Self {
        let access_token = PyString::new(py, inner.access_token.expose()).unbind();
        Token {
            inner,
            access_token,
        }
    }
}

/// Lets futures completed off the GIL return a `TokenSet` that becomes a `Token` on delivery.
pub struct TokenOut(pub TokenSet);

impl<'py> IntoPyObject<'py> for TokenOut {
    type Target = Token;
    type Output = Bound<'py, Token>;
    type Error = PyErr;

    fn into_pyobject(self, py: Python<'py>) -> PyResult<Self::Output> {
        Bound::new(py, Token::new(py, self.0))
    }
}

fn unix(t: SystemTime) -> f64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

fn seconds(py: Python<'_>, what: &str, s: f64) -> PyResult<Duration> {
    Duration::try_from_secs_f64(s).map_err(|_| {
        config(
            py,
            format!("{what} must be a non-negative number of seconds"),
        )
    })
}

#[pymethods]
impl Token {
    /// Builds a token by hand (tests, tokens obtained elsewhere). `expires_in`
    /// (seconds from now) and `expires_at` (Unix time) are alternatives;
    /// `token_type` defaults to Bearer.
    #[new]
    #[pyo3(signature = (access_token, *, token_type = None, refresh_token = None, expires_in = None, expires_at = None, scope = None, id_token = None, extra = None))]
    #[allow(clippy::too_many_arguments)]
    fn py_new(
        py: Python<'_>,
        access_token: String,
        token_type: Option<String>,
        refresh_token: Option<String>,
        expires_in: Option<f64>,
        expires_at: Option<f64>,
        scope: Option<String>,
        id_token: Option<String>,
        extra: Option<&Bound<'_, PyDict>>,
    ) -> PyResult<Self> {
        let mut t = TokenSet::bearer(access_token);
        if token_type.is_some() {
            t.token_type = token_type;
        }
        t.refresh_token = refresh_token.map(Secret::new);
        t.scope = scope;
        t.id_token = id_token.map(Secret::new);
        t.expires_at = match (expires_in, expires_at) {
            (Some(_), Some(_)) => {
                return Err(config(py, "give expires_in or expires_at, not both"));
            }
            (Some(s), None) => Some(SystemTime::now() + seconds(py, "expires_in", s)?),
            (None, Some(at)) => Some(UNIX_EPOCH + seconds(py, "expires_at", at)?),
            (None, None) => None,
        };
        if let Some(d) = extra {
            t.extra = py_dict_to_json(d)?;
        }
        Ok(Token::new(py, t))
    }

    /// `token_type` as the server sent it (`Bearer`, `bearer`…), or None.
    #[getter]
    fn token_type(&self) -> Option<&str> {
        self.inner.token_type.as_deref()
    }

    /// The refresh token, if the server issued one (or kept the previous one on refresh).
    #[getter]
    fn refresh_token(&self) -> Option<&str> {
        self.inner.refresh_token.as_ref().map(Secret::expose)
    }

    /// The validated ID token claims (OpenID Connect) as a dict, or None when
    /// the token has no validated ID token.
    #[getter]
    fn id_token_claims<'py>(
        &self,
        py: Python<'py>,
    ) -> PyResult<Option<Bound<'py, pyo3::types::PyDict>>> {
        self.inner
            .id_token_claims()
            .map(|c| crate::convert::json_object_to_py(py, c))
            .transpose()
    }

    /// The authorization details the server granted (RFC 9396), as sent: a
    /// list of dicts with a ``type`` each; None when the answer had none.
    #[getter]
    fn authorization_details<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.inner
            .authorization_details()
            .map(|d| crate::convert::json_to_py(py, d))
            .transpose()
    }

    /// Expiry as Unix time (seconds, float), or None when unknown.
    #[getter]
    fn expires_at(&self) -> Option<f64> {
        self.inner.expires_at.map(unix)
    }

    /// Seconds left before expiry (0 when expired), or None when unknown.
    #[getter]
    fn expires_in(&self) -> Option<f64> {
        self.inner.expires_in().map(|d| d.as_secs_f64())
    }

    /// Granted scope, when the server said.
    #[getter]
    fn scope(&self) -> Option<&str> {
        self.inner.scope.as_deref()
    }

    /// OpenID Connect ID token, if any.
    #[getter]
    fn id_token(&self) -> Option<&str> {
        self.inner.id_token.as_ref().map(Secret::expose)
    }

    /// Every other field of the token response, as a new dict.
    #[getter]
    fn extra<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        json_object_to_py(py, &self.inner.extra)
    }

    /// True when the token expires within `leeway` seconds (False when the expiry is unknown).
    #[pyo3(signature = (leeway = 0.0))]
    fn is_expired(&self, py: Python<'_>, leeway: f64) -> PyResult<bool> {
        Ok(self.inner.is_expired(seconds(py, "leeway", leeway)?))
    }

    /// Whether `token_type` is Bearer in any case, or absent.
    fn is_bearer(&self) -> bool {
        self.inner.is_bearer()
    }

    fn __getitem__<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Bound<'py, PyAny>> {
        self.lookup(py, key)?
            .ok_or_else(|| PyKeyError::new_err(key.to_owned()))
    }

    fn __contains__(&self, py: Python<'_>, key: &str) -> PyResult<bool> {
        Ok(self.lookup(py, key)?.is_some())
    }

    /// `token[key]`, or `default` when the field is absent.
    #[pyo3(signature = (key, default = None))]
    fn get<'py>(
        &self,
        py: Python<'py>,
        key: &str,
        default: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        Ok(self
            .lookup(py, key)?
            .or(default)
            .unwrap_or_else(|| py.None().into_bound(py)))
    }

    /// Names of the fields present (standard ones first).
    fn keys(&self, py: Python<'_>) -> PyResult<Vec<String>> {
        let mut out = Vec::new();
        for k in STANDARD {
            if self.lookup(py, k)?.is_some() {
                out.push((*k).to_owned());
            }
        }
        out.extend(self.inner.extra.keys().cloned());
        Ok(out)
    }

    /// Every field, secrets included, as a plain dict (`expires_at` as Unix time).
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let d = PyDict::new(py);
        for k in self.keys(py)? {
            d.set_item(&k, self.lookup(py, &k)?)?;
        }
        Ok(d)
    }

    /// The inverse of `to_dict` (`json.loads(json.dumps(t.to_dict()))` round
    /// trips): the standard fields by name, every other key into `extra`.
    /// What a dict cannot hold is not restored (validated ID token claims, a
    /// DPoP key): persist with `to_json`/`from_json` for that.
    #[staticmethod]
    fn from_dict<'py>(py: Python<'py>, d: &Bound<'py, PyDict>) -> PyResult<Bound<'py, PyAny>> {
        const NAMED: [&str; 6] = [
            "token_type",
            "refresh_token",
            "expires_in",
            "expires_at",
            "scope",
            "id_token",
        ];
        let access = d
            .get_item("access_token")?
            .ok_or_else(|| config(py, "the dict has no access_token"))?;
        let kwargs = PyDict::new(py);
        let extra = PyDict::new(py);
        for (k, v) in d.iter() {
            let name: String = k
                .extract()
                .map_err(|_| config(py, "token dict keys must be strings"))?;
            if name == "access_token" || v.is_none() {
                continue;
            }
            if NAMED.contains(&name.as_str()) {
                kwargs.set_item(&name, v)?;
            } else {
                extra.set_item(&name, v)?;
            }
        }
        if !extra.is_empty() {
            kwargs.set_item("extra", extra)?;
        }
        py.get_type::<Token>().call((access,), Some(&kwargs))
    }

    /// The core's JSON form (what token stores write). Contains the secrets.
    fn to_json(&self) -> PyResult<String> {
        serde_json::to_string(&self.inner).map_err(|e| PyValueError::new_err(e.to_string()))
    }

    /// Reads the JSON written by `to_json` (or by a core token store).
    #[staticmethod]
    fn from_json(py: Python<'_>, text: &str) -> PyResult<Self> {
        let t: TokenSet = serde_json::from_str(text)
            .map_err(|e| config(py, format!("not a stored token: {}", e.classify_name())))?;
        Ok(Token::new(py, t))
    }

    /// The RFC 7638 thumbprint of the DPoP key the tokens are bound to, or
    /// None. The key itself stays inside (stores keep it: `to_json`).
    #[getter]
    fn dpop_jkt(&self) -> Option<&str> {
        self.inner.dpop_key().map(|k| k.thumbprint())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<Token>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let opt = |o: Option<&str>| o.map_or("None".to_owned(), |s| format!("{s:?}"));
        let mut extra: Vec<&str> = self.inner.extra.keys().map(String::as_str).collect();
        extra.sort_unstable();
        format!(
            "Token(access_token=<redacted>, token_type={}, refresh_token={}, expires_at={}, scope={}, id_token={}, dpop_key={}, extra_fields={:?})",
            opt(self.inner.token_type.as_deref()),
            if self.inner.refresh_token.is_some() {
                "<redacted>"
            } else {
                "None"
            },
            self.inner
                .expires_at
                .map_or("None".to_owned(), |t| format!("{}", unix(t) as u64)),
            opt(self.inner.scope.as_deref()),
            if self.inner.id_token.is_some() {
                "<redacted>"
            } else {
                "None"
            },
            if self.inner.dpop_key().is_some() {
                "<redacted>"
            } else {
                "None"
            },
            extra,
        )
    }
}

impl Token {
    fn lookup<'py>(&self, py: Python<'py>, key: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
        let s = |v: Option<&str>| v.map(|v| PyString::new(py, v).into_any());
        Ok(match key {
            "access_token" => Some(self.access_token.bind(py).clone().into_any()),
            "token_type" => s(self.inner.token_type.as_deref()),
            "refresh_token" => s(self.refresh_token()),
            "scope" => s(self.inner.scope.as_deref()),
            "id_token" => s(self.id_token()),
            "expires_at" => self
                .expires_at()
                .map(|f| f.into_pyobject(py))
                .transpose()?
                .map(Bound::into_any),
            other => self
                .inner
                .extra
                .get(other)
                .map(|v| json_to_py(py, v))
                .transpose()?,
        })
    }
}

trait Classify {
    fn classify_name(&self) -> &'static str;
}

impl Classify for serde_json::Error {
    /// Only the kind of failure: serde's message could quote part of the (secret) input.
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "I/O error",
            serde_json::error::Category::Syntax => "invalid JSON",
            serde_json::error::Category::Data => "JSON of the wrong shape",
            serde_json::error::Category::Eof => "truncated JSON",
        }
    }
}
