//! Deskera OAuth V1, deprecated (`shared/providers/deskera-oauth-v1-deprecated.md`),
//! under `/deskera-v1/`. The document leaves its URLs blank; the choices here:
//!
//! - `GET /deskera-v1/?response_type=code&scope=write&client_id&state?&redirect_uri?`:
//!   the server calls the client's registered `callback_uri` (set with
//!   `set_callback_uri` / `POST /control/callback-uri`) with `GET ?code&scope&state`;
//!   only on a 2xx answer does the user go on: 302 to `redirect_uri` if given, else a
//!   200 "connected" page. A failed callback gives a 502 page.
//! - `POST /deskera-v1/oauth/token?grant_type=authorization_code&code=…` with plain
//!   `Authorization: Basic base64(clientId:clientSecret)` and an empty body.
//! - `GET /deskera-v1/validate` with `x-access-token: <deskera-token>`: 200 or 401.
//! - `POST /deskera-v1/refresh`, `Content-Type: application/json`,
//!   `{"refreshToken": "<deskera-refresh-token>"}`, no client authentication; answers in
//!   camelCase and rotates the refresh token.

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::ledger::{self, DIALECT_USER};
use super::{callback_client, wire};
use crate::app::{AppState, lock, tracked};
use crate::clients::{DESKERA_V1_CLIENT_ID, DESKERA_V1_CLIENT_SECRET};
use crate::endpoints::authorize::found;
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::http::{media_type, no_store, pages};

const PREFIX: &str = "/deskera-v1";

pub(crate) fn routes(app: &AppState) -> Router<AppState> {
    let link = || tracked(app, "deskera-v1/authorize", get(link));
    Router::new()
        .route("/deskera-v1/", link())
        .route("/deskera-v1", link())
        .route(
            "/deskera-v1/oauth/token",
            tracked(app, "deskera-v1/token", post(token)),
        )
        .route(
            "/deskera-v1/validate",
            tracked(app, "deskera-v1/validate", get(validate)),
        )
        .route(
            "/deskera-v1/refresh",
            tracked(app, "deskera-v1/refresh", post(refresh)),
        )
}

async fn link(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let client_id = params.get("client_id").unwrap_or_default();
    let problem = if client_id != DESKERA_V1_CLIENT_ID {
        Some(format!("unknown client_id {client_id:?}"))
    } else if params.get("response_type") != Some("code") {
        Some("response_type must be code".to_owned())
    } else if params.get("scope") != Some("write") {
        Some("scope must be write".to_owned())
    } else if params
        .get("redirect_uri")
        .is_some_and(|r| url::Url::parse(r).is_err())
    {
        Some("redirect_uri must be an absolute URL (sent URL-encoded)".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        return pages::error(StatusCode::BAD_REQUEST, &problem);
    }
    let Some(callback) = app.callback_uri(client_id) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "no callback_uri is registered for this app (set it with POST /control/callback-uri)",
        );
    };
    let Ok(mut callback) = url::Url::parse(&callback) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "the registered callback_uri is not a URL",
        );
    };
    let code = lock(&app.dialects.deskera_v1).new_code(client_id, "write", None);
    {
        let mut query = callback.query_pairs_mut();
        query
            .append_pair("code", &code)
            .append_pair("scope", "write");
        if let Some(state) = params.get("state") {
            query.append_pair("state", state);
        }
    }
    match callback_client::get(&callback).await {
        Ok(status) if (200..300).contains(&status) => match params.get("redirect_uri") {
            Some(redirect) => found(redirect),
            None => pages::page(
                StatusCode::OK,
                "Connected",
                "<p>Your Deskera account is connected.</p>",
            ),
        },
        Ok(status) => pages::error(
            StatusCode::BAD_GATEWAY,
            &format!("the app's callback_uri answered {status}; the connection was not completed"),
        ),
        Err(reason) => pages::error(
            StatusCode::BAD_GATEWAY,
            &format!("the app's callback failed: {reason}"),
        ),
    }
}

async fn token(
    State(app): State<AppState>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    match exchange(&app, query.as_deref(), &headers, &body) {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => e.into_response(),
    }
}

fn exchange(
    app: &AppState,
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Value, OAuthError> {
    wire::require_empty_body(body)?;
    wire::require_plain_basic(headers, DESKERA_V1_CLIENT_ID, DESKERA_V1_CLIENT_SECRET)?;
    let params = Params::from_query(query);
    let grant_type = params.require("grant_type")?;
    if grant_type != "authorization_code" {
        return Err(OAuthError::bad(
            "unsupported_grant_type",
            format!(
                "grant_type {grant_type:?} is not supported here (refresh at /deskera-v1/refresh)"
            ),
        ));
    }
    let mut ledger = lock(&app.dialects.deskera_v1);
    let code = ledger
        .redeem_code(params.require("code")?, DESKERA_V1_CLIENT_ID)
        .map_err(OAuthError::invalid_grant)?;
    let granted = ledger::grant(app, DESKERA_V1_CLIENT_ID, &code.scope);
    let deskera_token = ledger::mint_jwt(app, PREFIX, &granted, "access")?;
    let deskera_refresh = ledger::mint_jwt(app, PREFIX, &granted, "refresh")?;
    ledger.remember_access(&deskera_token, granted.clone());
    ledger.remember_refresh(&deskera_refresh, granted);
    Ok(json!({
        "access_token": uuid::Uuid::new_v4().to_string(),
        "token_type": "bearer",
        "refresh_token": uuid::Uuid::new_v4().to_string(),
        "expires_in": app.token_lifetime(),
        "scope": code.scope,
        "deskera-token": deskera_token,
        "deskera-refresh-token": deskera_refresh,
        "email": "",
        "username": DIALECT_USER,
        "org": "Devserver Org",
    }))
}

async fn validate(State(app): State<AppState>, headers: HeaderMap) -> Response {
    let ledger = lock(&app.dialects.deskera_v1);
    let sub = wire::access_token_header(&headers)
        .and_then(|t| ledger.valid_access(t))
        .map(|t| t.sub.as_str());
    wire::validate_response(sub)
}

async fn refresh(State(app): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    if media_type(&headers).as_deref() != Some("application/json") {
        return plain_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Content-Type must be application/json",
        );
    }
    let Ok(request) = serde_json::from_slice::<Value>(&body) else {
        return plain_error(StatusCode::BAD_REQUEST, "the body is not JSON");
    };
    let Some(old) = request.get("refreshToken").and_then(Value::as_str) else {
        return plain_error(StatusCode::BAD_REQUEST, "refreshToken is missing");
    };
    let mut ledger = lock(&app.dialects.deskera_v1);
    let old = match ledger.take_refresh(old, None) {
        Ok(t) => t,
        Err(reason) => return plain_error(StatusCode::UNAUTHORIZED, reason),
    };
    let granted = ledger::grant(&app, &old.client_id, &old.scope);
    let minted = (
        ledger::mint_jwt(&app, PREFIX, &granted, "access"),
        ledger::mint_jwt(&app, PREFIX, &granted, "refresh"),
        ledger::mint_jwt(&app, PREFIX, &granted, "id"),
    );
    let (Ok(access), Ok(refresh), Ok(id)) = minted else {
        return plain_error(StatusCode::INTERNAL_SERVER_ERROR, "could not sign tokens");
    };
    ledger.remember_access(&access, granted.clone());
    ledger.remember_refresh(&refresh, granted);
    no_store(
        Json(json!({
            "accessToken": access,
            "refreshToken": refresh,
            "idToken": id,
            "expiresIn": 0,
            "tokenType": "bearer",
            "emailVerified": false,
        }))
        .into_response(),
    )
}

fn plain_error(status: StatusCode, message: &str) -> Response {
    (
        status,
        Json(json!({ "error": status.as_u16(), "message": message })),
    )
        .into_response()
}
