//! JWT-secured authorization requests (RFC 9101) at `/authorize`: a
//! `request` parameter is a request object the client signed with its
//! registered key. Its claims are the authorization parameters, and the only
//! ones read (§5: query parameters beside it are ignored, except that
//! `client_id` must match). A bad object is refused with
//! `invalid_request_object` (§7) on an error page: its `redirect_uri` cannot
//! be trusted, so nothing is redirected.

use serde_json::Value;

use crate::app::AppState;
use crate::auth::assertion::{self, Expect};
use crate::clients::Registration;
use crate::http::params::Params;

/// The error code of RFC 9101 §7.
pub(crate) const ERROR: &str = "invalid_request_object";

/// Claims of the JWT itself, not authorization parameters.
const JWT_CLAIMS: [&str; 6] = ["iss", "aud", "exp", "iat", "nbf", "jti"];

/// The authorization parameters of the request object `jwt`, verified with
/// `client`'s registered key: signature, `iss` (the client), `aud` (this
/// server's issuer), `exp`, and `client_id` equal to the query's.
pub(crate) fn read(app: &AppState, client: &Registration, jwt: &str) -> Result<Params, String> {
    let audiences = [app.base_url.clone()];
    let claims = assertion::verify(
        client,
        jwt,
        &Expect {
            audiences: &audiences,
            ..Default::default()
        },
    )?;
    let Some(map) = claims.as_object() else {
        return Err("the request object's claims are not an object".into());
    };
    if map.get("client_id").and_then(Value::as_str) != Some(client.id) {
        return Err("the request object's client_id is not the request's".into());
    }
    let pairs = map
        .iter()
        .filter(|(k, _)| !JWT_CLAIMS.contains(&k.as_str()))
        .map(|(k, v)| {
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            (k.clone(), v)
        })
        .collect();
    Ok(Params::from_pairs(pairs))
}
