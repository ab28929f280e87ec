"""Every error answer: the JSON shape under /api/, a friendly page elsewhere, never a traceback."""

import logging
import uuid
from html import unescape

import pytest
from flask import request_finished

from journal.extensions import db
from journal.models import User
from tests.conftest import PASSWORD, Api

BIG = "x" * (1024 * 1024 + 100)
TRACE_MARKERS = ("Traceback", "RuntimeError", 'File "', "werkzeug", "sqlalchemy")


def assert_api_error(response, status, code, fields=None):
    """Exactly {"error": {"code", "message"[, "fields"]}}, as JSON."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ["error"]
    error = body["error"]
    expected = {"code", "message"} | ({"fields"} if fields else set())
    assert set(error) == expected
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"].strip()
    if fields:
        assert set(error["fields"]) == set(fields)
        assert all(isinstance(m, list) and m for m in error["fields"].values())
    text = response.get_data(as_text=True)
    for marker in TRACE_MARKERS:
        assert marker not in text
    return error


def assert_error_page(response, status, heading):
    """A friendly HTML page with a human sentence and no traceback."""
    assert response.status_code == status
    assert response.mimetype == "text/html"
    text = unescape(response.get_data(as_text=True))
    assert heading in text
    assert "<h1>" in text and "Go to your home page" in text
    for marker in TRACE_MARKERS:
        assert marker not in text
    return text


@pytest.fixture
def client_api(api_as):
    return api_as("client")


@pytest.fixture
def no_propagation(app, monkeypatch):
    """Let the 500 handler run (TESTING would re-raise unhandled exceptions)."""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)


# --- API ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/api/v1/nope", "/api/v1/", "/api/nope", f"/api/v1/entries/{uuid.uuid4()}"]
)
def test_api_404(client_api, path):
    assert_api_error(client_api.get(path), 404, "not_found")


@pytest.mark.parametrize(
    "method, path, allowed",
    [
        ("PUT", "/api/v1/me", {"GET", "PATCH", "DELETE"}),
        ("POST", "/api/v1/me", {"GET", "PATCH", "DELETE"}),
        ("DELETE", "/api/v1/entries", {"GET", "POST"}),
        ("GET", "/api/v1/auth/login", {"POST"}),
    ],
)
def test_api_405_names_the_allowed_methods(client_api, method, path, allowed):
    response = client_api._send(method, path)
    assert_api_error(response, 405, "method_not_allowed")
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_api_413(client_api):
    response = client_api.post("/api/v1/entries", {"body": BIG})
    assert_api_error(response, 413, "too_large")
    assert client_api.get("/api/v1/entries").get_json()["items"] == []


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
def test_api_415(client_api, content_type):
    response = client_api.post(
        "/api/v1/entries", data="body=hello", headers={"Content-Type": content_type}
    )
    assert_api_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("raw", ["{", '{"body": "x",}', "\xff\xfe", "nul\x00"])
def test_api_400_malformed_json(client_api, raw):
    response = client_api.post(
        "/api/v1/entries", data=raw.encode("latin-1"), headers={"Content-Type": "application/json"}
    )
    assert_api_error(response, 400, "malformed_json")


def test_api_400_missing_csrf(client_api):
    assert_api_error(
        client_api.post("/api/v1/entries", {"body": "x"}, csrf=False), 400, "csrf_failed"
    )


@pytest.mark.parametrize("path", ["/api/v1/me", "/api/v1/entries", "/api/v1/export"])
def test_api_401(api, path):
    assert_api_error(api.get(path), 401, "not_signed_in")


def test_api_403_wrong_role(api_as):
    therapist = api_as("therapist")
    assert_api_error(therapist.get("/api/v1/entries"), 403, "wrong_role")
    assert_api_error(therapist.post("/api/v1/entries", {"body": "x"}), 403, "wrong_role")


def test_api_403_cross_site(client_api):
    response = client_api.post(
        "/api/v1/entries", {"body": "x"}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert_api_error(response, 403, "cross_site_request")


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"body": ""}, ["body"]),
        ({}, ["body"]),
        ({"body": "x", "tags": ["a"] * 11}, ["tags"]),
        ({"body": "x", "owner": "me"}, ["owner"]),
        ([], ["_schema"]),
    ],
)
def test_api_422_names_the_fields(client_api, body, fields):
    assert_api_error(client_api.post("/api/v1/entries", body), 422, "validation_failed", fields)


def test_api_429(app, api):
    for _ in range(10):
        assert (
            api.post("/api/v1/auth/login", {"email": "a@b.test", "password": "x"}).status_code
            == 401
        )
    response = api.post("/api/v1/auth/login", {"email": "a@b.test", "password": "x"})
    assert_api_error(response, 429, "rate_limited")
    assert response.headers["Retry-After"].isdigit()


def test_api_500_rolls_back_and_hides_the_traceback(
    app, client_api, monkeypatch, no_propagation, caplog
):
    def half_done(user, display_name):
        user.display_name = "HALF-WRITTEN"
        db.session.flush()
        raise RuntimeError("secret internals: journal/services/accounts.py")

    monkeypatch.setattr("journal.services.accounts.update_profile", half_done)
    user_id, seen = client_api.user.id, []

    def finished(sender, response, **extra):
        """Runs after the error handler, before teardown: has the session been rolled back?"""
        seen.append(db.session.get(User, user_id).display_name)

    with caplog.at_level(logging.ERROR), request_finished.connected_to(finished, app):
        response = client_api.patch("/api/v1/me", {"display_name": "New name"})
    assert seen == [client_api.user.display_name]
    error = assert_api_error(response, 500, "server_error")
    assert "secret internals" not in response.get_data(as_text=True)
    assert "Nothing you saved was lost" in error["message"]
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged and any("/api/v1/me" in r.getMessage() for r in logged)
    assert all("New name" not in r.getMessage() for r in caplog.records)
    with app.app_context():
        assert db.session.get(User, user_id).display_name == client_api.user.display_name
    # The app carries on.
    monkeypatch.undo()
    assert client_api.get("/api/v1/me").status_code == 200


# --- pages -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nope", "/journal/nope/deeper", f"/journal/{uuid.uuid4()}"])
def test_page_404(client_api, path):
    text = assert_error_page(client_api.client.get(path), 404, "We couldn't find that")
    assert "We could not find that." not in text and "may be mistyped" in text  # said once


def test_page_404_signed_out(client):
    assert_error_page(client.get("/nope"), 404, "We couldn't find that")


@pytest.mark.parametrize(
    "method, path", [("PUT", "/"), ("DELETE", "/login"), ("PATCH", "/healthz")]
)
def test_page_405(client, method, path):
    response = client.open(path, method=method)
    text = assert_error_page(response, 405, "That didn't work")
    assert "That method is not allowed here." in text
    assert "GET" in response.headers["Allow"]


def test_page_413(client):
    response = Api(client).form("/login", {"email": "a@b.test", "password": BIG})
    text = assert_error_page(response, 413, "That didn't work")
    assert "1 MiB" in text


def test_page_413_on_a_journal_form(client_api):
    response = client_api.form("/journal/new", {"body": BIG})
    assert_error_page(response, 413, "That didn't work")


def test_page_400_missing_csrf(client):
    response = client.post("/login", data={"email": "a@b.test", "password": PASSWORD})
    text = assert_error_page(response, 400, "That didn't work")
    assert "security token" in text


def test_page_403_wrong_role(api_as):
    therapist = api_as("therapist")
    assert_error_page(therapist.client.get("/journal"), 403, "That didn't work")


def test_page_429(api):
    for _ in range(10):
        api.form("/login", {"email": "a@b.test", "password": "wrong password"})
    response = api.form("/login", {"email": "a@b.test", "password": "wrong password"})
    assert_error_page(response, 429, "That didn't work")
    assert response.headers["Retry-After"].isdigit()


def test_page_500(client_api, monkeypatch, no_propagation):
    def broken(user):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("journal.services.export.entry_count", broken)
    response = client_api.client.get("/account/delete")
    text = assert_error_page(response, 500, "Something went wrong")
    assert "Nothing you saved was lost." in text
    assert "secret internals" not in text


@pytest.mark.parametrize("path", ["/api/v1/entries/a%00b", "/api/v1/clients/x%00/shared"])
def test_a_null_byte_in_a_path_is_not_found(api_as, path):
    """A null byte names nothing: 404 in the error shape, never a database error."""
    response = api_as("client").get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_null_byte_in_a_page_path_is_not_found(api_as):
    response = api_as("client").client.get("/journal/a%00b")
    assert response.status_code == 404 and b"couldn't find that" in response.data
