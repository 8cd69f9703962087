"""Authorization code with PKCE and the state check, the way a web app does it.

    python authorization_code.py http://127.0.0.1:PORT     # a running devserver (it auto-approves)
"""

from __future__ import annotations

import sys
import urllib.error
import urllib.request

import oauth2kit


def visit(url: str) -> str:
    """Stands in for the browser: the devserver approves at once and redirects."""

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    try:
        urllib.request.build_opener(Stop).open(url, timeout=10)
    except urllib.error.HTTPError as e:
        return str(e.headers["Location"])
    raise RuntimeError("no redirect")


def main(base: str) -> None:
    client = oauth2kit.Client(
        "basic-client",
        "basic secret+/&=:%",
        authorization_url=f"{base}/authorize",
        token_url=f"{base}/token",
        revocation_url=f"{base}/revoke",
        redirect_uri="http://127.0.0.1/callback",
    )
    request = client.create_authorization_url(scope="openid profile")  # state + PKCE S256
    saved = request.to_json()  # keep server-side (it holds the PKCE verifier)

    redirect = visit(request.url)  # ... the user comes back to the redirect URI

    try:
        token = client.fetch_token(redirect, request=oauth2kit.AuthorizationRequest.from_json(saved))
    except oauth2kit.StateMismatchError:
        print("this redirect is not ours: refusing it")
        return
    print("got", token)
    token = client.refresh_token(token)
    print("refreshed", token)
    client.revoke_token(token, token_type_hint="refresh_token")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
