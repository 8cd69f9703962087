#!/usr/bin/env python3
"""A hostile token server for the test suites: one fault per mode, chosen by
the first path segment (`http://127.0.0.1:PORT/<mode>/token`). Loopback only.

Prints its base URL on the first line of stdout once it listens (tests wait
on that line, never on a sleep), then on the second line the base URL of a
TLS listener whose certificate is self-signed (core/tests/data; no client
trusts it: every request there must fail at the handshake), and exits when
stdin closes, so a test that dies takes the server with it.

Every token it sends is a LEAK-… value: a test fails if one shows up in an
error. The modes are listed in MODES with what a client must make of them.
"""

from __future__ import annotations

from typing import Iterator

import email.utils
import gzip
import json
import os
import socket
import socketserver
import ssl
import struct
import sys
import threading
import time

ACCESS_TOKEN = "LEAK-AT-7d2e41"
REFRESH_TOKEN = "LEAK-RT-9b4f03"
# A JWT (alg none; never verified) whose exp is 1e19: read for scheduling only.
JWT_EXP_1E19 = "eyJhbGciOiJub25lIn0.eyJleHAiOjFlMTksInN1YiI6IkxFQUsifQ.LEAK-SIG"
U64_MAX = 18446744073709551615


def token_json(expires_in: str) -> bytes:
    return ('{"access_token":"%s","token_type":"Bearer","expires_in":%s}' % (ACCESS_TOKEN, expires_in)).encode()


# mode -> (status, content type, body) for the modes that are plain answers;
# the others are handled in Handler.fault. The comment says what a client must do.
ANSWERS = {
    # success, lifetime clamped to 100 years
    "expires_1e19": (200, "application/json", token_json("1e19")),
    "expires_20_digits": (200, "application/json", token_json("99999999999999999999")),
    "expires_1e300_string": (200, "application/json", token_json('"1e300"')),
    # success, already expired
    "expires_negative": (200, "application/json", token_json("-5")),
    # success, expiry from the JWT clamped
    "jwt_exp_1e19": (200, "application/json", ('{"access_token":"%s","token_type":"Bearer"}' % JWT_EXP_1E19).encode()),
    # code 3 (http), tokens redacted from the body
    "truncated_500": (500, "application/json", ('{"error_note":"oops","access_token":"%s' % ACCESS_TOKEN).encode()),
    # code 4 (invalid_response)
    "trailing_comma": (
        200,
        "application/json",
        ('{"access_token":"%s","refresh_token":"%s",}' % (ACCESS_TOKEN, REFRESH_TOKEN)).encode(),
    ),
    # code 1 (oauth): the error is read, the refresh token in it is not shown
    "form_error_newline": (
        400,
        "application/x-www-form-urlencoded",
        ("error=invalid_request&error_description=bad&refresh_token=%s\n" % REFRESH_TOKEN).encode(),
    ),
    # success: a number is taken as the token's text
    "token_number": (200, "application/json", b'{"access_token":12345678901,"token_type":"Bearer"}'),
    # code 4
    "token_null": (200, "application/json", b'{"access_token":null,"token_type":"Bearer"}'),
    "token_object": (200, "application/json", ('{"access_token":{"v":"%s"},"token_type":"Bearer"}' % ACCESS_TOKEN).encode()),
    "html_200": (200, "text/html", b"<html><body>Please sign in</body></html>"),
    # device authorization: success, expires_in and interval clamped
    "device_huge": (
        200,
        "application/json",
        (
            '{"device_code":"LEAK-DC-1","user_code":"WDJB-MJHT","verification_uri":"https://as.example/device",'
            '"expires_in":%d,"interval":%d}' % (U64_MAX, U64_MAX)
        ).encode(),
    ),
}
# Modes with a fault below the answer: 500 echoing the request (code 3), 302
# to a relative Location with a token fragment (code 5), a Content-Length
# larger than the body (code 7), a reset in the middle of the body (code 7),
# no answer at all (code 8), a 429 with `Retry-After: 7` and a 503 with an
# HTTP-date `Retry-After` 30 s ahead (code 3, the wait kept in the error), a
# body dripped at 1 byte/s (code 8: the whole-request timeout), 100 MB
# announced by Content-Length and 100 MB without one (code 6: the 1 MiB cap,
# read no further), and a gzip bomb (10 MB of zeros in 10 KB, sent as
# `Content-Encoding: gzip` although the client never offers gzip: code 4,
# never inflated).
FAULTS = {
    "echo_500",
    "relative_redirect",
    "short_body",
    "reset_mid_body",
    "never_answers",
    "retry_after_429",
    "retry_after_503_date",
    "drip",
    "huge_body",
    "huge_unannounced",
    "gzip_bomb",
}
HUGE = 100 * 1024 * 1024
GZIP_BOMB = gzip.compress(b"\0" * (10 * 1024 * 1024), compresslevel=9)
MODES = sorted(set(ANSWERS) | FAULTS)


class Handler(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        sock: socket.socket = self.request
        request = self.read_request(sock)
        if request is None:
            return
        line, raw = request
        path = line.split(" ")[1] if line.count(" ") >= 2 else "/"
        mode = path.lstrip("/").split("/")[0]
        if mode in ANSWERS:
            status, ctype, body = ANSWERS[mode]
            self.send(sock, status, ctype, body)
        elif mode == "echo_500":
            self.send(sock, 500, "text/plain", b"could not handle this request:\n" + raw)
        elif mode == "relative_redirect":
            location = "/cb#access_token=%s&token_type=bearer&state=x" % ACCESS_TOKEN
            self.send(sock, 302, "text/plain", b"", [("Location", location)])
        elif mode == "short_body":
            body = token_json("3600")
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (len(body) + 500)
            sock.sendall(head.encode() + body)
            sock.shutdown(socket.SHUT_WR)
        elif mode == "reset_mid_body":
            body = token_json("3600")
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            sock.sendall(head.encode() + body[: len(body) // 2])
            # SO_LINGER 0: close sends RST, not FIN.
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif mode == "never_answers":
            # Hold the connection open until the client gives up (its timeout).
            while sock.recv(4096):
                pass
        elif mode == "retry_after_429":
            self.send(sock, 429, "text/plain", b"slow down", [("Retry-After", "7")])
        elif mode == "retry_after_503_date":
            when = email.utils.formatdate(time.time() + 30, usegmt=True)
            self.send(sock, 503, "text/plain", b"maintenance", [("Retry-After", when)])
        elif mode == "drip":
            body = token_json("3600")
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % len(body)
            self.stream(sock, head.encode(), (body[i : i + 1] for i in range(len(body))), pause=1.0)
        elif mode in ("huge_body", "huge_unannounced"):
            length = "Content-Length: %d\r\n" % HUGE if mode == "huge_body" else "Connection: close\r\n"
            head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n%s\r\n" % length
            chunk = b" " * 65536
            self.stream(sock, head.encode(), (chunk for _ in range(HUGE // len(chunk))))
        elif mode == "gzip_bomb":
            self.send(sock, 200, "application/json", GZIP_BOMB, [("Content-Encoding", "gzip")])
        else:
            self.send(sock, 404, "text/plain", ("unknown mode; modes: %s" % " ".join(MODES)).encode())

    @staticmethod
    def read_request(sock: socket.socket) -> "tuple[str, bytes] | None":
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = sock.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for h in head.split(b"\r\n")[1:]:
            name, _, value = h.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip() or 0)
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
        return head.split(b"\r\n")[0].decode("latin-1"), data[: len(head) + 4] + body

    @staticmethod
    def stream(sock: socket.socket, head: bytes, parts: "Iterator[bytes]", pause: float = 0.0) -> None:
        """Sends the head, then each part (waiting `pause` seconds between
        them: the fault is the server's slowness), until done or the client
        hangs up."""
        try:
            sock.sendall(head)
            for part in parts:
                if pause:
                    time.sleep(pause)
                sock.sendall(part)
        except OSError:
            pass  # the client gave up: what it should do

    @staticmethod
    def send(sock: socket.socket, status: int, ctype: str, body: bytes, headers: "list[tuple[str, str]] | None" = None) -> None:
        lines = ["HTTP/1.1 %d Hostile" % status, "Content-Type: " + ctype, "Content-Length: %d" % len(body), "Connection: close"]
        lines += ["%s: %s" % h for h in headers or []]
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class TlsServer(Server):
    """HTTPS with a self-signed certificate: the client's handshake fails."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        data = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "core", "tests", "data")
        self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.context.load_cert_chain(os.path.join(data, "self-signed.cert.pem"), os.path.join(data, "self-signed.key.pem"))

    def get_request(self) -> "tuple[socket.socket, object]":
        sock, addr = super().get_request()
        return self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the refused handshakes are the point


def main() -> None:
    if "--modes" in sys.argv:
        print(json.dumps(MODES))
        return
    server = Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    tls = TlsServer()
    threading.Thread(target=tls.serve_forever, daemon=True).start()
    print("http://127.0.0.1:%d" % server.server_address[1], flush=True)
    print("https://127.0.0.1:%d" % tls.server_address[1], flush=True)
    sys.stdin.read()  # until the test closes our stdin (or dies)


if __name__ == "__main__":
    main()
