//! The device authorization grant's endpoints (RFC 8628): the device authorization
//! request, the verification page for humans, and the approval call for tests.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::app::{AppState, lock};
use crate::auth::client_auth::{self, Requirement};
use crate::auth::mtls::PeerCertificate;
use crate::clients::{self, DEFAULT_USER};
use crate::clock;
use crate::grants::polling::{Decision, PollRecord};
use crate::http::error::OAuthError;
use crate::http::params::Params;
use crate::http::{json_body, no_store, pages};
use crate::tokens::random;
use crate::tokens::scope;

/// `POST /device_authorization` (§3.1–3.2).
pub(crate) async fn authorize(
    State(app): State<AppState>,
    headers: HeaderMap,
    peer: PeerCertificate,
    body: Bytes,
) -> Response {
    match device_authorization(&app, &headers, &peer, &body) {
        Ok(body) => no_store(Json(body).into_response()),
        Err(e) => e.into_response(),
    }
}

fn device_authorization(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    body: &[u8],
) -> Result<Value, OAuthError> {
    let params = Params::from_form_body(headers, body)?;
    params.reject_repeats(&[])?;
    let client = client_auth::authenticate(
        app,
        headers,
        peer,
        &params,
        &app.url("/device_authorization"),
        Requirement::Required,
    )?
    .ok_or_else(|| OAuthError::invalid_client("client authentication required"))?;
    let scope = scope::requested(params.get("scope"))?;
    let device_code = random::token(32);
    let user_code = random::user_code();
    let mut book = lock(&app.device);
    let config = book.config;
    book.insert(
        device_code.clone(),
        Some(random::normalize_user_code(&user_code)),
        PollRecord {
            client_id: client.id.to_owned(),
            scope,
            sub_hint: None,
            expires_at: clock::now() + config.expires_in,
            interval: config.interval,
            last_poll: None,
            decision: Decision::Pending,
            consumed: false,
        },
    );
    let verification_uri = app.url("/device");
    Ok(json!({
        "device_code": device_code,
        "user_code": user_code,
        "verification_uri": verification_uri,
        "verification_uri_complete": format!("{verification_uri}?user_code={user_code}"),
        "expires_in": config.expires_in,
        "interval": config.interval,
    }))
}

/// Records a user's decision on a user code. Err is an HTTP status and a message.
fn decide(
    app: &AppState,
    user_code: &str,
    approve: bool,
    user: Option<&str>,
) -> Result<&'static str, (StatusCode, String)> {
    let user = user.unwrap_or(DEFAULT_USER);
    if !clients::is_user(user) {
        return Err((StatusCode::BAD_REQUEST, format!("unknown user {user:?}")));
    }
    let mut book = lock(&app.device);
    let Some(device_code) = book
        .id_for_alias(&random::normalize_user_code(user_code))
        .map(str::to_owned)
    else {
        return Err((
            StatusCode::NOT_FOUND,
            format!("unknown user_code {user_code:?}"),
        ));
    };
    let expired = book
        .get(&device_code)
        .is_some_and(|r| clock::now() >= r.expires_at);
    if expired {
        return Err((StatusCode::GONE, "the user code has expired".to_owned()));
    }
    let decision = if approve {
        Decision::Approved {
            sub: user.to_owned(),
        }
    } else {
        Decision::Denied
    };
    match book.decide(&device_code, decision) {
        Some(Ok(())) => Ok(if approve { "approved" } else { "denied" }),
        Some(Err(_)) => Err((
            StatusCode::CONFLICT,
            "this user code was already decided".to_owned(),
        )),
        None => Err((
            StatusCode::NOT_FOUND,
            format!("unknown user_code {user_code:?}"),
        )),
    }
}

#[derive(Debug, Deserialize)]
struct ApproveBody {
    user_code: String,
    approve: bool,
    #[serde(default)]
    user: Option<String>,
}

/// `POST /device/approve` `{"user_code": "...", "approve": true|false, "user"?: "bob"}`.
pub(crate) async fn approve(State(app): State<AppState>, body: Bytes) -> Response {
    let body: ApproveBody = match json_body::parse(&body) {
        Ok(b) => b,
        Err(message) => return json_body::bad_request(&message),
    };
    match decide(&app, &body.user_code, body.approve, body.user.as_deref()) {
        Ok(status) => {
            Json(json!({ "user_code": body.user_code, "status": status })).into_response()
        }
        Err((code, message)) => (code, Json(json!({ "error": message }))).into_response(),
    }
}

/// `GET /device[?user_code=..[&approve=1|0][&user=bob]]`: the page a person visits.
pub(crate) async fn page(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    let Some(user_code) = params.get("user_code") else {
        return pages::page(
            StatusCode::OK,
            "Device login",
            "<form method=\"get\"><label>Code <input name=\"user_code\"></label>\
             <button name=\"approve\" value=\"1\">Approve</button>\
             <button name=\"approve\" value=\"0\">Deny</button></form>",
        );
    };
    let approve = match params.get("approve") {
        None => {
            let code = pages::escape(user_code);
            return pages::page(
                StatusCode::OK,
                "Device login",
                &format!(
                    "<p>Allow the device showing <b>{code}</b>?</p>\
                     <p><a href=\"?user_code={code}&amp;approve=1\">Approve</a> \
                     <a href=\"?user_code={code}&amp;approve=0\">Deny</a></p>"
                ),
            );
        }
        Some("1" | "true" | "yes") => true,
        Some(_) => false,
    };
    match decide(&app, user_code, approve, params.get("user")) {
        Ok(status) => pages::page(
            StatusCode::OK,
            "Device login",
            &format!("<p>Request {status}. You can close this page.</p>"),
        ),
        Err((code, message)) => pages::page(
            code,
            "Device login",
            &format!("<p>{}</p>", pages::escape(&message)),
        ),
    }
}
