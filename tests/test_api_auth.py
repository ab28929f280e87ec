"""API auth: CSRF token, register, login, logout, GET/PATCH /me, session cookie and audit."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent, User
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error, totp_code

REGISTER = "/api/v1/auth/register"
LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
ME = "/api/v1/me"
USER_KEYS = {"id", "email", "display_name", "role", "time_zone", "created_at", "two_factor"}
USER_KEYS |= {"offline_reading", "email_confirmed"}
GOOD = {
    "email": "new.person@example.test",
    "password": PASSWORD,
    "display_name": "New Person",
    "role": "client",
}


def assert_z_time(value):
    assert value.endswith("Z")
    parsed = datetime.fromisoformat(value)
    assert parsed.utcoffset().total_seconds() == 0
    assert abs((datetime.now(UTC) - parsed).total_seconds()) < 300


def cookie_name(app):
    return app.config["SESSION_COOKIE_NAME"]


def test_csrf_returns_token_and_starts_session(app, client):
    response = client.get("/api/v1/auth/csrf")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"csrf_token"}
    assert isinstance(body["csrf_token"], str) and len(body["csrf_token"]) > 20
    assert client.get_cookie(cookie_name(app)) is not None


def test_register_success(app, api):
    response = api.post(REGISTER, {**GOOD, "email": "New.Person@Example.TEST"})
    assert response.status_code == 201
    user = response.get_json()
    assert set(user) == USER_KEYS
    assert user["email"] == "new.person@example.test"
    assert user["display_name"] == "New Person"
    assert user["role"] == "client"
    assert_z_time(user["created_at"])
    assert response.headers["X-CSRFToken"]
    me = api.get(ME)
    assert me.status_code == 200
    assert me.get_json() == {
        **user,
        "pending_email": None,
        "lock": {"on": False, "after_minutes": 5},
    }
    assert user["email_confirmed"] is False
    with app.app_context():
        stored = db.session.get(User, user["id"])
        assert stored.email == "new.person@example.test"
        assert stored.password_hash.startswith("$argon2id$")


def test_register_therapist(api):
    response = api.post(REGISTER, {**GOOD, "role": "therapist"})
    assert response.status_code == 201
    assert response.get_json()["role"] == "therapist"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"email": None}, "email"),
        ({"password": None}, "password"),
        ({"display_name": None}, "display_name"),
        ({"role": None}, "role"),
        ({"email": "not-an-email"}, "email"),
        ({"email": 42}, "email"),
        ({"password": "x" * 11}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"password": "password1234"}, "password"),
        ({"password": "PASSWORD1234"}, "password"),
        ({"role": "admin"}, "role"),
        ({"is_admin": True}, "is_admin"),
        ({"id": "00000000-0000-0000-0000-000000000000"}, "id"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "Ana\x00"}, "display_name"),
    ],
)
def test_register_rejects_bad_input(app, api, change, field):
    body = {k: v for k, v in {**GOOD, **change}.items() if v is not None}
    response = api.post(REGISTER, body)
    assert_error(response, 422, "validation_failed", [field])
    assert api.get(ME).status_code == 401
    with app.app_context():
        assert db.session.scalars(select(User)).all() == []


@pytest.mark.parametrize("blank", ["   ", "\t\n", "\u3000"])
def test_blank_display_name_is_refused(api, blank):
    response = api.post(REGISTER, {**GOOD, "display_name": blank})
    assert_error(response, 422, "validation_failed", ["display_name"])


def test_blank_display_name_is_refused_on_patch(api_as):
    response = api_as("client").patch(ME, {"display_name": "   "})
    assert_error(response, 422, "validation_failed", ["display_name"])


@pytest.mark.parametrize("field", ["display_name", "password", "email"])
def test_register_rejects_lone_surrogate(api, field):
    values = {**GOOD, field: "@@"}
    raw = "{" + ",".join(f'"{k}": "{v}"' for k, v in values.items()) + "}"
    raw = raw.replace("@@", "\\ud800")
    response = api.client.post(
        REGISTER,
        data=raw,
        content_type="application/json",
        headers={"X-CSRFToken": api.csrf()},
    )
    assert_error(response, 422, "validation_failed", [field])


@pytest.mark.parametrize("password", ["q" * 256, "tulip harbor", "ünïcødé pässwörd 🔑"])
def test_register_accepts_password_at_limits(app, api, password):
    assert api.post(REGISTER, {**GOOD, "password": password}).status_code == 201
    assert Api(app.test_client()).login(GOOD["email"], password).status_code == 200


def test_register_duplicate_email_other_case(api, make_user):
    make_user("client", email="taken@example.test")
    response = api.post(REGISTER, {**GOOD, "email": "TAKEN@Example.Test"})
    assert_error(response, 422, "validation_failed", ["email"])


@pytest.mark.parametrize("raw", ['{"email": ', "[1, 2", "not json"])
def test_malformed_json_is_400(api, raw):
    response = api.client.post(
        REGISTER, data=raw, content_type="application/json", headers={"X-CSRFToken": api.csrf()}
    )
    assert_error(response, 400, "malformed_json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded"])
def test_non_json_body_is_415(api, content_type):
    response = api.client.post(
        LOGIN,
        data="email=a@example.test&password=whatever",
        content_type=content_type,
        headers={"X-CSRFToken": api.csrf()},
    )
    assert_error(response, 415, "unsupported_media_type")


@pytest.mark.parametrize("path", [REGISTER, LOGIN, LOGOUT])
def test_missing_csrf_is_400(api, path):
    response = api.post(path, GOOD, csrf=False)
    assert_error(response, 400, "csrf_failed")


def test_wrong_csrf_is_400(api):
    api.csrf()
    response = api.post(REGISTER, GOOD, headers={"X-CSRFToken": "forged"})
    assert_error(response, 400, "csrf_failed")


def test_login_success(app, api, make_user):
    user = make_user("therapist", email="thera@example.test")
    response = api.login("thera@example.test", totp=totp_code(app, user))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == USER_KEYS
    assert body["id"] == user.id and body["role"] == "therapist"
    assert_z_time(body["created_at"])
    assert api.get(ME).get_json()["id"] == user.id
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "login")).all()
        assert [(e.outcome, e.actor_id) for e in events] == [("ok", user.id)]


@pytest.mark.parametrize(
    "email", ["CLIENT@EXAMPLE.TEST", "Client@Example.Test", " client@example.test "]
)
def test_login_email_case_insensitive(api, make_user, email):
    user = make_user("client", email="client@example.test")
    response = api.login(email)
    assert response.status_code == 200
    assert response.get_json()["id"] == user.id


def test_login_wrong_password_and_unknown_email_look_the_same(app, api, make_user):
    user = make_user("client", email="known@example.test")
    wrong = api.login("known@example.test", "not the right password")
    unknown = api.login("nobody@example.test", PASSWORD)
    assert_error(wrong, 401, "invalid_credentials")
    assert wrong.status_code == unknown.status_code
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_data() == unknown.get_data()
    assert api.get(ME).status_code == 401
    with app.app_context():
        events = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login").order_by(AuditEvent.seq)
        ).all()
        assert [(e.outcome, e.actor_id) for e in events] == [("failed", user.id), ("failed", None)]


def test_logout_then_me_is_401(api, make_user):
    make_user("client", email="c@example.test")
    assert api.login("c@example.test").status_code == 200
    assert api.post(LOGOUT).status_code == 204
    assert_error(api.get(ME), 401, "not_signed_in")


def test_me_signed_out_is_401(api):
    assert_error(api.get(ME), 401, "not_signed_in")


def test_new_session_id_at_each_sign_in(app, api, make_user):
    make_user("client", email="c@example.test")
    api.csrf()
    before_login = api.client.get_cookie(cookie_name(app)).value
    api.login("c@example.test")
    with api.client.session_transaction() as sess:
        first_sid = sess["sid"]
    first_cookie = api.client.get_cookie(cookie_name(app)).value
    api.login("c@example.test")
    with api.client.session_transaction() as sess:
        second_sid = sess["sid"]
    second_cookie = api.client.get_cookie(cookie_name(app)).value
    assert first_sid != second_sid and len(second_sid) >= 22
    assert len({before_login, first_cookie, second_cookie}) == 3

    # The cookie from before sign-in never becomes a signed-in cookie (no fixation).
    stranger = app.test_client()
    stranger.set_cookie(cookie_name(app), before_login)
    assert stranger.get(ME).status_code == 401


def test_old_cookie_dead_after_relogin_and_logout(app, api, make_user):
    make_user("client", email="c@example.test")
    api.login("c@example.test")
    copied = api.client.get_cookie(cookie_name(app)).value
    api.login("c@example.test")
    assert api.post(LOGOUT).status_code == 204
    thief = app.test_client()
    thief.set_cookie(cookie_name(app), copied)
    assert_error(thief.get(ME), 401, "not_signed_in")


def test_copied_cookie_dead_after_logout(app, api, make_user):
    make_user("client", email="c@example.test")
    api.login("c@example.test")
    copied = api.client.get_cookie(cookie_name(app)).value
    assert api.post(LOGOUT).status_code == 204
    thief = app.test_client()
    thief.set_cookie(cookie_name(app), copied)
    assert_error(thief.get(ME), 401, "not_signed_in")


def test_remember_me_is_off(app, api, make_user):
    make_user("client", email="c@example.test")
    response = api.login("c@example.test")
    cookies = response.headers.getlist("Set-Cookie")
    assert cookies
    assert not any("remember" in c.lower() for c in cookies)
    assert api.client.get_cookie("remember_token") is None


@pytest.mark.parametrize("name", ["remember_token", "remember_token_unused"])
def test_forged_remember_cookie_signs_nobody_in(app, make_user, name):
    user = make_user("client")
    client = app.test_client()
    client.set_cookie(name, f"{user.id}|{'0' * 128}")
    assert_error(client.get(ME), 401, "not_signed_in")
    assert client.get("/journal").status_code == 302


def test_session_cookie_flags(app, api, make_user):
    make_user("client", email="c@example.test")
    response = api.login("c@example.test")
    [header] = [
        c for c in response.headers.getlist("Set-Cookie") if c.startswith(cookie_name(app) + "=")
    ]
    attributes = [part.strip().lower() for part in header.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert "path=/" in attributes


@pytest.mark.parametrize(
    "name",
    ["Ana 🌿✨", "مريم", "שׂרה", "Zoë", "e\u0301lodie", "Z\u0351\u036e\u0315a", "👩🏽‍⚕️ Dr K"],
)
def test_unicode_display_name_round_trip(app, api, name):
    response = api.post(REGISTER, {**GOOD, "display_name": name})
    assert response.status_code == 201
    assert response.get_json()["display_name"] == name
    assert api.get(ME).get_json()["display_name"] == name
    fresh = Api(app.test_client())
    assert fresh.login(GOOD["email"]).get_json()["display_name"] == name


def test_patch_me_changes_display_name(api_as):
    api = api_as("client")
    response = api.patch(ME, {"display_name": "Renamed ☀️"})
    assert response.status_code == 200
    assert set(response.get_json()) == USER_KEYS
    assert api.get(ME).get_json()["display_name"] == "Renamed ☀️"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "display_name"),
        ({"display_name": ""}, "display_name"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "a\x00b"}, "display_name"),
        ({"display_name": "ok", "role": "therapist"}, "role"),
        ({"display_name": "ok", "email": "x@example.test"}, "email"),
    ],
)
def test_patch_me_rejects_bad_input(api_as, body, field):
    api = api_as("client")
    before = api.get(ME).get_json()
    assert_error(api.patch(ME, body), 422, "validation_failed", [field])
    assert api.get(ME).get_json() == before


def test_patch_me_signed_out_is_401(api):
    assert_error(api.patch(ME, {"display_name": "x"}), 401, "not_signed_in")
