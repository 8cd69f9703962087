//! Scope strings (RFC 6749 §3.3): space-delimited, case-sensitive tokens.

use crate::http::error::OAuthError;

/// What a client gets when it asks for no scope.
pub(crate) const DEFAULT_SCOPE: &str = "read";

/// Validates a requested scope's syntax and returns it, or the default when absent.
pub(crate) fn requested(raw: Option<&str>) -> Result<String, OAuthError> {
    let Some(raw) = raw else {
        return Ok(DEFAULT_SCOPE.to_owned());
    };
    let ok_char =
        |c: char| c == '\x21' || ('\x23'..='\x5b').contains(&c) || ('\x5d'..='\x7e').contains(&c);
    if raw
        .split(' ')
        .any(|t| t.is_empty() || !t.chars().all(ok_char))
    {
        return Err(OAuthError::invalid_scope(format!(
            "scope {raw:?} is not a space-separated list of scope tokens"
        )));
    }
    Ok(raw.to_owned())
}

pub(crate) fn contains(scope: &str, token: &str) -> bool {
    scope.split(' ').any(|t| t == token)
}

/// True when every token of `narrow` is in `wide` (refresh and exchange may only narrow).
pub(crate) fn is_subset(narrow: &str, wide: &str) -> bool {
    narrow.split(' ').all(|t| contains(wide, t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_and_subsets() {
        assert_eq!(requested(None).expect("default"), "read");
        assert!(requested(Some("a  b")).is_err());
        assert!(requested(Some("a\"b")).is_err());
        assert!(is_subset("read", "read write"));
        assert!(!is_subset("read admin", "read write"));
    }
}
