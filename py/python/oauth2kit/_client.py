"""``Client`` (blocking) and ``AsyncClient`` (asyncio): the same methods over
the Rust core. Every network call of ``Client`` releases the GIL; every one of
``AsyncClient`` runs on the core's runtime and is awaited on your event loop.
Nothing here speaks the protocol: it only maps arguments and names.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Sequence, Tuple, TypeVar, Union

from ._oauth2kit import (
    AuthorizationRequest,
    CallbackResult,
    CancelToken,
    CibaAuthorization,
    CoreCallbackHandler,
    CoreClient,
    DeviceAuthorization,
    refresh_logging,
    PollProgress,
    Profile,
    ServerMetadata,
    Token,
)
from .exceptions import ConfigurationError

from ._options import OPTIONS_DOC, ClientOptions

if TYPE_CHECKING:
    from typing_extensions import Unpack


TokenLike = Union[Token, str]
_C = TypeVar("_C", bound="_Base")

__all__ = ["Client", "AsyncClient", "discover", "discover_async"]


def _refresh_value(token: TokenLike) -> str:
    if isinstance(token, Token):
        if token.refresh_token is None:
            raise ConfigurationError("this token has no refresh token")
        return token.refresh_token
    return token


def _token_value(token: TokenLike, hint: Optional[str]) -> Tuple[str, Optional[str]]:
    """A Token stands for its access token, or its refresh token when the hint says so."""
    if isinstance(token, Token):
        if hint == "refresh_token":
            return _refresh_value(token), hint
        return token.access_token, hint or "access_token"
    return token, hint


ProgressCallback = Callable[[PollProgress], object]


class _Base:
    """What both clients share: configuration and the calls that need no network."""

    _core: CoreClient

    def __init__(self, client_id: str, client_secret: Optional[str] = None, **options: "Unpack[ClientOptions]") -> None:
        """Configures a client: ``client_id``, ``client_secret`` (confidential
        clients), and any of the keyword options below — the options of every
        oauth2kit binding, under the same names (durations in seconds; ``None``
        leaves an option at its default).

        Raises ``ConfigurationError`` for an invalid value and ``TypeError``
        for an unknown keyword (with the closest option name).

        Options:

        """
        refresh_logging()  # the oauth2kit logger's level, as configured by now
        self._core = CoreClient(client_id, client_secret, **options)

    __init__.__doc__ = (__init__.__doc__ or "") + "\n".join("        " + line for line in OPTIONS_DOC.splitlines())

    @classmethod
    def from_metadata(cls: "type[_C]", metadata: ServerMetadata, client_id: str, client_secret: Optional[str] = None, /,
                      **options: "Unpack[ClientOptions]") -> "_C":
        """A client for the endpoints of discovered ``metadata`` (explicit URLs in ``options`` still win)."""
        options["metadata"] = metadata
        return cls(client_id, client_secret, **options)

    @property
    def client_id(self) -> str:
        """The client id."""
        return self._core.client_id

    @property
    def profile(self) -> Profile:
        """The provider profile in use."""
        return self._core.profile

    @property
    def auth_method(self) -> str:
        """The client authentication method in use."""
        return self._core.auth_method

    @property
    def endpoints(self) -> Dict[str, Optional[str]]:
        """The endpoints in use, ``{"token": url, ...}``."""
        return self._core.endpoints

    def create_authorization_url(
        self,
        url: Optional[str] = None,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        implicit: bool = False,
        prompt: Optional[str] = None,
        max_age: Optional[float] = None,
        login_hint: Optional[str] = None,
        acr_values: Union[str, Sequence[str], None] = None,
        ui_locales: Union[str, Sequence[str], None] = None,
        claims: Union[Mapping[str, Any], str, None] = None,
        **params: str,
    ) -> AuthorizationRequest:
        """The URL to send the user to, with a random ``state`` and PKCE S256 by
        default (``pkce=False`` to turn it off, ``"plain"`` only for servers
        without S256; ``None`` follows the profile). A ``nonce`` is sent
        whenever the scope has ``openid``.

        OpenID Connect request parameters: ``prompt`` (``"login"``,
        ``"consent"``, ``"none"``…; ``none`` alone), ``max_age`` in seconds
        (the ID token's ``auth_time`` is then checked), ``login_hint``,
        ``acr_values`` and ``ui_locales`` (a string or a list), ``claims`` (a
        dict, the §5.5 ``claims`` request; an essential ``id_token.acr`` with
        ``value``/``values`` is checked in the ID token). Other keyword
        arguments become query parameters (``resource``…).

        Keep the returned request (``to_json()`` for a server-side session)
        until the redirect comes back, then call ``fetch_token(redirect_url, request=...)``.
        As in Authlib, ``url, state = client.create_authorization_url(...)``
        unpacks it, and ``url`` may be passed first when it is the configured
        authorization endpoint.
        """
        self._check_endpoint(url, "authorization", "authorization_url")
        extra = _openid_params(prompt, max_age, login_hint, acr_values, ui_locales, claims, params)
        return self._core.authorization_url(
            scope=scope, redirect_uri=redirect_uri, state=state, pkce=pkce, nonce=nonce, implicit=implicit, extra=extra or None
        )

    def end_session_url(self, token: Optional[Token] = None, *, post_logout_redirect_uri: Optional[str] = None,
                        state: Optional[str] = None) -> str:
        """The OpenID Connect RP-initiated logout URL to send the browser to
        (``token``'s ID token as ``id_token_hint``). No network."""
        hint = token.id_token if token is not None else None
        return self._core.end_session_url(hint, post_logout_redirect_uri, state)

    def authorization_header(self, token: Token) -> Tuple[str, str]:
        """``(name, value)`` presenting ``token`` to APIs as the profile says
        (``("Authorization", "Bearer …")`` or e.g. ``("x-access-token", "…")``)."""
        return self._core.authorization_header(token)

    def resource_request_headers(self, token: Token, method: str, url: str) -> Dict[str, str]:
        """The headers presenting ``token`` for one API request (``method``,
        full ``url``). A DPoP-bound token (``token_type`` DPoP, RFC 9449):
        ``Authorization: DPoP …`` and a fresh ``DPoP`` proof signed by the
        token's key (``htm``, ``htu``, ``ath``, the API's last nonce); make new
        headers for every request. Otherwise the profile's one header. No network."""
        return dict(self._core.resource_request_headers(token, method, url))

    def check_resource_response(
        self, token: Token, url: str, status: int, headers: Union[Mapping[str, str], Sequence[Tuple[str, str]]]
    ) -> bool:
        """Reads an API's answer to a request made with
        ``resource_request_headers``: remembers its ``DPoP-Nonce`` (call it for
        every answer); ``True`` when the token is DPoP-bound and the answer is a
        401 ``use_dpop_nonce`` demand: make new headers and send the request
        once more (once only). No network."""
        items = headers.items() if hasattr(headers, "items") else headers  # requests', httpx's and dict headers
        pairs = [(str(k), str(v)) for k, v in items]
        return self._core.check_resource_response(token, url, int(status), pairs)

    def parse_implicit_response(self, authorization_response: str, *, request: AuthorizationRequest) -> Token:
        """Checks an implicit-grant redirect (state, issuer, error) and reads its
        token from the fragment. The implicit grant is legacy: prefer the code flow."""
        return self._core.implicit_token(request, authorization_response)

    # The concept names every binding shares (C `oauth2kit_client_authorization_url`,
    # Kotlin `authorizationUrl`…), beside the Authlib spellings above.
    authorization_url = create_authorization_url
    implicit_token = parse_implicit_response

    def _check_endpoint(self, url: Optional[str], kind: str, option: str) -> None:
        """Authlib passes endpoint URLs per call; oauth2kit configures them once.
        A URL given per call must be the configured one, or this says how to configure it."""
        if url is None:
            return
        configured = self.endpoints.get(kind)
        if url.rstrip("/") != (configured or "").rstrip("/"):
            raise ConfigurationError(
                f"oauth2kit takes the {kind} endpoint from the client's configuration "
                f"({option}=..., or discovery), not from each call: it is {configured!r}, this call gave {url!r}; "
                f"leave the URL out, or make the client with {option}={url!r}"
            )

    def _redirect_args(
        self,
        url: Optional[str],
        authorization_response: Optional[str],
        code: Optional[str],
        request: Optional[AuthorizationRequest],
    ) -> Optional[str]:
        """Sorts out ``fetch_token``'s first argument: the redirect URL (ours), or a
        token endpoint URL followed by ``authorization_response=`` (Authlib's habit).
        Returns the redirect URL, if any."""
        if url is not None and authorization_response is None and _looks_like_redirect(url):
            url, authorization_response = None, url
        self._check_endpoint(url, "token", "token_url")
        if (authorization_response is not None or code is not None) and request is None:
            raise ConfigurationError(
                "pass request= (the AuthorizationRequest that create_authorization_url returned): "
                "Authlib keeps it in its session object, oauth2kit hands it to you so that one "
                "client can serve many users (keep it with request.to_json() between requests)"
            )
        return authorization_response

    def __repr__(self) -> str:
        return f"{type(self).__name__}(client_id={self.client_id!r}, profile={self.profile.name!r}, auth_method={self.auth_method!r})"


class Client(_Base):
    """A blocking OAuth 2.0 client. Thread-safe: share one per authorization
    server. Network calls release the GIL.

    >>> client = Client("my-app", "s3cret", token_url="https://as.example/token")
    >>> token = client.fetch_token(scope="read")          # client credentials
    >>> token.access_token, token.expires_at
    """

    @classmethod
    def discover(cls, issuer: str, client_id: str, client_secret: Optional[str] = None, /, **options: "Unpack[ClientOptions]") -> "Client":
        """Reads the issuer's metadata (RFC 8414, then OpenID Connect) and builds a client for it.
        The metadata is fetched with the client's own transport options
        (``ca_certificates_pem``, ``timeout``, a client certificate…)."""
        transport: Dict[str, Any] = {k: v for k, v in options.items() if k != "metadata"}
        meta = CoreClient.discover(issuer, **transport)
        options["metadata"] = meta
        return cls(client_id, client_secret, **options)

    def fetch_token(
        self,
        url: Optional[str] = None,
        *,
        authorization_response: Optional[str] = None,
        request: Optional[AuthorizationRequest] = None,
        code: Optional[str] = None,
        grant_type: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        scope: Optional[str] = None,
        **params: str,
    ) -> Token:
        """Gets tokens, choosing the grant like Authlib does:

        - ``authorization_response`` (the redirect URL) with ``request``:
          checks state/issuer/error, then exchanges the code;
        - ``code`` with ``request``: exchanges a code you extracted yourself;
        - ``username`` and ``password``: the password grant;
        - ``grant_type`` of another kind: that extension grant with ``params``;
        - otherwise: client credentials with ``scope``.

        ``url`` is the redirect URL; Authlib's ``fetch_token(token_url,
        authorization_response=redirect_url)`` works too when ``token_url`` is
        the configured token endpoint.
        """
        authorization_response = self._redirect_args(url, authorization_response, code, request)
        if authorization_response is not None or code is not None:
            assert request is not None
            if authorization_response is not None:
                return self._core.exchange_redirect(request, authorization_response)
            assert code is not None
            return self._core.exchange_code(request, code)
        gt = grant_type or ("password" if username is not None else "client_credentials")
        if gt == "password":
            if username is None or password is None:
                raise ConfigurationError("the password grant needs username and password")
            return self._core.password(username, password, scope)
        if gt == "client_credentials":
            return self._core.client_credentials(scope)
        if gt == "refresh_token":
            return self.refresh_token(params.pop("refresh_token", ""), scope=scope)
        if scope is not None:
            params["scope"] = scope
        return self._core.extension_grant(gt, params)

    def exchange_code(self, code: str, *, request: AuthorizationRequest) -> Token:
        """Exchanges an authorization code (the caller checked the state)."""
        return self._core.exchange_code(request, code)

    def handle_callback(self, authorization_response: str, *, request: AuthorizationRequest) -> Token:
        """Checks the redirect URL (state, issuer, error) and exchanges its code.
        Raises ``StateMismatchError`` when it does not belong to ``request``."""
        return self._core.exchange_redirect(request, authorization_response)

    def client_credentials(self, scope: Optional[str] = None) -> Token:
        """Client credentials grant (RFC 6749 §4.4)."""
        return self._core.client_credentials(scope)

    def pushed_authorization_url(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        prompt: Optional[str] = None,
        max_age: Optional[float] = None,
        login_hint: Optional[str] = None,
        acr_values: Union[str, Sequence[str], None] = None,
        ui_locales: Union[str, Sequence[str], None] = None,
        claims: Union[Mapping[str, Any], str, None] = None,
        **params: str,
    ) -> AuthorizationRequest:
        """Like ``create_authorization_url``, through a pushed authorization
        request (RFC 9126): the parameters go authenticated in a back-channel
        POST to ``par_url`` (or the discovered endpoint) and the returned URL
        carries only ``client_id`` and ``request_uri``. The OpenID Connect
        parameters are those of ``create_authorization_url``; other keyword
        arguments are sent as parameters (``resource``…)."""
        return self._core.pushed_authorization_url(
            scope=scope, redirect_uri=redirect_uri, state=state, pkce=pkce, nonce=nonce,
            extra=_openid_params(prompt, max_age, login_hint, acr_values, ui_locales, claims, params) or None,
        )

    def password(self, username: str, password: str, *, scope: Optional[str] = None) -> Token:
        """Resource owner password grant (legacy; RFC 6749 §4.3)."""
        return self._core.password(username, password, scope)

    def refresh_token(self, refresh_token: TokenLike, *, scope: Optional[str] = None) -> Token:
        """Refreshes (RFC 6749 §6). Accepts a ``Token`` or the refresh token
        string. The answer keeps the old refresh token when it carries none.
        Raises ``ReauthorizationRequired`` when the refresh token is dead."""
        return self._core.refresh(_refresh_value(refresh_token), scope)

    def extension_grant(self, grant_type: str, params: Optional[Mapping[str, str]] = None, **kwargs: str) -> Token:
        """Any grant by its ``grant_type`` URI with its parameters (RFC 6749 §4.5)."""
        return self._core.extension_grant(grant_type, {**(params or {}), **kwargs})

    def revoke_token(self, token: TokenLike, *, token_type_hint: Optional[str] = None) -> None:
        """Revokes a token (RFC 7009). A ``Token`` stands for its access token,
        or its refresh token with ``token_type_hint="refresh_token"``."""
        value, hint = _token_value(token, token_type_hint)
        self._core.revoke(value, hint)

    def introspect_token(self, token: TokenLike, *, token_type_hint: Optional[str] = None) -> Dict[str, Any]:
        """Introspects a token (RFC 7662): the answer as a dict with ``active``."""
        value, hint = _token_value(token, token_type_hint)
        result: Dict[str, Any] = self._core.introspect(value, hint)
        return result

    def userinfo(self, token: Token) -> Dict[str, Any]:
        """The OpenID Connect UserInfo claims for ``token`` (a signed answer is
        validated like an ID token; ``sub`` must equal the ID token's)."""
        return self._core.userinfo(token)

    def validate(self, token: Token) -> bool:
        """Asks the profile's validation endpoint whether ``token`` is valid
        (False on 401/403; an error for anything that says nothing about the token)."""
        return self._core.validate(token)

    def device_authorization(self, *, scope: Optional[str] = None) -> DeviceAuthorization:
        """Starts the device authorization grant (RFC 8628): show the result's
        ``user_code`` and ``verification_uri``, then ``poll_device_token``."""
        return self._core.device_authorization(scope)

    def poll_device_token(
        self, authorization: DeviceAuthorization, *, on_progress: Optional[ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token:
        """Polls until the user approves. ``on_progress(PollProgress)`` reports
        each wait; ``cancel.cancel()`` (from another thread) stops it with
        ``OperationCancelledError``; expiry raises ``ExpiredError``."""
        return self._core.poll_device_token(authorization, on_progress=on_progress, cancel=cancel)

    def ciba_authorization(self, *, scope: Optional[str] = None, login_hint: Optional[str] = None, id_token_hint: Optional[str] = None,
                           login_hint_token: Optional[str] = None, binding_message: Optional[str] = None,
                           requested_expiry: Optional[int] = None, **params: str) -> CibaAuthorization:
        """Starts a CIBA (poll mode) request; give exactly one of the three hints."""
        return self._core.ciba_authorization(scope=scope, login_hint=login_hint, id_token_hint=id_token_hint, login_hint_token=login_hint_token,
                                             binding_message=binding_message, requested_expiry=requested_expiry, extra=params or None)

    def poll_ciba_token(
        self, authorization: CibaAuthorization, *, on_progress: Optional[ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token:
        """Polls a CIBA request until it is approved, denied, expired or cancelled."""
        return self._core.poll_ciba_token(authorization, on_progress=on_progress, cancel=cancel)

    def token_exchange(self, subject_token: str, subject_token_type: str, *, actor_token: Optional[str] = None,
                       actor_token_type: Optional[str] = None, requested_token_type: Optional[str] = None,
                       audience: Sequence[str] = (), resource: Sequence[str] = (), scope: Optional[str] = None) -> Token:
        """Token exchange (RFC 8693); token types are URIs such as
        ``urn:ietf:params:oauth:token-type:access_token``."""
        return self._core.token_exchange(subject_token, subject_token_type, actor_token=actor_token, actor_token_type=actor_token_type,
                                         requested_token_type=requested_token_type, audience=list(audience), resource=list(resource), scope=scope)

    def jwt_bearer(self, assertion: Optional[str] = None, *, private_key: Optional[str] = None, private_key_jwk: Optional[str] = None,
                   issuer: Optional[str] = None, subject: Optional[str] = None, audience: Optional[str] = None,
                   lifetime: int = 300, claims: Optional[Dict[str, Any]] = None, scope: Optional[str] = None) -> Token:
        """JWT bearer grant (RFC 7523 §2.1): a ready ``assertion``, or one signed
        here with ``private_key`` (PEM) or ``private_key_jwk`` for ``issuer``/``subject``/``audience``."""
        return self._core.jwt_bearer(assertion, private_key=private_key, private_key_jwk=private_key_jwk, issuer=issuer, subject=subject,
                                     audience=audience, lifetime=lifetime, claims=claims, scope=scope)

    def saml2_bearer(self, assertion: str, *, scope: Optional[str] = None) -> Token:
        """SAML 2.0 bearer grant (RFC 7522); ``assertion`` base64url-encoded."""
        return self._core.saml2_bearer(assertion, scope)

    # The concept names every binding shares, beside the Authlib spellings.
    exchange_redirect = handle_callback
    refresh = refresh_token
    introspect = introspect_token
    revoke = revoke_token


class AsyncClient(_Base):
    """The asyncio client: the same methods as ``Client``, as coroutines.
    Safe to share between tasks (and threads, each with its own loop).

    >>> client = AsyncClient("my-app", "s3cret", token_url="https://as.example/token")
    >>> token = await client.fetch_token(scope="read")
    """

    @classmethod
    async def discover(cls, issuer: str, client_id: str, client_secret: Optional[str] = None, /, **options: "Unpack[ClientOptions]") -> "AsyncClient":
        """Reads the issuer's metadata (RFC 8414, then OpenID Connect) and builds a client for it.
        The metadata is fetched with the client's own transport options."""
        transport: Dict[str, Any] = {k: v for k, v in options.items() if k != "metadata"}
        meta = await CoreClient.discover_async(issuer, **transport)
        options["metadata"] = meta
        return cls(client_id, client_secret, **options)

    async def fetch_token(
        self,
        url: Optional[str] = None,
        *,
        authorization_response: Optional[str] = None,
        request: Optional[AuthorizationRequest] = None,
        code: Optional[str] = None,
        grant_type: Optional[str] = None,
        username: Optional[str] = None,
        password: Optional[str] = None,
        scope: Optional[str] = None,
        **params: str,
    ) -> Token:
        """Gets tokens; chooses the grant like ``Client.fetch_token``."""
        authorization_response = self._redirect_args(url, authorization_response, code, request)
        if authorization_response is not None or code is not None:
            assert request is not None
            if authorization_response is not None:
                return await self._core.exchange_redirect_async(request, authorization_response)
            assert code is not None
            return await self._core.exchange_code_async(request, code)
        gt = grant_type or ("password" if username is not None else "client_credentials")
        if gt == "password":
            if username is None or password is None:
                raise ConfigurationError("the password grant needs username and password")
            return await self._core.password_async(username, password, scope)
        if gt == "client_credentials":
            return await self._core.client_credentials_async(scope)
        if gt == "refresh_token":
            return await self.refresh_token(params.pop("refresh_token", ""), scope=scope)
        if scope is not None:
            params["scope"] = scope
        return await self._core.extension_grant_async(gt, params)

    async def exchange_code(self, code: str, *, request: AuthorizationRequest) -> Token:
        """Exchanges an authorization code (the caller checked the state)."""
        return await self._core.exchange_code_async(request, code)

    async def handle_callback(self, authorization_response: str, *, request: AuthorizationRequest) -> Token:
        """Checks the redirect URL (state, issuer, error) and exchanges its code."""
        return await self._core.exchange_redirect_async(request, authorization_response)

    async def client_credentials(self, scope: Optional[str] = None) -> Token:
        """Client credentials grant (RFC 6749 §4.4)."""
        return await self._core.client_credentials_async(scope)

    async def pushed_authorization_url(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        state: Optional[str] = None,
        pkce: Union[bool, str, None] = None,
        nonce: bool = False,
        prompt: Optional[str] = None,
        max_age: Optional[float] = None,
        login_hint: Optional[str] = None,
        acr_values: Union[str, Sequence[str], None] = None,
        ui_locales: Union[str, Sequence[str], None] = None,
        claims: Union[Mapping[str, Any], str, None] = None,
        **params: str,
    ) -> AuthorizationRequest:
        """``Client.pushed_authorization_url`` as a coroutine (RFC 9126)."""
        return await self._core.pushed_authorization_url_async(
            scope=scope, redirect_uri=redirect_uri, state=state, pkce=pkce, nonce=nonce,
            extra=_openid_params(prompt, max_age, login_hint, acr_values, ui_locales, claims, params) or None,
        )

    async def password(self, username: str, password: str, *, scope: Optional[str] = None) -> Token:
        """Resource owner password grant (legacy; RFC 6749 §4.3)."""
        return await self._core.password_async(username, password, scope)

    async def refresh_token(self, refresh_token: TokenLike, *, scope: Optional[str] = None) -> Token:
        """Refreshes (RFC 6749 §6); raises ``ReauthorizationRequired`` when the refresh token is dead."""
        return await self._core.refresh_async(_refresh_value(refresh_token), scope)

    async def extension_grant(self, grant_type: str, params: Optional[Mapping[str, str]] = None, **kwargs: str) -> Token:
        """Any grant by its ``grant_type`` URI with its parameters."""
        return await self._core.extension_grant_async(grant_type, {**(params or {}), **kwargs})

    async def revoke_token(self, token: TokenLike, *, token_type_hint: Optional[str] = None) -> None:
        """Revokes a token (RFC 7009)."""
        value, hint = _token_value(token, token_type_hint)
        await self._core.revoke_async(value, hint)

    async def introspect_token(self, token: TokenLike, *, token_type_hint: Optional[str] = None) -> Dict[str, Any]:
        """Introspects a token (RFC 7662)."""
        value, hint = _token_value(token, token_type_hint)
        result: Dict[str, Any] = await self._core.introspect_async(value, hint)
        return result

    async def userinfo(self, token: Token) -> Dict[str, Any]:
        """The OpenID Connect UserInfo claims for ``token``."""
        return await self._core.userinfo_async(token)

    async def validate(self, token: Token) -> bool:
        """Asks the profile's validation endpoint whether ``token`` is valid."""
        return await self._core.validate_async(token)

    async def device_authorization(self, *, scope: Optional[str] = None) -> DeviceAuthorization:
        """Starts the device authorization grant (RFC 8628): show the result's
        ``user_code`` and ``verification_uri``, then ``poll_device_token``."""
        return await self._core.device_authorization_async(scope)

    async def poll_device_token(
        self, authorization: DeviceAuthorization, *, on_progress: Optional[ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token:
        """Polls until the user approves. ``on_progress(PollProgress)`` reports
        each wait; ``cancel.cancel()`` (from another thread) stops it with
        ``OperationCancelledError``; expiry raises ``ExpiredError``."""
        return await self._core.poll_device_token_async(authorization, on_progress=on_progress, cancel=cancel)

    async def ciba_authorization(self, *, scope: Optional[str] = None, login_hint: Optional[str] = None, id_token_hint: Optional[str] = None,
                           login_hint_token: Optional[str] = None, binding_message: Optional[str] = None,
                           requested_expiry: Optional[int] = None, **params: str) -> CibaAuthorization:
        """Starts a CIBA (poll mode) request; give exactly one of the three hints."""
        return await self._core.ciba_authorization_async(scope=scope, login_hint=login_hint, id_token_hint=id_token_hint, login_hint_token=login_hint_token,
                                             binding_message=binding_message, requested_expiry=requested_expiry, extra=params or None)

    async def poll_ciba_token(
        self, authorization: CibaAuthorization, *, on_progress: Optional[ProgressCallback] = None, cancel: Optional[CancelToken] = None
    ) -> Token:
        """Polls a CIBA request until it is approved, denied, expired or cancelled."""
        return await self._core.poll_ciba_token_async(authorization, on_progress=on_progress, cancel=cancel)

    async def token_exchange(self, subject_token: str, subject_token_type: str, *, actor_token: Optional[str] = None,
                       actor_token_type: Optional[str] = None, requested_token_type: Optional[str] = None,
                       audience: Sequence[str] = (), resource: Sequence[str] = (), scope: Optional[str] = None) -> Token:
        """Token exchange (RFC 8693); token types are URIs such as
        ``urn:ietf:params:oauth:token-type:access_token``."""
        return await self._core.token_exchange_async(subject_token, subject_token_type, actor_token=actor_token, actor_token_type=actor_token_type,
                                         requested_token_type=requested_token_type, audience=list(audience), resource=list(resource), scope=scope)

    async def jwt_bearer(self, assertion: Optional[str] = None, *, private_key: Optional[str] = None, private_key_jwk: Optional[str] = None,
                   issuer: Optional[str] = None, subject: Optional[str] = None, audience: Optional[str] = None,
                   lifetime: int = 300, claims: Optional[Dict[str, Any]] = None, scope: Optional[str] = None) -> Token:
        """JWT bearer grant (RFC 7523 §2.1): a ready ``assertion``, or one signed
        here with ``private_key`` (PEM) or ``private_key_jwk`` for ``issuer``/``subject``/``audience``."""
        return await self._core.jwt_bearer_async(assertion, private_key=private_key, private_key_jwk=private_key_jwk, issuer=issuer, subject=subject,
                                     audience=audience, lifetime=lifetime, claims=claims, scope=scope)

    async def saml2_bearer(self, assertion: str, *, scope: Optional[str] = None) -> Token:
        """SAML 2.0 bearer grant (RFC 7522); ``assertion`` base64url-encoded."""
        return await self._core.saml2_bearer_async(assertion, scope)

    # The concept names every binding shares, beside the Authlib spellings.
    exchange_redirect = handle_callback
    refresh = refresh_token
    introspect = introspect_token
    revoke = revoke_token


def discover(issuer: str, /, **options: "Unpack[ClientOptions]") -> ServerMetadata:
    """Reads an issuer's metadata (RFC 8414, then OpenID Connect discovery);
    its ``issuer`` must equal the one asked for. Transport options of the
    client (``ca_certificates_pem``, ``connect_timeout``, a client
    certificate…) apply to the request; ``timeout`` defaults to 30 s."""
    return CoreClient.discover(issuer, **options)


async def discover_async(issuer: str, /, **options: "Unpack[ClientOptions]") -> ServerMetadata:
    """Async ``discover``."""
    return await CoreClient.discover_async(issuer, **options)


def _looks_like_redirect(url: str) -> bool:
    """A URL carrying an authorization response (``code``, ``error`` or ``state``
    in its query or fragment, or a JARM ``response``), or such parameters alone
    (a ``form_post`` body), as opposed to an endpoint URL."""
    import urllib.parse

    parts = urllib.parse.urlsplit(url)
    texts = (parts.query, parts.fragment) if parts.scheme else (url.lstrip("?#"),)
    names = {k for part in texts for k, _ in urllib.parse.parse_qsl(part)}
    return bool(names & {"code", "error", "state", "access_token", "response"})


def _openid_params(
    prompt: Optional[str],
    max_age: Optional[float],
    login_hint: Optional[str],
    acr_values: Union[str, Sequence[str], None],
    ui_locales: Union[str, Sequence[str], None],
    claims: Union[Mapping[str, Any], str, None],
    params: Dict[str, str],
) -> Dict[str, str]:
    """The OpenID Connect keyword arguments as the wire's strings (lists
    space-joined, ``claims`` as JSON); the core checks them and keeps the typed
    ones for the ID token checks."""
    import json

    out: Dict[str, str] = {}
    for name, value in (("prompt", prompt), ("login_hint", login_hint), ("acr_values", acr_values), ("ui_locales", ui_locales)):
        if value is not None:
            out[name] = value if isinstance(value, str) else " ".join(value)
    if max_age is not None:
        out["max_age"] = str(max_age)
    if claims is not None:
        out["claims"] = claims if isinstance(claims, str) else json.dumps(claims, separators=(",", ":"))
    return {**out, **params}


class CallbackHandler:
    """Server-side redirect handling for web services the provider calls back
    (Deskera V1's server-to-server callback, or a browser redirect to your web
    app): ``begin()`` gives the URL to send the user to and remembers its
    state (one-time, ten minutes); your callback view hands the request to
    ``handle()`` and answers the provider with ``result.status``::

        handler = oauth2kit.CallbackHandler(client)
        url = handler.begin(scope="openid")          # redirect the user here
        # in the view of the callback URL:
        result = handler.handle(request.full_path)   # "/cb?code=…&state=…"
        if result.ok:
            save(result.token)
        return Response(status=result.status)        # 200, 400 (not ours) or 502

    A state is consumed once the exchange succeeded or failed for good; after
    a transient failure the provider's retry of the same callback can still
    succeed. ``handle()`` blocks (GIL released); ``handle_async()`` is its
    coroutine. Works with a ``Client`` or an ``AsyncClient``.
    """

    def __init__(self, client: Union[Client, AsyncClient]) -> None:
        self._core = CoreCallbackHandler(client._core)

    def begin(
        self,
        *,
        scope: Optional[str] = None,
        redirect_uri: Optional[str] = None,
        prompt: Optional[str] = None,
        max_age: Optional[float] = None,
        login_hint: Optional[str] = None,
        acr_values: Union[str, Sequence[str], None] = None,
        ui_locales: Union[str, Sequence[str], None] = None,
        claims: Union[Mapping[str, Any], str, None] = None,
        **params: str,
    ) -> str:
        """The authorization URL (parameters as ``Client.create_authorization_url``)."""
        extra = _openid_params(prompt, max_age, login_hint, acr_values, ui_locales, claims, params)
        return self._core.begin(scope=scope, redirect_uri=redirect_uri, extra=extra or None)

    def handle(self, request_target: str) -> CallbackResult:
        """Handles one call to the callback URL: its path and query, or the full URL."""
        return self._core.handle(request_target)

    async def handle_async(self, request_target: str) -> CallbackResult:
        """``handle`` as a coroutine."""
        return await self._core.handle_async(request_target)
