//! Configuration errors that say how to fix them.
//!
//! A message such as "no token endpoint configured" leaves a new user to
//! guess which option was meant, and "allow_insecure_http(true)" is the right
//! advice only in Rust. So the core names the fix as data: the *concept names*
//! of the client options that would fix it (`token_url`, `discovery_issuer`,
//! `allow_insecure_http`…, the names of the binding layer's option table).
//! Each language renders those names in its own spelling (the binding layer,
//! `oauth2kit_bind::hint`, has one function per language); the core's own
//! `Display` uses the Rust spelling ([`rust_spelling`]).

use std::fmt;

/// Every option name a hint may carry. The binding layer checks that each is
/// in its option table (or is one of its documented extras), so a hint never
/// names an option a binding cannot set.
pub const HINT_OPTIONS: &[&str] = &[
    "allow_insecure_http",
    "authorization_url",
    "token_url",
    "refresh_url",
    "introspection_url",
    "revocation_url",
    "device_authorization_url",
    "backchannel_authentication_url",
    "userinfo_url",
    "validate_url",
    "par_url",
    "jwks_uri",
    "discovery_issuer",
    "redirect_uri",
    "profile",
];

/// A configuration problem and the options that would fix it: rendered as
/// `"{problem}; {action} {option} or {option}"`. Code
/// [`ErrorCode::Config`](crate::ErrorCode::Config) like every configuration
/// error; carried by [`Error::ConfigHint`](crate::Error::ConfigHint).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigHint {
    problem: String,
    action: &'static str,
    options: &'static [&'static str],
}

impl ConfigHint {
    /// A problem, the verb phrase that leads to the fix ("set", "use HTTPS
    /// or"), and the options (alternatives) that fix it.
    pub(crate) fn new(
        problem: impl Into<String>,
        action: &'static str,
        options: &'static [&'static str],
    ) -> Self {
        debug_assert!(options.iter().all(|o| HINT_OPTIONS.contains(o)));
        ConfigHint {
            problem: problem.into(),
            action,
            options,
        }
    }

    /// The same hint with the problem prefixed by where it was found
    /// ("token endpoint: …").
    pub(crate) fn in_context(mut self, context: &str) -> Self {
        self.problem = format!("{context}: {}", self.problem);
        self
    }

    /// What is wrong, without the fix ("no token endpoint configured").
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The words before the options ("set", "use HTTPS or").
    pub fn action(&self) -> &'static str {
        self.action
    }

    /// The concept names of the options that fix it, any one of them.
    pub fn options(&self) -> &'static [&'static str] {
        self.options
    }

    /// The whole message with each option spelled by `spell` (one language's rule).
    pub fn render(&self, spell: impl Fn(&str) -> String) -> String {
        let fixes: Vec<String> = self.options.iter().map(|o| spell(o)).collect();
        format!("{}; {} {}", self.problem, self.action, fixes.join(" or "))
    }
}

impl fmt::Display for ConfigHint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(rust_spelling))
    }
}

/// How a Rust caller sets the option called `name`: the builder method, or
/// discovery for `discovery_issuer` (which has no builder method in Rust).
pub fn rust_spelling(name: &str) -> String {
    match name {
        "allow_insecure_http" => "OAuthClientBuilder::allow_insecure_http(true)".into(),
        "discovery_issuer" => "OAuthClientBuilder::metadata(Client::discover(issuer))".into(),
        "profile" => "OAuthClientBuilder::profile(Profile::load(name))".into(),
        other => format!("OAuthClientBuilder::{other}(…)"),
    }
}

/// The fix for a missing endpoint: its URL option, or discovery (which finds
/// every endpoint the provider publishes).
pub(crate) fn missing_endpoint(endpoint: &str, option: &'static str) -> ConfigHint {
    let options: &'static [&'static str] = match option {
        "authorization_url" => &["authorization_url", "discovery_issuer"],
        "token_url" => &["token_url", "discovery_issuer"],
        "introspection_url" => &["introspection_url", "discovery_issuer"],
        "revocation_url" => &["revocation_url", "discovery_issuer"],
        "device_authorization_url" => &["device_authorization_url", "discovery_issuer"],
        "backchannel_authentication_url" => &["backchannel_authentication_url", "discovery_issuer"],
        "userinfo_url" => &["userinfo_url", "discovery_issuer"],
        "par_url" => &["par_url", "discovery_issuer"],
        "jwks_uri" => &["jwks_uri", "discovery_issuer"],
        "validate_url" => &["validate_url", "profile"],
        _ => &["discovery_issuer"],
    };
    ConfigHint::new(format!("no {endpoint} endpoint configured"), "set", options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_in_the_given_spelling() {
        let h = missing_endpoint("token", "token_url");
        assert_eq!(
            h.render(|o| format!("<{o}>")),
            "no token endpoint configured; set <token_url> or <discovery_issuer>"
        );
        assert_eq!(
            h.to_string(),
            "no token endpoint configured; set OAuthClientBuilder::token_url(…) or \
             OAuthClientBuilder::metadata(Client::discover(issuer))"
        );
    }

    #[test]
    fn every_endpoint_hint_names_known_options() {
        for o in HINT_OPTIONS {
            let h = missing_endpoint("x", o);
            assert!(h.options().iter().all(|n| HINT_OPTIONS.contains(n)), "{o}");
        }
    }
}
