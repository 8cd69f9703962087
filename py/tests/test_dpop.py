"""DPoP (RFC 9449) from Python against the devserver, which verifies every
proof itself: a bound token (token_type DPoP), presented with a proof the
resource accepts, a resource nonce demanded → one retry (by hand, through the
requests and httpx adapters), the key kept through a file store and a
Python store, a token presented with another key refused, and broken proofs
(another URL or method, a replayed one, a stale one) refused."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any, Optional

import httpx
import pytest
import requests

import oauth2kit
from oauth2kit.httpx_auth import OAuth2Auth as HttpxAuth
from oauth2kit.requests_auth import OAuth2Auth as RequestsAuth
from conftest import BASIC_ID, BASIC_SECRET, DevServer, keys_dir, std_options


def dpop_client(dev: DevServer, **options: Any) -> oauth2kit.Client:
    return oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url), **{"dpop": True, **options})


def private_d(token: oauth2kit.Token) -> str:
    return str(json.loads(json.loads(token.to_json())["dpop_jwk"])["d"])


def test_bound_token_presented_by_hand_with_one_nonce_retry(dev: DevServer) -> None:
    pem = (keys_dir() / "ec-client.pem").read_text()
    client = dpop_client(dev, dpop_key_pem=pem)
    token = client.client_credentials(scope="read")
    assert token.token_type == "DPoP" and not token.is_bearer()
    # RFC 7638 thumbprint of the given key, computed here from its public JWK
    jwk = json.loads((keys_dir() / "ec-client.jwk.json").read_text())
    canonical = json.dumps({k: jwk[k] for k in ("crv", "kty", "x", "y")}, separators=(",", ":"), sort_keys=True)
    jkt = base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()
    assert token.dpop_jkt == jkt
    # the key is redacted in repr and absent from the dict form
    d = private_d(token)
    assert "dpop_key=<redacted>" in repr(token) and d not in repr(token) and d not in str(token.to_dict())

    dev.dpop(resource_nonce=True)
    url = f"{dev.url}/resource?x=1"
    headers = client.resource_request_headers(token, "GET", url)
    assert list(headers) == ["Authorization", "DPoP"] and headers["Authorization"].startswith("DPoP ")
    r = requests.get(url, headers=headers)
    assert r.status_code == 401 and "use_dpop_nonce" in r.headers["WWW-Authenticate"]
    assert client.check_resource_response(token, url, r.status_code, r.headers) is True
    r = requests.get(url, headers=client.resource_request_headers(token, "GET", url))
    assert r.status_code == 200, r.text
    assert client.check_resource_response(token, url, r.status_code, r.headers) is False
    assert dev.count("resource") == 2
    # the nonce is remembered: the next request passes at once
    assert requests.get(url, headers=client.resource_request_headers(token, "GET", url)).status_code == 200
    assert dev.count("resource") == 3


def test_requests_adapter_sends_dpop_and_retries_once_on_a_nonce(dev: DevServer) -> None:
    session = oauth2kit.Session(dpop_client(dev), client_credentials=True)
    dev.dpop(resource_nonce=True)
    with requests.Session() as http:
        r = http.get(f"{dev.url}/resource", auth=RequestsAuth(session))
        assert r.status_code == 200, r.text
        assert [h.status_code for h in r.history] == [401]
        assert "use_dpop_nonce" in r.history[0].headers["WWW-Authenticate"]
        assert dev.count("token") == 1, "a nonce demand does not renew the token"
        r = http.get(f"{dev.url}/resource", auth=RequestsAuth(session))
        assert r.status_code == 200 and not r.history
        assert dev.count("resource") == 3


def test_requests_adapter_does_not_loop_on_nonce_demands(dev: DevServer) -> None:
    session = oauth2kit.Session(dpop_client(dev), client_credentials=True)
    session.token()
    nonce_demand = [["WWW-Authenticate", 'DPoP error="use_dpop_nonce"'], ["DPoP-Nonce", "again"]]
    dev.fault("resource", status=401, body='{"error":"use_dpop_nonce"}', headers=nonce_demand, times=5)
    r = requests.get(f"{dev.url}/resource", auth=RequestsAuth(session))
    assert r.status_code == 401 and len(r.history) == 1 and dev.count("resource") == 2


def test_httpx_adapters_send_dpop_and_retry_once_on_a_nonce(dev: DevServer) -> None:
    session = oauth2kit.Session(dpop_client(dev), client_credentials=True)
    dev.dpop(resource_nonce=True)
    with httpx.Client(auth=HttpxAuth(session)) as http:
        r = http.get(f"{dev.url}/resource")
        assert r.status_code == 200, r.text
        assert [h.status_code for h in r.history] == [401] and dev.count("resource") == 2
        assert http.get(f"{dev.url}/resource").status_code == 200 and dev.count("resource") == 3
    assert dev.count("token") == 1


async def test_httpx_async_adapter_sends_dpop_and_retries_once_on_a_nonce(dev: DevServer) -> None:
    client = oauth2kit.AsyncClient(BASIC_ID, BASIC_SECRET, **std_options(dev.url), dpop=True, dpop_algorithm="EdDSA")
    session = oauth2kit.AsyncSession(client, client_credentials=True)
    token = await session.token()
    assert token.token_type == "DPoP"
    dev.dpop(resource_nonce=True)
    async with httpx.AsyncClient(auth=HttpxAuth(session)) as http:
        r = await http.get(f"{dev.url}/userinfo")
        assert r.status_code == 200, r.text
        assert dev.count("userinfo") == 2 and dev.count("token") == 1
    headers = await session.resource_request_headers("GET", f"{dev.url}/resource")
    assert headers["Authorization"] == f"DPoP {token.access_token}"


class JsonStore:
    """A store of the user's own that persists the token's JSON form."""

    def __init__(self) -> None:
        self.text: Optional[str] = None

    def load(self) -> Optional[oauth2kit.Token]:
        return None if self.text is None else oauth2kit.Token.from_json(self.text)

    def save(self, token: oauth2kit.Token) -> None:
        self.text = token.to_json()


def test_the_key_survives_a_file_store_and_a_python_store(dev: DevServer, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    first = oauth2kit.Session(dpop_client(dev), client_credentials=True, store=oauth2kit.FileStore(str(path)))
    token = first.token()
    assert "dpop_jwk" in path.read_text()
    # Another process's view: a client without DPoP, the same file.
    plain = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))
    second = oauth2kit.Session(plain, store=oauth2kit.FileStore(str(path)))
    loaded = second.token()
    assert loaded.dpop_jkt == token.dpop_jkt and loaded.token_type == "DPoP" and dev.count("token") == 1
    dev.dpop(resource_nonce=True)
    r = requests.get(f"{dev.url}/resource", auth=RequestsAuth(second))
    assert r.status_code == 200 and len(r.history) == 1, r.text
    # The user's own store, through the to_json form.
    store = JsonStore()
    third = oauth2kit.Session(plain, loaded, store=store)
    assert store.text is not None and "dpop_jwk" in store.text
    again = oauth2kit.Session(plain, store=store).token()
    assert again.dpop_jkt == token.dpop_jkt and again == loaded
    assert requests.get(f"{dev.url}/resource", auth=RequestsAuth(third)).status_code == 200


def test_a_token_presented_with_another_key_is_refused(dev: DevServer) -> None:
    token = dpop_client(dev).client_credentials()
    keyless = oauth2kit.Token(token.access_token, token_type="DPoP")
    assert keyless.dpop_jkt is None
    other = dpop_client(dev, dpop_algorithm="EdDSA")
    url = f"{dev.url}/resource"
    r = requests.get(url, headers=other.resource_request_headers(keyless, "GET", url))
    assert r.status_code == 401 and "invalid_token" in r.headers["WWW-Authenticate"]
    assert other.check_resource_response(keyless, url, r.status_code, r.headers) is False
    # a bound token sent as a bearer token is refused too
    name, value = other.authorization_header(token)
    assert requests.get(url, headers={name: value}).status_code == 401
    # no key anywhere, a bad URL, a bad key: typed errors
    plain = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))
    with pytest.raises(oauth2kit.ConfigurationError):
        plain.resource_request_headers(keyless, "GET", url)
    with pytest.raises(oauth2kit.ConfigurationError, match="not a url"):
        plain.resource_request_headers(token, "GET", "not a url")
    with pytest.raises(oauth2kit.ConfigurationError, match="DPoP"):
        dpop_client(dev, dpop_key_pem="-----BEGIN PRIVATE KEY-----\nnope\n-----END PRIVATE KEY-----")
    with pytest.raises(oauth2kit.ConfigurationError):
        dpop_client(dev, dpop_algorithm="RS256")  # RSA keys are given, not generated


def test_a_bearer_answer_to_a_proof_is_refused(dev: DevServer) -> None:
    dev.dpop(token_type="Bearer")
    with pytest.raises(oauth2kit.InvalidResponseError, match="DPoP"):
        dpop_client(dev).client_credentials()


def test_token_nonce_is_retried_once(dev: DevServer) -> None:
    dev.dpop(token_nonce=True)
    token = dpop_client(dev).client_credentials()
    assert token.token_type == "DPoP" and dev.count("token") == 2


def test_broken_proofs_are_refused(dev: DevServer) -> None:
    client = dpop_client(dev)
    token = client.client_credentials()
    url = f"{dev.url}/resource"

    def refused(headers: dict[str, str]) -> str:
        r = requests.get(url, headers=headers)
        assert r.status_code == 401, r.text
        # not a nonce demand: the client asks for no retry
        assert client.check_resource_response(token, url, r.status_code, r.headers) is False
        return r.headers["WWW-Authenticate"]

    # a proof made for another URL (htu) or another method (htm)
    assert "htu" in refused(client.resource_request_headers(token, "GET", f"{dev.url}/other"))
    assert "htm" in refused(client.resource_request_headers(token, "POST", url))
    # the query is not part of htu: the same proof serves /resource?x=1
    good = client.resource_request_headers(token, "GET", url)
    assert requests.get(f"{url}?x=1", headers=good).status_code == 200
    # a proof is single-use: the same one again is a replay
    assert "replayed" in refused(good)
    # the server's clock 10 minutes ahead: a fresh proof's iat is stale, at the
    # resource and at the token endpoint (a typed OAuth error)
    dev.dpop(clock_offset=600)
    assert "iat" in refused(client.resource_request_headers(token, "GET", url))
    with pytest.raises(oauth2kit.OAuthError) as e:
        client.client_credentials()
    assert e.value.error == "invalid_dpop_proof"
    dev.dpop()
    assert requests.get(url, headers=client.resource_request_headers(token, "GET", url)).status_code == 200
