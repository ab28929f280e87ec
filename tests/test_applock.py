"""The app lock: setting a PIN, locking (at once, and when unused), unlocking, the waits after
wrong PINs, the gate that shows only the lock screen, and the quick exit."""

from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import DeviceSession, utcnow
from tests.conftest import PASSWORD

PIN = "4826"


def device_of(app, api):
    with app.app_context():
        return db.session.scalars(
            select(DeviceSession)
            .where(DeviceSession.user_id == api.user.id, DeviceSession.ended_at.is_(None))
            .order_by(DeviceSession.created_at.desc())
        ).first()


def change_device(app, device_id, **values):
    with app.app_context():
        device = db.session.get(DeviceSession, device_id)
        for name, value in values.items():
            setattr(device, name, value)
        db.session.commit()


@pytest.fixture
def locked_api(api_as):
    """A client with the lock on (PIN 4826, 5 minutes), this device open."""
    api = api_as("client")
    assert api.put("/api/v1/me/lock", {"pin": PIN, "after_minutes": 5}).status_code == 204
    return api


def test_turning_the_lock_on_shows_in_me(locked_api):
    me = locked_api.get("/api/v1/me").get_json()
    assert me["lock"] == {"on": True, "after_minutes": 5}


def test_the_lock_is_off_until_set(api_as):
    assert api_as("client").get("/api/v1/me").get_json()["lock"] == {
        "on": False,
        "after_minutes": 5,
    }


def test_setting_the_lock_needs_a_recent_password(app, api_as):
    api = api_as("therapist")  # therapists may lock too
    change_device(app, device_of(app, api).id, authenticated_at=utcnow() - timedelta(hours=1))
    response = api.put("/api/v1/me/lock", {"pin": PIN})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "reauth_required"
    assert api.post("/api/v1/auth/reauth", {"password": PASSWORD}).status_code == 204
    assert api.put("/api/v1/me/lock", {"pin": PIN, "after_minutes": 15}).status_code == 204
    assert api.get("/api/v1/me").get_json()["lock"] == {"on": True, "after_minutes": 15}


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"pin": "12", "after_minutes": 7}, {"pin", "after_minutes"}),
        ({"pin": "123456789"}, {"pin"}),
        ({"pin": "12a4"}, {"pin"}),
        ({"pin": "١٢٣٤"}, {"pin"}),  # digits, but not 0 to 9
        ({"after_minutes": "5"}, {"pin", "after_minutes"}),
        ({}, {"pin"}),
    ],
)
def test_a_bad_pin_or_time_names_every_problem(api_as, body, fields):
    response = api_as("client").put("/api/v1/me/lock", body)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == fields


def test_lock_routes_need_signing_in(api):
    for method, path in [
        ("put", "/api/v1/me/lock"),
        ("delete", "/api/v1/me/lock"),
        ("post", "/api/v1/me/lock/now"),
        ("post", "/api/v1/me/lock/unlock"),
    ]:
        assert getattr(api, method)(path, {"pin": PIN}).status_code == 401


def test_locking_now_closes_every_route_but_the_way_in_and_out(locked_api):
    assert locked_api.post("/api/v1/me/lock/now").status_code == 204
    for path in ["/api/v1/me", "/api/v1/entries", "/api/v1/export"]:
        response = locked_api.get(path)
        assert response.status_code == 423, path
        assert response.get_json()["error"]["code"] == "locked"
    assert locked_api.post("/api/v1/entries", {"body": "x"}).status_code == 423
    assert locked_api.get("/api/v1/auth/csrf").status_code == 200
    assert locked_api.post("/api/v1/me/lock/now").status_code == 204
    assert locked_api.post("/api/v1/me/lock/unlock", {"pin": PIN}).status_code == 204
    assert locked_api.get("/api/v1/me").status_code == 200


def test_every_page_answers_with_the_lock_screen_holding_no_words(locked_api, make_entry):
    make_entry(locked_api.user, body="A sentence only its writer should see.", title="Secret")
    locked_api.post("/api/v1/me/lock/now")
    for path in ["/journal", "/account", "/", "/checkins"]:
        response = locked_api.client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 423, path
        assert "Enter your PIN" in page
        for word in [
            "A sentence only",
            "Secret",
            locked_api.user.display_name,
            locked_api.user.email,
            'name="journal-user"',
            "Leave quickly",
        ]:
            assert word not in page, (path, word)


def test_signing_out_still_works_while_locked(locked_api):
    locked_api.post("/api/v1/me/lock/now")
    assert locked_api.post("/api/v1/auth/logout").status_code == 204
    assert locked_api.get("/api/v1/me").status_code == 401


def test_a_device_unused_for_its_minutes_locks_on_the_server(app, locked_api):
    device = device_of(app, locked_api)
    change_device(app, device.id, last_seen_at=utcnow() - timedelta(minutes=5, seconds=1))
    assert locked_api.get("/api/v1/me").status_code == 423
    with app.app_context():
        assert db.session.get(DeviceSession, device.id).locked_at is not None


def test_a_device_used_lately_stays_open(app, locked_api):
    device = device_of(app, locked_api)
    change_device(app, device.id, last_seen_at=utcnow() - timedelta(minutes=4, seconds=50))
    assert locked_api.get("/api/v1/me").status_code == 200


def test_without_a_pin_an_idle_device_does_not_lock(app, api_as):
    api = api_as("client")
    change_device(app, device_of(app, api).id, last_seen_at=utcnow() - timedelta(minutes=20))
    assert api.get("/api/v1/me").status_code == 200


def test_wrong_pins_wait_longer_each_time_then_sign_the_device_out(app, locked_api):
    locked_api.post("/api/v1/me/lock/now")
    device = device_of(app, locked_api)
    for tries_left in range(9, 5, -1):
        response = locked_api.post("/api/v1/me/lock/unlock", {"pin": "0000"})
        assert response.status_code == 401
        assert response.get_json()["error"] == {
            "code": "pin_invalid",
            "message": "That PIN isn't right.",
            "tries_left": tries_left,
        }
    fifth = locked_api.post("/api/v1/me/lock/unlock", {"pin": "0000"})
    assert fifth.status_code == 401  # the fifth still answers; the sixth has to wait
    waiting = locked_api.post("/api/v1/me/lock/unlock", {"pin": PIN})
    assert waiting.status_code == 429
    assert 1 <= int(waiting.headers["Retry-After"]) <= 30
    assert waiting.get_json()["error"]["retry_after"] == int(waiting.headers["Retry-After"])
    waits = []
    for _ in range(5):
        change_device(app, device.id, lock_wait_until=utcnow() - timedelta(seconds=1))
        response = locked_api.post("/api/v1/me/lock/unlock", {"pin": "0000"})
        assert response.status_code == 401
        with app.app_context():
            found = db.session.get(DeviceSession, device.id)
            waits.append(found.lock_wait_until and found.lock_wait_until - utcnow())
    assert waits[-1] is None or waits[-1] <= timedelta(0)  # the tenth ended the session
    assert [round(w.total_seconds() / 30) for w in waits[:4]] == [2, 4, 8, 16]
    assert response.get_json()["error"]["signed_out"] is True
    with app.app_context():
        assert db.session.get(DeviceSession, device.id).ended_at is not None
    assert locked_api.get("/api/v1/me").status_code == 401


def test_the_right_pin_resets_the_count(app, locked_api):
    locked_api.post("/api/v1/me/lock/now")
    for _ in range(3):
        locked_api.post("/api/v1/me/lock/unlock", {"pin": "9999"})
    assert locked_api.post("/api/v1/me/lock/unlock", {"pin": PIN}).status_code == 204
    assert device_of(app, locked_api).lock_failures == 0


def test_unlocking_an_open_device_with_a_wrong_pin_still_counts(locked_api):
    response = locked_api.post("/api/v1/me/lock/unlock", {"pin": "1111"})
    assert response.status_code == 401


def test_turning_the_lock_off_needs_the_password_and_opens_every_device(app, locked_api):
    locked_api.post("/api/v1/me/lock/now")
    wrong = locked_api.delete("/api/v1/me/lock", {"password": "not it"})
    assert wrong.status_code == 423  # locked: the password can't be used to get round the PIN
    locked_api.post("/api/v1/me/lock/unlock", {"pin": PIN})
    wrong = locked_api.delete("/api/v1/me/lock", {"password": "not it"})
    assert wrong.status_code == 422
    assert "password" in wrong.get_json()["error"]["fields"]
    assert locked_api.delete("/api/v1/me/lock", {"password": PASSWORD}).status_code == 204
    assert locked_api.get("/api/v1/me").get_json()["lock"]["on"] is False


def test_without_a_pin_locking_now_signs_the_device_out(api_as):
    api = api_as("client")
    assert api.post("/api/v1/me/lock/now").status_code == 204
    assert api.get("/api/v1/me").status_code == 401


def test_one_device_locked_leaves_the_others_open(app, api_as, locked_api):
    other = api_as(locked_api.user)
    locked_api.post("/api/v1/me/lock/now")
    assert other.get("/api/v1/me").status_code == 200


# ---- Pages ----


def test_the_lock_screen_form_unlocks_and_returns_to_the_page(locked_api):
    locked_api.post("/api/v1/me/lock/now")
    assert locked_api.client.get("/journal").status_code == 423
    response = locked_api.form("/unlock", {"pin": PIN, "next": "/journal"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/journal"
    page = locked_api.client.get("/journal")
    assert page.status_code == 200
    assert 'name="journal-pin-accepted"' in page.get_data(as_text=True)  # once
    assert 'name="journal-pin-accepted"' not in locked_api.client.get("/journal").get_data(
        as_text=True
    )


def test_the_lock_screen_goes_back_only_within_the_site(locked_api):
    locked_api.post("/api/v1/me/lock/now")
    response = locked_api.form("/unlock", {"pin": PIN, "next": "//elsewhere.example/x"})
    assert response.headers["Location"] == "/"


def test_a_wrong_pin_on_the_lock_screen_says_so_with_the_tries_left(locked_api):
    locked_api.post("/api/v1/me/lock/now")
    response = locked_api.form("/unlock", {"pin": "0000", "next": "/journal"})
    page = unescape(response.get_data(as_text=True))
    assert response.status_code == 401
    assert "That PIN isn't right. You can try 4 more times before waiting." in page
    for _ in range(4):
        response = locked_api.form("/unlock", {"pin": "0000", "next": "/journal"})
    assert "You can try again in 30 seconds." in unescape(response.get_data(as_text=True))
    response = locked_api.form("/unlock", {"pin": PIN, "next": "/journal"})
    assert response.status_code == 429
    assert "Retry-After" in response.headers
    assert "Too many tries. Please wait" in response.get_data(as_text=True)


def test_the_tenth_wrong_pin_on_the_lock_screen_signs_out(app, locked_api):
    locked_api.post("/api/v1/me/lock/now")
    device = device_of(app, locked_api)
    change_device(app, device.id, lock_failures=9)
    response = locked_api.form("/unlock", {"pin": "0000", "next": "/journal"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert locked_api.client.get("/journal").status_code == 302  # to sign-in


def test_the_unlock_form_signed_out_goes_to_sign_in(api):
    response = api.form("/unlock", {"pin": PIN, "next": "/journal"})
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_the_account_page_sets_changes_and_removes_the_lock(app, api_as):
    api = api_as("client")
    change_device(app, device_of(app, api).id, authenticated_at=utcnow() - timedelta(hours=1))
    page = api.client.get("/account").get_data(as_text=True)
    assert "App lock" in page and 'name="lock_password"' in page
    bad = api.form("/account/lock", {"pin": "12", "after_minutes": "3", "lock_password": "no"})
    assert bad.status_code == 422
    text = unescape(bad.get_data(as_text=True))
    for message in ["Use 4 to 8 digits.", "Choose 1, 5 or 15 minutes.", "password isn"]:
        assert message in text
    ok = api.form("/account/lock", {"pin": PIN, "after_minutes": "1", "lock_password": PASSWORD})
    assert ok.status_code == 302
    assert api.get("/api/v1/me").get_json()["lock"] == {"on": True, "after_minutes": 1}
    page = api.client.get("/account").get_data(as_text=True)
    assert '<meta name="journal-lock" content="1">' in page
    assert 'name="journal-pin-accepted"' in page
    assert api.form("/account/lock/remove", {"unlock_password": "nope"}).status_code == 422
    assert api.form("/account/lock/remove", {"unlock_password": PASSWORD}).status_code == 302
    assert api.get("/api/v1/me").get_json()["lock"]["on"] is False


def test_every_client_page_offers_the_quick_exit_and_therapists_do_not_need_it(api_as):
    client = api_as("client")
    for path in ["/journal", "/account", "/checkins"]:
        assert "Leave quickly" in client.client.get(path).get_data(as_text=True), path
    therapist = api_as("therapist")
    assert "Leave quickly" not in therapist.client.get("/therapist").get_data(as_text=True)


def test_the_quick_exit_without_script_locks_and_shows_the_neutral_page(locked_api, make_entry):
    make_entry(locked_api.user, body="Words about home.")
    response = locked_api.form("/leave")
    assert response.status_code == 303
    assert response.headers["Location"] == "/away"
    away = locked_api.client.get("/away")
    text = away.get_data(as_text=True)
    assert away.status_code == 200
    for word in ["Alliance", "Journal", "journal", "therap", "Words about home", "PIN"]:
        assert word not in text
    assert locked_api.client.get("/journal").status_code == 423  # Back finds the lock


def test_the_quick_exit_without_a_pin_signs_out(api_as):
    api = api_as("client")
    assert api.form("/leave").headers["Location"] == "/away"
    assert api.get("/api/v1/me").status_code == 401


def test_the_neutral_page_is_open_to_anyone(client):
    assert client.get("/away").status_code == 200
