"""The exceptions of oauth2kit: one class per error kind of the Rust core,
mapped one to one from its stable numeric codes (``OAuth2Error.code``).

::

    OAuth2Error
    ├── OAuthError                 the server answered with an OAuth error (.error, .description, .uri, .status, .body)
    │   └── ReauthorizationRequired   the refresh token / grant is dead: send the user through authorization again
    ├── HTTPError                  an error status whose body is not an OAuth error (HTML page, gateway error)
    ├── InvalidResponseError       a success status with an unusable body
    ├── UnexpectedRedirectError    token endpoints never follow redirects
    ├── ResponseTooLargeError
    ├── TransportError             connection refused/reset, DNS, TLS
    │   └── TimeoutError           (also a builtins.TimeoutError)
    ├── StateMismatchError         the redirect does not belong to this authorization request (CSRF?)
    ├── IssuerMismatchError        RFC 9207 ``iss`` check failed
    ├── ConfigurationError         bad configuration or argument (also a ValueError)
    ├── StoreError                 a token store failed
    ├── OperationCancelledError
    ├── ExpiredError               a device/CIBA request expired before approval
    └── RuntimeUnavailableError    used after fork(), or a blocking call inside the runtime (also a RuntimeError)

Messages never contain secrets.
"""

from __future__ import annotations

import builtins
from typing import Any, Dict, Optional

__all__ = [
    "OAuth2Error",
    "OAuthError",
    "ReauthorizationRequired",
    "HTTPError",
    "InvalidResponseError",
    "UnexpectedRedirectError",
    "ResponseTooLargeError",
    "TransportError",
    "TimeoutError",
    "StateMismatchError",
    "IssuerMismatchError",
    "ConfigurationError",
    "StoreError",
    "OperationCancelledError",
    "ExpiredError",
    "RuntimeUnavailableError",
]


class OAuth2Error(Exception):
    """Base of every oauth2kit error.

    ``code`` and ``kind`` are the core's stable error code and name;
    ``status``/``body`` the HTTP status and (truncated, token-redacted) body
    when there was an answer; ``retry_after`` the server's Retry-After in
    seconds; ``is_transient`` whether retrying later may succeed.
    """

    code: int = 0
    kind: str = "error"
    status: Optional[int] = None
    body: Optional[str] = None
    retry_after: Optional[float] = None
    is_transient: bool = False

    def __init__(self, message: str = "", **details: Any) -> None:
        super().__init__(message)
        self.message = message
        transient = details.pop("transient", None)
        if transient is not None:
            self.is_transient = bool(transient)
        for name, value in details.items():
            setattr(self, name, value)

    def __str__(self) -> str:
        return self.message


class OAuthError(OAuth2Error):
    """The authorization server answered with an OAuth error (RFC 6749 §5.2 or
    the provider's own error body, as its profile reads it).

    ``error`` is the code (``invalid_client``…), ``description`` and ``uri``
    the optional texts, ``status`` the HTTP status (None when the error came
    back through the redirect), ``extra`` the non-standard fields of the body.
    """

    code = 1
    kind = "oauth"
    error: str = ""
    description: Optional[str] = None
    uri: Optional[str] = None
    extra: Dict[str, Any]

    def __init__(self, message: str = "", **details: Any) -> None:
        self.extra = {}
        super().__init__(message, **details)


class ReauthorizationRequired(OAuthError):
    """The refresh token (or grant) is no longer usable (``invalid_grant`` on a
    refresh): the user must authorize again. Retrying will not help."""

    code = 2
    kind = "reauthorization_required"


class HTTPError(OAuth2Error):
    """An error status whose body is not an OAuth error (``status``, ``body``)."""

    code = 3
    kind = "http"


class InvalidResponseError(OAuth2Error):
    """A success status whose body is not a usable answer (no access token, bad JSON…)."""

    code = 4
    kind = "invalid_response"


class UnexpectedRedirectError(OAuth2Error):
    """The endpoint answered with a redirect (never followed on token endpoints); ``location``."""

    code = 5
    kind = "unexpected_redirect"
    location: Optional[str] = None


class ResponseTooLargeError(OAuth2Error):
    """The response body exceeded ``limit`` bytes."""

    code = 6
    kind = "response_too_large"
    limit: Optional[int] = None


class TransportError(OAuth2Error):
    """The connection failed (refused, reset, DNS, TLS…)."""

    code = 7
    kind = "transport"


class TimeoutError(TransportError, builtins.TimeoutError):
    """The server did not answer within ``timeout`` seconds. Also a ``builtins.TimeoutError``."""

    code = 8
    kind = "timeout"
    timeout: Optional[float] = None

    def __str__(self) -> str:
        return self.message


class StateMismatchError(OAuth2Error):
    """The ``state`` of the redirect is not the one sent: it does not belong to
    this authorization request (possible CSRF). Never exchange its code."""

    code = 9
    kind = "state_mismatch"


class IssuerMismatchError(OAuth2Error):
    """The ``iss`` of the authorization response (RFC 9207) or of discovered
    metadata is not the expected issuer (``expected``, ``actual``)."""

    code = 10
    kind = "issuer_mismatch"
    expected: Optional[str] = None
    actual: Optional[str] = None


class ConfigurationError(OAuth2Error, ValueError):
    """Invalid configuration or argument (bad URL, missing endpoint, unusable key…)."""

    code = 11
    kind = "config"


class StoreError(OAuth2Error):
    """A token store failed to load or save."""

    code = 12
    kind = "store"


class OperationCancelledError(OAuth2Error):
    """The operation was cancelled by the caller."""

    code = 13
    kind = "cancelled"


class ExpiredError(OAuth2Error):
    """A polling flow (device authorization, CIBA) expired before it was approved."""

    code = 14
    kind = "expired"


class RuntimeUnavailableError(OAuth2Error, RuntimeError):
    """oauth2kit's runtime cannot serve this call: it was started before
    ``fork()`` (create clients in the child), or a blocking call was made from
    inside its own runtime. Also a ``RuntimeError``."""

    code = 15
    kind = "runtime"


_BY_CODE: Dict[int, type] = {
    cls.code: cls
    for cls in (
        OAuthError,
        ReauthorizationRequired,
        HTTPError,
        InvalidResponseError,
        UnexpectedRedirectError,
        ResponseTooLargeError,
        TransportError,
        TimeoutError,
        StateMismatchError,
        IssuerMismatchError,
        ConfigurationError,
        StoreError,
        OperationCancelledError,
        ExpiredError,
        RuntimeUnavailableError,
    )
}


def _from_core(code: int, kind: str, message: str, details: Dict[str, Any]) -> OAuth2Error:
    """Called by the extension module: the exception for a core error."""
    cls = _BY_CODE.get(code)
    if cls is None:  # a code newer than this Python layer: keep its number and name
        err = OAuth2Error(message, **details)
        err.code, err.kind = code, kind
        return err
    exc: OAuth2Error = cls(message, **details)
    return exc
