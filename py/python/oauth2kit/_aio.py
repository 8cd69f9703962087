"""Delivery of results from the Rust runtime to asyncio futures (called on the
loop's thread through ``call_soon_threadsafe``)."""

from __future__ import annotations

import asyncio
from typing import Any


def _set_result(fut: "asyncio.Future[Any]", value: Any) -> None:
    if not fut.done():  # a cancelled caller no longer wants it
        fut.set_result(value)


def _set_exception(fut: "asyncio.Future[Any]", exc: BaseException) -> None:
    if not fut.done():
        fut.set_exception(exc)
