//! `GET /authorize` (RFC 6749 §4.1.1 and §4.2.1): auto-approving, no login page.
//!
//! Problems with the client or the redirect URI are shown to the browser as a 400 page
//! and never redirected (§4.1.2.1). Everything else goes back to the redirect URI with
//! `error`, `error_description`, `state` and `iss` (RFC 9207).

use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{jarm, par, request_object};
use crate::app::{AppState, lock};
use crate::auth::pkce::{self, Challenge};
use crate::auth::redirect;
use crate::clients::{self, DEFAULT_USER, REDIRECT_URIS, Registration};
use crate::clock;
use crate::http::pages;
use crate::http::params::Params;
use crate::tokens::issue::{Issue, issue};
use crate::tokens::scope;
use crate::tokens::store::CodeRecord;
use crate::tokens::{random, rar};

/// Authorization codes live this long (RFC 6749 §4.1.2 recommends at most 10 minutes).
const CODE_LIFETIME: u64 = 60;

/// Where an authorization response goes, and how.
pub(crate) struct Reply<'a> {
    pub(crate) redirect_uri: &'a str,
    /// Implicit responses use the fragment; code responses the query.
    pub(crate) fragment: bool,
    pub(crate) state: Option<&'a str>,
    /// RFC 9207 `iss`; `None` for dialects whose servers do not send it.
    pub(crate) iss: Option<&'a str>,
}

impl Reply<'_> {
    pub(crate) fn success(&self, pairs: &[(&str, &str)]) -> Response {
        self.send(pairs)
    }

    pub(crate) fn error(&self, error: &str, description: &str) -> Response {
        self.send(&[("error", error), ("error_description", description)])
    }

    fn send(&self, pairs: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if let Some(state) = self.state {
            all.push(("state", state));
        }
        if let Some(iss) = self.iss {
            all.push(("iss", iss));
        }
        let encoded = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(all)
            .finish();
        let location = if self.fragment {
            format!("{}#{encoded}", self.redirect_uri)
        } else if self.redirect_uri.contains('?') {
            format!("{}&{encoded}", self.redirect_uri)
        } else {
            format!("{}?{encoded}", self.redirect_uri)
        };
        found(&location)
    }
}

/// A 302 to `location` (axum's `Redirect` helpers send 303/307/308).
pub(crate) fn found(location: &str) -> Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    match HeaderValue::from_str(location) {
        Ok(value) => {
            crate::http::no_store((StatusCode::FOUND, [(header::LOCATION, value)]).into_response())
        }
        Err(_) => pages::error(
            StatusCode::BAD_REQUEST,
            "the redirect URI cannot be sent in a header",
        ),
    }
}

pub(crate) async fn handler(State(app): State<AppState>, RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query.as_deref());
    for name in ["client_id", "redirect_uri"] {
        if params.all(name).len() > 1 {
            return pages::error(StatusCode::BAD_REQUEST, &format!("{name} is repeated"));
        }
    }
    let Some(client_id) = params.get("client_id") else {
        return pages::error(StatusCode::BAD_REQUEST, "client_id is missing");
    };
    let Some(client) = clients::lookup(client_id) else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            &format!("unknown client {client_id:?}"),
        );
    };
    // RFC 9126: a pushed request's parameters, and only those.
    let params = match params.get("request_uri") {
        None => params,
        Some(uri) => match par::take(&app, client.id, uri) {
            Ok(pushed) => pushed,
            Err(why) => {
                return pages::error(
                    StatusCode::BAD_REQUEST,
                    &format!("invalid_request_uri: {why}"),
                );
            }
        },
    };
    // RFC 9101: the parameters are the request object's, and only those.
    let request = params.get("request").map(str::to_owned);
    let params = match request {
        None => params,
        Some(jwt) => match request_object::read(&app, client, &jwt) {
            Ok(inner) => inner,
            Err(why) => {
                return pages::error(
                    StatusCode::BAD_REQUEST,
                    &format!("{}: {why}", request_object::ERROR),
                );
            }
        },
    };
    // Every client has several redirect URIs, so the request must say which (§3.1.2.3).
    let Some(redirect_uri) = params.get("redirect_uri") else {
        return pages::error(
            StatusCode::BAD_REQUEST,
            "redirect_uri is required (the client has several registered)",
        );
    };
    if !redirect::matches(redirect_uri, &REDIRECT_URIS) {
        return pages::error(
            StatusCode::BAD_REQUEST,
            &format!(
                "redirect_uri {redirect_uri:?} is not registered for {}",
                client.id
            ),
        );
    }
    let implicit = params.get("response_type") == Some("token");
    let reply = Reply {
        redirect_uri,
        fragment: implicit,
        state: params.get("state"),
        iss: Some(&app.base_url),
    };
    // --- JARM (JWT Secured Authorization Response Mode): see jarm.rs ---
    let jarm_mode = match jarm::Mode::requested(params.get("response_mode"), implicit) {
        Ok(mode) => mode,
        Err(why) => return reply.error("invalid_request", &why),
    };
    if let Some(mode) = jarm_mode {
        let mut pairs = match decide(&app, client, redirect_uri, &params) {
            Ok(pairs) => pairs,
            Err((error, description)) => {
                vec![
                    ("error", error.to_owned()),
                    ("error_description", description),
                ]
            }
        };
        if let Some(state) = params.get("state") {
            pairs.push(("state", state.to_owned()));
        }
        let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
        return jarm::respond(&app, client.id, redirect_uri, mode, &pairs);
    }
    // --- end JARM ---
    match decide(&app, client, redirect_uri, &params) {
        Ok(pairs) => {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
            reply.success(&pairs)
        }
        Err((error, description)) => reply.error(error, &description),
    }
}

/// The response parameters, or the error to redirect with.
type Outcome = Result<Vec<(&'static str, String)>, (&'static str, String)>;

/// Everything after the redirect URI is known good: errors here are redirected.
fn decide(
    app: &AppState,
    client: &'static Registration,
    redirect_uri: &str,
    params: &Params,
) -> Outcome {
    if let Some(name) = params.repeated(&[]) {
        return Err(("invalid_request", format!("parameter {name} is repeated")));
    }
    let response_type = params
        .get("response_type")
        .ok_or(("invalid_request", "response_type is missing".to_owned()))?;
    if response_type != "code" && response_type != "token" {
        return Err((
            "unsupported_response_type",
            format!("response_type {response_type:?} is not supported"),
        ));
    }
    let scope = scope::requested(params.get("scope"))
        .map_err(|e| ("invalid_scope", e.description().to_owned()))?;
    // Test knob: a login_hint of "deny", or a scope token "deny", plays a user who says no.
    if params.get("login_hint") == Some("deny") || scope::contains(&scope, "deny") {
        return Err((
            "access_denied",
            "the user denied the request (test knob)".to_owned(),
        ));
    }
    let sub = params
        .get("login_hint")
        .filter(|h| clients::is_user(h))
        .unwrap_or(DEFAULT_USER)
        .to_owned();

    if response_type == "token" {
        let tokens = issue(app, Issue::new(client.id, &sub, &scope))
            .map_err(|e| ("server_error", e.description().to_owned()))?;
        return Ok(vec![
            ("access_token", tokens.access_token),
            ("token_type", "Bearer".to_owned()),
            ("expires_in", tokens.expires_in.to_string()),
            ("scope", tokens.scope),
        ]);
    }

    let authorization_details = rar::requested(params.get(rar::PARAM))?;
    let challenge = challenge(client, params)?;
    let code = random::token(32);
    let grant_id = random::token(12);
    lock(&app.store).codes.insert(
        code.clone(),
        CodeRecord {
            client_id: client.id.to_owned(),
            redirect_uri: Some(redirect_uri.to_owned()),
            challenge,
            scope,
            sub,
            nonce: params.get("nonce").map(str::to_owned),
            auth_time: clock::now(),
            expires_at: clock::now() + CODE_LIFETIME,
            used: false,
            grant_id,
            dpop_jkt: params.get("dpop_jkt").map(str::to_owned),
            authorization_details,
        },
    );
    Ok(vec![("code", code)])
}

/// The PKCE challenge (RFC 7636 §4.3), required of public clients.
fn challenge(
    client: &Registration,
    params: &Params,
) -> Result<Option<Challenge>, (&'static str, String)> {
    let Some(value) = params.get("code_challenge") else {
        if client.is_public() {
            return Err((
                "invalid_request",
                "public clients must use PKCE (code_challenge)".to_owned(),
            ));
        }
        if params.has("code_challenge_method") {
            return Err((
                "invalid_request",
                "code_challenge_method without code_challenge".to_owned(),
            ));
        }
        return Ok(None);
    };
    let method = pkce::parse_method(params.get("code_challenge_method")).ok_or((
        "invalid_request",
        "code_challenge_method must be S256 or plain".to_owned(),
    ))?;
    if !pkce::well_formed(value) {
        return Err((
            "invalid_request",
            "code_challenge must be 43-128 characters of [A-Za-z0-9-._~]".to_owned(),
        ));
    }
    Ok(Some(Challenge {
        method,
        value: value.to_owned(),
    }))
}
