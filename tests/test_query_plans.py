"""The hot reads use indexes: every statement they send is planned without a full table scan.

The statements are caught from real requests, then explained with their own parameters:
`EXPLAIN QUERY PLAN` on SQLite, `EXPLAIN` on PostgreSQL with sequential scans discouraged (its
planner would rightly scan tables this small, so the question asked is whether an index can
serve each query at all).
"""

import re

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Entry, TherapySession
from tests.helpers import statements_of
from tests.test_query_counts import _link, _sessions, _write  # one world builder for both

# The tables that grow with use; a scan of a small, bounded one (prompts) would not matter.
GROWING = (
    "users",
    "device_sessions",
    "entries",
    "shares",
    "links",
    "answers",
    "repairs",
    "search_segments",
    "checkins",
    "therapy_sessions",
    "packet_items",
)


def _caught(app, call) -> list[tuple[str, object]]:
    response, statements = statements_of(app, call)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return [
        (sql, params) for sql, params in statements if sql.lstrip().upper().startswith("SELECT")
    ]


def _full_scans(app, statement: str, parameters) -> list[str]:
    """The growing tables this statement would read in full."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            rows = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            plan = [row[-1] for row in rows]
            pattern = re.compile(r"^SCAN (\w+)")
        else:
            connection.exec_driver_sql("SET enable_seqscan = off")
            rows = connection.exec_driver_sql("EXPLAIN " + statement, parameters)
            plan = [row[0] for row in rows]
            pattern = re.compile(r"Seq Scan on (\w+)")
            connection.rollback()
    scans = [m.group(1) for line in plan if (m := pattern.search(line.strip()))]
    return [table for table in scans if table in GROWING]


@pytest.fixture
def world(app, make_user, api_as):
    """A therapist and a client linked, with shared entries and sessions; both signed in."""
    from datetime import timedelta

    from journal.models import utcnow

    client, therapist = make_user("client"), make_user("therapist")
    with app.app_context():
        link = _link(client, therapist)
        _write(client, link, 6, utcnow() - timedelta(days=3), extra=2)
        _sessions(link)
        db.session.commit()
        entry_id = db.session.scalar(select(Entry.id).where(Entry.author_id == client.id).limit(1))
        session_id = db.session.scalar(
            select(TherapySession.id).where(TherapySession.link_id == link.id).limit(1)
        )
    return {
        "client": api_as(client),
        "therapist": api_as(therapist),
        "client_id": client.id,
        "entry": entry_id,
        "session": session_id,
    }


HOT = [
    ("client", "/api/v1/entries/{entry}"),
    ("client", "/api/v1/entries?limit=20"),
    ("client", "/api/v1/entries?q=quiet"),
    ("client", "/journal"),
    ("therapist", "/therapist"),
    ("therapist", "/therapist/clients/{client_id}"),
    ("therapist", "/api/v1/clients/{client_id}/shared"),
    ("therapist", "/api/v1/sessions/{session}/packet"),
]


@pytest.mark.parametrize(("who", "path"), HOT)
def test_hot_reads_never_scan_a_growing_table(app, world, who, path):
    api, url = world[who], path.format(**world)
    api.get(url)  # the session's last-seen time and caches, as a browser would have them
    statements = _caught(app, lambda: api.get(url))
    assert statements
    for statement, parameters in statements:
        assert _full_scans(app, statement, parameters) == [], statement
