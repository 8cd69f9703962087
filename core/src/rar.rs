//! Rich authorization requests (RFC 9396): `authorization_details`, a JSON
//! array of objects, each naming its `type` (`payment_initiation`,
//! `account_information`…), that says in data what a scope says in words.
//!
//! Where it is sent. A client configured with authorization details
//! ([`crate::OAuthClientBuilder::authorization_details`]) sends them with
//! every request that asks for a new authorization: the authorization URL and
//! its pushed form (PAR), the device authorization and CIBA requests, and the
//! token requests of grants that have no front channel (client credentials,
//! password, token exchange, JWT bearer, other extension grants; §6). Code
//! exchanges, refreshes and device/CIBA polls do not repeat them: the server
//! keeps what it granted, and sending them there would ask to narrow it
//! (§6.1, §7). A call's own `authorization_details` (an authorization
//! parameter) replaces the client's.
//!
//! They are sent as compact JSON; the members of each object go in name order
//! (JSON objects have no order; `serde_json` keeps them sorted).
//!
//! What comes back. The token response's `authorization_details` (§7) is the
//! granted set, read with [`crate::TokenSet::authorization_details`].

use serde_json::Value;

use crate::error::{Error, Result};
use crate::grant::{self, Grant};

/// The parameter and response member name.
pub const PARAM: &str = "authorization_details";

/// Reads authorization details given as JSON text, and checks their shape:
/// an array of objects, each with a non-empty string `type` (RFC 9396 §2).
/// [`Error::Config`] names what is wrong.
pub fn parse(json: &str) -> Result<Value> {
    let value: Value = serde_json::from_str(json).map_err(|e| {
        Error::config(format!(
            "authorization_details must be a JSON array such as \
             [{{\"type\": \"payment_initiation\"}}]: {e}"
        ))
    })?;
    check(&value)?;
    Ok(value)
}

/// Checks the shape of authorization details (see [`parse`]).
pub fn check(value: &Value) -> Result<()> {
    let Some(items) = value.as_array() else {
        return Err(Error::config(
            "authorization_details must be a JSON array of objects, not a single value",
        ));
    };
    if items.is_empty() {
        return Err(Error::config(
            "authorization_details is an empty array: leave it unset instead",
        ));
    }
    for (i, item) in items.iter().enumerate() {
        let ty = item.as_object().and_then(|o| o.get("type"));
        match ty.and_then(Value::as_str) {
            Some(t) if !t.trim().is_empty() => {}
            _ => {
                return Err(Error::config(format!(
                    "authorization_details[{i}] must be an object with a non-empty string \
                     `type` (RFC 9396 §2)"
                )));
            }
        }
    }
    Ok(())
}

/// Whether the token request of `grant` carries the client's authorization
/// details: grants without a front channel of their own (see the module doc).
pub(crate) fn sent_with(grant: &Grant) -> bool {
    match grant {
        Grant::ClientCredentials { .. } | Grant::Password { .. } => true,
        Grant::AuthorizationCode { .. } | Grant::RefreshToken { .. } => false,
        Grant::Extension { grant_type, .. } => {
            grant_type != grant::DEVICE_CODE && grant_type != grant::CIBA
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shape_is_checked() {
        let ok = parse(r#"[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"12.00"}}]"#)
            .unwrap();
        assert_eq!(ok[0]["type"], "payment_initiation");
        for (bad, says) in [
            ("{\"type\":\"x\"}", "not a single value"),
            ("[]", "empty array"),
            ("[{\"actions\":[\"read\"]}]", "authorization_details[0]"),
            (
                "[{\"type\":\"a\"},{\"type\":\"\"}]",
                "authorization_details[1]",
            ),
            ("[{\"type\":7}]", "non-empty string"),
            ("[\"payment\"]", "authorization_details[0]"),
            ("[{\"type\":\"a\"},", "JSON array"),
        ] {
            let e = parse(bad).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad}: {e:?}");
            assert!(e.to_string().contains(says), "{bad}: {e}");
        }
    }

    #[test]
    fn only_grants_without_a_front_channel_carry_them() {
        assert!(sent_with(&Grant::client_credentials(None)));
        assert!(sent_with(&Grant::extension(
            grant::TOKEN_EXCHANGE,
            [("a", "b")]
        )));
        assert!(!sent_with(&Grant::refresh(&"r".into(), None)));
        assert!(!sent_with(&Grant::extension(
            grant::DEVICE_CODE,
            [("device_code", "d")]
        )));
        assert!(!sent_with(&Grant::extension(
            grant::CIBA,
            [("auth_req_id", "i")]
        )));
    }

    const PAY: &str =
        r#"[{"type":"payment_initiation","instructedAmount":{"currency":"EUR","amount":"12.00"}}]"#;
    /// `PAY`, form-encoded as every request sends it: compact JSON, members
    /// in name order.
    const PAY_FORM: &str = "authorization_details=%5B%7B%22instructedAmount%22%3A%7B%22amount%22%3A%2212.00%22%2C%22currency%22%3A%22EUR%22%7D%2C%22type%22%3A%22payment_initiation%22%7D%5D";

    fn client() -> crate::OAuthClient {
        crate::OAuthClient::builder("c")
            .authorization_url("https://as/authorize")
            .token_url("https://as/token")
            .par_url("https://as/par")
            .device_authorization_url("https://as/device")
            .redirect_uri("https://app/cb")
            .authorization_details(PAY)
            .build()
            .unwrap()
    }

    #[test]
    fn a_client_s_details_go_to_every_request_for_a_new_authorization() {
        use crate::{AuthorizeOptions, HttpResponse};
        let c = client();
        assert_eq!(
            c.authorization_details().unwrap()[0]["type"],
            "payment_initiation"
        );
        let url = c
            .authorization_url(AuthorizeOptions::default())
            .unwrap()
            .url;
        let sent: Vec<_> = url.query_pairs().filter(|(k, _)| k == PARAM).collect();
        assert_eq!(sent.len(), 1);
        assert_eq!(
            serde_json::from_str::<Value>(&sent[0].1).unwrap(),
            parse(PAY).unwrap()
        );
        let (par, _) = c.par_request(AuthorizeOptions::default()).unwrap();
        assert!(par.body_text().contains(PAY_FORM), "{}", par.body_text());
        assert_eq!(
            c.token_request(&Grant::client_credentials(None))
                .unwrap()
                .body_text(),
            format!("grant_type=client_credentials&{PAY_FORM}&client_id=c")
        );
        assert_eq!(
            c.device_authorization_request(None, &[])
                .unwrap()
                .body_text(),
            format!("{PAY_FORM}&client_id=c")
        );
        // What was granted is not asked for again.
        let pending = c
            .authorization_url(AuthorizeOptions::default())
            .unwrap()
            .pending;
        let code = crate::Callback::parse(&format!(
            "https://app/cb?code=k&state={}",
            pending.state.expose()
        ))
        .unwrap()
        .into_grant(&pending)
        .unwrap();
        assert!(!c.token_request(&code).unwrap().body_text().contains(PARAM));
        assert!(
            !c.token_request(&Grant::refresh(&"r".into(), None))
                .unwrap()
                .body_text()
                .contains(PARAM)
        );
        // The granted details are read from the token response.
        let set = c
            .parse_token_response(
                &Grant::client_credentials(None),
                &HttpResponse::json(200, &format!(r#"{{"access_token":"a","token_type":"Bearer","authorization_details":{PAY}}}"#)),
            )
            .unwrap();
        assert_eq!(set.authorization_details(), Some(&parse(PAY).unwrap()));
        let bare = c
            .parse_token_response(
                &Grant::client_credentials(None),
                &HttpResponse::json(200, r#"{"access_token":"a"}"#),
            )
            .unwrap();
        assert_eq!(bare.authorization_details(), None);
    }

    #[test]
    fn a_call_s_details_replace_the_client_s_and_are_checked() {
        use crate::AuthorizeOptions;
        let c = client();
        let mut opts = AuthorizeOptions::default();
        opts.set_param(
            PARAM,
            r#"[{"type":"account_information","actions":["read"]}]"#,
        )
        .unwrap();
        let url = c.authorization_url(opts).unwrap().url;
        let sent: Vec<_> = url
            .query_pairs()
            .filter(|(k, _)| k == PARAM)
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(
            sent,
            [r#"[{"actions":["read"],"type":"account_information"}]"#]
        );
        // Given as a plain extra parameter (the C and Python way), read the same.
        let opts = AuthorizeOptions {
            extra: vec![(PARAM.into(), r#"[{"type":"x"}]"#.into())],
            ..Default::default()
        };
        let url = c.authorization_url(opts).unwrap().url;
        assert_eq!(url.query_pairs().filter(|(k, _)| k == PARAM).count(), 1);
        let mut twice = AuthorizeOptions::default();
        twice.set_param(PARAM, r#"[{"type":"x"}]"#).unwrap();
        assert!(twice.set_param(PARAM, r#"[{"type":"y"}]"#).is_err());
        let bad = AuthorizeOptions {
            extra: vec![(PARAM.into(), "{}".into())],
            ..Default::default()
        };
        assert!(matches!(c.authorization_url(bad), Err(Error::Config(_))));
        let e = crate::OAuthClient::builder("c")
            .token_url("https://as/token")
            .authorization_details("[{}]")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("authorization_details[0]"), "{e}");
    }
}
