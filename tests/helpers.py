"""Assertions and database helpers shared by the test modules."""

import time
from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import event, func, select, update

from journal.extensions import db
from journal.models import DeviceSession, Entry, User
from journal.services import search_index, twofactor


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
        # Moved behind the app's back, so the sealed search index is rebuilt, as the command does.
        authors = db.session.scalars(
            select(Entry.author_id).where(Entry.id.in_(ids_oldest_first)).distinct()
        )
        for author_id in authors.all():
            search_index.rebuild(db.session.get(User, author_id))
        db.session.commit()


def totp_code(app, user) -> str:
    """A code the server has not taken yet for this user: the oldest unused step in its window."""
    if 30 - twofactor.utcnow().timestamp() % 30 < 1:
        time.sleep(1)  # a step is about to end; let it, so the server and the test agree on "now"
    with app.app_context():
        last = db.session.get(User, user.id).totp_last_step
    totp = pyotp.TOTP(user.totp_secret)
    now = totp.timecode(twofactor.utcnow())
    unused = [step for step in (now - 1, now, now + 1) if step > last]
    assert unused, "three sign-ins of one account inside one 30-second step"
    return totp.generate_otp(unused[0])


def age_password(app, user, minutes=6) -> None:
    """Move the user's last password confirmation back past the five-minute window."""
    with app.app_context():
        for device in db.session.scalars(
            select(DeviceSession).where(DeviceSession.user_id == user.id)
        ):
            device.authenticated_at -= timedelta(minutes=minutes)
        db.session.commit()


def statements_of(app, call):
    """Run call() and catch the SQL it sends: (response, [(statement, parameters), ...])."""
    caught = []

    def keep(_conn, _cursor, statement, parameters, *_args):
        caught.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", keep)
    return response, caught
