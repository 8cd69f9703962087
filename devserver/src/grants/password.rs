//! `password` (RFC 6749 §4.3), for the users alice/wonderland and bob/builder.

use super::Ctx;
use crate::clients;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::{random, scope};

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let username = ctx.params.require("username")?;
    let password = ctx.params.require("password")?;
    if !clients::check_password(username, password) {
        return Err(OAuthError::invalid_grant("wrong username or password"));
    }
    let scope = scope::requested(ctx.params.get("scope"))?;
    let grant_id = random::token(12);
    ctx.issue(Issue::new(client.id, username, &scope).for_user(&grant_id, &scope))
}
