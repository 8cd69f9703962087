//! `GET /jwks`: the public keys that verify every JWT the server signs, cacheable
//! for five minutes (`Cache-Control: max-age=300`).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::app::AppState;

/// How long clients may cache the key set.
pub const JWKS_MAX_AGE: u64 = 300;

pub(crate) async fn handler(State(app): State<AppState>) -> Response {
    (
        [(
            header::CACHE_CONTROL,
            format!("public, max-age={JWKS_MAX_AGE}"),
        )],
        Json(app.signer.jwks()),
    )
        .into_response()
}
