"""The core session through Python: stores (file, Python objects sync and
async, Redis fleet) and on_update."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator, List, Optional

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, std_options


def test_file_store_survives_a_restart(basic: oauth2kit.Client, dev: DevServer, tmp_path: Path) -> None:
    path = tmp_path / "tokens.json"
    first = oauth2kit.Session(basic, store=oauth2kit.FileStore(path), client_credentials=True).token()
    assert path.exists() and first.access_token in path.read_text()
    # a new process (here: a new session) reads the file instead of asking the server
    again = oauth2kit.Session(basic, store=oauth2kit.FileStore(path), client_credentials=True).token()
    assert again.access_token == first.access_token and dev.count("token") == 1


def test_python_store_and_on_update(basic: oauth2kit.Client, dev: DevServer) -> None:
    class ListStore:
        def __init__(self) -> None:
            self.saved: List[oauth2kit.Token] = []

        def load(self) -> Optional[oauth2kit.Token]:
            return self.saved[-1] if self.saved else None

        def save(self, token: oauth2kit.Token) -> None:
            self.saved.append(token)

    store, seen = ListStore(), []
    s = oauth2kit.Session(basic, store=store, on_change=seen.append, client_credentials=True)
    t = s.token()
    assert [x.access_token for x in store.saved] == [t.access_token] == [x.access_token for x in seen]
    s.invalidate(t)
    t2 = s.token()
    assert t2.access_token != t.access_token and len(store.saved) == 2 and len(seen) == 2
    s.invalidate(t)  # an old token: nothing happens
    assert s.token() is t2 and dev.count("token") == 2


def test_failing_store_is_a_store_error(basic: oauth2kit.Client) -> None:
    class Broken:
        def load(self) -> None:
            raise OSError("disk on fire")

        def save(self, token: oauth2kit.Token) -> None:
            pass

    with pytest.raises(oauth2kit.StoreError, match="disk on fire"):
        oauth2kit.Session(basic, store=Broken(), client_credentials=True).token()
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Session(basic, store=object())  # type: ignore[arg-type]


async def test_async_store_and_async_on_update(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    events: List[str] = []

    class AsyncStore:
        def __init__(self) -> None:
            self.token: Optional[oauth2kit.Token] = None

        async def load(self) -> Optional[oauth2kit.Token]:
            await asyncio.sleep(0)
            events.append("load")
            return self.token

        async def save(self, token: oauth2kit.Token) -> None:
            await asyncio.sleep(0)
            events.append("save")
            self.token = token

    async def updated(token: oauth2kit.Token) -> None:
        events.append("update")

    store = AsyncStore()
    s = oauth2kit.AsyncSession(abasic, store=store, on_change=updated, client_credentials=True)
    tokens = await asyncio.gather(*(s.token() for _ in range(10)))
    # The coroutine callback runs on the loop, unawaited by the session: wait for it.
    for _ in range(1000):
        if "update" in events:
            break
        await asyncio.sleep(0)
    assert len({t.access_token for t in tokens}) == 1 and store.token is not None
    assert events[0] == "load" and events.count("save") == 1 and "update" in events and dev.count("token") == 1


async def test_a_blocking_sync_store_does_not_stall_other_requests(
    abasic: oauth2kit.AsyncClient, dev: DevServer
) -> None:
    # Four sessions whose plain-def save() blocks until released. The shared
    # runtime has two workers: had the saves run on them, the client
    # credentials request below could not be served until the release.
    release, entered = threading.Event(), threading.Semaphore(0)

    class SlowStore:
        def load(self) -> Optional[oauth2kit.Token]:
            return None

        def save(self, token: oauth2kit.Token) -> None:
            entered.release()
            release.wait(60)

    sessions = [oauth2kit.AsyncSession(abasic, store=SlowStore(), client_credentials=True) for _ in range(4)]
    blocked = [asyncio.ensure_future(s.token()) for s in sessions]
    try:
        for _ in sessions:
            assert await asyncio.to_thread(entered.acquire, True, 30), "a save() never started"
        other = await asyncio.wait_for(abasic.client_credentials(), 30)
        assert other.access_token and not any(b.done() for b in blocked)
    finally:
        release.set()
    assert len({t.access_token for t in await asyncio.gather(*blocked)}) == 4


def test_threads_with_their_own_loops_share_one_renewal(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    dev.fault("token", delay_ms=300)
    session = oauth2kit.AsyncSession(abasic, client_credentials=True)

    def in_a_loop(_: int) -> str:
        async def go() -> str:
            tokens = await asyncio.gather(*(session.token() for _ in range(5)))
            return tokens[0].access_token

        return asyncio.run(go())

    with ThreadPoolExecutor(6) as pool:
        values = set(pool.map(in_a_loop, range(6)))
    assert len(values) == 1 and dev.count("token") == 1


def start_redis(port: int) -> "subprocess.Popen[bytes]":
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    proc = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            time.sleep(0.05)
    proc.kill()
    raise RuntimeError("redis-server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    port = free_port()
    proc = start_redis(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)


def test_redis_fleet_refreshes_once(dev: DevServer, redis_url: str) -> None:
    dev.fault("token", delay_ms=300)
    key = f"oauth2kit-test-{time.monotonic_ns()}"
    # four "processes": separate clients, sessions and connections, one Redis key
    sessions = [
        oauth2kit.Session(oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url)),
                          store=oauth2kit.RedisStore(redis_url, key), client_credentials=True)
        for _ in range(4)
    ]
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda i: sessions[i % 4].token().access_token, range(8)))
    assert len(set(tokens)) == 1 and dev.count("token") == 1


def test_redis_fleet_of_async_sessions_refreshes_once(dev: DevServer, redis_url: str) -> None:
    dev.fault("token", delay_ms=300)
    key = f"oauth2kit-test-async-{time.monotonic_ns()}"

    async def go() -> List[str]:
        sessions = [
            oauth2kit.AsyncSession(oauth2kit.AsyncClient(BASIC_ID, BASIC_SECRET, **std_options(dev.url)),
                                   store=oauth2kit.RedisStore(redis_url, key), client_credentials=True)
            for _ in range(3)
        ]
        tokens = await asyncio.gather(*(sessions[i % 3].token() for i in range(9)))
        return [t.access_token for t in tokens]

    tokens = asyncio.run(go())
    assert len(set(tokens)) == 1 and dev.count("token") == 1


def test_redis_restart_costs_the_session_nothing(basic: oauth2kit.Client, dev: DevServer) -> None:
    port = free_port()
    proc = start_redis(port)
    try:
        session = oauth2kit.Session(basic, store=oauth2kit.RedisStore(f"redis://127.0.0.1:{port}/0", "restart"),
                                   client_credentials=True)
        first = session.token()
        proc.terminate()
        proc.wait(5)
        proc = start_redis(port)  # a restart, as in a failover: the connection and the data are gone
        session.invalidate(first)
        assert session.token().access_token != first.access_token  # renewed and saved without an error
        assert dev.count("token") == 2
    finally:
        proc.terminate()
        proc.wait(5)


def test_unreachable_redis_is_a_store_error_without_the_password() -> None:
    with pytest.raises(oauth2kit.StoreError) as caught:
        oauth2kit.RedisStore("redis://:hunter2@127.0.0.1:1/0", "k")
    assert "hunter2" not in str(caught.value) and "hunter2" not in repr(caught.value)
