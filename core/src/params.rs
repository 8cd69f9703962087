//! Request parameters and how a profile's [`RequestShape`] turns them into an
//! [`HttpRequest`]: omitted, renamed and extra parameters, then form body,
//! query string or JSON body.

use crate::error::{Error, Result};
use crate::http::{HttpRequest, Method};
use crate::profile::{ParamLocation, RequestShape};

/// Ordered request parameters, standard names first.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Params(Vec<(String, String)>);

impl std::fmt::Debug for Params {
    /// Parameter values can be codes, secrets and tokens: only names are shown.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| k))
            .finish()
    }
}

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Params(Vec::new())
    }

    /// Adds a parameter (kept in insertion order).
    pub fn push(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.0.push((name.into(), value.into()));
    }

    /// Adds a parameter when there is a value.
    pub fn push_opt(&mut self, name: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.push(name, v);
        }
    }

    /// Adds a parameter unless one of that name is there already.
    pub fn push_default(&mut self, name: &str, value: &str) {
        if !self.contains(name) {
            self.push(name, value);
        }
    }

    /// Whether a parameter of that name is present.
    pub fn contains(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    /// The first value of a parameter.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Removes every parameter of that name.
    pub fn remove(&mut self, name: &str) {
        self.0.retain(|(k, _)| k != name);
    }

    /// The pairs, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// Applies a profile's request shape: omit, add the extra defaults, rename.
    pub fn shaped(mut self, shape: &RequestShape) -> Self {
        for name in &shape.omit {
            self.remove(name);
        }
        for (k, v) in &shape.extra {
            self.push_default(k, v);
        }
        for (k, _) in self.0.iter_mut() {
            if let Some(new) = shape.rename.get(k.as_str()) {
                k.clone_from(new);
            }
        }
        self
    }

    /// Form-urlencoded text of the parameters.
    pub fn to_form(&self) -> String {
        let mut ser = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in &self.0 {
            ser.append_pair(k, v);
        }
        ser.finish()
    }
}

/// A POST to `endpoint` carrying `params` where `location` says.
pub(crate) fn post(
    endpoint: &url::Url,
    location: ParamLocation,
    params: &Params,
) -> Result<HttpRequest> {
    let mut req = HttpRequest::new(Method::Post, endpoint.clone());
    req.headers
        .push(("Accept".into(), "application/json".into()));
    match location {
        ParamLocation::Form => {
            req.headers.push((
                "Content-Type".into(),
                "application/x-www-form-urlencoded".into(),
            ));
            req.body = params.to_form().into_bytes();
        }
        ParamLocation::Query => {
            let mut q = req.url.query_pairs_mut();
            for (k, v) in params.iter() {
                q.append_pair(k, v);
            }
        }
        ParamLocation::Json => {
            // Written by hand to keep the parameters in order (a JSON map would sort them).
            let mut body = String::from("{");
            for (i, (k, v)) in params.iter().enumerate() {
                if i > 0 {
                    body.push(',');
                }
                let pair = (serde_json::to_string(k), serde_json::to_string(v));
                let (Ok(k), Ok(v)) = pair else {
                    return Err(Error::config("cannot encode JSON body"));
                };
                body.push_str(&k);
                body.push(':');
                body.push_str(&v);
            }
            body.push('}');
            req.headers
                .push(("Content-Type".into(), "application/json".into()));
            req.body = body.into_bytes();
        }
    }
    Ok(req)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn sample() -> Params {
        let mut p = Params::new();
        p.push("grant_type", "refresh_token");
        p.push("refresh_token", "r t");
        p.push("scope", "a");
        p
    }

    #[test]
    fn shape_omits_renames_and_adds() {
        let shape = RequestShape {
            omit: vec!["grant_type".into()],
            rename: BTreeMap::from([("refresh_token".into(), "refreshToken".into())]),
            extra: BTreeMap::from([("scope".into(), "write".into()), ("x".into(), "1".into())]),
            ..Default::default()
        };
        let p = sample().shaped(&shape);
        let pairs: Vec<_> = p.iter().collect();
        assert_eq!(
            pairs,
            vec![("refreshToken", "r t"), ("scope", "a"), ("x", "1")]
        );
    }

    #[test]
    fn three_locations() {
        let url = url::Url::parse("https://as.example/token").unwrap();
        let form = post(&url, ParamLocation::Form, &sample()).unwrap();
        assert_eq!(
            form.body_text(),
            "grant_type=refresh_token&refresh_token=r+t&scope=a"
        );
        let query = post(&url, ParamLocation::Query, &sample()).unwrap();
        assert_eq!(
            query.url.as_str(),
            "https://as.example/token?grant_type=refresh_token&refresh_token=r+t&scope=a"
        );
        assert!(query.body.is_empty() && query.header("content-type").is_none());
        let json = post(&url, ParamLocation::Json, &sample()).unwrap();
        assert_eq!(
            json.body_text(),
            r#"{"grant_type":"refresh_token","refresh_token":"r t","scope":"a"}"#
        );
        assert_eq!(json.header("content-type"), Some("application/json"));
    }
}
