"""The API against its own OpenAPI document, signed in as each role: no 500s, no broken shapes."""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from journal.extensions import limiter
from tests.conftest import Api
from tests.helpers import totp_code

CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.fixture
def fresh_sessions(app, make_user, make_entry, monkeypatch):
    """Make cookies and CSRF headers for a new client, a new therapist, and nobody."""
    # Many sign-ins in a row: the rate limits are tested elsewhere.
    monkeypatch.setattr(limiter, "enabled", False)
    return lambda: _sign_in_each(app, make_user, make_entry)


def _sign_in_each(app, make_user, make_entry):
    found = []
    for role in ("client", "therapist", None):
        api = Api(app.test_client())
        if role:
            user = make_user(role)
            if role == "client":
                make_entry(user, "Something to find", tags=["x"])
            code = totp_code(app, user) if user.totp_secret else None
            assert api.login(user.email, totp=code).status_code == 200
        token = api.token or api.csrf()
        cookie = api.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        found.append({"headers": {"X-CSRFToken": token}, "cookies": {cookie.key: cookie.value}})
    return found


def test_api_keeps_its_contract(app, fresh_sessions):
    """Random valid and invalid requests never cause a 500 or an undeclared response."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 15

    for operation in operations:
        # New accounts per operation, since sign-out or deletion may end the previous ones.
        _fuzz(operation, fresh_sessions())


def _fuzz(operation, sessions):
    """Send generated requests for one operation as each of the sessions."""

    @given(case=operation.as_strategy())
    @settings(max_examples=8, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        for session in sessions:
            response = case.call(headers=session["headers"], cookies=session["cookies"])
            case.validate_response(response, checks=CHECKS)

    check()
