//! Device authorization grant (RFC 8628) and CIBA poll mode (OpenID Connect
//! Client-Initiated Backchannel Authentication): the start request, its
//! answer, and how each poll answer is read. The polling loop is in
//! [`crate::polling`].

use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::grant::{self, Grant};
use crate::http::HttpResponse;
use crate::params::Params;
use crate::secret::Secret;
use crate::token::{body_object, error_from};

/// RFC 8628 §3.5: the interval when the server gives none.
pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(5);
/// RFC 8628 §3.5: what `slow_down` adds to the interval.
pub const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);

/// The answer to a device authorization request (RFC 8628 §3.2).
#[derive(Clone, Debug)]
pub struct DeviceAuthorization {
    /// The device code (sent back while polling).
    pub device_code: Secret,
    /// The code the user types.
    pub user_code: String,
    /// Where the user goes (`verification_url`, a misspelling some servers send, is accepted).
    pub verification_uri: String,
    /// The same with the code filled in, if the server offers it (QR codes).
    pub verification_uri_complete: Option<String>,
    /// Lifetime of the codes.
    pub expires_in: Duration,
    /// Minimum time between polls.
    pub interval: Duration,
    /// Other fields of the answer.
    pub extra: Map<String, Value>,
}

/// The answer to a CIBA backchannel authentication request.
#[derive(Clone, Debug)]
pub struct CibaAuthorization {
    /// The request id (sent back while polling).
    pub auth_req_id: Secret,
    /// Lifetime of the request.
    pub expires_in: Duration,
    /// Minimum time between polls.
    pub interval: Duration,
    /// Other fields of the answer.
    pub extra: Map<String, Value>,
}

/// A CIBA backchannel authentication request: one of the three hints is needed.
#[derive(Clone, Debug, Default)]
pub struct CibaRequest {
    /// Scope; `openid` is added when missing (CIBA requires it).
    pub scope: Option<String>,
    /// `login_hint`
    pub login_hint: Option<String>,
    /// `id_token_hint`
    pub id_token_hint: Option<String>,
    /// `login_hint_token`
    pub login_hint_token: Option<String>,
    /// `binding_message` shown on both devices.
    pub binding_message: Option<String>,
    /// `requested_expiry` in seconds.
    pub requested_expiry: Option<u64>,
    /// More parameters.
    pub extra: Vec<(String, String)>,
}

impl CibaRequest {
    /// The request parameters; checks that exactly one hint is given.
    pub fn params(&self) -> Result<Params> {
        let hints = [
            &self.login_hint,
            &self.id_token_hint,
            &self.login_hint_token,
        ];
        if hints.iter().filter(|h| h.is_some()).count() != 1 {
            return Err(Error::config(
                "a CIBA request needs exactly one of login_hint, id_token_hint, login_hint_token",
            ));
        }
        let mut p = Params::new();
        let scope = match self.scope.as_deref() {
            Some(s) if s.split(' ').any(|x| x == "openid") => s.to_string(),
            Some(s) => format!("openid {s}"),
            None => "openid".to_string(),
        };
        p.push("scope", scope);
        p.push_opt("login_hint", self.login_hint.as_deref());
        p.push_opt("id_token_hint", self.id_token_hint.as_deref());
        p.push_opt("login_hint_token", self.login_hint_token.as_deref());
        p.push_opt("binding_message", self.binding_message.as_deref());
        if let Some(e) = self.requested_expiry {
            p.push("requested_expiry", e.to_string());
        }
        for (k, v) in &self.extra {
            p.push(k, v);
        }
        Ok(p)
    }
}

/// A number of seconds sent as a number or a numeric string. Negative counts
/// as 0; more than [`crate::token::MAX_LIFETIME`] (100 years, e.g. 2^64-1) is
/// clamped to it, so the polling deadline can always be computed.
fn seconds(obj: &Map<String, Value>, name: &str) -> Option<Duration> {
    let v = obj.get(name)?;
    let secs = v
        .as_f64()
        .or_else(|| v.as_str()?.trim().parse::<f64>().ok())?;
    Some(crate::time::seconds_from_f64(secs))
}

fn string(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.get(name).and_then(Value::as_str).map(str::to_string)
}

fn start_object(
    resp: &HttpResponse,
    errors: &crate::profile::ErrorFields,
) -> Result<Map<String, Value>> {
    if resp.status != 200 {
        return Err(error_from(resp, errors));
    }
    body_object(resp)
        .ok_or_else(|| Error::invalid(resp.status, "the answer is not a JSON object", &resp.body))
}

/// Parses a device authorization answer.
pub fn parse_device_authorization(
    resp: &HttpResponse,
    errors: &crate::profile::ErrorFields,
) -> Result<DeviceAuthorization> {
    let obj = start_object(resp, errors)?;
    let missing = |f: &str| {
        Error::invalid(
            resp.status,
            format!("device authorization answer without `{f}`"),
            &resp.body,
        )
    };
    let device_code = string(&obj, "device_code").ok_or_else(|| missing("device_code"))?;
    let user_code = string(&obj, "user_code").ok_or_else(|| missing("user_code"))?;
    let verification_uri = string(&obj, "verification_uri")
        .or_else(|| string(&obj, "verification_url"))
        .ok_or_else(|| missing("verification_uri"))?;
    let verification_uri_complete = string(&obj, "verification_uri_complete")
        .or_else(|| string(&obj, "verification_url_complete"));
    let expires_in = seconds(&obj, "expires_in").ok_or_else(|| missing("expires_in"))?;
    let interval = seconds(&obj, "interval").unwrap_or(DEFAULT_INTERVAL);
    let mut extra = obj;
    for k in [
        "device_code",
        "user_code",
        "verification_uri",
        "verification_url",
        "verification_uri_complete",
        "verification_url_complete",
        "expires_in",
        "interval",
    ] {
        extra.remove(k);
    }
    Ok(DeviceAuthorization {
        device_code: Secret::new(device_code),
        user_code,
        verification_uri,
        verification_uri_complete,
        expires_in,
        interval,
        extra,
    })
}

/// Parses a CIBA backchannel authentication answer.
pub fn parse_ciba_authorization(
    resp: &HttpResponse,
    errors: &crate::profile::ErrorFields,
) -> Result<CibaAuthorization> {
    let obj = start_object(resp, errors)?;
    let auth_req_id = string(&obj, "auth_req_id").ok_or_else(|| {
        Error::invalid(resp.status, "CIBA answer without `auth_req_id`", &resp.body)
    })?;
    let expires_in = seconds(&obj, "expires_in").ok_or_else(|| {
        Error::invalid(resp.status, "CIBA answer without `expires_in`", &resp.body)
    })?;
    let interval = seconds(&obj, "interval").unwrap_or(DEFAULT_INTERVAL);
    let mut extra = obj;
    for k in ["auth_req_id", "expires_in", "interval"] {
        extra.remove(k);
    }
    Ok(CibaAuthorization {
        auth_req_id: Secret::new(auth_req_id),
        expires_in,
        interval,
        extra,
    })
}

impl DeviceAuthorization {
    /// The polling grant.
    pub fn grant(&self) -> Grant {
        Grant::extension(
            grant::DEVICE_CODE,
            [("device_code", self.device_code.expose())],
        )
    }
}

impl CibaAuthorization {
    /// The polling grant.
    pub fn grant(&self) -> Grant {
        Grant::extension(grant::CIBA, [("auth_req_id", self.auth_req_id.expose())])
    }
}

/// How one poll went.
#[derive(Debug)]
pub enum PollAnswer {
    /// Not yet approved: poll again after the interval.
    Pending,
    /// Polling too fast: add 5 s to the interval.
    SlowDown,
}

/// Reads a poll's error: pending and slow_down are not failures; `expired_token`
/// becomes [`Error::Expired`]; `access_denied` and the rest stay OAuth errors.
pub fn classify_poll_error(e: Error) -> std::result::Result<PollAnswer, Error> {
    match e.oauth().map(|o| o.error.as_str()) {
        Some("authorization_pending") => Ok(PollAnswer::Pending),
        Some("slow_down") => Ok(PollAnswer::SlowDown),
        Some("expired_token") => Err(Error::Expired),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ErrorFields;

    #[test]
    fn device_answer_variants() {
        let e = ErrorFields::default();
        let a = parse_device_authorization(
            &HttpResponse::json(200, r#"{"device_code":"d","user_code":"U","verification_url":"https://v","expires_in":"600"}"#),
            &e,
        )
        .unwrap();
        assert_eq!(a.verification_uri, "https://v");
        assert_eq!(a.interval, DEFAULT_INTERVAL);
        assert_eq!(a.expires_in, Duration::from_secs(600));
        assert!(format!("{a:?}").contains("[redacted]") && !format!("{a:?}").contains("\"d\""));
        assert!(matches!(
            parse_device_authorization(&HttpResponse::json(200, r#"{"user_code":"U"}"#), &e),
            Err(Error::InvalidResponse { .. })
        ));
        assert!(matches!(
            parse_device_authorization(
                &HttpResponse::json(400, r#"{"error":"invalid_client"}"#),
                &e
            ),
            Err(Error::OAuth(_))
        ));
        let p = a.grant().params().to_form();
        assert_eq!(
            p,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code&device_code=d"
        );
    }

    #[test]
    fn huge_and_negative_lifetimes_are_clamped() {
        let e = ErrorFields::default();
        for body in [
            r#"{"device_code":"d","user_code":"U","verification_uri":"https://v","expires_in":18446744073709551615,"interval":18446744073709551615}"#,
            r#"{"device_code":"d","user_code":"U","verification_uri":"https://v","expires_in":"1e300","interval":1e19}"#,
        ] {
            let a = parse_device_authorization(&HttpResponse::json(200, body), &e).unwrap();
            assert_eq!(a.expires_in, crate::token::MAX_LIFETIME, "{body}");
            assert_eq!(a.interval, crate::token::MAX_LIFETIME, "{body}");
        }
        let c = parse_ciba_authorization(
            &HttpResponse::json(
                200,
                r#"{"auth_req_id":"a","expires_in":18446744073709551615,"interval":-3}"#,
            ),
            &e,
        )
        .unwrap();
        assert_eq!(c.expires_in, crate::token::MAX_LIFETIME);
        assert_eq!(c.interval, Duration::ZERO);
    }

    #[test]
    fn ciba_request_needs_one_hint_and_openid() {
        assert!(CibaRequest::default().params().is_err());
        let both = CibaRequest {
            login_hint: Some("a".into()),
            id_token_hint: Some("b".into()),
            ..Default::default()
        };
        assert!(both.params().is_err());
        let r = CibaRequest {
            login_hint: Some("alice".into()),
            scope: Some("email".into()),
            binding_message: Some("W4 9Q".into()),
            ..Default::default()
        };
        assert_eq!(
            r.params().unwrap().to_form(),
            "scope=openid+email&login_hint=alice&binding_message=W4+9Q"
        );
    }

    #[test]
    fn poll_errors_classified() {
        let oauth = |code: &str| Error::OAuth(Box::new(crate::OAuthError::new(code)));
        assert!(matches!(
            classify_poll_error(oauth("authorization_pending")),
            Ok(PollAnswer::Pending)
        ));
        assert!(matches!(
            classify_poll_error(oauth("slow_down")),
            Ok(PollAnswer::SlowDown)
        ));
        assert!(matches!(
            classify_poll_error(oauth("expired_token")),
            Err(Error::Expired)
        ));
        assert!(matches!(
            classify_poll_error(oauth("access_denied")),
            Err(Error::OAuth(_))
        ));
    }
}
