//! Per-endpoint request counters and fault injection.
//!
//! Both run as a middleware in front of each endpoint's handler, so a fault can stand in
//! for any response the handler would give (a 503, a slow answer, a malformed body)
//! without the handlers knowing about it.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};

use crate::app::{AppState, lock};

/// Every endpoint name that is counted and can be given a fault.
pub const ENDPOINTS: &[&str] = &[
    "metadata",
    "jwks",
    "authorize",
    "token",
    "par",
    "introspect",
    "revoke",
    "device_authorization",
    "device",
    "device/approve",
    "bc-authorize",
    "ciba/approve",
    "userinfo",
    "userinfo/post",
    "resource",
    "mtls/token",
    "mtls/par",
    "mtls/introspect",
    "mtls/revoke",
    "mtls/device_authorization",
    "mtls/bc-authorize",
    "mtls/userinfo",
    "deskera-v2/authorize",
    "deskera-v2/token",
    "deskera-v2/validate",
    "deskera-v1/authorize",
    "deskera-v1/token",
    "deskera-v1/refresh",
    "deskera-v1/validate",
    "desko/token",
    "desko/resource",
    "generic/authorize",
    "generic/token",
];

/// A canned misbehaviour for the next `times` requests to `endpoint`.
///
/// The request is counted, then delayed by `delay_ms`; then, if `status` is non-zero, it
/// is answered with `status`, `body`, `content_type` and `headers` instead of reaching the
/// endpoint; with `status == 0` it is handled normally after the delay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fault {
    /// An endpoint name from [`ENDPOINTS`], e.g. `"token"`.
    pub endpoint: String,
    /// HTTP status to answer with; 0 leaves the response to the endpoint.
    pub status: u16,
    pub body: String,
    /// Defaults to `application/json`.
    pub content_type: String,
    pub delay_ms: u64,
    /// How many requests the fault applies to; defaults to 1 (0 is taken as 1).
    pub times: u32,
    /// Extra response headers, e.g. `("Retry-After", "2")`. In JSON either
    /// `[["Retry-After", "2"]]` or `{"Retry-After": "2"}`.
    #[serde(deserialize_with = "headers_either_way")]
    pub headers: Vec<(String, String)>,
}

/// Accepts a list of pairs (what `Vec<(String, String)>` serializes to) or, friendlier
/// for other languages, an object of name → value.
fn headers_either_way<'de, D: serde::Deserializer<'de>>(
    de: D,
) -> Result<Vec<(String, String)>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Headers {
        Pairs(Vec<(String, String)>),
        Object(BTreeMap<String, String>),
    }
    Ok(match Headers::deserialize(de)? {
        Headers::Pairs(pairs) => pairs,
        Headers::Object(map) => map.into_iter().collect(),
    })
}

impl Default for Fault {
    fn default() -> Self {
        Self {
            endpoint: String::new(),
            status: 0,
            body: String::new(),
            content_type: "application/json".to_owned(),
            delay_ms: 0,
            times: 1,
            headers: Vec::new(),
        }
    }
}

#[derive(Debug)]
pub(crate) struct Monitor {
    counts: Mutex<BTreeMap<String, u64>>,
    /// Requests being handled now, and a condition signalled when that drops to 0.
    in_flight: Mutex<u64>,
    idle: std::sync::Condvar,
    /// Pending faults in the order injected, each with its remaining uses.
    faults: Mutex<Vec<(Fault, u32)>>,
    /// Connections accepted since the start (TLS: completed handshakes).
    pub(crate) connections: std::sync::atomic::AtomicU64,
}

impl Monitor {
    pub(crate) fn new() -> Self {
        Self {
            counts: Mutex::new(zeroed()),
            in_flight: Mutex::new(0),
            idle: std::sync::Condvar::new(),
            faults: Mutex::new(Vec::new()),
            connections: std::sync::atomic::AtomicU64::new(0),
        }
    }

    pub(crate) fn hit(&self, endpoint: &str) {
        *lock(&self.counts).entry(endpoint.to_owned()).or_insert(0) += 1;
    }

    /// Marks a request as being handled until the guard is dropped (also when
    /// the handler is cancelled because its client went away).
    fn enter(&self) -> InFlight<'_> {
        *lock(&self.in_flight) += 1;
        InFlight(self)
    }

    /// Waits until no request is being handled, at most `timeout`; whether it was reached.
    pub(crate) fn wait_idle(&self, timeout: Duration) -> bool {
        let guard = lock(&self.in_flight);
        match self.idle.wait_timeout_while(guard, timeout, |n| *n > 0) {
            Ok((_, r)) => !r.timed_out(),
            Err(_) => false,
        }
    }

    pub(crate) fn count(&self, endpoint: &str) -> u64 {
        lock(&self.counts).get(endpoint).copied().unwrap_or(0)
    }

    /// All counters, including the ones still at 0, so a test reading `counts["token"]`
    /// from JSON never meets a missing key.
    pub(crate) fn counts(&self) -> BTreeMap<String, u64> {
        lock(&self.counts).clone()
    }

    pub(crate) fn reset_counts(&self) {
        *lock(&self.counts) = zeroed();
    }

    pub(crate) fn inject(&self, fault: Fault) {
        if !ENDPOINTS.contains(&fault.endpoint.as_str()) {
            tracing::warn!(endpoint = %fault.endpoint, "fault for an unknown endpoint will never fire");
        }
        let times = fault.times.max(1);
        lock(&self.faults).push((fault, times));
    }

    pub(crate) fn clear_faults(&self) {
        lock(&self.faults).clear();
    }

    /// Takes one use of the oldest pending fault for `endpoint`.
    fn take_fault(&self, endpoint: &str) -> Option<Fault> {
        let mut faults = lock(&self.faults);
        let index = faults.iter().position(|(f, _)| f.endpoint == endpoint)?;
        let fault = faults[index].0.clone();
        faults[index].1 -= 1;
        if faults[index].1 == 0 {
            faults.remove(index);
        }
        Some(fault)
    }
}

/// A request being handled (see [`Monitor::enter`]).
struct InFlight<'a>(&'a Monitor);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        let mut n = lock(&self.0.in_flight);
        *n = n.saturating_sub(1);
        if *n == 0 {
            self.0.idle.notify_all();
        }
    }
}

fn zeroed() -> BTreeMap<String, u64> {
    ENDPOINTS.iter().map(|e| ((*e).to_owned(), 0)).collect()
}

/// The middleware: count, then apply a pending fault, then (maybe) the real handler.
pub(crate) async fn track(
    State((app, endpoint)): State<(AppState, &'static str)>,
    request: Request,
    next: Next,
) -> Response {
    app.monitor.hit(endpoint);
    let _in_flight = app.monitor.enter();
    let Some(fault) = app.monitor.take_fault(endpoint) else {
        return next.run(request).await;
    };
    tracing::info!(
        endpoint,
        status = fault.status,
        delay_ms = fault.delay_ms,
        "injecting fault"
    );
    if fault.delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(fault.delay_ms)).await;
    }
    if fault.status == 0 {
        return next.run(request).await;
    }
    // Read the request's body first, as a real endpoint does: answered with
    // the body unread, hyper closes the connection, and a client that sends
    // its body after the headers (Python's http.client: requests, Authlib)
    // then reconnects for every request, which made canned-answer benchmarks
    // time a TCP (or TLS) handshake per request for those clients only.
    let _ = axum::body::to_bytes(request.into_body(), 1 << 20).await;
    canned(&fault)
}

fn canned(fault: &Fault) -> Response {
    let status = StatusCode::from_u16(fault.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, fault.body.clone()).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&fault.content_type) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    for (name, value) in &fault.headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => tracing::warn!(%name, "skipping an invalid fault header"),
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fault_json_defaults_and_header_shapes() {
        let f: Fault =
            serde_json::from_str(r#"{"endpoint":"token","headers":{"Retry-After":"2"}}"#)
                .expect("object headers");
        assert_eq!(
            (f.status, f.times, f.content_type.as_str()),
            (0, 1, "application/json")
        );
        assert_eq!(f.headers, vec![("Retry-After".to_owned(), "2".to_owned())]);
        let f: Fault = serde_json::from_str(r#"{"endpoint":"token","headers":[["A","b"]]}"#)
            .expect("pair headers");
        assert_eq!(f.headers, vec![("A".to_owned(), "b".to_owned())]);
    }
}
