"""Therapy sessions and packets: scheduling from either side, preparing, the digest, archiving."""

import uuid
from datetime import datetime, timedelta

import pytest
import schemathesis
from sqlalchemy import update

from journal.extensions import db
from journal.models import TherapySession, utcnow
from tests.helpers import assert_error

API = "/api/v1"
SESSION_KEYS = {"id", "link_id", "starts_at", "ends_at", "archived"}
PACKET_KEYS = {
    "session_id",
    "starts_at",
    "ends_at",
    "archived",
    "agenda",
    "items",
    "requests",
    "tasks",
    "bridge",
}
DIGEST_ITEM_KEYS = {"entry_id", "kind", "title", "unread", "passage", "feedback"}
DIGEST_ITEM_KEYS |= {"checkin_id", "total"}


NO_CHECKIN = {"checkin_id": None, "total": None}


def soon(days=2, hour=16) -> datetime:
    return (utcnow() + timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000Z")


@pytest.fixture
def pair(api_as):
    """A client linked to a therapist."""
    therapist, client = api_as("therapist"), api_as("client")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    client.link = client.post(f"{API}/links", {"code": code}).get_json()
    client.therapist = therapist
    return client


def schedule(api, link_id, starts_at=None, **more) -> dict:
    body = {"starts_at": (starts_at or soon()).isoformat(), **more}
    response = api.post(f"{API}/links/{link_id}/sessions", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def end(app, session_id) -> None:
    """Move a session into the past."""
    with app.app_context():
        db.session.execute(
            update(TherapySession)
            .where(TherapySession.id == session_id)
            .values(starts_at=utcnow() - timedelta(hours=2), ends_at=utcnow() - timedelta(hours=1))
        )
        db.session.commit()


@pytest.mark.parametrize("who", ["client", "therapist"])
def test_either_side_schedules_a_session(pair, who):
    side = pair if who == "client" else pair.therapist
    made = schedule(side, pair.link["id"], soon())
    assert set(made) == SESSION_KEYS and made["link_id"] == pair.link["id"]
    assert (made["starts_at"], made["ends_at"]) == (
        stamp(soon()),
        stamp(soon() + timedelta(minutes=50)),
    )
    assert made["archived"] is False
    for viewer in (pair, pair.therapist):
        listed = viewer.get(f"{API}/links/{pair.link['id']}/sessions").get_json()
        assert listed == {"items": [made], "next_cursor": None}


def test_upcoming_soonest_first_and_past_latest_first(app, pair):
    later = schedule(pair, pair.link["id"], soon(5), duration_minutes=90)
    sooner = schedule(pair, pair.link["id"], soon(1))
    old, older = schedule(pair, pair.link["id"], soon(3)), schedule(pair, pair.link["id"], soon(4))
    end(app, old["id"])
    with app.app_context():
        db.session.execute(
            update(TherapySession)
            .where(TherapySession.id == older["id"])
            .values(starts_at=utcnow() - timedelta(days=8), ends_at=utcnow() - timedelta(days=7))
        )
        db.session.commit()
    upcoming = pair.get(f"{API}/links/{pair.link['id']}/sessions").get_json()["items"]
    assert [s["id"] for s in upcoming] == [sooner["id"], later["id"]]
    assert later["ends_at"] == stamp(soon(5) + timedelta(minutes=90))
    past = pair.therapist.get(f"{API}/links/{pair.link['id']}/sessions?past=1").get_json()
    assert [(s["id"], s["archived"]) for s in past["items"]] == [
        (old["id"], True),
        (older["id"], True),
    ]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "starts_at"),
        ({"starts_at": "2199-11-26T16:00:00"}, "starts_at"),
        ({"starts_at": "next thursday"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00:00+01:00"}, "starts_at"),
        ({"starts_at": "9999-12-31T23:00:00Z"}, "starts_at"),
        ({"starts_at": "2199-11-26T16:00:00Z", "duration_minutes": 14}, "duration_minutes"),
        ({"starts_at": "2199-11-26T16:00:00Z", "duration_minutes": 241}, "duration_minutes"),
        ({"starts_at": "2199-11-26T16:00:00Z", "duration_minutes": "50"}, "duration_minutes"),
        ({"starts_at": "2199-11-26T16:00:00Z", "link_id": "x"}, "link_id"),
    ],
)
def test_bad_session_input_is_422(pair, payload, field):
    response = pair.post(f"{API}/links/{pair.link['id']}/sessions", payload)
    error = assert_error(response, 422, "validation_failed", [field])
    if payload.get("starts_at") == "2199-11-26T16:00:00":
        assert error["fields"]["starts_at"] == ["Include a time zone, e.g. 2026-11-26T16:00:00Z"]
    assert pair.get(f"{API}/links/{pair.link['id']}/sessions").get_json()["items"] == []


def test_rescheduling_keeps_what_is_not_sent(pair):
    made = schedule(pair, pair.link["id"], soon(), duration_minutes=60)
    url = f"{API}/sessions/{made['id']}"
    moved = pair.therapist.patch(url, {"starts_at": soon(3).isoformat()})
    assert moved.status_code == 200
    assert moved.get_json()["ends_at"] == stamp(soon(3) + timedelta(minutes=60))
    longer = pair.patch(url, {"duration_minutes": 90}).get_json()
    assert (longer["starts_at"], longer["ends_at"]) == (
        stamp(soon(3)),
        stamp(soon(3) + timedelta(minutes=90)),
    )
    assert_error(pair.patch(url, {}), 422, "validation_failed", ["_schema"])
    response = pair.patch(url, {"duration_minutes": 5})
    assert_error(response, 422, "validation_failed", ["duration_minutes"])


def test_rescheduling_moves_the_end_of_a_share_until_next_session(pair, make_entry):
    made = schedule(pair, pair.link["id"], soon())
    entry = make_entry(pair.user, "Until we talk")
    url = f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}"
    assert pair.put(url, {"until_next_session": True}).get_json()["expires_at"] == made["ends_at"]
    moved = pair.patch(f"{API}/sessions/{made['id']}", {"starts_at": soon(6).isoformat()})
    [status] = pair.get(f"{API}/entries/{entry.id}").get_json()["shares"]
    assert status["expires_at"] == moved.get_json()["ends_at"] != made["ends_at"]
    [item] = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()["items"]
    assert item["expires_at"] == moved.get_json()["ends_at"]


def test_cancelling_a_session(pair):
    made = schedule(pair, pair.link["id"])
    assert pair.therapist.delete(f"{API}/sessions/{made['id']}").status_code == 204
    assert pair.get(f"{API}/links/{pair.link['id']}/sessions").get_json()["items"] == []
    assert_error(pair.delete(f"{API}/sessions/{made['id']}"), 404, "not_found")
    assert_error(pair.get(f"{API}/sessions/{made['id']}/packet"), 404, "not_found")


def test_other_peoples_sessions_are_404(api_as, pair):
    made = schedule(pair, pair.link["id"])
    for stranger in (api_as("client"), api_as("therapist")):
        assert_error(stranger.get(f"{API}/links/{pair.link['id']}/sessions"), 404, "not_found")
        response = stranger.post(
            f"{API}/links/{pair.link['id']}/sessions", {"starts_at": soon().isoformat()}
        )
        assert_error(response, 404, "not_found")
        body = {"starts_at": soon(4).isoformat()}
        assert_error(stranger.patch(f"{API}/sessions/{made['id']}", body), 404, "not_found")
        assert_error(stranger.delete(f"{API}/sessions/{made['id']}"), 404, "not_found")
        assert_error(stranger.get(f"{API}/sessions/{made['id']}/packet"), 404, "not_found")
    stranger = api_as("client")
    put = stranger.put(f"{API}/sessions/{made['id']}/packet", {"entry_ids": []})
    assert_error(put, 404, "not_found")
    assert pair.get(f"{API}/links/{pair.link['id']}/sessions").get_json()["items"] == [made]


def test_an_ended_link_has_no_sessions(pair):
    made = schedule(pair, pair.link["id"])
    assert pair.therapist.delete(f"{API}/links/{pair.link['id']}").status_code == 204
    assert_error(pair.get(f"{API}/links/{pair.link['id']}/sessions"), 404, "not_found")
    assert_error(pair.therapist.get(f"{API}/sessions/{made['id']}/packet"), 404, "not_found")


def test_preparing_shares_entries_in_the_clients_order(pair, make_entry):
    session = schedule(pair, pair.link["id"])
    first = make_entry(pair.user, "Work worries", title="Work")
    second = make_entry(pair.user, "Sleep", title="Sleep")
    unlisted = make_entry(pair.user, "Not for the packet", title="Unlisted")
    url = f"{API}/sessions/{session['id']}/packet"
    body = {"agenda": "Start with sleep.", "entry_ids": [second.id, first.id]}
    response = pair.put(url, body)
    assert response.status_code == 200
    packet = response.get_json()
    assert set(packet) == PACKET_KEYS
    assert (packet["session_id"], packet["agenda"], packet["archived"]) == (
        session["id"],
        "Start with sleep.",
        False,
    )
    assert packet["items"] == [
        {"entry_id": second.id, "kind": "reflection", "title": "Sleep"} | NO_CHECKIN,
        {"entry_id": first.id, "kind": "reflection", "title": "Work"} | NO_CHECKIN,
    ]
    assert pair.get(url).get_json() == packet
    shared = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()["items"]
    assert {i["entry_id"] for i in shared} == {first.id, second.id}
    assert unlisted.id not in str(shared)


def test_the_digest_puts_feedback_first_and_marks_unread(pair, make_entry):
    session = schedule(pair, pair.link["id"])
    plain = make_entry(pair.user, "About my week", title="Week")
    part = make_entry(pair.user, "Private start. The part to share.", title="Hidden title")
    feedback = make_entry(pair.user, "Sessions feel rushed", title="Pace", kind="feedback")
    share = f"{API}/entries/{part.id}/shares/{pair.therapist.user.id}"
    assert pair.put(share, {"passage": "The part to share."}).status_code == 201
    ids = [plain.id, part.id, feedback.id]
    pair.put(f"{API}/sessions/{session['id']}/packet", {"agenda": "Pace", "entry_ids": ids})
    pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{plain.id}")
    response = pair.therapist.get(f"{API}/sessions/{session['id']}/packet")
    assert response.status_code == 200
    digest = response.get_json()
    assert set(digest) == PACKET_KEYS | {"open_items"} and digest["agenda"] == "Pace"
    assert all(set(item) == DIGEST_ITEM_KEYS for item in digest["items"])
    assert [
        (i["entry_id"], i["title"], i["unread"], i["passage"], i["feedback"])
        for i in digest["items"]
    ] == [
        (feedback.id, "Pace", True, False, True),
        (plain.id, "Week", False, False, False),
        (part.id, "", True, True, False),
    ]
    assert "Hidden title" not in response.get_data(as_text=True)
    log = pair.get(f"{API}/access-log").get_json()["items"]
    assert log[0]["action"] == "read_packet" and log[0]["actor"]["id"] == pair.therapist.user.id


def test_a_withdrawn_entry_leaves_the_digest(pair, make_entry):
    session = schedule(pair, pair.link["id"])
    entry = make_entry(pair.user, "Changed my mind", title="Withdrawn")
    pair.put(f"{API}/sessions/{session['id']}/packet", {"entry_ids": [entry.id]})
    pair.delete(f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}")
    response = pair.therapist.get(f"{API}/sessions/{session['id']}/packet")
    assert response.get_json()["items"] == []
    assert "Withdrawn" not in response.get_data(as_text=True)


def test_after_the_session_the_packet_is_archived(app, pair, make_entry):
    session = schedule(pair, pair.link["id"])
    entry = make_entry(pair.user, "Discussed", title="Discussed")
    url = f"{API}/sessions/{session['id']}/packet"
    pair.put(url, {"agenda": "Kept", "entry_ids": [entry.id]})
    end(app, session["id"])
    assert_error(pair.put(url, {"entry_ids": []}), 409, "session_over")
    kept = pair.get(url).get_json()
    assert (kept["archived"], kept["agenda"], len(kept["items"])) == (True, "Kept", 1)
    assert pair.therapist.get(url).get_json()["archived"] is True
    past = pair.get(f"{API}/links/{pair.link['id']}/sessions?past=1").get_json()["items"]
    assert [(s["id"], s["archived"]) for s in past] == [(session["id"], True)]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "entry_ids"),
        ({"entry_ids": "x"}, "entry_ids"),
        ({"entry_ids": [str(uuid.uuid4())]}, "entry_ids"),
        ({"entry_ids": [str(uuid.uuid4()) for _ in range(51)]}, "entry_ids"),
        ({"entry_ids": ["a\x00b"]}, "entry_ids"),
        ({"entry_ids": [], "agenda": "x" * 2001}, "agenda"),
        ({"entry_ids": [], "agenda": None}, "agenda"),
        ({"entry_ids": [], "note": "x"}, "note"),
        ({"entry_ids": [], "checkin_ids": "x"}, "checkin_ids"),
        ({"entry_ids": [], "checkin_ids": None}, "checkin_ids"),
        ({"entry_ids": [], "checkin_ids": [str(uuid.uuid4())]}, "checkin_ids"),
        ({"entry_ids": [], "checkin_ids": [str(uuid.uuid4()) for _ in range(21)]}, "checkin_ids"),
        ({"entry_ids": [], "checkin_ids": ["a\x00b"]}, "checkin_ids"),
    ],
)
def test_bad_packet_input_is_422(pair, payload, field):
    session = schedule(pair, pair.link["id"])
    response = pair.put(f"{API}/sessions/{session['id']}/packet", payload)
    assert_error(response, 422, "validation_failed", [field])


def test_packet_entries_must_be_own_and_listed_once(api_as, pair, make_entry):
    session = schedule(pair, pair.link["id"])
    mine, theirs = make_entry(pair.user, "Mine"), make_entry(api_as("client").user, "Theirs")
    url = f"{API}/sessions/{session['id']}/packet"
    for ids in ([mine.id, mine.id], [mine.id, theirs.id]):
        assert_error(pair.put(url, {"entry_ids": ids}), 422, "validation_failed", ["entry_ids"])
    assert pair.get(url).get_json()["items"] == []
    assert pair.therapist.get(f"{API}/clients/{pair.user.id}/shared").get_json()["items"] == []


def check_in(api, total, shared) -> dict:
    ratings = dict.fromkeys(("bond", "goals", "approach"), total // 4)
    ratings["overall"] = total - 3 * (total // 4)
    body = {"therapist_id": api.therapist.user.id, **ratings, "shared": shared}
    response = api.post(f"{API}/checkins", body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_check_ins_in_the_packet_and_the_digest(pair, make_entry):
    session = schedule(pair, pair.link["id"])
    entry = make_entry(pair.user, "About my week", title="Week")
    words = make_entry(pair.user, "Sessions feel rushed", title="Pace", kind="feedback")
    private = check_in(pair, 30, shared=False)
    shared = check_in(pair, 37, shared=True)
    url = f"{API}/sessions/{session['id']}/packet"
    body = {"entry_ids": [entry.id, words.id], "checkin_ids": [shared["id"], private["id"]]}
    packet = pair.put(url, body).get_json()
    assert packet["items"][2:] == [
        {"entry_id": None, "checkin_id": shared["id"], "kind": "checkin", "title": "Check-in"}
        | {"total": 37},
        {"entry_id": None, "checkin_id": private["id"], "kind": "checkin", "title": "Check-in"}
        | {"total": 30},
    ]
    [first, second] = pair.get(f"{API}/checkins").get_json()["items"]
    assert first["shared"] is second["shared"] is True  # putting it in the packet shared it
    digest = pair.therapist.get(url).get_json()
    assert [
        (i["kind"], i["entry_id"], i["checkin_id"], i["feedback"]) for i in digest["items"]
    ] == [
        ("feedback", words.id, None, True),
        ("reflection", entry.id, None, False),
        ("checkin", None, shared["id"], False),
        ("checkin", None, private["id"], False),
    ]
    assert pair.patch(f"{API}/checkins/{private['id']}", {"shared": False}).status_code == 200
    digest = pair.therapist.get(url).get_json()
    assert private["id"] not in str(digest) and len(digest["items"]) == 3
    assert private["id"] in str(pair.get(url).get_json())


def test_packet_check_ins_must_be_mine_on_this_link(api_as, pair):
    session = schedule(pair, pair.link["id"])
    other = api_as("client")
    other.therapist = api_as("therapist")
    code = other.therapist.post(f"{API}/invites").get_json()["code"]
    assert other.post(f"{API}/links", {"code": code}).status_code == 201
    theirs, mine = check_in(other, 20, shared=False), check_in(pair, 20, shared=False)
    url = f"{API}/sessions/{session['id']}/packet"
    for chosen in ([theirs["id"]], [mine["id"], mine["id"]]):
        response = pair.put(url, {"entry_ids": [], "checkin_ids": chosen})
        assert_error(response, 422, "validation_failed", ["checkin_ids"])
    assert pair.get(url).get_json()["items"] == []
    assert pair.therapist.get(f"{API}/clients/{pair.user.id}/checkins").get_json()["items"] == []


def test_malformed_json_and_missing_csrf_are_400(pair):
    session = schedule(pair, pair.link["id"])
    url = f"{API}/sessions/{session['id']}/packet"
    sessions = f"{API}/links/{pair.link['id']}/sessions"
    for method, path in [
        ("put", url),
        ("post", sessions),
        ("patch", f"{API}/sessions/{session['id']}"),
    ]:
        response = getattr(pair, method)(path, data="{", content_type="application/json")
        assert_error(response, 400, "malformed_json")
    body = {"duration_minutes": 90}
    response = pair.patch(f"{API}/sessions/{session['id']}", body, csrf=False)
    assert_error(response, 400, "csrf_failed")
    assert_error(pair.put(url, {"entry_ids": []}, csrf=False), 400, "csrf_failed")
    assert_error(pair.post(sessions, {"starts_at": "x"}, csrf=False), 400, "csrf_failed")
    assert_error(pair.delete(f"{API}/sessions/{session['id']}", csrf=False), 400, "csrf_failed")
    assert pair.get(sessions).get_json()["items"] == [session]


def test_only_the_client_prepares_and_signed_out_is_401(api, pair):
    session = schedule(pair, pair.link["id"])
    url = f"{API}/sessions/{session['id']}/packet"
    assert_error(pair.therapist.put(url, {"entry_ids": []}), 403, "wrong_role")
    for method, path in [
        ("get", url),
        ("put", url),
        ("get", f"{API}/links/{pair.link['id']}/sessions"),
        ("post", f"{API}/links/{pair.link['id']}/sessions"),
        ("patch", f"{API}/sessions/{session['id']}"),
        ("delete", f"{API}/sessions/{session['id']}"),
    ]:
        assert_error(getattr(api, method)(path), 401, "not_signed_in")


def test_every_sharing_response_matches_the_openapi_document(app, api_as, make_entry):
    """Walk the whole flow and check each success against its declared schema."""
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    therapist, client = api_as("therapist"), api_as("client")
    seen = []

    def check(label, response, status=200):
        assert response.status_code == status, (label, response.get_json())
        schema.find_operation_by_label(label).validate_response(response)
        seen.append(label)
        return response.get_json()

    made = check("POST /invites", therapist.post(f"{API}/invites"), 201)
    check("GET /invites", therapist.get(f"{API}/invites"))
    check("GET /invites/{invite}", client.get(f"{API}/invites/{made['code']}"))
    link = check("POST /links", client.post(f"{API}/links", {"code": made["code"]}), 201)
    entry = make_entry(client.user, "Feedback words", kind="feedback")
    share = f"{API}/entries/{entry.id}/shares/{therapist.user.id}"
    check("PUT /entries/{entry_id}/shares/{therapist_id}", client.put(share), 201)
    sessions = f"{API}/links/{link['id']}/sessions"
    body = {"starts_at": soon().isoformat()}
    session = check("POST /links/{link_id}/sessions", therapist.post(sessions, body), 201)
    check("GET /links/{link_id}/sessions", client.get(sessions))
    body = {"duration_minutes": 45}
    check("PATCH /sessions/{session_id}", client.patch(f"{API}/sessions/{session['id']}", body))
    packet = f"{API}/sessions/{session['id']}/packet"
    check("PUT /sessions/{session_id}/packet", client.put(packet, {"entry_ids": [entry.id]}))
    check("GET /sessions/{session_id}/packet", client.get(packet))
    check("GET /sessions/{session_id}/packet", therapist.get(packet))
    check("GET /clients", therapist.get(f"{API}/clients"))
    rating = {"bond": 8, "goals": 7, "approach": 9, "overall": 8, "shared": True}
    made = client.post(f"{API}/checkins", {"therapist_id": therapist.user.id, **rating})
    assert made.status_code == 201
    body = {"entry_ids": [entry.id], "checkin_ids": [made.get_json()["id"]]}
    check("PUT /sessions/{session_id}/packet", client.put(packet, body))
    check("GET /sessions/{session_id}/packet", therapist.get(packet))
    checkins = f"{API}/clients/{client.user.id}/checkins"
    check("GET /clients/{client_id}/checkins", therapist.get(checkins))
    check(
        "GET /clients/{client_id}/alliance",
        therapist.get(f"{API}/clients/{client.user.id}/alliance"),
    )
    shared = f"{API}/clients/{client.user.id}/shared"
    check("GET /clients/{client_id}/shared", therapist.get(shared))
    check("GET /clients/{client_id}/shared/{entry_id}", therapist.get(f"{shared}/{entry.id}"))
    log = check("GET /access-log", client.get(f"{API}/access-log"))
    assert [e["action"] for e in log["items"]] == [
        "read_entry",
        "read_checkins",
        "read_checkins",
        "read_packet",
        "read_packet",
    ]
    answer = f"{shared}/{entry.id}/answer"
    body = {"heard": True, "reply": "Thank you.", "discuss_next_session": True}
    check("PUT /clients/{client_id}/shared/{entry_id}/answer", therapist.put(answer, body))
    check("GET /sessions/{session_id}/packet", client.get(packet))  # now with the request
    checkin_answer = f"{checkins}/{made.get_json()['id']}/answer"
    label = "PUT /clients/{client_id}/checkins/{checkin_id}/answer"
    check(label, therapist.put(checkin_answer, {"heard": True}))
    check("GET /answers", client.get(f"{API}/answers"))
    check("POST /answers/seen", client.post(f"{API}/answers/seen"), 204)
    label = "DELETE /clients/{client_id}/checkins/{checkin_id}/answer"
    check(label, therapist.delete(checkin_answer), 204)
    check("DELETE /clients/{client_id}/shared/{entry_id}/answer", therapist.delete(answer), 204)
    verdict = {"status": "partly", "note": "A little slower now."}
    check("PUT /entries/{entry_id}/repair", client.put(f"{API}/entries/{entry.id}/repair", verdict))
    check("GET /repairs", client.get(f"{API}/repairs"))
    ledger = check(
        "GET /clients/{client_id}/repairs", therapist.get(f"{API}/clients/{client.user.id}/repairs")
    )
    assert ledger["items"][0]["status"] == "partly"
    open_items = check("GET /sessions/{session_id}/packet", therapist.get(packet))["open_items"]
    assert open_items[0]["entry_id"] == entry.id and open_items[0]["status"] == "partly"
    note = {"note": "Tell me what isn't working."}
    check("PUT /me/invitation-note", therapist.put(f"{API}/me/invitation-note", note))
    check("DELETE /me/invitation-note", therapist.delete(f"{API}/me/invitation-note"), 204)
    check("DELETE /sessions/{session_id}", client.delete(f"{API}/sessions/{session['id']}"), 204)
    check("DELETE /entries/{entry_id}/shares/{therapist_id}", client.delete(share), 204)
    check("DELETE /links/{link_id}", therapist.delete(f"{API}/links/{link['id']}"), 204)
    ended = check("GET /links", client.get(f"{API}/links?all=1"))
    assert ended["items"][0]["ended_at"] is not None
    spare = therapist.post(f"{API}/invites").get_json()
    check("DELETE /invites/{invite}", therapist.delete(f"{API}/invites/{spare['id']}"), 204)
    spec = client.get(f"{API}/openapi.json").get_json()["paths"]
    tagged = {
        f"{method.upper()} {path}"
        for path, item in spec.items()
        for method, op in item.items()
        if op["tags"][0] in {"links", "sharing", "therapist", "sessions"}
    }
    assert set(seen) >= tagged and len(tagged) == 30
