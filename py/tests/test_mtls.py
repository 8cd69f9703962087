"""Mutual TLS (RFC 8705) from Python against the devserver over HTTPS, which
asks every connection for a client certificate and checks it itself:
``tls_client_auth`` (a certificate its throw-away CA issued) and
``self_signed_tls_client_auth`` (the registered certificate) sign in by client
credentials at the discovered mTLS aliases; the token is bound to the
certificate (``cnf.x5t#S256``, seen by introspection) and UserInfo accepts it
over that certificate only; the wrong certificate or none is refused by the
server; an mTLS method without a certificate is a configuration error."""

from __future__ import annotations

import base64
import hashlib
import ssl
from typing import Any, Dict

import pytest

import oauth2kit
from conftest import TlsDevServer


def mtls_client(srv: TlsDevServer, client_id: str, method: str, cert: str, key: str, **extra: Any) -> oauth2kit.Client:
    return oauth2kit.Client(
        client_id,
        discovery_issuer=srv.url,
        ca_certificates_pem=srv.pem("ca.pem"),
        auth_method=method,
        tls_client_certificate=cert,
        tls_client_key=key,
        **extra,
    )


def thumbprint(pem: str) -> str:
    der = ssl.PEM_cert_to_DER_cert(pem)
    return base64.urlsafe_b64encode(hashlib.sha256(der).digest()).rstrip(b"=").decode()


def test_tls_client_auth_and_the_bound_token(tls_server: TlsDevServer) -> None:
    cert = tls_server.pem("mtls-client.crt.pem")
    c = mtls_client(tls_server, "mtls-client", "tls_client_auth", cert, tls_server.pem("mtls-client.key.pem"))
    before = tls_server.count("mtls/token")
    token = c.client_credentials(scope="read")
    assert token.token_type == "Bearer"
    assert tls_server.count("mtls/token") == before + 1, "the mTLS alias"
    info = c.introspect(token.access_token)
    assert info["active"] is True
    assert info["cnf"]["x5t#S256"] == thumbprint(cert)
    assert c.userinfo(token)["sub"] == "mtls-client"
    # The same token over no certificate, and over another one: refused.
    bare = oauth2kit.Client("public-client", discovery_issuer=tls_server.url, ca_certificates_pem=tls_server.pem("ca.pem"))
    with pytest.raises(oauth2kit.OAuthError) as e:
        bare.userinfo(token)
    assert e.value.error == "invalid_token"
    other = mtls_client(
        tls_server,
        "self-signed-client",
        "self_signed_tls_client_auth",
        tls_server.pem("self-signed-client.crt.pem"),
        tls_server.pem("self-signed-client.key.pem"),
    )
    with pytest.raises(oauth2kit.OAuthError) as e:
        other.userinfo(token)
    assert e.value.error == "invalid_token"


def test_self_signed_tls_client_auth(tls_server: TlsDevServer) -> None:
    cert = tls_server.pem("self-signed-client.crt.pem")
    c = mtls_client(
        tls_server, "self-signed-client", "self_signed_tls_client_auth", cert, tls_server.pem("self-signed-client.key.pem")
    )
    token = c.client_credentials()
    assert c.introspect(token.access_token)["cnf"]["x5t#S256"] == thumbprint(cert)
    assert c.userinfo(token)["sub"] == "self-signed-client"


def test_the_wrong_certificate_is_refused_by_the_server(tls_server: TlsDevServer) -> None:
    # The self-signed certificate under mtls-client's id: not one the CA issued.
    wrong = mtls_client(
        tls_server,
        "mtls-client",
        "tls_client_auth",
        tls_server.pem("self-signed-client.crt.pem"),
        tls_server.pem("self-signed-client.key.pem"),
    )
    with pytest.raises(oauth2kit.OAuthError) as e:
        wrong.client_credentials()
    assert e.value.error == "invalid_client"
    # client_id alone without a certificate (as "none" sends it).
    bare = oauth2kit.Client(
        "mtls-client", discovery_issuer=tls_server.url, ca_certificates_pem=tls_server.pem("ca.pem"), auth_method="none"
    )
    with pytest.raises(oauth2kit.OAuthError) as e:
        bare.client_credentials()
    assert e.value.error == "invalid_client"


def test_configuration_errors(tls_server: TlsDevServer) -> None:
    with pytest.raises(oauth2kit.ConfigurationError, match="client certificate"):
        oauth2kit.Client("mtls-client", token_url=f"{tls_server.url}/token", auth_method="tls_client_auth")
    key = tls_server.pem("self-signed-client.key.pem")
    with pytest.raises(oauth2kit.ConfigurationError, match="does not belong") as e:
        oauth2kit.Client(
            "mtls-client",
            token_url=f"{tls_server.url}/token",
            tls_client_certificate=tls_server.pem("mtls-client.crt.pem"),
            tls_client_key=key,
        )
    assert key.splitlines()[1] not in str(e.value)


def mtls_client_options(srv: TlsDevServer) -> Dict[str, Any]:
    """mtls-client's options: the devserver's CA, tls_client_auth, its certificate."""
    return dict(
        ca_certificates_pem=srv.pem("ca.pem"),
        auth_method="tls_client_auth",
        tls_client_certificate=srv.pem("mtls-client.crt.pem"),
        tls_client_key=srv.pem("mtls-client.key.pem"),
    )


def test_discover_fetches_metadata_with_the_client_s_transport(tls_server: TlsDevServer) -> None:
    """``Client.discover`` and ``oauth2kit.discover`` use the client's own
    options for the metadata request: the throw-away CA is trusted only
    when it is given (it was ignored before, so HTTPS discovery against a
    private CA failed)."""
    ca = tls_server.pem("ca.pem")
    with pytest.raises(oauth2kit.TransportError):
        oauth2kit.discover(tls_server.url)
    meta = oauth2kit.discover(tls_server.url, ca_certificates_pem=ca, timeout=5.0)
    assert meta.issuer == tls_server.url
    c = oauth2kit.Client.discover(tls_server.url, "mtls-client", **mtls_client_options(tls_server))
    assert c.client_credentials(scope="read").access_token


async def test_async_discover_uses_the_client_s_transport(tls_server: TlsDevServer) -> None:
    ca = tls_server.pem("ca.pem")
    with pytest.raises(oauth2kit.TransportError):
        await oauth2kit.discover_async(tls_server.url)
    c = await oauth2kit.AsyncClient.discover(tls_server.url, "mtls-client", **mtls_client_options(tls_server))
    assert (await c.client_credentials(scope="read")).access_token
