"""The four provider documents' flows, each against its devserver dialect
(strict about the wire format the document shows), through built-in profiles
and a profile loaded from a file."""

from __future__ import annotations

import http.server
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator, List

import pytest
import requests

import oauth2kit
from conftest import REDIRECT, REPO, DevServer, follow_authorize
from oauth2kit.requests_auth import OAuth2Auth


def test_builtin_profiles() -> None:
    names = oauth2kit.Profile.builtin_names()
    assert {"rfc6749", "generic", "deskera-v2", "deskera-v1", "desko"} <= set(names)
    assert oauth2kit.Profile.load("desko").name == "desko"


def test_deskera_v2_link_code_validate_refresh(dev: DevServer) -> None:
    dev._call("/control/callback-uri", {"client_id": "deskera-client", "uri": REDIRECT})
    c = oauth2kit.Client("deskera-client", "deskera-secret", profile="deskera-v2", base_url=f"{dev.url}/deskera-v2")
    req = c.create_authorization_url()
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))
    assert q["scope"] == "write" and "code_challenge" not in q and "redirect_uri" not in q
    token = c.fetch_token(follow_authorize(req.url), request=req)
    name, value = c.authorization_header(token)
    assert name.lower() == "x-access-token" and value == token.access_token
    assert c.validate(token) is True
    refreshed = c.refresh_token(token)
    assert refreshed.access_token != token.access_token and c.validate(refreshed)
    assert c.validate(oauth2kit.Token("not-a-deskera-token")) is False
    assert dev.count("deskera-v2/token") == 2 and dev.count("deskera-v2/validate") == 3


class _Callback(http.server.BaseHTTPRequestHandler):
    seen: List[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        type(self).seen.append(self.path)
        self.send_response(200)
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def callback_listener() -> Iterator[str]:
    _Callback.seen = []
    srv = http.server.HTTPServer(("127.0.0.1", 0), _Callback)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/deskera-callback"
    srv.shutdown()


def test_deskera_v1_server_callback_code_refresh(dev: DevServer, callback_listener: str) -> None:
    dev._call("/control/callback-uri", {"client_id": "deskera-v1-client", "uri": callback_listener})
    c = oauth2kit.Client("deskera-v1-client", "deskera-v1-secret", profile="deskera-v1",
                         base_url=f"{dev.url}/deskera-v1", redirect_uri=REDIRECT)
    req = c.create_authorization_url()
    follow_authorize(req.url)  # the server calls our callback, then sends the user on
    assert _Callback.seen, "the server did not call the app's callback"
    token = c.fetch_token(callback_listener + _Callback.seen[-1][len("/deskera-callback"):], request=req)
    assert token.access_token and token.refresh_token
    assert c.authorization_header(token)[0].lower() == "x-access-token"
    assert c.validate(token)
    refreshed = c.refresh_token(token)  # JSON camelCase body at the refresh endpoint
    assert refreshed.access_token != token.access_token and refreshed.refresh_token != token.refresh_token
    assert c.validate(refreshed)
    assert dev.count("deskera-v1/refresh") == 1


def test_deskera_v1_callback_handler_answers_the_provider(dev: DevServer) -> None:
    c = oauth2kit.Client("deskera-v1-client", "deskera-v1-secret", profile="deskera-v1",
                         base_url=f"{dev.url}/deskera-v1", redirect_uri=REDIRECT)
    handler = oauth2kit.CallbackHandler(c)
    results: List[oauth2kit.CallbackResult] = []

    class View(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            result = handler.handle(self.path)  # what a web framework's view does
            results.append(result)
            self.send_response(result.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    srv = http.server.HTTPServer(("127.0.0.1", 0), View)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        callback = f"http://127.0.0.1:{srv.server_address[1]}/cb"
        dev._call("/control/callback-uri", {"client_id": "deskera-v1-client", "uri": callback})
        follow_authorize(handler.begin())  # the provider calls our view, then sends the user on
        assert len(results) == 1 and results[0].ok and results[0].status == 200, results
        token = results[0].token
        assert token is not None and token.access_token and token.refresh_token and results[0].scope == "write"
        assert c.validate(token)
        # A forged callback (a state we never issued): not ours, 400, a typed error.
        with pytest.raises(urllib.error.HTTPError) as forged:
            urllib.request.urlopen(callback + "?code=x&state=forged")
        assert forged.value.code == 400
    finally:
        srv.shutdown()
    assert [r.status for r in results] == [200, 400]
    assert isinstance(results[1].error, oauth2kit.StateMismatchError) and results[1].token is None


async def test_callback_handler_from_asyncio(dev: DevServer) -> None:
    c = oauth2kit.AsyncClient("deskera-v1-client", "deskera-v1-secret", profile="deskera-v1",
                              base_url=f"{dev.url}/deskera-v1", redirect_uri=REDIRECT)
    handler = oauth2kit.CallbackHandler(c)
    url = handler.begin(scope="write")
    state = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))["state"]
    # The provider reports an error for our state: 400, the OAuth error typed.
    result = await handler.handle_async(f"/cb?error=access_denied&state={state}")
    assert result.status == 400 and isinstance(result.error, oauth2kit.OAuthError) and not result.ok


def test_desko_client_credentials_json_body_and_own_errors(dev: DevServer) -> None:
    c = oauth2kit.Client("desko-client", "desko-secret", profile="desko", base_url=f"{dev.url}/desko")
    token = c.fetch_token()
    assert token.access_token
    r = requests.get(f"{dev.url}/desko/v1.1/resource", auth=OAuth2Auth(oauth2kit.Session(c, client_credentials=True)))
    assert r.status_code == 200
    bad = oauth2kit.Client("desko-client", "wrong", profile="desko", base_url=f"{dev.url}/desko")
    with pytest.raises(oauth2kit.OAuthError) as ei:
        bad.fetch_token()
    e = ei.value
    assert e.status and e.status >= 400 and e.error and e.body and "wrong" not in str(e)


def test_generic_code_flow_from_a_profile_file(dev: DevServer, tmp_path: Path) -> None:
    text = (REPO / "core" / "profiles" / "generic.toml").read_text().replace('name = "generic"', 'name = "my-generic"')
    path = tmp_path / "my-generic.toml"
    path.write_text(text)
    profile = oauth2kit.Profile.load(path)
    assert profile.name == "my-generic"
    c = oauth2kit.Client("generic-client", "generic-secret", profile=str(path), base_url=f"{dev.url}/generic",
                         redirect_uri=REDIRECT)
    assert c.auth_method == "client_secret_post"
    req = c.create_authorization_url(scope="read")
    token = c.fetch_token(follow_authorize(req.url), request=req)
    assert token.refresh_token
    assert c.refresh_token(token).access_token != token.access_token
    assert dev.count("generic/token") == 2
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Profile.from_text('name = "x"\nunknown_field = 1')
