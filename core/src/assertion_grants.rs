//! Grants that trade one credential for tokens: token exchange (RFC 8693),
//! JWT bearer (RFC 7523 §2.1) and SAML 2.0 bearer (RFC 7522).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::error::{Error, Result};
use crate::grant::{self, Grant};
use crate::keys::{AssertionClaims, SigningKey};
use crate::params::Params;
use crate::secret::Secret;

/// RFC 8693 §3 token type identifiers.
pub mod token_types {
    /// An OAuth access token.
    pub const ACCESS_TOKEN: &str = "urn:ietf:params:oauth:token-type:access_token";
    /// An OAuth refresh token.
    pub const REFRESH_TOKEN: &str = "urn:ietf:params:oauth:token-type:refresh_token";
    /// An OpenID Connect ID token.
    pub const ID_TOKEN: &str = "urn:ietf:params:oauth:token-type:id_token";
    /// A JWT.
    pub const JWT: &str = "urn:ietf:params:oauth:token-type:jwt";
    /// A SAML 1.1 assertion.
    pub const SAML1: &str = "urn:ietf:params:oauth:token-type:saml1";
    /// A SAML 2.0 assertion.
    pub const SAML2: &str = "urn:ietf:params:oauth:token-type:saml2";
}

/// A token exchange request (RFC 8693 §2.1).
#[derive(Clone, Debug)]
pub struct TokenExchange {
    /// The token being exchanged.
    pub subject_token: Secret,
    /// Its type (e.g. [`token_types::ACCESS_TOKEN`]).
    pub subject_token_type: String,
    /// The acting party's token, for delegation.
    pub actor_token: Option<Secret>,
    /// Its type (required when `actor_token` is given).
    pub actor_token_type: Option<String>,
    /// The type of token wanted.
    pub requested_token_type: Option<String>,
    /// Target services (logical names), each sent as `audience`.
    pub audience: Vec<String>,
    /// Target resources (URIs), each sent as `resource` (RFC 8707).
    pub resource: Vec<String>,
    /// Scope.
    pub scope: Option<String>,
}

impl TokenExchange {
    /// Exchanges a token of a type.
    pub fn new(subject_token: impl Into<Secret>, subject_token_type: &str) -> Self {
        TokenExchange {
            subject_token: subject_token.into(),
            subject_token_type: subject_token_type.into(),
            actor_token: None,
            actor_token_type: None,
            requested_token_type: None,
            audience: Vec::new(),
            resource: Vec::new(),
            scope: None,
        }
    }

    /// The grant.
    pub fn grant(&self) -> Result<Grant> {
        if self.actor_token.is_some() != self.actor_token_type.is_some() {
            return Err(Error::config(
                "actor_token and actor_token_type go together (RFC 8693 §2.1)",
            ));
        }
        let mut p = Params::new();
        p.push("subject_token", self.subject_token.expose());
        p.push("subject_token_type", &self.subject_token_type);
        p.push_opt("actor_token", self.actor_token.as_ref().map(Secret::expose));
        p.push_opt("actor_token_type", self.actor_token_type.as_deref());
        p.push_opt("requested_token_type", self.requested_token_type.as_deref());
        for a in &self.audience {
            p.push("audience", a);
        }
        for r in &self.resource {
            p.push("resource", r);
        }
        p.push_opt("scope", self.scope.as_deref());
        Ok(Grant::Extension {
            grant_type: grant::TOKEN_EXCHANGE.into(),
            params: p,
        })
    }
}

/// Where the JWT of a JWT bearer grant comes from.
#[derive(Clone, Debug)]
pub enum JwtAssertion {
    /// A ready JWT (from an identity provider, say).
    Given(Secret),
    /// Built and signed here, anew for every request.
    Signed {
        /// Signing key (RS256, ES256, EdDSA…).
        key: SigningKey,
        /// `iss`: usually the client id.
        issuer: String,
        /// `sub`: the user or service the tokens are for.
        subject: String,
        /// `aud`: the authorization server (token endpoint URL or issuer).
        audience: String,
        /// Lifetime in seconds.
        lifetime_secs: u64,
        /// More claims.
        claims: serde_json::Map<String, serde_json::Value>,
    },
}

/// A JWT bearer authorization grant (RFC 7523 §2.1).
#[derive(Clone, Debug)]
pub struct JwtBearer {
    /// The assertion.
    pub assertion: JwtAssertion,
    /// Scope.
    pub scope: Option<String>,
}

impl JwtBearer {
    /// The grant, with a freshly signed assertion when it is built here.
    pub fn grant(&self) -> Result<Grant> {
        let jwt = match &self.assertion {
            JwtAssertion::Given(jwt) => jwt.clone(),
            JwtAssertion::Signed {
                key,
                issuer,
                subject,
                audience,
                lifetime_secs,
                claims,
            } => {
                let mut c = AssertionClaims::new(issuer, subject, audience, *lifetime_secs);
                c.extra = claims.clone();
                Secret::new(key.sign(&c)?)
            }
        };
        let mut p = Params::new();
        p.push("assertion", jwt.expose());
        p.push_opt("scope", self.scope.as_deref());
        Ok(Grant::Extension {
            grant_type: grant::JWT_BEARER.into(),
            params: p,
        })
    }
}

/// A SAML 2.0 bearer grant (RFC 7522) with an assertion the caller supplies,
/// base64url-encoded without padding as §2.1 requires.
pub fn saml2_bearer(assertion_b64url: &str, scope: Option<&str>) -> Result<Grant> {
    let a = assertion_b64url.trim();
    let ok = !a.is_empty()
        && a.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if !ok {
        return Err(Error::config(
            "a SAML 2.0 bearer assertion must be base64url-encoded without padding or line breaks (RFC 7522 §2.1); use saml2_encode for raw XML",
        ));
    }
    let mut p = Params::new();
    p.push("assertion", a);
    p.push_opt("scope", scope);
    Ok(Grant::Extension {
        grant_type: grant::SAML2_BEARER.into(),
        params: p,
    })
}

/// base64url (no padding) of a SAML assertion's XML.
pub fn saml2_encode(xml: &str) -> String {
    URL_SAFE_NO_PAD.encode(xml.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_exchange_params() {
        let mut te = TokenExchange::new("subj", token_types::ACCESS_TOKEN);
        te.audience = vec!["svc-a".into(), "svc-b".into()];
        te.requested_token_type = Some(token_types::JWT.into());
        let form = te.grant().unwrap().params().to_form();
        assert_eq!(
            form,
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Atoken-exchange&subject_token=subj&subject_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Aaccess_token&requested_token_type=urn%3Aietf%3Aparams%3Aoauth%3Atoken-type%3Ajwt&audience=svc-a&audience=svc-b"
        );
        te.actor_token = Some("act".into());
        assert!(te.grant().is_err());
    }

    #[test]
    fn jwt_bearer_signs_a_new_assertion_each_time() {
        let jb = JwtBearer {
            assertion: JwtAssertion::Signed {
                key: SigningKey::hs256(b"0123456789abcdef0123456789abcdef"),
                issuer: "c".into(),
                subject: "alice".into(),
                audience: "https://as/token".into(),
                lifetime_secs: 60,
                claims: Default::default(),
            },
            scope: Some("read".into()),
        };
        let a = jb.grant().unwrap().params().to_form();
        let b = jb.grant().unwrap().params().to_form();
        assert_ne!(a, b);
        assert!(a.contains(
            "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=ey"
        ));
    }

    #[test]
    fn saml_assertion_must_be_base64url() {
        assert!(saml2_bearer("PHNhbWw+", None).is_err());
        assert!(saml2_bearer("abc=", None).is_err());
        let enc = saml2_encode("<saml:Assertion/>");
        assert!(saml2_bearer(&enc, Some("x")).is_ok());
    }
}
