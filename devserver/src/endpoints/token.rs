//! `POST /token` (RFC 6749 §3.2): form body only, strict client authentication, then the
//! grant named by `grant_type`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};

use crate::app::AppState;
use crate::auth::client_auth::{self, Requirement};
use crate::auth::dpop;
use crate::auth::mtls::PeerCertificate;
use crate::grants::{self, Ctx};
use crate::http::error::OAuthError;
use crate::http::params::Params;

/// Parameters that extensions allow to repeat (RFC 8707 `resource`, RFC 8693 `audience`).
const REPEATABLE: [&str; 2] = ["resource", "audience"];

pub(crate) async fn handler(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    uri: Uri,
    body: Bytes,
) -> Response {
    match token(&app, &headers, &peer, uri.path(), &body) {
        Ok(response) => response.into_response(),
        Err(e) => e.into_response(),
    }
}

fn token(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    path: &str,
    body: &[u8],
) -> Result<impl IntoResponse, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&REPEATABLE)?;
    let grant_type = params.require("grant_type")?;
    let requirement = if grants::client_optional(grant_type) {
        Requirement::Optional
    } else {
        Requirement::Required
    };
    let client =
        client_auth::authenticate(app, headers, peer, &params, &app.url(path), requirement)?;
    // DPoP before the grant: a refused proof must not spend a code or a refresh token.
    // `/token` or its mTLS alias `/mtls/token`: the URL the proof was made for.
    let dpop_jkt = dpop::check_at_server(app, headers, path)?;
    tracing::debug!(grant_type, client = client.map(|c| c.id), "token request");
    let ctx = Ctx {
        app,
        client,
        params: &params,
        dpop_jkt,
        // RFC 8705 §3: tokens issued over a client certificate are bound to it.
        x5t: peer.thumbprint(),
    };
    grants::dispatch(grant_type, &ctx)
}
