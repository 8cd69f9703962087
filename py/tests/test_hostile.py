"""The Python binding against tests/hostile/server.py: every fault mode ends
in its documented exception code (or a clamped success), never a
PanicException, and no exception's message or ``.body`` shows the client
secret, the PKCE verifier or a token the server sent (all LEAK-…)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest

import oauth2kit

SERVER = Path(__file__).resolve().parents[2] / "tests" / "hostile" / "server.py"
SECRET = "hostile-client-secret-5c8a1f"
CENTURY = 36_525 * 86_400

# mode -> error code (None: a success); the same table as core/tests/hostile.rs.
CASES: "list[Tuple[str, Optional[int]]]" = [
    ("expires_1e19", None),
    ("expires_20_digits", None),
    ("expires_1e300_string", None),
    ("expires_negative", None),
    ("jwt_exp_1e19", None),
    ("echo_500", 3),
    ("truncated_500", 3),
    ("trailing_comma", 4),
    ("form_error_newline", 1),
    ("relative_redirect", 5),
    ("token_number", None),
    ("token_null", 4),
    ("token_object", 4),
    ("html_200", 4),
    ("short_body", 7),
    ("reset_mid_body", 7),
    ("never_answers", 8),
    ("retry_after_429", 3),
    ("retry_after_503_date", 3),
    ("drip", 8),
    ("huge_body", 6),
    ("huge_unannounced", 6),
    ("gzip_bomb", 4),
]


@pytest.fixture(scope="module")
def hostile_urls() -> Iterator[Tuple[str, str]]:
    """The server's URL and its TLS listener's (a certificate no client trusts)."""
    proc = subprocess.Popen([sys.executable, str(SERVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()  # printed once it listens
    tls = proc.stdout.readline().strip()
    assert url.startswith("http://127.0.0.1:") and tls.startswith("https://127.0.0.1:"), (url, tls)
    yield url, tls
    proc.kill()
    proc.wait()


@pytest.fixture(scope="module")
def hostile(hostile_urls: Tuple[str, str]) -> str:
    return hostile_urls[0]


@pytest.mark.parametrize("which", ["untrusted certificate", "unknown host"])
def test_an_untrusted_certificate_and_an_unknown_host_are_transport_errors(hostile_urls: Tuple[str, str], which: str) -> None:
    base = hostile_urls[1] if which == "untrusted certificate" else "https://no-such-host.invalid"
    c = oauth2kit.Client("hostile-client", SECRET, auth_method="client_secret_post", token_url=f"{base}/token", timeout=5.0)
    with pytest.raises(oauth2kit.OAuth2Error) as e:
        c.client_credentials()
    assert e.value.code == 7 and not e.value.is_transient, repr(e.value)
    assert_clean(e.value)


def client(url: str, mode: str) -> oauth2kit.Client:
    return oauth2kit.Client(
        "hostile-client",
        SECRET,
        auth_method="client_secret_post",
        token_url=f"{url}/{mode}/token",
        authorization_url=f"{url}/{mode}/authorize",
        device_authorization_url=f"{url}/{mode}/device",
        redirect_uri="http://127.0.0.1:9/cb",
        timeout=1.0,
    )


def assert_clean(e: BaseException, *secrets: str) -> None:
    # A Rust panic would be a PanicException, which is no OAuth2Error.
    assert isinstance(e, oauth2kit.OAuth2Error), repr(e)
    shown = f"{e}\n{e!r}\n{getattr(e, 'body', None) or ''}"
    for s in (SECRET, "LEAK-", *secrets):
        assert s not in shown, f"{s} in {shown}"


@pytest.mark.parametrize("mode,code", CASES)
def test_hostile_token_answer(hostile: str, mode: str, code: Optional[int]) -> None:
    try:
        token = client(hostile, mode).client_credentials()
    except BaseException as e:  # noqa: B036 - PanicException is a BaseException
        assert_clean(e)
        assert code is not None and getattr(e, "code", None) == code, f"{mode}: {e!r}"
        # The server's wait is kept, in seconds (float), from a number or an HTTP date.
        if mode == "retry_after_429":
            assert getattr(e, "retry_after", None) == 7.0
        elif mode == "retry_after_503_date":
            assert 20.0 < getattr(e, "retry_after", 0.0) <= 30.0
        return
    assert code is None, f"{mode}: succeeded, expected code {code}"
    if mode == "expires_negative":
        assert token.is_expired()
    elif mode == "token_number":
        assert token.access_token == "12345678901"
    else:
        assert token.expires_in is not None and 0 < token.expires_in <= CENTURY
    # Any leeway is clock-safe.
    token.is_expired(leeway=1e19)


def test_device_answer_with_huge_numbers_is_clamped(hostile: str) -> None:
    d = client(hostile, "device_huge").device_authorization()
    assert d.user_code == "WDJB-MJHT"
    assert 0 < d.expires_in <= CENTURY and 0 < d.interval <= CENTURY


def test_echoed_code_exchange_shows_no_verifier(hostile: str) -> None:
    c = client(hostile, "echo_500")
    request = c.create_authorization_url()
    verifier = json.loads(request.to_json())["pending"]["code_verifier"]
    assert verifier
    with pytest.raises(oauth2kit.OAuth2Error) as ei:
        c.exchange_code("LEAK-CODE-1", request=request)
    assert ei.value.code == 3 and "could not handle" in (ei.value.body or "")
    assert_clean(ei.value, verifier)
