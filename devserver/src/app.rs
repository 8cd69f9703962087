//! The shared state of one server and the router that wires every endpoint to it.

use std::ops::Deref;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};

use crate::dialects::{self, Dialects};
use crate::grants::polling::{PollBook, PollConfig};
use crate::monitor::{self, Monitor};
use crate::settings::Settings;
use crate::tokens::signer::Signer;
use crate::tokens::store::Store;
use crate::{control, endpoints};

/// Cheap to clone; every handler gets one.
#[derive(Debug, Clone)]
pub(crate) struct AppState(Arc<Inner>);

#[derive(Debug)]
pub(crate) struct Inner {
    /// `http://127.0.0.1:PORT`: the issuer, and the prefix of every endpoint URL.
    pub(crate) base_url: String,
    pub(crate) signer: Signer,
    pub(crate) monitor: Monitor,
    pub(crate) settings: Mutex<Settings>,
    pub(crate) store: Mutex<Store>,
    pub(crate) device: Mutex<PollBook>,
    pub(crate) ciba: Mutex<PollBook>,
    pub(crate) dialects: Dialects,
    /// The throw-away CA of an HTTPS server: `tls_client_auth` certificates must chain to it.
    pub(crate) tls_ca: Option<rustls::pki_types::CertificateDer<'static>>,
}

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

/// Default device-code lifetime and polling interval (RFC 8628 §3.2).
const DEVICE_DEFAULTS: PollConfig = PollConfig {
    expires_in: 600,
    interval: 5,
};
/// Default CIBA request lifetime and polling interval.
const CIBA_DEFAULTS: PollConfig = PollConfig {
    expires_in: 300,
    interval: 5,
};

impl AppState {
    pub(crate) fn new(
        base_url: String,
        tls_ca: Option<rustls::pki_types::CertificateDer<'static>>,
    ) -> Result<Self, String> {
        Ok(Self(Arc::new(Inner {
            base_url,
            signer: Signer::load()?,
            monitor: Monitor::new(),
            settings: Mutex::new(Settings::default()),
            store: Mutex::new(Store::default()),
            device: Mutex::new(PollBook::new(DEVICE_DEFAULTS)),
            ciba: Mutex::new(PollBook::new(CIBA_DEFAULTS)),
            dialects: Dialects::default(),
            tls_ca,
        })))
    }

    /// The absolute URL of a path on this server.
    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub(crate) fn token_lifetime(&self) -> u64 {
        lock(&self.settings).token_lifetime
    }

    pub(crate) fn callback_uri(&self, client_id: &str) -> Option<String> {
        lock(&self.settings).callback_uris.get(client_id).cloned()
    }
}

/// Locks a mutex, shrugging off poisoning: a handler that panicked mid-update leaves test
/// data at worst inconsistent, and refusing every later request would be worse.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Puts the counter-and-fault middleware in front of one endpoint.
pub(crate) fn tracked(
    app: &AppState,
    endpoint: &'static str,
    route: MethodRouter<AppState>,
) -> MethodRouter<AppState> {
    route.layer(axum::middleware::from_fn_with_state(
        (app.clone(), endpoint),
        monitor::track,
    ))
}

pub(crate) fn router(app: AppState) -> Router {
    use endpoints::{
        authorize, ciba, device, introspect, jwks, metadata, par, resource, revoke, token,
    };
    let t = |name, route| tracked(&app, name, route);
    Router::new()
        .route(
            "/.well-known/oauth-authorization-server",
            t("metadata", get(metadata::handler)),
        )
        .route(
            "/.well-known/openid-configuration",
            t("metadata", get(metadata::handler)),
        )
        .route("/jwks", t("jwks", get(jwks::handler)))
        .route("/authorize", t("authorize", get(authorize::handler)))
        .route("/token", t("token", post(token::handler)))
        .route("/par", t("par", post(par::handler)))
        .route("/introspect", t("introspect", post(introspect::handler)))
        .route("/revoke", t("revoke", post(revoke::handler)))
        .route(
            "/device_authorization",
            t("device_authorization", post(device::authorize)),
        )
        .route("/device", t("device", get(device::page)))
        .route(
            "/device/approve",
            t("device/approve", post(device::approve)),
        )
        .route("/bc-authorize", t("bc-authorize", post(ciba::authorize)))
        .route("/ciba/approve", t("ciba/approve", post(ciba::approve)))
        .route(
            "/userinfo",
            // Counted apart, so tests see which method a client used.
            t("userinfo", get(resource::userinfo))
                .merge(t("userinfo/post", post(resource::userinfo))),
        )
        .route("/resource", t("resource", get(resource::resource)))
        // RFC 8705 §5 aliases (advertised by HTTPS servers): the same handlers, counted
        // apart so tests see which endpoint a client used.
        .route("/mtls/token", t("mtls/token", post(token::handler)))
        .route("/mtls/par", t("mtls/par", post(par::handler)))
        .route(
            "/mtls/introspect",
            t("mtls/introspect", post(introspect::handler)),
        )
        .route("/mtls/revoke", t("mtls/revoke", post(revoke::handler)))
        .route(
            "/mtls/device_authorization",
            t("mtls/device_authorization", post(device::authorize)),
        )
        .route(
            "/mtls/bc-authorize",
            t("mtls/bc-authorize", post(ciba::authorize)),
        )
        .route(
            "/mtls/userinfo",
            t(
                "mtls/userinfo",
                get(resource::userinfo).post(resource::userinfo),
            ),
        )
        .merge(dialects::routes(&app))
        .merge(control::routes())
        .fallback(not_found)
        .with_state(app)
}

async fn not_found() -> Response {
    (
        StatusCode::NOT_FOUND,
        "not found (see devserver/README.md for the endpoints)\n",
    )
        .into_response()
}
