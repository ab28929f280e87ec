"""Sharing an entry with a therapist: terms (until, next session, passage), withdrawal, limits."""

import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import update

from journal.extensions import db
from journal.models import Share, utcnow
from tests.helpers import assert_error

API = "/api/v1"
STATUS_KEYS = {"therapist_id", "therapist_name", "shared_at", "read_at", "expires_at"}
STATUS_KEYS |= {"until_session_id", "passage", "answer"}
NAIVE = "Include a time zone, e.g. 2026-11-26T16:00:00Z"


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@pytest.fixture
def pair(api_as):
    """A client linked to a therapist."""
    therapist, client = api_as("therapist"), api_as("client")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    link = client.post(f"{API}/links", {"code": code}).get_json()
    client.link, client.therapist = link, therapist
    return client


@pytest.fixture
def entry(pair, make_entry):
    return make_entry(pair.user, "I felt heard today. Then the bus was late.", title="Tuesday")


def share_url(entry_id: str, therapist_id: str) -> str:
    return f"{API}/entries/{entry_id}/shares/{therapist_id}"


def test_share_without_a_body_is_201_then_200(pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    first = pair.put(url)
    assert first.status_code == 201
    status = first.get_json()
    assert set(status) == STATUS_KEYS
    assert status["therapist_id"] == pair.therapist.user.id
    assert status["therapist_name"] == pair.therapist.user.display_name
    assert (status["read_at"], status["expires_at"], status["passage"]) == (None, None, None)
    again = pair.put(url, {})
    assert again.status_code == 200 and again.get_json() == status
    assert pair.get(f"{API}/entries/{entry.id}").get_json()["shares"] == [status]


def test_share_until_a_moment(pair, entry):
    until = utcnow().replace(microsecond=0) + timedelta(days=3)
    response = pair.put(share_url(entry.id, pair.therapist.user.id), {"until": until.isoformat()})
    assert response.status_code == 201
    assert response.get_json()["expires_at"] == stamp(until)


def test_share_until_a_moment_in_another_time_zone_is_stored_in_utc(pair, entry):
    response = pair.put(
        share_url(entry.id, pair.therapist.user.id), {"until": "2199-01-02T10:00:00+02:00"}
    )
    assert response.get_json()["expires_at"] == "2199-01-02T08:00:00.000Z"


def test_share_until_next_session_ends_with_the_session(pair, entry):
    starts = utcnow().replace(microsecond=0) + timedelta(days=2)
    made = pair.post(
        f"{API}/links/{pair.link['id']}/sessions",
        {"starts_at": starts.isoformat(), "duration_minutes": 60},
    ).get_json()
    url = share_url(entry.id, pair.therapist.user.id)
    status = pair.put(url, {"until_next_session": True}).get_json()
    assert status["until_session_id"] == made["id"]
    assert status["expires_at"] == made["ends_at"] == stamp(starts + timedelta(minutes=60))


def test_share_a_passage(pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    status = pair.put(url, {"passage": "I felt heard today."}).get_json()
    assert status["passage"] == "I felt heard today."
    assert pair.put(url).get_json()["passage"] is None  # a plain PUT shares the whole entry again


@pytest.mark.parametrize(
    ("payload", "fields", "message"),
    [
        ({"until": "2020-01-01T00:00:00Z"}, ["until"], "Choose a moment in the future."),
        ({"until": "2199-01-01T00:00:00"}, ["until"], NAIVE),
        ({"until": "tomorrow"}, ["until"], None),
        ({"until": "1999-12-31T23:59:59Z"}, ["until"], None),
        ({"until": "9999-12-31T23:59:59Z"}, ["until"], None),
        (
            {"until": "2199-01-01T00:00:00Z", "until_next_session": True},
            ["until", "until_next_session"],
            None,
        ),
        ({"until_next_session": True}, ["until_next_session"], None),
        ({"until_next_session": "maybe"}, ["until_next_session"], None),
        ({"passage": ""}, ["passage"], None),
        ({"passage": "x" * 20_001}, ["passage"], None),
        ({"passage": "words that are not there"}, ["passage"], None),
        ({"passage": "   "}, ["passage"], None),
        ({"passage": 5}, ["passage"], None),
        ({"therapist_name": "Someone"}, ["therapist_name"], None),
        ({"read_at": None}, ["read_at"], None),
    ],
)
def test_bad_terms_are_422_and_nothing_is_shared(pair, entry, payload, fields, message):
    response = pair.put(share_url(entry.id, pair.therapist.user.id), payload)
    error = assert_error(response, 422, "validation_failed", fields)
    if message:
        assert error["fields"][fields[0]] == [message]
    assert pair.get(f"{API}/entries/{entry.id}").get_json()["shares"] == []


def test_the_terms_must_be_an_object(pair, entry):
    response = pair.put(share_url(entry.id, pair.therapist.user.id), ["until"])
    assert_error(response, 422, "validation_failed", ["_schema"])


def test_malformed_json_non_json_and_missing_csrf(pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    response = pair.put(url, data='{"until": ', content_type="application/json")
    assert_error(response, 400, "malformed_json")
    response = pair.put(url, data="until=soon", content_type="application/x-www-form-urlencoded")
    assert_error(response, 415, "unsupported_media_type")
    assert_error(pair.put(url, csrf=False), 400, "csrf_failed")
    assert pair.get(f"{API}/entries/{entry.id}").get_json()["shares"] == []
    assert pair.put(url).status_code == 201
    assert_error(pair.delete(url, csrf=False), 400, "csrf_failed")
    assert len(pair.get(f"{API}/entries/{entry.id}").get_json()["shares"]) == 1


def test_sharing_needs_an_own_entry_and_an_active_link(pair, entry, api_as, make_entry):
    stranger, other_client = api_as("therapist"), api_as("client")
    theirs = make_entry(other_client.user, "Theirs.")
    for url in (
        share_url(entry.id, stranger.user.id),  # not linked
        share_url(entry.id, pair.user.id),  # not a therapist
        share_url(theirs.id, pair.therapist.user.id),  # someone else's entry
        share_url(str(uuid.uuid4()), pair.therapist.user.id),
    ):
        assert_error(pair.put(url), 404, "not_found")
        assert_error(pair.delete(url), 404, "not_found")
    assert pair.delete(f"{API}/entries/{entry.id}").status_code == 204
    assert_error(pair.put(share_url(entry.id, pair.therapist.user.id)), 404, "not_found")


def test_withdraw_works_on_the_next_request(pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    read = f"{API}/clients/{pair.user.id}/shared/{entry.id}"
    pair.put(url)
    assert pair.therapist.get(read).status_code == 200
    assert pair.delete(url).status_code == 204
    assert_error(pair.therapist.get(read), 404, "not_found")
    shared = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()
    assert shared["items"] == []
    assert pair.get(f"{API}/entries/{entry.id}").get_json()["shares"] == []
    assert_error(pair.delete(url), 404, "not_found")


def test_sharing_again_after_withdrawal_starts_afresh(pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    pair.put(url)
    pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{entry.id}")
    pair.delete(url)
    again = pair.put(url)
    assert again.status_code == 201 and again.get_json()["read_at"] is None


def test_a_passage_share_shows_the_therapist_only_the_passage(pair, entry):
    pair.put(share_url(entry.id, pair.therapist.user.id), {"passage": "Then the bus was late."})
    listed = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()["items"]
    assert [(i["title"], i["passage"]) for i in listed] == [("", True)]
    opened = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{entry.id}").get_json()
    assert (opened["title"], opened["body"], opened["tags"]) == ("", "Then the bus was late.", [])
    assert opened["passage"] is True
    everything = str(listed) + str(opened)
    assert "Tuesday" not in everything and "I felt heard" not in everything


def test_editing_a_shared_entry_shows_the_therapist_the_new_text(pair, entry):
    pair.put(share_url(entry.id, pair.therapist.user.id))
    edited = pair.patch(
        f"{API}/entries/{entry.id}", {"version": 1, "title": "Wednesday", "body": "New words."}
    )
    assert edited.status_code == 200
    opened = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{entry.id}").get_json()
    assert (opened["title"], opened["body"]) == ("Wednesday", "New words.")
    assert opened["updated_at"] == edited.get_json()["updated_at"]


def test_a_share_past_its_end_disappears(app, pair, entry):
    url = share_url(entry.id, pair.therapist.user.id)
    future = (utcnow() + timedelta(days=1)).isoformat()
    assert pair.put(url, {"until": future}).status_code == 201
    with app.app_context():
        db.session.execute(
            update(Share)
            .where(Share.entry_id == entry.id)
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
        db.session.commit()
    assert_error(
        pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{entry.id}"), 404, "not_found"
    )
    shared = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()
    assert shared["items"] == []
    assert pair.therapist.get(f"{API}/clients").get_json()["items"][0]["unread_count"] == 0
    assert pair.get(f"{API}/entries/{entry.id}").get_json()["shares"] == []
    assert pair.put(url).status_code == 201  # sharing again is a new share


@pytest.mark.parametrize("method", ["put", "delete"])
def test_therapists_cannot_share_and_signed_out_is_401(api, pair, entry, method):
    url = share_url(entry.id, pair.therapist.user.id)
    assert_error(getattr(pair.therapist, method)(url), 403, "wrong_role")
    assert_error(getattr(api, method)(url), 401, "not_signed_in")
