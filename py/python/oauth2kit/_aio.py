"""Delivery of results from the Rust runtime to asyncio futures (called on the
loop's thread through ``call_soon_threadsafe``)."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any


def _set_result(fut: "asyncio.Future[Any]", value: Any) -> None:
    if not fut.done():  # a cancelled caller no longer wants it
        fut.set_result(value)


def _set_exception(fut: "asyncio.Future[Any]", exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)


_WAKERS: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, Any]" = weakref.WeakKeyDictionary()


def _waker(loop: asyncio.AbstractEventLoop) -> Any:
    """The loop's ``LoopWaker`` (made and watched on first use), or None when
    the loop cannot watch a descriptor (Windows' proactor loop): the Rust side
    then delivers through ``call_soon_threadsafe``."""
    try:
        return _WAKERS[loop]
    except KeyError:
        pass
    from ._oauth2kit import LoopWaker

    try:
        waker = LoopWaker()
        loop.add_reader(waker.fileno(), waker.drain)
    except (NotImplementedError, OSError):
        waker = None
    _WAKERS[loop] = waker
    return waker
