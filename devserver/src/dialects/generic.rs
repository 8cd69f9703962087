//! A generic authorization-code provider (`shared/providers/generic-oauth-authorization-code.md`),
//! under `/generic/`.
//!
//! - `GET /generic/oauth/authorize?response_type=code&client_id&redirect_uri&scope&state`
//!   → 302 with `code` and `state` (no `iss`: this server predates RFC 9207; PKCE
//!   parameters are ignored, as by a server that does not know PKCE).
//! - `POST /generic/oauth/token`, form body, `client_id` and `client_secret` IN THE BODY
//!   (client_secret_post only; HTTP Basic is refused with 401).
//!   `authorization_code` → `{access_token, token_type:"Bearer", expires_in, refresh_token}`.
//!   `refresh_token` → a new access token and NO new refresh token: the old one stays
//!   valid (no rotation), the plain RFC 6749 §6 behaviour.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::ledger;
use crate::app::{AppState, lock, tracked};
use crate::auth::redirect;
use crate::clients::{
    GENERIC_CLIENT_ID, GENERIC_CLIENT_SECRET, REDIRECT_LOCALHOST, REDIRECT_LOOPBACK,
};
use crate::endpoints::authorize::Reply;
use crate::http::basic::{self, Encoding};
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::http::{no_store, pages};
use crate::tokens::{random, scope};

const REDIRECT_URIS: [&str; 2] = [REDIRECT_LOOPBACK, REDIRECT_LOCALHOST];

pub(crate) fn routes(app: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/generic/oauth/authorize",
            tracked(app, "generic/authorize", get(authorize)),
        )
        .route(
            "/generic/oauth/token",
            tracked(app, "generic/token", post(token)),
        )
}

async fn authorize(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let client_id = params.get("client_id").unwrap_or_default();
    if client_id != GENERIC_CLIENT_ID {
        return pages::error(
            StatusCode::BAD_REQUEST,
            &format!("unknown client_id {client_id:?}"),
        );
    }
    let Some(redirect_uri) = params
        .get("redirect_uri")
        .filter(|r| redirect::matches(r, &REDIRECT_URIS))
    else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "redirect_uri is missing or not registered",
        );
    };
    let reply = Reply {
        redirect_uri,
        fragment: false,
        state: params.get("state"),
        iss: None,
    };
    if params.get("response_type") != Some("code") {
        return reply.error("unsupported_response_type", "response_type must be code");
    }
    let scope = match scope::requested(params.get("scope")) {
        Ok(s) => s,
        Err(e) => return reply.error("invalid_scope", e.description()),
    };
    let code = lock(&app.dialects.generic).new_code(client_id, &scope, Some(redirect_uri));
    reply.success(&[("code", &code)])
}

async fn token(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    match exchange(&app, &headers, &body) {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => e.into_response(),
    }
}

fn exchange(app: &AppState, headers: &HeaderMap, body: &[u8]) -> Result<Value, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&[])?;
    if basic::parse(headers, Encoding::Plain)
        .ok()
        .flatten()
        .is_some()
    {
        return Err(OAuthError::invalid_client(
            "this server takes client_id and client_secret in the form body, not HTTP Basic",
        ));
    }
    if params.get("client_id") != Some(GENERIC_CLIENT_ID)
        || params.get("client_secret") != Some(GENERIC_CLIENT_SECRET)
    {
        return Err(OAuthError::invalid_client(
            "bad or missing client_id / client_secret in the body",
        ));
    }
    let mut ledger = lock(&app.dialects.generic);
    match params.require("grant_type")? {
        "authorization_code" => {
            let code = ledger
                .redeem_code(params.require("code")?, GENERIC_CLIENT_ID)
                .map_err(OAuthError::invalid_grant)?;
            if params.get("redirect_uri") != code.redirect_uri.as_deref() {
                return Err(OAuthError::invalid_grant(
                    "redirect_uri must repeat the authorization request's",
                ));
            }
            let granted = ledger::grant(app, GENERIC_CLIENT_ID, &code.scope);
            let access_token = random::token(24);
            let refresh_token = random::token(24);
            ledger.remember_access(&access_token, granted.clone());
            ledger.remember_refresh(&refresh_token, granted);
            Ok(json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": app.token_lifetime(),
                "refresh_token": refresh_token,
            }))
        }
        "refresh_token" => {
            let old = ledger
                .peek_refresh(params.require("refresh_token")?)
                .cloned()
                .ok_or_else(|| OAuthError::invalid_grant("unknown refresh token"))?;
            let granted = ledger::grant(app, GENERIC_CLIENT_ID, &old.scope);
            let access_token = random::token(24);
            ledger.remember_access(&access_token, granted);
            Ok(json!({
                "access_token": access_token,
                "token_type": "Bearer",
                "expires_in": app.token_lifetime(),
            }))
        }
        other => Err(OAuthError::bad(
            "unsupported_grant_type",
            format!("grant_type {other:?} is not supported"),
        )),
    }
}
