"""Every row of the Keycloak suite from Python, against the realm
tests/keycloak/provision.py made (Keycloak started by tests/keycloak/keycloak.sh).

The Keycloak suite (`bash scripts/test.sh keycloak`) sets
OAUTH2KIT_KEYCLOAK_FIXTURES and OAUTH2KIT_KEYCLOAK_REQUIRED=1: there a missing
fixtures file fails. Anywhere else (the py suite) these tests are skipped, saying why.
DPoP is Rust-only for now, so it is tested from Rust only.
"""

from __future__ import annotations

import json
import os
import sys
import threading
from pathlib import Path
from typing import Any, Dict, Iterator

import pytest

import oauth2kit
from conftest import REPO

sys.path.insert(0, str(REPO / "tests" / "keycloak"))
import kc_user  # noqa: E402  (the test-side user: login pages, device consent, CIBA channel)

ACCESS = "urn:ietf:params:oauth:token-type:access_token"


@pytest.fixture(scope="module")
def fx() -> Iterator[Dict[str, Any]]:
    path = os.environ.get("OAUTH2KIT_KEYCLOAK_FIXTURES")
    if not path:
        if os.environ.get("OAUTH2KIT_KEYCLOAK_REQUIRED") == "1":
            pytest.fail("OAUTH2KIT_KEYCLOAK_FIXTURES is not set although the Keycloak suite runs")
        pytest.skip("Keycloak is not running: these run in the keycloak suite (bash scripts/test.sh keycloak)")
    yield json.loads(Path(path).read_text())


def client(fx: Dict[str, Any], kind: str, **options: Any) -> oauth2kit.Client:
    c = fx["clients"][kind]
    if "key" in c:
        options.setdefault("private_key_pem", (Path(fx["keys_dir"]) / c["key"]).read_text())
        options.setdefault("private_key_id", c["kid"])
        options.setdefault("private_key_algorithm", c["alg"])
    options.setdefault("redirect_uri", fx["web_redirect_uri"])
    return oauth2kit.Client.discover(fx["issuer"], c["id"], c.get("secret"), **options)


def user(fx: Dict[str, Any]) -> tuple[str, str]:
    return fx["user"]["username"], fx["user"]["password"]


def test_discovery(fx: Dict[str, Any]) -> None:
    meta = oauth2kit.discover(fx["issuer"])
    assert meta.issuer == fx["issuer"]
    for ep in (meta.token_endpoint, meta.device_authorization_endpoint, meta.introspection_endpoint,
               meta.revocation_endpoint, meta.userinfo_endpoint, meta.jwks_uri):
        assert ep and ep.startswith(fx["issuer"])
    d = meta.to_dict()
    assert d["pushed_authorization_request_endpoint"].startswith(fx["issuer"])
    assert d["backchannel_authentication_endpoint"].startswith(fx["issuer"])


@pytest.mark.parametrize("kind,method", [
    ("basic", "client_secret_basic"), ("post", "client_secret_post"), ("jwt_secret", "client_secret_jwt"),
    ("rsa", "private_key_jwt"), ("ec", "private_key_jwt"),
])
def test_client_credentials(fx: Dict[str, Any], kind: str, method: str) -> None:
    c = client(fx, kind, auth_method=method)
    assert c.auth_method == method
    token = c.client_credentials()
    assert token.access_token and token.token_type == "Bearer"
    info = c.introspect_token(token)
    assert info["active"] is True and info["client_id"] == fx["clients"][kind]["id"]


def test_basic_secret_needing_form_urlencoding(fx: Dict[str, Any]) -> None:
    assert "+/&=:%" in fx["clients"]["basic"]["secret"]
    assert client(fx, "basic").client_credentials().access_token
    bad = oauth2kit.Client.discover(fx["issuer"], "basic-client", "Xq7-not-it")
    with pytest.raises(oauth2kit.OAuthError) as ei:
        bad.client_credentials()
    assert ei.value.error == "unauthorized_client" and "Xq7" not in str(ei.value)


def test_password_grant(fx: Dict[str, Any]) -> None:
    c = client(fx, "basic")
    name, pw = user(fx)
    token = c.password(name, pw, scope="openid")
    assert token.refresh_token and token.id_token_claims
    assert token.id_token_claims["preferred_username"] == name
    with pytest.raises(oauth2kit.OAuthError) as ei:
        c.password(name, "wrong-pw")
    assert ei.value.error == "invalid_grant"


def test_authorization_code_confidential_id_token_and_userinfo(fx: Dict[str, Any]) -> None:
    c = client(fx, "basic")
    request = c.create_authorization_url(scope="openid profile email")
    assert request.uses_pkce
    redirect = kc_user.User().login(request.url, *user(fx))
    token = c.fetch_token(redirect, request=request)
    claims = token.id_token_claims
    assert claims and claims["iss"] == fx["issuer"] and claims["azp"] == "basic-client"
    info = c.userinfo(token)
    assert info["sub"] == claims["sub"] and info["email"] == fx["user"]["email"]
    refreshed = c.refresh_token(token)
    assert refreshed.id_token_claims and refreshed.id_token_claims["sub"] == claims["sub"]
    with pytest.raises(oauth2kit.OAuthError) as ei:
        c.fetch_token(redirect, request=request)
    assert ei.value.error == "invalid_grant"


def test_authorization_code_public_client_loopback(fx: Dict[str, Any]) -> None:
    listener = oauth2kit.LoopbackListener("http://127.0.0.1:0/callback")
    c = client(fx, "public", redirect_uri=listener.redirect_uri)
    assert c.auth_method == "none"
    request = c.create_authorization_url(scope="openid")
    errors: list[BaseException] = []

    def browse() -> None:
        try:
            kc_user.User().login(request.url, *user(fx), follow=True)
        except BaseException as e:  # reported by the main thread
            errors.append(e)

    t = threading.Thread(target=browse)
    t.start()
    redirect = listener.wait(60)
    t.join()
    assert not errors, errors
    token = c.fetch_token(redirect, request=request)
    assert token.id_token_claims


def test_refresh_rotation_and_reuse_detection(fx: Dict[str, Any]) -> None:
    c = client(fx, "post")
    first = c.password(*user(fx))
    second = c.refresh_token(first)
    assert second.refresh_token and second.refresh_token != first.refresh_token
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        c.refresh_token(first)
    # Keycloak ends the whole session on reuse: the newest token is dead too.
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        c.refresh_token(second)


@pytest.mark.parametrize("kind", ["public_device", "basic"])
def test_device_authorization(fx: Dict[str, Any], kind: str) -> None:
    c = client(fx, kind)
    auth = c.device_authorization(scope="openid")
    assert auth.interval == 1.0 and auth.verification_uri_complete
    errors: list[BaseException] = []

    def approve() -> None:
        try:
            kc_user.User().approve_device(auth.verification_uri_complete or "", *user(fx))
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=approve)
    t.start()
    token = c.poll_device_token(auth)
    t.join()
    assert not errors, errors
    assert token.id_token_claims


def test_device_authorization_basic_no_scope(fx: Dict[str, Any]) -> None:
    # An empty form body: sent with Content-Length: 0.
    assert client(fx, "basic").device_authorization().user_code


def test_token_exchange_audience_and_scope(fx: Dict[str, Any]) -> None:
    c = client(fx, "basic")
    subject = c.password(*user(fx))
    exchanged = c.token_exchange(subject.access_token, ACCESS, audience=["target-client"], scope="profile")
    assert exchanged.extra["issued_token_type"] == ACCESS
    target = client(fx, "target")
    info = target.introspect_token(exchanged)
    assert info["active"] is True and "target-client" in json.dumps(info["aud"])
    assert "profile" in info["scope"]
    with pytest.raises(oauth2kit.OAuthError):
        client(fx, "post").token_exchange(subject.access_token, ACCESS, audience=["target-client"])


def test_introspection_and_revocation(fx: Dict[str, Any]) -> None:
    c = client(fx, "basic")
    token = c.password(*user(fx))
    assert c.introspect_token(token)["active"] is True
    assert c.introspect_token(token, token_type_hint="refresh_token")["active"] is True
    c.revoke_token(token, token_type_hint="refresh_token")
    assert c.introspect_token(token, token_type_hint="refresh_token")["active"] is False
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        c.refresh_token(token)
    other = c.password(*user(fx))
    c.revoke_token(other)
    assert c.introspect_token(other)["active"] is False


@pytest.mark.parametrize("kind", ["basic", "rsa"])
def test_par(fx: Dict[str, Any], kind: str) -> None:
    c = client(fx, kind)
    request = c.pushed_authorization_url(scope="openid")
    assert "request_uri=urn" in request.url and "code_challenge" not in request.url
    redirect = kc_user.User().login(request.url, *user(fx))
    assert c.fetch_token(redirect, request=request).id_token_claims


@pytest.mark.parametrize("approve", [True, False])
def test_ciba_poll_mode(fx: Dict[str, Any], approve: bool) -> None:
    c = client(fx, "ciba")
    message = f"py{os.getpid()}{int(approve)}"
    auth = c.ciba_authorization(scope="openid", login_hint=fx["user"]["username"], binding_message=message)
    errors: list[BaseException] = []

    def answer() -> None:
        try:
            kc_user.ciba_approve(fx, message, approve=approve)
        except BaseException as e:
            errors.append(e)

    t = threading.Thread(target=answer)
    t.start()
    try:
        if approve:
            assert c.poll_ciba_token(auth).id_token_claims
        else:
            with pytest.raises(oauth2kit.OAuthError) as ei:
                c.poll_ciba_token(auth)
            assert ei.value.error == "access_denied"
    finally:
        t.join()
    assert not errors, errors
