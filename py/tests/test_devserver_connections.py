"""The devserver's canned answers keep connections alive for every client.

The Python benchmark compares libraries against canned answers; a client
that sends its form body in a second write after the headers (Python's
http.client, under requests and Authlib) used to get a new connection per
request there, because the answer went out with the body unread. These
tests pin that the devserver reads the body first."""

from __future__ import annotations

import json
import urllib.request

import requests

from conftest import DevServer


def connections(dev: DevServer) -> int:
    with urllib.request.urlopen(f"{dev.url}/control/connections", timeout=10) as r:
        return int(json.load(r)["connections"])


def test_a_canned_answer_keeps_the_connection_for_requests(dev: DevServer) -> None:
    dev.fault("token", status=200, body='{"access_token":"x","token_type":"Bearer"}', times=20)
    form = {"grant_type": "client_credentials", "client_id": "post-client", "client_secret": "post-secret"}
    with requests.Session() as s:
        before = connections(dev)
        for _ in range(20):
            assert s.post(f"{dev.url}/token", data=form, timeout=10).json()["access_token"] == "x"
        # One for the session, one for the urlopen of `connections` itself.
        assert connections(dev) - before == 2
