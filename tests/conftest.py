"""Shared fixtures: one app per run, a clean database per test, users and signed-in clients."""

import os
import tempfile

import pyotp
import pytest
from flask_migrate import upgrade

from journal import create_app, vapid
from journal.config import TestingConfig
from journal.crypto import new_master_key
from journal.extensions import db, limiter
from journal.models import utcnow
from journal.services import accounts, entries
from journal.services.keys import cipher_for_user
from tests.helpers import totp_code

PASSWORD = "a calm river at dawn"  # 20 characters, not on the common list


def pytest_collection_modifyitems(items):
    """Mark every test that uses the database, so CI can run them again on PostgreSQL."""
    for item in items:
        if "app" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def app():
    """The app under test, its schema built by the real migrations."""
    instance = tempfile.mkdtemp(prefix="journal-test-")
    config = TestingConfig(instance)
    config.JOURNAL_DATA_KEY = new_master_key()
    config.VAPID_PRIVATE_KEY = vapid.new_private_key()
    application = create_app(config)
    application.instance_path = instance
    with application.app_context():
        if db.engine.dialect.name == "postgresql":
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()
    yield application


@pytest.fixture(autouse=True)
def _clean(request):
    """Empty every table and the rate-limit counters after each database test."""
    yield
    if "app" not in request.fixturenames:
        return
    application = request.getfixturevalue("app")
    with application.app_context():
        db.session.rollback()
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
        limiter.reset()


@pytest.fixture
def client(app):
    """A browser-like test client."""
    return app.test_client()


@pytest.fixture
def ctx(app):
    """One app context for the whole test, as the services expect."""
    with app.app_context():
        yield


@pytest.fixture
def runner(app):
    """A runner for the flask commands."""
    return app.test_cli_runner()


class Api:
    """A test client that speaks the API's JSON and sends the CSRF header."""

    def __init__(self, client):
        self.client = client
        self.token = None

    def csrf(self) -> str:
        self.token = self.client.get("/api/v1/auth/csrf").get_json()["csrf_token"]
        return self.token

    def _send(self, method, path, json=None, csrf=True, **kwargs):
        headers = dict(kwargs.pop("headers", {}))
        if csrf and method != "GET":
            headers.setdefault("X-CSRFToken", self.token or self.csrf())
        response = self.client.open(path, method=method, json=json, headers=headers, **kwargs)
        if "X-CSRFToken" in response.headers:
            self.token = response.headers["X-CSRFToken"]
        return response

    def get(self, path, **kw):
        return self._send("GET", path, **kw)

    def post(self, path, json=None, **kw):
        return self._send("POST", path, json=json, **kw)

    def put(self, path, json=None, **kw):
        return self._send("PUT", path, json=json, **kw)

    def patch(self, path, json=None, **kw):
        return self._send("PATCH", path, json=json, **kw)

    def delete(self, path, json=None, **kw):
        return self._send("DELETE", path, json=json, **kw)

    def login(self, email, password=PASSWORD, totp=None):
        body = {"email": email, "password": password}
        if totp is not None:
            body["totp"] = totp
        return self.post("/api/v1/auth/login", body)

    def form(self, path, data=None, **kw):
        """Post an HTML form with its hidden csrf_token, as a browser would."""
        data = dict(data or {})
        data.setdefault("csrf_token", self.token or self.csrf())
        return self.client.post(path, data=data, **kw)


def _turn_on_totp(user) -> str:
    """Give a user two-step sign-in with a fresh secret, as if they had set it up."""
    secret = pyotp.random_base32()
    user.totp_sealed = cipher_for_user(user).seal("users", user.id, "totp", secret)
    user.totp_enabled_at = utcnow()
    db.session.commit()
    return secret


@pytest.fixture
def make_user(app):
    """Create users: make_user('client') or make_user('therapist', email=...).

    Therapists get two-step sign-in, as the app requires; its secret is on `user.totp_secret`.
    """
    counter = iter(range(10_000))

    def make(role="client", email=None, name=None, password=PASSWORD, totp=None):
        n = next(counter)
        with app.app_context():
            user = accounts.register(
                email or f"{role}{n}@example.test", password, name or f"{role.title()} {n}", role
            )
            with_totp = role == "therapist" if totp is None else totp
            secret = _turn_on_totp(user) if with_totp else None
            db.session.refresh(user)
            db.session.expunge(user)
        user.totp_secret = secret
        return user

    return make


@pytest.fixture
def api(client):
    """An API client, not signed in."""
    return Api(client)


@pytest.fixture
def api_as(app, make_user):
    """Sign a fresh API client in as a user: api_as(user) or api_as('therapist')."""

    def sign_in(user_or_role="client"):
        user = make_user(user_or_role) if isinstance(user_or_role, str) else user_or_role
        api = Api(app.test_client())
        code = totp_code(app, user) if getattr(user, "totp_secret", None) else None
        response = api.login(user.email, totp=code)
        assert response.status_code == 200, response.get_json()
        api.user = user
        return api

    return sign_in


@pytest.fixture
def make_entry(app):
    """Create an entry for a user directly through the service."""

    def make(user, body="A few honest lines.", **fields):
        data = {"id": None, "kind": "reflection", "title": "", "tags": [], "prompt_id": None}
        data.update(fields, body=body)
        with app.app_context():
            view, _ = entries.create(user, data)
        return view

    return make


@pytest.fixture(scope="session", autouse=True)
def _no_stray_env():
    """Tests never read the developer's own configuration."""
    for name in ("JOURNAL_DATA_KEY", "SECRET_KEY", "VAPID_PRIVATE_KEY"):
        os.environ.pop(name, None)
