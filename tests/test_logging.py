"""A canary: journal text, passwords and cookies never reach a log line."""

import logging

import pytest

from journal.services import entries
from tests.conftest import Api

CANARY_TEXT = "canary-bluebird-7731 the words I wrote"
CANARY_PASSWORD = "canary password 8842 quietly"


@pytest.fixture
def all_logs(caplog):
    """Capture every log record at every level."""
    caplog.set_level(logging.DEBUG)
    return caplog


def _everything_logged(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def test_secrets_never_logged(app, all_logs, monkeypatch):
    """Register, sign in, fail to sign in, write, search, crash: the log holds no secrets."""
    api = Api(app.test_client())
    body = {
        "email": "canary@example.test",
        "password": CANARY_PASSWORD,
        "display_name": "Canary",
        "role": "client",
    }
    assert api.post("/api/v1/auth/register", body).status_code == 201
    api.post("/api/v1/auth/logout")
    assert api.login("canary@example.test", "wrong " + CANARY_PASSWORD).status_code == 401
    assert api.login("canary@example.test", CANARY_PASSWORD).status_code == 200
    created = api.post("/api/v1/entries", {"title": CANARY_TEXT, "body": CANARY_TEXT})
    assert created.status_code == 201
    assert api.get("/api/v1/entries?q=bluebird").get_json()["items"]

    def explode(*args, **kwargs):
        raise RuntimeError("database fell over")

    monkeypatch.setattr(entries, "update", explode)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    entry_id = created.get_json()["id"]
    response = api.patch(f"/api/v1/entries/{entry_id}", {"version": 1, "body": CANARY_TEXT})
    assert response.status_code == 500

    cookie = api.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    logged = _everything_logged(all_logs)
    assert "RuntimeError" in logged  # the crash itself was logged...
    for secret in (CANARY_TEXT, "bluebird", CANARY_PASSWORD, cookie, api.token):
        assert secret not in logged  # ...but nothing private
