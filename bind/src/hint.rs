//! How each language spells the fix a configuration error names.
//!
//! The core names the fix by the options' *concept names*
//! ([`oauth2kit::ConfigHint::options`]: `allow_insecure_http`, `token_url`,
//! `discovery_issuer`…). The rule from a concept name to what a caller of a
//! given binding types lives here, one function per language, so the C,
//! C++, Python, Kotlin/Swift and CLI messages agree and a binding only calls
//! its function when it builds an error message
//! ([`ErrorRecord::message_in`](crate::ErrorRecord::message_in)).
//!
//! A boolean option is shown switched on (the only reason a hint names one);
//! any other option shows a placeholder for the caller's value.

use crate::manifest::{c_option_constant, camel};
use crate::options::{CLIENT_OPTIONS, ValueType};

fn is_bool(name: &str) -> bool {
    CLIENT_OPTIONS
        .iter()
        .any(|s| s.name == name && s.ty == ValueType::Bool)
}

/// Python: the `Client` keyword (`allow_insecure_http=True`, `token_url=...`).
pub fn python(name: &str) -> String {
    if is_bool(name) {
        format!("{name}=True")
    } else {
        format!("{name}=...")
    }
}

/// C: the `oauth2kit_config_set` call with the option's constant
/// (`oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_ALLOW_INSECURE_HTTP, "true")`).
pub fn c(name: &str) -> String {
    let value = if is_bool(name) { "\"true\"" } else { "value" };
    format!(
        "oauth2kit_config_set(cfg, {}, {value})",
        c_option_constant(name)
    )
}

/// C++: the typed setter of `oauth2kit::Config` (`.allow_insecure_http(true)`).
pub fn cpp(name: &str) -> String {
    if is_bool(name) {
        format!(".{name}(true)")
    } else {
        format!(".{name}(...)")
    }
}

/// Kotlin: the `ClientConfig` field as a named argument (`allowInsecureHttp = true`).
pub fn kotlin(name: &str) -> String {
    if is_bool(name) {
        format!("{} = true", camel(name))
    } else {
        format!("{} = ...", camel(name))
    }
}

/// Swift: the `ClientConfig` argument label (`allowInsecureHttp: true`).
pub fn swift(name: &str) -> String {
    if is_bool(name) {
        format!("{}: true", camel(name))
    } else {
        format!("{}: ...", camel(name))
    }
}

/// Kotlin and Swift share one message (it is built once, in Rust): both
/// spellings, which differ only in `=` against `:`.
pub fn mobile(name: &str) -> String {
    format!("{} (Swift: {})", kotlin(name), swift(name))
}

/// The `oauth2kit` command: its flag (`--allow-insecure-http`, `--token-url
/// URL`; discovery is `--issuer URL`). Options the command has no flag for
/// say so rather than invent one.
pub fn cli(name: &str) -> String {
    match name {
        "discovery_issuer" => "--issuer URL".into(),
        "profile" => "--profile NAME|FILE".into(),
        "redirect_uri" => "--redirect-uri URI".into(),
        "allow_insecure_http" => "--allow-insecure-http".into(),
        "authorization_url"
        | "token_url"
        | "refresh_url"
        | "introspection_url"
        | "revocation_url"
        | "device_authorization_url"
        | "backchannel_authentication_url"
        | "validate_url"
        | "par_url" => format!("--{} URL", name.replace('_', "-")),
        other => format!("{other} (no flag: use --issuer URL to discover it)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth2kit::config_hint::HINT_OPTIONS;

    /// A hint may only name options a binding can set.
    #[test]
    fn every_hint_option_is_a_client_option() {
        for o in HINT_OPTIONS {
            assert!(
                CLIENT_OPTIONS.iter().any(|s| s.name == *o),
                "{o} is named by core hints but is not in the option table"
            );
        }
    }

    #[test]
    fn each_language_spells_the_fix() {
        let ins = "allow_insecure_http";
        assert_eq!(python(ins), "allow_insecure_http=True");
        assert_eq!(python("token_url"), "token_url=...");
        assert_eq!(
            c(ins),
            r#"oauth2kit_config_set(cfg, OAUTH2KIT_OPTION_ALLOW_INSECURE_HTTP, "true")"#
        );
        assert!(c("token_url").contains("OAUTH2KIT_OPTION_TOKEN_URL"));
        assert_eq!(cpp(ins), ".allow_insecure_http(true)");
        assert_eq!(kotlin(ins), "allowInsecureHttp = true");
        assert_eq!(swift("token_url"), "tokenUrl: ...");
        assert_eq!(cli(ins), "--allow-insecure-http");
        assert_eq!(cli("token_url"), "--token-url URL");
        assert_eq!(cli("discovery_issuer"), "--issuer URL");
    }
}
