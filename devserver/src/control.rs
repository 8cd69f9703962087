//! The control API over HTTP, for test suites in other languages. Each call mirrors a
//! method of [`crate::DevServer`]. Not counted and never faulted.

use std::sync::Mutex;

use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;

use crate::app::{AppState, lock};
use crate::endpoints::jarm::Corruption;
use crate::grants::polling::PollBook;
use crate::http::json_body::{self, bad_request, ok};
use crate::monitor::{ENDPOINTS, Fault};
use crate::tokens::signer::IdTokenAlg;

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/control/counts", get(counts))
        .route("/control/connections", get(connections))
        .route("/control/reset", post(reset))
        .route("/control/fault", post(fault))
        .route("/control/faults/clear", post(clear_faults))
        .route("/control/token-lifetime", post(token_lifetime))
        .route("/control/callback-uri", post(callback_uri))
        .route("/control/device", post(device_config))
        .route("/control/device-next", post(device_next))
        .route("/control/ciba", post(ciba_config))
        .route("/control/ciba-next", post(ciba_next))
        .route("/control/id-token", post(id_token))
        .route("/control/rotate-key", post(rotate_key))
        .route("/control/userinfo", post(userinfo))
        .route("/control/dpop", post(dpop))
        // JARM knob (endpoints/jarm.rs)
        .route("/control/jarm", post(jarm))
}

/// Parses a JSON body or returns the 400 for it.
macro_rules! body {
    ($bytes:expr) => {
        match json_body::parse(&$bytes) {
            Ok(v) => v,
            Err(message) => return bad_request(&message),
        }
    };
}

/// `{"connections": N}`: connections accepted since the start (benchmarks show reuse with it).
async fn connections(State(app): State<AppState>) -> Response {
    let n = app
        .monitor
        .connections
        .load(std::sync::atomic::Ordering::Relaxed);
    Json(serde_json::json!({ "connections": n })).into_response()
}

async fn counts(State(app): State<AppState>) -> Response {
    Json(app.monitor.counts()).into_response()
}

/// Counters, faults and forced poll answers; settings (lifetimes, callback URIs) stay.
async fn reset(State(app): State<AppState>) -> Response {
    reset_all(&app);
    ok()
}

pub(crate) fn reset_all(app: &AppState) {
    app.monitor.reset_counts();
    app.monitor.clear_faults();
    lock(&app.device).clear_forced();
    lock(&app.ciba).clear_forced();
}

async fn fault(State(app): State<AppState>, bytes: Bytes) -> Response {
    let fault: Fault = body!(bytes);
    if !ENDPOINTS.contains(&fault.endpoint.as_str()) {
        return bad_request(&format!(
            "unknown endpoint {:?}; known: {}",
            fault.endpoint,
            ENDPOINTS.join(", ")
        ));
    }
    app.monitor.inject(fault);
    ok()
}

async fn clear_faults(State(app): State<AppState>) -> Response {
    app.monitor.clear_faults();
    ok()
}

#[derive(Debug, Deserialize)]
struct Lifetime {
    seconds: u64,
}

async fn token_lifetime(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: Lifetime = body!(bytes);
    lock(&app.settings).token_lifetime = body.seconds;
    ok()
}

#[derive(Debug, Deserialize)]
struct CallbackUri {
    client_id: String,
    uri: String,
}

async fn callback_uri(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: CallbackUri = body!(bytes);
    if url::Url::parse(&body.uri).is_err() {
        return bad_request("uri must be an absolute URL");
    }
    lock(&app.settings)
        .callback_uris
        .insert(body.client_id, body.uri);
    ok()
}

#[derive(Debug, Deserialize)]
struct PollSettings {
    expires_in: Option<u64>,
    interval: Option<u64>,
}

fn configure(book: &Mutex<PollBook>, settings: PollSettings) -> Response {
    let mut book = lock(book);
    if let Some(expires_in) = settings.expires_in {
        book.config.expires_in = expires_in;
    }
    if let Some(interval) = settings.interval {
        book.config.interval = interval;
    }
    ok()
}

async fn device_config(State(app): State<AppState>, bytes: Bytes) -> Response {
    configure(&app.device, body!(bytes))
}

async fn ciba_config(State(app): State<AppState>, bytes: Bytes) -> Response {
    configure(&app.ciba, body!(bytes))
}

#[derive(Debug, Deserialize)]
struct NextAnswer {
    error: String,
    #[serde(default, alias = "device_code", alias = "auth_req_id")]
    target: Option<String>,
}

/// `{"claims": {...}, "kid": "...", "alg": "ES512"}`: claims merged into every ID
/// token from now on (`null` removes one), a `kid` for their headers, and the
/// algorithm of ID tokens and signed userinfo (`RS256` or `ES512`); `{}` restores
/// the defaults (RS256 among them).
#[derive(Debug, Deserialize)]
struct IdTokenKnobs {
    #[serde(default)]
    claims: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default)]
    alg: Option<String>,
}

async fn id_token(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: IdTokenKnobs = body!(bytes);
    let alg = match body.alg.as_deref().map(IdTokenAlg::from_name) {
        None => IdTokenAlg::default(),
        Some(Some(alg)) => alg,
        Some(None) => return bad_request("alg must be RS256 or ES512"),
    };
    let mut settings = lock(&app.settings);
    settings.id_token_claims = body.claims;
    settings.id_token_kid = body.kid;
    settings.id_token_alg = alg;
    ok()
}

async fn rotate_key(State(app): State<AppState>) -> Response {
    app.signer.rotate();
    ok()
}

/// `{"signed": true, "claims": {...}}`: signed `/userinfo` answers, claims merged in.
#[derive(Debug, Deserialize)]
struct UserinfoKnobs {
    #[serde(default)]
    signed: bool,
    #[serde(default)]
    claims: serde_json::Map<String, serde_json::Value>,
}

async fn userinfo(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: UserinfoKnobs = body!(bytes);
    let mut settings = lock(&app.settings);
    settings.userinfo_signed = body.signed;
    settings.userinfo_claims = body.claims;
    ok()
}

/// `{"token_nonce": true, "resource_nonce": true, "token_type": "Bearer", "clock_offset": 600}`:
/// demand a (new, random) DPoP nonce at the token endpoint and at protected resources,
/// answer DPoP-bound token requests with another `token_type`, and check proofs' `iat`
/// against a clock that many seconds ahead (so a fresh proof is stale); `{}` restores
/// the defaults.
#[derive(Debug, Deserialize)]
struct DpopKnobs {
    #[serde(default)]
    token_nonce: bool,
    #[serde(default)]
    resource_nonce: bool,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    clock_offset: i64,
}

async fn dpop(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: DpopKnobs = body!(bytes);
    set_dpop(&app, body.token_nonce, body.resource_nonce, body.token_type);
    lock(&app.settings).dpop_clock_offset = body.clock_offset;
    ok()
}

pub(crate) fn set_dpop(
    app: &AppState,
    token_nonce: bool,
    resource_nonce: bool,
    token_type: Option<String>,
) {
    let mut settings = lock(&app.settings);
    settings.dpop_token_nonce =
        token_nonce.then(|| format!("as-{}", crate::tokens::random::token(12)));
    settings.dpop_resource_nonce =
        resource_nonce.then(|| format!("rs-{}", crate::tokens::random::token(12)));
    settings.dpop_token_type = token_type;
}

async fn device_next(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: NextAnswer = body!(bytes);
    lock(&app.device).force_next(body.target, body.error);
    ok()
}

async fn ciba_next(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: NextAnswer = body!(bytes);
    lock(&app.ciba).force_next(body.target, body.error);
    ok()
}

// --- JARM knob (endpoints/jarm.rs) ---

/// `{"corrupt": "signature"}`: from now on `/authorize` spoils its JARM responses
/// that way (`signature`, `iss`, `aud`, `exp`, `alg_none`, `plain`, `encrypted`);
/// `{}` or `{"corrupt": null}` restores correct responses.
#[derive(Debug, Deserialize)]
struct JarmKnobs {
    #[serde(default)]
    corrupt: Option<String>,
}

async fn jarm(State(app): State<AppState>, bytes: Bytes) -> Response {
    let body: JarmKnobs = body!(bytes);
    let corruption = match body.corrupt.as_deref().map(Corruption::from_name) {
        None => None,
        Some(Some(c)) => Some(c),
        Some(None) => {
            return bad_request(
                "corrupt must be one of signature, iss, aud, exp, alg_none, plain, encrypted",
            );
        }
    };
    lock(&app.settings).jarm_corruption = corruption;
    ok()
}
