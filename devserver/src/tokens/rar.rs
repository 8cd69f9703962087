//! Rich authorization requests (RFC 9396) as the devserver grants them:
//! `authorization_details` is read at `/authorize` (and PAR) and by the
//! client credentials grant, checked, kept with the code, and returned in the
//! token response (§7). Only the types below are known; any other, or a
//! malformed value, is `invalid_authorization_details` (§5).

use serde_json::Value;

use crate::http::error::OAuthError;

/// The parameter and response member.
pub(crate) const PARAM: &str = "authorization_details";

/// The error code of RFC 9396 §5.
pub(crate) const ERROR: &str = "invalid_authorization_details";

/// The types this server grants (any other is refused).
pub(crate) const TYPES: [&str; 2] = ["payment_initiation", "account_information"];

/// The requested details, checked; `None` when none were sent.
pub(crate) fn requested(raw: Option<&str>) -> Result<Option<Value>, (&'static str, String)> {
    let Some(raw) = raw else {
        return Ok(None);
    };
    let value: Value = serde_json::from_str(raw)
        .map_err(|e| (ERROR, format!("authorization_details is not JSON: {e}")))?;
    let items = value.as_array().filter(|a| !a.is_empty()).ok_or((
        ERROR,
        "authorization_details must be a non-empty JSON array".to_owned(),
    ))?;
    for (i, item) in items.iter().enumerate() {
        let ty = item.get("type").and_then(Value::as_str);
        match ty {
            Some(t) if TYPES.contains(&t) => {}
            Some(t) => {
                return Err((
                    ERROR,
                    format!("authorization_details[{i}]: unknown type {t:?}"),
                ));
            }
            None => {
                return Err((
                    ERROR,
                    format!("authorization_details[{i}] has no string type"),
                ));
            }
        }
    }
    Ok(Some(value))
}

/// [`requested`] for the token endpoint: a refusal is a 400 OAuth error.
pub(crate) fn requested_at_token(raw: Option<&str>) -> Result<Option<Value>, OAuthError> {
    requested(raw).map_err(|(error, description)| OAuthError::bad(error, description))
}
