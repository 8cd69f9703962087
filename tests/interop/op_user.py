#!/usr/bin/env python3
"""The test-side user for oidc-provider (tests/interop/server.mjs): signs in
and consents on its development interaction pages over plain HTTP, with its
own cookie jar, and prints the redirect to the client without following it.
The same walk as src/browser.rs (Browser::authorize), in Python's standard
library, for the C and Kotlin tests (a browser is not what they test):

    op_user.py login AUTH_URL [USER]     # prints the redirect URL (USER: alice)

oidc-provider's dev login accepts any user name and password; the account's
`sub` is the user name. Each run is a fresh jar (oidc-provider remembers a
login and its grant per session). Exit status 1, with the page's visible text
on stderr, when a page is not what a user could get through. Prints nothing
but the redirect it was asked for.
"""

from __future__ import annotations

import http.client
import sys
import urllib.parse
from html.parser import HTMLParser

MAX_STEPS = 25


class FlowError(Exception):
    """The scripted user could not get through oidc-provider's pages."""


class _Page(HTMLParser):
    """The first <form> of a page (action, method, named inputs) and its visible text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form: dict | None = None
        self._in_form = False
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v or "") for k, v in attrs}
        if tag in ("style", "script"):
            self._skip += 1
        elif tag == "form" and self.form is None:
            self.form = {"action": a.get("action", ""), "method": a.get("method", "get").upper(), "inputs": []}
            self._in_form = True
        elif tag == "input" and self._in_form and a.get("name"):
            self.form["inputs"].append((a["name"], a.get("type", "text").lower(), a.get("value", "")))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1
        elif tag == "form":
            self._in_form = False

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.text.append(data)


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def excerpt(page: str) -> str:
    return " ".join(" ".join(parse(page).text).split())[:300]


class User:
    """A user agent with a cookie jar keyed by cookie name (one host: the
    loopback server; oidc-provider's cookie names are distinct per path)."""

    def __init__(self, login: str) -> None:
        self.login = login
        self.jar: dict[str, str] = {}

    def request(self, method: str, url: str, form: list[tuple[str, str]] | None = None) -> tuple[int, str, str]:
        """One request, no redirect followed: (status, absolute Location or "", body)."""
        u = urllib.parse.urlsplit(url)
        if u.scheme != "http" or u.hostname not in ("127.0.0.1", "localhost"):
            raise FlowError(f"refusing to leave loopback http: {u.scheme}://{u.hostname}")
        conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=20)
        headers = {"Accept": "text/html"}
        if self.jar:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, (u.path or "/") + (f"?{u.query}" if u.query else ""), body=body, headers=headers)
            resp = conn.getresponse()
            for name, value in resp.getheaders():
                if name.lower() == "set-cookie":
                    k, _, v = value.split(";", 1)[0].partition("=")
                    low = value.lower()
                    if "max-age=0" in low or "expires=thu, 01 jan 1970" in low:
                        self.jar.pop(k.strip(), None)
                    else:
                        self.jar[k.strip()] = v.strip()
            text = resp.read().decode("utf-8", "replace")
            location = resp.getheader("Location") or ""
        except OSError as e:
            raise FlowError(f"{method} {url.split('?')[0]} failed: {e}") from e
        finally:
            conn.close()
        return resp.status, urllib.parse.urljoin(url, location) if location else "", text

    def fill(self, inputs: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
        """What a user gives: hidden fields as they are, a login and a password."""
        out = []
        for name, _kind, value in inputs:
            if name == "login":
                value = self.login
            elif name == "password":
                value = "any password"
            out.append((name, value))
        return out

    def authorize(self, auth_url: str) -> str:
        """Follows redirects and submits forms until a redirect leaves the
        server's origin; returns that redirect (not followed)."""
        start = urllib.parse.urlsplit(auth_url)
        origin = (start.scheme, start.netloc)
        status, location, body = self.request("GET", auth_url)
        current = auth_url
        for _ in range(MAX_STEPS):
            if status in (301, 302, 303, 307, 308):
                if not location:
                    raise FlowError(f"{status} from {current.split('?')[0]} without a Location")
                nxt = urllib.parse.urlsplit(location)
                if (nxt.scheme, nxt.netloc) != origin:
                    return location
                current = location
                status, location, body = self.request("GET", current)
                continue
            if status != 200:
                raise FlowError(f"HTTP {status} from {current.split('?')[0]}: {excerpt(body)}")
            page = parse(body)
            if page.form is None:
                raise FlowError(f"the server showed a page instead of redirecting back: {excerpt(body)}")
            action = urllib.parse.urljoin(current, page.form["action"] or current)
            fields = self.fill(page.form["inputs"])
            if page.form["method"] == "GET":
                current = action.split("?")[0] + "?" + urllib.parse.urlencode(fields)
                status, location, body = self.request("GET", current)
            else:
                current = action
                status, location, body = self.request("POST", action, fields)
        raise FlowError(f"more than {MAX_STEPS} pages and redirects; stopped at {current.split('?')[0]}")


def main(argv: list[str]) -> int:
    if argv[:1] != ["login"] or len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    try:
        print(User(argv[2] if len(argv) == 3 else "alice").authorize(argv[1]))
    except FlowError as e:
        print(f"op_user: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
