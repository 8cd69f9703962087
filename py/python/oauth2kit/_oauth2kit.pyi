"""Type stubs of the extension module ``oauth2kit._oauth2kit`` (the Rust core
mapped into Python). Use the friendlier ``oauth2kit.Client`` / ``AsyncClient``."""

import os
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Tuple, Union, final

from typing_extensions import Self, Unpack, disjoint_base

from ._options import ClientOptions

__version__: str
__all__ = [
    "AuthorizationRequest",
    "CancelToken",
    "CibaAuthorization",
    "CoreClient",
    "CoreSession",
    "DeviceAuthorization",
    "FileStore",
    "LoopbackListener",
    "PollProgress",
    "Profile",
    "RedisStore",
    "ServerMetadata",
    "Token",
    "__version__",
    "_mark_finalizing",
    "error_codes",
]

def _mark_finalizing() -> None: ...
def error_codes() -> List[Tuple[str, int]]: ...

@final
class Token:
    """Tokens returned by a grant; ``repr`` hides every secret."""

    @property
    def access_token(self) -> str: ...
    def __new__(
        cls,
        access_token: str,
        *,
        token_type: Optional[str] = None,
        refresh_token: Optional[str] = None,
        expires_in: Optional[float] = None,
        expires_at: Optional[float] = None,
        scope: Optional[str] = None,
        id_token: Optional[str] = None,
        extra: Optional[Dict[str, Any]] = None,
    ) -> Token: ...
    @property
    def token_type(self) -> Optional[str]: ...
    @property
    def refresh_token(self) -> Optional[str]: ...
    @property
    def expires_at(self) -> Optional[float]: ...
    @property
    def expires_in(self) -> Optional[float]: ...
    @property
    def scope(self) -> Optional[str]: ...
    @property
    def id_token(self) -> Optional[str]: ...
    @property
    def extra(self) -> Dict[str, Any]: ...
    def is_expired(self, leeway: float = 0.0) -> bool: ...
    def is_bearer(self) -> bool: ...
    def __getitem__(self, key: str, /) -> Any: ...
    def __contains__(self, key: str, /) -> bool: ...
    def get(self, key: str, default: Any = None) -> Any: ...
    def keys(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> Token: ...
    def __eq__(self, value: object, /) -> bool: ...

@final
class Profile:
    """A provider dialect (built-in name, or TOML/JSON file or text)."""

    @staticmethod
    def load(name_or_path: Union[str, os.PathLike[str]]) -> Profile: ...
    @staticmethod
    def from_text(text: str, origin: str = "<string>") -> Profile: ...
    @staticmethod
    def builtin_names() -> List[str]: ...
    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...

@final
class ServerMetadata:
    """Authorization server metadata (RFC 8414 / OpenID Connect discovery)."""

    @property
    def issuer(self) -> str: ...
    @property
    def authorization_endpoint(self) -> Optional[str]: ...
    @property
    def token_endpoint(self) -> Optional[str]: ...
    @property
    def introspection_endpoint(self) -> Optional[str]: ...
    @property
    def revocation_endpoint(self) -> Optional[str]: ...
    @property
    def device_authorization_endpoint(self) -> Optional[str]: ...
    @property
    def userinfo_endpoint(self) -> Optional[str]: ...
    @property
    def jwks_uri(self) -> Optional[str]: ...
    @property
    def grant_types_supported(self) -> List[str]: ...
    @property
    def token_endpoint_auth_methods_supported(self) -> List[str]: ...
    def to_dict(self) -> Dict[str, Any]: ...

@final
class AuthorizationRequest:
    """An authorization URL and what to keep until the redirect comes back."""

    @property
    def url(self) -> str: ...
    @property
    def state(self) -> str: ...
    @property
    def redirect_uri(self) -> Optional[str]: ...
    @property
    def nonce(self) -> Optional[str]: ...
    @property
    def uses_pkce(self) -> bool: ...
    def to_json(self) -> str: ...
    @staticmethod
    def from_json(text: str) -> AuthorizationRequest: ...

@final
class CancelToken:
    """Cancels a polling flow from another thread."""

    def __new__(cls) -> CancelToken: ...
    def cancel(self) -> None: ...
    @property
    def cancelled(self) -> bool: ...

@final
class PollProgress:
    """Progress of a polling flow (``kind``: waiting, slow_down, retrying)."""

    @property
    def kind(self) -> str: ...
    @property
    def attempt(self) -> Optional[int]: ...
    @property
    def interval(self) -> Optional[float]: ...
    @property
    def remaining(self) -> Optional[float]: ...
    @property
    def retry_in(self) -> Optional[float]: ...

@final
class DeviceAuthorization:
    """The answer to a device authorization request (RFC 8628)."""

    @property
    def user_code(self) -> str: ...
    @property
    def verification_uri(self) -> str: ...
    @property
    def verification_uri_complete(self) -> Optional[str]: ...
    @property
    def expires_in(self) -> float: ...
    @property
    def interval(self) -> float: ...
    @property
    def extra(self) -> Dict[str, Any]: ...

@final
class CibaAuthorization:
    """The answer to a CIBA backchannel authentication request."""

    @property
    def expires_in(self) -> float: ...
    @property
    def interval(self) -> float: ...

_ProgressCallback = Callable[[PollProgress], object]

@final
class CoreClient:
    """The core client; every network method has an ``*_async`` twin returning an awaitable."""

    def __new__(
        cls,
        client_id: str,
        client_secret: Optional[str] = None,
        **options: Unpack[ClientOptions],
    ) -> CoreClient: ...
    @staticmethod
    def discover(issuer: str, *, timeout: float = 30.0) -> ServerMetadata: ...
    @staticmethod
    def discover_async(issuer: str, *, timeout: float = 30.0) -> Awaitable[ServerMetadata]: ...
    @property
    def client_id(self) -> str: ...
    @property
    def profile(self) -> Profile: ...
    @property
    def auth_method(self) -> str: ...
    @property
    def endpoints(self) -> Dict[str, Optional[str]]: ...
    def authorization_url(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        implicit: bool = False,
        extra: Optional[Mapping[str, str]] = None,
    ) -> AuthorizationRequest: ...
    def pushed_authorization_url(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        extra: Optional[Mapping[str, str]] = None,
    ) -> AuthorizationRequest: ...
    def pushed_authorization_url_async(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        extra: Optional[Mapping[str, str]] = None,
    ) -> Awaitable[AuthorizationRequest]: ...
    def authorization_header(self, token: Token) -> Tuple[str, str]: ...
    def implicit_token(self, request: AuthorizationRequest, redirect: str) -> Token: ...
    def exchange_redirect(self, request: AuthorizationRequest, redirect: str) -> Token: ...
    def exchange_redirect_async(self, request: AuthorizationRequest, redirect: str) -> Awaitable[Token]: ...
    def exchange_code(self, request: AuthorizationRequest, code: str) -> Token: ...
    def exchange_code_async(self, request: AuthorizationRequest, code: str) -> Awaitable[Token]: ...
    def client_credentials(self, scope: Optional[str] = None) -> Token: ...
    def client_credentials_async(self, scope: Optional[str] = None) -> Awaitable[Token]: ...
    def password(self, username: str, password: str, scope: Optional[str] = None) -> Token: ...
    def password_async(self, username: str, password: str, scope: Optional[str] = None) -> Awaitable[Token]: ...
    def refresh(self, refresh_token: str, scope: Optional[str] = None) -> Token: ...
    def refresh_async(self, refresh_token: str, scope: Optional[str] = None) -> Awaitable[Token]: ...
    def extension_grant(self, grant_type: str, params: Optional[Mapping[str, str]] = None) -> Token: ...
    def extension_grant_async(self, grant_type: str, params: Optional[Mapping[str, str]] = None) -> Awaitable[Token]: ...
    def introspect(self, token: str, token_type_hint: Optional[str] = None) -> Dict[str, Any]: ...
    def introspect_async(self, token: str, token_type_hint: Optional[str] = None) -> Awaitable[Dict[str, Any]]: ...
    def revoke(self, token: str, token_type_hint: Optional[str] = None) -> None: ...
    def revoke_async(self, token: str, token_type_hint: Optional[str] = None) -> Awaitable[None]: ...
    def validate(self, token: Token) -> bool: ...
    def validate_async(self, token: Token) -> Awaitable[bool]: ...
    def device_authorization(self, scope: Optional[str] = None) -> DeviceAuthorization: ...
    def device_authorization_async(self, scope: Optional[str] = None) -> Awaitable[DeviceAuthorization]: ...
    def poll_device_token(
        self, authorization: DeviceAuthorization, *, on_progress: Optional[_ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token: ...
    def poll_device_token_async(
        self, authorization: DeviceAuthorization, *, on_progress: Optional[_ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Awaitable[Token]: ...
    def ciba_authorization(
        self,
        *,
        scope: Optional[str] = None,
        login_hint: Optional[str] = None,
        id_token_hint: Optional[str] = None,
        login_hint_token: Optional[str] = None,
        binding_message: Optional[str] = None,
        requested_expiry: Optional[int] = None,
        extra: Optional[Mapping[str, str]] = None,
    ) -> CibaAuthorization: ...
    def ciba_authorization_async(
        self,
        *,
        scope: Optional[str] = None,
        login_hint: Optional[str] = None,
        id_token_hint: Optional[str] = None,
        login_hint_token: Optional[str] = None,
        binding_message: Optional[str] = None,
        requested_expiry: Optional[int] = None,
        extra: Optional[Mapping[str, str]] = None,
    ) -> Awaitable[CibaAuthorization]: ...
    def poll_ciba_token(
        self, authorization: CibaAuthorization, *, on_progress: Optional[_ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token: ...
    def poll_ciba_token_async(
        self, authorization: CibaAuthorization, *, on_progress: Optional[_ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Awaitable[Token]: ...
    def token_exchange(
        self,
        subject_token: str,
        subject_token_type: str,
        *,
        actor_token: Optional[str] = None,
        actor_token_type: Optional[str] = None,
        requested_token_type: Optional[str] = None,
        audience: List[str] = ...,
        resource: List[str] = ...,
        scope: Optional[str] = None,
    ) -> Token: ...
    def token_exchange_async(
        self,
        subject_token: str,
        subject_token_type: str,
        *,
        actor_token: Optional[str] = None,
        actor_token_type: Optional[str] = None,
        requested_token_type: Optional[str] = None,
        audience: List[str] = ...,
        resource: List[str] = ...,
        scope: Optional[str] = None,
    ) -> Awaitable[Token]: ...
    def jwt_bearer(
        self,
        assertion: Optional[str] = None,
        *,
        private_key: Optional[str] = None,
        private_key_jwk: Optional[str] = None,
        issuer: Optional[str] = None,
        subject: Optional[str] = None,
        audience: Optional[str] = None,
        lifetime: int = 300,
        claims: Optional[Dict[str, Any]] = None,
        scope: Optional[str] = None,
    ) -> Token: ...
    def jwt_bearer_async(
        self,
        assertion: Optional[str] = None,
        *,
        private_key: Optional[str] = None,
        private_key_jwk: Optional[str] = None,
        issuer: Optional[str] = None,
        subject: Optional[str] = None,
        audience: Optional[str] = None,
        lifetime: int = 300,
        claims: Optional[Dict[str, Any]] = None,
        scope: Optional[str] = None,
    ) -> Awaitable[Token]: ...
    def saml2_bearer(self, assertion: str, scope: Optional[str] = None) -> Token: ...
    def saml2_bearer_async(self, assertion: str, scope: Optional[str] = None) -> Awaitable[Token]: ...

@final
class FileStore:
    """A token file written atomically."""

    def __new__(cls, path: Union[str, os.PathLike[str]]) -> FileStore: ...
    @property
    def path(self) -> str: ...

@final
class RedisStore:
    """Redis: a fleet shares one token and refreshes it once, under a lock.

    ``url`` is ``redis://[:password@]host:port/db``, or ``rediss://`` for TLS
    (trusting the system's certificates; ``SSL_CERT_FILE`` adds a private CA).
    Connects at once (a wrong address raises ``StoreError`` here); after a
    Redis restart or failover the next command reconnects by itself.
    """

    def __new__(cls, url: str, key: str) -> RedisStore: ...

@disjoint_base
class CoreSession:
    """The core's single-flight token session (``oauth2kit.Session`` extends it)."""

    def __new__(
        cls,
        client: Any,
        token: Optional[Token] = None,
        *,
        scope: Optional[str] = None,
        client_credentials: Optional[bool] = None,
        leeway: float = 60.0,
        retry_deadline: float = 30.0,
        validate_every: float = 300.0,
        store: Any = None,
        on_update: Optional[Callable[[Token], Any]] = None,
        jwt_bearer: Optional[Mapping[str, Any]] = None,
    ) -> Self: ...
    @property
    def access_token(self) -> str: ...
    @property
    def client(self) -> Any: ...
    def token(self) -> Token: ...
    def cached(self) -> Optional[Token]: ...
    def token_async(self) -> Awaitable[Token]: ...
    def invalidate(self) -> None: ...
    def on_unauthorized(self, access_token: str) -> bool: ...
    def set_tokens(self, tokens: Token) -> None: ...
    def set_tokens_async(self, tokens: Token) -> Awaitable[None]: ...
    def clear(self) -> None: ...
    def clear_async(self) -> Awaitable[None]: ...

@final
class LoopbackListener:
    """A one-shot loopback redirect listener (RFC 8252 §7.3)."""

    def __new__(cls, redirect_uri: str = "http://127.0.0.1/callback") -> LoopbackListener: ...
    @property
    def redirect_uri(self) -> str: ...
    def wait(self, timeout: float = 300.0) -> str: ...
