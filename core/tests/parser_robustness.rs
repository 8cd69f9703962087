//! Every parser of the sans-IO layer takes arbitrary answers — random bytes,
//! truncated and mutated JSON, odd statuses and media types — and returns a
//! value or a typed error, never a panic. A small, deterministic fuzz run.

use oauth2kit::{Callback, Grant, HttpResponse, OAuthClient, Profile};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SAMPLES: &[&str] = &[
    r#"{"access_token":"a","token_type":"bearer","expires_in":"3600","refresh_token":"r","scope":["a","b"]}"#,
    r#"{"error":"invalid_grant","error_description":"x","error_uri":"https://e"}"#,
    r#"{"error":401,"id":"oauth_server","message":"Client authentication failed"}"#,
    r#"{"active":"true","exp":1e30,"aud":["x"]}"#,
    r#"{"device_code":"d","user_code":"U","verification_url":"v","expires_in":-5,"interval":1.5}"#,
    r#"{"auth_req_id":"a","expires_in":"60"}"#,
    r#"{"issuer":"https://as","token_endpoint":7}"#,
    "access_token=a&token_type=bearer&expires_in=NaN",
    "<html><body>502 Bad Gateway</body></html>",
];

fn mutate(rng: &mut StdRng, base: &str) -> Vec<u8> {
    let mut bytes = base.as_bytes().to_vec();
    for _ in 0..rng.random_range(0..6) {
        if bytes.is_empty() {
            break;
        }
        let i = rng.random_range(0..bytes.len());
        match rng.random_range(0..4) {
            0 => bytes.truncate(i),
            1 => bytes[i] = rng.random(),
            2 => {
                const NASTY: &[u8] = b"{}[]\",:0e-\\\x00\xff";
                bytes.insert(i, NASTY[rng.random_range(0..NASTY.len())]);
            }
            _ => {
                bytes.remove(i);
            }
        }
    }
    bytes
}

#[test]
fn parsers_never_panic() {
    let mut rng = StdRng::seed_from_u64(0x000a_2b17);
    let clients: Vec<OAuthClient> = Profile::builtin_names()
        .into_iter()
        .map(|name| {
            OAuthClient::builder("c")
                .client_secret("s")
                .profile(Profile::builtin(name).unwrap())
                .base_url("https://as.example")
                .token_url("https://as.example/token")
                .authorization_url("https://as.example/authorize")
                .build()
                .unwrap()
        })
        .collect();
    let grants = [
        Grant::client_credentials(None),
        Grant::refresh(&"r".into(), None),
    ];
    let statuses = [200, 201, 204, 302, 400, 401, 429, 500, 503, 999];
    let types = [
        "application/json",
        "application/x-www-form-urlencoded",
        "text/html",
        "text/plain; charset=utf-8",
        "",
    ];
    for round in 0..20_000 {
        let body = if round % 5 == 0 {
            (0..rng.random_range(0..64)).map(|_| rng.random()).collect()
        } else {
            let sample = SAMPLES[rng.random_range(0..SAMPLES.len())];
            mutate(&mut rng, sample)
        };
        let media = types[rng.random_range(0..types.len())];
        let mut headers = vec![("content-type".to_string(), media.to_string())];
        if rng.random_bool(0.2) {
            headers.push((
                "retry-after".into(),
                String::from_utf8_lossy(&body[..body.len().min(5)]).into_owned(),
            ));
        }
        let status = statuses[rng.random_range(0..statuses.len())];
        let resp = HttpResponse::new(status, headers, body.clone());
        let c = &clients[round % clients.len()];
        let _ = c.parse_token_response(&grants[round % 2], &resp);
        let _ = c.parse_introspection(&resp);
        let _ = c.parse_revocation(&resp);
        let _ = c.parse_validation(&resp);
        let _ = c.parse_device_authorization(&resp);
        let _ = c.parse_ciba(&resp);
        let _ = c.par_authorization_url(&resp);
        let _ = oauth2kit::discovery::parse_metadata(&resp, "https://as");
        let _ = Callback::parse(&String::from_utf8_lossy(&body));
        let _ = Profile::from_text(&String::from_utf8_lossy(&body), "fuzz");
        let _ = oauth2kit::token::jwt_expiry(&String::from_utf8_lossy(&body));
    }
}

/// Numbers too large for a clock: every parser clamps or refuses them.
#[test]
fn huge_numbers_never_panic() {
    use oauth2kit::token::jwt_expiry;
    use std::time::Duration;
    let c = OAuthClient::builder("c")
        .token_url("https://as.example/token")
        .build()
        .unwrap();
    let grant = Grant::client_credentials(None);
    for n in [
        "1e19",
        "99999999999999999999",
        "\"1e300\"",
        "1e309",
        "18446744073709551615",
        "-18446744073709551615",
        "\"-1e300\"",
        "\"inf\"",
        "\"NaN\"",
    ] {
        for body in [
            format!(r#"{{"access_token":"a","expires_in":{n}}}"#),
            format!(
                r#"{{"device_code":"d","user_code":"U","verification_uri":"v","expires_in":{n},"interval":{n}}}"#
            ),
            format!(r#"{{"auth_req_id":"a","expires_in":{n},"interval":{n}}}"#),
        ] {
            let resp = HttpResponse::json(200, &body);
            if let Ok(t) = c.parse_token_response(&grant, &resp) {
                let _ = (t.expires_in(), t.is_expired(Duration::MAX));
            }
            let _ = c.parse_device_authorization(&resp);
            let _ = c.parse_ciba(&resp);
        }
        let retry = HttpResponse::new(503, vec![("retry-after".into(), n.into())], "");
        let _ = c.parse_token_response(&grant, &retry);
    }
    use base64::Engine;
    let b64 = |s: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(s);
    for exp in ["1e19", "1e300", "18446744073709551615", "-1", "1.5"] {
        let jwt = format!("{}.{}.x", b64("{}"), b64(&format!("{{\"exp\":{exp}}}")));
        let _ = jwt_expiry(&jwt);
    }
    // a store document is outside input too
    let stored: oauth2kit::TokenSet =
        serde_json::from_str(r#"{"access_token":"a","expires_at":1e300}"#).unwrap();
    assert!(!stored.is_expired(Duration::from_secs(3600)));
}

/// Found by the `error` fuzz target: a form error body whose echoed secret
/// has no `=` (`client_secret]SECRET`) is a member *name* of the OAuth
/// error's extra fields, which the scrub of known secrets did not reach.
#[test]
fn a_secret_in_an_extra_field_name_is_redacted() {
    let secret = "fuzz-client-secret-7f3a9c";
    let c = OAuthClient::builder("c")
        .client_secret(secret)
        .auth_method(oauth2kit::AuthMethod::ClientSecretPost)
        .token_url("https://as.example/token")
        .build()
        .unwrap();
    let grant = Grant::client_credentials(None);
    let body = format!("error=invalid_client&error_description=bad&client_secret]{secret}\n");
    let resp = HttpResponse::new(
        400,
        vec![(
            "content-type".into(),
            "application/x-www-form-urlencoded".into(),
        )],
        body,
    );
    let e = c.parse_token_response(&grant, &resp).unwrap_err();
    let e = c.redact_error(e, &c.token_request(&grant).unwrap());
    let shown = format!("{e}\n{e:?}\n{:?}", e.oauth().map(|o| &o.extra));
    assert!(!shown.contains(secret), "{shown}");
}
