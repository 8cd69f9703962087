"""A provider dialect by name: Desko's client credentials (JSON body, its own
error body), and errors you can act on.

    python provider_profile.py http://127.0.0.1:PORT
"""

from __future__ import annotations

import sys

import oauth2kit


def main(base: str) -> None:
    client = oauth2kit.Client("desko-client", "desko-secret", profile="desko", base_url=f"{base}/desko")
    print(client, "->", client.endpoints["token"])
    print(client.fetch_token())

    wrong = oauth2kit.Client("desko-client", "not-the-secret", profile="desko", base_url=f"{base}/desko")
    try:
        wrong.fetch_token()
    except oauth2kit.OAuthError as e:
        print("refused:", e.error, e.description, e.status)
    except oauth2kit.TransportError as e:
        print("network trouble, retry later:", e, e.is_transient)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
