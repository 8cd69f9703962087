//! JWT Secured Authorization Response Mode (JARM, OpenID FAPI) at `/authorize`:
//! with `response_mode` `jwt`, `query.jwt`, `fragment.jwt` or `form_post.jwt`, the
//! authorization response's parameters (`code`, `state` or `error`…) go back as the
//! claims of one JWT, with `iss` (this server), `aud` (the client id) and `exp`,
//! signed with the ID token key and algorithm (so the `/control/id-token` `alg` and
//! `kid` knobs and key rotation apply), as `response=<JWT>` in the query, the
//! fragment, or an auto-submitting form.
//!
//! A test knob ([`Corruption`], `/control/jarm`) makes the response wrong in one way,
//! so a client's every check can fail for real.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};

use super::authorize::found;
use crate::app::{AppState, lock};
use crate::clock;
use crate::http::pages;

/// How long a JARM response is valid (JARM §2.1 recommends a short lifetime).
const LIFETIME: u64 = 60;

/// Where a JARM response goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Query,
    Fragment,
    FormPost,
}

impl Mode {
    /// The mode a `response_mode` asks for: `None` for a plain mode (or none), an
    /// error for a value this server does not know.
    pub(crate) fn requested(
        response_mode: Option<&str>,
        implicit: bool,
    ) -> Result<Option<Mode>, String> {
        Ok(match response_mode {
            None | Some("query" | "fragment") => None,
            // `jwt`: the response type's default place (JARM §2.3.4).
            Some("jwt") if implicit => Some(Mode::Fragment),
            Some("jwt" | "query.jwt") => Some(Mode::Query),
            Some("fragment.jwt") => Some(Mode::Fragment),
            Some("form_post.jwt") => Some(Mode::FormPost),
            Some(other) => return Err(format!("response_mode {other:?} is not supported")),
        })
    }
}

/// The ways the `/control/jarm` knob spoils responses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Corruption {
    /// The claims changed after signing (another `code`): the signature fails.
    Signature,
    /// `iss` is another issuer.
    Iss,
    /// `aud` is another client.
    Aud,
    /// `exp` an hour ago.
    Expired,
    /// Unsigned: `alg` `none`, no signature.
    AlgNone,
    /// A plain (non-JARM) response where the JWT should be: a downgrade.
    Plain,
    /// A five-part token where the JWT should be: an encrypted (JWE) response.
    Encrypted,
}

impl Corruption {
    /// `signature`, `iss`, `aud`, `exp`, `alg_none`, `plain` or `encrypted`.
    pub fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "signature" => Self::Signature,
            "iss" => Self::Iss,
            "aud" => Self::Aud,
            "exp" => Self::Expired,
            "alg_none" => Self::AlgNone,
            "plain" => Self::Plain,
            "encrypted" => Self::Encrypted,
            _ => return None,
        })
    }
}

/// The JARM response for `pairs` (the success or error parameters, `state` among
/// them) to `client_id` at `redirect_uri`.
pub(crate) fn respond(
    app: &AppState,
    client_id: &str,
    redirect_uri: &str,
    mode: Mode,
    pairs: &[(&str, &str)],
) -> Response {
    let (corrupt, kid, alg) = {
        let s = lock(&app.settings);
        (s.jarm_corruption, s.id_token_kid.clone(), s.id_token_alg)
    };
    if corrupt == Some(Corruption::Plain) {
        let mut plain = pairs.to_vec();
        plain.push(("iss", &app.base_url));
        return deliver(redirect_uri, mode, &plain);
    }
    let mut claims = Map::new();
    for (k, v) in pairs {
        claims.insert((*k).to_owned(), Value::from(*v));
    }
    let now = clock::now();
    claims.insert("iss".into(), app.base_url.clone().into());
    claims.insert("aud".into(), client_id.into());
    claims.insert("exp".into(), (now + LIFETIME).into());
    claims.insert("iat".into(), now.into());
    match corrupt {
        Some(Corruption::Iss) => {
            claims.insert("iss".into(), "https://other-issuer.example".into());
        }
        Some(Corruption::Aud) => {
            claims.insert("aud".into(), "another-client".into());
        }
        Some(Corruption::Expired) => {
            claims.insert("exp".into(), now.saturating_sub(3600).into());
        }
        _ => {}
    }
    let claims = Value::Object(claims);
    let jwt = match corrupt {
        Some(Corruption::AlgNone) => format!(
            "{}.{}.",
            b64(&json!({"alg": "none", "typ": "JWT"})),
            b64(&claims)
        ),
        Some(Corruption::Encrypted) => format!(
            "{}.{}.{}.{}.{}",
            b64(&json!({"alg": "RSA-OAEP-256", "enc": "A256GCM", "cty": "JWT"})),
            URL_SAFE_NO_PAD.encode([1u8; 32]),
            URL_SAFE_NO_PAD.encode([2u8; 12]),
            URL_SAFE_NO_PAD.encode(claims.to_string()),
            URL_SAFE_NO_PAD.encode([3u8; 16]),
        ),
        _ => match app.signer.sign_id_token(&claims, kid.as_deref(), alg) {
            Ok(jwt) => jwt,
            Err(e) => return pages::error(StatusCode::INTERNAL_SERVER_ERROR, e.description()),
        },
    };
    let jwt = if corrupt == Some(Corruption::Signature) {
        // The signed header and signature around claims that say another code.
        let mut tampered = claims.clone();
        tampered["code"] = "tampered-code".into();
        let parts: Vec<&str> = jwt.split('.').collect();
        format!("{}.{}.{}", parts[0], b64(&tampered), parts[2])
    } else {
        jwt
    };
    deliver(redirect_uri, mode, &[("response", &jwt)])
}

fn b64(v: &Value) -> String {
    URL_SAFE_NO_PAD.encode(v.to_string())
}

/// Sends `pairs` to `redirect_uri` in the query, the fragment, or a form that the
/// browser posts (OAuth 2.0 Form Post Response Mode).
fn deliver(redirect_uri: &str, mode: Mode, pairs: &[(&str, &str)]) -> Response {
    if mode == Mode::FormPost {
        let inputs: String = pairs
            .iter()
            .map(|(k, v)| {
                format!(
                    r#"<input type="hidden" name="{}" value="{}">"#,
                    pages::escape(k),
                    pages::escape(v)
                )
            })
            .collect();
        let html = format!(
            r#"<!doctype html><html><head><title>Submit</title></head><body onload="document.forms[0].submit()"><form method="post" action="{}">{inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>"#,
            pages::escape(redirect_uri)
        );
        return crate::http::no_store((StatusCode::OK, Html(html)).into_response());
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish();
    let location = match mode {
        Mode::Fragment => format!("{redirect_uri}#{encoded}"),
        _ if redirect_uri.contains('?') => format!("{redirect_uri}&{encoded}"),
        _ => format!("{redirect_uri}?{encoded}"),
    };
    found(&location)
}
