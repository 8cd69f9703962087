//! Token grants: each one is the set of parameters it sends to the token
//! endpoint (RFC 6749 §4–6 and the extension grants built on §4.5).

use crate::params::Params;
use crate::secret::Secret;

/// RFC 8628 device code grant type.
pub const DEVICE_CODE: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// RFC 8693 token exchange grant type.
pub const TOKEN_EXCHANGE: &str = "urn:ietf:params:oauth:grant-type:token-exchange";
/// RFC 7523 §2.1 JWT bearer grant type.
pub const JWT_BEARER: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/// RFC 7522 SAML 2.0 bearer grant type.
pub const SAML2_BEARER: &str = "urn:ietf:params:oauth:grant-type:saml2-bearer";
/// OpenID Connect CIBA grant type.
pub const CIBA: &str = "urn:openid:params:grant-type:ciba";

/// A request for tokens. Build one and pass it to `Client::request_token`, or
/// use the client's method named after the grant.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Grant {
    /// Authorization code (RFC 6749 §4.1.3), with the PKCE verifier (RFC 7636).
    AuthorizationCode {
        /// The code from the redirect.
        code: Secret,
        /// The `redirect_uri` sent in the authorization request, if one was sent.
        redirect_uri: Option<String>,
        /// The PKCE code verifier, if PKCE was used.
        code_verifier: Option<Secret>,
    },
    /// Client credentials (RFC 6749 §4.4).
    ClientCredentials {
        /// Requested scope (space-separated).
        scope: Option<String>,
    },
    /// Resource owner password credentials (RFC 6749 §4.3; removed by OAuth 2.1,
    /// kept for the legacy systems that still need it).
    Password {
        /// User name.
        username: String,
        /// Password.
        password: Secret,
        /// Requested scope.
        scope: Option<String>,
    },
    /// Refresh (RFC 6749 §6).
    RefreshToken {
        /// The refresh token.
        refresh_token: Secret,
        /// A narrower scope, if wanted.
        scope: Option<String>,
    },
    /// Any other grant by its `grant_type` URI (RFC 6749 §4.5): device code,
    /// token exchange, JWT or SAML bearer, CIBA, or a provider's own.
    Extension {
        /// The `grant_type` value.
        grant_type: String,
        /// Its parameters.
        params: Params,
    },
}

impl Grant {
    /// The `grant_type` value.
    pub fn grant_type(&self) -> &str {
        match self {
            Grant::AuthorizationCode { .. } => "authorization_code",
            Grant::ClientCredentials { .. } => "client_credentials",
            Grant::Password { .. } => "password",
            Grant::RefreshToken { .. } => "refresh_token",
            Grant::Extension { grant_type, .. } => grant_type,
        }
    }

    /// Whether this is a refresh (which a profile may send differently).
    pub fn is_refresh(&self) -> bool {
        matches!(self, Grant::RefreshToken { .. })
    }

    /// Client credentials with an optional scope.
    pub fn client_credentials(scope: Option<&str>) -> Self {
        Grant::ClientCredentials {
            scope: scope.map(str::to_string),
        }
    }

    /// A refresh.
    pub fn refresh(refresh_token: &Secret, scope: Option<&str>) -> Self {
        Grant::RefreshToken {
            refresh_token: refresh_token.clone(),
            scope: scope.map(str::to_string),
        }
    }

    /// An extension grant with parameters.
    pub fn extension<K: Into<String>, V: Into<String>>(
        grant_type: &str,
        params: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut p = Params::new();
        for (k, v) in params {
            p.push(k, v);
        }
        Grant::Extension {
            grant_type: grant_type.to_string(),
            params: p,
        }
    }

    /// The standard parameters, `grant_type` first (client authentication is added later).
    pub fn params(&self) -> Params {
        let mut p = Params::new();
        p.push("grant_type", self.grant_type());
        match self {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                p.push("code", code.expose());
                p.push_opt("redirect_uri", redirect_uri.as_deref());
                p.push_opt("code_verifier", code_verifier.as_ref().map(Secret::expose));
            }
            Grant::ClientCredentials { scope } => p.push_opt("scope", scope.as_deref()),
            Grant::Password {
                username,
                password,
                scope,
            } => {
                p.push("username", username);
                p.push("password", password.expose());
                p.push_opt("scope", scope.as_deref());
            }
            Grant::RefreshToken {
                refresh_token,
                scope,
            } => {
                p.push("refresh_token", refresh_token.expose());
                p.push_opt("scope", scope.as_deref());
            }
            Grant::Extension { params, .. } => {
                for (k, v) in params.iter().filter(|(k, _)| *k != "grant_type") {
                    p.push(k, v);
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn params_per_grant() {
        let g = Grant::AuthorizationCode {
            code: "c".into(),
            redirect_uri: Some("http://127.0.0.1/cb".into()),
            code_verifier: Some("v".into()),
        };
        assert_eq!(
            g.params().to_form(),
            "grant_type=authorization_code&code=c&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&code_verifier=v"
        );
        let g = Grant::Password {
            username: "alice".into(),
            password: "p w".into(),
            scope: Some("a b".into()),
        };
        assert_eq!(
            g.params().to_form(),
            "grant_type=password&username=alice&password=p+w&scope=a+b"
        );
        assert_eq!(
            Grant::client_credentials(None).params().to_form(),
            "grant_type=client_credentials"
        );
        let g = Grant::extension("urn:x", [("a", "1"), ("grant_type", "ignored")]);
        assert_eq!(g.params().to_form(), "grant_type=urn%3Ax&a=1");
        assert!(format!("{g:?}").contains("urn:x"));
    }
}
