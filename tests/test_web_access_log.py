"""The client's access log page: who read what, newest first."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import AuditEvent, utcnow
from journal.services import checkins, entries, packets
from tests.test_web_links import _user, link_up, pair, read, schedule, share, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests


def spread_out(app):
    """Give the audit events distinct times, in the order they were written."""
    with app.app_context():
        events = db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all()
        for n, seq in enumerate(events):
            stamp = (utcnow() - timedelta(hours=len(events) - n)).replace(microsecond=0)
            db.session.execute(update(AuditEvent).where(AuditEvent.seq == seq).values(at=stamp))
        db.session.commit()


def test_empty_state(api_as):
    response = api_as("client").client.get("/access-log")
    assert response.status_code == 200
    text = text_of(response)
    assert "Who read what" in text and "Nobody has read anything yet" in text


def test_lists_reads_of_entries_and_packets_newest_first(app, pair, make_entry):
    client, therapist = pair.client.user, pair.therapist.user
    first = make_entry(client, "One", title="First entry")
    second = make_entry(client, "Two", title="")
    for entry in (first, second):
        share(app, client, entry.id, therapist)
    read(app, therapist, client, first.id)
    read(app, therapist, client, second.id)
    session_id = schedule(app, client, pair.link_id)
    with app.app_context():
        packets.digest(_user(therapist), session_id)
    spread_out(app)
    text = text_of(pair.client.client.get("/access-log?view=every"))
    rows = re.findall(r'<li class="plain access-line">(.*?)</li>', text, re.S)
    assert len(rows) == 3
    assert "looked at your session packet" in rows[0]
    assert f'read <a href="/journal/{second.id}">Untitled</a>' in rows[1]
    assert f'read <a href="/journal/{first.id}">First entry</a>' in rows[2]
    assert all("Dr Lee" in row and " UTC</time>" in row for row in rows)


def test_a_deleted_entry_is_named_as_such(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Soon gone", title="Soon gone")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    read(app, pair.therapist.user, pair.client.user, entry.id)
    with app.app_context():
        entries.delete(_user(pair.client.user), entry.id)
    text = text_of(pair.client.client.get("/access-log"))
    assert "read an entry you've since deleted" in text and "Soon gone" not in text


def test_own_reads_and_other_clients_reads_are_not_listed(app, pair, api_as, make_entry):
    other = api_as("client")
    link_up(app, other.user, pair.therapist.user)
    theirs = make_entry(other.user, "Theirs", title="Their entry")
    share(app, other.user, theirs.id, pair.therapist.user)
    read(app, pair.therapist.user, other.user, theirs.id)
    mine = make_entry(pair.client.user, "Mine", title="My entry")
    pair.client.client.get(f"/journal/{mine.id}")
    text = text_of(pair.client.client.get("/access-log"))
    assert "Nobody has read anything yet" in text and "Their entry" not in text


def test_older_reads_are_a_page_away(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Read often", title="Popular")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    for _ in range(3):
        read(app, pair.therapist.user, pair.client.user, entry.id)
    spread_out(app)
    query = {"limit": 2, "view": "every"}
    first = text_of(pair.client.client.get("/access-log", query_string=query))
    assert first.count('<li class="plain access-line">') == 2
    link = re.search(r'href="([^"]+)">Older</a>', first)
    assert link
    rest = text_of(pair.client.client.get(link[1].replace("&amp;", "&")))
    assert rest.count('<li class="plain access-line">') == 1 and "Older</a>" not in rest


@pytest.mark.parametrize(
    ("query", "message"), [({"cursor": "nope"}, "not valid"), ({"limit": "0"}, "")]
)
def test_bad_paging_is_422(api_as, query, message):
    response = api_as("client").client.get("/access-log", query_string=query)
    assert response.status_code == 422 and 'class="field-error"' in text_of(response)
    assert message in text_of(response)


def test_for_signed_in_clients_only(api, api_as):
    assert api_as("therapist").client.get("/access-log").status_code == 403
    response = api.client.get("/access-log")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/access-log"


def test_a_look_at_shared_check_ins_is_named_as_such(app, pair):
    """A therapist reading shared check-ins shows as that, not as a deleted entry."""
    with app.app_context():
        client, therapist = _user(pair.client.user), _user(pair.therapist.user)
        checkins.create(
            client,
            {
                "therapist_id": therapist.id,
                "bond": 7,
                "goals": 7,
                "approach": 7,
                "overall": 7,
                "note": "",
                "shared": True,
            },
        )
        checkins.shared_with(therapist, client.id)
    text = text_of(pair.client.client.get("/access-log"))
    assert "looked at the check-ins you shared" in text and "since deleted" not in text
