"""Two-step sign-in over the API: setup, sign-in codes, replay, therapists, the switch, the CLI."""

import base64
import re
from datetime import UTC, datetime
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from flask_login import login_user
from sqlalchemy import select, text

from journal.auth import role_required
from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, User
from journal.services import twofactor
from tests.conftest import PASSWORD, Api
from tests.helpers import age_password, assert_error

ME, LOGIN, TWO_FACTOR = "/api/v1/me", "/api/v1/auth/login", "/api/v1/me/two-factor"
WRONG_PASSWORD = "not the password at all"


class Clock:
    """A fixed moment for two-step sign-in, 5 seconds into a 30-second step."""

    def __init__(self):
        self.now = datetime(2026, 3, 2, 9, 0, 5, tzinfo=UTC)

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(twofactor, "utcnow", fake)
    return fake


def code(secret, offset=0):
    """The code an authenticator app shows now (or `offset` steps away)."""
    return pyotp.TOTP(secret).at(twofactor.utcnow(), counter_offset=offset)


def wrong_code(secret):
    """A well-formed code that no step in the accepted window produces."""
    window = {code(secret, n) for n in (-1, 0, 1)}
    return next(c for c in (f"{n:06d}" for n in range(10)) if c not in window)


def trail(app, user_id):
    """(action, outcome) of the audit events about a user, oldest first."""
    with app.app_context():
        rows = db.session.execute(
            select(AuditEvent.action, AuditEvent.outcome)
            .where(AuditEvent.owner_id == user_id)
            .order_by(AuditEvent.seq)
        )
        return [tuple(row) for row in rows]


def login(app, user, totp=None, password=PASSWORD, n=0):
    """Sign in on a fresh client from address n."""
    api = Api(app.test_client())
    body = {"email": user.email, "password": password}
    if totp is not None:
        body["totp"] = totp
    api.response = api.post(LOGIN, body, environ_base={"REMOTE_ADDR": f"10.1.{n // 250}.{n % 250}"})
    return api


# --- setting it up ---------------------------------------------------------------------------


def test_set_up_over_the_api(app, api_as):
    api = api_as("client")
    assert api.get(ME).get_json()["two_factor"] is False
    response = api.post(TWO_FACTOR)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"secret", "otpauth_uri"}
    secret = body["secret"]
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)  # 160 bits
    uri = urlsplit(body["otpauth_uri"])
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/Alliance Journal:{api.user.email}"
    query = parse_qs(uri.query)
    assert query["secret"] == [secret] and query["issuer"] == ["Alliance Journal"]
    # Not on until a code shows the app has the secret.
    assert api.get(ME).get_json()["two_factor"] is False
    assert_error(
        api.put(TWO_FACTOR, {"code": wrong_code(secret)}), 422, "validation_failed", ["code"]
    )
    assert api.get(ME).get_json()["two_factor"] is False
    assert api.put(TWO_FACTOR, {"code": code(secret)}).status_code == 204
    assert api.get(ME).get_json()["two_factor"] is True
    assert_error(api.put(TWO_FACTOR, {"code": code(secret)}), 409, "two_factor_on")
    assert_error(api.post(TWO_FACTOR), 409, "two_factor_on")
    assert trail(app, api.user.id)[-2:] == [("totp_failed", "failed"), ("totp_enabled", "ok")]


def test_starting_again_replaces_the_secret(api_as, clock):
    api = api_as("client")
    first = api.post(TWO_FACTOR).get_json()["secret"]
    second = api.post(TWO_FACTOR).get_json()["secret"]
    assert first != second
    if code(first) != code(second):  # one chance in a million that they agree
        assert_error(api.put(TWO_FACTOR, {"code": code(first)}), 422, "validation_failed", ["code"])
    assert api.put(TWO_FACTOR, {"code": code(second)}).status_code == 204


def test_confirming_needs_a_started_setup(api_as):
    assert_error(api_as("client").put(TWO_FACTOR, {"code": "123456"}), 409, "setup_not_started")


def test_setup_needs_a_recent_password(app, api_as):
    api = api_as("client")
    age_password(app, api.user)
    assert_error(api.post(TWO_FACTOR), 403, "reauth_required")
    assert api.post("/api/v1/auth/reauth", {"password": PASSWORD}).status_code == 204
    assert api.post(TWO_FACTOR).status_code == 201


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "code"),
        ({"code": "12345"}, "code"),
        ({"code": "1234567"}, "code"),
        ({"code": "12345a"}, "code"),
        ({"code": 123456}, "code"),
        ({"code": "١٢٣٤٥٦"}, "code"),  # digits, but not the ones an app shows
        ({"code": "123456", "secret": "A" * 32}, "secret"),
    ],
)
def test_code_validation(api_as, body, field):
    api = api_as("client")
    api.post(TWO_FACTOR)
    assert_error(api.put(TWO_FACTOR, body), 422, "validation_failed", [field])


# --- signing in ------------------------------------------------------------------------------


def test_login_asks_for_the_code_after_the_password(app, make_user, clock):
    user = make_user("client", totp=True)
    api = login(app, user)
    error = assert_error(api.response, 401, "totp_required")
    assert error["message"] == "Enter the 6-digit code from your authenticator app."
    assert_error(api.get(ME), 401, "not_signed_in")
    api = login(app, user, wrong_code(user.totp_secret))
    assert_error(api.response, 401, "totp_invalid")
    assert_error(api.get(ME), 401, "not_signed_in")
    api = login(app, user, code(user.totp_secret))
    assert api.response.status_code == 200
    assert api.response.get_json()["two_factor"] is True
    assert api.get(ME).status_code == 200
    assert ("totp_failed", "failed") in trail(app, user.id)


def test_a_code_is_taken_only_once(app, make_user, clock):
    user = make_user("client", totp=True)
    assert login(app, user, code(user.totp_secret)).response.status_code == 200
    assert_error(login(app, user, code(user.totp_secret)).response, 401, "totp_invalid")
    # Nor is an older step's code taken once a newer one was.
    assert_error(login(app, user, code(user.totp_secret, -1)).response, 401, "totp_invalid")
    assert login(app, user, code(user.totp_secret, 1)).response.status_code == 200


@pytest.mark.parametrize(("offset", "status"), [(-2, 401), (-1, 200), (0, 200), (1, 200), (2, 401)])
def test_one_step_of_clock_drift_either_way(app, make_user, clock, offset, status):
    user = make_user("client", totp=True)
    assert login(app, user, code(user.totp_secret, offset)).response.status_code == status


def test_the_password_is_checked_first(app, make_user, clock):
    user = make_user("client", totp=True)
    right = code(user.totp_secret)
    wrong_password = login(app, user, right, password=WRONG_PASSWORD).response
    unknown = Api(app.test_client()).login("nobody@example.test", totp=right)
    assert_error(wrong_password, 401, "invalid_credentials")
    assert wrong_password.get_json() == unknown.get_json()
    # The code was not spent on a wrong password.
    assert login(app, user, right).response.status_code == 200


@pytest.mark.parametrize("totp", ["12345", "abcdef", 123456, "١٢٣٤٥٦", "1234567", ""])
def test_login_code_must_be_six_digits(app, make_user, totp):
    user = make_user("client", totp=True)
    assert_error(login(app, user, totp).response, 422, "validation_failed", ["totp"])


def test_spaces_in_a_code_are_dropped(app, make_user, clock):
    user = make_user("client", totp=True)
    typed = code(user.totp_secret)
    assert login(app, user, f" {typed[:3]} {typed[3:]} ").response.status_code == 200


def test_a_code_is_ignored_while_two_step_is_off(app, make_user):
    assert login(app, make_user("client"), "123456").response.status_code == 200


def test_asking_for_the_code_is_not_a_failed_sign_in(app, make_user, clock):
    user = make_user("client", totp=True)
    for n in range(25):
        assert_error(login(app, user, n=n).response, 401, "totp_required")
    assert login(app, user, code(user.totp_secret), n=99).response.status_code == 200


def test_wrong_codes_count_against_the_account(app, make_user, clock):
    user = make_user("client", totp=True)
    for n in range(20):
        assert_error(
            login(app, user, wrong_code(user.totp_secret), n=n).response, 401, "totp_invalid"
        )
    response = login(app, user, code(user.totp_secret), n=99).response
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600


# --- therapists ------------------------------------------------------------------------------


def test_therapist_without_two_step_is_sent_to_set_it_up(app, api_as, make_user):
    api = api_as(make_user("therapist", totp=False))
    response = api.client.get("/therapist")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account/two-factor"
    page = api.client.get("/account/two-factor").get_data(as_text=True)
    assert "so a second step at sign-in is required. It takes a minute." in page
    secret = api.post(TWO_FACTOR).get_json()["secret"]
    assert api.put(TWO_FACTOR, {"code": code(secret)}).status_code == 204
    assert api.client.get("/therapist").status_code == 200


def call_therapist_view(app, user):
    """Call a therapist-only API view as this user; return its result or the AppError raised."""
    view = role_required("therapist")(lambda: "the view ran")
    with app.test_request_context("/api/v1/clients"):
        login_user(db.session.get(User, user.id))
        try:
            return view()
        except AppError as error:
            return error.status, error.code


def test_therapist_api_is_403_until_two_step_is_on(app, make_user):
    assert call_therapist_view(app, make_user("therapist", totp=False)) == (
        403,
        "two_factor_required",
    )
    assert call_therapist_view(app, make_user("therapist")) == "the view ran"
    # The role is still checked first.
    assert call_therapist_view(app, make_user("client")) == (403, "wrong_role")


def test_therapists_cannot_turn_it_off(api_as):
    api = api_as("therapist")
    body = {"password": PASSWORD, "code": code(api.user.totp_secret, 1)}
    assert_error(api.delete(TWO_FACTOR, body), 403, "two_factor_required")
    assert api.get(ME).get_json()["two_factor"] is True


def test_the_switch_turns_the_therapist_rule_off(app, api_as, make_user, monkeypatch):
    monkeypatch.setitem(app.config, "THERAPIST_TWO_FACTOR", False)
    without = make_user("therapist", totp=False)
    assert api_as(without).client.get("/therapist").status_code == 200
    assert call_therapist_view(app, without) == "the view ran"
    api = api_as("therapist")  # and a therapist may then turn it off
    body = {"password": PASSWORD, "code": code(api.user.totp_secret, 1)}
    assert api.delete(TWO_FACTOR, body).status_code == 204


# --- turning it off, resetting it ------------------------------------------------------------


def test_client_turns_it_off_with_password_and_code(app, api_as, make_user, clock):
    user = make_user("client", totp=True)
    api = api_as(user)
    right = code(user.totp_secret, 1)
    for body, field in (
        ({"password": WRONG_PASSWORD, "code": right}, "password"),
        ({"password": PASSWORD, "code": wrong_code(user.totp_secret)}, "code"),
        ({"password": PASSWORD}, "code"),
    ):
        assert_error(api.delete(TWO_FACTOR, body), 422, "validation_failed", [field])
    assert api.delete(TWO_FACTOR, {"password": PASSWORD, "code": right}).status_code == 204
    assert api.get(ME).get_json()["two_factor"] is False
    assert trail(app, user.id)[-1] == ("totp_disabled", "ok")
    assert_error(
        api.delete(TWO_FACTOR, {"password": PASSWORD, "code": right}), 409, "two_factor_off"
    )
    assert login(app, user).response.status_code == 200  # the password alone again


def test_reset_two_factor_command(app, api_as, runner):
    api = api_as("therapist")
    result = runner.invoke(args=["reset-two-factor", api.user.email.upper()])
    assert result.exit_code == 0, result.output
    assert f"Two-step sign-in is off for {api.user.email}" in result.output
    assert "set it up again" in result.output
    assert_error(api.get(ME), 401, "not_signed_in")  # the lost phone's session ended too
    again = login(app, api.user)
    assert again.response.get_json()["two_factor"] is False
    assert urlsplit(again.client.get("/therapist").headers["Location"]).path == (
        "/account/two-factor"
    )
    assert trail(app, api.user.id)[-2][0] == "totp_reset"


def test_reset_two_factor_refuses_an_unknown_email(runner):
    result = runner.invoke(args=["reset-two-factor", "nobody@example.test"])
    assert result.exit_code == 1
    assert "No account has the email nobody@example.test" in result.output


# --- storage and documentation ---------------------------------------------------------------


def test_the_secret_is_never_stored_in_plain_text(app, make_user):
    user = make_user("therapist")
    with app.app_context():
        row = db.session.execute(text("SELECT * FROM users WHERE id = :id"), {"id": user.id})
        values = row.mappings().one()
    assert values["totp_sealed"]
    for value in values.values():
        raw = bytes(value) if isinstance(value, bytes | memoryview) else str(value).encode()
        assert user.totp_secret.encode() not in raw
        assert user.totp_secret.lower().encode() not in raw
        assert base64.b32decode(user.totp_secret) not in raw


def test_login_documents_its_401_codes(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    login_401 = spec["paths"]["/auth/login"]["post"]["responses"]["401"]["description"]
    for name in ("invalid_credentials", "totp_required", "totp_invalid"):
        assert name in login_401
    assert set(spec["paths"]["/me/two-factor"]) == {"post", "put", "delete"}
    assert "totp" in spec["components"]["schemas"]["Login"]["properties"]
