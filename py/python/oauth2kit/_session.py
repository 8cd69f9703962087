"""``Session`` and ``AsyncSession``: hand out an always-valid token, renewing
it before expiry — once, however many threads and asyncio tasks ask at the
same time (single flight, in the Rust core's ``oauth2kit::session``).

Renewal refreshes when there is a refresh token, else (by default, when the
session starts without tokens) runs the client credentials grant. A new token
is saved to the ``store`` before it is handed out, so a rotated refresh token
is never lost; ``on_update(token)`` is told about every new token.

Stores: ``FileStore(path)`` (atomic writes), ``RedisStore(url, key)`` (a
fleet shares one token and refreshes it once, under a lock), ``MemoryStore()``,
or any object with ``load()`` → ``Token | None`` and ``save(token)`` (and
optionally ``clear()``); with ``AsyncSession`` these may be coroutines.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping, Optional, Protocol, Tuple, Union, cast

from ._client import AsyncClient, Client
from ._oauth2kit import CoreSession, FileStore, RedisStore, Token

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
    ``client_credentials`` lets it fetch new tokens with the client
    credentials grant and ``scope`` when it has none or its refresh token is
    dead. It defaults to True only for a session with no ``token``, no
    ``store`` and no ``jwt_bearer`` (nothing else could give it a token);
    with a token or a store it must be asked for, so a user's session
    restored from a store never turns into the client's own identity by
    itself (it raises ``ReauthorizationRequired`` instead). A damaged store
    (a torn file, a ``load()`` that returns something else than a Token or
    None) raises ``StoreError`` once, then a session with a grant starts over
    (the file store keeps the damaged file as ``<file>.damaged-<time>``).
    ``clear()`` is a sign-out: a renewal in flight is waited for and nothing
    it gets is saved or handed out (its callers get
    ``OperationCancelledError``); ``jwt_bearer`` (a dict of
    ``Client.jwt_bearer``'s keyword arguments, e.g. ``private_key``,
    ``issuer``, ``subject``, ``audience``) makes it fetch with the JWT bearer
    grant instead, signing a new assertion each time; ``leeway`` is how many
    seconds before expiry a token is renewed; ``retry_deadline`` how long
    transient failures (5xx, 429, network) are retried; ``validate_every`` how
    often a token of unknown lifetime is checked at the profile's validation
    endpoint; ``store`` where tokens are kept; ``on_update(token)`` is called
    with every new token.
"""


class Session(CoreSession):
    """A token that stays valid, for a ``Client``. Share it between threads.

    ``Session(client, token=None, *, scope=None, client_credentials=None,
    leeway=60.0, retry_deadline=30.0, validate_every=300.0, store=None,
    on_update=None, jwt_bearer=None)``

    >>> session = Session(client, scope="read", store=FileStore("tokens.json"))
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


Session.__doc__ = (Session.__doc__ or "") + _OPTIONS_DOC


class AsyncSession:
    """``Session`` for asyncio: ``await session.token()``. Tasks (and threads)
    share one renewal. Coroutine stores and ``on_update`` run on the loop of
    the first ``await``."""

    def __init__(
        self,
        client: AsyncClient,
        token: Optional[Token] = None,
        *,
        scope: Optional[str] = None,
        client_credentials: Optional[bool] = None,
        leeway: float = 60.0,
        retry_deadline: float = 30.0,
        validate_every: float = 300.0,
        store: StoreArg = None,
        on_update: Optional[Callable[[Token], Any]] = None,
        jwt_bearer: Optional[Mapping[str, Any]] = None,
    ) -> None:
        """A session over ``client``; the options are those of ``Session``."""
        self.client = client
        self._core = CoreSession(
            client,
            token,
            scope=scope,
            client_credentials=client_credentials,
            leeway=leeway,
            retry_deadline=retry_deadline,
            validate_every=validate_every,
            store=store,
            on_update=on_update,
            jwt_bearer=jwt_bearer,
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

    async def set_tokens(self, token: Token) -> None:
        """Replaces the tokens and saves them."""
        await self._core.set_tokens_async(token)

    async def clear(self) -> None:
        """Forgets the tokens, here and in the store."""
        await self._core.clear_async()
