"""JARM (JWT Secured Authorization Response Mode) against the devserver: the
``response_mode`` option, the response validated with the devserver's JWKS
before its code is used (query, fragment and form post), and every spoiled
response refused with ``InvalidResponseError`` naming the check, before any
token request."""

from __future__ import annotations

import re
import urllib.request

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, follow_authorize, std_options


def jarm_client(dev: DevServer, mode: str) -> oauth2kit.Client:
    return oauth2kit.Client(
        BASIC_ID, BASIC_SECRET, issuer=dev.url, jwks_uri=f"{dev.url}/jwks", response_mode=mode, **std_options(dev.url)
    )


def form_post(url: str) -> str:
    """Plays the browser for form_post.jwt: the body the auto-submitting form posts."""
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        html = resp.read().decode()
    m = re.search(r'name="response" value="([^"]+)"', html)
    assert m, html
    return f"response={m.group(1)}"


@pytest.mark.parametrize("mode", ["query.jwt", "fragment.jwt", "jwt", "form_post.jwt"])
def test_the_code_flow_with_each_response_mode(dev: DevServer, mode: str) -> None:
    c = jarm_client(dev, mode)
    req = c.create_authorization_url(scope="read")
    assert f"response_mode={mode}" in req.url
    redirect = form_post(req.url) if mode == "form_post.jwt" else follow_authorize(req.url)
    assert "response=ey" in redirect and "code=" not in redirect
    if mode == "fragment.jwt":
        assert "#response=" in redirect
    before = dev.count("token")
    # The redirect URL, or the form post's body, as fetch_token's first argument.
    token = c.fetch_token(redirect, request=req)
    assert token.access_token
    assert dev.count("token") == before + 1


@pytest.mark.parametrize(
    "corrupt,check",
    [
        ("signature", "signature"),
        ("iss", "iss"),
        ("aud", "aud"),
        ("exp", "exp"),
        ("alg_none", "alg"),
        ("plain", "downgrade"),
        ("encrypted", "encrypted"),
    ],
)
def test_a_spoiled_response_is_refused_before_the_code_is_exchanged(dev: DevServer, corrupt: str, check: str) -> None:
    c = jarm_client(dev, "query.jwt")
    req = c.create_authorization_url(scope="read")
    dev.jarm(corrupt)
    try:
        redirect = follow_authorize(req.url)
    finally:
        dev.jarm()
    before = dev.count("token")
    with pytest.raises(oauth2kit.InvalidResponseError, match=f"the {check} check failed"):
        c.fetch_token(authorization_response=redirect, request=req)
    assert dev.count("token") == before


def test_a_mode_that_does_not_exist_and_jarm_without_keys_are_configuration_errors(dev: DevServer) -> None:
    with pytest.raises(oauth2kit.ConfigurationError, match="response_mode"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, response_mode="jwe", **std_options(dev.url))
    with pytest.raises(oauth2kit.ConfigurationError, match="provider's keys"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, issuer=dev.url, response_mode="jwt", **std_options(dev.url))
