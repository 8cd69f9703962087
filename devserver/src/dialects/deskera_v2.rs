//! Deskera OAuth 2.0 V2 (`shared/providers/deskera-oauth-v2.md`), under `/deskera-v2/`.
//!
//! - `GET /deskera-v2/?client_id&scope=write&state&response_type=code`: the OAuth link.
//!   It has no `redirect_uri`: the browser goes to the one registered for the client,
//!   which here is set with `set_callback_uri` / `POST /control/callback-uri`. A link
//!   that does carry `redirect_uri` is refused (400), because the document has none.
//! - `POST /deskera-v2/v2/oauth/token?grant_type=authorization_code&scope=write&code=…`
//!   and `?grant_type=refresh_token&refresh_token=…`, with plain
//!   `Authorization: Basic base64(clientId:clientSecret)` and an empty body. Refresh
//!   tokens rotate.
//! - `GET /deskera-v2/v1/iam/token/app/validate` with `x-access-token`: 200 or 401.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use super::ledger::{self, Token};
use super::wire;
use crate::app::{AppState, lock, tracked};
use crate::clients::{DESKERA_V2_CLIENT_ID, DESKERA_V2_CLIENT_SECRET};
use crate::endpoints::authorize::Reply;
use crate::http::error::OAuthError;
use crate::http::pages;
use crate::http::params::Params;

const PREFIX: &str = "/deskera-v2";

pub(crate) fn routes(app: &AppState) -> Router<AppState> {
    let link = || tracked(app, "deskera-v2/authorize", get(link));
    Router::new()
        .route("/deskera-v2/", link())
        .route("/deskera-v2", link())
        .route(
            "/deskera-v2/v2/oauth/token",
            tracked(app, "deskera-v2/token", post(token)),
        )
        .route(
            "/deskera-v2/v1/iam/token/app/validate",
            tracked(app, "deskera-v2/validate", get(validate)),
        )
}

async fn link(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let client_id = params.get("client_id").unwrap_or_default();
    if client_id != DESKERA_V2_CLIENT_ID {
        return pages::error(
            StatusCode::BAD_REQUEST,
            &format!("unknown client_id {client_id:?}"),
        );
    }
    if params.has("redirect_uri") {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "the V2 OAuth link takes no redirect_uri: the redirect is the one registered for the app",
        );
    }
    let Some(target) = app.callback_uri(client_id) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "no redirect URI is registered for this app (set it with POST /control/callback-uri)",
        );
    };
    let reply = Reply {
        redirect_uri: &target,
        fragment: false,
        state: params.get("state"),
        iss: None,
    };
    if params.get("response_type") != Some("code") {
        return reply.error("unsupported_response_type", "response_type must be code");
    }
    if params.get("scope") != Some("write") {
        return reply.error("invalid_scope", "scope must be write");
    }
    let code = lock(&app.dialects.deskera_v2).new_code(client_id, "write", None);
    reply.success(&[("code", &code)])
}

async fn token(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match exchange(&app, query.as_deref(), &headers, &body) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn exchange(
    app: &AppState,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Response, OAuthError> {
    wire::require_empty_body(body)?;
    wire::require_plain_basic(headers, DESKERA_V2_CLIENT_ID, DESKERA_V2_CLIENT_SECRET)?;
    let params = Params::from_query(query);
    let mut ledger = lock(&app.dialects.deskera_v2);
    let granted = match params.require("grant_type")? {
        "authorization_code" => {
            let code = params.require("code")?;
            if params.require("scope")? != "write" {
                return Err(OAuthError::invalid_scope("scope must be write"));
            }
            let code = ledger
                .redeem_code(code, DESKERA_V2_CLIENT_ID)
                .map_err(OAuthError::invalid_grant)?;
            ledger::grant(app, DESKERA_V2_CLIENT_ID, &code.scope)
        }
        "refresh_token" => {
            let old = ledger
                .take_refresh(params.require("refresh_token")?, Some(DESKERA_V2_CLIENT_ID))
                .map_err(OAuthError::invalid_grant)?;
            ledger::grant(app, DESKERA_V2_CLIENT_ID, &old.scope)
        }
        other => {
            return Err(OAuthError::bad(
                "unsupported_grant_type",
                format!("grant_type {other:?} is not supported"),
            ));
        }
    };
    let access_token = ledger::mint_jwt(app, PREFIX, &granted, "access")?;
    let refresh_token = ledger::mint_jwt(app, PREFIX, &granted, "refresh")?;
    ledger.remember_access(&access_token, granted.clone());
    ledger.remember_refresh(&refresh_token, granted);
    // `expires_in` is 0 in the document's samples; the JWT's `exp` is what counts.
    let body = json!({
        "access_token": access_token,
        "token_type": "bearer",
        "refresh_token": refresh_token,
        "expires_in": 0,
    });
    Ok(crate::http::no_store(Json(body).into_response()))
}

async fn validate(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let ledger = lock(&app.dialects.deskera_v2);
    let sub = wire::access_token_header(&headers)
        .and_then(|t| ledger.valid_access(t))
        .map(|t: &Token| t.sub.as_str());
    wire::validate_response(sub)
}
