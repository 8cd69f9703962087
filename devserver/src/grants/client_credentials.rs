//! `client_credentials` (RFC 6749 §4.4): the client acts for itself; no refresh token
//! (§4.4.3).

use super::Ctx;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::{rar, scope};

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    // §4.4: "The client credentials grant type MUST only be used by confidential clients."
    if client.is_public() {
        return Err(OAuthError::unauthorized_client(
            "a public client cannot use client_credentials",
        ));
    }
    let scope = scope::requested(ctx.params.get("scope"))?;
    let mut what = Issue::new(client.id, client.id, &scope);
    what.authorization_details = rar::requested_at_token(ctx.params.get(rar::PARAM))?;
    ctx.issue(what)
}
