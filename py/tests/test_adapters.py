"""requests and httpx adapters against the devserver's protected /resource."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import requests

import oauth2kit
from oauth2kit.httpx_auth import OAuth2Auth as HttpxAuth
from oauth2kit.requests_auth import OAuth2Auth as RequestsAuth
from conftest import DevServer


def test_requests_auth_presents_refreshes_and_retries_once(basic: oauth2kit.Client, dev: DevServer) -> None:
    session = oauth2kit.Session(basic, client_credentials=True)
    auth = RequestsAuth(session)
    with requests.Session() as http:
        r = http.get(f"{dev.url}/resource", auth=auth)
        assert r.status_code == 200 and r.json()["client_id"] == "basic-client"
        assert http.get(f"{dev.url}/resource", auth=auth).status_code == 200
        assert dev.count("token") == 1  # cached between calls
        basic.revoke_token(session.token())  # the resource server now rejects it
        r = http.get(f"{dev.url}/resource", auth=auth)
        assert r.status_code == 200 and len(r.history) == 1 and r.history[0].status_code == 401
        assert dev.count("token") == 2


def test_requests_auth_retries_only_once(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("resource", status=401, body='{"error":"invalid_token"}', times=5)
    r = requests.get(f"{dev.url}/resource", auth=RequestsAuth(oauth2kit.Session(basic, client_credentials=True)))
    assert r.status_code == 401 and len(r.history) == 1
    assert dev.count("token") == 2 and dev.count("resource") == 2


def test_requests_auth_renews_before_expiry(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.token_lifetime(10)
    session = oauth2kit.Session(basic, refresh_margin=30, client_credentials=True)  # 10 s tokens are always inside the leeway
    auth = RequestsAuth(session)
    for _ in range(3):
        assert requests.get(f"{dev.url}/resource", auth=auth).status_code == 200
    assert dev.count("token") == 3


def test_httpx_sync_auth(basic: oauth2kit.Client, dev: DevServer) -> None:
    session = oauth2kit.Session(basic, client_credentials=True)
    with httpx.Client(auth=HttpxAuth(session)) as http:
        assert http.get(f"{dev.url}/resource").status_code == 200
        basic.revoke_token(session.token())
        r = http.get(f"{dev.url}/resource")
        assert r.status_code == 200 and dev.count("token") == 2 and dev.count("resource") == 3


async def test_httpx_async_auth(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    session = oauth2kit.AsyncSession(abasic, client_credentials=True)
    async with httpx.AsyncClient(auth=HttpxAuth(session)) as http:
        assert (await http.get(f"{dev.url}/resource")).status_code == 200
        await abasic.revoke_token(await session.token())
        r = await http.get(f"{dev.url}/resource")
        assert r.status_code == 200 and dev.count("token") == 2
        import asyncio

        rs = await asyncio.gather(*(http.get(f"{dev.url}/resource") for _ in range(20)))
        assert all(x.status_code == 200 for x in rs) and dev.count("token") == 2


def test_httpx_sync_client_rejects_async_session(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    with httpx.Client(auth=HttpxAuth(oauth2kit.AsyncSession(abasic, client_credentials=True))) as http:
        with pytest.raises(TypeError):
            http.get(f"{dev.url}/resource")


def test_a_missing_adapter_dependency_names_the_extra(tmp_path: Path) -> None:
    # A fresh interpreter where `requests` / `httpx` cannot be imported.
    import os
    import subprocess
    import sys
    blocker = tmp_path / "requests.py"
    blocker.write_text("raise ModuleNotFoundError('No module named requests', name='requests')\n")
    (tmp_path / "httpx.py").write_text("raise ModuleNotFoundError('No module named httpx', name='httpx')\n")
    for module, extra in (("requests_auth", "requests"), ("httpx_auth", "httpx")):
        out = subprocess.run([sys.executable, "-c", f"import oauth2kit.{module}"], capture_output=True, text=True,
                             env={**os.environ, "PYTHONPATH": str(tmp_path)})
        assert out.returncode != 0 and f'oauth2kit[{extra}]' in out.stderr, out.stderr
