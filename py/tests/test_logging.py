"""The library's events reach Python's logging under the "oauth2kit" logger,
without a secret."""

from __future__ import annotations

import logging

import pytest

import oauth2kit
from conftest import BASIC_ID, BASIC_SECRET, DevServer, std_options


def test_a_token_request_is_logged_without_secrets(dev: DevServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="oauth2kit")
    client = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))  # reads the level
    token = client.client_credentials(scope="read")
    records = [r for r in caplog.records if r.name == "oauth2kit"]
    exchanges = [r for r in records if r.getMessage().startswith("HTTP exchange")]
    assert exchanges, [r.getMessage() for r in records]
    msg = exchanges[-1].getMessage()
    assert "method=POST" in msg and f"url={dev.url}/token" in msg and "status=200" in msg, msg
    assert exchanges[-1].levelno == logging.DEBUG
    assert getattr(exchanges[-1], "oauth2kit_target") == "oauth2kit::http"
    everything = "\n".join(r.getMessage() for r in records)
    assert token.access_token not in everything
    assert BASIC_SECRET not in everything


def test_nothing_is_logged_when_the_logger_is_disabled(dev: DevServer, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="oauth2kit")
    client = oauth2kit.Client(BASIC_ID, BASIC_SECRET, **std_options(dev.url))
    client.client_credentials()
    assert not [r for r in caplog.records if r.name == "oauth2kit" and r.levelno < logging.WARNING]
    # a later change is seen after refresh_logging()
    caplog.set_level(logging.DEBUG, logger="oauth2kit")  # the logger's and caplog's handler's level
    oauth2kit.refresh_logging()
    client.client_credentials()
    assert [r for r in caplog.records if r.name == "oauth2kit" and "HTTP exchange" in r.getMessage()]
