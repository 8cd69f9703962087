"""``httpx`` integration: ``OAuth2Auth(session)`` for ``httpx.Client`` (with a
``Session``) and ``httpx.AsyncClient`` (with an ``AsyncSession``; a ``Session``
works too and renews in a worker thread). Puts the token where the profile
says, renews before expiry, and on a 401 invalidates and retries once. A
DPoP-bound token (RFC 9449) goes as ``Authorization: DPoP …`` with a fresh
``DPoP`` proof per request; a 401 ``use_dpop_nonce`` demand is answered by
sending the request once more with the server's nonce.

>>> auth = OAuth2Auth(oauth2kit.AsyncSession(oauth2kit.AsyncClient("id", "secret", token_url=...)))
>>> async with httpx.AsyncClient(auth=auth) as http: await http.get(url)
"""

from __future__ import annotations

import asyncio
from typing import AsyncGenerator, Generator, Union

try:
    import httpx
except ModuleNotFoundError as e:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "oauth2kit.httpx_auth needs the httpx package: pip install \"oauth2kit[httpx]\" "
        "(from a checkout: pip install \"./py[httpx]\")",
        name=e.name,
    ) from e

from ._oauth2kit import Token
from ._session import AsyncSession, Session

__all__ = ["OAuth2Auth"]


class OAuth2Auth(httpx.Auth):
    """An ``httpx.Auth`` presenting ``session``'s token, retrying once after a 401."""

    requires_request_body = True  # so the request can be sent again after a 401

    def __init__(self, session: Union[Session, AsyncSession]) -> None:
        """Uses ``session`` (``Session`` or ``AsyncSession``) for tokens."""
        self.session = session

    def _set(self, request: httpx.Request, token: Token) -> None:
        headers = self.session.client.resource_request_headers(token, request.method, str(request.url))
        for name, value in headers.items():
            request.headers[name] = value

    def _nonce_demanded(self, request: httpx.Request, token: Token, response: httpx.Response) -> bool:
        # Every answer is read back: it may carry a new DPoP nonce.
        return self.session.client.check_resource_response(
            token, str(request.url), response.status_code, response.headers.multi_items()
        )

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The flow for ``httpx.Client`` (needs a ``Session``)."""
        if not isinstance(self.session, Session):
            raise TypeError("an AsyncSession works with httpx.AsyncClient only; use a Session with httpx.Client")
        token = self.session.token()
        self._set(request, token)
        response = yield request
        if self._nonce_demanded(request, token, response):
            self._set(request, token)  # the same token, a new proof with the nonce
            response = yield request
            self._nonce_demanded(request, token, response)
        elif response.status_code == 401:
            self.session.invalidate(token)
            token = self.session.token()
            self._set(request, token)
            response = yield request
            self._nonce_demanded(request, token, response)

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """The flow for ``httpx.AsyncClient``."""
        token = await self._token()
        self._set(request, token)
        response = yield request
        if self._nonce_demanded(request, token, response):
            self._set(request, token)
            response = yield request
            self._nonce_demanded(request, token, response)
        elif response.status_code == 401:
            self.session.invalidate(token)
            token = await self._token()
            self._set(request, token)
            response = yield request
            self._nonce_demanded(request, token, response)

    async def _token(self) -> Token:
        if isinstance(self.session, AsyncSession):
            return await self.session.token()
        return await asyncio.get_running_loop().run_in_executor(None, self.session.token)
