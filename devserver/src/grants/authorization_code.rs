//! `authorization_code` (RFC 6749 §4.1.3) with PKCE (RFC 7636 §4.6).

use super::Ctx;
use crate::app::lock;
use crate::auth::pkce;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let code = ctx.params.require("code")?;
    let record = {
        let mut store = lock(&ctx.app.store);
        let Some(record) = store.codes.get_mut(code) else {
            return Err(OAuthError::invalid_grant("unknown authorization code"));
        };
        if record.client_id != client.id {
            return Err(OAuthError::invalid_grant(
                "the code was issued to another client",
            ));
        }
        // RFC 9449 §10: checked before the code is spent.
        if let Some(bound) = &record.dpop_jkt {
            if ctx.dpop_jkt.as_ref() != Some(bound) {
                return Err(OAuthError::invalid_grant(
                    "the code is bound (dpop_jkt) to another DPoP key",
                ));
            }
        }
        if record.used {
            // §4.1.2: a reused code revokes the tokens already issued from it.
            let grant_id = record.grant_id.clone();
            store.revoke_grant(&grant_id);
            return Err(OAuthError::invalid_grant(
                "the code was already used; its tokens are revoked",
            ));
        }
        record.used = true;
        record.clone()
    };
    if clock::now() >= record.expires_at {
        return Err(OAuthError::invalid_grant("the code has expired"));
    }
    // §4.1.3: redirect_uri must repeat the one from the authorization request.
    if let Some(expected) = &record.redirect_uri {
        match ctx.params.get("redirect_uri") {
            Some(sent) if sent == expected => {}
            Some(sent) => {
                return Err(OAuthError::invalid_grant(format!(
                    "redirect_uri {sent:?} differs from the authorization request's {expected:?}"
                )));
            }
            None => {
                return Err(OAuthError::invalid_grant(
                    "redirect_uri is required: the authorization request had one",
                ));
            }
        }
    }
    match (&record.challenge, ctx.params.get("code_verifier")) {
        (None, None) => {}
        // RFC 9700 §2.1.1: a verifier without a challenge is a downgrade attempt.
        (None, Some(_)) => {
            return Err(OAuthError::invalid_grant(
                "code_verifier sent, but the authorization request had no code_challenge",
            ));
        }
        (Some(_), None) => return Err(OAuthError::invalid_grant("code_verifier is missing")),
        (Some(challenge), Some(verifier)) => {
            if !pkce::well_formed(verifier) {
                return Err(OAuthError::invalid_grant(
                    "code_verifier must be 43-128 characters of [A-Za-z0-9-._~]",
                ));
            }
            if !pkce::verify(challenge, verifier) {
                return Err(OAuthError::invalid_grant(
                    "code_verifier does not match code_challenge",
                ));
            }
        }
    }
    let mut what =
        Issue::new(client.id, &record.sub, &record.scope).for_user(&record.grant_id, &record.scope);
    what.nonce = record.nonce;
    what.authorization_details = record.authorization_details;
    what.code = Some(code.to_owned());
    what.auth_time = Some(record.auth_time);
    ctx.issue(what)
}
