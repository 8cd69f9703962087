"""Threads, asyncio, the GIL and fork."""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, std_options


def test_thread_stampede_makes_one_token_request(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", delay_ms=300)  # keep the first request in flight while the others arrive
    session = oauth2kit.Session(basic, scope="read", client_credentials=True)
    barrier = threading.Barrier(16)

    def worker() -> str:
        barrier.wait()
        return session.token().access_token

    with ThreadPoolExecutor(16) as pool:
        tokens = list(pool.map(lambda _: worker(), range(16)))
    assert len(set(tokens)) == 1
    assert dev.count("token") == 1


async def test_asyncio_stampede_makes_one_token_request(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    dev.fault("token", delay_ms=300)
    session = oauth2kit.AsyncSession(abasic, client_credentials=True)
    tokens = await asyncio.gather(*(session.token() for _ in range(1000)))
    assert len({t.access_token for t in tokens}) == 1
    assert dev.count("token") == 1


def test_refresh_stampede_and_on_update(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.token_lifetime(1)  # every token is expired within the session's leeway
    first = basic.password("alice", "wonderland")
    updates: list[oauth2kit.Token] = []
    store = oauth2kit.MemoryStore()
    session = oauth2kit.Session(basic, first, refresh_margin=30, store=store, on_change=updates.append)
    dev.reset()
    dev.token_lifetime(3600)
    dev.fault("token", delay_ms=200)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: session.token(), range(8)))
    assert len({t.access_token for t in results}) == 1 and results[0].access_token != first.access_token
    assert dev.count("token") == 1 and len(updates) == 1 and store.load() == results[0]


def test_failed_renewal_does_not_hang_later_calls(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, "wrong", **std_options(dev.url))
    session = oauth2kit.Session(c, client_credentials=True)
    for _ in range(2):
        with pytest.raises(oauth2kit.OAuthError):
            session.token()
    assert dev.count("token") == 2


def test_gil_is_released_during_requests(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", delay_ms=800)
    ticks = 0
    done = threading.Event()

    def count() -> None:
        nonlocal ticks
        while not done.is_set():
            ticks += 1
            time.sleep(0.001)

    t = threading.Thread(target=count)
    t.start()
    try:
        started = time.monotonic()
        basic.client_credentials()
        elapsed = time.monotonic() - started
    finally:
        done.set()
        t.join()
    assert elapsed >= 0.7
    # With the GIL held for 0.8 s the counter could not move; released, it ticks hundreds of times.
    assert ticks > 100, ticks


def test_one_client_shared_by_threads(basic: oauth2kit.Client, dev: DevServer) -> None:
    with ThreadPoolExecutor(8) as pool:
        tokens = list(pool.map(lambda _: basic.client_credentials().access_token, range(40)))
    assert len(set(tokens)) == 40 and dev.count("token") == 40


async def in_flight(dev: DevServer, endpoint: str, n: int = 1) -> None:
    """Waits (without blocking the loop) until the server has received `n` requests at `endpoint`."""
    while await asyncio.to_thread(dev.count, endpoint) < n:
        await asyncio.sleep(0.01)


async def test_cancelling_an_async_call(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    dev.fault("token", delay_ms=5000)
    task = asyncio.ensure_future(abasic.client_credentials())
    await in_flight(dev, "token")
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert (await abasic.introspect_token("unknown"))["active"] is False  # still usable


async def test_wait_for_times_out_an_async_call(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    dev.fault("token", delay_ms=5000)
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(abasic.client_credentials(), 0.3)
    assert (await abasic.client_credentials()).access_token  # the fault was used once: this one is served


async def test_a_slow_server_does_not_stall_other_tasks(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    # The token endpoint holds its answer for 3 s. While it does, the same
    # client serves 20 introspections and the loop runs a task of its own:
    # had the slow request blocked the event loop (or the thread that drives
    # every request), none of them could finish before it.
    dev.fault("token", delay_ms=3000)
    slow = asyncio.ensure_future(abasic.client_credentials())
    await in_flight(dev, "token")
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while not slow.done():
            ticks += 1
            await asyncio.sleep(0)

    tick = asyncio.ensure_future(ticker())
    answers = await asyncio.gather(*(abasic.introspect_token(f"unknown-{i}") for i in range(20)))
    assert all(a["active"] is False for a in answers)
    assert not slow.done(), "the slow request finished first: the test proved nothing"
    assert ticks > 0
    assert (await slow).access_token
    await tick


def test_sync_call_inside_a_running_loop_still_works(basic: oauth2kit.Client) -> None:
    async def main() -> str:
        return basic.client_credentials().access_token  # blocks the loop, but must not deadlock

    assert asyncio.run(main())


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")
def test_forked_child_gets_a_clear_error_and_can_start_again(dev: DevServer, basic: oauth2kit.Client) -> None:
    """A client from the parent fails fast in the child (its connections are
    the parent's); a client made in the child works on a runtime of its own."""
    basic.client_credentials()  # the runtime is running in the parent
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: must not hang
        code = 3
        try:
            basic.client_credentials()
            code = 1
        except oauth2kit.RuntimeUnavailableError as e:
            code = 0 if "fork" in str(e) else 2
        except BaseException:
            code = 4
        if code == 0:
            try:
                fresh = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))
                code = 0 if fresh.client_credentials().access_token else 5
            except BaseException:
                code = 6
        os.write(w, bytes([code]))
        os._exit(0)
    os.close(w)
    import select
    import signal

    ready, _, _ = select.select([r], [], [], 10)
    data = os.read(r, 1) if ready else b""
    if not ready:
        os.kill(pid, signal.SIGKILL)  # the child hung: that is the failure this test exists for
    os.waitpid(pid, 0)
    assert data == b"\x00", data


def test_interpreter_exits_cleanly_with_requests_in_flight(dev: DevServer) -> None:
    """Pitfall: runtime threads calling into a finalizing interpreter. A sync
    call in a daemon thread and an async one on a loop are both in flight when
    Python exits: the process must end promptly and without a crash."""
    import subprocess

    script = f"""
import asyncio, threading, time, oauth2kit
opts = dict(token_url={dev.url + '/token'!r})
sync = oauth2kit.Client({BASIC_ID!r}, {BASIC_SECRET!r}, **opts)
threading.Thread(target=sync.client_credentials, daemon=True).start()
aclient = oauth2kit.AsyncClient({BASIC_ID!r}, {BASIC_SECRET!r}, **opts)
async def main():
    global pending
    pending = asyncio.ensure_future(aclient.client_credentials())
    await asyncio.sleep(0.25)
asyncio.run(main())
time.sleep(0.04)
print("bye", flush=True)
"""
    for _ in range(4):  # the race is timing-dependent: try it several times
        dev.fault("token", delay_ms=300, times=2)
        started = time.monotonic()
        p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=20)
        assert p.returncode == 0, p.stderr
        assert p.stdout.strip() == "bye" and "panic" not in p.stderr.lower(), p.stderr
        assert time.monotonic() - started < 10
