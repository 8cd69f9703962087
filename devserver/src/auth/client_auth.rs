//! Client authentication at the token, introspection, revocation, device and CIBA
//! endpoints — STRICT per registered method. The mutual-TLS methods (RFC 8705 §2)
//! look at the connection's client certificate ([`PeerCertificate`]).
//!
//! A client registered for one method that authenticates with another is refused with
//! 401 `invalid_client`, even if its credentials are right: the point of the devserver is
//! to prove which method the client library actually used.

use axum::http::HeaderMap;

use super::assertion::{self, Expect};
use super::mtls::{self, PeerCertificate};
use crate::app::{AppState, lock};
use crate::clients::{self, AuthMethod, Registration, VerifyKey};
use crate::clock;
use crate::http::basic::{self, Encoding};
use crate::http::error::OAuthError;
use crate::http::params::Params;

pub(crate) const JWT_BEARER_ASSERTION: &str =
    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requirement {
    /// The request must identify a registered client (public clients by `client_id`).
    Required,
    /// Assertion grants (RFC 7521 §4.1) may come with no client identification at all.
    Optional,
}

/// The method the request *used*, whatever the client is registered for.
enum Presented {
    Basic(basic::Credentials),
    Post { id: String, secret: String },
    Assertion { assertion_type: String, jwt: String },
    IdOnly(String),
    Nothing,
}

/// Authenticates the client of a request to `endpoint_url`.
pub(crate) fn authenticate(
    app: &AppState,
    headers: &HeaderMap,
    peer: &PeerCertificate,
    params: &Params,
    endpoint_url: &str,
    requirement: Requirement,
) -> Result<Option<&'static Registration>, OAuthError> {
    let basic = basic::parse(headers, Encoding::FormUrlEncoded)
        .map_err(|reason| OAuthError::invalid_client(reason).with_basic_challenge())?;
    let used_basic = basic.is_some();
    let presented = presented(basic, params)?;
    let result = match presented {
        Presented::Nothing => match requirement {
            Requirement::Optional => return Ok(None),
            Requirement::Required => Err(OAuthError::invalid_client(
                "no client authentication and no client_id",
            )),
        },
        Presented::Basic(creds) => {
            basic_client(&creds, params.get("client_id")).map_err(OAuthError::with_basic_challenge)
        }
        Presented::Post { id, secret } => secret_client(&id, &secret, AuthMethod::ClientSecretPost),
        Presented::IdOnly(id) => id_only_client(app, &id, peer),
        Presented::Assertion {
            assertion_type,
            jwt,
        } => assertion_client(
            app,
            &assertion_type,
            &jwt,
            params.get("client_id"),
            endpoint_url,
        ),
    };
    match result {
        Ok(client) => {
            tracing::debug!(
                client = client.id,
                method = client.method.as_str(),
                "client authenticated"
            );
            Ok(Some(client))
        }
        // A client registered for Basic that tried something else is told how to do it right.
        Err(e) if used_basic => Err(e.with_basic_challenge()),
        Err(e) => Err(e),
    }
}

/// Sorts out which method was used, refusing requests that use two (RFC 6749 §2.3:
/// "The client MUST NOT use more than one authentication method in each request").
fn presented(basic: Option<basic::Credentials>, params: &Params) -> Result<Presented, OAuthError> {
    let assertion = params.has("client_assertion") || params.has("client_assertion_type");
    let secret = params.has("client_secret");
    let used = usize::from(basic.is_some()) + usize::from(assertion) + usize::from(secret);
    if used > 1 {
        return Err(OAuthError::invalid_request(
            "more than one client authentication method in one request",
        ));
    }
    if let Some(creds) = basic {
        return Ok(Presented::Basic(creds));
    }
    if assertion {
        return Ok(Presented::Assertion {
            assertion_type: params.get("client_assertion_type").unwrap_or("").to_owned(),
            jwt: params.get("client_assertion").unwrap_or("").to_owned(),
        });
    }
    match (params.get("client_id"), params.get("client_secret")) {
        (Some(id), Some(secret)) => Ok(Presented::Post {
            id: id.to_owned(),
            secret: secret.to_owned(),
        }),
        (None, Some(_)) => Err(OAuthError::invalid_client(
            "client_secret without client_id",
        )),
        (Some(id), None) => Ok(Presented::IdOnly(id.to_owned())),
        (None, None) => Ok(Presented::Nothing),
    }
}

fn registered(id: &str) -> Result<&'static Registration, OAuthError> {
    clients::lookup(id).ok_or_else(|| OAuthError::invalid_client(format!("unknown client {id:?}")))
}

fn require_method(client: &Registration, used: AuthMethod) -> Result<(), OAuthError> {
    if client.method == used {
        return Ok(());
    }
    Err(OAuthError::invalid_client(format!(
        "client {} is registered for {}, but the request used {}",
        client.id,
        client.method.as_str(),
        used.as_str()
    )))
}

fn basic_client(
    creds: &basic::Credentials,
    body_id: Option<&str>,
) -> Result<&'static Registration, OAuthError> {
    if body_id.is_some_and(|id| id != creds.id) {
        return Err(OAuthError::invalid_client(
            "client_id in the body differs from the one in the Authorization header",
        ));
    }
    secret_client(&creds.id, &creds.secret, AuthMethod::ClientSecretBasic)
}

fn secret_client(
    id: &str,
    secret: &str,
    used: AuthMethod,
) -> Result<&'static Registration, OAuthError> {
    let client = registered(id)?;
    require_method(client, used)?;
    if client.secret != Some(secret) {
        return Err(OAuthError::invalid_client(format!(
            "wrong secret for client {id}"
        )));
    }
    Ok(client)
}

/// Only `client_id` in the request: a public client, or one that authenticates with
/// its TLS certificate (RFC 8705 §2), which must then be the registered one.
fn id_only_client(
    app: &AppState,
    id: &str,
    peer: &PeerCertificate,
) -> Result<&'static Registration, OAuthError> {
    let client = registered(id)?;
    match (client.method, client.key) {
        (AuthMethod::TlsClientAuth, Some(VerifyKey::SanDns(san))) => {
            if peer.0.is_none() {
                return Err(OAuthError::invalid_client(format!(
                    "client {id} uses tls_client_auth: no client certificate was presented"
                )));
            }
            if !peer.issued_for(app.tls_ca.as_ref(), san) {
                return Err(OAuthError::invalid_client(format!(
                    "client {id} uses tls_client_auth: the certificate is not one the CA \
                     issued for {san}"
                )));
            }
            Ok(client)
        }
        (AuthMethod::SelfSignedTlsClientAuth, Some(VerifyKey::Certificate(pem))) => {
            let Some(presented) = peer.thumbprint() else {
                return Err(OAuthError::invalid_client(format!(
                    "client {id} uses self_signed_tls_client_auth: no client certificate was \
                     presented"
                )));
            };
            if mtls::registered_thumbprint(pem).as_deref() != Some(presented.as_str()) {
                return Err(OAuthError::invalid_client(format!(
                    "client {id} uses self_signed_tls_client_auth: the certificate is not the \
                     registered one"
                )));
            }
            Ok(client)
        }
        _ => {
            require_method(client, AuthMethod::None)?;
            Ok(client)
        }
    }
}

fn assertion_client(
    app: &AppState,
    assertion_type: &str,
    jwt: &str,
    body_id: Option<&str>,
    endpoint_url: &str,
) -> Result<&'static Registration, OAuthError> {
    if assertion_type != JWT_BEARER_ASSERTION {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion_type must be {JWT_BEARER_ASSERTION}"
        )));
    }
    if jwt.is_empty() {
        return Err(OAuthError::invalid_client("client_assertion is missing"));
    }
    let id = match body_id {
        Some(id) => id.to_owned(),
        None => assertion::unverified_issuer(jwt).ok_or_else(|| {
            OAuthError::invalid_client("client_assertion is not a JWT with an iss")
        })?,
    };
    let client = registered(&id)?;
    if !matches!(
        client.method,
        AuthMethod::ClientSecretJwt | AuthMethod::PrivateKeyJwt
    ) {
        return require_method(client, AuthMethod::PrivateKeyJwt).map(|()| client);
    }
    // RFC 7523 §3: aud identifies the authorization server; the token endpoint URL or the
    // issuer are both accepted, and so is the URL of the endpoint the assertion was sent to.
    let audiences = [
        app.base_url.clone(),
        app.url("/token"),
        endpoint_url.to_owned(),
    ];
    let expect = Expect {
        audiences: &audiences,
        sub: Some(client.id),
        require_sub_and_jti: true,
    };
    let claims = assertion::verify(client, jwt, &expect).map_err(|reason| {
        OAuthError::invalid_client(format!("client_assertion for {}: {reason}", client.id))
    })?;
    let jti = assertion::str_claim(&claims, "jti").unwrap_or_default();
    let now = clock::now();
    if !lock(&app.store).fresh_jti(
        format!("client|{}|{jti}", client.id),
        assertion::exp(&claims),
        now,
    ) {
        return Err(OAuthError::invalid_client(format!(
            "client_assertion jti {jti:?} was already used (replay)"
        )));
    }
    Ok(client)
}
