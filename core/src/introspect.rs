//! Token introspection (RFC 7662): the answer parsed.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::http::HttpResponse;
use crate::profile::ErrorFields;
use crate::token::{body_object, error_from};

/// What the server says about a token. Inactive tokens carry nothing else
/// (RFC 7662 §2.2).
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Introspection {
    /// Whether the token is active.
    pub active: bool,
    /// Scope.
    pub scope: Option<String>,
    /// Client the token was issued to.
    pub client_id: Option<String>,
    /// Resource owner's user name.
    pub username: Option<String>,
    /// Token type.
    pub token_type: Option<String>,
    /// Expiry (seconds since the epoch).
    pub exp: Option<u64>,
    /// Issued at.
    pub iat: Option<u64>,
    /// Not before.
    pub nbf: Option<u64>,
    /// Subject.
    pub sub: Option<String>,
    /// Audience (a string or an array).
    pub aud: Option<Value>,
    /// Issuer.
    pub iss: Option<String>,
    /// Token id.
    pub jti: Option<String>,
    /// Every other member.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Parses an introspection answer.
pub fn parse_introspection(resp: &HttpResponse, errors: &ErrorFields) -> Result<Introspection> {
    if resp.status != 200 {
        return Err(error_from(resp, errors));
    }
    let obj = body_object(resp).ok_or_else(|| {
        Error::invalid(
            resp.status,
            "introspection answer is not a JSON object",
            &resp.body,
        )
    })?;
    // `active` as a string ("true") is seen in the wild.
    let mut obj = obj;
    if let Some(Value::String(s)) = obj.get("active") {
        let b = s.eq_ignore_ascii_case("true");
        obj.insert("active".into(), Value::Bool(b));
    }
    if !obj.get("active").is_some_and(Value::is_boolean) {
        return Err(Error::invalid(
            resp.status,
            "introspection answer has no boolean `active`",
            &resp.body,
        ));
    }
    serde_json::from_value(Value::Object(obj)).map_err(|e| {
        Error::invalid(
            resp.status,
            format!("introspection answer: {e}"),
            &resp.body,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn active_and_inactive() {
        let e = ErrorFields::default();
        let i = parse_introspection(
            &HttpResponse::json(200, r#"{"active":true,"scope":"a b","exp":5,"custom":1}"#),
            &e,
        )
        .unwrap();
        assert!(i.active);
        assert_eq!(i.scope.as_deref(), Some("a b"));
        assert_eq!(i.extra.get("custom"), Some(&Value::from(1)));
        assert!(
            !parse_introspection(&HttpResponse::json(200, r#"{"active":false}"#), &e)
                .unwrap()
                .active
        );
        assert!(
            parse_introspection(&HttpResponse::json(200, r#"{"active":"true"}"#), &e)
                .unwrap()
                .active
        );
        assert!(matches!(
            parse_introspection(&HttpResponse::json(200, "{}"), &e),
            Err(Error::InvalidResponse { .. })
        ));
        assert!(matches!(
            parse_introspection(
                &HttpResponse::json(401, r#"{"error":"invalid_client"}"#),
                &e
            ),
            Err(Error::OAuth(_))
        ));
    }
}
