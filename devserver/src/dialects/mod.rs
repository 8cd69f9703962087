//! Provider dialects, each under its own path prefix and faithful to its document in
//! `shared/providers/`. They are STRICT about the wire format the document shows
//! (query string vs body, form vs JSON, which Basic encoding), so a test that passes
//! against them proves the client speaks that provider's exact dialect.

mod callback_client;
mod deskera_v1;
mod deskera_v2;
mod desko;
mod generic;
mod ledger;
mod wire;

use std::sync::Mutex;

use axum::Router;

use crate::app::AppState;
use ledger::Ledger;

/// Each dialect's codes and tokens, kept apart from the standard endpoints' and from
/// each other's: a Deskera token is no good at `/resource`, and vice versa.
#[derive(Debug, Default)]
pub(crate) struct Dialects {
    deskera_v2: Mutex<Ledger>,
    deskera_v1: Mutex<Ledger>,
    desko: Mutex<Ledger>,
    generic: Mutex<Ledger>,
}

pub(crate) fn routes(app: &AppState) -> Router<AppState> {
    Router::new()
        .merge(deskera_v2::routes(app))
        .merge(deskera_v1::routes(app))
        .merge(desko::routes(app))
        .merge(generic::routes(app))
}
