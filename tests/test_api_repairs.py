"""The repair ledger through the API: the client's verdict, both ledgers, the digest's lead."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Answer, Repair, TherapySession, utcnow
from tests.helpers import assert_error
from tests.test_api_answers import answer_url, share
from tests.test_web_links import pair, schedule

__all__ = ["pair"]  # the fixture, imported for this module's tests

ITEM_KEYS = {
    "entry_id",
    "kind",
    "title",
    "shared_at",
    "answered_at",
    "discussed_at",
    "status",
    "status_at",
    "note",
}
NOTE = "We slowed down and it helped."


def repair_url(entry_id):
    return f"/api/v1/entries/{entry_id}/repair"


def ledger_of_therapist(pair, query=""):
    return pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/repairs{query}")


def end_session(app, session_id, hours_ago=1):
    """Move a session into the past: it has ended."""
    with app.app_context():
        session = db.session.get(TherapySession, session_id)
        session.ends_at = utcnow() - timedelta(hours=hours_ago)
        session.starts_at = session.ends_at - timedelta(minutes=50)
        db.session.commit()


def test_an_item_is_open_until_the_client_says(pair, make_entry):
    entry_id = share(pair, make_entry)
    [mine] = pair.client.get("/api/v1/repairs").get_json()["items"]
    assert set(mine) == ITEM_KEYS
    assert mine["status"] == "open" and mine["shared_at"] and mine["answered_at"] is None
    assert mine["discussed_at"] is None and mine["title"] == "The pace"
    assert pair.client.get(f"/api/v1/entries/{entry_id}").get_json()["repair"] is None
    [theirs] = ledger_of_therapist(pair).get_json()["items"]
    assert set(theirs) == ITEM_KEYS | {"passage"}
    assert theirs["status"] == "open" and theirs["note"] is None and theirs["passage"] is False


def test_a_shared_verdict_reaches_the_therapist_with_its_note(pair, make_entry):
    entry_id = share(pair, make_entry)
    response = pair.client.put(repair_url(entry_id), {"status": "addressed", "note": NOTE})
    assert response.status_code == 200
    verdict = response.get_json()
    assert set(verdict) == {"status", "note", "shared", "updated_at"}
    assert verdict["status"] == "addressed" and verdict["note"] == NOTE and verdict["shared"]
    assert pair.client.get(f"/api/v1/entries/{entry_id}").get_json()["repair"] == verdict
    [theirs] = ledger_of_therapist(pair).get_json()["items"]
    assert theirs["status"] == "addressed" and theirs["note"] == NOTE
    assert theirs["status_at"] == verdict["updated_at"]


def test_a_private_verdict_leaves_the_therapist_with_the_last_shared_one(pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.client.put(repair_url(entry_id), {"status": "partly", "note": NOTE})
    private = {"status": "addressed", "note": "Only for me.", "shared": False}
    assert pair.client.put(repair_url(entry_id), private).get_json()["shared"] is False
    [mine] = pair.client.get("/api/v1/repairs").get_json()["items"]
    assert mine["status"] == "addressed" and mine["note"] == "Only for me."
    [theirs] = ledger_of_therapist(pair).get_json()["items"]
    assert theirs["status"] == "partly" and theirs["note"] == NOTE


def test_an_unshared_item_defaults_to_a_private_verdict_and_never_reaches_the_therapist(
    pair, make_entry
):
    entry = make_entry(pair.client.user, "Too fast.", kind="question", title="A question")
    verdict = pair.client.put(repair_url(entry.id), {"status": "not_yet"}).get_json()
    assert verdict["shared"] is False and verdict["note"] is None
    [mine] = pair.client.get("/api/v1/repairs").get_json()["items"]
    assert mine["shared_at"] is None and mine["status"] == "not_yet"
    assert ledger_of_therapist(pair).get_json() == {"items": [], "next_cursor": None}


def test_a_withdrawn_share_takes_the_item_out_of_the_therapists_ledger(pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.client.put(repair_url(entry_id), {"status": "partly"})
    pair.client.delete(f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}")
    assert ledger_of_therapist(pair).get_json()["items"] == []
    assert pair.client.get("/api/v1/repairs").get_json()["items"][0]["status"] == "partly"


def test_a_passage_share_hides_the_title_in_the_ledger(pair, make_entry):
    share(pair, make_entry, passage="feels rushed")
    [theirs] = ledger_of_therapist(pair).get_json()["items"]
    assert theirs["title"] == "" and theirs["passage"] is True


def test_reflections_have_no_place_in_the_ledger(pair, make_entry):
    entry_id = share(pair, make_entry, kind="reflection")
    error = assert_error(
        pair.client.put(repair_url(entry_id), {"status": "addressed"}),
        422,
        "validation_failed",
        ["status"],
    )
    assert "feedback and questions" in error["fields"]["status"][0]
    assert pair.client.get("/api/v1/repairs").get_json()["items"] == []
    assert ledger_of_therapist(pair).get_json()["items"] == []


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["status"]),
        ({"status": "fixed"}, ["status"]),
        ({"status": "partly", "note": "x" * 1001}, ["note"]),
        ({"status": "sort of", "note": 5, "shared": "maybe"}, ["status", "note", "shared"]),
        ({"status": "partly", "mood": "ok"}, ["mood"]),
    ],
)
def test_bad_verdicts_are_422_with_every_problem_and_keep_the_last(pair, make_entry, body, fields):
    entry_id = share(pair, make_entry)
    pair.client.put(repair_url(entry_id), {"status": "partly", "note": NOTE})
    error = assert_error(
        pair.client.put(repair_url(entry_id), body), 422, "validation_failed", fields
    )
    assert sorted(error["fields"]) == sorted(fields)
    kept = pair.client.get(f"/api/v1/entries/{entry_id}").get_json()["repair"]
    assert kept["status"] == "partly" and kept["note"] == NOTE


def test_someone_elses_or_a_deleted_entry_is_not_found(pair, make_entry, api_as):
    entry_id = share(pair, make_entry)
    stranger = api_as("client")
    assert_error(stranger.put(repair_url(entry_id), {"status": "addressed"}), 404, "not_found")
    verdict = {"status": "addressed"}
    assert_error(pair.therapist.put(repair_url(entry_id), verdict), 403, "wrong_role")
    their_url = f"/api/v1/clients/{pair.client.user.id}/repairs"
    assert_error(pair.client.get(their_url), 403, "wrong_role")
    assert_error(pair.therapist.get("/api/v1/repairs"), 403, "wrong_role")
    other = api_as("therapist")
    assert_error(other.get(their_url), 404, "not_found")
    pair.client.delete(f"/api/v1/entries/{entry_id}")
    assert_error(pair.client.put(repair_url(entry_id), {"status": "addressed"}), 404, "not_found")
    assert pair.client.get("/api/v1/repairs").get_json()["items"] == []


def test_signed_out_is_401(client):
    for url in ("/api/v1/repairs", "/api/v1/clients/x/repairs"):
        assert client.get(url).status_code == 401


def test_the_note_is_sealed_at_rest_and_goes_with_the_entry(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.client.put(repair_url(entry_id), {"status": "addressed", "note": NOTE})
    with app.app_context():
        row = db.session.get(Repair, entry_id)
        assert b"slowed" not in row.note_sealed and b"slowed" not in row.told_note_sealed
    pair.client.delete(f"/api/v1/entries/{entry_id}")
    with app.app_context():
        assert db.session.scalar(select(Repair)) is None


def test_answered_and_discussed_dates_follow_the_answer_and_the_session(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    session_id = schedule(app, pair.client.user, pair.link_id)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "discuss_next_session": True})
    item = pair.client.get("/api/v1/repairs").get_json()["items"][0]
    assert item["answered_at"] and item["discussed_at"] is None  # the session is still to come
    end_session(app, session_id)
    with app.app_context():  # the answer came before the session, as it would have
        answer = db.session.scalar(select(Answer))
        answer.updated_at = answer.answered_at = utcnow() - timedelta(days=1)
        db.session.commit()
    mine = pair.client.get("/api/v1/repairs").get_json()["items"][0]
    theirs = ledger_of_therapist(pair).get_json()["items"][0]
    assert mine["discussed_at"] and mine["discussed_at"] == theirs["discussed_at"]


def test_an_item_in_an_ended_sessions_packet_was_discussed(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    session_id = schedule(app, pair.client.user, pair.link_id)
    packet = {"agenda": "", "entry_ids": [entry_id]}
    assert pair.client.put(f"/api/v1/sessions/{session_id}/packet", packet).status_code == 200
    end_session(app, session_id)
    assert pair.client.get("/api/v1/repairs").get_json()["items"][0]["discussed_at"]


def test_open_items_lead_the_digest_oldest_first_with_age_and_last_verdict(app, pair, make_entry):
    older, newer = share(pair, make_entry), share(pair, make_entry, kind="question")
    done = share(pair, make_entry)
    pair.client.put(repair_url(newer), {"status": "not_yet"})
    pair.client.put(repair_url(done), {"status": "addressed"})
    session_id = schedule(app, pair.client.user, pair.link_id)
    digest = pair.therapist.get(f"/api/v1/sessions/{session_id}/packet").get_json()
    assert [item["entry_id"] for item in digest["open_items"]] == [older, newer]
    assert digest["open_items"][0]["days_open"] == 0
    assert [item["status"] for item in digest["open_items"]] == ["open", "not_yet"]
    end_session(app, session_id)  # a past digest is kept as it was: no open items
    past = pair.therapist.get(f"/api/v1/sessions/{session_id}/packet").get_json()
    assert past["open_items"] == []


def test_ledgers_page_through(pair, make_entry):
    ids = {share(pair, make_entry) for _ in range(3)}
    for api, url in (
        (pair.client, "/api/v1/repairs"),
        (pair.therapist, f"/api/v1/clients/{pair.client.user.id}/repairs"),
    ):
        first = api.get(f"{url}?limit=2").get_json()
        rest = api.get(f"{url}?limit=2&cursor={first['next_cursor']}").get_json()
        assert len(first["items"]) == 2 and rest["next_cursor"] is None
        assert {i["entry_id"] for i in first["items"] + rest["items"]} == ids
        assert_error(api.get(f"{url}?cursor=broken"), 422, "validation_failed", ["cursor"])


def test_the_export_holds_the_ledger_and_the_access_log_the_therapists_look(pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.client.put(repair_url(entry_id), {"status": "partly", "note": NOTE})
    ledger_of_therapist(pair)
    actions = [e["action"] for e in pair.client.get("/api/v1/access-log").get_json()["items"]]
    assert "read_ledger" in actions
    pair.client.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    [item] = pair.client.get("/api/v1/export").get_json()["repairs"]
    assert item["status"] == "partly" and item["note"] == NOTE and item["entry_id"] == entry_id
