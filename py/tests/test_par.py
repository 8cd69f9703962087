"""Pushed authorization requests (RFC 9126) and the FAPI 2.0 preset against
the devserver, which verifies each part: the push authenticated with
private_key_jwt, PKCE, ``iss`` in the redirect, a DPoP-bound token presented
to a resource, the request URI used once."""

from __future__ import annotations

import pytest
import requests

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, follow_authorize, keys_dir


FAPI2 = dict(private_key_pem=(keys_dir() / "rsa-client.pem").read_text(), fapi2=True, redirect_uri="http://127.0.0.1/callback")


def fapi2_client(dev: DevServer) -> oauth2kit.Client:
    # The devserver's metadata names its PAR endpoint; discovery finds it.
    return oauth2kit.Client.discover(dev.url, "rsa-client", **FAPI2)


def test_fapi2_signs_in_through_par_with_a_dpop_bound_token(dev: DevServer) -> None:
    client = fapi2_client(dev)
    with pytest.raises(oauth2kit.ConfigurationError, match="by PAR"):
        client.create_authorization_url()
    req = client.pushed_authorization_url(scope="read")
    assert req.url.split("?")[1].startswith("client_id=rsa-client&request_uri=urn%3Aietf%3Aparams%3Aoauth%3Arequest_uri%3A")
    assert dev.count("par") == 1
    redirect = follow_authorize(req.url)
    assert "iss=" in redirect
    token = client.fetch_token(redirect, request=req)
    assert token.token_type == "DPoP" and token.dpop_jkt and token.scope == "read"
    url = f"{dev.url}/resource"
    assert requests.get(url, headers=client.resource_request_headers(token, "GET", url)).status_code == 200
    # the request URI is spent
    again = requests.get(req.url, allow_redirects=False)
    assert again.status_code == 400 and "invalid_request_uri" in again.text


async def test_fapi2_from_asyncio(dev: DevServer) -> None:
    client = await oauth2kit.AsyncClient.discover(dev.url, "rsa-client", **FAPI2)
    req = await client.pushed_authorization_url()
    token = await client.fetch_token(follow_authorize(req.url), request=req)
    assert token.token_type == "DPoP"


def test_a_shared_secret_cannot_be_fapi2_and_a_bad_push_is_typed(dev: DevServer) -> None:
    with pytest.raises(oauth2kit.ConfigurationError, match="FAPI 2.0"):
        oauth2kit.Client.discover(dev.url, BASIC_ID, BASIC_SECRET, fapi2=True)
    wrong = oauth2kit.Client.discover(dev.url, BASIC_ID, "wrong secret", redirect_uri="http://127.0.0.1/callback")
    with pytest.raises(oauth2kit.OAuthError) as e:
        wrong.pushed_authorization_url()
    assert e.value.error == "invalid_client" and "wrong secret" not in str(e.value)
