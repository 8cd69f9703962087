//! The memory of one dialect: its authorization codes and tokens.

use std::collections::HashMap;

use serde_json::json;

use crate::app::AppState;
use crate::clock;
use crate::http::error::OAuthError;
use crate::tokens::random;

/// Codes are single-use and short-lived, like the documents say.
const CODE_LIFETIME: u64 = 60;
/// Refresh tokens outlive access tokens by a wide margin.
const REFRESH_LIFETIME: u64 = 30 * 24 * 3600;
/// Every dialect's authorizations are made by this user.
pub(crate) const DIALECT_USER: &str = "alice";

#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) client_id: String,
    pub(crate) scope: String,
    pub(crate) redirect_uri: Option<String>,
    expires_at: u64,
    used: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub(crate) client_id: String,
    pub(crate) sub: String,
    pub(crate) scope: String,
    pub(crate) exp: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Ledger {
    codes: HashMap<String, Code>,
    access: HashMap<String, Token>,
    refresh: HashMap<String, Token>,
}

impl Ledger {
    pub(crate) fn new_code(
        &mut self,
        client_id: &str,
        scope: &str,
        redirect_uri: Option<&str>,
    ) -> String {
        let code = random::token(24);
        self.codes.insert(
            code.clone(),
            Code {
                client_id: client_id.to_owned(),
                scope: scope.to_owned(),
                redirect_uri: redirect_uri.map(str::to_owned),
                expires_at: clock::now() + CODE_LIFETIME,
                used: false,
            },
        );
        code
    }

    /// Spends a code issued to `client_id`.
    pub(crate) fn redeem_code(
        &mut self,
        code: &str,
        client_id: &str,
    ) -> Result<Code, &'static str> {
        let record = self
            .codes
            .get_mut(code)
            .ok_or("unknown authorization code")?;
        if record.client_id != client_id {
            return Err("the code was issued to another client");
        }
        if record.used {
            return Err("the code was already used");
        }
        record.used = true;
        if clock::now() >= record.expires_at {
            return Err("the code has expired");
        }
        Ok(record.clone())
    }

    pub(crate) fn valid_access(&self, token: &str) -> Option<&Token> {
        self.access.get(token).filter(|t| t.exp > clock::now())
    }

    /// Spends a refresh token (rotation: it cannot be used again).
    pub(crate) fn take_refresh(
        &mut self,
        token: &str,
        client_id: Option<&str>,
    ) -> Result<Token, &'static str> {
        let record = self
            .refresh
            .get(token)
            .ok_or("unknown or already used refresh token")?;
        if client_id.is_some_and(|c| c != record.client_id) {
            return Err("the refresh token was issued to another client");
        }
        self.refresh
            .remove(token)
            .ok_or("unknown or already used refresh token")
    }

    /// Reads a refresh token without spending it (for servers that do not rotate).
    pub(crate) fn peek_refresh(&self, token: &str) -> Option<&Token> {
        self.refresh.get(token)
    }

    pub(crate) fn remember_access(&mut self, token: &str, record: Token) {
        self.access.insert(token.to_owned(), record);
    }

    pub(crate) fn remember_refresh(&mut self, token: &str, mut record: Token) {
        record.exp = clock::now() + REFRESH_LIFETIME;
        self.refresh.insert(token.to_owned(), record);
    }
}

/// A fresh grant for `client_id` at the current token lifetime.
pub(crate) fn grant(app: &AppState, client_id: &str, scope: &str) -> Token {
    Token {
        client_id: client_id.to_owned(),
        sub: DIALECT_USER.to_owned(),
        scope: scope.to_owned(),
        exp: clock::now() + app.token_lifetime(),
    }
}

/// A JWT for a dialect (`issuer_path` e.g. `/deskera-v2`), signed by the server key.
pub(crate) fn mint_jwt(
    app: &AppState,
    issuer_path: &str,
    token: &Token,
    kind: &str,
) -> Result<String, OAuthError> {
    let exp = if kind == "refresh" {
        clock::now() + REFRESH_LIFETIME
    } else {
        token.exp
    };
    app.signer.sign(
        "JWT",
        &json!({
            "iss": app.url(issuer_path),
            "sub": token.sub,
            "client_id": token.client_id,
            "scope": token.scope,
            "token_use": kind,
            "iat": clock::now(),
            "exp": exp,
            "jti": random::token(12),
        }),
    )
}
