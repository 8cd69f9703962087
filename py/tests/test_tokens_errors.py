"""Token objects and the error mapping, kind by kind."""

from __future__ import annotations

import builtins
import json
import time

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, std_options


def test_token_attributes_mapping_and_repr_hide_secrets() -> None:
    t = oauth2kit.Token("AT-SECRET", refresh_token="RT-SECRET", id_token="ID-SECRET", expires_in=60, scope="a b",
                        extra={"deskera-token": "DT-SECRET", "org": 7})
    assert t.access_token == "AT-SECRET" and t["access_token"] == "AT-SECRET"
    assert t["org"] == 7 and t.get("missing", 1) == 1 and "org" in t and "nope" not in t
    with pytest.raises(KeyError):
        t["nope"]
    assert t.expires_at is not None and abs(t.expires_at - (time.time() + 60)) < 5
    assert not t.is_expired() and t.is_expired(leeway=120)
    shown = repr(t) + str(t)
    for secret in ("AT-SECRET", "RT-SECRET", "ID-SECRET", "DT-SECRET"):
        assert secret not in shown, shown
    assert "deskera-token" in shown  # names of extra fields are fine
    back = oauth2kit.Token.from_json(t.to_json())  # the stores' format (its time precision is the core's choice)
    assert back.refresh_token == "RT-SECRET" and back["org"] == 7
    assert back.expires_at is not None and abs(back.expires_at - t.expires_at) < 1
    assert oauth2kit.Token.from_json(back.to_json()) == back
    assert t.to_dict()["org"] == 7 and set(t.keys()) >= {"access_token", "refresh_token", "scope", "org"}
    with pytest.raises(oauth2kit.ConfigurationError) as ei:
        oauth2kit.Token.from_json('{"access_token": "LEAK", "expires_at": "x"}')
    assert "LEAK" not in str(ei.value)
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Token("x", expires_in=-1)


def test_client_repr_hides_secret(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))
    assert BASIC_SECRET not in repr(c) and BASIC_SECRET not in repr(c._core)


def test_every_core_code_has_a_class() -> None:
    from oauth2kit._oauth2kit import error_codes

    codes = dict(error_codes())
    assert len(codes) == 15
    for name, code in codes.items():
        cls = oauth2kit.exceptions._BY_CODE[code]
        assert cls.code == code and cls.kind == name and issubclass(cls, oauth2kit.OAuth2Error)


def test_configuration_errors() -> None:
    with pytest.raises(oauth2kit.ConfigurationError) as ei:
        oauth2kit.Client("", token_url="https://as.example/token")
    assert isinstance(ei.value, ValueError) and ei.value.code == 11
    with pytest.raises(oauth2kit.ConfigurationError) as ei:
        oauth2kit.Client("c", token_url="http://as.example/token")  # clear text off loopback
    # the fix in Python's spelling, not the Rust builder's
    assert "use HTTPS or allow_insecure_http=True" in str(ei.value)
    assert "OAuthClientBuilder" not in str(ei.value)
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client("c", auth_method="magic")
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client("c", private_key_pem="not a pem")
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client("c", profile="no-such-profile")
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client("c", timeout=-1)
    with pytest.raises(oauth2kit.ConfigurationError) as e2:
        oauth2kit.Client("c").client_credentials()  # no token endpoint
    assert "no token endpoint configured; set token_url=... or discovery_issuer=..." in str(e2.value)
    with pytest.raises(oauth2kit.ConfigurationError) as e3:
        oauth2kit.Client("c", authorization_url="https://as.example/a").create_authorization_url(scope="openid")
    assert "set redirect_uri=..." in str(e3.value)
    with pytest.raises(oauth2kit.ConfigurationError) as e4:
        oauth2kit.Client("c", profile="deskra-v2")
    assert 'did you mean "deskera-v2"?' in str(e4.value) and "No such file" not in str(e4.value)


def test_refresh_without_a_refresh_token_sends_nothing(dev: DevServer) -> None:
    client = oauth2kit.Client(BASIC_ID, client_secret=BASIC_SECRET, **std_options(dev.url))
    before = dev.counts()
    with pytest.raises(oauth2kit.ConfigurationError) as ei:
        client.refresh_token("")
    assert "refresh token is empty" in str(ei.value)
    assert dev.counts() == before
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.Client("c", token_url="https://as.example/t").revoke_token("x", token_type_hint="bogus")


def test_transport_error_when_nothing_listens() -> None:
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    c = oauth2kit.Client("c", "s", token_url=f"http://127.0.0.1:{port}/token")
    with pytest.raises(oauth2kit.TransportError) as ei:
        c.client_credentials()
    assert ei.value.is_transient and ei.value.code == 7


def test_timeout_is_also_builtin_timeout(dev: DevServer) -> None:
    dev.fault("token", delay_ms=1500)
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, timeout=0.3, **{k: v for k, v in std_options(dev.url).items()})
    with pytest.raises(builtins.TimeoutError) as ei:
        c.client_credentials()
    e = ei.value
    assert isinstance(e, oauth2kit.TimeoutError) and isinstance(e, oauth2kit.TransportError) and e.code == 8
    assert e.is_transient


def test_http_error_keeps_status_body_and_retry_after(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", status=503, body="<html>down for maintenance</html>", content_type="text/html",
              headers=[["Retry-After", "7"]])
    with pytest.raises(oauth2kit.HTTPError) as ei:
        basic.client_credentials()
    e = ei.value
    assert e.status == 503 and e.body and "maintenance" in e.body and e.retry_after == 7.0 and e.is_transient


def test_oauth_error_in_body(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", status=400, body=json.dumps({"error": "invalid_scope", "error_description": "nope",
                                                    "error_uri": "https://as/err", "trace": "t1"}))
    with pytest.raises(oauth2kit.OAuthError) as ei:
        basic.client_credentials()
    e = ei.value
    assert (e.error, e.description, e.uri, e.status) == ("invalid_scope", "nope", "https://as/err", 400)
    assert e.extra.get("trace") == "t1"


def test_invalid_response_hides_tokens(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", status=200, body=json.dumps({"token": "x", "refresh_token": "RT-LEAK"}))
    with pytest.raises(oauth2kit.InvalidResponseError) as ei:
        basic.client_credentials()
    assert ei.value.status == 200 and "RT-LEAK" not in str(ei.value) and "RT-LEAK" not in (ei.value.body or "")


def test_unexpected_redirect(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.fault("token", status=302, headers=[["Location", "https://login.example/?code=LEAK"]])
    with pytest.raises(oauth2kit.UnexpectedRedirectError) as ei:
        basic.client_credentials()
    assert ei.value.status == 302 and "LEAK" not in str(ei.value)


def test_response_too_large(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, max_response_bytes=1000, **std_options(dev.url))
    dev.fault("token", status=200, body=json.dumps({"access_token": "a", "pad": "x" * 5000}))
    with pytest.raises(oauth2kit.ResponseTooLargeError) as ei:
        c.client_credentials()
    assert ei.value.limit == 1000


def test_issuer_mismatch_in_authorization_response(dev: DevServer) -> None:
    from conftest import follow_authorize

    c = oauth2kit.Client(BASIC_ID, BASIC_SECRET, issuer="https://not-this-server.example", **std_options(dev.url))
    req = c.create_authorization_url()
    redirect = follow_authorize(req.url)
    assert "iss=" in redirect  # the devserver sends RFC 9207 iss
    with pytest.raises(oauth2kit.IssuerMismatchError) as ei:
        c.handle_callback(redirect, request=req)
    assert ei.value.expected == "https://not-this-server.example" and ei.value.actual


def test_expired_device_code(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.device(interval=1, expires_in=2)
    auth = basic.device_authorization()
    with pytest.raises(oauth2kit.ExpiredError):
        basic.poll_device_token(auth)


def test_a_token_round_trips_through_json_dumps_as_a_dict() -> None:
    import json

    t = oauth2kit.Token("at-1", token_type="Bearer", refresh_token="rt-1", expires_in=600, scope="read",
                        extra={"org": "acme", "n": 3})
    back = oauth2kit.Token.from_dict(json.loads(json.dumps(t.to_dict())))
    assert (back.access_token, back.token_type, back.refresh_token, back.scope, back["org"], back["n"]) == (
        "at-1", "Bearer", "rt-1", "read", "acme", 3)
    assert back.expires_at is not None and abs(back.expires_at - t.expires_at) < 0.01  # type: ignore[operator]
    with pytest.raises(oauth2kit.ConfigurationError, match="access_token"):
        oauth2kit.Token.from_dict({"token_type": "Bearer"})
