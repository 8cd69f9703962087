//! Discovery of endpoints: RFC 8414 authorization server metadata and OpenID
//! Connect Discovery 1.0.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::http::{HttpRequest, HttpResponse, Method};

/// Which well-known document to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetadataKind {
    /// `/.well-known/oauth-authorization-server` (RFC 8414).
    OAuth,
    /// `/.well-known/openid-configuration` (OpenID Connect Discovery).
    OpenId,
}

/// Server metadata. Unknown members are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServerMetadata {
    /// Issuer identifier; must equal the issuer asked for.
    pub issuer: String,
    /// Authorization endpoint.
    pub authorization_endpoint: Option<String>,
    /// Token endpoint.
    pub token_endpoint: Option<String>,
    /// Introspection endpoint (RFC 7662).
    pub introspection_endpoint: Option<String>,
    /// Revocation endpoint (RFC 7009).
    pub revocation_endpoint: Option<String>,
    /// Device authorization endpoint (RFC 8628).
    pub device_authorization_endpoint: Option<String>,
    /// CIBA backchannel authentication endpoint.
    pub backchannel_authentication_endpoint: Option<String>,
    /// PAR endpoint (RFC 9126).
    pub pushed_authorization_request_endpoint: Option<String>,
    /// UserInfo endpoint.
    pub userinfo_endpoint: Option<String>,
    /// JWKS URI.
    pub jwks_uri: Option<String>,
    /// RP-initiated logout endpoint (OpenID Connect RP-Initiated Logout 1.0).
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// Supported token endpoint auth methods.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Vec<String>,
    /// Supported grant types.
    #[serde(default)]
    pub grant_types_supported: Vec<String>,
    /// Supported PKCE methods.
    #[serde(default)]
    pub code_challenge_methods_supported: Vec<String>,
    /// Supported scopes.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// OpenID Connect: the algorithms the provider may sign ID tokens with.
    /// The client accepts only these (or the one it was configured with).
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// RFC 9207: the server puts `iss` in authorization responses.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    /// RFC 8705 §3.3: access tokens are bound to the client's TLS certificate.
    #[serde(default)]
    pub tls_client_certificate_bound_access_tokens: bool,
    /// RFC 8705 §5: the endpoints to use over mutual TLS (see [`crate::mtls`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mtls_endpoint_aliases: Option<crate::mtls::MtlsEndpointAliases>,
    /// Every other member.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The metadata URL for an issuer (RFC 8414 §3.1: the well-known segment goes
/// between host and path; OpenID Connect appends it to the issuer).
pub fn metadata_url(issuer: &str, kind: MetadataKind) -> Result<url::Url> {
    let issuer_url = url::Url::parse(issuer)
        .map_err(|e| Error::config(format!("invalid issuer {issuer:?}: {e}")))?;
    let path = issuer_url.path().trim_end_matches('/');
    let new_path = match kind {
        MetadataKind::OAuth => format!("/.well-known/oauth-authorization-server{path}"),
        MetadataKind::OpenId => format!("{path}/.well-known/openid-configuration"),
    };
    let mut u = issuer_url.clone();
    u.set_path(&new_path);
    u.set_query(None);
    Ok(u)
}

/// The GET request for the metadata.
pub fn metadata_request(issuer: &str, kind: MetadataKind) -> Result<HttpRequest> {
    let mut req = HttpRequest::new(Method::Get, metadata_url(issuer, kind)?);
    req.headers
        .push(("Accept".into(), "application/json".into()));
    Ok(req)
}

/// Parses metadata and checks that its `issuer` is the one asked for
/// (RFC 8414 §3.3), which stops a server from speaking for another.
pub fn parse_metadata(resp: &HttpResponse, expected_issuer: &str) -> Result<ServerMetadata> {
    if resp.status != 200 {
        return Err(crate::token::error_from(resp, &Default::default()));
    }
    let meta: ServerMetadata = serde_json::from_slice(&resp.body).map_err(|e| {
        Error::invalid(
            resp.status,
            format!("metadata is not valid JSON: {e}"),
            &resp.body,
        )
    })?;
    if meta.issuer.trim_end_matches('/') != expected_issuer.trim_end_matches('/') {
        return Err(Error::IssuerMismatch {
            expected: expected_issuer.into(),
            actual: Some(meta.issuer),
        });
    }
    Ok(meta)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_urls() {
        assert_eq!(
            metadata_url("https://as.example/tenant1", MetadataKind::OAuth)
                .unwrap()
                .as_str(),
            "https://as.example/.well-known/oauth-authorization-server/tenant1"
        );
        assert_eq!(
            metadata_url("https://as.example/tenant1/", MetadataKind::OpenId)
                .unwrap()
                .as_str(),
            "https://as.example/tenant1/.well-known/openid-configuration"
        );
        assert_eq!(
            metadata_url("https://as.example", MetadataKind::OAuth)
                .unwrap()
                .as_str(),
            "https://as.example/.well-known/oauth-authorization-server"
        );
    }

    #[test]
    fn issuer_must_match() {
        let body =
            r#"{"issuer":"https://as.example","token_endpoint":"https://as.example/token","x":1}"#;
        let m = parse_metadata(&HttpResponse::json(200, body), "https://as.example/").unwrap();
        assert_eq!(
            m.token_endpoint.as_deref(),
            Some("https://as.example/token")
        );
        assert!(m.extra.contains_key("x"));
        assert!(matches!(
            parse_metadata(&HttpResponse::json(200, body), "https://other"),
            Err(Error::IssuerMismatch { .. })
        ));
        assert!(matches!(
            parse_metadata(&HttpResponse::json(200, "nope"), "https://as.example"),
            Err(Error::InvalidResponse { .. })
        ));
    }
}
