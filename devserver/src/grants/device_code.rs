//! `urn:ietf:params:oauth:grant-type:device_code` (RFC 8628 §3.4).

use super::Ctx;
use super::polling::Decision;
use crate::app::lock;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::random;

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let device_code = ctx.params.require("device_code")?;
    let record = lock(&ctx.app.device).poll(device_code, client.id, clock::now(), "device_code")?;
    let Decision::Approved { sub } = &record.decision else {
        return Err(OAuthError::server_error(
            "device code approved without a user",
        ));
    };
    let grant_id = random::token(12);
    ctx.issue(Issue::new(client.id, sub, &record.scope).for_user(&grant_id, &record.scope))
}
