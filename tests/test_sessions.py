"""Server-side sessions: timeouts, ending them, devices and password change (API and pages)."""

import hashlib
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import DeviceSession, utcnow
from journal.services import sessions
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error, totp_code

ME = "/api/v1/me"
DEVICES = "/api/v1/me/devices"
NEW_PASSWORD = "a different river at dusk"
DEVICE_KEYS = {"id", "user_agent", "created_at", "last_seen_at", "current"}


class Clock:
    """A settable clock for journal.services.sessions; None means real time."""

    def __init__(self):
        self.now = None

    def __call__(self):
        return self.now or utcnow()


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(sessions, "utcnow", fake)
    return fake


def the_device(app, user_id):
    """The user's one open session record."""
    with app.app_context():
        [device] = db.session.scalars(
            select(DeviceSession).where(
                DeviceSession.user_id == user_id, DeviceSession.ended_at.is_(None)
            )
        ).all()
        db.session.expunge(device)
    return device


def open_devices(app, user_id):
    with app.app_context():
        return db.session.scalars(
            select(DeviceSession).where(
                DeviceSession.user_id == user_id, DeviceSession.ended_at.is_(None)
            )
        ).all()


def second_device(app, user, agent="Other Browser/2.0"):
    """Sign the same user in on another client."""
    other = Api(app.test_client())
    body = {"email": user.email, "password": PASSWORD}
    if getattr(user, "totp_secret", None):
        body["totp"] = totp_code(app, user)
    response = other.post("/api/v1/auth/login", body, headers={"User-Agent": agent})
    assert response.status_code == 200
    return other


def the_device_id(api):
    """The id of the device an Api client is signed in on, as the API reports it."""
    [current] = [d for d in api.get(DEVICES).get_json()["items"] if d["current"]]
    return current["id"]


@pytest.mark.parametrize(
    ("role", "minutes"),
    [("client", 30), ("therapist", 15)],
)
@pytest.mark.parametrize(
    ("offset", "signed_in"),
    [
        (timedelta(seconds=-1), True),
        (timedelta(0), True),
        (timedelta(seconds=1), False),
        (timedelta(hours=1), False),
    ],
)
def test_idle_timeout_edges(app, api_as, clock, role, minutes, offset, signed_in):
    api = api_as(role)
    last_seen = the_device(app, api.user.id).last_seen_at
    clock.now = last_seen + timedelta(minutes=minutes) + offset
    response = api.get(ME)
    if signed_in:
        assert response.status_code == 200
    else:
        assert_error(response, 401, "not_signed_in")
        assert open_devices(app, api.user.id) == []
        clock.now = None
        assert_error(api.get(ME), 401, "not_signed_in")


def test_idle_limit_differs_by_role(app, api_as, clock):
    client, therapist = api_as("client"), api_as("therapist")
    clock.now = utcnow() + timedelta(minutes=20)
    assert client.get(ME).status_code == 200
    assert_error(therapist.get(ME), 401, "not_signed_in")


def test_activity_moves_last_seen_at(app, api_as, clock):
    api = api_as("client")
    before = the_device(app, api.user.id).last_seen_at
    clock.now = before + timedelta(minutes=5)
    assert api.get(ME).status_code == 200
    assert the_device(app, api.user.id).last_seen_at == clock.now
    clock.now += timedelta(minutes=29)  # 34 minutes after sign-in, 29 after last use
    assert api.get(ME).status_code == 200
    assert the_device(app, api.user.id).last_seen_at == clock.now


def test_absolute_limit_even_when_active(app, api_as, clock):
    api = api_as("client")
    created = the_device(app, api.user.id).created_at
    clock.now = created
    while clock.now + timedelta(minutes=20) <= created + timedelta(hours=12):
        clock.now += timedelta(minutes=20)
        assert api.get(ME).status_code == 200, clock.now - created
    assert clock.now == created + timedelta(hours=12)
    clock.now += timedelta(seconds=1)
    assert_error(api.get(ME), 401, "not_signed_in")
    assert open_devices(app, api.user.id) == []


def test_logout_ends_the_record(app, api_as):
    api = api_as("client")
    device = the_device(app, api.user.id)
    with api.client.session_transaction() as sess:
        sid = sess["sid"]
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert open_devices(app, api.user.id) == []
    with app.app_context():
        assert db.session.get(DeviceSession, device.id).ended_at is not None
    # Putting the old token back into a signed cookie does not revive it.
    with api.client.session_transaction() as sess:
        sess["sid"] = sid
    assert_error(api.get(ME), 401, "not_signed_in")


def test_token_is_stored_hashed(app, api_as):
    api = api_as("client")
    with api.client.session_transaction() as sess:
        sid = sess["sid"]
    device = the_device(app, api.user.id)
    assert len(sid) >= 22  # at least 128 bits in URL-safe base64
    assert device.token_hash == hashlib.sha256(sid.encode()).hexdigest()
    assert sid not in (device.id, device.token_hash)


def test_change_password_ends_every_session(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    response = api.put(
        ME + "/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 204
    assert_error(api.get(ME), 401, "not_signed_in")
    assert_error(other.get(ME), 401, "not_signed_in")
    fresh = Api(app.test_client())
    assert_error(fresh.login(api.user.email), 401, "invalid_credentials")
    assert fresh.login(api.user.email, NEW_PASSWORD).status_code == 200


def test_change_password_wrong_current_names_the_field(api_as):
    api = api_as("client")
    response = api.put(
        ME + "/password", {"current_password": "nope" * 4, "new_password": NEW_PASSWORD}
    )
    assert_error(response, 422, "validation_failed", ["current_password"])


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"current_password": "not my password", "new_password": NEW_PASSWORD}, None),
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "password1234"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "n" * 257}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"new_password": NEW_PASSWORD}, "current_password"),
    ],
)
def test_change_password_refused_keeps_everything(app, api_as, body, field):
    api = api_as("client")
    other = second_device(app, api.user)
    response = api.put(ME + "/password", body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_failed"
    if field:
        assert set(response.get_json()["error"]["fields"]) == {field}
    assert api.get(ME).status_code == 200
    assert other.get(ME).status_code == 200
    assert Api(app.test_client()).login(api.user.email).status_code == 200


def test_list_devices_marks_current(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    api_as("client")  # someone else's device never shows up
    mine = api.get(DEVICES)
    assert mine.status_code == 200
    body = mine.get_json()
    assert set(body) == {"items", "next_cursor"} and body["next_cursor"] is None
    assert all(set(item) == DEVICE_KEYS for item in body["items"])
    assert len(body["items"]) == 2
    [current] = [d for d in body["items"] if d["current"]]
    assert current["id"] == the_device_id(api)
    theirs = other.get(DEVICES).get_json()["items"]
    assert {d["id"] for d in theirs} == {d["id"] for d in body["items"]}
    [other_current] = [d for d in theirs if d["current"]]
    assert other_current["id"] != current["id"]
    assert other_current["user_agent"] == "Other Browser/2.0"
    assert all(d["created_at"].endswith("Z") for d in theirs)


def test_end_one_device(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    assert api.delete(f"{DEVICES}/{the_device_id(other)}").status_code == 204
    assert_error(other.get(ME), 401, "not_signed_in")
    assert api.get(ME).status_code == 200
    assert len(api.get(DEVICES).get_json()["items"]) == 1


def test_end_this_device(api_as):
    api = api_as("client")
    assert api.delete(f"{DEVICES}/{the_device_id(api)}").status_code == 204
    assert_error(api.get(ME), 401, "not_signed_in")


@pytest.mark.parametrize("whose", ["someone_else", "missing", "ended"])
def test_end_device_not_yours_is_404(app, api_as, whose):
    api = api_as("client")
    stranger = api_as("client")
    if whose == "someone_else":
        device_id = the_device_id(stranger)
    elif whose == "missing":
        device_id = "00000000-0000-0000-0000-000000000000"
    else:
        other = second_device(app, api.user)
        device_id = the_device_id(other)
        assert api.delete(f"{DEVICES}/{device_id}").status_code == 204
    assert_error(api.delete(f"{DEVICES}/{device_id}"), 404, "not_found")
    assert stranger.get(ME).status_code == 200
    assert api.get(ME).status_code == 200


def test_end_all_devices(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    bystander = api_as("client")
    assert api.delete(DEVICES).status_code == 204
    assert_error(api.get(ME), 401, "not_signed_in")
    assert_error(other.get(ME), 401, "not_signed_in")
    assert bystander.get(ME).status_code == 200
    assert open_devices(app, api.user.id) == []
    assert Api(app.test_client()).login(api.user.email).status_code == 200


@pytest.mark.parametrize("method", ["get", "delete"])
def test_devices_signed_out_is_401(api, method):
    assert_error(getattr(api, method)(DEVICES), 401, "not_signed_in")


# The same on the /account page.


def test_account_page_lists_devices(app, api_as):
    api = api_as("client")
    second_device(app, api.user, agent="Mozilla/5.0 (Windows NT 10.0; rv:128.0) Firefox/128.0")
    page = api.client.get("/account")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Firefox on Windows" in text and "Mozilla" not in text
    assert text.count("· this device") == 1
    assert text.count(">Sign out this device</button>") == 2


def test_account_end_other_device(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    response = api.form(f"/account/devices/{the_device_id(other)}/end")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/account"
    assert_error(other.get(ME), 401, "not_signed_in")
    assert api.get(ME).status_code == 200


def test_account_end_this_device(api_as):
    api = api_as("client")
    response = api.form(f"/account/devices/{the_device_id(api)}/end")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert_error(api.get(ME), 401, "not_signed_in")


def test_account_end_someone_elses_device_is_404(api_as):
    api, stranger = api_as("client"), api_as("client")
    response = api.form(f"/account/devices/{the_device_id(stranger)}/end")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert stranger.get(ME).status_code == 200


def test_account_end_all(app, api_as):
    api = api_as("therapist")
    other = second_device(app, api.user)
    response = api.form("/account/devices/end-all")
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert_error(api.get(ME), 401, "not_signed_in")
    assert_error(other.get(ME), 401, "not_signed_in")


def test_account_forms_need_csrf(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    assert api.client.post("/account/devices/end-all").status_code == 400
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    assert api.client.post("/account/password", data=data).status_code == 400
    assert other.get(ME).status_code == 200


def test_account_change_password(app, api_as):
    api = api_as("client")
    other = second_device(app, api.user)
    response = api.form(
        "/account/password", {"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert_error(api.get(ME), 401, "not_signed_in")
    assert_error(other.get(ME), 401, "not_signed_in")
    assert Api(app.test_client()).login(api.user.email, NEW_PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"current_password": PASSWORD, "new_password": "short"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": "password1234"}, "new_password"),
        ({"current_password": PASSWORD, "new_password": ""}, "new_password"),
        ({"current_password": PASSWORD}, "new_password"),
        ({"current_password": "not my password", "new_password": NEW_PASSWORD}, "current_password"),
    ],
)
def test_account_change_password_bad_input_rerenders(app, api_as, data, field):
    api = api_as("client")
    response = api.form("/account/password", data)
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Some fields need another look." in text
    assert f'id="{field}-error"' in text
    for value in data.values():
        if len(value) >= 12:
            assert value not in text
    assert api.get(ME).status_code == 200
    assert Api(app.test_client()).login(api.user.email).status_code == 200
