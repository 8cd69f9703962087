//! Token sets and the parsing of token responses the way real servers send them:
//! `expires_in` as a number, a string or absent; `token_type` in any case or
//! absent; JSON or form-encoded bodies; errors inside a 200; renamed fields
//! (through the profile); every other field kept.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::dpop::DpopKey;
use crate::error::{Error, OAuthError, Result, body_excerpt, redact_json, redact_text};
use crate::http::HttpResponse;
use crate::profile::{ErrorFields, TokenFields, ZeroLifetime};
use crate::secret::Secret;
use crate::time;

pub use crate::time::MAX_LIFETIME;

/// The tokens of one grant. `Debug` redacts every token and shows only the
/// names of extra fields.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct TokenSet {
    /// The token presented to APIs (the profile decides which response field it is).
    pub access_token: Secret,
    /// `token_type` as sent (`Bearer`, `bearer`…), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_type: Option<String>,
    /// The refresh token, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// When the access token expires, if known (from `expires_in`, else a JWT `exp`).
    #[serde(
        default,
        with = "unix_seconds",
        skip_serializing_if = "Option::is_none"
    )]
    pub expires_at: Option<SystemTime>,
    /// Granted scope, if the server said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// OpenID Connect ID token, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_token: Option<Secret>,
    /// Every other field of the response (`issued_token_type`, `email`, a provider's second token…).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub extra: Map<String, Value>,
    /// The claims of `id_token`, once validated (see [`TokenSet::id_token_claims`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id_token_claims: Option<Map<String, Value>>,
    /// The DPoP key the tokens are bound to (RFC 9449), stored as its private
    /// JWK (field `dpop_jwk`): a bound token is useless without it. Absent
    /// in sets that are not DPoP-bound and in documents of older versions.
    #[serde(
        default,
        rename = "dpop_jwk",
        with = "crate::dpop::serde_key",
        skip_serializing_if = "Option::is_none"
    )]
    dpop_key: Option<DpopKey>,
}

impl fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field(
                "refresh_token",
                &self.refresh_token.as_ref().map(|_| "[redacted]"),
            )
            .field("expires_at", &self.expires_at.map(unix))
            .field("scope", &self.scope)
            .field("id_token", &self.id_token.as_ref().map(|_| "[redacted]"))
            .field("extra_fields", &self.extra.keys().collect::<Vec<_>>())
            .field("id_token_validated", &self.id_token_claims.is_some())
            .field("dpop_jkt", &self.dpop_key.as_ref().map(DpopKey::thumbprint))
            .finish()
    }
}

impl TokenSet {
    /// A set holding only an access token (for tests and custom flows).
    pub fn bearer(access_token: impl Into<String>) -> Self {
        TokenSet {
            access_token: Secret::new(access_token),
            token_type: Some("Bearer".into()),
            refresh_token: None,
            expires_at: None,
            scope: None,
            id_token: None,
            extra: Map::new(),
            id_token_claims: None,
            dpop_key: None,
        }
    }

    /// The authorization details the server granted (RFC 9396 §7): the token
    /// response's `authorization_details`, as sent (normally an array of
    /// objects with a `type`). `None` when the answer had none. Kept in
    /// stores with the rest of the answer.
    pub fn authorization_details(&self) -> Option<&Value> {
        self.extra.get(crate::rar::PARAM)
    }

    /// The claims of the ID token (`sub`, `iss`, `aud`, `auth_time`, `email`…),
    /// when it was validated (OpenID Connect Core §3.1.3.7) by
    /// [`crate::Client`] or [`crate::blocking::Client`]: a code exchange, a
    /// refresh or any grant that returned an `id_token` to a client that knows
    /// the provider's keys. `None` when there is no ID token or it was not
    /// validated (no `jwks_uri` or static keys configured). Kept when the set
    /// is stored and read back (the field `id_token_claims`).
    pub fn id_token_claims(&self) -> Option<&Map<String, Value>> {
        self.id_token_claims.as_ref()
    }

    /// Puts back claims this library validated earlier, for a binding that
    /// carries a token set across its boundary as plain fields (Kotlin/Swift
    /// records). They are taken as validated: never pass claims that did not
    /// come from [`TokenSet::id_token_claims`].
    pub fn set_id_token_claims(&mut self, claims: Option<Map<String, Value>>) {
        self.id_token_claims = claims;
    }

    /// The DPoP key the tokens are bound to (RFC 9449), when they were
    /// obtained with DPoP. Kept when the set is stored and read back.
    pub fn dpop_key(&self) -> Option<&DpopKey> {
        self.dpop_key.as_ref()
    }

    /// Attaches (or removes) the DPoP key the tokens are bound to: for a
    /// binding that carries the set across its boundary as plain fields, or
    /// tokens obtained with your own HTTP stack.
    pub fn set_dpop_key(&mut self, key: Option<DpopKey>) {
        self.dpop_key = key;
    }

    /// Whether `token_type` is `DPoP` (any case): the access token must be
    /// presented with a proof (`Authorization: DPoP …`).
    pub fn is_dpop(&self) -> bool {
        self.token_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dpop"))
    }

    /// Whether `token_type` is Bearer in any case, or absent (then Bearer is assumed).
    pub fn is_bearer(&self) -> bool {
        self.token_type
            .as_deref()
            .is_none_or(|t| t.eq_ignore_ascii_case("bearer"))
    }

    /// Time left before expiry (zero when expired), or None when unknown.
    pub fn expires_in(&self) -> Option<Duration> {
        self.expires_at.map(|at| {
            at.duration_since(SystemTime::now())
                .unwrap_or(Duration::ZERO)
        })
    }

    /// Whether the token expires within `leeway` (false when the expiry is
    /// unknown). Any leeway is accepted, `Duration::MAX` included: it means
    /// "expired" for every token with a known expiry.
    pub fn is_expired(&self, leeway: Duration) -> bool {
        self.expires_at.is_some_and(|at| time::within(at, leeway))
    }

    /// An extra field of the response, as a string when it is one.
    pub fn extra_str(&self, name: &str) -> Option<&str> {
        self.extra.get(name).and_then(Value::as_str)
    }

    /// `issued_token_type` (RFC 8693), when present.
    pub fn issued_token_type(&self) -> Option<&str> {
        self.extra_str("issued_token_type")
    }

    /// Keeps the previous refresh token when a refresh answer carries none
    /// (RFC 6749 §6: the server MAY issue a new one).
    pub fn keep_refresh_token_from(&mut self, previous: &TokenSet) {
        if self.refresh_token.is_none() {
            self.refresh_token.clone_from(&previous.refresh_token);
        }
    }
}

fn unix(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// `expires_at` in stores: seconds since the epoch with milliseconds, so a
/// process reading another's set sees the same deadline (whole seconds would
/// make short-lived tokens look due early and cause extra refreshes).
mod unix_seconds {
    use super::*;
    pub fn serialize<S: serde::Serializer>(
        t: &Option<SystemTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match t.and_then(|t| t.duration_since(UNIX_EPOCH).ok()) {
            Some(d) => s.serialize_f64((d.as_millis() as f64) / 1000.0),
            None => s.serialize_none(),
        }
    }
    pub fn deserialize<'de, D: serde::Deserializer<'de>>(
        d: D,
    ) -> Result<Option<SystemTime>, D::Error> {
        // A store is outside input too: absurd values are clamped, never a panic.
        Ok(Option::<f64>::deserialize(d)?.and_then(time::unix_time))
    }
}

/// Reads a response body as a JSON object: JSON, or form-encoded (some servers,
/// GitHub's old endpoint among them, answer `access_token=…&token_type=…`).
/// `None` for anything else (HTML, plain text, empty).
pub(crate) fn body_object(resp: &HttpResponse) -> Option<Map<String, Value>> {
    let text = std::str::from_utf8(&resp.body).ok()?.trim();
    if text.is_empty() {
        return None;
    }
    if let Ok(Value::Object(map)) = serde_json::from_str::<Value>(text) {
        return Some(map);
    }
    let media = resp.media_type().unwrap_or_default();
    let looks_like_form = !text.contains(['<', ' ', '\n', '{']) && text.contains('=');
    if media == "application/x-www-form-urlencoded"
        || (media != "application/json" && looks_like_form)
    {
        let map: Map<String, Value> = url::form_urlencoded::parse(text.as_bytes())
            .map(|(k, v)| (k.into_owned(), Value::String(v.into_owned())))
            .collect();
        return (!map.is_empty()).then_some(map);
    }
    None
}

/// A string field; numbers and booleans are turned into text (some servers send them).
fn text_field(obj: &Map<String, Value>, name: &str) -> Option<String> {
    obj.get(name).and_then(value_text)
}

/// A JSON value as text: strings as they are, numbers and booleans printed,
/// arrays of strings joined by spaces; `None` for null and objects.
fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        // `scope` as a JSON array, seen in the wild.
        Value::Array(items) => Some(
            items
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(" "),
        ),
        _ => None,
    }
}

/// The OAuth error in a body, if it has one (by the profile's field names).
pub(crate) fn oauth_error_in(
    obj: &Map<String, Value>,
    fields: &ErrorFields,
    resp: &HttpResponse,
) -> Option<OAuthError> {
    let error = text_field(obj, &fields.error)?;
    let mut extra = obj.clone();
    for name in [&fields.error, &fields.description, &fields.uri] {
        extra.remove(name.as_str());
    }
    // Keep every non-standard field but never a token-like value, at any depth.
    let mut extra = Value::Object(extra);
    redact_json(&mut extra, &[]);
    let extra = match extra {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    // A server may echo the request (and its secrets) in any text field.
    let text = |name: &str| text_field(obj, name).map(|t| redact_text(&t, &[]));
    Some(OAuthError {
        error: redact_text(&error, &[]),
        description: text(&fields.description),
        uri: text(&fields.uri),
        status: Some(resp.status),
        body: Some(body_excerpt(&resp.body)),
        extra,
        retry_after: retry_after(resp),
    })
}

/// `Retry-After` (RFC 9110 §10.2.3), as seconds or as an HTTP date, as a wait from now.
pub(crate) fn retry_after(resp: &HttpResponse) -> Option<Duration> {
    retry_after_at(resp.header("retry-after")?, SystemTime::now())
}

/// `Retry-After` read at `now`: delay seconds, or an HTTP date (a date in the
/// past means "now"). Absurd values are capped at a day: a session would give
/// up long before (its retry deadline) and say how long the server asked for.
pub(crate) fn retry_after_at(value: &str, now: SystemTime) -> Option<Duration> {
    const CAP: Duration = Duration::from_secs(24 * 3600);
    let value = value.trim();
    let wait = match value.parse::<u64>() {
        Ok(secs) => Duration::from_secs(secs),
        Err(_) => {
            let at = httpdate::parse_http_date(value).ok()?;
            at.duration_since(now).unwrap_or_default()
        }
    };
    Some(wait.min(CAP))
}

/// Turns a non-success answer into the right error: a redirect, an OAuth error
/// body (by the profile's names), or a plain HTTP error that keeps the body.
pub(crate) fn error_from(resp: &HttpResponse, fields: &ErrorFields) -> Error {
    if (300..400).contains(&resp.status) {
        return Error::UnexpectedRedirect {
            status: resp.status,
            location: resp.header("location").map(crate::http::redacted_location),
        };
    }
    match body_object(resp).and_then(|obj| oauth_error_in(&obj, fields, resp)) {
        Some(e) => Error::OAuth(Box::new(e)),
        None => Error::Http {
            status: resp.status,
            body: body_excerpt(&resp.body),
            retry_after: retry_after(resp),
        },
    }
}

/// How to read a token response.
#[derive(Clone, Copy, Debug)]
pub struct TokenParsing<'a> {
    /// Field names of the token response.
    pub fields: &'a TokenFields,
    /// Field names of error bodies.
    pub errors: &'a ErrorFields,
    /// Statuses meaning success.
    pub success: &'a [u16],
    /// Meaning of `expires_in: 0`.
    pub zero_lifetime: ZeroLifetime,
}

/// Parses a token endpoint answer into a [`TokenSet`] or a typed error.
///
/// `expires_in` is read as a number or a numeric string. A negative value
/// means the token is already expired (`expires_at` is now); 0 follows the
/// profile's [`ZeroLifetime`]; a lifetime longer than [`MAX_LIFETIME`]
/// (100 years: `1e19`, `"1e300"`…) is clamped to it. A JWT `exp` used in
/// place of `expires_in` is clamped the same way. No number makes this panic.
pub fn parse_token_response(resp: &HttpResponse, how: TokenParsing<'_>) -> Result<TokenSet> {
    let success = how.success.contains(&resp.status);
    let obj = match (success, body_object(resp)) {
        (true, Some(obj)) => obj,
        (true, None) => {
            let reason = if resp.body.is_empty() {
                "empty body"
            } else {
                "body is neither JSON nor form-encoded"
            };
            return Err(Error::invalid(resp.status, reason, &resp.body));
        }
        (false, _) => return Err(error_from(resp, how.errors)),
    };
    let f = how.fields;
    let has_token = match obj.get(&f.access_token) {
        Some(Value::String(t)) => !t.is_empty(),
        Some(other) => value_text(other).is_some(),
        None => false,
    };
    if !has_token {
        // An error inside a 200 (seen at several providers) is still an error.
        if let Some(e) = oauth_error_in(&obj, how.errors, resp) {
            return Err(Error::OAuth(Box::new(e)));
        }
        return Err(Error::invalid(
            resp.status,
            format!("no `{}` in the token response", f.access_token),
            &resp.body,
        ));
    }
    let lifetime = parse_lifetime(obj.get(&f.expires_in))
        .map_err(|why| Error::invalid(resp.status, why, &resp.body))?;
    // The known fields are moved out of the map; what is left is `extra`.
    let mut extra = obj;
    let access_token = take_text(&mut extra, &f.access_token).unwrap_or_default();
    let refresh_token = take_text(&mut extra, &f.refresh_token).filter(|t| !t.is_empty());
    let token_type = take_text(&mut extra, &f.token_type);
    let scope = take_text(&mut extra, &f.scope);
    let id_token = take_text(&mut extra, &f.id_token);
    extra.remove(f.expires_in.as_str());
    let expires_at = lifetime
        .and_then(|secs| expiry_from_lifetime(secs, how.zero_lifetime))
        .or_else(|| jwt_expiry(&access_token));
    Ok(TokenSet {
        access_token: Secret::new(access_token),
        token_type,
        refresh_token: refresh_token.map(Secret::new),
        expires_at,
        scope,
        id_token: id_token.map(Secret::new),
        extra,
        id_token_claims: None,
        dpop_key: None,
    })
}

/// Removes a field and returns it as text (strings without copying).
fn take_text(obj: &mut Map<String, Value>, name: &str) -> Option<String> {
    match obj.remove(name)? {
        Value::String(s) => Some(s),
        other => value_text(&other),
    }
}

/// `expires_in` as a number (integer or float), a numeric string, or absent:
/// the seconds as sent (any sign, any size); anything else is an invalid response.
fn parse_lifetime(v: Option<&Value>) -> std::result::Result<Option<f64>, String> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| !f.is_nan())
            .map(Some)
            .ok_or_else(|| format!("`expires_in` is not a number: {s:?}")),
        Some(other) => Err(format!("`expires_in` is not a number: {other}")),
    }
}

/// When a token sent with `expires_in = secs` expires. Negative: already
/// expired (never "unknown", which would cache it forever). Below one second:
/// the profile's meaning of 0. Longer than [`MAX_LIFETIME`]: clamped to it.
fn expiry_from_lifetime(secs: f64, zero: ZeroLifetime) -> Option<SystemTime> {
    if secs < 0.0 {
        return Some(SystemTime::now());
    }
    let lifetime = time::seconds_from_f64(secs);
    if lifetime.is_zero() && zero == ZeroLifetime::Unknown {
        return None;
    }
    Some(time::from_now(lifetime))
}

/// The `exp` claim of a JWT, read without verifying the signature: used only to
/// schedule a refresh, never to trust the token.
pub fn jwt_expiry(token: &str) -> Option<SystemTime> {
    let mut parts = token.split('.');
    let (_, payload, _) = (parts.next()?, parts.next()?, parts.next()?);
    let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    let exp = claims.get("exp")?.as_f64()?;
    // A server-chosen number: clamped to now + MAX_LIFETIME, never added blindly.
    (exp > 0.0).then(|| time::unix_time(exp)).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;

    fn parse(resp: HttpResponse) -> Result<TokenSet> {
        let p = Profile::rfc6749();
        parse_token_response(
            &resp,
            TokenParsing {
                fields: &p.response,
                errors: &p.errors,
                success: &p.success_statuses,
                zero_lifetime: p.zero_lifetime,
            },
        )
    }

    #[test]
    fn expires_in_as_number_string_float_or_absent() {
        for (body, secs) in [
            (r#"{"access_token":"a","expires_in":3600}"#, Some(3600)),
            (r#"{"access_token":"a","expires_in":"3600"}"#, Some(3600)),
            (r#"{"access_token":"a","expires_in":3599.9}"#, Some(3599)),
            (r#"{"access_token":"a"}"#, None),
            (r#"{"access_token":"a","expires_in":null}"#, None),
            (r#"{"access_token":"a","expires_in":0}"#, None),
        ] {
            let t = parse(HttpResponse::json(200, body)).unwrap();
            let left = t.expires_in().map(|d| d.as_secs());
            match secs {
                Some(s) => assert!(
                    left.is_some_and(|l| l + 2 >= s && l <= s),
                    "{body}: {left:?}"
                ),
                None => assert_eq!(left, None, "{body}"),
            }
        }
        assert!(matches!(
            parse(HttpResponse::json(
                200,
                r#"{"access_token":"a","expires_in":"soon"}"#
            )),
            Err(Error::InvalidResponse { .. })
        ));
    }

    #[test]
    fn token_type_any_case_or_absent_and_extras_kept() {
        let t = parse(HttpResponse::json(
            200,
            r#"{"access_token":"a","token_type":"BEARER","x":1}"#,
        ))
        .unwrap();
        assert!(t.is_bearer());
        assert_eq!(t.extra.get("x"), Some(&Value::from(1)));
        assert!(
            parse(HttpResponse::json(200, r#"{"access_token":"a"}"#))
                .unwrap()
                .is_bearer()
        );
        let mac = parse(HttpResponse::json(
            200,
            r#"{"access_token":"a","token_type":"mac"}"#,
        ))
        .unwrap();
        assert!(!mac.is_bearer());
    }

    #[test]
    fn form_encoded_bodies_and_201() {
        let resp = HttpResponse::new(
            201,
            vec![(
                "content-type".into(),
                "application/x-www-form-urlencoded".into(),
            )],
            "access_token=a%20b&token_type=bearer&scope=x+y&expires_in=60",
        );
        let t = parse(resp).unwrap();
        assert_eq!(t.access_token.expose(), "a b");
        assert_eq!(t.scope.as_deref(), Some("x y"));
        // text/plain form bodies (old GitHub) too
        let resp = HttpResponse::new(
            200,
            vec![("content-type".into(), "text/plain".into())],
            "access_token=z",
        );
        assert_eq!(parse(resp).unwrap().access_token.expose(), "z");
    }

    #[test]
    fn errors_inside_200_and_error_statuses() {
        let e = parse(HttpResponse::json(
            200,
            r#"{"error":"invalid_grant","error_description":"used"}"#,
        ))
        .unwrap_err();
        let o = e.oauth().unwrap();
        assert_eq!(
            (o.error.as_str(), o.description.as_deref(), o.status),
            ("invalid_grant", Some("used"), Some(200))
        );
        let e = parse(HttpResponse::json(
            400,
            r#"{"error":"invalid_client","error_uri":"https://x"}"#,
        ))
        .unwrap_err();
        assert_eq!(e.oauth().unwrap().uri.as_deref(), Some("https://x"));
        assert_eq!(e.status(), Some(400));
    }

    #[test]
    fn html_empty_and_missing_token_keep_status_and_body() {
        let html = HttpResponse::new(
            502,
            vec![("content-type".into(), "text/html".into())],
            "<html>Bad Gateway</html>",
        );
        match parse(html).unwrap_err() {
            Error::Http { status, body, .. } => {
                assert_eq!((status, body.as_str()), (502, "<html>Bad Gateway</html>"))
            }
            e => panic!("{e:?}"),
        }
        let html200 = HttpResponse::new(
            200,
            vec![("content-type".into(), "text/html".into())],
            "<html>login</html>",
        );
        assert!(matches!(
            parse(html200),
            Err(Error::InvalidResponse { status: 200, .. })
        ));
        assert!(matches!(
            parse(HttpResponse::json(200, "")),
            Err(Error::InvalidResponse { .. })
        ));
        match parse(HttpResponse::json(
            200,
            r#"{"token":"x","refresh_token":"SECRET"}"#,
        ))
        .unwrap_err()
        {
            Error::InvalidResponse { reason, body, .. } => {
                assert!(reason.contains("access_token"));
                assert!(body.contains("token") && !body.contains("SECRET"), "{body}");
            }
            e => panic!("{e:?}"),
        }
        assert!(matches!(
            parse(HttpResponse::json(200, "{not json")),
            Err(Error::InvalidResponse { .. })
        ));
    }

    #[test]
    fn redirects_are_errors() {
        let resp = HttpResponse::new(
            302,
            vec![("location".into(), "https://login/?code=SECRET".into())],
            "",
        );
        match parse(resp).unwrap_err() {
            Error::UnexpectedRedirect {
                status: 302,
                location: Some(l),
            } => assert!(!l.contains("SECRET")),
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn jwt_exp_is_used_when_lifetime_unknown() {
        let payload = URL_SAFE_NO_PAD.encode(br#"{"exp":4102444800}"#);
        let jwt = format!("e30.{payload}.sig");
        let t = parse(HttpResponse::json(
            200,
            &format!(r#"{{"access_token":"{jwt}","expires_in":0}}"#),
        ))
        .unwrap();
        assert_eq!(
            t.expires_at,
            Some(UNIX_EPOCH + Duration::from_secs(4102444800))
        );
    }

    #[test]
    fn debug_hides_tokens() {
        let t = parse(HttpResponse::json(
            200,
            r#"{"access_token":"AT1","refresh_token":"RT1","id_token":"ID1","deskera-token":"DT"}"#,
        ))
        .unwrap();
        let shown = format!("{t:?}");
        for s in ["AT1", "RT1", "ID1", "\"DT\""] {
            assert!(!shown.contains(s), "{shown}");
        }
        assert!(shown.contains("deskera-token"));
    }

    #[test]
    fn store_round_trip() {
        let t = parse(HttpResponse::json(
            200,
            r#"{"access_token":"a","refresh_token":"r","expires_in":60,"k":"v"}"#,
        ))
        .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back.access_token.expose(), "a");
        assert_eq!(back.refresh_token.as_ref().unwrap().expose(), "r");
        let ms =
            |t: Option<SystemTime>| t.map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_millis());
        assert_eq!(ms(back.expires_at), ms(t.expires_at));
        assert_eq!(back.extra_str("k"), Some("v"));
        assert!(back.dpop_key().is_none() && !json.contains("dpop_jwk"));
    }

    #[test]
    fn dpop_key_round_trips_and_old_documents_stay_readable() {
        let mut t = TokenSet::bearer("a");
        t.token_type = Some("DPoP".into());
        let key = DpopKey::generate().unwrap();
        t.set_dpop_key(Some(key.clone()));
        let json = serde_json::to_string(&t).unwrap();
        let back: TokenSet = serde_json::from_str(&json).unwrap();
        assert_eq!(back.dpop_key(), Some(&key));
        assert!(back.is_dpop() && !back.is_bearer());
        assert_eq!(back, t);
        // Debug names the key by thumbprint, never its private part
        let d: Map<String, Value> = serde_json::from_str(key.private_jwk().expose()).unwrap();
        let shown = format!("{back:?}");
        assert!(shown.contains(key.thumbprint()));
        assert!(!shown.contains(d["d"].as_str().unwrap()), "{shown}");
        // a document written before DPoP existed
        let old: TokenSet =
            serde_json::from_str(r#"{"access_token":"a","token_type":"Bearer"}"#).unwrap();
        assert!(old.dpop_key().is_none());
        // a damaged key is an error, not a silently unbound set
        assert!(
            serde_json::from_str::<TokenSet>(r#"{"access_token":"a","dpop_jwk":"{}"}"#).is_err()
        );
    }

    #[test]
    fn retry_after_as_seconds_or_http_date() {
        let now = UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        assert_eq!(retry_after_at("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:50:07 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past: retry now, not never.
        assert_eq!(
            retry_after_at("Sun, 06 Nov 1994 08:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after_at("soon", now), None);
        assert_eq!(
            retry_after_at("99999999999999", now),
            Some(Duration::from_secs(86_400))
        );
    }
}
