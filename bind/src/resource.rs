//! Presenting tokens to resource servers (APIs), for every binding: the
//! headers of one request, and reading the server's answer back (DPoP,
//! RFC 9449 §7 and §9). The protocol is the core's
//! (`OAuthClient::resource_request_headers`, `check_resource_response`);
//! decided here, once: how a binding's URL text and HTTP method are read and
//! refused, and the shape of an answer handed back (status and headers).

use oauth2kit::{Error, HttpResponse, OAuthClient, Result, TokenSet};

/// The URL a binding handed over, or a configuration error naming it.
pub fn parse_url(url: &str) -> Result<url::Url> {
    url::Url::parse(url)
        .map_err(|e| Error::Config(format!("url {url:?} is not an absolute URL: {e}")))
}

/// The headers presenting `tokens` for one request (`method`, `url`): for a
/// DPoP-bound set `Authorization: DPoP <token>` then `DPoP: <proof>`; for a
/// bearer set the profile's one header. Names and values in that order.
pub fn request_headers(
    client: &OAuthClient,
    tokens: &TokenSet,
    method: &str,
    url: &str,
) -> Result<Vec<(String, String)>> {
    client.resource_request_headers(method, &parse_url(url)?, tokens)
}

/// The answer of a resource server as a binding sees it: its status and
/// headers (the body is not read).
pub fn response(status: u16, headers: Vec<(String, String)>) -> HttpResponse {
    HttpResponse::new(status, headers, "")
}

/// Reads a resource server's answer to a request made with
/// [`request_headers`]: remembers its DPoP nonce; `true` when the request
/// must be sent once more with new headers (a `use_dpop_nonce` demand).
pub fn check_response(
    client: &OAuthClient,
    tokens: &TokenSet,
    url: &str,
    status: u16,
    headers: Vec<(String, String)>,
) -> Result<bool> {
    Ok(client.check_resource_response(&parse_url(url)?, tokens, &response(status, headers)))
}

/// `(authorization name, authorization value, DPoP proof)` of
/// [`request_headers`], for bindings with fixed out-parameters (C, C++):
/// the proof is `None` for a bearer set.
pub fn split_headers(headers: Vec<(String, String)>) -> Result<(String, String, Option<String>)> {
    let mut it = headers.into_iter();
    let (name, value) = it
        .next()
        .ok_or_else(|| Error::Config("no authorization header for this token set".into()))?;
    let proof = it
        .find(|(n, _)| n.eq_ignore_ascii_case("dpop"))
        .map(|(_, v)| v);
    Ok((name, value, proof))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_and_dpop_sets_and_bad_urls() {
        let c = OAuthClient::builder("id")
            .client_secret("s")
            .token_url("https://as.example/token")
            .dpop(true)
            .build()
            .unwrap();
        let h =
            request_headers(&c, &TokenSet::bearer("b"), "GET", "https://api.example/x").unwrap();
        assert_eq!(
            split_headers(h).unwrap(),
            ("Authorization".into(), "Bearer b".into(), None)
        );
        let mut bound = TokenSet::bearer("a");
        bound.token_type = Some("DPoP".into());
        let (n, v, proof) =
            split_headers(request_headers(&c, &bound, "POST", "https://api.example/x").unwrap())
                .unwrap();
        assert_eq!((n.as_str(), v.as_str()), ("Authorization", "DPoP a"));
        assert_eq!(proof.unwrap().split('.').count(), 3);
        let e = request_headers(&c, &bound, "GET", "not a url").unwrap_err();
        assert_eq!(e.code(), oauth2kit::ErrorCode::Config);
        assert!(e.to_string().contains("not a url"), "{e}");
        let demand = vec![
            (
                "WWW-Authenticate".to_string(),
                r#"DPoP error="use_dpop_nonce""#.to_string(),
            ),
            ("DPoP-Nonce".to_string(), "n1".to_string()),
        ];
        assert!(check_response(&c, &bound, "https://api.example/x", 401, demand.clone()).unwrap());
        assert!(!check_response(&c, &bound, "https://api.example/x", 403, demand).unwrap());
    }
}
