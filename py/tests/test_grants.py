"""Every grant, sync and async, against the real devserver."""

from __future__ import annotations

import base64
import threading
import time
import urllib.parse

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, REDIRECT, DevServer, follow_authorize, keys_dir, std_options


def test_client_credentials_basic_with_reserved_characters(basic: oauth2kit.Client, dev: DevServer) -> None:
    token = basic.fetch_token(scope="read")
    assert token.access_token and token.token_type and token.token_type.lower() == "bearer"
    assert token.expires_in is not None and 3500 < token.expires_in <= 3600
    assert not token.is_expired() and token.is_expired(leeway=7200)
    assert dev.count("token") == 1
    assert basic.client_credentials().access_token != token.access_token


@pytest.mark.parametrize("method", ["client_secret_post", "client_secret_jwt"])
def test_client_auth_methods(dev: DevServer, method: str) -> None:
    cid, secret = {"client_secret_post": ("post-client", "post-secret"),
                   "client_secret_jwt": ("jwt-secret-client", "jwt-secret-client-0123456789abcdef0123456789abcdef")}[method]
    c = oauth2kit.Client(cid, secret, auth_method=method, **std_options(dev.url))
    assert c.auth_method == method
    assert c.client_credentials().access_token


@pytest.mark.parametrize("name", ["rsa-client", "ec-client", "ed-client"])
def test_private_key_jwt(dev: DevServer, name: str) -> None:
    pem = (keys_dir() / f"{name}.pem").read_text()
    c = oauth2kit.Client(name, private_key_pem=pem, **std_options(dev.url))
    assert c.auth_method == "private_key_jwt"
    assert c.client_credentials().access_token
    public_jwk = (keys_dir() / f"{name}.jwk.json").read_text()  # no private part: refused clearly
    with pytest.raises(oauth2kit.ConfigurationError, match="private"):
        oauth2kit.Client(name, private_key_jwk=public_jwk, **std_options(dev.url))


def test_wrong_secret_is_oauth_error_with_fields(dev: DevServer) -> None:
    c = oauth2kit.Client(BASIC_ID, "Xq7-not-the-secret", **std_options(dev.url))
    with pytest.raises(oauth2kit.OAuthError) as ei:
        c.client_credentials()
    e = ei.value
    assert e.error == "invalid_client" and e.status == 401 and e.code == 1 and e.kind == "oauth"
    assert e.body is not None and "invalid_client" in e.body
    assert "Xq7" not in str(e) and "Xq7" not in repr(e) and "Xq7" not in (e.body or "")


def test_authorization_code_with_pkce_and_state(basic: oauth2kit.Client, dev: DevServer) -> None:
    req = basic.create_authorization_url(scope="openid profile")
    q = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(req.url).query))
    assert q["code_challenge_method"] == "S256" and q["state"] == req.state and req.uses_pkce
    redirect = follow_authorize(req.url)
    token = basic.fetch_token(redirect, request=req)
    assert token.refresh_token and token.access_token
    # the stored form survives a round trip (web apps keep it in a session)
    again = oauth2kit.AuthorizationRequest.from_json(req.to_json())
    assert again.state == req.state and again.url == req.url


def test_public_client_code_flow_and_exchange_code(dev: DevServer) -> None:
    c = oauth2kit.Client("public-client", **std_options(dev.url))
    req = c.create_authorization_url()
    redirect = follow_authorize(req.url)
    code = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect).query))["code"]
    assert c.exchange_code(code, request=req).access_token


def test_state_mismatch_is_refused_before_any_request(basic: oauth2kit.Client, dev: DevServer) -> None:
    req = basic.create_authorization_url()
    other = basic.create_authorization_url()
    redirect = follow_authorize(other.url)
    dev.reset()
    with pytest.raises(oauth2kit.StateMismatchError):
        basic.handle_callback(redirect, request=req)
    assert dev.count("token") == 0


def test_authorization_error_in_redirect(basic: oauth2kit.Client) -> None:
    req = basic.create_authorization_url()
    with pytest.raises(oauth2kit.OAuthError) as ei:
        basic.handle_callback(f"{REDIRECT}?error=access_denied&error_description=no&state={req.state}", request=req)
    assert ei.value.error == "access_denied" and ei.value.status is None and ei.value.description == "no"


def test_password_refresh_and_rotation(basic: oauth2kit.Client, dev: DevServer) -> None:
    t = basic.fetch_token(username="alice", password="wonderland", scope="read")
    assert t.refresh_token
    t2 = basic.refresh_token(t)
    assert t2.access_token != t.access_token and t2.refresh_token
    with pytest.raises(oauth2kit.OAuthError):
        basic.password("alice", "not-her-password")


def test_dead_refresh_token_needs_reauthorization(basic: oauth2kit.Client) -> None:
    with pytest.raises(oauth2kit.ReauthorizationRequired) as ei:
        basic.refresh_token("no-such-refresh-token")
    assert isinstance(ei.value, oauth2kit.OAuthError) and ei.value.error == "invalid_grant"


def test_introspect_and_revoke(basic: oauth2kit.Client) -> None:
    t = basic.password("alice", "wonderland")
    info = basic.introspect_token(t)
    assert info["active"] is True and info.get("client_id") == BASIC_ID
    basic.revoke_token(t)
    assert basic.introspect_token(t)["active"] is False
    basic.revoke_token(t, token_type_hint="refresh_token")
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        basic.refresh_token(t)


def test_extension_grants_token_exchange_jwt_and_saml(basic: oauth2kit.Client, dev: DevServer) -> None:
    subject = basic.password("alice", "wonderland")
    x = basic.token_exchange(subject.access_token, "urn:ietf:params:oauth:token-type:access_token")
    assert x.access_token and x.get("issued_token_type")
    pem = (keys_dir() / "rsa-client.pem").read_text()
    j = basic.jwt_bearer(private_key=pem, issuer="rsa-client", subject="alice", audience=dev.url)
    assert j.access_token
    xml = ('<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><saml:Issuer>idp</saml:Issuer>'
           '<saml:Subject><saml:NameID>alice</saml:NameID></saml:Subject></saml:Assertion>')
    b64 = base64.urlsafe_b64encode(xml.encode()).decode().rstrip("=")
    assert basic.saml2_bearer(b64).access_token
    # any grant by URI through the generic path
    g = basic.fetch_token(grant_type="urn:ietf:params:oauth:grant-type:token-exchange",
                          subject_token=subject.access_token,
                          subject_token_type="urn:ietf:params:oauth:token-type:access_token")
    assert g.access_token


def test_device_flow_with_progress_and_cancel(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.device(interval=1, expires_in=60)
    auth = basic.device_authorization(scope="read")
    assert auth.user_code and auth.verification_uri
    events: list[oauth2kit.PollProgress] = []
    threading.Timer(1.5, dev.approve_device, args=(auth.user_code,)).start()
    token = basic.poll_device_token(auth, on_progress=events.append)
    assert token.access_token and events and events[0].kind == "waiting" and events[0].attempt == 1

    cancel = oauth2kit.CancelToken()
    auth2 = basic.device_authorization()
    threading.Timer(0.3, cancel.cancel).start()
    started = time.monotonic()
    with pytest.raises(oauth2kit.OperationCancelledError):
        basic.poll_device_token(auth2, cancel=cancel)
    assert time.monotonic() - started < 5


def test_device_denied(basic: oauth2kit.Client, dev: DevServer) -> None:
    dev.device(interval=1, expires_in=60)
    auth = basic.device_authorization()
    dev.approve_device(auth.user_code, approve=False)
    with pytest.raises(oauth2kit.OAuthError) as ei:
        basic.poll_device_token(auth)
    assert ei.value.error == "access_denied"


def test_discovery(dev: DevServer) -> None:
    meta = oauth2kit.discover(dev.url)
    assert meta.issuer.rstrip("/") == dev.url.rstrip("/") and meta.token_endpoint
    c = oauth2kit.Client.discover(dev.url, BASIC_ID, BASIC_SECRET)
    assert c.endpoints["token"] == meta.token_endpoint
    assert c.client_credentials().access_token


async def test_async_grants(abasic: oauth2kit.AsyncClient, dev: DevServer) -> None:
    t = await abasic.fetch_token()
    assert t.access_token
    u = await abasic.password("alice", "wonderland")
    r = await abasic.refresh_token(u)
    assert r.access_token != u.access_token
    assert (await abasic.introspect_token(r))["active"] is True
    await abasic.revoke_token(r)
    assert (await abasic.introspect_token(r))["active"] is False
    req = abasic.create_authorization_url()
    tok = await abasic.handle_callback(follow_authorize(req.url), request=req)
    assert tok.refresh_token
    with pytest.raises(oauth2kit.StateMismatchError):
        await abasic.handle_callback(f"{REDIRECT}?code=x&state=forged", request=req)
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        await abasic.refresh_token("nope")
    dev.device(interval=1, expires_in=60)
    auth = await abasic.device_authorization()
    dev.approve_device(auth.user_code)
    assert (await abasic.poll_device_token(auth)).access_token
    c2 = await oauth2kit.AsyncClient.discover(dev.url, BASIC_ID, BASIC_SECRET)
    assert (await c2.client_credentials()).access_token


def test_loopback_listener_native_app_flow(dev: DevServer) -> None:
    import urllib.request

    listener = oauth2kit.LoopbackListener("http://127.0.0.1/callback")  # a free port is bound
    assert listener.redirect_uri.startswith("http://127.0.0.1:") and listener.redirect_uri.endswith("/callback")
    c = oauth2kit.Client("public-client", **{**std_options(dev.url), "redirect_uri": listener.redirect_uri})
    req = c.create_authorization_url()

    def browser() -> None:  # the user's browser: approve, then follow the redirect to the listener
        urllib.request.urlopen(follow_authorize(req.url), timeout=10).read()

    threading.Thread(target=browser).start()
    redirect = listener.wait(timeout=10)
    assert c.fetch_token(redirect, request=req).access_token
    with pytest.raises(oauth2kit.TimeoutError):
        oauth2kit.LoopbackListener().wait(timeout=0.2)
    with pytest.raises(oauth2kit.ConfigurationError):
        oauth2kit.LoopbackListener("https://app.example/cb")


def test_authlib_habits_work_or_say_the_oauth2kit_spelling(basic: oauth2kit.Client, dev: DevServer) -> None:
    token_url, auth_url = f"{dev.url}/token", f"{dev.url}/authorize"
    # Authlib: uri, state = client.create_authorization_url(authorization_endpoint)
    req = basic.create_authorization_url(auth_url, scope="read")
    uri, state = req
    assert uri == req.url and state == req.state
    # Authlib: client.fetch_token(token_endpoint, authorization_response=redirect_url)
    token = basic.fetch_token(token_url, authorization_response=follow_authorize(uri), request=req)
    assert token.access_token
    # What cannot work says how it is spelled here.
    with pytest.raises(oauth2kit.ConfigurationError, match="request="):
        basic.fetch_token(token_url, authorization_response=follow_authorize(basic.create_authorization_url().url))
    with pytest.raises(oauth2kit.ConfigurationError, match="token_url="):
        basic.fetch_token("https://elsewhere.example/token", authorization_response=uri, request=req)
    with pytest.raises(oauth2kit.ConfigurationError, match="authorization_url="):
        basic.create_authorization_url("https://elsewhere.example/authorize")
