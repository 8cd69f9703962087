"""``requests`` integration: ``OAuth2Auth(session)`` puts a valid token on
every request where the client's profile says (``Authorization: Bearer …`` or
e.g. ``x-access-token``), renews it before expiry, and on a 401 invalidates
it and retries the request once with a new token. A DPoP-bound token
(RFC 9449) goes as ``Authorization: DPoP …`` with a fresh ``DPoP`` proof per
request; a 401 ``use_dpop_nonce`` demand is answered by sending the request
once more with the server's nonce (not by renewing the token).

>>> import requests, oauth2kit
>>> from oauth2kit.requests_auth import OAuth2Auth
>>> session = oauth2kit.Session(oauth2kit.Client("id", "secret", token_url=...), client_credentials=True)
>>> requests.get("https://api.example/items", auth=OAuth2Auth(session))
"""

from __future__ import annotations

from typing import Any

try:
    import requests
    from requests.auth import AuthBase
except ModuleNotFoundError as e:  # pragma: no cover - depends on the environment
    raise ModuleNotFoundError(
        "oauth2kit.requests_auth needs the requests package: pip install \"oauth2kit[requests]\" "
        "(from a checkout: pip install \"./py[requests]\")",
        name=e.name,
    ) from e

from ._session import Session

__all__ = ["OAuth2Auth"]

_TOKEN_ATTR = "_oauth2kit_token"
_RETRIED_ATTR = "_oauth2kit_retried"
_NONCE_RETRIED_ATTR = "_oauth2kit_nonce_retried"


class OAuth2Auth(AuthBase):
    """A ``requests`` auth that presents ``session``'s token and retries once after a 401."""

    def __init__(self, session: Session) -> None:
        """Uses ``session`` (a ``oauth2kit.Session``) for tokens."""
        self.session = session

    def _apply(self, r: requests.PreparedRequest, token: Any = None) -> None:
        if token is None:
            token = self.session.token()
        headers = self.session.client.resource_request_headers(token, r.method or "GET", r.url or "")
        for name, value in headers.items():
            r.headers[name] = value
        setattr(r, _TOKEN_ATTR, token)

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        self._apply(r)
        r.register_hook("response", self._on_response)
        return r

    def _on_response(self, resp: requests.Response, **kwargs: Any) -> requests.Response:
        req = resp.request
        token = getattr(req, _TOKEN_ATTR, None)
        # Every answer is read back: it may carry a new DPoP nonce.
        nonce = token is not None and self.session.client.check_resource_response(
            token, req.url or "", resp.status_code, resp.headers
        )
        if nonce and not getattr(req, _NONCE_RETRIED_ATTR, False):
            retry = req.copy()
            self._apply(retry, token)  # the same token, a new proof with the nonce
            setattr(retry, _NONCE_RETRIED_ATTR, True)
            return self._send_again(resp, retry, **kwargs)
        if resp.status_code != 401 or getattr(req, _RETRIED_ATTR, False):
            return resp
        self.session.invalidate(token)
        retry = req.copy()
        self._apply(retry)
        setattr(retry, _RETRIED_ATTR, True)
        return self._send_again(resp, retry, **kwargs)

    def _send_again(self, resp: requests.Response, retry: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        # Release the first connection before reusing the adapter (same as requests' digest auth).
        resp.content
        resp.close()
        new = resp.connection.send(retry, **kwargs)
        new.history.append(resp)
        new.request = retry
        # The last answer's nonce is remembered too (hooks do not run on it).
        self.session.client.check_resource_response(
            getattr(retry, _TOKEN_ATTR), retry.url or "", new.status_code, new.headers
        )
        return new
