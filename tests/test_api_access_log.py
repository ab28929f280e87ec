"""The client's access log: every read of their words by someone else, newest first."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import AuditEvent, utcnow
from tests.helpers import assert_error

API = "/api/v1"
LOG = f"{API}/access-log"


@pytest.fixture
def pair(api_as):
    """A client linked to a therapist."""
    therapist, client = api_as("therapist"), api_as("client")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    client.link = client.post(f"{API}/links", {"code": code}).get_json()
    client.therapist = therapist
    return client


def shared(pair, make_entry, body="Words to read"):
    entry = make_entry(pair.user, body, title="Read me")
    response = pair.put(f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}")
    assert response.status_code == 201
    return entry


def read(pair, entry_id):
    response = pair.therapist.get(f"{API}/clients/{pair.user.id}/shared/{entry_id}")
    assert response.status_code == 200
    return response.get_json()


def test_the_therapists_read_is_logged_with_name_and_role(pair, make_entry):
    entry = shared(pair, make_entry)
    opened = read(pair, entry.id)
    response = pair.get(LOG)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    page = response.get_json()
    assert page["next_cursor"] is None
    [event] = page["items"]
    assert set(event) == {"at", "action", "actor", "entry_id"}
    assert event["actor"] == {
        "id": pair.therapist.user.id,
        "display_name": pair.therapist.user.display_name,
        "role": "therapist",
    }
    assert (event["action"], event["entry_id"]) == ("read_entry", entry.id)
    moment = datetime.fromisoformat(event["at"])
    assert abs(moment - datetime.fromisoformat(opened["read_at"])) < timedelta(seconds=2)
    assert "Words to read" not in response.get_data(as_text=True)


def test_every_read_is_logged_not_only_the_first(pair, make_entry):
    entry = shared(pair, make_entry)
    for _ in range(3):
        read(pair, entry.id)
    assert len(pair.get(LOG).get_json()["items"]) == 3


def test_the_clients_own_reads_and_shares_are_not_in_it(pair, make_entry):
    entry = shared(pair, make_entry)
    assert pair.get(f"{API}/entries/{entry.id}").status_code == 200
    assert pair.get(f"{API}/entries").status_code == 200
    pair.delete(f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}")
    assert pair.get(LOG).get_json()["items"] == []


def test_newest_first_and_paged(app, pair, make_entry):
    entries = [shared(pair, make_entry, f"Entry {n}") for n in range(5)]
    for entry in entries:
        read(pair, entry.id)
    with app.app_context():  # distinct moments, oldest first, so the order is the clock's
        reads = select(AuditEvent.seq).where(AuditEvent.action == "read_entry")
        for n, seq in enumerate(db.session.scalars(reads.order_by(AuditEvent.seq))):
            db.session.execute(
                update(AuditEvent)
                .where(AuditEvent.seq == seq)
                .values(at=utcnow() - timedelta(minutes=10 - n))
            )
        db.session.commit()
    seen, cursor = [], None
    while True:
        page = pair.get(LOG + "?limit=2" + (f"&cursor={cursor}" if cursor else "")).get_json()
        assert len(page["items"]) <= 2
        seen += [e["entry_id"] for e in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [e.id for e in reversed(entries)]


@pytest.mark.parametrize(("query", "field"), [("?limit=0", "limit"), ("?cursor=%%", "cursor")])
def test_bad_paging_is_422(pair, query, field):
    assert_error(pair.get(LOG + query), 422, "validation_failed", [field])


def test_another_clients_log_is_their_own(api_as, pair, make_entry):
    read(pair, shared(pair, make_entry).id)
    assert api_as("client").get(LOG).get_json()["items"] == []


def test_therapists_get_403_and_signed_out_401(api, pair):
    assert_error(pair.therapist.get(LOG), 403, "wrong_role")
    assert_error(api.get(LOG), 401, "not_signed_in")
