"""Issue 12 through Python: a restored user session never turns into client
credentials by itself, given tokens are saved before the constructor returns
(even if the script exits at once), a torn file or a store returning garbage
costs one StoreError, and sign-out during a renewal cannot be undone."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, std_options


def test_a_restored_user_session_never_falls_back_to_client_credentials(
    basic: oauth2kit.Client, dev: DevServer, tmp_path: Path
) -> None:
    user = basic.password("alice", "wonderland")
    basic.revoke_token(user.refresh_token or "", token_type_hint="refresh_token")
    path = tmp_path / "tokens.json"
    oauth2kit.Session(basic, user, store=oauth2kit.FileStore(path))  # saved at once
    dev.token_lifetime(3600)
    restored = oauth2kit.Session(basic, store=oauth2kit.FileStore(path), refresh_margin=7200)  # no token=, no grant named
    dev.reset()
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        restored.token()
    assert dev.count("token") == 1, "the refresh only: no client credentials request"


def test_given_tokens_are_on_disk_when_the_script_exits(dev: DevServer, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    script = f"""
import oauth2kit
c = oauth2kit.Client({BASIC_ID!r}, {BASIC_SECRET!r}, **{std_options(dev.url)!r})
t = c.password("alice", "wonderland")
oauth2kit.Session(c, t, store=oauth2kit.FileStore({str(path)!r}))
print(t.refresh_token)
"""
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    refresh = out.stdout.strip()
    assert refresh and refresh in path.read_text()


def test_a_torn_file_costs_one_store_error_and_is_kept_aside(basic: oauth2kit.Client, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    path.write_text('{"version":1,"tokens":{"access_tok')
    s = oauth2kit.Session(basic, store=oauth2kit.FileStore(path), client_credentials=True)
    with pytest.raises(oauth2kit.StoreError, match="damaged"):
        s.token()
    fresh = s.token()
    assert fresh.access_token in path.read_text()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("tokens.json.damaged-")]


def test_a_python_store_returning_garbage_costs_one_store_error(basic: oauth2kit.Client) -> None:
    class Garbage:
        saved: Optional[oauth2kit.Token] = None

        def load(self) -> object:
            return {"not": "a token"}

        def save(self, token: oauth2kit.Token) -> None:
            self.saved = token

    store = Garbage()
    s = oauth2kit.Session(basic, store=store, client_credentials=True)  # type: ignore[arg-type]
    with pytest.raises(oauth2kit.StoreError):
        s.token()
    t = s.token()
    assert store.saved is not None and store.saved.access_token == t.access_token


def test_sign_out_during_a_renewal_cannot_be_undone(basic: oauth2kit.Client, dev: DevServer, tmp_path: Path) -> None:
    user = basic.password("alice", "wonderland")
    path = tmp_path / "tokens.json"
    s = oauth2kit.Session(basic, user, store=oauth2kit.FileStore(path), refresh_margin=7200)
    dev.reset()
    dev.fault("token", delay_ms=400)
    result: list[object] = []
    renewing = threading.Thread(target=lambda: result.append(_outcome(s)))
    renewing.start()
    deadline = time.monotonic() + 10
    while dev.count("token") == 0:  # wait for the refresh to reach the server
        assert time.monotonic() < deadline
        time.sleep(0.005)
    s.clear()
    assert not path.exists(), "the store stays empty after sign-out"
    assert s.cached() is None
    renewing.join(10)
    assert isinstance(result[0], oauth2kit.OperationCancelledError)
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        s.token()
    assert not path.exists()


def _outcome(s: oauth2kit.Session) -> object:
    try:
        return s.token()
    except oauth2kit.OAuth2Error as e:
        return e
