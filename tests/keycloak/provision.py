#!/usr/bin/env python3
"""Provisions a fresh Keycloak (start-dev, in-memory database) for the
oauth2kit Keycloak suite through the admin REST API only, and writes the
fixtures file the tests read (issuer, clients, users, CIBA channel).

    provision.py BASE_URL ADMIN_PASSWORD_FILE CIBA_CHANNEL_URL FIXTURES_OUT

Nothing secret is printed: the admin password is read from a file, and the
fixtures (test-only secrets) go to FIXTURES_OUT only.
"""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
KEYS = REPO / "devserver" / "keys"
REALM = "oauth2kit"

# Test-only credentials (this realm lives in memory for one test run).
USER = {"username": "alice", "password": "alice-pw-1", "email": "alice@example.test"}
SECOND_USER = {"username": "bob", "password": "bob-pw-1", "email": "bob@example.test"}
# A secret that needs form-urlencoding in the Basic header (RFC 6749 §2.3.1).
BASIC_SECRET = "basic secret+/&=:%"
POST_SECRET = "post-secret-7f3a"
JWT_SECRET = "jwt-secret-client-secret-of-at-least-32-bytes"
DPOP_SECRET = "dpop-secret-91c2"
CIBA_SECRET = "ciba-secret-5d0e"
TARGET_SECRET = "target-secret-2b8f"  # introspects the tokens exchanged for its audience

# Any loopback port (RFC 8252 §7.3: Keycloak ignores the port of a loopback redirect URI).
LOOPBACK_REDIRECT = "http://127.0.0.1/callback"
WEB_REDIRECT = "http://127.0.0.1/web-callback"


class Admin:
    def __init__(self, base: str, password: str) -> None:
        self.base = base
        form = urllib.parse.urlencode(
            {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": password}
        ).encode()
        tok = self._raw("POST", f"{base}/realms/master/protocol/openid-connect/token", form,
                        {"Content-Type": "application/x-www-form-urlencoded"})
        self.token = json.loads(tok)["access_token"]

    def _raw(self, method: str, url: str, body: bytes | None, headers: dict[str, str]) -> bytes:
        req = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=60) as resp:
                return resp.read()
        except urllib.error.HTTPError as e:
            raise SystemExit(f"provision: {method} {url} -> {e.code}: {e.read()[:500]!r}") from None

    def call(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        out = self._raw(method, f"{self.base}/admin/realms{path}", data,
                        {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        return json.loads(out) if out.strip() else None

    def client_uuid(self, client_id: str) -> str:
        found = self.call("GET", f"/{REALM}/clients?clientId={urllib.parse.quote(client_id)}")
        return str(found[0]["id"])

    def user_id(self, username: str) -> str:
        return str(self.call("GET", f"/{REALM}/users?exact=true&username={username}")[0]["id"])


def jwks(*names: str) -> str:
    keys = [json.loads((KEYS / f"{n}.jwk.json").read_text()) for n in names]
    return json.dumps({"keys": keys})


def audience(*client_ids: str) -> list[dict[str, Any]]:
    """Audience mappers: Keycloak (26.7) answers `active: false` to an
    introspecting client that is not in the token's `aud`, and token exchange
    needs the requesting client there too."""
    return [{
        "name": f"audience-{cid}", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": cid, "access.token.introspection": "true",
                   "access.token.claim": "true", "id.token.claim": "false"},
    } for cid in client_ids]


def client(client_id: str, **extra: Any) -> dict[str, Any]:
    attrs = {
        "oauth2.device.authorization.grant.enabled": "true",
        "standard.token.exchange.enabled": "true",
        "post.logout.redirect.uris": WEB_REDIRECT,
    }
    attrs.update(extra.pop("attributes", {}))
    rep: dict[str, Any] = {
        "clientId": client_id,
        "protocol": "openid-connect",
        "enabled": True,
        "publicClient": False,
        "standardFlowEnabled": True,
        "directAccessGrantsEnabled": True,
        "serviceAccountsEnabled": True,
        "consentRequired": False,
        "redirectUris": [WEB_REDIRECT, LOOPBACK_REDIRECT],
        "webOrigins": [],
        "attributes": attrs,
    }
    rep.update(extra)
    return rep


def main() -> None:
    base, password_file, ciba_channel, out = sys.argv[1:5]
    admin = Admin(base, Path(password_file).read_text().strip())

    admin.call("POST", "", {
        "realm": REALM,
        "enabled": True,
        "sslRequired": "none",
        # Refresh token rotation with reuse detection: a rotated-out refresh
        # token is refused (and ends the session).
        "revokeRefreshToken": True,
        "refreshTokenMaxReuse": 0,
        "accessTokenLifespan": 300,
        "oauth2DeviceCodeLifespan": 600,
        "oauth2DevicePollingInterval": 1,
        "attributes": {
            "cibaBackchannelTokenDeliveryMode": "poll",
            "cibaExpiresIn": "120",
            "cibaInterval": "1",
            "cibaAuthRequestedUserHint": "login_hint",
        },
    })

    for u in (USER, SECOND_USER):
        admin.call("POST", f"/{REALM}/users", {
            "username": u["username"], "email": u["email"], "emailVerified": True, "enabled": True,
            "firstName": u["username"].title(), "lastName": "Test",
            "credentials": [{"type": "password", "value": u["password"], "temporary": False}],
        })

    # The audience of token exchange: a client with a role alice holds, so
    # tokens of clients with full scope carry it in `aud`.
    admin.call("POST", f"/{REALM}/clients", client(
        "target-client", secret=TARGET_SECRET, serviceAccountsEnabled=False,
        standardFlowEnabled=False, directAccessGrantsEnabled=False))
    target = admin.client_uuid("target-client")
    admin.call("POST", f"/{REALM}/clients/{target}/roles", {"name": "reader"})
    role = admin.call("GET", f"/{REALM}/clients/{target}/roles/reader")
    admin.call("POST", f"/{REALM}/users/{admin.user_id(USER['username'])}/role-mappings/clients/{target}", [role])

    # Every confidential client is in the audience of its own tokens (see audience()).
    admin.call("POST", f"/{REALM}/clients", client(
        "basic-client", secret=BASIC_SECRET, clientAuthenticatorType="client-secret",
        protocolMappers=audience("basic-client"),
        attributes={"oidc.ciba.grant.enabled": "true"}))
    admin.call("POST", f"/{REALM}/clients", client(
        "post-client", secret=POST_SECRET, clientAuthenticatorType="client-secret",
        protocolMappers=audience("post-client")))
    admin.call("POST", f"/{REALM}/clients", client(
        "jwt-secret-client", secret=JWT_SECRET, clientAuthenticatorType="client-secret-jwt",
        protocolMappers=audience("jwt-secret-client"),
        attributes={"token.endpoint.auth.signing.alg": "HS256"}))
    for cid, key, alg in (("rsa-client", "rsa-client", "RS256"), ("ec-client", "ec-client", "ES256")):
        admin.call("POST", f"/{REALM}/clients", client(
            cid, clientAuthenticatorType="client-jwt", protocolMappers=audience(cid),
            attributes={"use.jwks.string": "true", "jwks.string": jwks(key),
                        "token.endpoint.auth.signing.alg": alg}))
    admin.call("POST", f"/{REALM}/clients", client(
        "public-client", publicClient=True, serviceAccountsEnabled=False,
        attributes={"pkce.code.challenge.method": "S256"}))
    # Keycloak applies a client's PKCE requirement to its device requests
    # too (a Keycloak extension of RFC 8628): the public device client has none.
    admin.call("POST", f"/{REALM}/clients", client(
        "public-device-client", publicClient=True, serviceAccountsEnabled=False, standardFlowEnabled=False))
    admin.call("POST", f"/{REALM}/clients", client(
        "dpop-client", secret=DPOP_SECRET, clientAuthenticatorType="client-secret",
        protocolMappers=audience("dpop-client"),
        attributes={"dpop.bound.access.tokens": "true"}))
    admin.call("POST", f"/{REALM}/clients", client(
        "ciba-client", secret=CIBA_SECRET, clientAuthenticatorType="client-secret",
        protocolMappers=audience("ciba-client"),
        attributes={"oidc.ciba.grant.enabled": "true"}))

    issuer = f"{base}/realms/{REALM}"
    fixtures = {
        "base_url": base,
        "issuer": issuer,
        "realm": REALM,
        "ciba_channel": ciba_channel,
        "ciba_callback": f"{issuer}/protocol/openid-connect/ext/ciba/auth/callback",
        "user": USER,
        "second_user": SECOND_USER,
        "web_redirect_uri": WEB_REDIRECT,
        "loopback_redirect_uri": LOOPBACK_REDIRECT,
        "keys_dir": str(KEYS),
        "clients": {
            "basic": {"id": "basic-client", "secret": BASIC_SECRET},
            "post": {"id": "post-client", "secret": POST_SECRET},
            "jwt_secret": {"id": "jwt-secret-client", "secret": JWT_SECRET},
            "rsa": {"id": "rsa-client", "key": "rsa-client.pem", "kid": "rsa-client", "alg": "RS256"},
            "ec": {"id": "ec-client", "key": "ec-client.pem", "kid": "ec-client", "alg": "ES256"},
            "public": {"id": "public-client"},
            "public_device": {"id": "public-device-client"},
            "dpop": {"id": "dpop-client", "secret": DPOP_SECRET},
            "ciba": {"id": "ciba-client", "secret": CIBA_SECRET},
            "target": {"id": "target-client", "secret": TARGET_SECRET},
        },
    }
    Path(out).write_text(json.dumps(fixtures, indent=2))
    print(f"provision: realm {REALM} ready at {issuer}")


if __name__ == "__main__":
    main()
