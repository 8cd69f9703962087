"""OpenID Connect from Python: the ID token validated on the code exchange
(claims readable on the token), UserInfo, and the client options of the
binding layer that govern validation (jwks_uri, jwks_json,
id_token_signed_response_alg, clock_skew, max_age)."""

from __future__ import annotations

import base64
import json
import urllib.parse
import urllib.request

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, follow_authorize, std_options


def sign_in(c: oauth2kit.Client) -> oauth2kit.Token:
    req = c.create_authorization_url(scope="openid read")
    return c.fetch_token(follow_authorize(req.url), request=req)


def test_id_token_validated_with_jwks_uri_then_userinfo(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url,
                         userinfo_url=f"{dev.url}/userinfo", clock_skew=30, max_age=3600, **std_options(dev.url))
    token = sign_in(c)
    claims = token.id_token_claims
    assert claims is not None and claims["aud"] == BASIC_ID and claims["iss"] == dev.url
    assert "at_hash" in claims and "nonce" in claims
    info = c.userinfo(token)
    assert info["sub"] == claims["sub"]
    by_post = oauth2kit.Client(BASIC_ID, BASIC_SECRET, userinfo_url=f"{dev.url}/userinfo", userinfo_post=True,
                               **std_options(dev.url))
    assert by_post.userinfo(token)["sub"] == claims["sub"]
    assert (dev.count("userinfo"), dev.count("userinfo/post")) == (1, 1)
    # Claims survive the token's JSON form (what stores keep).
    assert oauth2kit.Token.from_json(token.to_json()).id_token_claims == claims


async def test_async_userinfo(dev: DevServer) -> None:
    c = oauth2kit.AsyncClient(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url,
                              userinfo_url=f"{dev.url}/userinfo", **std_options(dev.url))
    req = c.create_authorization_url(scope="openid read")
    token = await c.fetch_token(follow_authorize(req.url), request=req)
    assert (await c.userinfo(token))["sub"] == token.id_token_claims["sub"]  # type: ignore[index]


def test_keys_that_did_not_sign_it_fail_the_exchange_naming_the_check(dev: DevServer) -> None:
    with urllib.request.urlopen(f"{dev.url}/jwks") as r:
        real = json.load(r)
    # The same keys under other key ids: no key can verify the token.
    for k in real["keys"]:
        k["kid"] = "someone-else"
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_json=json.dumps(real), issuer=dev.url, **std_options(dev.url))
    with pytest.raises(oauth2kit.InvalidResponseError, match="kid") as e:
        sign_in(c)
    assert e.value.code == 4
    with pytest.raises(oauth2kit.ConfigurationError, match="jwks_json|JWKS"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_json="{\"keys\": 7}", **std_options(dev.url))
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", id_token_signed_response_alg="none",
                         **std_options(dev.url))
    with pytest.raises(oauth2kit.ConfigurationError, match="clock_skew"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, clock_skew=-1, **std_options(dev.url))


def test_es512_id_token_and_signed_userinfo(dev: DevServer) -> None:
    """ES512 (P-521) through the binding layer's option: the devserver signs the ID
    token and UserInfo with its P-521 key; a client expecting RS256 refuses them."""
    dev.id_token_alg("ES512")
    dev.userinfo(True, {"name": "Alice"})
    try:
        c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url,
                             userinfo_url=f"{dev.url}/userinfo", id_token_signed_response_alg="ES512",
                             **std_options(dev.url))
        token = sign_in(c)
        assert token.id_token is not None
        header = json.loads(base64.urlsafe_b64decode(token.id_token.split(".")[0] + "=="))
        assert (header["alg"], header["kid"]) == ("ES512", "devserver-es512")
        claims = token.id_token_claims
        assert claims is not None and claims["aud"] == BASIC_ID and claims["iss"] == dev.url
        assert "at_hash" in claims and "c_hash" in claims
        info = c.userinfo(token)
        assert (info["sub"], info["name"], info["aud"]) == (claims["sub"], "Alice", BASIC_ID)
        rs = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url,
                              id_token_signed_response_alg="RS256", **std_options(dev.url))
        with pytest.raises(oauth2kit.InvalidResponseError, match="alg") as e:
            sign_in(rs)
        assert e.value.code == 4
    finally:
        dev.id_token_alg("RS256")
        dev.userinfo(False)


def test_rp_initiated_logout_url(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url,
                         end_session_url=f"{dev.url}/logout", **std_options(dev.url))
    token = sign_in(c)
    url = c.end_session_url(token, post_logout_redirect_uri="https://app.example/bye", state="s1")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(url).query))
    assert url.startswith(f"{dev.url}/logout?")
    assert q == {"id_token_hint": token.id_token, "post_logout_redirect_uri": "https://app.example/bye",
                 "state": "s1", "client_id": BASIC_ID}
    with pytest.raises(oauth2kit.ConfigurationError, match="end_session"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url)).end_session_url()


def test_openid_request_parameters_are_sent_and_an_essential_acr_checked(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url, **std_options(dev.url))
    strong = {"id_token": {"acr": {"essential": True, "values": ["urn:example:strong"]}}}
    req = c.create_authorization_url(scope="openid read", prompt="login consent", max_age=300, login_hint="alice@example.com",
                                     acr_values=["urn:example:strong", "urn:example:weak"], ui_locales="de-CH en",
                                     claims=strong, resource="https://api.example")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))
    assert {k: q[k] for k in ("prompt", "max_age", "login_hint", "acr_values", "ui_locales", "resource")} == {
        "prompt": "login consent", "max_age": "300", "login_hint": "alice@example.com",
        "acr_values": "urn:example:strong urn:example:weak", "ui_locales": "de-CH en", "resource": "https://api.example"}
    assert json.loads(q["claims"]) == strong
    dev.id_token_claims({"acr": "urn:example:weak"})
    try:
        with pytest.raises(oauth2kit.InvalidResponseError, match="acr"):
            c.fetch_token(follow_authorize(req.url), request=req)
        either = {"id_token": {"acr": {"essential": True, "values": ["urn:example:strong", "urn:example:weak"]}}}
        req = c.create_authorization_url(scope="openid read", claims=either)
        token = c.fetch_token(follow_authorize(req.url), request=req)
        assert token.id_token_claims is not None and token.id_token_claims["acr"] == "urn:example:weak"
    finally:
        dev.id_token_claims({})
    for bad, says in ((dict(prompt="none login"), "prompt=none"), (dict(max_age=-5), "max_age"),
                      (dict(claims=[1]), "JSON object"), (dict(claims="{"), "JSON object")):
        with pytest.raises(oauth2kit.ConfigurationError, match=says):
            c.create_authorization_url(scope="openid", **bad)  # type: ignore[arg-type]


def test_concept_names_beside_the_authlib_ones(dev: DevServer) -> None:
    # The names every binding shares (C oauth2kit_client_authorization_url,
    # Kotlin authorizationUrl…) are the Authlib-style methods under a second name.
    for cls in (oauth2kit.Client, oauth2kit.AsyncClient):
        assert cls.authorization_url is cls.create_authorization_url
        assert cls.exchange_redirect is cls.handle_callback and cls.refresh is cls.refresh_token
        assert cls.introspect is cls.introspect_token and cls.revoke is cls.revoke_token
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, jwks_uri=f"{dev.url}/jwks", issuer=dev.url, **std_options(dev.url))
    req = c.authorization_url(scope="openid read")
    token = c.exchange_redirect(follow_authorize(req.url), request=req)
    assert token.id_token_claims is not None and c.refresh(token).access_token != token.access_token
