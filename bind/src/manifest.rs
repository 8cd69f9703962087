//! What every binding exports: the operations and options with each
//! language's spelling, as data. `oauth2kit-bind-gen` writes it to
//! `bind/manifest.json`; `scripts/parity.py` checks each binding's real
//! exports (the C header, the C++ bridge header, the Python stubs and
//! classes, the generated Kotlin and Swift) against it.
//!
//! Spelling rules (applied unless an operation says otherwise):
//! C `oauth2kit_client_<name>`, C++ `Client::<name>`, Python
//! `Client.<name>` and `AsyncClient.<name>`, Kotlin and Swift `<camelName>` on
//! `OAuthClient`. An operation a binding lacks is [`Spelling::Missing`] with
//! the reason: the parity check fails when a listed gap is filled without
//! updating the list, and when an unlisted one appears.

use serde_json::{Value as Json, json};

use crate::options::{CLIENT_OPTIONS, RETIRED};

/// How one binding spells one operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Spelling {
    /// By the binding's rule from the concept name.
    Rule,
    /// Under another name (the reason is in the operation's `note`).
    Named(&'static str),
    /// By the rule, and also under a second name the binding's users know
    /// (an earlier release's, or a habit of the language: Authlib's
    /// `fetch_token`). Both must exist.
    Also(&'static str),
    /// Not there yet; the text says why or where it is tracked.
    Missing(&'static str),
}

/// One operation of the client, as every binding should offer it.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The concept name (the core's `Client` method).
    pub name: &'static str,
    /// What it does.
    pub doc: &'static str,
    /// C.
    pub c: Spelling,
    /// C++ (the cxx bridge).
    pub cpp: Spelling,
    /// Python.
    pub python: Spelling,
    /// Kotlin and Swift.
    pub mobile: Spelling,
    /// Why a spelling departs from the rule, if one does.
    pub note: &'static str,
}

use Spelling::{Also, Missing, Named, Rule};

const fn op(name: &'static str, doc: &'static str) -> Operation {
    Operation {
        name,
        doc,
        c: Rule,
        cpp: Rule,
        python: Rule,
        mobile: Rule,
        note: "",
    }
}

/// Every client operation.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        c: Also("oauth2kit_client_authorize"),
        cpp: Also("authorize"),
        python: Also("create_authorization_url"),
        mobile: Also("authorizationRequest"),
        note: "the concept name everywhere; each first release's name (Python: Authlib's) kept beside it",
        ..op(
            "authorization_url",
            "the authorization request URL (PKCE, state, nonce) and the pending request to keep",
        )
    },
    Operation {
        mobile: Also("pushedAuthorizationRequest"),
        note: "Kotlin's first-release name kept beside the concept name",
        ..op(
            "pushed_authorization_url",
            "a pushed authorization request (RFC 9126), then the short authorization URL",
        )
    },
    Operation {
        python: Also("fetch_token"),
        mobile: Also("handleRedirect"),
        note: "Python also has Authlib's fetch_token; Kotlin its first-release handleRedirect",
        ..op(
            "exchange_redirect",
            "checks the redirect (state, iss, error) and exchanges its code",
        )
    },
    op("exchange_code", "exchanges an authorization code"),
    Operation {
        c: Missing("implicit grant is legacy; C and C++ plugins are confidential servers"),
        cpp: Missing("implicit grant is legacy; C and C++ plugins are confidential servers"),
        python: Also("parse_implicit_response"),
        note: "Python also has Authlib's name",
        ..op(
            "implicit_token",
            "reads the token from an implicit-grant redirect fragment (legacy)",
        )
    },
    op(
        "client_credentials",
        "the client credentials grant (RFC 6749 §4.4)",
    ),
    op("password", "the resource owner password grant (legacy)"),
    Operation {
        python: Also("refresh_token"),
        note: "Python also has Authlib's refresh_token",
        ..op("refresh", "refreshes a token (RFC 6749 §6)")
    },
    op("extension_grant", "any grant by its grant_type URI"),
    op("token_exchange", "token exchange (RFC 8693)"),
    op("jwt_bearer", "the JWT bearer grant (RFC 7523 §2.1)"),
    op("saml2_bearer", "the SAML 2.0 bearer grant (RFC 7522)"),
    op("device_authorization", "starts the device flow (RFC 8628)"),
    op("poll_device_token", "polls the device flow to its end"),
    op("ciba_authorization", "starts a CIBA request (poll mode)"),
    op("poll_ciba_token", "polls a CIBA request to its end"),
    Operation {
        python: Also("introspect_token"),
        note: "Python also has Authlib's introspect_token",
        ..op("introspect", "token introspection (RFC 7662)")
    },
    Operation {
        python: Also("revoke_token"),
        note: "Python also has Authlib's revoke_token",
        ..op("revoke", "token revocation (RFC 7009)")
    },
    op(
        "validate",
        "asks the profile's validation endpoint whether a token is valid",
    ),
    op(
        "authorization_header",
        "the header that presents a token to APIs, as the profile says",
    ),
    op(
        "end_session_url",
        "the OpenID Connect RP-initiated logout URL (id_token_hint, post_logout_redirect_uri, state)",
    ),
    op(
        "userinfo",
        "the OpenID Connect UserInfo claims (JSON or a validated signed JWT; `sub` checked against the ID token)",
    ),
    Operation {
        note: "sessions have it too (the session's valid token): C oauth2kit_session_resource_request_headers, C++/Python/Kotlin Session",
        ..op(
            "resource_request_headers",
            "the headers presenting a token set for one API request (method, URL): `Authorization: DPoP` and a `DPoP` proof (`ath`, nonce) for a DPoP-bound set, else the profile's header",
        )
    },
    Operation {
        note: "sessions have it too (the session's current token): C oauth2kit_session_check_resource_response, C++/Python/Kotlin Session",
        ..op(
            "check_resource_response",
            "reads an API's answer: remembers its DPoP nonce; true when `use_dpop_nonce` asks to send the request once more with new headers",
        )
    },
];

/// Kotlin/Swift spelling of a snake_case name.
pub fn camel(name: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for ch in name.chars() {
        if ch == '_' {
            upper = true;
        } else if upper {
            out.extend(ch.to_uppercase());
            upper = false;
        } else {
            out.push(ch);
        }
    }
    out
}

/// C constant of an option.
pub fn c_option_constant(name: &str) -> String {
    format!("OAUTH2KIT_OPTION_{}", name.to_ascii_uppercase())
}

fn spelled(s: Spelling, rule: String) -> Json {
    match s {
        Rule => json!({"name": rule}),
        Named(n) => json!({"name": n}),
        Also(n) => json!({"name": rule, "also": n}),
        Missing(why) => json!({"missing": why}),
    }
}

/// The manifest as JSON (what `bind/manifest.json` holds).
pub fn manifest() -> Json {
    let options: Vec<Json> = CLIENT_OPTIONS
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "number": s.option as i32,
                "type": s.ty.name(),
                "default": s.default,
                "doc": s.doc,
                "c": c_option_constant(s.name),
                "cpp": s.name,
                "python": s.name,
                "kotlin": camel(s.name),
                "swift": camel(s.name),
            })
        })
        .collect();
    let session_options: Vec<Json> = crate::session::SESSION_OPTIONS
        .iter()
        .map(|s| {
            json!({
                "name": s.name,
                "number": s.option as i32,
                "type": s.ty.name(),
                "default": s.default,
                "doc": s.doc,
                "c": format!("OAUTH2KIT_SESSION_OPTION_{}", s.name.to_ascii_uppercase()),
                "cpp": s.name,
                "python": s.name,
                "kotlin": camel(s.name),
                "swift": camel(s.name),
            })
        })
        .collect();
    let operations: Vec<Json> = OPERATIONS
        .iter()
        .map(|o| {
            json!({
                "name": o.name,
                "doc": o.doc,
                "note": o.note,
                "c": spelled(o.c, format!("oauth2kit_client_{}", o.name)),
                "cpp": spelled(o.cpp, o.name.to_string()),
                "python": spelled(o.python, o.name.to_string()),
                "kotlin": spelled(o.mobile, camel(o.name)),
                "swift": spelled(o.mobile, camel(o.name)),
            })
        })
        .collect();
    let errors: Vec<Json> = oauth2kit::ErrorCode::ALL
        .iter()
        .map(|c| json!({"code": *c as i32, "name": c.name(), "summary": c.summary()}))
        .collect();
    json!({
        "comment": "GENERATED by `cargo run -p oauth2kit-bind --bin oauth2kit-bind-gen` from bind/src; do not edit",
        "units": {"durations": "seconds (f64)", "sizes": "bytes"},
        "unknown_error_code": {"name": oauth2kit::ErrorCode::UNKNOWN_NAME,
            "rule": "a code this version does not know keeps its number, has kind \"unknown\", and is the binding's base error type"},
        "error_codes": errors,
        "client_options": options,
        "retired_option_numbers": RETIRED.iter().map(|(n, why)| json!({"number": n, "was": why})).collect::<Vec<_>>(),
        "client_operations": operations,
        "session_options": session_options,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings() {
        assert_eq!(camel("poll_device_token"), "pollDeviceToken");
        assert_eq!(camel("saml2_bearer"), "saml2Bearer");
        assert_eq!(c_option_constant("token_url"), "OAUTH2KIT_OPTION_TOKEN_URL");
        let names: std::collections::HashSet<_> = OPERATIONS.iter().map(|o| o.name).collect();
        assert_eq!(
            names.len(),
            OPERATIONS.len(),
            "an operation is listed twice"
        );
    }
}
