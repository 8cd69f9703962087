"""The standard grants against an authorization server we did not write:
npm oidc-provider, as tests/interop/server.mjs runs it (skipped when Node.js
or its node_modules are missing; tests/interop/test.sh installs them)."""

from __future__ import annotations

import shutil
import subprocess
from typing import Iterator

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, REPO, keys_dir

INTEROP = REPO / "tests" / "interop"


@pytest.fixture(scope="module")
def issuer() -> Iterator[str]:
    node = shutil.which("node")
    if node is None or not (INTEROP / "node_modules" / "oidc-provider").exists():
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
