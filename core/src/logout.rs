//! RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0): the URL of
//! the provider's `end_session_endpoint` to send the user's browser to, with
//! `id_token_hint`, `post_logout_redirect_uri`, `state` and `client_id`.
//!
//! Nothing is sent: like the authorization URL, it is for the browser.

use crate::client::OAuthClient;
use crate::error::Result;

/// What an end-session URL carries besides the client id. All optional; the
/// provider decides what it needs (most want `id_token_hint`).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct EndSession {
    /// The ID token of the session being ended (`id_token_hint`).
    pub id_token_hint: Option<String>,
    /// Where the provider sends the browser afterwards (registered with it).
    pub post_logout_redirect_uri: Option<String>,
    /// Opaque value returned with that redirect.
    pub state: Option<String>,
}

impl EndSession {
    /// An end-session request with the ID token of the session to end.
    pub fn with_id_token_hint(id_token: impl Into<String>) -> Self {
        EndSession {
            id_token_hint: Some(id_token.into()),
            ..Default::default()
        }
    }
}

impl OAuthClient {
    /// The end-session URL (from discovery's `end_session_endpoint` or
    /// [`crate::OAuthClientBuilder::end_session_url`]); the same HTTPS rule
    /// as every endpoint. `client_id` is always included (the specification
    /// recommends it, and some providers require it without an ID token).
    pub fn end_session_url(&self, request: &EndSession) -> Result<url::Url> {
        let ep = self
            .endpoints()
            .end_session
            .as_ref()
            .ok_or_else(|| crate::Error::Config("no end_session endpoint configured".into()))?;
        crate::http::check_secure(ep, self.allow_insecure_http)?;
        let mut url = ep.clone();
        {
            let mut q = url.query_pairs_mut();
            if let Some(h) = &request.id_token_hint {
                q.append_pair("id_token_hint", h);
            }
            if let Some(u) = &request.post_logout_redirect_uri {
                q.append_pair("post_logout_redirect_uri", u);
            }
            if let Some(s) = &request.state {
                q.append_pair("state", s);
            }
            q.append_pair("client_id", self.client_id());
        }
        Ok(url)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ServerMetadata;

    fn client(meta_json: &str) -> OAuthClient {
        let meta: ServerMetadata = serde_json::from_str(meta_json).unwrap();
        OAuthClient::builder("app").metadata(meta).build().unwrap()
    }

    #[test]
    fn the_url_carries_every_parameter_and_keeps_the_endpoint_query() {
        let c = client(
            r#"{"issuer":"https://op.example","end_session_endpoint":"https://op.example/logout?tenant=a"}"#,
        );
        let req = EndSession {
            id_token_hint: Some("eyJ.x.y".into()),
            post_logout_redirect_uri: Some("https://app.example/bye".into()),
            state: Some("s t".into()),
        };
        assert_eq!(
            c.end_session_url(&req).unwrap().as_str(),
            "https://op.example/logout?tenant=a&id_token_hint=eyJ.x.y&post_logout_redirect_uri=https%3A%2F%2Fapp.example%2Fbye&state=s+t&client_id=app"
        );
        assert_eq!(
            c.end_session_url(&EndSession::default()).unwrap().as_str(),
            "https://op.example/logout?tenant=a&client_id=app"
        );
    }

    #[test]
    fn no_endpoint_or_plain_http_is_a_config_error() {
        let c = client(r#"{"issuer":"https://op.example"}"#);
        let e = c.end_session_url(&EndSession::default()).unwrap_err();
        assert!(e.to_string().contains("end_session"), "{e}");
        let c = OAuthClient::builder("app")
            .end_session_url("http://op.example/logout")
            .build();
        assert!(c.is_err() || c.unwrap().end_session_url(&EndSession::default()).is_err());
    }
}
