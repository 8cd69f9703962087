//! The front channel: the authorization URL (RFC 6749 §4.1.1, PKCE by
//! default), and the redirect back — `state` checked in constant time, `iss`
//! checked (RFC 9207), errors typed. Also the implicit grant (§4.2), which
//! OAuth 2.1 removes: it is here for legacy servers only.

use serde::{Deserialize, Serialize};

use crate::error::{Error, OAuthError, Result};
use crate::grant::Grant;
use crate::http::HttpResponse;
use crate::params::Params;
use crate::pkce::{self, PkceMethod};
use crate::secret::Secret;
use crate::token::{TokenParsing, TokenSet, parse_token_response};

/// Options of one authorization request. `Default` gives: the client's
/// redirect URI and scope, a random state, PKCE S256 (unless the profile turns it off).
#[derive(Clone, Debug, Default)]
pub struct AuthorizeOptions {
    /// Scope (space-separated); defaults to the client's configured scope.
    pub scope: Option<String>,
    /// Redirect URI; defaults to the client's configured one.
    pub redirect_uri: Option<String>,
    /// A state of your own (random by default). It must be unguessable: at
    /// least [`MIN_STATE_LEN`] characters (128 bits as base64url), or
    /// building the URL fails with [`Error::Config`].
    pub state: Option<String>,
    /// PKCE: `None` = the profile's choice (S256 unless disabled);
    /// `Some(None)` = no PKCE; `Some(Some(m))` = method `m`.
    pub pkce: Option<Option<PkceMethod>>,
    /// Add an OpenID Connect `nonce`. A nonce is also sent, whatever this
    /// says, whenever the scope contains `openid`: the ID token must then
    /// carry it (OpenID Connect Core §3.1.3.7), which binds it to this request.
    pub nonce: bool,
    /// Implicit grant (`response_type=token`). Removed by OAuth 2.1: use only
    /// with servers that offer nothing else.
    pub implicit: bool,
    /// OpenID Connect `prompt` (space-separated: `none`, `login`, `consent`,
    /// `select_account`, `create`…). `none` cannot be combined with another value.
    pub prompt: Option<String>,
    /// OpenID Connect `max_age`: the end-user must have authenticated within
    /// it, and the ID token's `auth_time` is checked against it. Whole seconds
    /// are sent. Overrides the client's configured `max_age`.
    pub max_age: Option<std::time::Duration>,
    /// OpenID Connect `login_hint` (an e-mail address or user name to pre-fill).
    pub login_hint: Option<String>,
    /// OpenID Connect `acr_values` (space-separated, in order of preference).
    /// A voluntary request: the ID token's `acr` is not checked against it;
    /// ask for an essential `acr` in [`AuthorizeOptions::claims`] for that.
    pub acr_values: Option<String>,
    /// OpenID Connect `ui_locales` (space-separated BCP 47 tags).
    pub ui_locales: Option<String>,
    /// The OpenID Connect `claims` request parameter (§5.5), a JSON object
    /// such as `{"id_token": {"acr": {"essential": true, "values": ["urn:mace:incommon:iap:silver"]}}}`.
    /// An essential `acr` with `value`/`values` is checked: the ID token must
    /// carry one of them.
    pub claims: Option<serde_json::Value>,
    /// Rich authorization requests (RFC 9396): `authorization_details`, a
    /// JSON array of objects with a `type` each (see [`crate::rar`]). Replaces
    /// the client's configured details for this request.
    pub authorization_details: Option<serde_json::Value>,
    /// More parameters (`resource`, provider-specific ones…), sent after the
    /// ones above. The names of the typed options above given here are read
    /// as those options (and checked the same way).
    pub extra: Vec<(String, String)>,
}

impl AuthorizeOptions {
    /// Sets a parameter by its wire name: a typed option (`prompt`,
    /// `max_age`, `login_hint`, `acr_values`, `ui_locales`, `claims`,
    /// `authorization_details`) is parsed into its field — `max_age` whole
    /// seconds, `claims` a JSON object, `authorization_details` a JSON array
    /// — and given twice is an error; any other name is appended to
    /// [`AuthorizeOptions::extra`]. What name/value bindings (C, C++) call.
    pub fn set_param(&mut self, name: &str, value: &str) -> Result<()> {
        fn once<T>(slot: &mut Option<T>, name: &str, v: T) -> Result<()> {
            if slot.is_some() {
                return Err(Error::config(format!(
                    "the authorization parameter {name} is given twice"
                )));
            }
            *slot = Some(v);
            Ok(())
        }
        match name {
            "prompt" => once(&mut self.prompt, name, value.to_string()),
            "login_hint" => once(&mut self.login_hint, name, value.to_string()),
            "acr_values" => once(&mut self.acr_values, name, value.to_string()),
            "ui_locales" => once(&mut self.ui_locales, name, value.to_string()),
            "max_age" => {
                // Seconds as bindings write them ("300", "300.0"); whole
                // seconds are sent.
                let d = value
                    .trim()
                    .parse::<f64>()
                    .ok()
                    .and_then(|s| std::time::Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| {
                        Error::config(format!(
                            "max_age must be a number of seconds (0 or more), not {value:?}"
                        ))
                    })?;
                once(&mut self.max_age, name, d)
            }
            "claims" => {
                let v: serde_json::Value = serde_json::from_str(value)
                    .map_err(|e| Error::config(format!("claims must be a JSON object: {e}")))?;
                once(&mut self.claims, name, v)
            }
            crate::rar::PARAM => once(
                &mut self.authorization_details,
                name,
                crate::rar::parse(value)?,
            ),
            _ => {
                self.extra.push((name.to_string(), value.to_string()));
                Ok(())
            }
        }
    }

    /// The options with typed names found in `extra` moved to their fields,
    /// every typed option checked.
    fn normalized(mut self) -> Result<Self> {
        let extra = std::mem::take(&mut self.extra);
        for (k, v) in extra {
            self.set_param(&k, &v)?;
        }
        if let Some(p) = &self.prompt {
            let values: Vec<&str> = p.split(' ').collect();
            if values.iter().any(|v| v.is_empty()) {
                return Err(Error::config(format!(
                    "prompt must be space-separated values such as \"login consent\", not {p:?}"
                )));
            }
            if values.len() > 1 && values.contains(&"none") {
                return Err(Error::config(
                    "prompt=none cannot be combined with another value (OpenID Connect Core §3.1.2.1)",
                ));
            }
        }
        for (name, v) in [
            ("login_hint", &self.login_hint),
            ("acr_values", &self.acr_values),
            ("ui_locales", &self.ui_locales),
        ] {
            if v.as_deref().is_some_and(|v| v.trim().is_empty()) {
                return Err(Error::config(format!(
                    "{name} is empty: leave it unset instead"
                )));
            }
        }
        if let Some(c) = &self.claims {
            if !c.is_object() {
                return Err(Error::config(
                    "claims must be a JSON object such as {\"id_token\": {\"acr\": {\"essential\": true}}}",
                ));
            }
            essential_acr(c)?;
        }
        if let Some(d) = &self.authorization_details {
            crate::rar::check(d)?;
        }
        Ok(self)
    }
}

/// The `acr` values an ID token must carry, from a `claims` request that asks
/// for `id_token.acr` as essential with `value` or `values` (OpenID Connect
/// Core §5.5.1.1). `None` when it does not.
fn essential_acr(claims: &serde_json::Value) -> Result<Option<Vec<String>>> {
    let Some(acr) = claims.get("id_token").and_then(|t| t.get("acr")) else {
        return Ok(None);
    };
    if acr.get("essential").and_then(serde_json::Value::as_bool) != Some(true) {
        return Ok(None);
    }
    let bad = || {
        Error::config(
            "claims: id_token.acr `value` must be a string and `values` an array of strings",
        )
    };
    let mut out = Vec::new();
    if let Some(v) = acr.get("value") {
        out.push(v.as_str().ok_or_else(bad)?.to_string());
    }
    if let Some(vs) = acr.get("values") {
        for v in vs.as_array().ok_or_else(bad)? {
            out.push(v.as_str().ok_or_else(bad)?.to_string());
        }
    }
    Ok((!out.is_empty()).then_some(out))
}

/// What to keep between sending the user away and the redirect back
/// (serializable, e.g. into a web session). `Debug` hides the secrets.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PendingAuthorization {
    /// The state sent.
    pub state: Secret,
    /// The PKCE verifier, if PKCE was used.
    pub code_verifier: Option<Secret>,
    /// Whether PKCE was used. A pending authorization that says so but has
    /// lost its verifier (a store that dropped it, a tampered session) is
    /// refused instead of exchanging the code without it. Absent in
    /// documents written by older versions: read as false.
    #[serde(default)]
    pub pkce: bool,
    /// The redirect URI sent, which the code exchange must repeat.
    pub redirect_uri: Option<String>,
    /// The OpenID Connect nonce, if one was sent.
    pub nonce: Option<Secret>,
    /// The issuer whose `iss` the response must carry, if known (RFC 9207).
    pub issuer: Option<String>,
    /// Whether `iss` is required (the server advertises RFC 9207 support).
    pub require_issuer: bool,
    /// The OpenID Connect `max_age` sent (seconds), if any: the ID token's
    /// `auth_time` must then be within it. Absent in documents written by
    /// older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_age: Option<u64>,
    /// The `acr` values the ID token must carry (one of), when the `claims`
    /// request asked for an essential `acr`. Absent in documents written by
    /// older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acr: Option<Vec<String>>,
    /// The JARM `response_mode` sent (`jwt`, `query.jwt`…; see
    /// [`crate::jarm`]), if any: the response must then be a signed JWT, and
    /// a plain one is refused. Absent in documents written by older versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_mode: Option<String>,
}

impl PendingAuthorization {
    /// The PKCE verifier to send with the code, checked: an error when PKCE
    /// was used and the verifier is missing.
    pub fn verifier(&self) -> Result<Option<Secret>> {
        match (&self.code_verifier, self.pkce) {
            (None, true) => Err(Error::config(
                "the pending authorization used PKCE but its code_verifier is missing",
            )),
            (v, _) => Ok(v.clone()),
        }
    }
}

/// The shortest caller-supplied `state` accepted: 22 base64url characters
/// carry 128 bits. A short state (or an empty one) is guessable, and then a
/// forged redirect (`?code=X&state=`) passes the CSRF check.
pub const MIN_STATE_LEN: usize = 22;

/// Parameters of a redirect that may appear only once: with two `state`s,
/// `code`s or `iss`es the last one would silently win.
const SINGLE_PARAMS: [&str; 5] = ["code", "state", "iss", "error", crate::jarm::PARAM];

/// An authorization URL and what to keep until the redirect comes back.
#[derive(Clone, Debug)]
pub struct AuthorizationRequest {
    /// Where to send the user.
    pub url: url::Url,
    /// Keep this until the redirect comes back.
    pub pending: PendingAuthorization,
}

/// The parameters of a redirect back to the client.
#[derive(Clone, Default)]
pub struct Callback {
    /// `code`
    pub code: Option<Secret>,
    /// `state`
    pub state: Option<String>,
    /// `iss` (RFC 9207)
    pub iss: Option<String>,
    /// `error`
    pub error: Option<String>,
    /// `error_description`
    pub error_description: Option<String>,
    /// `error_uri`
    pub error_uri: Option<String>,
    /// All parameters (values of token-like names are secrets: read with care).
    pub params: Params,
    /// Whether these are the claims of a validated JARM response (set by
    /// the client that checked the JWT only, never by [`Callback::parse`]).
    pub(crate) jarm: bool,
}

impl std::fmt::Debug for Callback {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Callback")
            .field("code", &self.code)
            .field("iss", &self.iss)
            .field("error", &self.error)
            .field("error_description", &self.error_description)
            .field("params", &self.params)
            .field("jarm", &self.jarm)
            .finish_non_exhaustive()
    }
}

impl Callback {
    /// Parses a redirect: a full URL (query or, for the implicit grant, fragment)
    /// or a bare query string (`code=…&state=…`).
    pub fn parse(redirect: &str) -> Result<Self> {
        let raw = redirect.trim();
        let pairs = match url::Url::parse(raw) {
            Ok(u) => match (u.query(), u.fragment()) {
                (Some(q), _) if !q.is_empty() => q.to_string(),
                (_, Some(f)) => f.to_string(),
                _ => String::new(),
            },
            Err(_) => raw.trim_start_matches(['?', '#']).to_string(),
        };
        if pairs.is_empty() {
            return Err(Error::config("the redirect carries no parameters"));
        }
        let mut cb = Callback::default();
        for (k, v) in url::form_urlencoded::parse(pairs.as_bytes()) {
            if SINGLE_PARAMS.contains(&k.as_ref()) && cb.params.contains(&k) {
                return Err(Error::config(format!(
                    "the redirect carries `{k}` more than once"
                )));
            }
            let v = v.into_owned();
            match k.as_ref() {
                "code" => cb.code = Some(Secret::new(v.clone())),
                "state" => cb.state = Some(v.clone()),
                "iss" => cb.iss = Some(v.clone()),
                "error" => cb.error = Some(v.clone()),
                "error_description" => cb.error_description = Some(v.clone()),
                "error_uri" => cb.error_uri = Some(v.clone()),
                _ => {}
            }
            cb.params.push(k.into_owned(), v);
        }
        Ok(cb)
    }

    /// Checks state, issuer and error against what was sent: in this order, so
    /// a forged error response cannot pass for the real one. Before them, a
    /// plain response to a JARM request is refused ([`crate::jarm`]).
    pub fn verify(&self, pending: &PendingAuthorization) -> Result<()> {
        if let Some(mode) = pending.response_mode.as_deref() {
            if crate::jarm::is_jarm(mode) && !self.jarm {
                return Err(crate::jarm::downgrade(mode));
            }
        }
        match &self.state {
            Some(s) if pending.state.ct_eq(s) => {}
            _ => return Err(Error::StateMismatch),
        }
        if let Some(expected) = &pending.issuer {
            match &self.iss {
                Some(iss) if iss == expected => {}
                Some(other) => {
                    return Err(Error::IssuerMismatch {
                        expected: expected.clone(),
                        actual: Some(other.clone()),
                    });
                }
                None if pending.require_issuer => {
                    return Err(Error::IssuerMismatch {
                        expected: expected.clone(),
                        actual: None,
                    });
                }
                None => {}
            }
        }
        if let Some(error) = &self.error {
            return Err(Error::OAuth(Box::new(OAuthError {
                error: error.clone(),
                description: self.error_description.clone(),
                uri: self.error_uri.clone(),
                ..Default::default()
            })));
        }
        Ok(())
    }

    /// Verifies the redirect and turns it into the code exchange grant.
    pub fn into_grant(self, pending: &PendingAuthorization) -> Result<Grant> {
        self.verify(pending)?;
        let code = self
            .code
            .ok_or_else(|| Error::config("the redirect carries no `code`"))?;
        Ok(Grant::AuthorizationCode {
            code,
            redirect_uri: pending.redirect_uri.clone(),
            code_verifier: pending.verifier()?,
        })
    }

    /// Verifies an implicit-grant redirect and reads its token from the fragment.
    pub fn into_implicit_token(
        self,
        pending: &PendingAuthorization,
        how: TokenParsing<'_>,
    ) -> Result<TokenSet> {
        self.verify(pending)?;
        let object: serde_json::Map<String, serde_json::Value> = self
            .params
            .iter()
            .filter(|(k, _)| *k != "state" && *k != "iss")
            .map(|(k, v)| (k.to_string(), serde_json::Value::String(v.to_string())))
            .collect();
        let body = serde_json::Value::Object(object).to_string();
        parse_token_response(&HttpResponse::json(200, &body), how)
    }
}

/// Builds the authorization URL. `pkce_by_default` and `send_redirect_uri`
/// come from the profile; `extra_defaults` are the profile's fixed parameters.
#[allow(clippy::too_many_arguments)]
pub(crate) fn build(
    endpoint: &url::Url,
    client_id: &str,
    opts: AuthorizeOptions,
    default_scope: Option<&str>,
    default_redirect: Option<&str>,
    pkce_by_default: bool,
    send_redirect_uri: bool,
    extra_defaults: &std::collections::BTreeMap<String, String>,
    issuer: Option<&str>,
    require_issuer: bool,
    default_max_age: Option<u64>,
) -> Result<AuthorizationRequest> {
    if let Some(s) = &opts.state {
        if s.chars().count() < MIN_STATE_LEN {
            return Err(Error::config(format!(
                "a caller-supplied state must have at least {MIN_STATE_LEN} characters (128 bits); leave it unset for a random one"
            )));
        }
    }
    let opts = opts.normalized()?;
    let state = Secret::new(opts.state.clone().unwrap_or_else(|| pkce::random_token(24)));
    let redirect_uri = opts
        .redirect_uri
        .clone()
        .or(default_redirect.map(str::to_string));
    let method = match opts.pkce {
        Some(choice) => choice,
        None => pkce_by_default.then_some(PkceMethod::S256),
    };
    let method = if opts.implicit { None } else { method };
    let verifier = method.map(|_| pkce::new_verifier());
    let scope = opts.scope.as_deref().or(default_scope);
    let openid = scope.is_some_and(|s| s.split(' ').any(|x| x == "openid"));
    let nonce = (opts.nonce || openid).then(|| Secret::new(pkce::random_token(24)));
    let max_age = opts.max_age.map(|d| d.as_secs()).or(default_max_age);
    let acr = opts
        .claims
        .as_ref()
        .map(essential_acr)
        .transpose()?
        .flatten();
    let response_mode = match opts
        .extra
        .iter()
        .filter(|(k, _)| k == "response_mode")
        .map(|(_, v)| v.as_str())
        .collect::<Vec<_>>()[..]
    {
        [] => None,
        [mode] => {
            crate::jarm::check_mode(mode)?;
            crate::jarm::is_jarm(mode).then(|| mode.to_string())
        }
        _ => {
            return Err(Error::config(
                "the authorization parameter response_mode is given twice",
            ));
        }
    };

    let mut url = endpoint.clone();
    {
        let mut q = url.query_pairs_mut();
        q.append_pair(
            "response_type",
            if opts.implicit { "token" } else { "code" },
        );
        q.append_pair("client_id", client_id);
        if send_redirect_uri {
            if let Some(r) = &redirect_uri {
                q.append_pair("redirect_uri", r);
            }
        }
        if let Some(s) = scope {
            q.append_pair("scope", s);
        }
        q.append_pair("state", state.expose());
        if let (Some(m), Some(v)) = (method, &verifier) {
            q.append_pair("code_challenge", &pkce::challenge(v, m));
            q.append_pair("code_challenge_method", m.as_str());
        }
        if let Some(n) = &nonce {
            q.append_pair("nonce", n.expose());
        }
        if let Some(p) = &opts.prompt {
            q.append_pair("prompt", p);
        }
        if let Some(m) = max_age {
            q.append_pair("max_age", &m.to_string());
        }
        for (k, v) in [
            ("login_hint", &opts.login_hint),
            ("acr_values", &opts.acr_values),
            ("ui_locales", &opts.ui_locales),
        ] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        if let Some(c) = &opts.claims {
            q.append_pair("claims", &c.to_string());
        }
        if let Some(d) = &opts.authorization_details {
            q.append_pair(crate::rar::PARAM, &d.to_string());
        }
        for (k, v) in &opts.extra {
            q.append_pair(k, v);
        }
        for (k, v) in extra_defaults {
            let typed = match k.as_str() {
                "prompt" => opts.prompt.is_some(),
                "max_age" => max_age.is_some(),
                "login_hint" => opts.login_hint.is_some(),
                "acr_values" => opts.acr_values.is_some(),
                "ui_locales" => opts.ui_locales.is_some(),
                "claims" => opts.claims.is_some(),
                crate::rar::PARAM => opts.authorization_details.is_some(),
                _ => false,
            };
            let given = typed
                || (k == "scope" && scope.is_some())
                || opts.extra.iter().any(|(ek, _)| ek == k);
            if !given {
                q.append_pair(k, v);
            }
        }
    }
    Ok(AuthorizationRequest {
        url,
        pending: PendingAuthorization {
            state,
            pkce: verifier.is_some(),
            code_verifier: verifier,
            redirect_uri: if send_redirect_uri {
                redirect_uri
            } else {
                None
            },
            nonce,
            issuer: issuer.map(str::to_string),
            require_issuer,
            max_age,
            acr,
            response_mode,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(state: &str) -> PendingAuthorization {
        PendingAuthorization {
            state: state.into(),
            code_verifier: Some("v".into()),
            pkce: true,
            redirect_uri: Some("http://127.0.0.1/cb".into()),
            nonce: None,
            issuer: Some("https://as".into()),
            require_issuer: false,
            max_age: None,
            acr: None,
            response_mode: None,
        }
    }

    #[test]
    fn callback_checks_state_then_issuer_then_error() {
        let p = pending("s1");
        assert!(matches!(
            Callback::parse("http://x/cb?code=c&state=s2")
                .unwrap()
                .into_grant(&p),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            Callback::parse("code=c").unwrap().into_grant(&p),
            Err(Error::StateMismatch)
        ));
        assert!(matches!(
            Callback::parse("?code=c&state=s1&iss=https://evil")
                .unwrap()
                .into_grant(&p),
            Err(Error::IssuerMismatch { .. })
        ));
        let e = Callback::parse("http://x/cb?error=access_denied&error_description=no&state=s1")
            .unwrap()
            .into_grant(&p)
            .unwrap_err();
        assert_eq!(e.oauth().unwrap().error, "access_denied");
        assert_eq!(e.oauth().unwrap().status, None);
        match Callback::parse("http://x/cb?code=c&state=s1&iss=https%3A%2F%2Fas")
            .unwrap()
            .into_grant(&p)
            .unwrap()
        {
            Grant::AuthorizationCode {
                code,
                redirect_uri,
                code_verifier,
            } => {
                assert_eq!(code.expose(), "c");
                assert_eq!(redirect_uri.as_deref(), Some("http://127.0.0.1/cb"));
                assert_eq!(code_verifier.unwrap().expose(), "v");
            }
            g => panic!("{g:?}"),
        }
        let mut strict = pending("s1");
        strict.require_issuer = true;
        assert!(matches!(
            Callback::parse("code=c&state=s1")
                .unwrap()
                .into_grant(&strict),
            Err(Error::IssuerMismatch { actual: None, .. })
        ));
        assert!(Callback::parse("http://x/cb").is_err());
    }

    #[test]
    fn repeated_state_code_iss_or_error_is_refused() {
        let p = pending("s1");
        for redirect in [
            "http://x/cb?code=c&state=s1&state=s1",
            "http://x/cb?code=c&state=evil&state=s1",
            "code=evil&code=c&state=s1",
            "code=c&state=s1&iss=https://evil&iss=https%3A%2F%2Fas",
            "http://x/cb#access_token=a&state=s1&state=s1",
            "error=access_denied&error=x&state=s1",
        ] {
            match Callback::parse(redirect) {
                Err(Error::Config(m)) => assert!(m.contains("more than once"), "{m}"),
                other => panic!("{redirect}: {other:?}"),
            }
        }
        // other parameters may repeat (`scope`, `resource`…)
        assert!(
            Callback::parse("code=c&state=s1&x=1&x=2")
                .unwrap()
                .into_grant(&p)
                .is_ok()
        );
    }

    fn build_with(opts: AuthorizeOptions) -> Result<AuthorizationRequest> {
        let ep = url::Url::parse("https://as/authorize").unwrap();
        build(
            &ep,
            "c",
            opts,
            None,
            Some("http://127.0.0.1/cb"),
            true,
            true,
            &Default::default(),
            None,
            false,
            None,
        )
    }

    #[test]
    fn a_caller_state_needs_128_bits() {
        for weak in ["", "x", "0123456789abcdefghij1"] {
            let opts = AuthorizeOptions {
                state: Some(weak.into()),
                ..Default::default()
            };
            assert!(
                matches!(build_with(opts), Err(Error::Config(_))),
                "{weak:?}"
            );
        }
        let opts = AuthorizeOptions {
            state: Some("0123456789abcdefghij12".into()),
            ..Default::default()
        };
        let req = build_with(opts).unwrap();
        assert!(req.pending.state.ct_eq("0123456789abcdefghij12"));
        let random = build_with(AuthorizeOptions::default()).unwrap();
        assert!(random.pending.state.expose().len() >= MIN_STATE_LEN);
    }

    #[test]
    fn a_pending_pkce_request_without_its_verifier_is_refused() {
        let mut stored = build_with(AuthorizeOptions::default()).unwrap().pending;
        assert!(stored.pkce && stored.code_verifier.is_some());
        let json = serde_json::to_string(&stored).unwrap();
        let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
        doc.as_object_mut().unwrap().remove("code_verifier");
        let lost: PendingAuthorization = serde_json::from_value(doc).unwrap();
        let redirect = format!("code=c&state={}", stored.state.expose());
        match Callback::parse(&redirect).unwrap().into_grant(&lost) {
            Err(Error::Config(m)) => assert!(m.contains("code_verifier"), "{m}"),
            other => panic!("{other:?}"),
        }
        // without PKCE there is nothing to lose
        stored.pkce = false;
        stored.code_verifier = None;
        assert!(
            Callback::parse(&redirect)
                .unwrap()
                .into_grant(&stored)
                .is_ok()
        );
    }

    #[test]
    fn url_has_pkce_s256_by_default_and_plain_only_when_asked() {
        let ep = url::Url::parse("https://as/authorize").unwrap();
        let none = std::collections::BTreeMap::new();
        let req = build(
            &ep,
            "c",
            AuthorizeOptions::default(),
            Some("read"),
            Some("http://127.0.0.1/cb"),
            true,
            true,
            &none,
            None,
            false,
            None,
        )
        .unwrap();
        let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        let names: Vec<&str> = q.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            names,
            [
                "response_type",
                "client_id",
                "redirect_uri",
                "scope",
                "state",
                "code_challenge",
                "code_challenge_method"
            ]
        );
        let get = |n: &str| {
            q.iter()
                .find(|(k, _)| k == n)
                .map(|(_, v)| v.clone())
                .unwrap()
        };
        assert_eq!(get("code_challenge_method"), "S256");
        assert_eq!(
            get("code_challenge"),
            pkce::challenge(
                req.pending.code_verifier.as_ref().unwrap(),
                PkceMethod::S256
            )
        );
        assert!(req.pending.state.ct_eq(&get("state")));
        assert!(get("state").len() >= 32);

        let opts = AuthorizeOptions {
            pkce: Some(Some(PkceMethod::Plain)),
            ..Default::default()
        };
        let req = build(
            &ep, "c", opts, None, None, true, true, &none, None, false, None,
        )
        .unwrap();
        assert!(req.url.as_str().contains("code_challenge_method=plain"));
        let req = build(
            &ep,
            "c",
            AuthorizeOptions::default(),
            None,
            None,
            false,
            true,
            &none,
            None,
            false,
            None,
        )
        .unwrap();
        assert!(!req.url.as_str().contains("code_challenge"));
        assert!(req.pending.code_verifier.is_none());
    }

    #[test]
    fn implicit_url_and_fragment() {
        let ep = url::Url::parse("https://as/authorize").unwrap();
        let none = std::collections::BTreeMap::new();
        let opts = AuthorizeOptions {
            implicit: true,
            state: Some("st-0123456789abcdefghij".into()),
            ..Default::default()
        };
        let req = build(
            &ep,
            "c",
            opts,
            None,
            Some("https://app/cb"),
            true,
            true,
            &none,
            None,
            false,
            None,
        )
        .unwrap();
        assert!(req.url.as_str().contains("response_type=token"));
        assert!(!req.url.as_str().contains("code_challenge"));
        let p = crate::profile::Profile::rfc6749();
        let how = TokenParsing {
            fields: &p.response,
            errors: &p.errors,
            success: &p.success_statuses,
            zero_lifetime: p.zero_lifetime,
        };
        let t = Callback::parse(
            "https://app/cb#access_token=AT&token_type=Bearer&expires_in=60&state=st-0123456789abcdefghij",
        )
        .unwrap()
        .into_implicit_token(&req.pending, how)
        .unwrap();
        assert_eq!(t.access_token.expose(), "AT");
        assert!(t.expires_in().is_some());
    }

    #[test]
    fn openid_scope_sends_a_nonce_and_max_age_is_kept() {
        let opts = AuthorizeOptions {
            scope: Some("openid email".into()),
            extra: vec![("max_age".into(), "300".into())],
            ..Default::default()
        };
        let req = build_with(opts).unwrap();
        let nonce = req.pending.nonce.clone().expect("a nonce with openid");
        let q: Vec<(String, String)> = req.url.query_pairs().into_owned().collect();
        assert!(q.iter().any(|(k, v)| k == "nonce" && nonce.ct_eq(v)));
        assert_eq!(q.iter().filter(|(k, _)| k == "max_age").count(), 1);
        assert_eq!(req.pending.max_age, Some(300));
        // no openid, no nonce unless asked
        let plain = build_with(AuthorizeOptions {
            scope: Some("read".into()),
            ..Default::default()
        })
        .unwrap();
        assert!(plain.pending.nonce.is_none());
        assert!(!plain.url.as_str().contains("nonce"));
        let bad = AuthorizeOptions {
            extra: vec![("max_age".into(), "soon".into())],
            ..Default::default()
        };
        assert!(matches!(build_with(bad), Err(Error::Config(_))));
        // the client's default max_age is sent and kept
        let ep = url::Url::parse("https://as/authorize").unwrap();
        let req = build(
            &ep,
            "c",
            AuthorizeOptions::default(),
            Some("openid"),
            None,
            true,
            true,
            &Default::default(),
            None,
            false,
            Some(60),
        )
        .unwrap();
        assert!(req.url.as_str().contains("max_age=60"));
        assert_eq!(req.pending.max_age, Some(60));
    }

    #[test]
    fn openid_request_parameters_are_typed_ordered_and_checked() {
        let opts = AuthorizeOptions {
            scope: Some("openid".into()),
            state: Some("0123456789abcdefghij12".into()),
            pkce: Some(None),
            prompt: Some("login consent".into()),
            max_age: Some(std::time::Duration::from_secs(300)),
            login_hint: Some("alice@example.com".into()),
            acr_values: Some("urn:a urn:b".into()),
            ui_locales: Some("de-CH en".into()),
            claims: Some(
                serde_json::json!({"id_token": {"acr": {"essential": true, "values": ["urn:a"]}}}),
            ),
            extra: vec![("resource".into(), "https://api".into())],
            ..Default::default()
        };
        let req = build_with(opts).unwrap();
        let query = req.url.query().unwrap();
        let nonce = req.pending.nonce.as_ref().unwrap().expose().to_string();
        assert_eq!(
            query,
            format!(
                "response_type=code&client_id=c&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&scope=openid\
                 &state=0123456789abcdefghij12&nonce={nonce}&prompt=login+consent&max_age=300\
                 &login_hint=alice%40example.com&acr_values=urn%3Aa+urn%3Ab&ui_locales=de-CH+en\
                 &claims=%7B%22id_token%22%3A%7B%22acr%22%3A%7B%22essential%22%3Atrue%2C%22values%22%3A%5B%22urn%3Aa%22%5D%7D%7D%7D\
                 &resource=https%3A%2F%2Fapi"
            )
        );
        assert_eq!(req.pending.max_age, Some(300));
        assert_eq!(req.pending.acr, Some(vec!["urn:a".to_string()]));

        // the same through name/value pairs (what C and C++ pass)
        let mut by_name = AuthorizeOptions::default();
        for (k, v) in [
            ("prompt", "none"),
            ("max_age", "60"),
            (
                "claims",
                r#"{"id_token":{"acr":{"essential":true,"value":"urn:x"}}}"#,
            ),
            ("resource", "https://api"),
        ] {
            by_name.set_param(k, v).unwrap();
        }
        assert_eq!(by_name.prompt.as_deref(), Some("none"));
        assert_eq!(
            by_name.extra,
            vec![("resource".to_string(), "https://api".to_string())]
        );
        let req = build_with(by_name).unwrap();
        assert_eq!(req.pending.acr, Some(vec!["urn:x".to_string()]));
        // a voluntary acr (not essential) is not enforced
        let voluntary = AuthorizeOptions {
            claims: Some(serde_json::json!({"id_token": {"acr": {"values": ["urn:a"]}}})),
            ..Default::default()
        };
        assert_eq!(build_with(voluntary).unwrap().pending.acr, None);

        let bad = |opts: AuthorizeOptions, says: &str| match build_with(opts) {
            Err(Error::Config(m)) => assert!(m.contains(says), "{m}"),
            other => panic!("{other:?}"),
        };
        let extra = |k: &str, v: &str| AuthorizeOptions {
            extra: vec![(k.into(), v.into())],
            ..Default::default()
        };
        bad(
            extra("prompt", "none login"),
            "prompt=none cannot be combined",
        );
        bad(extra("prompt", "login  consent"), "space-separated");
        bad(extra("max_age", "5m"), "number of seconds");
        bad(extra("max_age", "-1"), "number of seconds");
        bad(extra("max_age", "NaN"), "number of seconds");
        bad(extra("claims", "[1]"), "JSON object");
        bad(extra("claims", "{"), "JSON object");
        bad(
            extra(
                "claims",
                r#"{"id_token":{"acr":{"essential":true,"values":[1]}}}"#,
            ),
            "array of strings",
        );
        bad(extra("login_hint", " "), "login_hint is empty");
        bad(
            AuthorizeOptions {
                prompt: Some("login".into()),
                extra: vec![("prompt".into(), "consent".into())],
                ..Default::default()
            },
            "given twice",
        );
    }
}
