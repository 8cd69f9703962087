//! Minting a token response for the standard token endpoint.

use axum::Json;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Serialize;
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256, Sha512};

use super::random;
use super::scope;
use super::signer::IdTokenAlg;
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
    /// The authorization code exchanged: its hash goes in the ID token's `c_hash`.
    pub(crate) code: Option<String>,
    /// When the user authenticated (default: now).
    pub(crate) auth_time: Option<u64>,
    pub(crate) aud: Vec<String>,
    pub(crate) act: Option<Value>,
    /// The thumbprint of the DPoP key the tokens are bound to (RFC 9449), if any.
    pub(crate) jkt: Option<String>,
    /// The thumbprint (`x5t#S256`) of the TLS client certificate the tokens are bound
    /// to (RFC 8705 §3), if any.
    pub(crate) x5t: Option<String>,
    /// The authorization details granted (RFC 9396), returned as sent.
    pub(crate) authorization_details: Option<Value>,
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
            code: None,
            auth_time: None,
            aud: Vec::new(),
            act: None,
            jkt: None,
            x5t: None,
            authorization_details: None,
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
    pub(crate) token_type: String,
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
    /// RFC 9396 §7: the authorization details granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) authorization_details: Option<Value>,
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
    // RFC 9449 §6.1: a DPoP-bound JWT access token names its key.
    if let (Some(jkt), Some(map)) = (&what.jkt, claims.as_object_mut()) {
        map.insert("cnf".to_owned(), json!({ "jkt": jkt }));
    }
    // RFC 8705 §3.1: a certificate-bound one names its certificate (beside a DPoP key).
    if let Some(x5t) = &what.x5t {
        claims["cnf"]["x5t#S256"] = json!(x5t);
    }
    let access_token = app.signer.sign("at+jwt", &claims)?;
    let auth_time = what.auth_time.unwrap_or(now);
    let id_token = if what.id_token && scope::contains(&what.scope, "openid") {
        let mut id_claims = Map::new();
        id_claims.insert("iss".into(), json!(app.base_url));
        id_claims.insert("sub".into(), json!(what.sub));
        id_claims.insert("aud".into(), json!(what.client_id));
        id_claims.insert("iat".into(), json!(now));
        id_claims.insert("exp".into(), json!(exp));
        id_claims.insert("auth_time".into(), json!(auth_time));
        let (overrides, kid, alg) = {
            let settings = lock(&app.settings);
            (
                settings.id_token_claims.clone(),
                settings.id_token_kid.clone(),
                settings.id_token_alg,
            )
        };
        id_claims.insert("at_hash".into(), json!(half_hash(&access_token, alg)));
        if let Some(code) = &what.code {
            id_claims.insert("c_hash".into(), json!(half_hash(code, alg)));
        }
        if let Some(nonce) = &what.nonce {
            id_claims.insert("nonce".into(), json!(nonce));
        }
        for (name, value) in overrides {
            if value.is_null() {
                id_claims.remove(&name);
            } else {
                id_claims.insert(name, value);
            }
        }
        Some(
            app.signer
                .sign_id_token(&Value::Object(id_claims), kid.as_deref(), alg)?,
        )
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
            jkt: what.jkt.clone(),
            x5t: what.x5t.clone(),
            revoked: false,
        },
    );
    // RFC 9449 §5: refresh tokens of public clients are bound to the key too.
    let public = crate::clients::lookup(&what.client_id).is_some_and(|c| c.is_public());
    let refresh_jkt = what.jkt.clone().filter(|_| public);
    if let (Some(token), Some((grant_id, grant_scope))) = (&refresh_token, &what.refresh) {
        store.refresh.insert(
            token.clone(),
            RefreshRecord {
                client_id: what.client_id.clone(),
                sub: what.sub.clone(),
                scope: grant_scope.clone(),
                grant_id: grant_id.clone(),
                iat: now,
                auth_time,
                rotated: false,
                revoked: false,
                jkt: refresh_jkt,
            },
        );
    }
    Ok(TokenResponse {
        access_token,
        token_type: match &what.jkt {
            None => "Bearer".to_owned(),
            Some(_) => lock(&app.settings)
                .dpop_token_type
                .clone()
                .unwrap_or_else(|| "DPoP".to_owned()),
        },
        expires_in: lifetime,
        refresh_token,
        scope: what.scope,
        id_token,
        issued_token_type: None,
        echo: None,
        authorization_details: what.authorization_details,
    })
}

/// `at_hash` / `c_hash` (OpenID Connect Core §3.1.3.6): the left half of the SHA-256
/// of the value (the server signs with RS256), base64url.
pub(crate) fn half_hash(value: &str, alg: IdTokenAlg) -> String {
    match alg {
        IdTokenAlg::Rs256 => URL_SAFE_NO_PAD.encode(&Sha256::digest(value.as_bytes())[..16]),
        IdTokenAlg::Es512 => URL_SAFE_NO_PAD.encode(&Sha512::digest(value.as_bytes())[..32]),
    }
}
