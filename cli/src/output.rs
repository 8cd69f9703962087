//! Printing results. Token values appear only when the user asked for them
//! (`--json` or `--show-tokens`); the summary shows their length instead.

use oauth2kit::{Introspection, Secret, TokenSet};
use serde_json::{Map, Value};

use crate::args::OutputArgs;

/// The token response as JSON: the core's `TokenSet` serialization plus the
/// seconds left (`expires_in`), which is what users compare with the server's answer.
pub fn tokens_json(t: &TokenSet) -> Value {
    let mut v = serde_json::to_value(t).unwrap_or(Value::Null);
    if let (Value::Object(map), Some(left)) = (&mut v, t.expires_in()) {
        map.insert("expires_in".into(), Value::from(left.as_secs()));
    }
    v
}

fn shown(secret: &Secret, show: bool) -> String {
    if show {
        secret.expose().to_string()
    } else {
        format!(
            "[redacted, {} chars; --show-tokens to print]",
            secret.expose().chars().count()
        )
    }
}

/// A readable summary of a token set.
pub fn tokens_summary(t: &TokenSet, show: bool) -> String {
    let mut lines = vec![
        format!(
            "token_type:    {}",
            t.token_type.as_deref().unwrap_or("(none; Bearer assumed)")
        ),
        format!("access_token:  {}", shown(&t.access_token, show)),
    ];
    lines.push(format!(
        "expires_in:    {}",
        t.expires_in()
            .map(|d| format!("{} s", d.as_secs()))
            .unwrap_or_else(|| "unknown".into())
    ));
    lines.push(format!(
        "scope:         {}",
        t.scope.as_deref().unwrap_or("(not stated)")
    ));
    if let Some(r) = &t.refresh_token {
        lines.push(format!("refresh_token: {}", shown(r, show)));
    }
    if let Some(i) = &t.id_token {
        lines.push(format!("id_token:      {}", shown(i, show)));
        lines.push(match t.id_token_claims() {
            Some(c) => format!(
                "id_token:      validated; sub {}, issued by {} (--json for every claim)",
                c.get("sub").map(ToString::to_string).unwrap_or_default(),
                c.get("iss").map(ToString::to_string).unwrap_or_default(),
            ),
            None => {
                "id_token:      not validated (no --jwks-uri or --issuer to find the keys)".into()
            }
        });
    }
    if !t.extra.is_empty() {
        let names: Vec<&str> = t.extra.keys().map(String::as_str).collect();
        lines.push(format!(
            "other fields:  {} (--json to see them)",
            names.join(", ")
        ));
    }
    lines.join("\n")
}

pub fn print_tokens(t: &TokenSet, out: OutputArgs) {
    if out.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&tokens_json(t)).unwrap_or_default()
        );
    } else {
        println!("{}", tokens_summary(t, out.show_tokens));
    }
}

/// Introspection answers as JSON (they describe a token, they do not contain one).
pub fn introspection_json(i: &Introspection) -> Value {
    let mut m = Map::new();
    m.insert("active".into(), Value::Bool(i.active));
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    };
    put("scope", i.scope.clone().map(Value::from));
    put("client_id", i.client_id.clone().map(Value::from));
    put("username", i.username.clone().map(Value::from));
    put("token_type", i.token_type.clone().map(Value::from));
    put("exp", i.exp.map(Value::from));
    put("iat", i.iat.map(Value::from));
    put("nbf", i.nbf.map(Value::from));
    put("sub", i.sub.clone().map(Value::from));
    put("aud", i.aud.clone());
    put("iss", i.iss.clone().map(Value::from));
    put("jti", i.jti.clone().map(Value::from));
    for (k, v) in &i.extra {
        m.insert(k.clone(), v.clone());
    }
    Value::Object(m)
}

pub fn print_introspection(i: &Introspection, json: bool) {
    let v = introspection_json(i);
    if json {
        println!("{}", serde_json::to_string_pretty(&v).unwrap_or_default());
        return;
    }
    if let Value::Object(m) = v {
        for (k, v) in m {
            let text = match v {
                Value::String(s) => s,
                other => other.to_string(),
            };
            println!("{k:<11} {text}");
        }
    }
}
