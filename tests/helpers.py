"""Assertions and database helpers shared by the test modules."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from journal.extensions import db
from journal.models import Entry


def assert_error(response, status, code, fields=None, extra=()):
    """Check the one error shape exactly; return the error object."""
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str) and error["message"]
    assert set(error) == {"code", "message", *extra} | ({"fields"} if fields else set())
    if fields:
        assert set(error["fields"]) == set(fields)
        assert all(error["fields"][name] for name in fields)
    return error


def count_entries(app) -> int:
    """How many entry rows exist, tombstones included."""
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Entry))


def age(app, ids_oldest_first, start=datetime(2024, 1, 1, tzinfo=UTC), step=timedelta(minutes=1)):
    """Give entries distinct creation times, oldest first, so ordering is deterministic."""
    with app.app_context():
        for n, entry_id in enumerate(ids_oldest_first):
            stamp = start + step * n
            db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=stamp))
        db.session.commit()
