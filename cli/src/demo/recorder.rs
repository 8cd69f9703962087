//! A transport that forwards to the core's reqwest transport and notes what
//! each request carried — method, path, client authentication, parameter
//! *names* — so the demo table shows what really went on the wire. Values are
//! never kept: only names, and the `alg` of a client assertion's header.

use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth2kit::transport::{BoxFuture, ReqwestTransport, Transport};
use oauth2kit::{HttpOptions, HttpRequest, HttpResponse, Result};

#[derive(Debug)]
pub struct Recorder {
    inner: ReqwestTransport,
    sent: Mutex<Vec<String>>,
}

impl Recorder {
    /// Must be created with the blocking runtime entered (reqwest binds to it).
    pub fn new() -> Result<Arc<Self>> {
        let rt = oauth2kit::blocking::handle()?;
        let _guard = rt.enter();
        Ok(Arc::new(Recorder {
            inner: ReqwestTransport::new(HttpOptions::default())?,
            sent: Mutex::new(Vec::new()),
        }))
    }

    /// The descriptions noted since the last call.
    pub fn take(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .sent
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner),
        )
    }
}

impl Transport for Recorder {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse>> {
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(describe(&request));
        self.inner.send(request)
    }
}

/// `POST /token [client_secret_basic] grant_type, scope`.
pub fn describe(req: &HttpRequest) -> String {
    let mut names: Vec<String> = req.url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    let mut assertion_alg = None;
    let ctype = req.header("content-type").unwrap_or("");
    if ctype.starts_with("application/json") {
        if let Ok(serde_json::Value::Object(m)) =
            serde_json::from_slice::<serde_json::Value>(&req.body)
        {
            names.extend(m.keys().cloned());
        }
    } else if !req.body.is_empty() {
        for (k, v) in url::form_urlencoded::parse(&req.body) {
            if k == "client_assertion" {
                assertion_alg = jwt_alg(&v);
            }
            names.push(k.into_owned());
        }
    }
    if req.method == oauth2kit::Method::Get {
        // A front-channel, metadata or API request: show how a token is presented, if one is.
        let q = if names.is_empty() {
            String::new()
        } else {
            format!(" query: {}", names.join(", "))
        };
        let presented = req.headers.iter().find(|(n, v)| {
            n.to_ascii_lowercase().contains("token")
                || (n.eq_ignore_ascii_case("authorization") && v.starts_with("Bearer "))
        });
        let via = presented.map(|(n, v)| {
            if v.starts_with("Bearer ") {
                " [Bearer token]".to_string()
            } else {
                format!(" [{n} header]")
            }
        });
        return format!("GET {}{}{q}", req.url.path(), via.unwrap_or_default());
    }
    let has = |n: &str| names.iter().any(|x| x == n);
    let auth = match req.header("authorization") {
        Some(v) if v.starts_with("Basic ") => "client_secret_basic".to_string(),
        Some(v) if v.starts_with("Bearer ") => "Bearer token".to_string(),
        _ if has("client_assertion") => match assertion_alg.as_deref() {
            Some("HS256") => "client_secret_jwt HS256".to_string(),
            Some(alg) => format!("private_key_jwt {alg}"),
            None => "client assertion".to_string(),
        },
        _ if has("client_secret") => "client_secret_post".to_string(),
        _ if has("client_id") => "none (client_id only)".to_string(),
        _ => "no client auth".to_string(),
    };
    // Client authentication parameters are summarised by `auth`; list the rest.
    let auth_params = [
        "client_id",
        "client_secret",
        "client_assertion",
        "client_assertion_type",
    ];
    let shown: Vec<&str> = names
        .iter()
        .map(String::as_str)
        .filter(|n| !auth_params.contains(n))
        .collect();
    let location = if req.url.query().is_some() && req.body.is_empty() {
        "query"
    } else {
        "body"
    };
    let params = if shown.is_empty() {
        String::new()
    } else {
        format!(" {location}: {}", shown.join(", "))
    };
    format!(
        "{} {} [{auth}]{params}",
        req.method.as_str(),
        req.url.path()
    )
}

/// The `alg` of a JWT's header (public information, unlike the rest of it).
fn jwt_alg(jwt: &str) -> Option<String> {
    let header = URL_SAFE_NO_PAD.decode(jwt.split('.').next()?).ok()?;
    let v: serde_json::Value = serde_json::from_slice(&header).ok()?;
    v.get("alg")?.as_str().map(str::to_string)
}
