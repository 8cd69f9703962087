"""``Session`` and ``AsyncSession``: hand out an always-valid token, renewing
it before expiry — once, however many threads and asyncio tasks ask at the
same time (single flight, in the Rust core's ``oauth2kit::session``).

Renewal refreshes when there is a refresh token, else runs the grant the
session was given (``client_credentials=True`` or ``jwt_bearer=``; never one by
default). A new token is saved to the ``store`` before it is handed out, so a
rotated refresh token is never lost; ``on_change(token)`` is told about every
new token.

Stores: ``FileStore(path)`` (atomic writes), ``RedisStore(url, key)`` (a
fleet shares one token and refreshes it once, under a lock), ``MemoryStore()``,
or any object with ``load()`` → ``Token | None`` and ``save(token)`` (and
optionally ``clear()``); with ``AsyncSession`` these may be coroutines.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Dict, Mapping, Optional, Protocol, Sequence, Tuple, Union, cast

from ._client import AsyncClient, Client
from ._oauth2kit import CoreSession, FileStore, RedisStore, Token
from ._options import SESSION_OPTIONS_DOC, SessionOptions

if TYPE_CHECKING:
    from typing_extensions import Unpack

__all__ = ["Session", "AsyncSession", "MemoryStore", "FileStore", "RedisStore", "TokenStore"]


class TokenStore(Protocol):
    """Where a session keeps its token: ``load()`` → ``Token`` or None, ``save(token)``."""

    def load(self) -> Any: ...

    def save(self, token: Token) -> Any: ...


StoreArg = Union[FileStore, RedisStore, TokenStore, None]


class MemoryStore:
    """Keeps the token in this process's memory (what a session does without a store)."""

    def __init__(self, token: Optional[Token] = None) -> None:
        """A store holding ``token`` (or nothing)."""
        self._token = token

    def load(self) -> Optional[Token]:
        """The token saved last, or None."""
        return self._token

    def save(self, token: Token) -> None:
        """Keeps ``token``."""
        self._token = token

    def clear(self) -> None:
        """Forgets the token."""
        self._token = None


_OPTIONS_DOC = """
    ``token``: the tokens to start from (else the store's, else none); given
    tokens are saved to ``store`` before the constructor returns (an async
    store cannot be awaited there: give the token to ``await set_tokens()``).
    ``store``: where tokens are kept (default: memory). ``on_change(token)``:
    called with every new token set, also one adopted from a shared store.
    ``jwt_bearer``: a dict of ``Client.jwt_bearer``'s keyword arguments
    (``private_key``, ``issuer``, ``subject``, ``audience``…: the defaults are
    the client id and the token endpoint) to fetch with the JWT bearer grant,
    signing a new assertion each time; the ``jwt_bearer_*`` options below say
    the same one by one.

    A session fetches tokens with a grant only when one is named
    (``client_credentials=True`` or ``jwt_bearer``): a user's session restored
    from a store never turns into the client's own identity by itself (it
    raises ``ReauthorizationRequired`` instead). A damaged store (a torn file,
    a ``load()`` that returns something else than a Token or None) raises
    ``StoreError`` once, then a session with a grant starts over (the file
    store keeps the damaged file as ``<file>.damaged-<time>``). ``clear()`` is
    a sign-out: a renewal in flight is waited for and nothing it gets is saved
    or handed out (its callers get ``OperationCancelledError``).

    ``leeway`` and ``on_update`` are the earlier names of ``refresh_margin``
    and ``on_change`` (they still work, with a ``DeprecationWarning``).

    The session options, the same names in every binding (durations in seconds):

"""


class Session(CoreSession):
    """A token that stays valid, for a ``Client``. Share it between threads.

    ``Session(client, token=None, *, store=None, on_change=None,
    jwt_bearer=None, **options)``

    >>> session = Session(client, client_credentials=True, scope="read", store=FileStore("tokens.json"))
    >>> session.access_token          # or session.token().access_token

    ``token()``, ``cached()`` and ``access_token`` are the Rust core's own
    methods (this class extends it), so a cached read costs about two dict
    lookups; ``set_tokens(token)`` and ``clear()`` too.
    """

    @property
    def client(self) -> Client:
        """The client the session was made with."""
        return cast(Client, super().client)

    def invalidate(self, token: Optional[Token] = None) -> None:
        """Marks ``token`` (default: the current one) as rejected (say, after a
        401), so the next ``token()`` renews it. A token already replaced is
        left alone: a hundred 401s on one old token cause one renewal."""
        if token is None:
            super().invalidate()
        else:
            self.on_unauthorized(token.access_token)

    def authorization_header(self) -> Tuple[str, str]:
        """``(name, value)`` for the current token, as the client's profile presents it."""
        return self.client.authorization_header(self.token())

    def resource_request_headers(self, method: str, url: str) -> Dict[str, str]:
        """``Client.resource_request_headers`` with a valid token: for a
        DPoP-bound one, ``Authorization: DPoP …`` and a fresh ``DPoP`` proof."""
        return self.client.resource_request_headers(self.token(), method, url)

    def check_resource_response(
        self, url: str, status: int, headers: Union[Mapping[str, str], Sequence[Tuple[str, str]]],
        token: Optional[Token] = None,
    ) -> bool:
        """``Client.check_resource_response`` for ``token`` (default: the
        current one): ``True`` means send once more with new headers."""
        return self.client.check_resource_response(token if token is not None else self.token(), url, status, headers)


Session.__doc__ = (Session.__doc__ or "") + _OPTIONS_DOC + SESSION_OPTIONS_DOC


class AsyncSession:
    """``Session`` for asyncio: ``await session.token()``. Tasks (and threads)
    share one renewal. Coroutine stores and ``on_change`` run on the loop of
    the first ``await``."""

    def __init__(
        self,
        client: AsyncClient,
        token: Optional[Token] = None,
        *,
        store: StoreArg = None,
        on_change: Optional[Callable[[Token], Any]] = None,
        jwt_bearer: Optional[Mapping[str, Any]] = None,
        leeway: Optional[float] = None,
        on_update: Optional[Callable[[Token], Any]] = None,
        **options: "Unpack[SessionOptions]",
    ) -> None:
        """A session over ``client``; the options are those of ``Session``."""
        self.client = client
        self._core = CoreSession(
            client,
            token,
            store=store,
            on_change=on_change,
            jwt_bearer=jwt_bearer,
            leeway=leeway,
            on_update=on_update,
            **options,
        )

    def cached(self) -> Optional[Token]:
        """The current token if it is valid without any network call, else None."""
        return self._core.cached()

    def invalidate(self, token: Optional[Token] = None) -> None:
        """As ``Session.invalidate``."""
        if token is None:
            self._core.invalidate()
        else:
            self._core.on_unauthorized(token.access_token)

    async def token(self) -> Token:
        """A valid token; renews it (once for all waiting tasks) when needed."""
        cached = self._core.cached()
        if cached is not None:
            return cached
        return await self._core.token_async()

    async def access_token(self) -> str:
        """The access token of ``token()``."""
        return (await self.token()).access_token

    async def authorization_header(self) -> Tuple[str, str]:
        """``(name, value)`` for the current token."""
        return self.client.authorization_header(await self.token())

    async def resource_request_headers(self, method: str, url: str) -> Dict[str, str]:
        """As ``Session.resource_request_headers``."""
        return self.client.resource_request_headers(await self.token(), method, url)

    async def check_resource_response(
        self, url: str, status: int, headers: Union[Mapping[str, str], Sequence[Tuple[str, str]]],
        token: Optional[Token] = None,
    ) -> bool:
        """As ``Session.check_resource_response``."""
        return self.client.check_resource_response(token if token is not None else await self.token(), url, status, headers)

    async def set_tokens(self, token: Token) -> None:
        """Replaces the tokens and saves them."""
        await self._core.set_tokens_async(token)

    async def clear(self) -> None:
        """Forgets the tokens, here and in the store."""
        await self._core.clear_async()
