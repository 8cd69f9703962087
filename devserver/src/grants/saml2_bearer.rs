//! `urn:ietf:params:oauth:grant-type:saml2-bearer` (RFC 7522).
//!
//! LIGHT checking only: the assertion must be base64url without padding (§2.1) of XML
//! that has a `saml:Assertion`, an `Issuer` and a `NameID` inside `Subject`. The XML
//! signature, conditions and audience are NOT verified; this proves the client's encoding,
//! not SAML security.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::Ctx;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::scope;

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let encoded = ctx.params.require("assertion")?;
    let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| {
        OAuthError::invalid_grant("assertion is not base64url without padding (RFC 7522 §2.1)")
    })?;
    let xml = String::from_utf8(bytes)
        .map_err(|_| OAuthError::invalid_grant("assertion is not UTF-8 XML"))?;
    let (issuer, subject) = parse(&xml).map_err(OAuthError::invalid_grant)?;
    let client_id = ctx.client.map_or(issuer.as_str(), |c| c.id);
    let scope = scope::requested(ctx.params.get("scope"))?;
    ctx.issue(Issue::new(client_id, &subject, &scope))
}

/// (Issuer, Subject NameID) of a SAML assertion, by plain text search.
fn parse(xml: &str) -> Result<(String, String), String> {
    if find_start(xml, "Assertion").is_none() {
        return Err("no <saml:Assertion> element".to_owned());
    }
    let issuer = element_text(xml, "Issuer").ok_or("no <saml:Issuer> element")?;
    let subject = element_text(xml, "Subject").ok_or("no <saml:Subject> element")?;
    let name_id = element_text(subject, "NameID").ok_or("no <saml:NameID> in the Subject")?;
    let (issuer, name_id) = (issuer.trim(), name_id.trim());
    if issuer.is_empty() || name_id.is_empty() {
        return Err("Issuer and NameID must not be empty".to_owned());
    }
    Ok((issuer.to_owned(), name_id.to_owned()))
}

/// Byte offset just past the start tag `<prefix:local ...>` (any or no prefix).
fn find_start(xml: &str, local: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(lt) = xml[from..].find('<').map(|i| from + i) {
        let rest = &xml[lt + 1..];
        let name_end = rest
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .unwrap_or(rest.len());
        let name = &rest[..name_end];
        let local_name = name.rsplit(':').next().unwrap_or(name);
        if local_name == local && !name.starts_with('/') {
            let gt = rest.find('>')?;
            return Some(lt + 1 + gt + 1);
        }
        from = lt + 1;
    }
    None
}

/// The text between `<x:local ...>` and the next `</x:local>`.
fn element_text<'a>(xml: &'a str, local: &str) -> Option<&'a str> {
    let start = find_start(xml, local)?;
    let body = &xml[start..];
    let mut from = 0;
    while let Some(i) = body[from..].find("</").map(|i| from + i) {
        let rest = &body[i + 2..];
        let name = rest.split('>').next().unwrap_or("");
        if name.trim().rsplit(':').next() == Some(local) {
            return Some(&body[..i]);
        }
        from = i + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_issuer_and_subject() {
        let xml = r#"<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="a">
            <saml:Issuer>https://idp.example</saml:Issuer>
            <saml:Subject><saml:NameID Format="x">alice</saml:NameID></saml:Subject>
        </saml:Assertion>"#;
        assert_eq!(
            parse(xml),
            Ok(("https://idp.example".into(), "alice".into()))
        );
        assert!(parse("<saml:Assertion><saml:Issuer>i</saml:Issuer></saml:Assertion>").is_err());
        assert!(parse("<x>no</x>").is_err());
    }
}
