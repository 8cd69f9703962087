//! JWT-secured authorization requests (RFC 9101): the authorization
//! request's parameters travel as the claims of a request object, a JWT the
//! client signs with its private key (the `private_key_jwt` key), so neither
//! the browser nor anything between can change them unseen.
//!
//! With [`crate::OAuthClientBuilder::request_object`] on, the authorization
//! URL carries `client_id`, `request` (the request object) and, for
//! providers that read them before the object (OpenID Connect Core §6.1),
//! `response_type` and `scope` again; every other parameter is only in the
//! object, where the server must read them (RFC 9101 §5). A pushed
//! authorization request (RFC 9126) sends the same parameters in its body.
//!
//! The object: the parameters as claims (`claims`, `authorization_details`
//! as JSON, `max_age` as a number, the rest as strings), `iss` the client
//! id, `aud` the issuer, `iat`/`nbf` now, `exp` [`LIFETIME`] later, a random
//! `jti`, and the header `typ: oauth-authz-req+jwt` (RFC 9101 §10.8).

use std::time::{Duration, SystemTime};

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::keys::SigningKey;

/// The `typ` of a request object's header (RFC 9101 §10.8).
pub const TYP: &str = "oauth-authz-req+jwt";

/// How long a request object is valid: short, because it is used at once
/// (FAPI 2.0 Message Signing allows at most 60 minutes).
pub const LIFETIME: Duration = Duration::from_secs(300);

/// Parameters whose value is JSON, carried as JSON in the object.
const JSON_PARAMS: [&str; 2] = ["claims", crate::rar::PARAM];

/// The parameters that stay outside the object too, after `client_id`.
const OUTSIDE: [&str; 2] = ["response_type", "scope"];

/// The claims of the request object for the authorization `url`'s
/// parameters.
pub(crate) fn claims(
    url: &url::Url,
    client_id: &str,
    audience: &str,
    now: SystemTime,
) -> Result<Map<String, Value>> {
    let mut claims = Map::new();
    for (k, v) in url.query_pairs() {
        let value = if JSON_PARAMS.contains(&k.as_ref()) {
            serde_json::from_str(&v).map_err(|e| Error::config(format!("{k} is not JSON: {e}")))?
        } else if k == "max_age" {
            v.parse::<u64>()
                .map_or_else(|_| Value::from(v.as_ref()), Value::from)
        } else {
            Value::from(v.as_ref())
        };
        claims.insert(k.into_owned(), value);
    }
    let now = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    claims.insert("iss".into(), client_id.into());
    claims.insert("aud".into(), audience.into());
    claims.insert("client_id".into(), client_id.into());
    claims.insert("iat".into(), now.into());
    claims.insert("nbf".into(), now.into());
    claims.insert("exp".into(), (now + LIFETIME.as_secs()).into());
    claims.insert("jti".into(), uuid::Uuid::new_v4().to_string().into());
    Ok(claims)
}

/// Rewrites the authorization `url` to carry its parameters in a request
/// object signed with `key` (see the module doc).
pub(crate) fn secure(
    url: &mut url::Url,
    key: &SigningKey,
    client_id: &str,
    audience: &str,
    now: SystemTime,
) -> Result<()> {
    let claims = claims(url, client_id, audience, now)?;
    let jwt = key.sign_typed(&claims, TYP)?;
    let outside: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| OUTSIDE.contains(&k.as_ref()))
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let mut q = url.query_pairs_mut();
    q.clear();
    q.append_pair("client_id", client_id);
    for (k, v) in &outside {
        q.append_pair(k, v);
    }
    q.append_pair("request", &jwt);
    drop(q);
    Ok(())
}
