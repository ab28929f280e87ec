"""The outside test's findings, fixed at their root: deep JSON, unequal hashing work, lock-out by
strangers, per-worker rate limits said nowhere, and problems reported one per try."""

import logging
import re

import pytest
from argon2 import PasswordHasher

from journal.bootstrap import warn_if_limits_are_per_worker
from journal.jsonbody import MAX_DEPTH
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error
from tests.test_ratelimits import WRONG, assert_rate_limited, ip, login

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def deep(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


# The one route that takes a file (multipart/form-data) answers a JSON body 415; deep JSON
# inside an uploaded file is tests/test_imports.py's.
FILE_ROUTES = {"/api/v1/imports"}


def _body_routes(app) -> list[tuple[str, str]]:
    """Every API route and method that may read a JSON body, with made-up ids in its path."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in FILE_ROUTES:
            continue
        path = re.sub(r"<[^>]+>", "00000000-0000-4000-8000-000000000000", rule.rule)
        found += [(method, path) for method in sorted(rule.methods & set(UNSAFE))]
    return found


def _send(api: Api, method: str, path: str, body: bytes):
    headers = {"X-CSRFToken": api.token or api.csrf(), "Content-Type": "application/json"}
    return api.client.open(path, method=method, data=body, headers=headers)


@pytest.mark.parametrize("actor", ["anonymous", "client", "therapist"])
def test_json_nested_a_thousand_deep_is_a_400_on_every_body_route(app, api_as, actor):
    api = Api(app.test_client()) if actor == "anonymous" else api_as(actor)
    routes = _body_routes(app)
    assert len(routes) > 40
    for method, path in routes:
        response = _send(api, method, path, deep(1000))
        assert response.status_code == 400, (method, path, response.status_code)
        assert_error(response, 400, "too_deeply_nested")


def test_the_limit_is_exactly_the_documented_depth(api_as):
    api = api_as("client")
    allowed = _send(api, "POST", "/api/v1/entries", deep(MAX_DEPTH))
    assert allowed.status_code == 422  # a list is not an entry, but it was read
    refused = _send(api, "POST", "/api/v1/entries", deep(MAX_DEPTH + 1))
    assert_error(refused, 400, "too_deeply_nested")
    nested = b'{"body": ' + b'{"a": ' * 500 + b"1" + b"}" * 500 + b"}"
    assert_error(_send(api, "POST", "/api/v1/entries", nested), 400, "too_deeply_nested")


def test_sign_in_parses_deep_json_safely_before_the_rate_limit_reads_it(app):
    api = Api(app.test_client())
    for path in ("/api/v1/auth/login", "/api/v1/auth/register"):
        assert_error(_send(api, "POST", path, deep(1000)), 400, "too_deeply_nested")


@pytest.fixture
def hashing(monkeypatch):
    """Count argon2 hashes and verifies made while the test runs."""
    calls = {"hash": 0, "verify": 0}
    real_hash, real_verify = PasswordHasher.hash, PasswordHasher.verify

    def counting_hash(self, *args, **kwargs):
        calls["hash"] += 1
        return real_hash(self, *args, **kwargs)

    def counting_verify(self, *args, **kwargs):
        calls["verify"] += 1
        return real_verify(self, *args, **kwargs)

    monkeypatch.setattr(PasswordHasher, "hash", counting_hash)
    monkeypatch.setattr(PasswordHasher, "verify", counting_verify)
    return calls


def test_an_unknown_email_costs_the_same_hashing_as_a_wrong_password(app, make_user, hashing):
    user = make_user("client")
    api = Api(app.test_client())
    login(api, "warm.up@example.test", WRONG, n=1)  # the one dummy hash, made once
    costs = []
    for n, email in enumerate(["nobody@example.test", user.email, "no.one@example.test"]):
        hashing.update(hash=0, verify=0)
        assert login(api, email, WRONG, n=n + 2).status_code == 401
        costs.append(dict(hashing))
    assert costs == [{"hash": 0, "verify": 1}] * 3


def test_a_strangers_failures_do_not_lock_the_owner_out_of_their_own_browser(app, make_user):
    owner = make_user("client")
    phone = Api(app.test_client())
    assert login(phone, owner.email, n=900).status_code == 200
    phone.post("/api/v1/auth/logout")
    for n in range(50):  # from many addresses, so the per-address limit never stops them
        stranger = Api(app.test_client())
        assert login(stranger, owner.email, WRONG, n=n // 5).status_code in (401, 429)
    assert login(phone, owner.email, n=900).status_code == 200
    assert phone.get("/api/v1/me").status_code == 200
    elsewhere = Api(app.test_client())
    assert_rate_limited(login(elsewhere, owner.email, n=901), 3600)


def test_a_known_browser_still_has_its_own_limit(app, make_user):
    owner = make_user("client")
    phone = Api(app.test_client())
    assert login(phone, owner.email, n=950).status_code == 200
    for n in range(20):
        assert login(phone, owner.email, WRONG, n=951 + n // 5).status_code == 401
    assert_rate_limited(login(phone, owner.email, n=960), 3600)


def test_the_device_cookie_names_no_address(app, make_user):
    owner = make_user("client")
    phone = Api(app.test_client())
    response = login(phone, owner.email, n=970)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "journal-device" in c)
    assert owner.email.split("@")[0] not in cookie and "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_registration_names_every_problem_at_once(app):
    api = Api(app.test_client())
    body = {"email": "not an address", "password": "short", "display_name": "", "role": "x"}
    response = api.post("/api/v1/auth/register", body, environ_base=ip(990))
    assert_error(
        response, 422, "validation_failed", fields=["email", "password", "display_name", "role"]
    )
    page = api.form(
        "/register",
        {"email": "me@example.test", "password": "short", "display_name": "Me", "role": "client"},
        environ_base=ip(991),
    )
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and "Use at least 12 characters" in text
    both = api.form(
        "/register",
        {"email": "nope", "password": "short", "display_name": "Me", "role": "client"},
        environ_base=ip(992),
    ).get_data(as_text=True)
    assert "Enter an email like name@example.com." in both and "Use at least 12 characters" in both


def test_a_new_password_is_checked_with_the_other_fields(api_as):
    api = api_as("client")
    body = {"current_password": "", "new_password": "password1234"}
    response = api.put("/api/v1/me/password", body)
    # Both at once: the weak new password, and the current one (empty, so not right).
    assert_error(response, 422, "validation_failed", fields=["new_password", "current_password"])
    right = {"current_password": PASSWORD, "new_password": "password1234"}
    assert_error(api.put("/api/v1/me/password", right), 422, "validation_failed", ["new_password"])


@pytest.mark.parametrize(
    ("env", "production", "warned"),
    [
        ({}, False, False),
        ({"WEB_CONCURRENCY": "2"}, False, True),
        ({"GUNICORN_CMD_ARGS": "-w 4 --bind 0.0.0.0:8000"}, False, True),
        ({}, True, True),
    ],
)
def test_memory_rate_limits_say_so_where_several_workers_serve(
    app, monkeypatch, caplog, env, production, warned
):
    for name in ("WEB_CONCURRENCY", "GUNICORN_CMD_ARGS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(app.config, "JOURNAL_ENV", "production" if production else "development")
    with caplog.at_level(logging.WARNING, logger="journal.bootstrap"):
        warn_if_limits_are_per_worker(app)
    said = [r.getMessage() for r in caplog.records if "REDIS_URL" in r.getMessage()]
    assert bool(said) == warned
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    caplog.clear()
    warn_if_limits_are_per_worker(app)
    assert not [r for r in caplog.records if "REDIS_URL" in r.getMessage()]
