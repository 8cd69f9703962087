"""Client credentials: a service gets a token and calls an API with it.

    python client_credentials.py http://127.0.0.1:PORT     # a running devserver
"""

from __future__ import annotations

import sys

import requests

import oauth2kit
from oauth2kit.requests_auth import OAuth2Auth


def main(base: str) -> None:
    client = oauth2kit.Client(
        "basic-client",
        "basic secret+/&=:%",
        token_url=f"{base}/token",
    )
    token = client.fetch_token(scope="read")
    print("token expires in", round(token.expires_in or 0), "s:", token)

    # For API calls, let a Session keep the token fresh (renewed once, whatever the threads).
    session = oauth2kit.Session(client, scope="read", client_credentials=True)
    response = requests.get(f"{base}/resource", auth=OAuth2Auth(session), timeout=10)
    print(response.status_code, response.json())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
