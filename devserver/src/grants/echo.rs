//! `urn:oauth2kit:params:grant-type:echo`: an extension grant that issues a token and
//! sends back every non-authentication parameter it received, so tests can see exactly
//! what a client put on the wire.

use serde_json::{Map, Value};

use super::Ctx;
use crate::http::error::OAuthError;
use crate::tokens::issue::{Issue, TokenResponse};
use crate::tokens::scope;

const AUTH_PARAMS: [&str; 4] = [
    "client_id",
    "client_secret",
    "client_assertion",
    "client_assertion_type",
];

pub(crate) fn grant(ctx: &Ctx<'_>) -> Result<TokenResponse, OAuthError> {
    let client = ctx.client()?;
    let scope = scope::requested(ctx.params.get("scope"))?;
    let mut echo = Map::new();
    for (name, value) in ctx.params.iter() {
        if AUTH_PARAMS.contains(&name) {
            continue;
        }
        // A repeated parameter (resource, audience) comes back as an array.
        match echo.get_mut(name) {
            None => {
                echo.insert(name.to_owned(), Value::String(value.to_owned()));
            }
            Some(Value::Array(values)) => values.push(Value::String(value.to_owned())),
            Some(first) => {
                let first = first.take();
                echo.insert(
                    name.to_owned(),
                    Value::Array(vec![first, Value::String(value.to_owned())]),
                );
            }
        }
    }
    let mut response = ctx.issue(Issue::new(client.id, client.id, &scope))?;
    response.echo = Some(Value::Object(echo));
    Ok(response)
}
