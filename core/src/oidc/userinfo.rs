//! The UserInfo endpoint (OpenID Connect Core 1.0 §5.3): a GET with the access
//! token presented as the profile says, and an answer that is JSON or a signed
//! JWT (§5.3.2, checked like an ID token: signature, `iss`, `aud`). Its `sub`
//! must be the ID token's (§5.3.4: otherwise the answer may be about someone else).

use std::time::SystemTime;

use serde_json::{Map, Value};

use super::id_token::{self, Failure, Verifier};
use super::jwks::Jwks;
use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};
use crate::profile::ErrorFields;

/// The media type of a signed UserInfo answer.
pub const JWT_MEDIA_TYPE: &str = "application/jwt";

/// The GET request to `endpoint` with the token header `(name, value)`.
pub(crate) fn request(endpoint: &url::Url, header: (String, String), post: bool) -> HttpRequest {
    let mut req = if post {
        // §5.3.1: a POST is form-encoded; the token stays in the header
        // (RFC 6750 §2.1), so the body is empty.
        let mut r = HttpRequest::new(Method::Post, endpoint.clone());
        r.headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        r
    } else {
        HttpRequest::new(Method::Get, endpoint.clone())
    };
    req.headers.push(header);
    req.headers.push((
        "Accept".into(),
        format!("application/json, {JWT_MEDIA_TYPE}"),
    ));
    req
}

fn invalid(f: Failure) -> Error {
    Error::InvalidUserInfo {
        check: f.check.to_string(),
        reason: f.reason,
    }
}

/// Whether a signed answer is a JWT (by media type, or by shape when the
/// server labels it plainly).
pub(crate) fn is_jwt(resp: &HttpResponse) -> bool {
    resp.media_type().as_deref() == Some(JWT_MEDIA_TYPE)
}

/// Parses a UserInfo answer. A signed answer needs `keys`; `expected_sub` is
/// the ID token's `sub`, when one is known.
pub(crate) fn parse(
    resp: &HttpResponse,
    errors: &ErrorFields,
    v: &Verifier<'_>,
    keys: Option<&Jwks>,
    expected_sub: Option<&str>,
    now: SystemTime,
) -> Result<Map<String, Value>> {
    if resp.status != 200 {
        return Err(crate::token::error_from(resp, errors));
    }
    let claims = if is_jwt(resp) {
        let keys = keys.ok_or_else(|| {
            Error::config("the UserInfo answer is a signed JWT and no JWKS is configured")
        })?;
        let text = std::str::from_utf8(&resp.body)
            .map_err(|_| {
                Error::invalid(resp.status, "the signed UserInfo is not text", &resp.body)
            })?
            .trim();
        let (_, claims) = id_token::verify_signature(text, keys, v.algorithms).map_err(invalid)?;
        id_token::check_issuer_and_audience(&claims, v).map_err(invalid)?;
        if let Some(exp) = claims.get("exp").and_then(Value::as_f64) {
            let expired = crate::time::unix_time(exp)
                .is_none_or(|t| now >= crate::time::system_after(t, v.skew));
            if expired {
                return Err(invalid(Failure {
                    check: "exp",
                    reason: "the signed UserInfo has expired".into(),
                }));
            }
        }
        claims
    } else {
        match serde_json::from_slice::<Value>(&resp.body) {
            Ok(Value::Object(map)) => map,
            _ => {
                return Err(Error::invalid(
                    resp.status,
                    "the UserInfo answer is neither a JSON object nor a JWT",
                    &resp.body,
                ));
            }
        }
    };
    match (claims.get("sub").and_then(Value::as_str), expected_sub) {
        (None, _) => Err(invalid(Failure {
            check: "sub",
            reason: "no `sub` claim".into(),
        })),
        (Some(sub), Some(expected)) if sub != expected => Err(invalid(Failure {
            check: "sub",
            reason: "`sub` is not the ID token's".into(),
        })),
        _ => Ok(claims),
    }
}
