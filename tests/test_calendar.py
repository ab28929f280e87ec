"""The private calendar feed: its address (made, shown once, replaced, stopped), what its events
show (times, no words, names only when chosen, the day-before reminder for clients), how it
follows moved and cancelled sessions, and how it is served (no cookie, cached privately, limited).
"""

import logging
from datetime import timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import AuditEvent, CancelledSession, TherapySession, User, utcnow
from journal.services import appointments, calendar, links, sessions
from tests.conftest import Api
from tests.helpers import assert_error, statements_of
from tests.test_ratelimits import ip
from tests.test_security_headers import assert_no_inline_code, assert_security_headers

API = "/api/v1"
FEED = f"{API}/me/calendar-feed"
SECRET_WORDS = ("Lighthouse", "Marmalade", "Quokka", "Tangerine")
NO_STORE_STATUSES = (404, 429)


def soon(days=2, hour=16):
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


@pytest.fixture
def pair(api_as):
    """A client linked to a therapist, both signed in through the API."""
    therapist, client = api_as("therapist"), api_as("client")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    client.link = client.post(f"{API}/links", {"code": code}).get_json()
    client.therapist = therapist
    return client


def schedule(api, link_id, starts_at=None, minutes=50) -> dict:
    body = {"starts_at": (starts_at or soon()).isoformat(), "duration_minutes": minutes}
    response = api.post(f"{API}/links/{link_id}/sessions", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def make_feed(api) -> str:
    """Make the signed-in person's feed; return its path."""
    response = api.post(FEED)
    assert response.status_code == 201, response.get_json()
    assert set(response.get_json()) == {"url"}
    url = response.get_json()["url"]
    assert url.startswith("http://localhost/calendar/") and url.endswith(".ics")
    return url.removeprefix("http://localhost")


def fetch(app, path, **kwargs):
    """Fetch the feed as a calendar app does: a fresh client, no cookie."""
    return app.test_client().get(path, **kwargs)


def parse(response) -> Calendar:
    assert response.status_code == 200, response.get_data(as_text=True)
    return Calendar.from_ical(response.get_data())


def events(cal: Calendar) -> dict:
    return {str(event["UID"]): event for event in cal.walk("VEVENT")}


def uid(session: dict) -> str:
    return f"{session['id']}@alliance-journal"


# The feed itself


def test_the_feed_is_standard_icalendar_with_each_session(app, pair):
    made = schedule(pair, pair.link["id"], soon(), minutes=60)
    path = make_feed(pair)
    response = fetch(app, path)
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'inline; filename="sessions.ics"'
    cal = parse(response)
    assert str(cal["VERSION"]) == "2.0" and "Alliance Journal" in str(cal["PRODID"])
    assert str(cal["X-WR-CALNAME"]) == "Sessions"
    assert cal["REFRESH-INTERVAL"].params["VALUE"] == "DURATION"
    assert b"\r\nX-PUBLISHED-TTL:PT1H\r\n" in response.get_data()
    [event] = cal.walk("VEVENT")
    assert str(event["UID"]) == uid(made)
    assert event.decoded("DTSTART") == soon()
    assert event.decoded("DTEND") == soon() + timedelta(minutes=60)
    assert event["DTSTART"].to_ical().endswith(b"Z")  # in UTC
    assert "DTSTAMP" in event
    assert str(event["STATUS"]) == "CONFIRMED" and str(event["SUMMARY"]) == "Therapy session"
    assert "DESCRIPTION" not in event and "LOCATION" not in event
    [alarm] = event.walk("VALARM")
    assert str(alarm["ACTION"]) == "DISPLAY"
    assert alarm.decoded("TRIGGER") == timedelta(days=-1)
    assert str(alarm["DESCRIPTION"]) == "Time to prepare for your session, if you'd like"


def test_the_feed_is_served_without_a_cookie_and_cached_privately(app, pair):
    schedule(pair, pair.link["id"])
    path = make_feed(pair)
    # Even from a browser that is signed in (its cookie sent along), nothing about it is touched.
    for browser in (app.test_client(), pair.client):
        response = browser.get(path)
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "private, max-age=300"
        assert_security_headers(response)


def test_a_session_cookie_that_timed_out_is_left_alone_too(app, pair):
    path = make_feed(pair)
    with app.app_context():
        sessions.end_everywhere(db.session.get(User, pair.user.id))
    response = pair.client.get(path)
    assert response.status_code == 200 and "Set-Cookie" not in response.headers


def test_an_unchanged_feed_answers_304(app, pair):
    schedule(pair, pair.link["id"])
    path = make_feed(pair)
    first = fetch(app, path)
    assert first.headers["ETag"]
    again = fetch(app, path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    schedule(pair, pair.link["id"], soon(5))
    assert fetch(app, path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


@pytest.mark.parametrize("token", ["not-a-token", "x" * 43, "x" * 500])
def test_an_unknown_token_is_404_in_plain_text(app, token):
    response = fetch(app, f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert response.mimetype == "text/plain"
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"


def test_a_rescheduled_session_moves_under_the_same_uid(app, pair):
    made = schedule(pair, pair.link["id"], soon())
    path = make_feed(pair)
    moved = pair.therapist.patch(f"{API}/sessions/{made['id']}", {"starts_at": soon(4).isoformat()})
    assert moved.status_code == 200
    found = events(parse(fetch(app, path)))
    assert list(found) == [uid(made)]
    assert found[uid(made)].decoded("DTSTART") == soon(4)
    assert found[uid(made)].decoded("DTEND") == soon(4) + timedelta(minutes=50)


def test_a_cancelled_session_stays_as_cancelled(app, pair):
    kept = schedule(pair, pair.link["id"], soon())
    dropped = schedule(pair, pair.link["id"], soon(3))
    path = make_feed(pair)
    therapist_path = make_feed(pair.therapist)
    assert pair.therapist.delete(f"{API}/sessions/{dropped['id']}").status_code == 204
    for feed_path in (path, therapist_path):
        found = events(parse(fetch(app, feed_path)))
        assert set(found) == {uid(kept), uid(dropped)}
        assert str(found[uid(kept)]["STATUS"]) == "CONFIRMED"
        gone = found[uid(dropped)]
        assert str(gone["STATUS"]) == "CANCELLED"
        assert gone.decoded("DTSTART") == soon(3)
        assert gone.walk("VALARM") == []  # no reminder of a session that is off


def test_cancelling_keeps_a_record_in_the_same_transaction(app, pair):
    made = schedule(pair, pair.link["id"], soon())
    with app.app_context():
        client = db.session.get(User, pair.user.id)
        appointments.cancel(client, made["id"])
        kept = db.session.get(CancelledSession, made["id"])
        assert (kept.link_id, kept.starts_at) == (pair.link["id"], soon())
        assert kept.ends_at == soon() + timedelta(minutes=50)
        assert db.session.get(TherapySession, made["id"]) is None


def test_only_the_last_60_days_and_what_is_to_come(app, pair):
    old, recent = schedule(pair, pair.link["id"]), schedule(pair, pair.link["id"])
    upcoming = schedule(pair, pair.link["id"], soon(200))
    cancelled_long_ago = schedule(pair, pair.link["id"], soon(6))
    pair.delete(f"{API}/sessions/{cancelled_long_ago['id']}")
    with app.app_context():
        for made, days in ((old, 90), (recent, 30)):
            moment = utcnow() - timedelta(days=days)
            db.session.execute(
                update(TherapySession)
                .where(TherapySession.id == made["id"])
                .values(starts_at=moment, ends_at=moment + timedelta(minutes=50))
            )
        db.session.execute(
            update(CancelledSession).values(cancelled_at=utcnow() - timedelta(days=61))
        )
        db.session.commit()
    path = make_feed(pair)
    assert set(events(parse(fetch(app, path)))) == {uid(recent), uid(upcoming)}


def test_long_past_cancellations_are_forgotten_at_the_next_one(app, pair):
    first, second = schedule(pair, pair.link["id"]), schedule(pair, pair.link["id"], soon(3))
    pair.delete(f"{API}/sessions/{first['id']}")
    with app.app_context():
        db.session.execute(
            update(CancelledSession).values(cancelled_at=utcnow() - timedelta(days=61))
        )
        db.session.commit()
    pair.delete(f"{API}/sessions/{second['id']}")
    with app.app_context():
        assert db.session.scalars(select(CancelledSession.id)).all() == [second["id"]]


def test_an_ended_link_takes_its_sessions_off(app, pair):
    schedule(pair, pair.link["id"])
    path = make_feed(pair)
    assert pair.delete(f"{API}/links/{pair.link['id']}").status_code == 204
    assert events(parse(fetch(app, path))) == {}


def test_other_peoples_sessions_are_not_in_the_feed(app, pair, api_as):
    mine = schedule(pair, pair.link["id"])
    other = api_as("therapist")
    stranger = api_as("client")
    code = other.post(f"{API}/invites").get_json()["code"]
    their_link = stranger.post(f"{API}/links", {"code": code}).get_json()
    schedule(stranger, their_link["id"])
    assert set(events(parse(fetch(app, make_feed(pair))))) == {uid(mine)}
    assert set(events(parse(fetch(app, make_feed(pair.therapist))))) == {uid(mine)}


def test_no_words_anyone_wrote_are_in_the_feed(app, pair, make_entry):
    made = schedule(pair, pair.link["id"])
    entry = make_entry(pair.user, f"{SECRET_WORDS[0]} thoughts", title=SECRET_WORDS[1])
    shared = pair.put(f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}")
    assert shared.status_code == 201
    packet = {"agenda": SECRET_WORDS[2], "entry_ids": [entry.id]}
    assert pair.put(f"{API}/sessions/{made['id']}/packet", packet).status_code == 200
    checkin = {
        "therapist_id": pair.therapist.user.id,
        **dict.fromkeys(("bond", "goals", "approach", "overall"), 7),
        "note": SECRET_WORDS[3],
        "shared": True,
    }
    assert pair.post(f"{API}/checkins", checkin).status_code == 201
    pair.patch(FEED, {"names": True})
    for person in (pair, pair.therapist):
        text = fetch(app, make_feed(person)).get_data(as_text=True)
        assert not [word for word in SECRET_WORDS if word.lower() in text.lower()]
        assert "DESCRIPTION:Time to prepare" in text or person is pair.therapist


# Names and the reminder


def test_names_are_off_by_default_and_on_when_chosen(app, pair):
    schedule(pair, pair.link["id"])
    path, therapist_path = make_feed(pair), make_feed(pair.therapist)
    therapist_name, client_name = pair.therapist.user.display_name, pair.user.display_name
    for feed_path in (path, therapist_path):
        text = fetch(app, feed_path).get_data(as_text=True)
        assert therapist_name not in text and client_name not in text
    response = pair.patch(FEED, {"names": True})
    assert response.status_code == 200
    assert response.get_json() == {"on": True, "names": True, "reminder": True}
    [event] = parse(fetch(app, path)).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Session with {therapist_name}"
    assert pair.therapist.patch(FEED, {"names": True}).status_code == 200
    [event] = parse(fetch(app, therapist_path)).walk("VEVENT")
    assert str(event["SUMMARY"]) == f"Session with {client_name}"


def test_a_client_may_turn_the_reminder_off(app, pair):
    schedule(pair, pair.link["id"])
    path = make_feed(pair)
    response = pair.patch(FEED, {"reminder": False})
    assert response.get_json() == {"on": True, "names": False, "reminder": False}
    [event] = parse(fetch(app, path)).walk("VEVENT")
    assert event.walk("VALARM") == []


def test_a_therapists_feed_has_no_reminder(app, pair):
    schedule(pair, pair.link["id"])
    path = make_feed(pair.therapist)
    [event] = parse(fetch(app, path)).walk("VEVENT")
    assert event.walk("VALARM") == []
    state = pair.therapist.get(FEED).get_json()
    assert state == {"on": True, "names": False, "reminder": False}
    response = pair.therapist.patch(FEED, {"reminder": True})
    error = assert_error(response, 422, "validation_failed", fields={"reminder"})
    assert error["fields"]["reminder"] == ["The reminder the day before is for clients."]


# The address: made, shown once, replaced, stopped


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_the_state_says_on_or_off_and_never_the_address(api_as, role):
    api = api_as(role)
    assert api.get(FEED).get_json() == {
        "on": False,
        "names": False,
        "reminder": role == "client",
    }
    path = make_feed(api)
    state = api.get(FEED)
    assert state.status_code == 200 and state.get_json()["on"] is True
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert token not in state.get_data(as_text=True)
    assert token not in api.get(f"{API}/me").get_data(as_text=True)


def test_a_second_make_replaces_the_first(app, pair):
    first = make_feed(pair)
    second = make_feed(pair)
    assert first != second
    assert fetch(app, first).status_code == 404
    assert fetch(app, second).status_code == 200


def test_stopping_the_feed_makes_it_404_and_is_idempotent(app, pair):
    path = make_feed(pair)
    assert pair.delete(FEED).status_code == 204
    assert fetch(app, path).status_code == 404
    assert pair.get(FEED).get_json()["on"] is False
    assert pair.delete(FEED).status_code == 204  # stopping it again is done already


def test_only_a_hash_is_stored_and_making_and_stopping_are_audited(app, pair):
    path = make_feed(pair)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert len(token) >= 43
    pair.delete(FEED)
    pair.delete(FEED)
    with app.app_context():
        stored = db.session.get(User, pair.user.id)
        assert stored.calendar_token_hash is None
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.actor_id == pair.user.id)
        ).all()
    assert actions.count("calendar_feed_made") == 1
    assert actions.count("calendar_feed_stopped") == 1


def test_the_service_keeps_only_the_hash(app, make_user):
    person = make_user("client")
    with app.app_context():
        user = db.session.get(User, person.id)
        token = calendar.new_feed(user)
        assert token not in (user.calendar_token_hash or "")
        assert len(user.calendar_token_hash) == 64
        assert calendar.is_current(user, token) and not calendar.is_current(user, token + "x")
        assert calendar.owner_of(token).id == user.id
        calendar.revoke_feed(user)
        assert not calendar.is_current(user, token)


# Who may, and bad input


@pytest.mark.parametrize(
    ("method", "body"),
    [("get", None), ("post", None), ("delete", None), ("patch", {"names": True})],
)
def test_signed_out_is_401(api, method, body):
    response = getattr(api, method)(FEED, json=body) if body else getattr(api, method)(FEED)
    assert_error(response, 401, "not_signed_in")


@pytest.mark.parametrize("path", ["/account/calendar-feed", "/account/calendar-feed/revoke"])
def test_signed_out_forms_go_to_sign_in(api, path):
    response = api.form(path)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"names": "yes", "reminder": 3}, {"names", "reminder"}),
        ({}, {"names"}),
        ({"names": None}, {"names"}),
        ({"names": True, "colour": "red"}, {"colour"}),
    ],
)
def test_bad_options_are_422_with_every_field(pair, body, fields):
    error = assert_error(pair.patch(FEED, body), 422, "validation_failed", fields=fields)
    assert all(isinstance(m, str) for messages in error["fields"].values() for m in messages)


def test_malformed_options_are_400_and_not_json_415(pair):
    response = pair.patch(FEED, data="{", content_type="application/json")
    assert_error(response, 400, "malformed_json")
    response = pair.patch(FEED, data="names=true", content_type="text/plain")
    assert_error(response, 415, "unsupported_media_type")


# Rate limits


def test_one_feed_is_fetched_60_times_an_hour_at_most(app, pair):
    path = make_feed(pair)
    browser = app.test_client()
    for n in range(60):
        # From many addresses (a calendar service's): the limit is the feed's own.
        assert browser.get(path, environ_base=ip(n)).status_code == 200
    response = browser.get(path, environ_base=ip(61))
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert response.mimetype == "text/plain" and "Too many tries" in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers
    # Another person's feed is not held back.
    assert browser.get(make_feed(pair.therapist), environ_base=ip(62)).status_code == 200


def test_one_address_fetches_120_feeds_a_minute_at_most(app):
    browser = app.test_client()
    for n in range(120):
        assert browser.get(f"/calendar/guess-{n}.ics", environ_base=ip(7)).status_code == 404
    response = browser.get("/calendar/guess-last.ics", environ_base=ip(7))
    assert response.status_code == 429 and 0 < int(response.headers["Retry-After"]) <= 60
    assert browser.get("/calendar/guess-last.ics", environ_base=ip(8)).status_code == 404


# Query counts


def _world(app, make_user, sessions_count: int) -> str:
    """A linked pair with some sessions (two of them cancelled) and the client's feed path."""
    client, therapist = make_user("client"), make_user("therapist")
    with app.app_context():
        client = db.session.get(User, client.id)
        therapist = db.session.get(User, therapist.id)
        link = links.redeem(client, links.create_invite(therapist)[1])
        made = [
            appointments.schedule(therapist, link.id, soon(1 + n)) for n in range(sessions_count)
        ]
        for session in made[:2]:
            appointments.cancel(therapist, session.id)
        calendar.set_options(client, names=True)
        return f"/calendar/{calendar.new_feed(client)}.ics"


def test_the_feed_costs_the_same_queries_for_2_or_20_sessions(app, make_user):
    small, large = _world(app, make_user, 4), _world(app, make_user, 22)
    browser = app.test_client()
    counts = []
    for path, expected in ((small, 4), (large, 22)):
        response, statements = statements_of(app, lambda p=path: browser.get(p))
        assert len(parse(response).walk("VEVENT")) == expected
        counts.append(len(statements))
    assert counts[0] == counts[1] <= 4


# The account page


def _token_of(page: str) -> str:
    start = page.index("/calendar/") + len("/calendar/")
    return page[start : page.index(".ics", start)]


@pytest.mark.parametrize("role", ["client", "therapist"])
def test_the_account_page_makes_shows_once_and_stops(app, api_as, role):
    api = api_as(role)
    page = api.client.get("/account").get_data(as_text=True)
    assert "Your sessions in your calendar" in page and "Make a calendar link" in page
    assert ("Remind me the day before" in page) is (role == "client")
    made = api.form("/account/calendar-feed")
    assert made.status_code == 302 and made.headers["Location"] == "/account/calendar-feed/new"
    shown = api.client.get("/account/calendar-feed/new")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    html = shown.get_data(as_text=True)
    assert_security_headers(shown)
    assert_no_inline_code(html)
    token = _token_of(html)
    assert f"webcal://localhost/calendar/{token}.ics" in html
    assert 'data-copy="http://localhost/calendar/' in html
    assert fetch(app, f"/calendar/{token}.ics").status_code == 200
    again = api.client.get("/account/calendar-feed/new", follow_redirects=True)
    assert "A calendar link shows only once." in again.get_data(as_text=True)
    assert token not in again.get_data(as_text=True)
    page = api.client.get("/account").get_data(as_text=True)
    assert "Stop the link" in page and token not in page
    stopped = api.form("/account/calendar-feed/revoke", follow_redirects=True)
    assert "Your calendar link is stopped." in stopped.get_data(as_text=True)
    assert fetch(app, f"/calendar/{token}.ics").status_code == 404


def test_a_link_replaced_before_it_was_shown_is_not_shown(app, api_as):
    api = api_as("client")
    api.form("/account/calendar-feed")
    api.delete(FEED)
    response = api.client.get("/account/calendar-feed/new")
    assert response.status_code == 302 and response.headers["Location"].startswith("/account")


def test_the_page_choices_set_names_and_reminder(app, api_as):
    api = api_as("client")
    saved = api.form("/account/calendar-feed/options", {"names": "true"}, follow_redirects=True)
    assert "Saved." in saved.get_data(as_text=True)
    assert api.get(FEED).get_json() == {"on": False, "names": True, "reminder": False}
    api.form("/account/calendar-feed/options", {"reminder": "true"})
    assert api.get(FEED).get_json() == {"on": False, "names": False, "reminder": True}


def test_a_therapists_page_choice_leaves_the_reminder_alone(app, api_as):
    api = api_as("therapist")
    assert api.form("/account/calendar-feed/options", {"names": "true"}).status_code == 302
    with app.app_context():
        stored = db.session.get(User, api.user.id)
        assert (stored.calendar_names, stored.calendar_reminder) == (True, True)


def test_signed_out_page_choices_go_to_sign_in(app):
    response = Api(app.test_client()).form("/account/calendar-feed/options", {"names": "true"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_token_never_reaches_a_log_line(app, pair, caplog):
    caplog.set_level(logging.DEBUG)
    path = make_feed(pair)
    token = path.removeprefix("/calendar/").removesuffix(".ics")
    assert fetch(app, path).status_code == 200
    pair.delete(FEED)
    assert fetch(app, path).status_code == 404
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert token not in logged
