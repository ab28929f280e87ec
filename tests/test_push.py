"""Web Push reminders: the API and page, quiet hours, who is due what, and sending end to end
to a push service of our own that checks VAPID and decrypts each message (tests/push_receiver.py).

Times are passed to the service explicitly: NOW is noon in Berlin on a Tuesday.
"""

import json
import logging
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import func, select, update

from journal import vapid
from journal.extensions import db
from journal.models import (
    Answer,
    Entry,
    Link,
    PushDelivery,
    PushSubscription,
    Share,
    Task,
    TherapySession,
    User,
    new_id,
    utcnow,
)
from journal.services import appointments, push
from tests.helpers import assert_error, statements_of
from tests.push_receiver import PushReceiver, Refused, check_vapid, decrypt, sample_keys
from tests.test_web_links import pair, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

SUBS = "/api/v1/me/push-subscriptions"
QUIET = "/api/v1/me/quiet-hours"
NOW = datetime(2031, 6, 10, 10, 0, tzinfo=UTC)  # 12:00 in Berlin
BERLIN = "Europe/Berlin"
TITLE, WORDS = "About my brother", "I held back when we talked about my brother."
REPLY = "Thank you for telling me about your brother. Let's start there."
TASK = "Notice one moment this week when you held back, and write what you wanted to say."
MESSAGES = {
    "session": "You have a session tomorrow. Time to prepare, if you'd like.",
    "news": "Something new is waiting in your journal.",
    "shared": "Something new was shared with you before a session.",
}


# ---- helpers ----


@pytest.fixture
def receiver(app):
    """A push service on 127.0.0.1 that knows the app's VAPID public key."""
    with app.app_context():
        key = push.public_key()
    with PushReceiver(key) as running:
        yield running


def change(app, model, where, **values) -> None:
    """Move rows behind the services' back (times, zones), as the tests' clock needs."""
    with app.app_context():
        db.session.execute(update(model).where(where).values(**values))
        db.session.commit()


def count(app, model, *where) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def subscribe(app, api, receiver, kinds, answer=201, since=NOW - timedelta(days=2)):
    """Turn reminders on for a new browser of the signed-in user; return the browser."""
    browser = receiver.browser(answer)
    response = api.post(SUBS, receiver.subscription(browser, kinds))
    assert response.status_code == 201, response.get_json()
    change(
        app, PushSubscription, PushSubscription.id == response.get_json()["id"], created_at=since
    )
    browser.id = response.get_json()["id"]
    return browser


def send(app, now=NOW) -> push.Sent:
    with app.app_context():
        return push.send_due(now)


def share(app, pair, make_entry, when=NOW - timedelta(hours=3)) -> str:
    """The client writes private words and shares them; return the entry id."""
    entry = make_entry(pair.client.user, WORDS, title=TITLE)
    url = f"/api/v1/entries/{entry.id}/shares/{pair.therapist.user.id}"
    assert pair.client.put(url).status_code == 201
    change(app, Share, Share.entry_id == entry.id, shared_at=when)
    return entry.id


def answer(app, pair, entry_id, when) -> None:
    """The therapist answers the shared entry with a reply, at `when`."""
    url = f"/api/v1/clients/{pair.client.user.id}/shared/{entry_id}/answer"
    assert pair.therapist.put(url, {"heard": True, "reply": REPLY}).status_code == 200
    change(app, Answer, Answer.entry_id == entry_id, updated_at=when)


def session_at(app, pair, starts_at) -> str:
    with app.app_context():
        client = db.session.get(User, pair.client.user.id)
        return appointments.schedule(client, pair.link_id, starts_at).id


def in_berlin(app, *users) -> None:
    change(app, User, User.id.in_([u.id for u in users]), time_zone=BERLIN)


def assert_plain(message: dict, text: str, url: str) -> None:
    """The message is exactly the plain sentence: no journal words, no names."""
    assert message == {"title": "Alliance Journal", "body": text, "url": url, "ttl": 12 * 3600}
    said = json.dumps(message).lower()
    for private in ("brother", "held back", "thank you", "sam", "dr lee", "notice one moment"):
        assert private not in said


# ---- the API ----


def test_the_public_key_is_public_and_is_the_servers(app, api):
    response = api.get("/api/v1/push/public-key")
    assert response.status_code == 200
    key = response.get_json()["key"]
    assert response.get_json() == {"key": vapid.public_key(app.config["VAPID_PRIVATE_KEY"])}
    assert len(vapid.from_b64url(key)) == 65 and "=" not in key


def test_subscribe_list_update_and_remove(app, api_as, receiver):
    me = api_as("client")
    browser = receiver.browser()
    body = receiver.subscription(browser, ["new_from_therapist", "session_tomorrow"])
    made = me.post(SUBS, body)
    assert made.status_code == 201
    sub = made.get_json()
    assert set(sub) == {"id", "kinds", "created_at"}
    assert sub["kinds"] == ["session_tomorrow", "new_from_therapist"]  # in one order, always
    assert sub["created_at"].endswith("Z")
    again = me.post(SUBS, body | {"kinds": ["new_from_therapist"]})
    assert again.status_code == 200
    assert again.get_json() == sub | {"kinds": ["new_from_therapist"]}
    listed = me.get(SUBS).get_json()
    assert listed == {"items": [again.get_json()], "next_cursor": None}
    assert browser.path not in json.dumps(listed)  # the address is never handed back
    assert me.delete(f"{SUBS}/{sub['id']}").status_code == 204
    assert me.get(SUBS).get_json()["items"] == []
    assert_error(me.delete(f"{SUBS}/{sub['id']}"), 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", SUBS), ("POST", SUBS), ("DELETE", f"{SUBS}/x"), ("GET", QUIET), ("PUT", QUIET)],
)
def test_signed_out_is_401(api, method, path):
    body = {} if method in ("POST", "PUT") else None
    assert_error(api._send(method, path, json=body), 401, "not_signed_in")


@pytest.mark.parametrize(
    ("role", "kinds", "status"),
    [
        ("client", ["session_tomorrow", "new_from_therapist"], 201),
        ("client", ["new_shared"], 422),
        ("therapist", ["new_shared"], 201),
        ("therapist", ["session_tomorrow"], 422),
        ("therapist", ["new_shared", "new_from_therapist"], 422),
        ("client", ["anything"], 422),
    ],
)
def test_kinds_follow_the_role(api_as, receiver, role, kinds, status):
    me = api_as(role)
    response = me.post(SUBS, receiver.subscription(receiver.browser(), kinds))
    assert response.status_code == status
    if status == 422:
        assert_error(response, 422, "validation_failed", fields=["kinds"])


def test_someone_elses_subscription_is_not_found(app, api_as, receiver):
    mine, stranger = api_as("client"), api_as("client")
    sub_id = subscribe(app, mine, receiver, ["new_from_therapist"]).id
    assert_error(stranger.delete(f"{SUBS}/{sub_id}"), 404, "not_found")
    page = stranger.form(f"/account/push-subscriptions/{sub_id}/remove")
    assert page.status_code == 404
    assert stranger.get(SUBS).get_json()["items"] == []
    assert [s["id"] for s in mine.get(SUBS).get_json()["items"]] == [sub_id]


def test_bad_input_names_every_field_at_once(api_as):
    me = api_as("client")
    body = {
        "endpoint": "http://push.example.com/send/1",
        "keys": {"p256dh": "not-a-key", "auth": "c2hvcnQ"},
        "kinds": [],
    }
    error = assert_error(
        me.post(SUBS, body), 422, "validation_failed", fields=["endpoint", "keys", "kinds"]
    )
    assert len(error["fields"]["keys"]) == 2  # p256dh and auth, each with its own sentence
    assert_error(me.post(SUBS, {}), 422, "validation_failed", fields=["endpoint", "keys", "kinds"])
    fine = {
        "endpoint": "https://push.example.com/1",
        "keys": sample_keys(),
        "kinds": ["new_from_therapist"],
    }
    assert_error(
        me.post(SUBS, fine | {"user_id": "someone"}), 422, "validation_failed", fields=["user_id"]
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://push.example.com/send/1",  # not https
        "ftp://push.example.com/send/1",
        "https://10.0.0.5/send/1",  # an address inside someone's network
        "https://[fd00::1]/send/1",
        "https://intranet/send/1",  # a bare host name
        "https://user:secret@push.example.com/send/1",
        "https://push.example.com/send/" + "a" * 2048,
        "https://push.example.com/send /1",
        "https:///send/1",
        "not a url",
    ],
)
def test_an_endpoint_must_be_a_push_services_https_address(api_as, endpoint):
    body = {"endpoint": endpoint, "keys": sample_keys(), "kinds": ["new_from_therapist"]}
    assert_error(api_as("client").post(SUBS, body), 422, "validation_failed", fields=["endpoint"])


def _b64(raw: bytes) -> str:
    return vapid.b64url(raw)


@pytest.mark.parametrize(
    ("p256dh", "auth"),
    [
        (_b64(b"\x04" + b"\x00" * 64), None),  # 65 bytes, but not a point on P-256
        (None, _b64(b"\x01" * 15)),  # 15 bytes
        (None, _b64(b"\x01" * 17)),
        ("BCVx+/not*base64url", None),
        (
            _b64(
                bytes.fromhex(
                    "03" + "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296"
                )
            ),
            None,
        ),
    ],
)
def test_keys_must_be_a_p256_point_and_a_16_byte_secret(api_as, p256dh, auth):
    keys = sample_keys()
    keys = {"p256dh": p256dh or keys["p256dh"], "auth": auth or keys["auth"]}
    body = {"endpoint": "https://push.example.com/1", "keys": keys, "kinds": ["new_from_therapist"]}
    assert_error(api_as("client").post(SUBS, body), 422, "validation_failed", fields=["keys"])


def test_a_browser_belongs_to_the_account_that_subscribed_it_last(app, api_as, receiver):
    first, second = api_as("client"), api_as("client")
    browser = receiver.browser()
    assert (
        first.post(SUBS, receiver.subscription(browser, ["new_from_therapist"])).status_code == 201
    )
    assert (
        second.post(SUBS, receiver.subscription(browser, ["session_tomorrow"])).status_code == 201
    )
    assert first.get(SUBS).get_json()["items"] == []
    assert len(second.get(SUBS).get_json()["items"]) == 1


def test_devices_are_capped_and_subscribing_is_rate_limited(api_as):
    me = api_as("client")

    def body(n):
        return {
            "endpoint": f"https://push.example.com/{n}",
            "keys": sample_keys(),
            "kinds": ["new_from_therapist"],
        }

    for n in range(push.MAX_DEVICES):
        assert me.post(SUBS, body(n)).status_code == 201
    assert_error(me.post(SUBS, body(99)), 422, "too_many_devices", fields=["endpoint"])
    for _ in range(30 - push.MAX_DEVICES - 1):
        assert me.post(SUBS, body(0)).status_code == 200  # the same device again: an update
    assert_error(me.post(SUBS, body(0)), 429, "rate_limited")


# ---- quiet hours ----


def test_quiet_hours_set_read_and_clear(api_as):
    me = api_as("client")
    assert me.get(QUIET).get_json() == {"from": None, "to": None}
    assert me.put(QUIET, {"from": "22:00", "to": "07:00"}).status_code == 204
    assert me.get(QUIET).get_json() == {"from": "22:00", "to": "07:00"}
    assert (
        me.put(QUIET, {"from": "21:30:00", "to": "06:45"}).status_code == 204
    )  # a time field's seconds
    assert me.get(QUIET).get_json() == {"from": "21:30", "to": "06:45"}
    assert me.delete(QUIET).status_code == 204
    assert me.get(QUIET).get_json() == {"from": None, "to": None}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"from": "25:00", "to": "7"}, ["from", "to"]),
        ({}, ["from", "to"]),
        ({"from": "22:00", "to": "22:00"}, ["to"]),
        ({"from": "10pm", "to": "07:00"}, ["from"]),
        ({"from": None, "to": "07:00"}, ["from"]),
    ],
)
def test_quiet_hours_refuse_what_is_not_a_time(api_as, body, fields):
    me = api_as("therapist")
    assert_error(me.put(QUIET, body), 422, "validation_failed", fields=fields)
    assert me.get(QUIET).get_json() == {"from": None, "to": None}


@pytest.mark.parametrize(
    ("start", "end", "at", "quiet"),
    [
        ("22:00", "07:00", "23:30", True),
        ("22:00", "07:00", "00:00", True),
        ("22:00", "07:00", "06:59", True),
        ("22:00", "07:00", "07:00", False),
        ("22:00", "07:00", "21:59", False),
        ("13:00", "15:00", "14:00", True),
        ("13:00", "15:00", "15:00", False),
        ("13:00", "15:00", "12:59", False),
        (None, None, "03:00", False),
    ],
)
def test_quiet_hours_wrap_midnight(start, end, at, quiet):
    assert push.in_quiet_hours(start, end, clock.fromisoformat(at)) is quiet


# ---- the page ----


def test_the_account_page_offers_reminders_for_the_role(app, api_as, receiver):
    client, therapist = api_as("client"), api_as("therapist")
    page = text_of(client.client.get("/account"))
    assert '<section class="card" aria-labelledby="push-heading" id="reminders"' in page
    assert "Reminders on this device" in page and "Turn on reminders here" in page
    assert "A session tomorrow" in page and "Something new from your therapist" in page
    assert "New things shared before a session" not in page
    with app.app_context():
        assert f'data-push-key="{push.public_key()}"' in page
    assert "js/push.js" in page and 'type="time"' in page
    assert "Devices with reminders on" not in page
    other = text_of(therapist.client.get("/account"))
    assert "New things shared before a session" in other and "A session tomorrow" not in other
    sub_id = subscribe(app, client, receiver, ["new_from_therapist"]).id
    page = text_of(client.client.get("/account"))
    assert "Devices with reminders on" in page
    assert f"/account/push-subscriptions/{sub_id}/remove" in page
    assert receiver.origin not in page  # the address itself is not shown


def test_the_page_form_stops_reminders_on_a_device(app, api_as, receiver):
    me = api_as("client")
    sub_id = subscribe(app, me, receiver, ["new_from_therapist"]).id
    response = me.form(f"/account/push-subscriptions/{sub_id}/remove")
    assert response.status_code == 302 and response.location.endswith("/account#reminders")
    assert me.get(SUBS).get_json()["items"] == []
    assert "Reminders are off on that device." in text_of(me.client.get("/account"))


def test_quiet_hours_work_without_javascript(api_as):
    me = api_as("client")
    response = me.form("/account/quiet-hours", {"quiet_from": "22:00", "quiet_to": "07:00"})
    assert response.status_code == 302
    assert me.get(QUIET).get_json() == {"from": "22:00", "to": "07:00"}
    page = text_of(me.client.get("/account"))
    assert "no reminders from 22:00 to 07:00" in page and 'value="22:00"' in page
    assert me.form("/account/quiet-hours", {"quiet_from": "23:00", "clear": "1"}).status_code == 302
    assert me.get(QUIET).get_json() == {"from": None, "to": None}
    wrong = me.form("/account/quiet-hours", {"quiet_from": "22:00", "quiet_to": ""})
    assert wrong.status_code == 422
    assert "Choose both times, or leave both empty." in text_of(wrong)
    wrong = me.form("/account/quiet-hours", {"quiet_from": "late", "quiet_to": "07:00"})
    assert wrong.status_code == 422 and "Give a time like 22:00." in text_of(wrong)
    assert me.get(QUIET).get_json() == {"from": None, "to": None}
    me.form("/account/quiet-hours", {"quiet_from": "22:00", "quiet_to": "07:00"})
    assert me.form("/account/quiet-hours", {"quiet_from": "", "quiet_to": ""}).status_code == 302
    assert me.get(QUIET).get_json() == {"from": None, "to": None}  # both empty: none


def test_the_service_worker_shows_only_the_title_and_the_sentence(client):
    text = client.get("/sw.js").get_data(as_text=True)
    assert 'addEventListener("push"' in text and 'addEventListener("notificationclick"' in text
    assert "showNotification(" in text and "openWindow(" in text


# ---- end to end: each kind, to a push service that checks and decrypts ----


def test_a_new_answer_reaches_the_client_in_plain_words(app, pair, make_entry, receiver):
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist", "session_tomorrow"])
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    result = send(app)
    assert (result.people, result.sent, result.failed, result.removed) == (1, 1, 0, 0)
    [message] = browser.received
    assert_plain(message, MESSAGES["news"], "/journal")
    assert receiver.refused == []


def test_a_new_task_reaches_the_client(app, pair, receiver):
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    due = {"date": (utcnow() + timedelta(days=3)).date().isoformat()}
    url = f"/api/v1/clients/{pair.client.user.id}/tasks"
    task_id = pair.therapist.post(url, {"text": TASK, "due": due}).get_json()["id"]
    change(app, Task, Task.id == task_id, created_at=NOW - timedelta(minutes=30))
    assert send(app).sent == 1
    assert_plain(browser.received[0], MESSAGES["news"], "/journal")


def test_nothing_older_than_the_subscription_or_already_seen_is_news(
    app, pair, make_entry, receiver
):
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(days=3))  # before it
    assert send(app).sent == 0
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    assert pair.client.post("/api/v1/answers/seen").status_code == 204  # read in the app
    assert send(app).sent == 0 and browser.received == []
    assert count(app, PushDelivery) == 0


def test_a_session_on_the_clients_own_tomorrow(app, pair, receiver):
    in_berlin(app, pair.client.user)
    browser = subscribe(app, pair.client, receiver, ["session_tomorrow", "new_from_therapist"])
    # 22:30 UTC on the 11th is 00:30 on the 12th in Berlin: not tomorrow there.
    session_at(app, pair, datetime(2031, 6, 11, 22, 30, tzinfo=UTC))
    session_at(app, pair, NOW + timedelta(days=3))
    assert send(app).sent == 0
    session_id = session_at(app, pair, datetime(2031, 6, 11, 13, 0, tzinfo=UTC))
    assert send(app).sent == 1
    [message] = browser.received
    assert_plain(message, MESSAGES["session"], f"/prepare/{session_id}")
    assert send(app, NOW + timedelta(hours=5)).sent == 0  # told today


def test_a_therapist_hears_of_shares_before_a_session(app, pair, make_entry, receiver):
    browser = subscribe(app, pair.therapist, receiver, ["new_shared"])
    share(app, pair, make_entry, when=NOW - timedelta(hours=1))
    assert send(app).sent == 0  # no session coming
    session_at(app, pair, NOW + timedelta(days=5))
    assert send(app).sent == 0  # not soon
    session_at(app, pair, NOW + timedelta(days=1))
    assert send(app).sent == 1
    assert_plain(browser.received[0], MESSAGES["shared"], "/therapist")


def test_a_withdrawn_share_is_no_news(app, pair, make_entry, receiver):
    browser = subscribe(app, pair.therapist, receiver, ["new_shared"])
    entry_id = share(app, pair, make_entry, when=NOW - timedelta(hours=1))
    session_at(app, pair, NOW + timedelta(days=1))
    assert (
        pair.client.delete(
            f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}"
        ).status_code
        == 204
    )
    assert send(app).sent == 0 and browser.received == []


def test_a_therapist_gets_only_new_shared(app, pair, make_entry, receiver):
    """Even a subscription row that asks for everything (made behind the API's back)."""
    browser = receiver.browser()
    with app.app_context():
        db.session.add(
            PushSubscription(
                id=new_id(),
                user_id=pair.therapist.user.id,
                endpoint=receiver.endpoint(browser),
                **browser.keys(),
                kinds="session_tomorrow new_from_therapist new_shared",
                created_at=NOW - timedelta(days=2),
            )
        )
        db.session.commit()
    client_browser = subscribe(
        app, pair.client, receiver, ["session_tomorrow", "new_from_therapist"]
    )
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    session_at(app, pair, NOW + timedelta(days=1))
    result = send(app)
    assert (result.people, result.sent) == (2, 3)
    assert [m["body"] for m in browser.received] == [MESSAGES["shared"]]
    assert sorted(m["body"] for m in client_browser.received) == sorted(
        [MESSAGES["session"], MESSAGES["news"]]
    )


def test_quiet_hours_hold_reminders_until_they_end(app, pair, make_entry, receiver):
    in_berlin(app, pair.client.user)
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    assert pair.client.put(QUIET, {"from": "11:00", "to": "13:00"}).status_code == 204
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    assert send(app).sent == 0  # 12:00 in Berlin
    assert count(app, PushDelivery) == 0  # held, not spent
    assert send(app, NOW + timedelta(minutes=90)).sent == 1  # 13:30, the same day
    assert len(browser.received) == 1


def test_quiet_hours_over_midnight(app, pair, make_entry, receiver):
    in_berlin(app, pair.client.user)
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    pair.client.put(QUIET, {"from": "22:00", "to": "07:00"})
    answer(app, pair, share(app, pair, make_entry), NOW + timedelta(hours=11))
    late = datetime(2031, 6, 10, 21, 30, tzinfo=UTC)  # 23:30 in Berlin
    assert send(app, late).sent == 0
    assert send(app, late + timedelta(hours=7)).sent == 0  # 06:30
    assert send(app, late + timedelta(hours=8)).sent == 1  # 07:30
    assert len(browser.received) == 1


def test_at_most_one_a_day_per_kind(app, pair, make_entry, receiver):
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    assert send(app).sent == 1
    answer(app, pair, share(app, pair, make_entry), NOW + timedelta(hours=1))  # a second one
    assert send(app, NOW + timedelta(hours=2)).sent == 0  # the same day: nothing more
    assert send(app, NOW + timedelta(days=1)).sent == 1  # the next day it is news again
    assert send(app, NOW + timedelta(days=1, hours=1)).sent == 0
    assert [m["body"] for m in browser.received] == [MESSAGES["news"]] * 2
    assert count(app, PushDelivery) == 2


def test_the_command_twice_sends_nothing_twice(app, pair, make_entry, receiver, runner):
    browser = subscribe(
        app, pair.client, receiver, ["new_from_therapist"], since=utcnow() - timedelta(days=1)
    )
    answer(app, pair, share(app, pair, make_entry), utcnow() - timedelta(minutes=5))
    first = runner.invoke(args=["send-reminders"])
    assert first.exit_code == 0, first.output
    assert (
        first.output == "Reminders: 1 sent to 1 person, 0 failed, 0 ended subscriptions removed.\n"
    )
    second = runner.invoke(args=["send-reminders"])
    assert second.output.startswith("Reminders: 0 sent to 0 people")
    assert len(browser.received) == 1


def test_the_day_is_claimed_before_sending(app, pair, make_entry, receiver):
    """A run that found someone due but lost the race (the row is there) sends nothing."""
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    with app.app_context():
        [item] = push.due(NOW)
        db.session.add(
            PushDelivery(
                user_id=item.user_id, kind=item.kind, day=item.day.isoformat(), sent_at=NOW
            )
        )
        db.session.commit()
        assert push._claim(item, NOW) is False
    assert browser.received == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_removed(app, pair, make_entry, receiver, status):
    gone = subscribe(app, pair.client, receiver, ["new_from_therapist"], answer=status)
    kept = subscribe(app, pair.client, receiver, ["new_from_therapist"])
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    result = send(app)
    assert (result.sent, result.failed, result.removed) == (1, 0, 1)
    assert [s["id"] for s in pair.client.get(SUBS).get_json()["items"]] == [kept.id]
    assert gone.received == [] and len(kept.received) == 1


def test_another_failure_is_logged_without_the_address_and_not_retried(
    app, pair, make_entry, receiver, caplog
):
    browser = subscribe(app, pair.client, receiver, ["new_from_therapist"], answer=500)
    answer(app, pair, share(app, pair, make_entry), NOW - timedelta(hours=1))
    with caplog.at_level(logging.WARNING):
        result = send(app)
    assert (result.sent, result.failed, result.removed) == (0, 1, 0)
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert browser.id in logged and "500" in logged
    assert browser.path not in logged and receiver.origin not in logged
    browser.answer = 201
    assert send(app, NOW + timedelta(hours=1)).sent == 0  # not retried today
    assert count(app, PushSubscription) == 1


# ---- the receiver is a real one: it refuses what a push service would ----


def test_the_receiver_opens_rfc_8291s_own_example():
    """RFC 8291 Appendix A, decrypted by our code: the wire format, not the sending library."""
    ua_private = ec.derive_private_key(
        int.from_bytes(vapid.from_b64url("q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"), "big"),
        ec.SECP256R1(),
    )
    auth = vapid.from_b64url("BTBZMqHH6r4Tts7J_aSIgg")
    body = vapid.from_b64url(
        "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocI"
        "nmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGN"
        "WQexSgSxsj_Qulcy4a-fN"
    )
    assert decrypt(body, ua_private, auth) == b"When I grow up, I want to be a watermelon"
    with pytest.raises(Refused):
        decrypt(body, ua_private, b"\x00" * 16)  # another auth secret


def _send(app, receiver, browser, keys=None, key=None, **claims):
    """Send straight through pywebpush, signed with the app's key unless told otherwise."""
    signer = key or Vapid(vapid.private_key(app.config["VAPID_PRIVATE_KEY"]))
    info = {"endpoint": receiver.endpoint(browser), "keys": keys or browser.keys()}
    return webpush(
        info,
        '{"title": "x"}',
        vapid_private_key=signer,
        vapid_claims={"sub": "mailto:test@localhost", **claims},
        ttl=60,
    )


def test_the_receiver_refuses_what_a_push_service_would(app, receiver):
    browser = receiver.browser()
    assert _send(app, receiver, browser).status_code == 201
    other = Vapid(ec.generate_private_key(ec.SECP256R1()))
    cases = [
        ({"key": other}, 403),  # signed with a key that isn't the app's
        ({"aud": "https://elsewhere.example"}, 401),
        ({"exp": int(time.time()) + 3 * 24 * 3600}, 401),  # more than 24 hours ahead
        ({"keys": receiver.browser().keys()}, 400),  # encrypted for another browser
    ]
    for options, status in cases:
        with pytest.raises(WebPushException) as refused:
            _send(app, receiver, browser, **options)
        assert refused.value.response.status_code == status, options
    assert len(browser.received) == 1 and len(receiver.refused) == len(cases)


def test_the_receiver_refuses_a_forged_signature(app, receiver):
    """The app's public key in `k`, but a token signed by someone else: 401."""
    app_key = vapid.public_key(app.config["VAPID_PRIVATE_KEY"])
    forger = Vapid(ec.generate_private_key(ec.SECP256R1()))
    token = forger.sign({"sub": "mailto:x@localhost", "aud": receiver.origin})["Authorization"]
    forged = token.split(",k=")[0] + f", k={app_key}"
    with pytest.raises(Refused) as refused:
        check_vapid(forged, receiver.origin, app_key)
    assert (refused.value.status, refused.value.reason) == (401, "bad signature")
    browser = receiver.browser()
    response = requests.post(
        receiver.endpoint(browser),
        data=b"x" * 100,
        headers={"Authorization": forged, "Content-Encoding": "aes128gcm", "TTL": "60"},
        timeout=5,
    )
    assert response.status_code == 401 and browser.received == []
    head, _claims, signature = forged.split()[1].removeprefix("t=").rstrip(",").split(".")
    tampered = f"vapid t={head}.{vapid.b64url(b'{}')}.{signature}, k={app_key}"
    with pytest.raises(Refused):
        check_vapid(tampered, receiver.origin, app_key)


# ---- the scan's cost does not grow with the people it scans ----


def _people(app, how_many: int, start: int) -> None:
    """Linked pairs with everything due: an answer, a task, a share, a session tomorrow."""
    with app.app_context():
        for n in range(start, start + how_many):
            client = User(
                email=f"c{n}@example.test", password_hash="x", display_name="C", role="client"
            )
            therapist = User(
                email=f"t{n}@example.test", password_hash="x", display_name="T", role="therapist"
            )
            db.session.add_all([client, therapist])
            db.session.flush()
            link = Link(client_id=client.id, therapist_id=therapist.id)
            db.session.add(link)
            db.session.flush()
            entry = Entry(id=new_id(), author_id=client.id, kind="reflection")
            db.session.add(entry)
            db.session.flush()
            recent = NOW - timedelta(hours=1)
            db.session.add_all(
                [
                    Share(link_id=link.id, entry_id=entry.id, shared_at=recent),
                    Answer(
                        link_id=link.id, entry_id=entry.id, answered_at=recent, updated_at=recent
                    ),
                    Task(link_id=link.id, due_at=NOW + timedelta(days=3), created_at=recent),
                    TherapySession(
                        link_id=link.id,
                        starts_at=NOW + timedelta(days=1),
                        ends_at=NOW + timedelta(days=1, hours=1),
                    ),
                    PushDelivery(
                        user_id=client.id,
                        kind="new_from_therapist",
                        day="2031-06-01",
                        sent_at=NOW - timedelta(days=9),
                    ),
                ]
            )
            for user, kinds in (
                (client, "session_tomorrow new_from_therapist"),
                (therapist, "new_shared"),
            ):
                keys = sample_keys()
                db.session.add(
                    PushSubscription(
                        user_id=user.id,
                        endpoint=f"https://push.example.com/{user.id}",
                        p256dh=keys["p256dh"],
                        auth=keys["auth"],
                        kinds=kinds,
                        created_at=NOW - timedelta(days=2),
                    )
                )
        db.session.commit()


def test_the_scan_costs_the_same_for_few_and_many_people(app):
    def scan():
        with app.app_context():
            return push.due(NOW)

    _people(app, 2, 0)
    few, few_statements = statements_of(app, scan)
    _people(app, 8, 2)
    many, many_statements = statements_of(app, scan)
    assert (len(few), len(many)) == (2 * 3, 10 * 3)  # session, news, shared for each pair
    queries = [
        [s for s, _ in caught if s.lstrip().upper().startswith("SELECT")]
        for caught in (few_statements, many_statements)
    ]
    assert len(few_statements) == len(many_statements)
    assert len(queries[0]) == len(queries[1]) <= 6
