"""Rich authorization requests (RFC 9396) and request objects (RFC 9101)
against the devserver: the client option, a call's own details, the granted
details read back, typed errors; signed authorization requests."""

from __future__ import annotations

import json

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, follow_authorize, std_options

PAYMENT = [{"type": "payment_initiation", "instructedAmount": {"currency": "EUR", "amount": "42.00"}}]


def test_client_credentials_carry_the_details_and_read_back_the_grant(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, authorization_details=json.dumps(PAYMENT), **std_options(dev.url))
    token = c.client_credentials()
    assert token.authorization_details == PAYMENT
    assert token["authorization_details"] == PAYMENT
    # Kept through the store format.
    assert oauth2kit.Token.from_json(token.to_json()).authorization_details == PAYMENT
    plain = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url)).client_credentials()
    assert plain.authorization_details is None


async def test_async_client_and_code_flow_with_a_call_s_own_details(dev: DevServer) -> None:
    c = oauth2kit.AsyncClient(BASIC_ID, BASIC_SECRET, authorization_details=json.dumps(PAYMENT), **std_options(dev.url))
    account = [{"type": "account_information", "actions": ["read_balances"]}]
    req = c.create_authorization_url(authorization_details=json.dumps(account))
    assert "payment_initiation" not in req.url
    token = await c.fetch_token(follow_authorize(req.url), request=req)
    assert token.authorization_details == account
    assert (await c.client_credentials()).authorization_details == PAYMENT


def test_unknown_type_and_malformed_details_are_typed(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, authorization_details='[{"type":"crypto_swap"}]', **std_options(dev.url))
    with pytest.raises(oauth2kit.OAuthError) as ei:
        c.client_credentials()
    assert ei.value.error == "invalid_authorization_details"
    before = dev.count("token")
    with pytest.raises(oauth2kit.ConfigurationError, match="authorization_details"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, authorization_details='{"type":"x"}', **std_options(dev.url))
    with pytest.raises(oauth2kit.ConfigurationError, match=r"authorization_details\[0\]"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url)).create_authorization_url(
            authorization_details='[{"actions":["read"]}]'
        )
    assert dev.count("token") == before


def test_request_objects_carry_the_parameters_signed(dev: DevServer) -> None:
    """JAR (RFC 9101): the URL holds a request object signed with the client's key; the devserver verifies it."""
    from conftest import keys_dir

    pem = (keys_dir() / "rsa-client.pem").read_text()
    c = oauth2kit.Client("rsa-client", private_key_pem=pem, issuer=dev.url, request_object=True, **std_options(dev.url))
    req = c.create_authorization_url(scope="read", authorization_details=json.dumps(PAYMENT))
    assert "&request=ey" in req.url and "state=" not in req.url and "authorization_details" not in req.url
    token = c.fetch_token(follow_authorize(req.url), request=req)
    assert token.authorization_details == PAYMENT
    with pytest.raises(oauth2kit.ConfigurationError, match="private key"):
        oauth2kit.Client(BASIC_ID, BASIC_SECRET, issuer=dev.url, request_object=True, **std_options(dev.url))
