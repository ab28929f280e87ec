"""The audit trail: hash-chained, tamper-evident, and free of any text, password or email."""

import re
from datetime import UTC, timedelta
from itertools import pairwise

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import AuditEvent
from journal.services import audit
from tests.conftest import Api


def events(app):
    with app.app_context():
        return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def verify(app):
    with app.app_context():
        return audit.verify_chain()


@pytest.fixture
def trail(app, make_user, make_entry):
    """A short trail of real events: registrations, sign-ins, a failure, a deletion."""
    client, therapist = make_user("client"), make_user("therapist")
    Api(app.test_client()).login(client.email)
    Api(app.test_client()).login(therapist.email, "not the password at all")
    api = Api(app.test_client())
    api.login(client.email)
    entry = make_entry(client)
    assert api.delete(f"/api/v1/entries/{entry.id}").status_code == 204
    found = events(app)
    assert len(found) >= 6
    return found


def test_the_chain_links(trail):
    assert trail[0].prev_hash == audit.GENESIS
    for before, after in pairwise(trail):
        assert after.prev_hash == before.hash
        assert after.seq > before.seq
    assert all(re.fullmatch(r"[0-9a-f]{64}", e.hash) for e in trail)
    assert len({e.hash for e in trail}) == len(trail)


def test_events_record_who_what_when_and_outcome(trail, make_user):
    kinds = [(e.action, e.outcome) for e in trail]
    assert ("register", "ok") in kinds
    assert ("login", "ok") in kinds
    assert ("login", "failed") in kinds
    assert ("delete_entry", "ok") in kinds
    for event in trail:
        assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0)
        assert event.actor_id
    deletion = next(e for e in trail if e.action == "delete_entry")
    assert deletion.entry_id and deletion.owner_id == deletion.actor_id


def test_failed_login_for_an_unknown_email_is_recorded_without_it(app):
    Api(app.test_client()).login("nobody@example.test", "some guess at a password")
    [event] = events(app)
    assert (event.action, event.outcome, event.actor_id) == ("login", "failed", None)


def test_verify_chain_on_an_intact_trail(app, trail):
    assert verify(app) == (len(trail), None)


def test_verify_chain_on_an_empty_trail(app):
    assert verify(app) == (0, None)


def test_new_events_continue_the_chain(app, trail):
    with app.app_context():
        audit.record_now("export", actor_id=trail[0].actor_id, owner_id=trail[0].actor_id)
    latest = events(app)[-1]
    assert latest.prev_hash == trail[-1].hash
    assert verify(app) == (len(trail) + 1, None)


def _tamper(event, column):
    if column == "at":
        event.at = event.at + timedelta(seconds=1)
    elif column in ("hash", "prev_hash"):
        setattr(event, column, "f" * 64)
    elif column == "outcome":
        event.outcome = "failed" if event.outcome == "ok" else "ok"
    elif column == "action":
        event.action = "logout"
    else:
        setattr(event, column, "00000000-0000-4000-8000-000000000000")


@pytest.mark.parametrize(
    "column", ["action", "outcome", "at", "actor_id", "owner_id", "entry_id", "hash", "prev_hash"]
)
def test_a_tampered_middle_row_is_found(app, trail, column):
    middle = len(trail) // 2
    with app.app_context():
        event = db.session.get(AuditEvent, trail[middle].seq)
        _tamper(event, column)
        db.session.commit()
    assert verify(app) == (middle, trail[middle].seq)


def test_rewriting_a_row_with_a_fresh_hash_breaks_the_next_link(app, trail):
    """Recomputing the tampered row's own hash does not help: the next row points at the old one."""
    middle = len(trail) // 2
    with app.app_context():
        event = db.session.get(AuditEvent, trail[middle].seq)
        event.action = "logout"
        event.hash = audit._digest(event)
        db.session.commit()
    assert verify(app) == (middle + 1, trail[middle + 1].seq)


def test_a_deleted_middle_row_is_found(app, trail):
    middle = len(trail) // 2
    with app.app_context():
        db.session.delete(db.session.get(AuditEvent, trail[middle].seq))
        db.session.commit()
    assert verify(app) == (middle, trail[middle + 1].seq)


def test_a_tampered_last_row_is_found(app, trail):
    with app.app_context():
        db.session.get(AuditEvent, trail[-1].seq).outcome = "failed"
        db.session.commit()
    assert verify(app) == (len(trail) - 1, trail[-1].seq)


def test_no_text_password_or_email_in_the_trail(app, api):
    email = "Canary.Person@Example.test"
    secrets = {
        "email": email,
        "password": "canary-password-7781",
        "wrong": "canary-wrong-password-4412",
        "name": "Canary Display Name",
        "title": "canary title 0193",
        "body": "canary body text about therapy 5521",
        "tag": "canarytag",
        "edit": "canary edited body 3310",
    }
    register = {
        "email": email,
        "password": secrets["password"],
        "display_name": secrets["name"],
        "role": "client",
    }
    assert api.post("/api/v1/auth/register", register).status_code == 201
    created = api.post(
        "/api/v1/entries",
        {"title": secrets["title"], "body": secrets["body"], "tags": [secrets["tag"]]},
    ).get_json()
    edit = {"body": secrets["edit"], "version": 1}
    assert api.patch(f"/api/v1/entries/{created['id']}", edit).status_code == 200
    assert api.delete(f"/api/v1/entries/{created['id']}").status_code == 204
    assert api.post("/api/v1/auth/logout").status_code == 204
    assert api.login(email, secrets["wrong"]).status_code == 401
    assert api.login(email.lower(), secrets["password"]).status_code == 200
    assert api.post("/api/v1/auth/reauth", {"password": secrets["wrong"]}).status_code == 422
    assert api.get("/api/v1/export").status_code == 200
    assert api.delete("/api/v1/me", {"password": secrets["password"]}).status_code == 204
    assert Api(app.test_client()).login(email, secrets["password"]).status_code == 401

    trail = events(app)
    actions = {e.action for e in trail}
    assert {"register", "login", "delete_entry", "export", "delete_account"} <= actions
    columns = [c.name for c in AuditEvent.__table__.columns]
    stored = " ".join(str(getattr(e, c)) for e in trail for c in columns).casefold()
    for name, value in secrets.items():
        assert value.casefold() not in stored, name
    assert "canary" not in stored
    assert verify(app) == (len(trail), None)


def test_events_are_stored_in_utc(app, trail):
    for event in trail:
        assert event.at.tzinfo == UTC
        assert event.at.microsecond == 0
