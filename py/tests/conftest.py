"""Fixtures: the real devserver binary on loopback (one per test session),
its control API, and clients for its registered clients."""

from __future__ import annotations

import json
import os
import ssl
import subprocess

import urllib.request
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

import oauth2kit

REPO = Path(__file__).resolve().parents[2]
BASIC_ID, BASIC_SECRET = "basic-client", "basic secret+/&=:%"
REDIRECT = "http://127.0.0.1/callback"


def _devserver_binary() -> Path:
    """The devserver built by test.sh (or here, once), never a mock."""
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    binary = target / "debug" / "oauth2kit-devserver"
    if not binary.exists():
        subprocess.run(["cargo", "build", "-q", "-p", "oauth2kit-devserver"], cwd=REPO, check=True)
    return binary


class DevServer:
    """A running devserver and its HTTP control API."""

    def __init__(self, extra_args: Optional[List[str]] = None, scheme: str = "http") -> None:
        self.proc = subprocess.Popen(
            [str(_devserver_binary()), "--port", "0", "--exit-on-stdin-eof", *(extra_args or [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()
        if not line.startswith(f"{scheme}://"):
            self.proc.kill()
            raise RuntimeError(f"devserver did not print its URL: {line!r}")
        self.url = line

    def _call(self, path: str, body: Optional[Dict[str, Any]] = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.url + path, data=data, method="GET" if body is None else "POST")
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10, context=self.ssl_context()) as resp:
            text = resp.read().decode()
        return json.loads(text) if text.strip().startswith(("{", "[")) else text

    def ssl_context(self) -> Optional[ssl.SSLContext]:
        """None: plain HTTP (the HTTPS devserver's trusts its throw-away CA)."""
        return None

    def counts(self) -> Dict[str, int]:
        """Requests per endpoint since the last reset."""
        result: Dict[str, int] = self._call("/control/counts")
        return result

    def count(self, endpoint: str) -> int:
        return int(self.counts().get(endpoint, 0))

    def reset(self) -> None:
        self._call("/control/reset", {})

    def fault(self, endpoint: str, *, status: int = 0, body: str = "", delay_ms: int = 0, times: int = 1,
              content_type: str = "application/json", headers: Optional[List[List[str]]] = None) -> None:
        self._call("/control/fault", {"endpoint": endpoint, "status": status, "body": body, "delay_ms": delay_ms,
                                      "times": times, "content_type": content_type, "headers": headers or []})

    def token_lifetime(self, seconds: int) -> None:
        self._call("/control/token-lifetime", {"seconds": seconds})

    def device(self, **settings: int) -> None:
        self._call("/control/device", settings)

    def id_token_claims(self, claims: Dict[str, Any]) -> None:
        """Claims the devserver puts into (or over) the ID tokens it issues from now on."""
        self._call("/control/id-token", {"claims": claims})

    def id_token_alg(self, alg: str) -> None:
        """ID tokens and signed userinfo signed with ``alg`` (``RS256`` or ``ES512``, the
        P-521 key always in /jwks); the claim and kid knobs go back to their defaults."""
        self._call("/control/id-token", {"alg": alg})

    def userinfo(self, signed: bool, claims: Optional[Dict[str, Any]] = None) -> None:
        """/userinfo answers with a signed JWT when ``signed``, ``claims`` merged in."""
        self._call("/control/userinfo", {"signed": signed, "claims": claims or {}})

    def dpop(self, **knobs: Any) -> None:
        """DPoP knobs (``token_nonce``, ``resource_nonce``, ``token_type``, ``clock_offset``); none restores the defaults."""
        self._call("/control/dpop", knobs)

    # JARM knob
    def jarm(self, corrupt: Optional[str] = None) -> None:
        """Spoils JARM responses (``signature``, ``iss``, ``aud``, ``exp``, ``alg_none``, ``plain``,
        ``encrypted``); none restores correct ones."""
        self._call("/control/jarm", {"corrupt": corrupt})

    def approve_device(self, user_code: str, approve: bool = True) -> None:
        self._call("/device/approve", {"user_code": user_code, "approve": approve})

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@pytest.fixture(scope="session")
def server() -> Iterator[DevServer]:
    s = DevServer()
    yield s
    s.close()


# --- mutual TLS (RFC 8705) ---
class TlsDevServer(DevServer):
    """A devserver over HTTPS (a throw-away CA) that asks for client
    certificates; ``dir`` holds ``ca.pem`` and the mTLS clients' certificates
    and keys (``mtls-client.*.pem``, ``self-signed-client.*.pem``)."""

    def __init__(self, tmp: Path) -> None:
        self.dir = tmp
        super().__init__(["--tls-ca-out", str(tmp / "ca.pem"), "--tls-client-cert-out", str(tmp)], scheme="https")

    def pem(self, name: str) -> str:
        return (self.dir / name).read_text()

    def ssl_context(self) -> Optional[ssl.SSLContext]:
        return ssl.create_default_context(cafile=str(self.dir / "ca.pem"))


@pytest.fixture(scope="session")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsDevServer]:
    s = TlsDevServer(tmp_path_factory.mktemp("tls"))
    yield s
    s.close()
# --- end mutual TLS ---


@pytest.fixture()
def dev(server: DevServer) -> Iterator[DevServer]:
    """The devserver with counters and faults reset, default token lifetime."""
    server.reset()
    server.token_lifetime(3600)
    yield server
    server.reset()
    server.token_lifetime(3600)
    server.dpop()


def std_options(url: str) -> Dict[str, Any]:
    return dict(
        token_url=f"{url}/token",
        authorization_url=f"{url}/authorize",
        introspection_url=f"{url}/introspect",
        revocation_url=f"{url}/revoke",
        device_authorization_url=f"{url}/device_authorization",
        redirect_uri=REDIRECT,
    )


@pytest.fixture()
def basic(dev: DevServer) -> oauth2kit.Client:
    """basic-client (client_secret_basic, a secret full of reserved characters)."""
    return oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))


@pytest.fixture()
def abasic(dev: DevServer) -> oauth2kit.AsyncClient:
    return oauth2kit.AsyncClient(BASIC_ID, BASIC_SECRET, **std_options(dev.url))


def follow_authorize(url: str) -> str:
    """Visits the auto-approving /authorize and returns the redirect it answers with."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(url, timeout=10)
    except urllib.error.HTTPError as e:
        if e.code in (302, 303):
            return str(e.headers["Location"])
        raise
    raise AssertionError("authorize did not redirect")


def keys_dir() -> Path:
    return REPO / "devserver" / "keys"


