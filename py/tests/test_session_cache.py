"""The cached-token fast path of ``Session.token()``: it hands out the same
object while the token is fresh, and still notices expiry, invalidation and
tokens replaced by another thread without any other call."""

from __future__ import annotations

import threading
import time

import pytest

import oauth2kit
from conftest import DevServer, keys_dir


def test_fresh_token_is_the_same_object_and_costs_no_request(basic: oauth2kit.Client, dev: DevServer) -> None:
    s = oauth2kit.Session(basic, client_credentials=True)
    first = s.token()
    before = dev.count("token")
    assert all(s.token() is first for _ in range(10_000))
    assert s.cached() is first and s.access_token == first.access_token
    assert dev.count("token") == before
    assert s.client is basic and isinstance(s, oauth2kit.Session)


def test_expiry_is_noticed_by_the_cached_read_alone(basic: oauth2kit.Client, dev: DevServer) -> None:
    # Fresh for 1.5 s (expires in 61.5 s, renewed 60 s ahead).
    s = oauth2kit.Session(basic, oauth2kit.Token("initial-token", expires_in=61.5), client_credentials=True)
    assert s.token().access_token == "initial-token"
    before = dev.count("token")
    deadline = time.monotonic() + 5
    while s.access_token == "initial-token":  # nothing but reads
        assert time.monotonic() < deadline, "the expired token was still handed out"
    assert dev.count("token") == before + 1
    assert s.cached() is not None and s.cached().access_token != "initial-token"  # type: ignore[union-attr]


def test_invalidation_is_seen_by_the_next_read(basic: oauth2kit.Client, dev: DevServer) -> None:
    s = oauth2kit.Session(basic, client_credentials=True)
    old = s.token()
    s.invalidate(old)
    assert s.cached() is None
    new = s.token()
    assert new.access_token != old.access_token
    s.invalidate(old)  # a 401 on a token already replaced changes nothing
    assert s.token() is new


def test_tokens_replaced_by_another_thread_are_seen_at_once(basic: oauth2kit.Client) -> None:
    s = oauth2kit.Session(basic, client_credentials=True)
    s.token()
    t = threading.Thread(target=s.set_tokens, args=(oauth2kit.Token("from-another-thread", expires_in=3600),))
    t.start()
    t.join()
    assert s.token().access_token == "from-another-thread"
    s.clear()
    assert s.cached() is None


def test_session_fetching_anew_with_a_jwt_bearer_grant(basic: oauth2kit.Client, dev: DevServer) -> None:
    pem = (keys_dir() / "rsa-client.pem").read_text()
    grant = {"private_key": pem, "issuer": "rsa-client", "subject": "alice", "audience": dev.url}
    s = oauth2kit.Session(basic, jwt_bearer=grant)
    before = dev.count("token")
    first = s.token()
    assert first.access_token and dev.count("token") == before + 1
    s.invalidate()
    second = s.token()  # no refresh token: a new assertion, signed now
    assert second.access_token != first.access_token and dev.count("token") == before + 2

    with pytest.raises(oauth2kit.ConfigurationError, match="unknown key"):
        oauth2kit.Session(basic, jwt_bearer={**grant, "issuer_typo": "x"})
    with pytest.raises(oauth2kit.ConfigurationError, match="not both"):
        oauth2kit.Session(basic, jwt_bearer=grant, client_credentials=True)
    with pytest.raises(oauth2kit.ConfigurationError, match="one of"):
        oauth2kit.Session(basic, jwt_bearer={"issuer": "rsa-client"})
    # The audience defaults to the token endpoint, as in every binding and the CLI.
    defaulted = oauth2kit.Session(basic, jwt_bearer={"private_key": pem, "issuer": "rsa-client", "subject": "alice"})
    assert defaulted.token().access_token
    # The same grant as flat session options (the names every binding shares).
    flat = oauth2kit.Session(basic, jwt_bearer_private_key_pem=pem, jwt_bearer_issuer="rsa-client",
                             jwt_bearer_subject="alice", jwt_bearer_claims={"purpose": "test"})
    assert flat.token().access_token


def test_session_options_are_the_binding_layer_s(basic: oauth2kit.Client) -> None:
    with pytest.raises(oauth2kit.ConfigurationError, match="did you mean \"refresh_margin\""):
        oauth2kit.Session(basic, refesh_margin=5, client_credentials=True)
    with pytest.raises(oauth2kit.ConfigurationError, match="retry_deadline"):
        oauth2kit.Session(basic, retry_deadline=-1, client_credentials=True)
    with pytest.raises(oauth2kit.ConfigurationError, match="refresh_margin"):
        oauth2kit.Session(basic, refresh_margin=1e19, client_credentials=True)
    with pytest.warns(DeprecationWarning, match="leeway is now called refresh_margin"):
        oauth2kit.Session(basic, leeway=5, client_credentials=True)
    with pytest.warns(DeprecationWarning, match="on_update is now called on_change"):
        oauth2kit.Session(basic, on_update=print, client_credentials=True)
    with pytest.raises(oauth2kit.ConfigurationError, match="not both"):
        oauth2kit.Session(basic, leeway=5, refresh_margin=5, client_credentials=True)
    # No grant named and nothing to start from: re-authorization, not client credentials.
    with pytest.raises(oauth2kit.ReauthorizationRequired):
        oauth2kit.Session(basic).token()
