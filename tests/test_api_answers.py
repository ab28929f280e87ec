"""A therapist's answers through the API (heard, a reply, talk next time): both sides."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Answer, utcnow
from tests.helpers import assert_error
from tests.test_web_links import pair, schedule, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

ANSWER_KEYS = {
    "entry_id",
    "checkin_id",
    "therapist_id",
    "heard",
    "reply",
    "discuss_next_session",
    "answered_at",
    "updated_at",
}
REPLY = "Thank you for telling me. Let's start with this on Tuesday."


def share(pair, make_entry, kind="feedback", **terms):
    """The client writes an entry and shares it with the therapist; return its id."""
    entry = make_entry(pair.client.user, "The pace feels rushed.", kind=kind, title="The pace")
    url = f"/api/v1/entries/{entry.id}/shares/{pair.therapist.user.id}"
    assert pair.client.put(url, terms or None).status_code == 201
    return entry.id


def answer_url(pair, entry_id):
    return f"/api/v1/clients/{pair.client.user.id}/shared/{entry_id}/answer"


def share_of(pair, entry_id):
    return pair.client.get(f"/api/v1/entries/{entry_id}").get_json()["shares"][0]


def test_heard_with_a_reply_and_a_wish_to_talk(pair, make_entry):
    entry_id = share(pair, make_entry)
    body = {"heard": True, "reply": REPLY, "discuss_next_session": True}
    response = pair.therapist.put(answer_url(pair, entry_id), body)
    assert response.status_code == 200
    answer = response.get_json()
    assert set(answer) == ANSWER_KEYS
    assert answer["reply"] == REPLY and answer["heard"] and answer["discuss_next_session"]
    assert answer["entry_id"] == entry_id and answer["checkin_id"] is None
    assert answer["therapist_id"] == pair.therapist.user.id
    assert share_of(pair, entry_id)["answer"] == answer
    listed = pair.client.get("/api/v1/answers").get_json()
    assert listed["next_cursor"] is None
    [item] = listed["items"]
    assert item["seen"] is False and item["therapist_name"] == "Dr Lee"
    assert item["item_title"] == "The pace" and item["reply"] == REPLY
    assert pair.client.post("/api/v1/answers/seen").status_code == 204
    assert pair.client.get("/api/v1/answers").get_json()["items"][0]["seen"] is True


def test_heard_alone_then_changed_then_taken_back(pair, make_entry):
    entry_id = share(pair, make_entry)
    first = pair.therapist.put(answer_url(pair, entry_id), {"heard": True}).get_json()
    assert first["reply"] is None and first["discuss_next_session"] is False
    pair.client.post("/api/v1/answers/seen")
    changed = pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "reply": REPLY})
    later = changed.get_json()
    assert later["answered_at"] == first["answered_at"] and later["reply"] == REPLY
    assert later["updated_at"] >= first["updated_at"]
    assert pair.client.get("/api/v1/answers").get_json()["items"][0]["seen"] is False
    assert pair.therapist.delete(answer_url(pair, entry_id)).status_code == 204
    assert share_of(pair, entry_id)["answer"] is None
    assert pair.client.get("/api/v1/answers").get_json()["items"] == []
    assert pair.therapist.delete(answer_url(pair, entry_id)).status_code == 204  # nothing left


def test_a_withdrawn_share_hides_the_answer_from_the_therapist_until_shared_again(
    app, pair, make_entry
):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "reply": REPLY})
    withdraw = f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}"
    assert pair.client.delete(withdraw).status_code == 204
    assert_error(pair.therapist.put(answer_url(pair, entry_id), {"heard": True}), 404, "not_found")
    assert_error(pair.therapist.delete(answer_url(pair, entry_id)), 404, "not_found")
    # The client keeps what was said to them.
    assert pair.client.get("/api/v1/answers").get_json()["items"][0]["reply"] == REPLY
    assert pair.client.put(withdraw).status_code == 201
    assert share_of(pair, entry_id)["answer"]["reply"] == REPLY
    assert pair.therapist.put(answer_url(pair, entry_id), {"heard": True}).status_code == 200


def test_a_passage_share_can_be_answered(pair, make_entry):
    entry_id = share(pair, make_entry, passage="feels rushed")
    response = pair.therapist.put(answer_url(pair, entry_id), {"heard": True})
    assert response.status_code == 200


def test_shared_check_ins_can_be_answered_private_ones_cannot(pair):
    therapist_id = pair.therapist.user.id
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 6)
    made = [
        pair.client.post(
            "/api/v1/checkins", {"therapist_id": therapist_id, "shared": shared, **ratings}
        ).get_json()["id"]
        for shared in (True, False)
    ]
    base = f"/api/v1/clients/{pair.client.user.id}/checkins"
    answered = pair.therapist.put(f"{base}/{made[0]}/answer", {"heard": True, "reply": REPLY})
    assert answered.status_code == 200 and answered.get_json()["checkin_id"] == made[0]
    assert_error(pair.therapist.put(f"{base}/{made[1]}/answer", {"heard": True}), 404, "not_found")
    [item] = pair.client.get("/api/v1/answers").get_json()["items"]
    assert item["item_title"] == "Your check-in" and item["entry_id"] is None
    assert pair.therapist.delete(f"{base}/{made[0]}/answer").status_code == 204


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, ["heard"]),
        ({"heard": False}, ["heard"]),
        ({"heard": True, "reply": ""}, ["reply"]),
        ({"heard": True, "reply": "x" * 1001}, ["reply"]),
        ({"heard": True, "reply": 12}, ["reply"]),
        ({"heard": "perhaps", "reply": "", "discuss_next_session": "no"}, ["heard", "reply"]),
        ({"heard": True, "mood": "kind"}, ["mood"]),
    ],
)
def test_bad_answers_are_422_with_every_problem(pair, make_entry, body, fields):
    entry_id = share(pair, make_entry)
    error = assert_error(
        pair.therapist.put(answer_url(pair, entry_id), body), 422, "validation_failed", fields
    )
    assert all(error["fields"][name] for name in fields)


def test_a_talk_next_session_without_heard_is_fine(pair, make_entry):
    entry_id = share(pair, make_entry)
    body = {"heard": False, "discuss_next_session": True}
    assert pair.therapist.put(answer_url(pair, entry_id), body).get_json()["heard"] is False


def test_the_reply_is_sealed_at_rest(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "reply": REPLY})
    with app.app_context():
        row = db.session.scalar(select(Answer))
        assert REPLY.encode() not in row.reply_sealed and b"Tuesday" not in row.reply_sealed


def test_answers_go_with_the_clients_account(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "reply": REPLY})
    assert pair.client.delete("/api/v1/me", {"password": "a calm river at dawn"}).status_code == 204
    with app.app_context():
        assert db.session.scalar(select(Answer)) is None


def test_the_access_log_says_when_the_therapist_answered(pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True})
    actions = [e["action"] for e in pair.client.get("/api/v1/access-log").get_json()["items"]]
    assert "answer" in actions
    page = pair.client.client.get("/access-log").get_data(as_text=True)
    assert "answered" in page and "The pace" in page


def test_replies_page_through(pair, make_entry):
    ids = [share(pair, make_entry) for _ in range(3)]
    for entry_id in ids:
        pair.therapist.put(answer_url(pair, entry_id), {"heard": True})
    first = pair.client.get("/api/v1/answers?limit=2").get_json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = pair.client.get(f"/api/v1/answers?limit=2&cursor={first['next_cursor']}").get_json()
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    seen = {item["entry_id"] for item in first["items"] + rest["items"]}
    assert seen == set(ids)
    assert_error(
        pair.client.get("/api/v1/answers?cursor=broken"), 422, "validation_failed", ["cursor"]
    )


def test_the_export_holds_the_answers_received(pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "reply": REPLY})
    pair.client.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    [answer] = pair.client.get("/api/v1/export").get_json()["answers"]
    assert answer["reply"] == REPLY and answer["therapist_name"] == "Dr Lee"
    pair.therapist.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    assert pair.therapist.get("/api/v1/export").get_json()["answers"] == []


# --- "Let's talk about it next session": the next session's packet shows it ---


def packet_of(api, session_id):
    return api.get(f"/api/v1/sessions/{session_id}/packet").get_json()


def requested_ids(packet):
    return [item["entry_id"] or item["checkin_id"] for item in packet["requests"]]


def test_a_wish_to_talk_goes_on_the_next_sessions_packet(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    session_id = schedule(app, pair.client.user, pair.link_id)
    body = {"heard": True, "discuss_next_session": True}
    pair.therapist.put(answer_url(pair, entry_id), body)
    assert requested_ids(packet_of(pair.client, session_id)) == [entry_id]
    digest = packet_of(pair.therapist, session_id)
    assert requested_ids(digest) == [entry_id] and digest["requests"][0]["title"] == "The pace"
    page = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "Dr Lee asked to talk about" in page and "The pace" in page
    therapist_page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "You asked to talk about" in therapist_page
    # Withdrawn: the therapist's digest no longer lists it; the client's packet still does.
    pair.client.delete(f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}")
    assert requested_ids(packet_of(pair.therapist, session_id)) == []
    assert requested_ids(packet_of(pair.client, session_id)) == [entry_id]
    # Heard only: no longer asked.
    pair.client.put(f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}")
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True})
    assert requested_ids(packet_of(pair.client, session_id)) == []


def test_with_no_session_scheduled_the_wish_waits_for_the_next_one_made(app, pair, make_entry):
    entry_id = share(pair, make_entry)
    pair.therapist.put(answer_url(pair, entry_id), {"heard": True, "discuss_next_session": True})
    session_id = schedule(app, pair.client.user, pair.link_id)
    assert requested_ids(packet_of(pair.client, session_id)) == [entry_id]


def test_a_wish_belongs_to_the_first_session_after_it(app, pair, make_entry):
    first, later = share(pair, make_entry), share(pair, make_entry)
    sooner = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=2))
    after = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=9))
    body = {"heard": True, "discuss_next_session": True}
    pair.therapist.put(answer_url(pair, first), body)
    pair.therapist.put(answer_url(pair, later), body)
    with app.app_context():  # the second answer came after the sooner session had begun
        row = db.session.scalar(select(Answer).where(Answer.entry_id == later))
        row.updated_at = utcnow() + timedelta(days=3)
        db.session.commit()
    assert requested_ids(packet_of(pair.client, sooner)) == [first]
    assert requested_ids(packet_of(pair.client, after)) == [later]


def test_a_check_in_can_be_asked_about_too(app, pair):
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 4)
    body = {"therapist_id": pair.therapist.user.id, "shared": True, **ratings}
    checkin_id = pair.client.post("/api/v1/checkins", body).get_json()["id"]
    session_id = schedule(app, pair.client.user, pair.link_id)
    url = f"/api/v1/clients/{pair.client.user.id}/checkins/{checkin_id}/answer"
    pair.therapist.put(url, {"heard": True, "discuss_next_session": True})
    assert requested_ids(packet_of(pair.client, session_id)) == [checkin_id]
    assert packet_of(pair.therapist, session_id)["requests"][0]["total"] == 16
