//! Protected resources (RFC 6750): `/userinfo` and `/resource` accept a valid, unrevoked,
//! unexpired access token from `Authorization: Bearer`.
//!
//! `/userinfo` (OpenID Connect Core §5.3) answers JSON, or a JWT signed with the ID
//! token key (`application/jwt`, with `iss` and `aud`) when a test turned that on.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::{AppState, lock};
use crate::clock;
use crate::http::bearer;
use crate::tokens::store::AccessRecord;

/// The token's record, or the 401 to answer with.
fn authorize(app: &AppState, headers: &HeaderMap) -> Result<AccessRecord, Box<Response>> {
    let Some(token) = bearer::token(headers) else {
        return Err(Box::new(bearer::unauthorized(false, "no Bearer token")));
    };
    let record = lock(&app.store).active_access(token, clock::now()).cloned();
    record.ok_or_else(|| {
        Box::new(bearer::unauthorized(
            true,
            "the access token is unknown, expired or revoked",
        ))
    })
}

pub(crate) async fn userinfo(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let token = match authorize(&app, &headers) {
        Ok(token) => token,
        Err(response) => return *response,
    };
    let mut claims = json!({
        "sub": token.sub,
        "scope": token.scope,
        "name": token.sub,
        "email": format!("{}@example.com", token.sub),
    });
    let (signed, overrides) = {
        let settings = lock(&app.settings);
        (settings.userinfo_signed, settings.userinfo_claims.clone())
    };
    if let Some(map) = claims.as_object_mut() {
        if signed {
            map.insert("iss".to_owned(), json!(app.base_url));
            map.insert("aud".to_owned(), json!(token.client_id));
        }
        for (name, value) in overrides {
            if value.is_null() {
                map.remove(&name);
            } else {
                map.insert(name, value);
            }
        }
    }
    if !signed {
        return Json(claims).into_response();
    }
    match app.signer.sign_id_token(&claims, None) {
        Ok(jwt) => ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn resource(State(app): State<AppState>, headers: HeaderMap) -> Response {
    match authorize(&app, &headers) {
        Ok(token) => Json(json!({
            "sub": token.sub,
            "scope": token.scope,
            "client_id": token.client_id,
        }))
        .into_response(),
        Err(response) => *response,
    }
}
