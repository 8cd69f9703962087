//! Minting a token response for the standard token endpoint.

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Value, json};

use super::random;
use super::scope;
use super::store::{AccessRecord, RefreshRecord};
use crate::app::{AppState, lock};
use crate::clock;
use crate::http::error::OAuthError;

/// What to issue. Built by each grant, then handed to [`issue`].
#[derive(Debug, Clone)]
pub(crate) struct Issue {
    pub(crate) client_id: String,
    pub(crate) sub: String,
    pub(crate) scope: String,
    /// `Some` to mint a refresh token for this grant, with the grant's full scope.
    pub(crate) refresh: Option<(String, String)>,
    pub(crate) grant_id: Option<String>,
    /// Mint an OpenID Connect ID token when the scope contains `openid`.
    pub(crate) id_token: bool,
    pub(crate) nonce: Option<String>,
    pub(crate) aud: Vec<String>,
    pub(crate) act: Option<Value>,
}

impl Issue {
    pub(crate) fn new(client_id: &str, sub: &str, scope: &str) -> Self {
        Self {
            client_id: client_id.to_owned(),
            sub: sub.to_owned(),
            scope: scope.to_owned(),
            refresh: None,
            grant_id: None,
            id_token: false,
            nonce: None,
            aud: Vec::new(),
            act: None,
        }
    }

    /// A user-facing grant: a refresh token (same grant, `grant_scope`) and an ID token.
    pub(crate) fn for_user(mut self, grant_id: &str, grant_scope: &str) -> Self {
        self.grant_id = Some(grant_id.to_owned());
        self.refresh = Some((grant_id.to_owned(), grant_scope.to_owned()));
        self.id_token = true;
        self
    }
}

/// The RFC 6749 §5.1 success body (plus the extension members some grants add).
#[derive(Debug, Clone, Serialize)]
pub(crate) struct TokenResponse {
    pub(crate) access_token: String,
    pub(crate) token_type: &'static str,
    pub(crate) expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) refresh_token: Option<String>,
    pub(crate) scope: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) id_token: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) issued_token_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) echo: Option<Value>,
}

impl IntoResponse for TokenResponse {
    fn into_response(self) -> Response {
        crate::http::no_store(Json(self).into_response())
    }
}

pub(crate) fn issue(app: &AppState, what: Issue) -> Result<TokenResponse, OAuthError> {
    let now = clock::now();
    let lifetime = app.token_lifetime();
    let exp = now + lifetime;
    let jti = random::token(16);
    let aud = if what.aud.is_empty() {
        vec![app.base_url.clone()]
    } else {
        what.aud.clone()
    };
    let mut claims = json!({
        "iss": app.base_url,
        "sub": what.sub,
        "aud": if aud.len() == 1 { json!(aud[0]) } else { json!(aud) },
        "client_id": what.client_id,
        "scope": what.scope,
        "iat": now,
        "exp": exp,
        "jti": jti,
    });
    if let (Some(act), Some(map)) = (&what.act, claims.as_object_mut()) {
        map.insert("act".to_owned(), act.clone());
    }
    let access_token = app.signer.sign("at+jwt", &claims)?;
    let id_token = if what.id_token && scope::contains(&what.scope, "openid") {
        let mut id_claims = json!({
            "iss": app.base_url,
            "sub": what.sub,
            "aud": what.client_id,
            "iat": now,
            "exp": exp,
            "auth_time": now,
        });
        if let (Some(nonce), Some(map)) = (&what.nonce, id_claims.as_object_mut()) {
            map.insert("nonce".to_owned(), json!(nonce));
        }
        Some(app.signer.sign("JWT", &id_claims)?)
    } else {
        None
    };
    let refresh_token = what.refresh.as_ref().map(|_| random::token(32));

    let mut store = lock(&app.store);
    store.access.insert(
        access_token.clone(),
        AccessRecord {
            client_id: what.client_id.clone(),
            sub: what.sub.clone(),
            scope: what.scope.clone(),
            aud,
            iat: now,
            exp,
            jti,
            grant_id: what.grant_id.clone(),
            act: what.act.clone(),
            revoked: false,
        },
    );
    if let (Some(token), Some((grant_id, grant_scope))) = (&refresh_token, &what.refresh) {
        store.refresh.insert(
            token.clone(),
            RefreshRecord {
                client_id: what.client_id.clone(),
                sub: what.sub.clone(),
                scope: grant_scope.clone(),
                grant_id: grant_id.clone(),
                iat: now,
                rotated: false,
                revoked: false,
            },
        );
    }
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: lifetime,
        refresh_token,
        scope: what.scope,
        id_token,
        issued_token_type: None,
        echo: None,
    })
}
