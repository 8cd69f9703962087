//! JWT Secured Authorization Response Mode (JARM, OpenID FAPI): the
//! authorization response comes back as one signed JWT, `response=<JWT>`,
//! whose claims are the response's parameters (`code`, `state`, `error`…)
//! plus `iss`, `aud` and `exp`. The provider's signature makes the response
//! tamper-evident and binds it to this client and this issuer.
//!
//! With [`crate::OAuthClientBuilder::response_mode`] set to a JARM mode
//! ([`MODES`]), the authorization URL (and PAR, and a request object) carries
//! `response_mode`, and the [`crate::PendingAuthorization`] remembers it.
//! The redirect is then read in this order, before the code is used:
//!
//! 1. a plain response (no `response` parameter) is refused — otherwise an
//!    attacker who strips the JWT downgrades the client (`downgrade`);
//! 2. an encrypted response (a JWE, five parts) is refused: not supported
//!    (`encrypted`);
//! 3. the signature, with the provider's keys (the OpenID Connect JWKS
//!    machinery: key selection by `kid`/`kty`/`alg`, ES512, the cache and
//!    one refetch on an unknown `kid`): `format`, `alg` (never `none` or
//!    HMAC), `kid`, `signature`;
//! 4. `iss` is the issuer, `aud` contains the client id, `exp` has not passed
//!    (with the clock skew of ID tokens);
//! 5. the claims become the [`Callback`], and the usual `state`, RFC 9207
//!    `iss`, `error` and PKCE rules apply.
//!
//! Parameters outside the JWT are ignored: only the signed ones count.

use std::time::SystemTime;

use serde_json::Value;

use crate::authorize::Callback;
use crate::error::{Error, Result};
use crate::oidc::Jwks;
use crate::oidc::alg::JwsAlg;
use crate::oidc::id_token::{self, Verifier};
use crate::secret::Secret;
use crate::time;

/// The response modes that ask for a JWT-secured response (JARM §2.3):
/// `jwt` is the response type's default place (the query for `code`).
pub const MODES: [&str; 4] = ["jwt", "query.jwt", "fragment.jwt", "form_post.jwt"];

/// The plain response modes (OAuth 2.0 Multiple Response Types, Form Post).
pub const PLAIN_MODES: [&str; 3] = ["query", "fragment", "form_post"];

/// The redirect parameter that carries the JWT.
pub const PARAM: &str = "response";

/// Whether `mode` asks for a JWT-secured response.
pub fn is_jarm(mode: &str) -> bool {
    MODES.contains(&mode)
}

/// Checks a `response_mode` value: one of [`MODES`] or [`PLAIN_MODES`].
pub fn check_mode(mode: &str) -> Result<()> {
    if is_jarm(mode) || PLAIN_MODES.contains(&mode) {
        return Ok(());
    }
    Err(Error::config(format!(
        "response_mode {mode:?} is not one of {}, {}",
        MODES.join(", "),
        PLAIN_MODES.join(", ")
    )))
}

/// The algorithms a JARM response may be signed with: the metadata's
/// `authorization_signing_alg_values_supported` (HMAC skipped) when it lists
/// any, else every asymmetric algorithm this library verifies (the key's
/// type, curve and own `alg` still have to fit; `none` never parses).
pub(crate) fn algorithms(advertised: Option<&Value>) -> Vec<JwsAlg> {
    let usable = |name: &str| JwsAlg::from_name(name).filter(|a| !a.is_hmac());
    let listed: Vec<JwsAlg> = advertised
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .filter_map(usable)
                .collect()
        })
        .unwrap_or_default();
    if !listed.is_empty() {
        return listed;
    }
    [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA",
    ]
    .iter()
    .filter_map(|n| usable(n))
    .collect()
}

fn fail<T>(check: &str, reason: impl Into<String>) -> Result<T> {
    Err(Error::InvalidJarmResponse {
        check: check.to_string(),
        reason: reason.into(),
    })
}

/// The refusal of a plain response to a JARM request.
pub(crate) fn downgrade(mode: &str) -> Error {
    Error::InvalidJarmResponse {
        check: "downgrade".into(),
        reason: format!(
            "response_mode {mode} was requested and the response is not a JWT (`response` is missing)"
        ),
    }
}

/// Validates the JARM `response` JWT against the provider's `keys` at `now`
/// and returns the authorization response it carries (see the module doc
/// for the order of the checks).
pub(crate) fn open(
    response: &str,
    keys: &Jwks,
    v: &Verifier<'_>,
    now: SystemTime,
) -> Result<Callback> {
    let parts = response.split('.').count();
    if parts == 5 {
        return fail(
            "encrypted",
            "the response is encrypted (JWE), which is not supported: register the client \
             without authorization_encrypted_response_alg",
        );
    }
    let (_, claims) = id_token::verify_signature(response, keys, v.algorithms).map_err(|f| {
        Error::InvalidJarmResponse {
            check: f.check.to_string(),
            reason: f.reason,
        }
    })?;
    match claims.get("iss").and_then(Value::as_str) {
        Some(iss) if iss == v.issuer => {}
        Some(iss) => return fail("iss", format!("issuer {iss:?}, expected {:?}", v.issuer)),
        None => return fail("iss", "no `iss` claim"),
    }
    let aud_ok = match claims.get("aud") {
        Some(Value::String(a)) => a == v.client_id,
        Some(Value::Array(items)) => items.iter().any(|a| a.as_str() == Some(v.client_id)),
        _ => return fail("aud", "no `aud` claim"),
    };
    if !aud_ok {
        return fail(
            "aud",
            format!("the audience does not include {:?}", v.client_id),
        );
    }
    let exp = match claims.get("exp").map(Value::as_f64) {
        None => return fail("exp", "no `exp` claim"),
        Some(Some(n)) if n.is_finite() => n,
        Some(_) => return fail("exp", "`exp` is not a number"),
    };
    let Some(exp) = time::unix_time(exp) else {
        return fail("exp", "`exp` is before 1970");
    };
    if now >= time::system_after(exp, v.skew) {
        return fail("exp", "the response has expired");
    }
    let mut cb = Callback::default();
    for (k, value) in &claims {
        if matches!(k.as_str(), "aud" | "exp" | "iat" | "nbf") {
            continue;
        }
        let Some(text) = value.as_str() else {
            if matches!(
                k.as_str(),
                "code" | "state" | "error" | "error_description" | "error_uri"
            ) {
                return fail("claims", format!("`{k}` is not a string"));
            }
            continue;
        };
        match k.as_str() {
            "code" => cb.code = Some(Secret::new(text)),
            "state" => cb.state = Some(text.to_string()),
            "iss" => cb.iss = Some(text.to_string()),
            "error" => cb.error = Some(text.to_string()),
            "error_description" => cb.error_description = Some(text.to_string()),
            "error_uri" => cb.error_uri = Some(text.to_string()),
            _ => {}
        }
        cb.params.push(k.clone(), text.to_string());
    }
    cb.jarm = true;
    Ok(cb)
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, UNIX_EPOCH};

    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use serde_json::json;

    use super::*;
    use crate::grant::Grant;
    use crate::keys::SigningKey;
    use crate::{AuthorizeOptions, OAuthClient, PendingAuthorization};
    use oauth2kit_devserver::keys;

    const ISS: &str = "https://as.example";
    const STATE: &str = "0123456789abcdefghijkl";
    /// A fixed "now" for every check (the tests never read the system clock).
    const NOW: u64 = 1_800_000_000;

    fn now() -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(NOW)
    }

    fn jwks_json() -> String {
        format!(
            r#"{{"keys":[{},{}]}}"#,
            keys::RSA_CLIENT_JWK,
            keys::EC_CLIENT_JWK
        )
    }

    fn client(mode: &str) -> OAuthClient {
        OAuthClient::builder("app")
            .issuer(ISS)
            .authorization_url("https://as.example/authorize")
            .token_url("https://as.example/token")
            .redirect_uri("https://app.example/cb")
            .jwks_json(jwks_json())
            .response_mode(mode)
            .build()
            .unwrap()
    }

    fn pending(c: &OAuthClient) -> PendingAuthorization {
        c.authorization_url(AuthorizeOptions {
            state: Some(STATE.into()),
            ..Default::default()
        })
        .unwrap()
        .pending
    }

    fn rsa() -> SigningKey {
        SigningKey::from_pem(keys::RSA_CLIENT_PRIVATE_PEM)
            .unwrap()
            .with_kid("rsa-client")
    }

    fn claims() -> serde_json::Value {
        json!({"iss": ISS, "aud": "app", "exp": NOW + 60, "code": "the-code", "state": STATE})
    }

    fn signed(claims: &serde_json::Value) -> String {
        rsa().sign(claims).unwrap()
    }

    fn b64(v: &serde_json::Value) -> String {
        URL_SAFE_NO_PAD.encode(v.to_string())
    }

    /// What the client makes of `redirect` after a JARM request.
    fn grant(c: &OAuthClient, redirect: &str) -> Result<Grant> {
        let p = pending(c);
        let keys = Jwks::from_json(&jwks_json()).unwrap();
        c.parse_authorization_response(redirect, Some(&keys), now())?
            .into_grant(&p)
    }

    fn refused(c: &OAuthClient, redirect: &str, check: &str) -> String {
        match grant(c, redirect) {
            Err(Error::InvalidJarmResponse { check: got, reason }) => {
                assert_eq!(got, check, "{reason}");
                assert!(!reason.contains("the-code"), "{reason}");
                reason
            }
            other => panic!("{check}: {other:?}"),
        }
    }

    fn code_of(g: Grant) -> String {
        match g {
            Grant::AuthorizationCode { code, .. } => code.expose().to_string(),
            g => panic!("{g:?}"),
        }
    }

    #[test]
    fn the_authorization_url_carries_the_response_mode_and_the_pending_remembers_it() {
        let c = client("query.jwt");
        let req = c
            .authorization_url(AuthorizeOptions {
                state: Some(STATE.into()),
                pkce: Some(None),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            req.url.as_str(),
            "https://as.example/authorize?response_type=code&client_id=app\
             &redirect_uri=https%3A%2F%2Fapp.example%2Fcb&state=0123456789abcdefghijkl\
             &response_mode=query.jwt"
        );
        assert_eq!(req.pending.response_mode.as_deref(), Some("query.jwt"));
        // Kept through a stored pending authorization; older documents read as none.
        let doc = serde_json::to_string(&req.pending).unwrap();
        assert!(doc.contains(r#""response_mode":"query.jwt""#), "{doc}");
        let plain = OAuthClient::builder("app")
            .authorization_url("https://as.example/authorize")
            .build()
            .unwrap();
        let p = plain
            .authorization_url(AuthorizeOptions::default())
            .unwrap();
        assert!(p.pending.response_mode.is_none());
        assert!(
            !serde_json::to_string(&p.pending)
                .unwrap()
                .contains("response_mode")
        );
        // A call's own mode wins over the client's; a plain mode is sent, not enforced.
        let mut opts = AuthorizeOptions::default();
        opts.set_param("response_mode", "fragment").unwrap();
        let req = c.authorization_url(opts).unwrap();
        assert!(req.url.as_str().ends_with("&response_mode=fragment"));
        assert_eq!(req.pending.response_mode, None);
    }

    #[test]
    fn modes_are_checked_and_jarm_needs_the_issuer_and_the_keys() {
        let base = || {
            OAuthClient::builder("app")
                .authorization_url("https://as.example/authorize")
                .token_url("https://as.example/token")
        };
        fn config<T: std::fmt::Debug>(r: Result<T>, says: &str) {
            match r {
                Err(Error::Config(m)) => assert!(m.contains(says), "{m}"),
                other => panic!("{other:?}"),
            }
        }
        config(base().response_mode("jwe").build(), "is not one of");
        config(
            base().jwks_json(jwks_json()).response_mode("jwt").build(),
            "needs the issuer",
        );
        config(
            base().issuer(ISS).response_mode("form_post.jwt").build(),
            "provider's keys",
        );
        assert!(base().response_mode("form_post").build().is_ok());
        for mode in MODES {
            assert!(is_jarm(mode));
            client(mode);
        }
        let mut opts = AuthorizeOptions::default();
        opts.set_param("response_mode", "query.jwt").unwrap();
        opts.set_param("response_mode", "jwt").unwrap();
        config(client("jwt").authorization_url(opts), "given twice");
        let mut opts = AuthorizeOptions::default();
        opts.set_param("response_mode", "xml").unwrap();
        config(client("jwt").authorization_url(opts), "is not one of");
    }

    #[test]
    fn a_valid_response_gives_the_code_from_the_query_the_fragment_or_a_form_post() {
        let c = client("jwt");
        let jwt = signed(&claims());
        for redirect in [
            format!("https://app.example/cb?response={jwt}"),
            format!("https://app.example/cb#response={jwt}"),
            format!("response={jwt}"),
        ] {
            assert_eq!(code_of(grant(&c, &redirect).unwrap()), "the-code");
        }
        // ES256 with the EC key, chosen by kid.
        let ec = SigningKey::from_pem(keys::EC_CLIENT_PRIVATE_PEM)
            .unwrap()
            .with_kid("ec-client");
        let jwt = ec.sign(&claims()).unwrap();
        assert_eq!(
            code_of(grant(&c, &format!("response={jwt}")).unwrap()),
            "the-code"
        );
        // Parameters outside the JWT do not count.
        let redirect = format!("code=evil&state=evil&response={jwt}");
        assert_eq!(code_of(grant(&c, &redirect).unwrap()), "the-code");
        // An array audience that includes us, and the skew's last second.
        let mut cl = claims();
        cl["aud"] = json!(["other", "app"]);
        cl["exp"] = json!(NOW - 59);
        assert_eq!(
            code_of(grant(&c, &format!("response={}", signed(&cl))).unwrap()),
            "the-code"
        );
    }

    #[test]
    fn an_error_inside_the_jwt_is_the_oauth_error() {
        let c = client("query.jwt");
        let jwt = signed(
            &json!({"iss": ISS, "aud": "app", "exp": NOW + 60, "state": STATE,
            "error": "access_denied", "error_description": "no"}),
        );
        let e = grant(&c, &format!("response={jwt}")).unwrap_err();
        assert_eq!(
            e.oauth().map(|o| o.error.as_str()),
            Some("access_denied"),
            "{e}"
        );
        // The state inside the JWT is checked like a plain one.
        let mut cl = claims();
        cl["state"] = json!("another-state-0123456789");
        assert!(matches!(
            grant(&c, &format!("response={}", signed(&cl))),
            Err(Error::StateMismatch)
        ));
    }

    #[test]
    fn every_broken_response_is_refused_naming_its_check() {
        let c = client("fragment.jwt");
        // A plain response to a JARM request: a downgrade.
        let reason = refused(
            &c,
            &format!("https://app.example/cb?code=the-code&state={STATE}&iss={ISS}"),
            "downgrade",
        );
        assert!(reason.contains("fragment.jwt"), "{reason}");
        refused(
            &c,
            &format!("error=access_denied&state={STATE}"),
            "downgrade",
        );
        // Encrypted (JWE): not supported, said so.
        let jwe = "eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d";
        let reason = refused(&c, &format!("response={jwe}"), "encrypted");
        assert!(reason.contains("not supported"), "{reason}");
        // Unsigned, and HMAC.
        let none = format!("{}.{}.", b64(&json!({"alg": "none"})), b64(&claims()));
        refused(&c, &format!("response={none}"), "alg");
        let hs = SigningKey::hs256(b"0123456789abcdef0123456789abcdef")
            .sign(&claims())
            .unwrap();
        refused(&c, &format!("response={hs}"), "alg");
        // Tampered: another code under the original signature.
        let jwt = signed(&claims());
        let parts: Vec<&str> = jwt.split('.').collect();
        let mut evil = claims();
        evil["code"] = json!("evil-code");
        let tampered = format!("{}.{}.{}", parts[0], b64(&evil), parts[2]);
        refused(&c, &format!("response={tampered}"), "signature");
        // A key the provider does not have.
        let stranger = SigningKey::from_pem(keys::ED_CLIENT_PRIVATE_PEM)
            .unwrap()
            .with_kid("stranger");
        refused(
            &c,
            &format!("response={}", stranger.sign(&claims()).unwrap()),
            "kid",
        );
        refused(&c, "response=not-a-jwt", "format");
        // Claims: iss, aud, exp.
        for (name, value, check) in [
            ("iss", json!("https://evil.example"), "iss"),
            ("iss", serde_json::Value::Null, "iss"),
            ("aud", json!("another-app"), "aud"),
            ("aud", serde_json::Value::Null, "aud"),
            ("exp", json!(NOW - 61), "exp"),
            ("exp", serde_json::Value::Null, "exp"),
            ("exp", json!("soon"), "exp"),
            ("code", json!(42), "claims"),
        ] {
            let mut cl = claims();
            if value.is_null() {
                cl.as_object_mut().unwrap().remove(name);
            } else {
                cl[name] = value;
            }
            refused(&c, &format!("response={}", signed(&cl)), check);
        }
        // Two responses: which one would count?
        match grant(&c, &format!("response={jwt}&response={jwt}")) {
            Err(Error::Config(m)) => assert!(m.contains("more than once"), "{m}"),
            other => panic!("{other:?}"),
        }
        // The error names the check; the code never appears in it.
        let e = grant(&c, &format!("response={tampered}")).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::InvalidResponse);
        assert!(e.to_string().contains("the signature check failed"), "{e}");
    }

    #[test]
    fn without_keys_the_sans_io_grant_is_a_config_error_and_static_keys_do() {
        let c = client("jwt");
        let p = pending(&c);
        let keys = Jwks::from_json(&jwks_json()).unwrap();
        let jwt = rsa()
            .sign(&json!({"iss": ISS, "aud": "app", "exp": 4_000_000_000u64, "code": "c", "state": STATE}))
            .unwrap();
        // callback_grant uses the static keys (at the system time)
        assert_eq!(
            code_of(c.callback_grant(&p, &format!("response={jwt}")).unwrap()),
            "c"
        );
        assert!(matches!(
            c.parse_authorization_response(&format!("response={jwt}"), None, now()),
            Err(Error::Config(_))
        ));
        assert!(
            c.parse_authorization_response(&format!("response={jwt}"), Some(&keys), now())
                .is_ok()
        );
        // the metadata's algorithm list narrows what is accepted
        assert_eq!(
            algorithms(Some(&json!(["ES512", "HS256", "none"]))),
            vec![JwsAlg::Es512]
        );
        assert_eq!(algorithms(None).len(), 10);
    }
}
