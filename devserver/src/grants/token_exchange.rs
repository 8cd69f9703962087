//! `urn:ietf:params:oauth:grant-type:token-exchange` (RFC 8693).
//!
//! A subject (and optional actor) token is accepted if this server issued it and it is
//! still active, or if it is a JWT signed by a registered client's key. The issued JWT
//! names the subject as `sub` and, for delegation, the actor in `act` (§4.1), nesting any
//! `act` the subject token already had.

use serde_json::{Value, json};

use super::Ctx;
use crate::app::lock;
use crate::auth::assertion::{self, Expect};
use crate::clients;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::scope;

pub(crate) const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
pub(crate) const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
pub(crate) const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
pub(crate) const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";

/// Who a presented token speaks for.
#[derive(Debug)]
struct Party {
    sub: String,
    scope: Option<String>,
    act: Option<Value>,
}

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let p = ctx.params;
    let subject = resolve(
        ctx,
        p.require("subject_token")?,
        p.require("subject_token_type")?,
        "subject_token",
    )?;
    let actor = match (p.get("actor_token"), p.get("actor_token_type")) {
        (None, None) => None,
        (Some(token), Some(kind)) => Some(resolve(ctx, token, kind, "actor_token")?),
        (Some(_), None) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type is required with actor_token",
            ));
        }
        (None, Some(_)) => {
            return Err(OAuthError::invalid_request(
                "actor_token_type without actor_token",
            ));
        }
    };
    let issued_type = match p.get("requested_token_type") {
        None => ACCESS_TOKEN,
        Some(t) if t == ACCESS_TOKEN || t == JWT => t,
        Some(other) => {
            return Err(OAuthError::invalid_request(format!(
                "requested_token_type {other:?} is not supported (access_token or jwt)"
            )));
        }
    };
    let scope = match (p.get("scope"), &subject.scope) {
        (Some(asked), Some(held)) => {
            let asked = scope::requested(Some(asked))?;
            if !scope::is_subset(&asked, held) {
                return Err(OAuthError::invalid_scope(format!(
                    "scope {asked:?} exceeds the subject token's {held:?}"
                )));
            }
            asked
        }
        (asked, held) => scope::requested(asked.or(held.as_deref()))?,
    };
    let mut what = Issue::new(client.id, &subject.sub, &scope);
    what.aud = p
        .all("audience")
        .into_iter()
        .chain(p.all("resource"))
        .map(str::to_owned)
        .collect();
    what.act = actor.map(|a| {
        let mut act = json!({ "sub": a.sub });
        if let (Some(prior), Some(map)) = (subject.act.clone(), act.as_object_mut()) {
            map.insert("act".to_owned(), prior);
        }
        act
    });
    let mut response = ctx.issue(what)?;
    response.issued_token_type = Some(issued_type.to_owned());
    Ok(response)
}

fn resolve(ctx: &Ctx<'_>, token: &str, kind: &str, which: &str) -> Result<Party, OAuthError> {
    let now = clock::now();
    let invalid = |why: &str| OAuthError::invalid_request(format!("{which} {why}"));
    match kind {
        ACCESS_TOKEN | JWT | ID_TOKEN => {}
        REFRESH_TOKEN => {
            let store = lock(&ctx.app.store);
            let r = store
                .active_refresh(token)
                .ok_or_else(|| invalid("is not an active refresh token of this server"))?;
            return Ok(Party {
                sub: r.sub.clone(),
                scope: Some(r.scope.clone()),
                act: None,
            });
        }
        other => return Err(invalid(&format!("has unsupported type {other:?}"))),
    }
    if let Some(a) = lock(&ctx.app.store).active_access(token, now) {
        return Ok(Party {
            sub: a.sub.clone(),
            scope: Some(a.scope.clone()),
            act: a.act.clone(),
        });
    }
    if kind == ACCESS_TOKEN {
        return Err(invalid("is not an active access token of this server"));
    }
    // An ID token (or other JWT) this server signed.
    if let Some(claims) = ctx.app.signer.verify(token) {
        return party_from_claims(&claims).ok_or_else(|| invalid("has no sub"));
    }
    // A JWT signed by a registered client's key.
    let issuer =
        assertion::unverified_issuer(token).ok_or_else(|| invalid("is not a JWT with an iss"))?;
    let signer = clients::lookup(&issuer)
        .filter(|c| c.key.is_some())
        .ok_or_else(|| {
            invalid(&format!(
                "was issued by {issuer:?}, which has no registered key"
            ))
        })?;
    let claims = assertion::verify(signer, token, &Expect::default()).map_err(|e| invalid(&e))?;
    party_from_claims(&claims).ok_or_else(|| invalid("has no sub"))
}

fn party_from_claims(claims: &Value) -> Option<Party> {
    Some(Party {
        sub: assertion::str_claim(claims, "sub")?.to_owned(),
        scope: assertion::str_claim(claims, "scope").map(str::to_owned),
        act: claims.get("act").cloned(),
    })
}
