"""oauth2kit: an OAuth 2.0 client with a Rust core.

- ``Client`` (blocking, GIL released during network work) and ``AsyncClient``
  (asyncio) with the same methods: ``create_authorization_url``,
  ``fetch_token``, ``refresh_token``, ``revoke_token``, ``introspect_token``,
  ``client_credentials``, ``password``, ``extension_grant``, ``validate``…
- ``Token``: attributes, ``token["extra_field"]``, ``expires_at``,
  ``is_expired(leeway)``; its repr hides every secret.
- ``Profile``: provider dialects by name (``deskera-v2``…) or file.
- ``Session`` / ``AsyncSession``: a token that refreshes itself once, however
  many threads or tasks ask; adapters for requests (``oauth2kit.requests_auth``)
  and httpx (``oauth2kit.httpx_auth``).
- Exceptions in ``oauth2kit.exceptions`` (all derive from ``OAuth2Error``).
"""

from __future__ import annotations

import atexit as _atexit

from . import exceptions
from ._client import AsyncClient, CallbackHandler, Client, discover, discover_async
from ._oauth2kit import (
    AuthorizationRequest,
    CallbackResult,
    CancelToken,
    CibaAuthorization,
    DeviceAuthorization,
    LoopbackListener,
    PollProgress,
    Profile,
    ServerMetadata,
    Token,
    __version__,
)
from ._oauth2kit import _install_logging, _mark_finalizing, error_codes as _error_codes, refresh_logging
from ._session import AsyncSession, FileStore, MemoryStore, RedisStore, Session
from .exceptions import (
    ConfigurationError,
    ExpiredError,
    HTTPError,
    InvalidResponseError,
    IssuerMismatchError,
    OAuth2Error,
    OAuthError,
    OperationCancelledError,
    ReauthorizationRequired,
    ResponseTooLargeError,
    RuntimeUnavailableError,
    StateMismatchError,
    StoreError,
    TimeoutError,
    TransportError,
    UnexpectedRedirectError,
)

__all__ = [
    "AsyncClient",
    "AsyncSession",
    "AuthorizationRequest",
    "CancelToken",
    "CallbackHandler",
    "CallbackResult",
    "CibaAuthorization",
    "DeviceAuthorization",
    "PollProgress",
    "Client",
    "ConfigurationError",
    "ExpiredError",
    "FileStore",
    "HTTPError",
    "InvalidResponseError",
    "IssuerMismatchError",
    "LoopbackListener",
    "MemoryStore",
    "OAuth2Error",
    "OAuthError",
    "OperationCancelledError",
    "Profile",
    "ReauthorizationRequired",
    "RedisStore",
    "ResponseTooLargeError",
    "RuntimeUnavailableError",
    "ServerMetadata",
    "Session",
    "StateMismatchError",
    "StoreError",
    "TimeoutError",
    "Token",
    "TransportError",
    "UnexpectedRedirectError",
    "__version__",
    "discover",
    "discover_async",
    "exceptions",
    "refresh_logging",
]

# Every core error code must have its class: fail at import, not at the first error.
_missing = {name for name, code in _error_codes() if code not in exceptions._BY_CODE}
if _missing:  # pragma: no cover - only when the core grows a kind this layer lacks
    raise ImportError(f"oauth2kit: no exception class for core error kinds {sorted(_missing)}")

# The library's events (HTTP exchanges, refreshes, store operations; never a
# secret) go to logging.getLogger("oauth2kit"). Its level is read now, when a
# Client or AsyncClient is created, and by refresh_logging().
_install_logging()

# After this, no runtime thread delivers results into the interpreter (pitfall: late calls during finalization).
_atexit.register(_mark_finalizing)
