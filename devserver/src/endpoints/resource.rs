//! Protected resources (RFC 6750): `/userinfo` and `/resource` accept a valid, unrevoked,
//! unexpired access token from `Authorization: Bearer`, or, for a DPoP-bound token, from
//! `Authorization: DPoP` with a proof by its key (RFC 9449 §7): `htm`, `htu`, `ath`,
//! and the resource nonce when a test demands one (§9: 401 `use_dpop_nonce`). A bound
//! token presented as a bearer token is refused. A certificate-bound token (RFC 8705
//! §3) is refused (401 `invalid_token`) unless the connection presents that certificate.
//!
//! `/userinfo` (OpenID Connect Core §5.3) answers JSON, or a JWT signed with the ID
//! token key (`application/jwt`, with `iss` and `aud`) when a test turned that on.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::app::{AppState, lock};
use crate::auth::dpop;
use crate::auth::mtls::PeerCertificate;
use crate::clock;
use crate::http::bearer;
use crate::tokens::store::AccessRecord;

/// The token's record, or the 401 to answer with.
fn authorize(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    method: &Method,
    path: &str,
) -> Result<AccessRecord, Box<Response>> {
    let record = authorize_token(app, headers, method, path)?;
    match &record.x5t {
        Some(bound) if peer.thumbprint().as_deref() != Some(bound.as_str()) => {
            Err(Box::new(bearer::unauthorized(
                true,
                "the access token is bound to a TLS client certificate that this connection \
                 did not present",
            )))
        }
        _ => Ok(record),
    }
}

/// The token's record, checked as a bearer or DPoP token.
fn authorize_token(
    app: &AppState,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
) -> Result<AccessRecord, Box<Response>> {
    if let Some(token) = dpop_token(headers) {
        return authorize_dpop(app, headers, method, path, token);
    }
    let Some(token) = bearer::token(headers) else {
        return Err(Box::new(bearer::unauthorized(false, "no Bearer token")));
    };
    let record = lock(&app.store).active_access(token, clock::now()).cloned();
    match record {
        Some(r) if r.jkt.is_some() => Err(Box::new(bearer::unauthorized(
            true,
            "the access token is DPoP-bound: present it with a DPoP proof",
        ))),
        Some(r) => Ok(r),
        None => Err(Box::new(bearer::unauthorized(
            true,
            "the access token is unknown, expired or revoked",
        ))),
    }
}

/// The token from `Authorization: DPoP <token>`.
fn dpop_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("dpop") && !token.is_empty()).then_some(token)
}

/// 401 with a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1).
fn dpop_unauthorized(error: &str, description: &str, nonce: Option<String>) -> Box<Response> {
    let challenge = format!(
        r#"DPoP error="{error}", error_description="{description}", algs="{}""#,
        dpop::ALGORITHMS.join(" ")
    );
    let body = json!({ "error": error, "error_description": description });
    let mut response = (StatusCode::UNAUTHORIZED, Json(body)).into_response();
    if let Ok(value) = HeaderValue::from_str(&challenge) {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, value);
    }
    if let Some(Ok(value)) = nonce.as_deref().map(HeaderValue::from_str) {
        response.headers_mut().insert("dpop-nonce", value);
    }
    Box::new(response)
}

fn authorize_dpop(
    app: &AppState,
    headers: &HeaderMap,
    method: &Method,
    path: &str,
    token: &str,
) -> Result<AccessRecord, Box<Response>> {
    let nonce = lock(&app.settings).dpop_resource_nonce.clone();
    let expect = dpop::Expect {
        method: method.as_str(),
        url: &app.url(path),
        access_token: Some(token),
        nonce: nonce.as_deref(),
    };
    let jkt = match dpop::check(app, headers, &expect) {
        Ok(Some(jkt)) => jkt,
        Ok(None) => {
            return Err(dpop_unauthorized(
                "invalid_dpop_proof",
                "Authorization: DPoP needs a DPoP proof",
                None,
            ));
        }
        Err(dpop::Refusal::Invalid(why)) => {
            return Err(dpop_unauthorized("invalid_dpop_proof", &why, None));
        }
        Err(dpop::Refusal::Nonce(nonce)) => {
            return Err(dpop_unauthorized(
                "use_dpop_nonce",
                "Resource server requires nonce in DPoP proof",
                Some(nonce),
            ));
        }
    };
    let record = lock(&app.store).active_access(token, clock::now()).cloned();
    match record {
        None => Err(dpop_unauthorized(
            "invalid_token",
            "the access token is unknown, expired or revoked",
            None,
        )),
        Some(r) if r.jkt.as_deref() != Some(jkt.as_str()) => Err(dpop_unauthorized(
            "invalid_token",
            "the access token is not bound to the proof's key",
            None,
        )),
        Some(r) => Ok(r),
    }
}

pub(crate) async fn userinfo(
    State(app): State<AppState>,
    method: Method,
    peer: PeerCertificate,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    // `/userinfo` or its mTLS alias: DPoP proofs name the URL they were sent to.
    let token = match authorize(&app, &headers, &peer, &method, uri.path()) {
        Ok(token) => token,
        Err(response) => return *response,
    };
    let mut claims = json!({
        "sub": token.sub,
        "scope": token.scope,
        "name": token.sub,
        "email": format!("{}@example.com", token.sub),
    });
    let (signed, overrides, alg) = {
        let settings = lock(&app.settings);
        (
            settings.userinfo_signed,
            settings.userinfo_claims.clone(),
            settings.id_token_alg,
        )
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
    match app.signer.sign_id_token(&claims, None, alg) {
        Ok(jwt) => ([(header::CONTENT_TYPE, "application/jwt")], jwt).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn resource(
    State(app): State<AppState>,
    method: Method,
    peer: PeerCertificate,
    headers: HeaderMap,
) -> Response {
    match authorize(&app, &headers, &peer, &method, "/resource") {
        Ok(token) => Json(json!({
            "sub": token.sub,
            "scope": token.scope,
            "client_id": token.client_id,
        }))
        .into_response(),
        Err(response) => *response,
    }
}
