//! The HTTP Basic scheme, in the two flavours the servers here need.
//!
//! RFC 6749 §2.3.1 says the client id and secret are `application/x-www-form-urlencoded`
//! *before* base64, so a conforming server form-decodes each half after splitting on the
//! first `:`. Providers such as Deskera document the plain `base64(id:secret)` instead.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

use axum::http::{HeaderMap, header};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Encoding {
    /// RFC 6749 §2.3.1: form-url-decode each half after base64.
    FormUrlEncoded,
    /// `base64(id:secret)` taken literally.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Credentials {
    pub(crate) id: String,
    pub(crate) secret: String,
}

/// `Ok(None)` when the request carries no `Authorization: Basic` header at all; `Err`
/// with a reason when it carries one that cannot be decoded.
pub(crate) fn parse(
    headers: &HeaderMap,
    encoding: Encoding,
) -> Result<Option<Credentials>, String> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| "Authorization header is not ASCII".to_owned())?;
    let Some((scheme, rest)) = value.split_once(' ') else {
        return Ok(None);
    };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded = STANDARD
        .decode(rest.trim())
        .map_err(|_| "Basic credentials are not valid base64".to_owned())?;
    let text =
        String::from_utf8(decoded).map_err(|_| "Basic credentials are not UTF-8".to_owned())?;
    let (id, secret) = text
        .split_once(':')
        .ok_or_else(|| "Basic credentials have no ':'".to_owned())?;
    match encoding {
        Encoding::Plain => Ok(Some(Credentials {
            id: id.to_owned(),
            secret: secret.to_owned(),
        })),
        Encoding::FormUrlEncoded => Ok(Some(Credentials {
            id: form_decode(id).ok_or_else(|| malformed("client id"))?,
            secret: form_decode(secret).ok_or_else(|| malformed("client secret"))?,
        })),
    }
}

fn malformed(what: &str) -> String {
    format!(
        "the {what} in Basic credentials is not application/x-www-form-urlencoded (RFC 6749 §2.3.1)"
    )
}

/// Strict form-url-decoding: `+` is a space, `%XX` a byte; a `%` not followed by two hex
/// digits is an error rather than a literal, so an unencoded secret containing `%` fails.
pub(crate) fn form_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                // from_str_radix would accept a sign ("%+1"); only two hex digits will do.
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let hex = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(raw: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        let value = format!("Basic {}", STANDARD.encode(raw));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_str(&value).expect("ascii"),
        );
        h
    }

    #[test]
    fn form_encoded_halves_are_decoded() {
        let creds = parse(
            &headers("basic-client:basic+secret%2B%2F%26%3D%3A%25"),
            Encoding::FormUrlEncoded,
        )
        .expect("ok")
        .expect("present");
        assert_eq!(creds.secret, "basic secret+/&=:%");
    }

    #[test]
    fn raw_percent_is_rejected_when_form_encoding_is_required() {
        assert!(
            parse(
                &headers("basic-client:basic secret+/&=:%"),
                Encoding::FormUrlEncoded
            )
            .is_err()
        );
    }

    #[test]
    fn plain_keeps_everything_after_the_first_colon() {
        let creds = parse(&headers("a:b:c+%"), Encoding::Plain)
            .expect("ok")
            .expect("present");
        assert_eq!((creds.id.as_str(), creds.secret.as_str()), ("a", "b:c+%"));
    }

    #[test]
    fn other_schemes_are_not_basic() {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer x"));
        assert_eq!(parse(&h, Encoding::Plain), Ok(None));
    }
}
