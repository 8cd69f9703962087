//! `urn:openid:params:grant-type:ciba` (CIBA core 1.0 §10.1, poll mode).

use super::Ctx;
use super::polling::Decision;
use crate::app::lock;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::random;

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let auth_req_id = ctx.params.require("auth_req_id")?;
    let record = lock(&ctx.app.ciba).poll(auth_req_id, client.id, clock::now(), "auth_req_id")?;
    let Decision::Approved { sub } = &record.decision else {
        return Err(OAuthError::server_error(
            "CIBA request approved without a user",
        ));
    };
    let grant_id = random::token(12);
    ctx.issue(Issue::new(client.id, sub, &record.scope).for_user(&grant_id, &record.scope))
}
