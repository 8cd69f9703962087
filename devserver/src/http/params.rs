//! Request parameters from a form body or a query string.
//!
//! The pairs are kept in order and with repeats, because RFC 6749 §3.1 says a repeated
//! parameter is an error (except where an extension allows it), and because the echo grant
//! sends them all back.

use axum::http::HeaderMap;

use super::error::OAuthError;

pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

#[derive(Debug, Default, Clone)]
pub(crate) struct Params(Vec<(String, String)>);

impl Params {
    /// Decodes `application/x-www-form-urlencoded` bytes.
    pub(crate) fn parse(bytes: &[u8]) -> Self {
        Self(
            url::form_urlencoded::parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// Parameters from name/value pairs (a request object's claims).
    pub(crate) fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    pub(crate) fn from_query(query: Option<&str>) -> Self {
        Self::parse(query.unwrap_or("").as_bytes())
    }

    /// A form body, refusing any other content type (RFC 6749 §3.2 and §4.1.3 say the
    /// token endpoint takes `application/x-www-form-urlencoded`, nothing else).
    pub(crate) fn from_form_body(headers: &HeaderMap, body: &[u8]) -> Result<Self, OAuthError> {
        match super::media_type(headers) {
            Some(t) if t == FORM => Ok(Self::parse(body)),
            Some(t) => Err(OAuthError::invalid_request(format!(
                "Content-Type must be {FORM}, not {t}"
            ))),
            None => Err(OAuthError::invalid_request(format!(
                "Content-Type must be {FORM} (the header is missing)"
            ))),
        }
    }

    /// The value of a parameter. An empty value counts as absent (RFC 6749 §3.1:
    /// "Parameters sent without a value MUST be treated as if they were omitted").
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.is_empty())
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub(crate) fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub(crate) fn require(&self, name: &str) -> Result<&str, OAuthError> {
        self.get(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing parameter {name}")))
    }

    /// The first parameter that appears more than once, ignoring those in `allowed`.
    pub(crate) fn repeated(&self, allowed: &[&str]) -> Option<&str> {
        self.0.iter().enumerate().find_map(|(i, (k, _))| {
            let again = self.0[..i].iter().any(|(prev, _)| prev == k);
            (again && !allowed.contains(&k.as_str())).then_some(k.as_str())
        })
    }

    pub(crate) fn reject_repeats(&self, allowed: &[&str]) -> Result<(), OAuthError> {
        match self.repeated(allowed) {
            Some(name) => Err(OAuthError::invalid_request(format!(
                "parameter {name} is repeated"
            ))),
            None => Ok(()),
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_are_absent_and_repeats_are_found() {
        let p = Params::parse(b"a=1&b=&a=2&resource=x&resource=y");
        assert_eq!(p.get("a"), Some("1"));
        assert_eq!(p.get("b"), None);
        assert_eq!(p.repeated(&["a"]), Some("resource"));
        assert_eq!(p.repeated(&["a", "resource"]), None);
        assert_eq!(p.all("resource"), vec!["x", "y"]);
    }
}
