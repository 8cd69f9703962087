"""asyncio: many tasks share one AsyncSession; httpx calls an API with it.

    python async_httpx.py http://127.0.0.1:PORT
"""

from __future__ import annotations

import asyncio
import sys

import httpx

import oauth2kit
from oauth2kit.httpx_auth import OAuth2Auth


async def main(base: str) -> None:
    client = oauth2kit.AsyncClient("basic-client", "basic secret+/&=:%", token_url=f"{base}/token")
    session = oauth2kit.AsyncSession(client, scope="read", on_change=lambda t: print("new token:", t))
    async with httpx.AsyncClient(auth=OAuth2Auth(session), timeout=10) as http:
        responses = await asyncio.gather(*(http.get(f"{base}/resource") for _ in range(10)))
    print([r.status_code for r in responses])  # ten calls, one token request


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080"))
