//! `urn:ietf:params:oauth:grant-type:jwt-bearer` (RFC 7523 §2.1): a JWT signed with a
//! registered client's key stands for a user (`sub`).

use super::Ctx;
use crate::app::lock;
use crate::auth::assertion::{self, Expect};
use crate::clients;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::scope;

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let jwt = ctx.params.require("assertion")?;
    let issuer = assertion::unverified_issuer(jwt)
        .ok_or_else(|| OAuthError::invalid_grant("assertion is not a JWT with an iss claim"))?;
    let signer = clients::lookup(&issuer)
        .filter(|c| c.key.is_some())
        .ok_or_else(|| {
            OAuthError::invalid_grant(format!(
                "iss {issuer:?} is not a client with a registered key"
            ))
        })?;
    let audiences = [ctx.app.base_url.clone(), ctx.app.url("/token")];
    let expect = Expect {
        audiences: &audiences,
        sub: None,
        require_sub_and_jti: true,
    };
    let claims = assertion::verify(signer, jwt, &expect).map_err(OAuthError::invalid_grant)?;
    let jti = assertion::str_claim(&claims, "jti").unwrap_or_default();
    let key = format!("grant|{}|{jti}", signer.id);
    if !lock(&ctx.app.store).fresh_jti(key, assertion::exp(&claims), clock::now()) {
        return Err(OAuthError::invalid_grant(format!(
            "assertion jti {jti:?} was already used"
        )));
    }
    let sub = assertion::str_claim(&claims, "sub").unwrap_or_default();
    let client_id = ctx.client.map_or(signer.id, |c| c.id);
    let scope = scope::requested(ctx.params.get("scope"))?;
    ctx.issue(Issue::new(client_id, sub, &scope))
}
