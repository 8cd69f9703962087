"""Device authorization (RFC 8628) with progress and cancellation.

    python device_flow.py http://127.0.0.1:PORT
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.request

import oauth2kit


def approve_later(base: str, user_code: str) -> None:
    """Stands in for the user approving on another device."""
    body = json.dumps({"user_code": user_code, "approve": True}).encode()
    req = urllib.request.Request(f"{base}/device/approve", data=body, headers={"Content-Type": "application/json"})
    threading.Timer(2.0, lambda: urllib.request.urlopen(req, timeout=10).close()).start()


def main(base: str) -> None:
    client = oauth2kit.Client(
        "basic-client",
        "basic secret+/&=:%",
        token_url=f"{base}/token",
        device_authorization_url=f"{base}/device_authorization",
    )
    auth = client.device_authorization(scope="read")
    print(f"Go to {auth.verification_uri} and enter {auth.user_code}")
    approve_later(base, auth.user_code)

    def progress(event: oauth2kit.PollProgress) -> None:
        print("…", event.kind, event.attempt, f"{event.remaining or 0:.0f}s left")

    cancel = oauth2kit.CancelToken()  # cancel.cancel() from a UI thread stops the wait
    try:
        token = client.poll_device_token(auth, on_progress=progress, cancel=cancel)
    except oauth2kit.ExpiredError:
        print("the code expired; start again")
        return
    print("approved:", token)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
