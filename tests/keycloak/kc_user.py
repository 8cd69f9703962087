#!/usr/bin/env python3
"""The test-side user for the Keycloak suite: signs in on Keycloak's login
pages over plain HTTP with its own cookie jar, approves device codes, and
approves CIBA requests through the test authentication channel.

Used as a module by the Python tests and as a command by the C and Kotlin
tests (a browser is not what they test):

    kc_user.py login AUTH_URL USER PASSWORD [--follow]   # prints the redirect URL
    kc_user.py device VERIFICATION_URL USER PASSWORD     # approves a device code
    kc_user.py ciba FIXTURES BINDING_MESSAGE             # approves a CIBA request

Keycloak marks its login cookies `Secure` even over http on loopback; like a
browser (which treats http://127.0.0.1 as a secure context) this jar sends
them back there. It never follows a redirect to the client's redirect URI
unless asked (`--follow`, for a loopback listener), and prints no secret
other than the redirect it was asked for.
"""

from __future__ import annotations

import html
import http.client
import json
import sys
import time
import urllib.parse
from html.parser import HTMLParser
from typing import Any


class FlowError(Exception):
    """The scripted user could not get through Keycloak's pages."""


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.forms.append({"action": a.get("action", ""), "id": a.get("id", ""), "fields": {}, "buttons": []})
        elif tag in ("input", "button") and self.forms:
            name = a.get("name")
            kind = a.get("type", "submit" if tag == "button" else "text")
            if not name:
                return
            if kind == "submit":
                self.forms[-1]["buttons"].append((name, a.get("value", "")))
            else:
                self.forms[-1]["fields"][name] = a.get("value", "")


def forms(page: str) -> list[dict[str, Any]]:
    p = _Forms()
    p.feed(page)
    return p.forms


class User:
    """A user agent with a cookie jar keyed by cookie name (one host: the
    loopback Keycloak), which sends `Secure` cookies over http to 127.0.0.1."""

    def __init__(self) -> None:
        self.jar: dict[str, str] = {}

    def request(self, method: str, url: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        """One request, no redirect followed: (status, Location, body)."""
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http" or u.hostname not in ("127.0.0.1", "localhost"):
            raise FlowError(f"refusing to leave loopback http: {u.scheme}://{u.hostname}")
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)
        headers = {"Accept": "text/html"}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        path = u.path + (f"?{u.query}" if u.query else "")
        conn.request(method, path or "/", body=body, headers=headers)
        resp = conn.getresponse()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                k, _, v = pair.partition("=")
                if "max-age=0" in value.lower() or "expires=thu, 01 jan 1970" in value.lower():
                    self.jar.pop(k.strip(), None)
                else:
                    self.jar[k.strip()] = v.strip()
        text = resp.read().decode("utf-8", "replace")
        location = resp.getheader("Location") or ""
        conn.close()
        return resp.status, urllib.parse.urljoin(url, location) if location else "", text

    def _browse(self, url: str, stop: str | None) -> tuple[str, str]:
        """GETs url and follows redirects until a page (returned as (url, body))
        or a redirect off the origin `stop` (returned as (location, ""))."""
        for _ in range(10):
            status, location, body = self.request("GET", url)
            if status in (301, 302, 303, 307, 308):
                if stop and not location.startswith(stop):
                    return location, ""
                url = location
                continue
            if status != 200:
                raise FlowError(f"GET {url.split('?')[0]} answered {status}: {_message(body)}")
            return url, body
        raise FlowError("too many redirects")

    def _submit_login(self, page: str, username: str, password: str, url: str) -> tuple[int, str, str]:
        login = next((f for f in forms(page) if f["id"] == "kc-form-login"), None)
        if login is None:
            raise FlowError(f"no login form on the page: {_message(page)}")
        fields = dict(login["fields"])
        fields.update({"username": username, "password": password})
        fields.pop("credentialId", None)
        return self.request("POST", urllib.parse.urljoin(url, html.unescape(login["action"])), fields)

    def login(self, auth_url: str, username: str, password: str, follow: bool = False) -> str:
        """Signs in and returns the redirect to the client: the first redirect
        that leaves Keycloak's origin (not followed, unless `follow`: then it
        is fetched, as a browser does for a loopback listener)."""
        u = urllib.parse.urlsplit(auth_url)
        keycloak = f"{u.scheme}://{u.netloc}/"
        url, page = self._browse(auth_url, keycloak)
        if not page:
            location = url  # already signed in
        else:
            status, location, body = self._submit_login(page, username, password, url)
            if status not in (302, 303):
                raise FlowError(f"login answered {status}: {_message(body)}")
            if location.startswith(keycloak):
                raise FlowError(f"login stayed on Keycloak: {location.split('?')[0]}")
        if follow:
            self.request("GET", location)
        return location

    def approve_device(self, verification_url: str, username: str, password: str, grant: bool = True) -> None:
        """Enters the device flow at verification_uri_complete, signs in and
        answers the consent page."""
        url, page = self._browse(verification_url, None)
        for _ in range(5):
            fs = forms(page)
            if any(f["id"] == "kc-form-login" for f in fs):
                status, location, page = self._submit_login(page, username, password, url)
            else:
                consent = next((f for f in fs if any(b[0] in ("accept", "cancel") for b in f["buttons"])), None)
                if consent is None:
                    if "success" in page.lower() or "device login successful" in page.lower():
                        return
                    if not grant and ("denied" in page.lower() or "cancel" in page.lower()):
                        return
                    raise FlowError(f"unexpected device page: {_message(page)}")
                fields = dict(consent["fields"])
                fields["accept" if grant else "cancel"] = "Yes" if grant else "No"
                url = urllib.parse.urljoin(url, html.unescape(consent["action"]))
                status, location, page = self.request("POST", url, fields)
            if status in (302, 303):
                url, page = self._browse(location, None)
            elif status != 200:
                raise FlowError(f"device page answered {status}: {_message(page)}")
        raise FlowError("device approval did not finish")


def _message(page: str) -> str:
    """The feedback text of a Keycloak page, for error messages (no secrets on it)."""
    for marker in ('id="input-error"', 'class="pf-v5-c-alert__title', "kc-page-title", "<title>"):
        i = page.find(marker)
        if i >= 0:
            snippet = page[i:i + 300]
            return " ".join(html.unescape(_strip_tags(snippet)).split())[:200]
    return " ".join(_strip_tags(page).split())[:200]


def _strip_tags(s: str) -> str:
    out, inside = [], False
    for ch in s:
        if ch == "<":
            inside = True
        elif ch == ">":
            inside = False
        elif not inside:
            out.append(ch)
    return "".join(out)


def ciba_approve(fixtures: dict[str, Any], binding_message: str, approve: bool = True,
                 timeout: float = 30.0) -> None:
    """Waits for Keycloak to post the CIBA request with this binding message
    to the test channel, then answers it through Keycloak's callback."""
    deadline = time.monotonic() + timeout
    query = urllib.parse.urlencode({"binding_message": binding_message, "wait": "5"})
    channel = urllib.parse.urlsplit(fixtures["ciba_channel"])
    while True:
        conn = http.client.HTTPConnection(channel.hostname, channel.port, timeout=30)
        conn.request("GET", f"/requests?{query}")
        resp = conn.getresponse()
        body = resp.read()
        conn.close()
        if resp.status == 200:
            token = json.loads(body)["authorization"]
            break
        if time.monotonic() > deadline:
            raise FlowError(f"no CIBA request with binding message {binding_message!r} reached the channel")
    cb = urllib.parse.urlsplit(fixtures["ciba_callback"])
    conn = http.client.HTTPConnection(cb.hostname, cb.port, timeout=30)
    conn.request("POST", cb.path, body=json.dumps({"status": "SUCCEED" if approve else "UNAUTHORIZED"}),
                 headers={"Authorization": token, "Content-Type": "application/json"})
    resp = conn.getresponse()
    text = resp.read().decode("utf-8", "replace")
    conn.close()
    if resp.status not in (200, 204):
        raise FlowError(f"CIBA callback answered {resp.status}: {text[:200]}")


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["login"] and len(argv) in (4, 5):
            print(User().login(argv[1], argv[2], argv[3], follow=argv[4:] == ["--follow"]))
        elif argv[:1] == ["device"] and len(argv) == 4:
            User().approve_device(argv[1], argv[2], argv[3])
        elif argv[:1] == ["ciba"] and len(argv) == 3:
            with open(argv[1]) as f:
                ciba_approve(json.load(f), argv[2])
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except FlowError as e:
        print(f"kc_user: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
