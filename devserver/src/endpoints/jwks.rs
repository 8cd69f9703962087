//! `GET /jwks`: the public key that verifies every JWT the server signs.

use axum::Json;
use axum::extract::State;
use serde_json::Value;

use crate::app::AppState;

pub(crate) async fn handler(State(app): State<AppState>) -> Json<Value> {
    Json(app.signer.jwks().clone())
}
