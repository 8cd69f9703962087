//! `refresh_token` (RFC 6749 §6) with rotation: each use returns a new refresh token and
//! retires the old one; presenting a retired one is treated as theft and ends the whole
//! grant (RFC 9700 §4.14.2).

use super::Ctx;
use crate::app::lock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::scope;

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let token = ctx.params.require("refresh_token")?;
    let (record, scope) = {
        let mut store = lock(&ctx.app.store);
        let Some(record) = store.refresh.get(token).cloned() else {
            return Err(OAuthError::invalid_grant("unknown refresh token"));
        };
        if record.client_id != client.id {
            return Err(OAuthError::invalid_grant(
                "the refresh token was issued to another client",
            ));
        }
        if record.revoked || store.grant_revoked(&record.grant_id) {
            return Err(OAuthError::invalid_grant("the refresh token was revoked"));
        }
        if record.rotated {
            store.revoke_grant(&record.grant_id);
            return Err(OAuthError::invalid_grant(
                "the refresh token was already used (rotation); the grant is revoked",
            ));
        }
        // Checked before the token is spent, so a refused request leaves it usable.
        if let Some(bound) = &record.jkt {
            if ctx.dpop_jkt.as_ref() != Some(bound) {
                return Err(OAuthError::bad(
                    "invalid_dpop_proof",
                    "the refresh token is bound to a DPoP key; prove that key",
                ));
            }
        }
        let scope = narrowed_scope(ctx.params.get("scope"), &record.scope)?;
        if let Some(r) = store.refresh.get_mut(token) {
            r.rotated = true;
        }
        (record, scope)
    };
    // OpenID Connect Core §12.2: a refreshed ID token keeps the original `auth_time`
    // and carries no nonce.
    let mut what =
        Issue::new(client.id, &record.sub, &scope).for_user(&record.grant_id, &record.scope);
    what.auth_time = Some(record.auth_time);
    ctx.issue(what)
}

/// The requested scope if it is within the grant's (RFC 6749 §6), else the grant's.
fn narrowed_scope(asked: Option<&str>, granted: &str) -> Result<String, OAuthError> {
    let Some(asked) = asked else {
        return Ok(granted.to_owned());
    };
    let asked = scope::requested(Some(asked))?;
    if !scope::is_subset(&asked, granted) {
        return Err(OAuthError::invalid_scope(format!(
            "scope {asked:?} exceeds the grant's {granted:?}"
        )));
    }
    Ok(asked)
}
