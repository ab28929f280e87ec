"""A canary: journal text, passwords and cookies never reach a log line."""

import logging
from datetime import timedelta

import pytest

from journal.extensions import db
from journal.models import User, utcnow
from journal.services import appointments, entries, links
from tests.conftest import Api

CANARY_TEXT = "canary-bluebird-7731 the words I wrote"
CANARY_PASSWORD = "canary password 8842 quietly"


@pytest.fixture
def all_logs(caplog):
    """Capture every log record at every level."""
    caplog.set_level(logging.DEBUG)
    return caplog


def _everything_logged(caplog) -> str:
    lines = []
    for record in caplog.records:
        lines.append(record.getMessage())
        if record.exc_info:
            lines.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(lines)


def test_secrets_never_logged(app, all_logs, monkeypatch):
    """Register, sign in, fail to sign in, write, search, crash: the log holds no secrets."""
    api = Api(app.test_client())
    body = {
        "email": "canary@example.test",
        "password": CANARY_PASSWORD,
        "display_name": "Canary",
        "role": "client",
    }
    assert api.post("/api/v1/auth/register", body).status_code == 201
    api.post("/api/v1/auth/logout")
    assert api.login("canary@example.test", "wrong " + CANARY_PASSWORD).status_code == 401
    assert api.login("canary@example.test", CANARY_PASSWORD).status_code == 200
    created = api.post("/api/v1/entries", {"title": CANARY_TEXT, "body": CANARY_TEXT})
    assert created.status_code == 201
    assert api.get("/api/v1/entries?q=bluebird").get_json()["items"]

    def explode(*args, **kwargs):
        raise RuntimeError("database fell over")

    monkeypatch.setattr(entries, "update", explode)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    entry_id = created.get_json()["id"]
    response = api.patch(f"/api/v1/entries/{entry_id}", {"version": 1, "body": CANARY_TEXT})
    assert response.status_code == 500

    cookie = api.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    logged = _everything_logged(all_logs)
    assert "RuntimeError" in logged  # the crash itself was logged...
    for secret in (CANARY_TEXT, "bluebird", CANARY_PASSWORD, cookie, api.token):
        assert secret not in logged  # ...but nothing private


def _linked(app, api_as):
    """A signed-in therapist and client, linked through an invite."""
    therapist, client = api_as("therapist"), api_as("client")
    with app.app_context():
        links.redeem(
            db.session.get(User, client.user.id),
            links.create_invite(db.session.get(User, therapist.user.id))[1],
        )
    return therapist, client


CANARY_REPLY = "canary-wren-5512 thank you for telling me"


def test_a_therapists_reply_is_never_logged(app, all_logs, api_as, make_user, make_entry):
    """Answering (and failing to, with the words too long), and reading the answer back."""
    therapist, client = api_as("therapist"), api_as("client")
    with app.app_context():
        link = links.redeem(
            db.session.get(User, client.user.id),
            links.create_invite(db.session.get(User, therapist.user.id))[1],
        )
        assert link.status == "active"
    entry = make_entry(client.user, "Words to answer.")
    assert client.put(f"/api/v1/entries/{entry.id}/shares/{therapist.user.id}").status_code == 201
    url = f"/api/v1/clients/{client.user.id}/shared/{entry.id}/answer"
    too_long = {"heard": True, "reply": CANARY_REPLY * 40}
    assert therapist.put(url, too_long).status_code == 422
    assert therapist.put(url, {"heard": True, "reply": CANARY_REPLY}).status_code == 200
    assert client.get("/api/v1/answers").get_json()["items"][0]["reply"] == CANARY_REPLY
    assert CANARY_REPLY in client.client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert "canary-wren" not in _everything_logged(all_logs)


CANARY_NOTE = "canary-heron-2049 we slowed down"


def test_a_clients_repair_note_is_never_logged(app, all_logs, api_as, make_entry):
    """Saying what came of a feedback (and failing to, with the note too long); both ledgers."""
    therapist, client = _linked(app, api_as)
    entry = make_entry(client.user, "The pace.", kind="feedback")
    client.put(f"/api/v1/entries/{entry.id}/shares/{therapist.user.id}")
    url = f"/api/v1/entries/{entry.id}/repair"
    assert client.put(url, {"status": "partly", "note": CANARY_NOTE * 40}).status_code == 422
    assert client.put(url, {"status": "partly", "note": CANARY_NOTE}).status_code == 200
    assert client.get("/api/v1/repairs").get_json()["items"][0]["note"] == CANARY_NOTE
    ledger = therapist.get(f"/api/v1/clients/{client.user.id}/repairs").get_json()
    assert ledger["items"][0]["note"] == CANARY_NOTE
    assert CANARY_NOTE in client.client.get(f"/journal/{entry.id}").get_data(as_text=True)
    assert "canary-heron" not in _everything_logged(all_logs)


CANARY_GOAL = "canary-plover-3310 rest on sundays"


def test_goal_text_is_never_logged(app, all_logs, api_as):
    """A goal written, reworded, suggested and accepted (and refused as too long), on both sides."""
    therapist, client = _linked(app, api_as)
    shared = {"text": CANARY_GOAL, "shared_with": [therapist.user.id]}
    assert client.post("/api/v1/goals", {**shared, "text": CANARY_GOAL * 20}).status_code == 422
    assert client.post("/api/v1/goals", shared).status_code == 201
    url = f"/api/v1/clients/{client.user.id}/goal-suggestions"
    suggestion = therapist.post(url, {"text": "canary-plover suggested"}).get_json()
    answer = {"action": "accept", "text": "canary-plover in my words"}
    assert client.put(f"/api/v1/goals/suggestions/{suggestion['id']}", answer).status_code == 200
    seen = therapist.get(f"/api/v1/clients/{client.user.id}/goals").get_json()["items"]
    assert {g["text"] for g in seen} == {CANARY_GOAL, "canary-plover in my words"}
    assert CANARY_GOAL in client.client.get("/journal/goals").get_data(as_text=True)
    assert "canary-plover" not in _everything_logged(all_logs)


CANARY_TASK = "canary-lapwing-8192 notice the pause"


def test_task_words_and_reasons_are_never_logged(app, all_logs, api_as):
    """A task given (and refused as too long), read, answered and declined with a reason."""
    therapist, client = _linked(app, api_as)
    url = f"/api/v1/clients/{client.user.id}/tasks"
    due = {"date": "2999-01-01"}
    assert therapist.post(url, {"text": CANARY_TASK * 40, "due": due}).status_code == 422
    task = therapist.post(url, {"text": CANARY_TASK, "due": due}).get_json()
    assert client.get("/api/v1/tasks").get_json()["items"][0]["text"] == CANARY_TASK
    assert CANARY_TASK in client.client.get("/journal").get_data(as_text=True)
    reason = {"status": "declined", "reason": "canary-lapwing not for me"}
    assert client.put(f"/api/v1/tasks/{task['id']}/status", reason).status_code == 200
    assert therapist.get(url).get_json()["items"][0]["reason"] == "canary-lapwing not for me"
    assert "canary-lapwing" not in _everything_logged(all_logs)


CANARY_BRIDGE = "canary-godwit-4471 the long pause helped"


def test_bridge_words_are_never_logged(app, all_logs, api_as):
    """A bridge written (and refused as too long), leading the next digest the therapist reads."""
    therapist, client = _linked(app, api_as)
    with app.app_context():
        me = db.session.get(User, client.user.id)
        link = links.active_link(me.id, therapist.user.id)
        before = appointments.schedule(me, link.id, utcnow() + timedelta(days=1))
        before.starts_at = utcnow() - timedelta(hours=2)
        before.ends_at = utcnow() - timedelta(hours=1)
        coming = appointments.schedule(me, link.id, utcnow() + timedelta(days=6)).id
        before_id = before.id
        db.session.commit()
    body = {"kind": "after_session", "session_id": before_id, "leads_packet": True}
    long = {"helped": CANARY_BRIDGE * 100}
    assert client.post("/api/v1/entries", body | {"details": long}).status_code == 422
    made = client.post("/api/v1/entries", body | {"details": {"helped": CANARY_BRIDGE}})
    assert made.status_code == 201
    digest = therapist.get(f"/api/v1/sessions/{coming}/packet").get_json()
    assert digest["bridge"]["parts"] == {"helped": CANARY_BRIDGE}
    assert "canary-godwit" not in _everything_logged(all_logs)
