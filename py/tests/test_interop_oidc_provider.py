"""The standard grants against an authorization server we did not write:
npm oidc-provider, as tests/interop/server.mjs runs it (skipped when Node.js
or its node_modules are missing; tests/interop/test.sh installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Iterator

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, REPO, keys_dir

INTEROP = REPO / "tests" / "interop"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "oidc-provider").exists():
        # The interop suite (tests/interop/test.sh) installs it and requires these tests.
        if os.environ.get("OAUTH2KIT_INTEROP_REQUIRED") == "1":
            pytest.fail("oidc-provider is not installed, but OAUTH2KIT_INTEROP_REQUIRED=1")
        pytest.skip("oidc-provider is not installed (run tests/interop/test.sh once)")
    proc = subprocess.Popen([node, "server.mjs", "0"], cwd=INTEROP, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("http"):
        proc.kill()
        pytest.fail(f"oidc-provider did not start: {line!r}")
    yield line
    if proc.stdin:
        proc.stdin.close()
    proc.terminate()
    proc.wait(10)


def test_discovery_and_client_credentials_basic(issuer: str) -> None:
    meta = oauth2kit.discover(issuer)
    assert meta.issuer == issuer and meta.token_endpoint and meta.introspection_endpoint
    client = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET)
    token = client.client_credentials("read")
    assert token.access_token and token.expires_in and token.scope == "read"


def test_post_and_private_key_jwt(issuer: str) -> None:
    post = oauth2kit.Client.discover(issuer, "post-client", "post-secret", auth_method="client_secret_post")
    assert post.client_credentials().access_token
    pem = (keys_dir() / "rsa-client.pem").read_text()
    rsa = oauth2kit.Client.discover(issuer, "rsa-client", private_key_pem=pem)
    assert rsa.auth_method == "private_key_jwt" and rsa.client_credentials().access_token


def test_introspect_revoke_and_errors(issuer: str) -> None:
    client = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET)
    token = client.client_credentials("read")
    assert client.introspect_token(token)["active"] is True
    client.revoke_token(token)
    assert client.introspect_token(token)["active"] is False
    bad = oauth2kit.Client.discover(issuer, BASIC_ID, "Xq7-wrong")
    with pytest.raises(oauth2kit.OAuthError) as ei:
        bad.client_credentials()
    assert ei.value.error == "invalid_client" and "Xq7" not in str(ei.value)


async def test_async_against_oidc_provider(issuer: str) -> None:
    client = await oauth2kit.AsyncClient.discover(issuer, BASIC_ID, BASIC_SECRET)
    session = oauth2kit.AsyncSession(client, scope="read", client_credentials=True)
    assert (await session.token()).access_token


def _sign_in(url: str, user: str = "carol") -> str:
    """The user signs in and consents on oidc-provider's own pages
    (tests/interop/op_user.py); the redirect back, not followed."""
    import sys

    sys.path.insert(0, str(INTEROP))
    try:
        import op_user
    finally:
        sys.path.pop(0)
    return op_user.User(user).authorize(url)


def test_openid_code_flow_validates_the_id_token_and_reads_userinfo(issuer: str) -> None:
    """OpenID Connect against a provider we did not write: its real, signed ID
    token validated on the exchange (claims readable), UserInfo's sub equal."""
    client = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET, redirect_uri="http://127.0.0.1/callback")
    req = client.create_authorization_url(scope="openid")
    assert "nonce=" in req.url and "code_challenge_method=S256" in req.url
    redirect = _sign_in(req.url)
    token = client.fetch_token(redirect, request=req)
    claims = token.id_token_claims
    assert claims is not None, "the ID token was not validated"
    assert claims["sub"] == "carol" and claims["iss"] == issuer
    aud = claims["aud"]
    assert BASIC_ID in (aud if isinstance(aud, list) else [aud])
    assert claims["nonce"] and claims["nonce"] in req.to_json()
    assert client.userinfo(token)["sub"] == "carol"
    # The same redirect with another state is refused before the code is used.
    again = client.create_authorization_url(scope="openid")
    forged = _sign_in(again.url).replace(f"state={again.state}", "state=" + "A" * 43)
    with pytest.raises(oauth2kit.StateMismatchError):
        client.fetch_token(forged, request=again)


async def test_openid_code_flow_async_and_a_nonce_that_does_not_match(issuer: str) -> None:
    client = await oauth2kit.AsyncClient.discover(issuer, BASIC_ID, BASIC_SECRET, redirect_uri="http://127.0.0.1/callback")
    req = client.create_authorization_url(scope="openid")
    token = await client.fetch_token(_sign_in(req.url, "dave"), request=req)
    assert token.id_token_claims and token.id_token_claims["sub"] == "dave"
    assert (await client.userinfo(token))["sub"] == "dave"
    # A pending authorization whose nonce was changed: the server's real ID
    # token fails the nonce check, and no token is handed out.
    import json

    req = client.create_authorization_url(scope="openid")
    doc = json.loads(req.to_json())
    nonce = doc["pending"]["nonce"]
    text = req.to_json().replace(nonce, nonce[:-1] + ("A" if nonce[-1] != "A" else "B"))
    changed = oauth2kit.AuthorizationRequest.from_json(text)
    with pytest.raises(oauth2kit.InvalidResponseError, match="nonce"):
        await client.fetch_token(_sign_in(req.url, "erin"), request=changed)


def test_fapi2_preset_par_private_key_jwt_and_a_dpop_bound_token(issuer: str) -> None:
    """fapi2=True against oidc-provider (DPoP on by default there): PAR,
    private_key_jwt, PKCE S256, iss, and a DPoP-bound token; a shared secret
    and the plain front channel are refused."""
    pem = (keys_dir() / "rsa-client.pem").read_text()
    client = oauth2kit.Client.discover(issuer, "rsa-client", private_key_pem=pem, fapi2=True,
                                       redirect_uri="http://127.0.0.1/callback", scope="openid")
    with pytest.raises(oauth2kit.ConfigurationError, match="by PAR"):
        client.create_authorization_url()
    req = client.pushed_authorization_url()
    assert "request_uri=" in req.url
    token = client.fetch_token(_sign_in(req.url, "frank"), request=req)
    assert token.token_type == "DPoP" and token.dpop_jkt
    with pytest.raises(oauth2kit.ConfigurationError, match="private_key_jwt"):
        oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET, fapi2=True)


RAR_PAYMENT = [{"type": "payment_initiation", "instructedAmount": {"currency": "EUR", "amount": "42.00"}}]
RAR_ACCOUNT = [{"type": "account_information", "actions": ["read_balances"]}]
# oidc-provider grants authorization details only with a resource indicator.
API = ["urn:oauth2kit:api"]


def test_rich_authorization_requests(issuer: str) -> None:
    """RAR (RFC 9396) against oidc-provider: details with client credentials
    and in the code flow (consented on its pages) come back in the token
    response; an unknown type is its typed error."""
    import json

    client = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET, resource=API,
                                       authorization_details=json.dumps(RAR_PAYMENT),
                                       redirect_uri="http://127.0.0.1/callback")
    assert client.client_credentials().authorization_details == RAR_PAYMENT
    req = client.create_authorization_url(authorization_details=json.dumps(RAR_ACCOUNT))
    token = client.fetch_token(_sign_in(req.url, "gina"), request=req)
    assert token.authorization_details == RAR_ACCOUNT
    unknown = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET, resource=API,
                                        authorization_details='[{"type":"crypto_swap"}]')
    with pytest.raises(oauth2kit.OAuthError) as e:
        unknown.client_credentials()
    assert e.value.error == "invalid_authorization_details"


def test_signed_request_objects(issuer: str) -> None:
    """JAR (RFC 9101) against oidc-provider: the authorization request as a
    request object signed with rsa-client's key, by value and through PAR."""
    pem = (keys_dir() / "rsa-client.pem").read_text()
    # a scope: oidc-provider denies an authorization that would grant nothing
    client = oauth2kit.Client.discover(issuer, "rsa-client", private_key_pem=pem, request_object=True,
                                       redirect_uri="http://127.0.0.1/callback", scope="read")
    req = client.create_authorization_url()
    assert "&request=ey" in req.url and "state=" not in req.url
    assert client.fetch_token(_sign_in(req.url, "hank"), request=req).access_token
    req = client.pushed_authorization_url()
    assert "request_uri=" in req.url
    assert client.fetch_token(_sign_in(req.url, "hank"), request=req).access_token


# ---- JARM (JWT Secured Authorization Response Mode), features.jwtResponseModes ----


def test_jarm_response_validated_with_the_provider_s_keys_and_a_tampered_one_refused(issuer: str) -> None:
    """response_mode=query.jwt (by the URL and by PAR): oidc-provider signs the
    response; oauth2kit checks it with the discovered JWKS before the code is
    used. A tampered response is refused, and the genuine code still works."""
    import base64
    import json

    client = oauth2kit.Client.discover(issuer, BASIC_ID, BASIC_SECRET, redirect_uri="http://127.0.0.1/callback",
                                       response_mode="query.jwt")
    req = client.create_authorization_url(scope="openid read")
    assert "response_mode=query.jwt" in req.url
    redirect = _sign_in(req.url, "gina")
    assert "?response=ey" in redirect and "code=" not in redirect
    header, payload, signature = redirect.split("response=", 1)[1].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert claims["iss"] == issuer and claims["aud"] == BASIC_ID
    claims["code"] = "made-up-code"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"http://127.0.0.1/callback?response={header}.{forged}.{signature}"
    with pytest.raises(oauth2kit.InvalidResponseError, match="the signature check failed"):
        client.fetch_token(tampered, request=req)
    token = client.fetch_token(redirect, request=req)
    assert token.access_token and token.id_token_claims and token.id_token_claims["sub"] == "gina"
    # The same through PAR: response_mode travels in the pushed request.
    par = client.pushed_authorization_url(scope="read")
    assert "request_uri=" in par.url and "response_mode" not in par.url
    assert client.fetch_token(_sign_in(par.url, "gina"), request=par).access_token
# --- mutual TLS (RFC 8705) ---
# oidc-provider over HTTPS with features.mTLS (`server.mjs 0 --mtls DIR`), with
# the PEM files the devserver binary writes (its throw-away CA, the server's
# certificate, the clients' certificates).
@pytest.fixture(scope="module")
def mtls_issuer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    from conftest import TlsDevServer

    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "oidc-provider").exists():
        if os.environ.get("OAUTH2KIT_INTEROP_REQUIRED") == "1":
            pytest.fail("oidc-provider is not installed, but OAUTH2KIT_INTEROP_REQUIRED=1")
        pytest.skip("oidc-provider is not installed (run tests/interop/test.sh once)")
    certs = tmp_path_factory.mktemp("mtls")
    TlsDevServer(certs).close()  # writes the PEM files at start; not needed after
    proc = subprocess.Popen([node, "server.mjs", "0", "--mtls", str(certs)], cwd=INTEROP, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    line = proc.stdout.readline().strip()
    if not line.startswith("https://"):
        proc.kill()
        pytest.fail(f"oidc-provider (mTLS) did not start: {line!r}")
    yield line, certs
    if proc.stdin:
        proc.stdin.close()
    proc.terminate()
    proc.wait(10)


def test_mtls_client_auth_and_certificate_bound_tokens(mtls_issuer: tuple[str, Path]) -> None:
    import base64
    import hashlib
    import ssl

    issuer, certs = mtls_issuer

    def pem(name: str) -> str:
        return (certs / name).read_text()

    for client_id, method, who in [
        ("mtls-client", "tls_client_auth", "mtls-client"),
        ("self-signed-client", "self_signed_tls_client_auth", "self-signed-client"),
    ]:
        # discovery_issuer, not Client.discover: that one reads the metadata
        # with the default roots only, which do not know the throw-away CA.
        client = oauth2kit.Client(
            client_id, discovery_issuer=issuer, auth_method=method, ca_certificates_pem=pem("ca.pem"),
            tls_client_certificate=pem(f"{who}.crt.pem"), tls_client_key=pem(f"{who}.key.pem"),
        )
        token = client.client_credentials()
        info = client.introspect_token(token)
        thumbprint = base64.urlsafe_b64encode(
            hashlib.sha256(ssl.PEM_cert_to_DER_cert(pem(f"{who}.crt.pem"))).digest()
        ).rstrip(b"=").decode()
        assert info["active"] is True and info["cnf"]["x5t#S256"] == thumbprint, client_id
    # The self-signed certificate as mtls-client's (not issued by the CA): refused.
    wrong = oauth2kit.Client(
        "mtls-client", discovery_issuer=issuer, auth_method="tls_client_auth", ca_certificates_pem=pem("ca.pem"),
        tls_client_certificate=pem("self-signed-client.crt.pem"), tls_client_key=pem("self-signed-client.key.pem"),
    )
    with pytest.raises(oauth2kit.OAuthError) as ei:
        wrong.client_credentials()
    assert ei.value.error == "invalid_client"
# --- end mutual TLS ---
