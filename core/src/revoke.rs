//! Token revocation (RFC 7009): the answer checked.

use crate::error::Result;
use crate::http::HttpResponse;
use crate::profile::ErrorFields;
use crate::token::error_from;

/// Which kind of token is revoked (`token_type_hint`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenTypeHint {
    /// `access_token`
    AccessToken,
    /// `refresh_token`
    RefreshToken,
}

impl TokenTypeHint {
    /// The hint's wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            TokenTypeHint::AccessToken => "access_token",
            TokenTypeHint::RefreshToken => "refresh_token",
        }
    }
}

/// RFC 7009 §2.2: 200 means revoked (or unknown, which is the same to the
/// client); anything else is an error, e.g. 503 with `Retry-After`.
pub fn parse_revocation(resp: &HttpResponse, errors: &ErrorFields) -> Result<()> {
    if resp.status == 200 || resp.status == 204 {
        Ok(())
    } else {
        Err(error_from(resp, errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses() {
        let e = ErrorFields::default();
        assert!(parse_revocation(&HttpResponse::new(200, vec![], ""), &e).is_ok());
        let err = parse_revocation(
            &HttpResponse::new(503, vec![("retry-after".into(), "7".into())], "busy"),
            &e,
        )
        .unwrap_err();
        assert_eq!(err.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert!(err.is_transient());
    }
}
