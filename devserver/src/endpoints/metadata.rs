//! Authorization server metadata (RFC 8414), served at both
//! `/.well-known/oauth-authorization-server` and `/.well-known/openid-configuration`.

use axum::Json;
use axum::extract::State;
use serde_json::{Value, json};

use crate::app::AppState;
use crate::grants;

const AUTH_METHODS: [&str; 5] = [
    "client_secret_basic",
    "client_secret_post",
    "none",
    "client_secret_jwt",
    "private_key_jwt",
];
const SIGNING_ALGS: [&str; 4] = ["RS256", "ES256", "EdDSA", "HS256"];

pub(crate) async fn handler(State(app): State<AppState>) -> Json<Value> {
    Json(document(&app))
}

pub(crate) fn document(app: &AppState) -> Value {
    let mut doc = plain_document(app);
    // Mutual TLS (RFC 8705) only where there is TLS: the methods, bound tokens (§3.3)
    // and the aliases (§5), served by the same handlers.
    if app.tls_ca.is_some() {
        let mtls = ["tls_client_auth", "self_signed_tls_client_auth"];
        for key in [
            "token_endpoint_auth_methods_supported",
            "introspection_endpoint_auth_methods_supported",
            "revocation_endpoint_auth_methods_supported",
        ] {
            if let Some(list) = doc[key].as_array_mut() {
                list.extend(mtls.iter().map(|m| json!(m)));
            }
        }
        doc["tls_client_certificate_bound_access_tokens"] = json!(true);
        doc["mtls_endpoint_aliases"] = json!({
            "token_endpoint": app.url("/mtls/token"),
            "pushed_authorization_request_endpoint": app.url("/mtls/par"),
            "introspection_endpoint": app.url("/mtls/introspect"),
            "revocation_endpoint": app.url("/mtls/revoke"),
            "device_authorization_endpoint": app.url("/mtls/device_authorization"),
            "backchannel_authentication_endpoint": app.url("/mtls/bc-authorize"),
            "userinfo_endpoint": app.url("/mtls/userinfo"),
        });
    }
    doc
}

fn plain_document(app: &AppState) -> Value {
    json!({
        "issuer": app.base_url,
        "authorization_endpoint": app.url("/authorize"),
        "token_endpoint": app.url("/token"),
        "pushed_authorization_request_endpoint": app.url("/par"),
        "introspection_endpoint": app.url("/introspect"),
        "revocation_endpoint": app.url("/revoke"),
        "device_authorization_endpoint": app.url("/device_authorization"),
        "backchannel_authentication_endpoint": app.url("/bc-authorize"),
        "userinfo_endpoint": app.url("/userinfo"),
        "jwks_uri": app.url("/jwks"),
        "scopes_supported": ["openid", "read", "write", "profile", "email"],
        "response_types_supported": ["code", "token"],
        // JARM (jarm.rs): the JWT modes, signed with the ID token keys.
        "response_modes_supported": ["query", "fragment", "jwt", "query.jwt", "fragment.jwt", "form_post.jwt"],
        "authorization_signing_alg_values_supported": ["RS256", "ES512"],
        "grant_types_supported": grants::SUPPORTED,
        "code_challenge_methods_supported": ["S256", "plain"],
        "token_endpoint_auth_methods_supported": AUTH_METHODS,
        "token_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "introspection_endpoint_auth_methods_supported": AUTH_METHODS,
        "introspection_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "revocation_endpoint_auth_methods_supported": AUTH_METHODS,
        "revocation_endpoint_auth_signing_alg_values_supported": SIGNING_ALGS,
        "authorization_response_iss_parameter_supported": true,
        "backchannel_token_delivery_modes_supported": ["poll"],
        "backchannel_user_code_parameter_supported": false,
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES512"],
        "dpop_signing_alg_values_supported": crate::auth::dpop::ALGORITHMS,
        "authorization_details_types_supported": crate::tokens::rar::TYPES,
        "request_parameter_supported": true,
        "request_object_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "nonce"],
    })
}
