#!/usr/bin/env python3
"""The test-side CIBA authentication channel (Keycloak's
`ciba-http-auth-channel`): Keycloak POSTs each backchannel authentication
request here (a bearer token to answer it with, the login hint and the
binding message); the channel keeps it and answers 201. A test fetches it by
binding message (`GET /requests?binding_message=...&wait=SECONDS`, a long
poll on a condition, 404 when it has not come) and approves or refuses it
through Keycloak's callback endpoint itself.

    ciba_channel.py PORT       # listens on 127.0.0.1:PORT until killed
"""

from __future__ import annotations

import json
import sys
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

requests: dict[str, dict[str, str]] = {}
arrived = threading.Condition()


class Handler(BaseHTTPRequestHandler):
    def log_message(self, fmt: str, *args: object) -> None:  # no request log: tokens pass here
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            body = {}
        entry = {
            "authorization": self.headers.get("Authorization", ""),
            "login_hint": str(body.get("login_hint", "")),
            "scope": str(body.get("scope", "")),
        }
        with arrived:
            requests[str(body.get("binding_message", ""))] = entry
            arrived.notify_all()
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        url = urllib.parse.urlsplit(self.path)
        q = urllib.parse.parse_qs(url.query)
        if url.path == "/health":
            self._answer(200, {"ok": True})
            return
        message = q.get("binding_message", [""])[0]
        wait = min(float(q.get("wait", ["0"])[0]), 30.0)
        with arrived:
            arrived.wait_for(lambda: message in requests, timeout=wait)
            entry = requests.pop(message, None)
        if entry is None:
            self._answer(404, {"error": "not yet"})
        else:
            self._answer(200, entry)

    def _answer(self, status: int, body: dict[str, object]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
