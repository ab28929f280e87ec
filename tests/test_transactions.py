"""SQLite takes its write lock only where a request will write, and never during a slow hash."""

import logging
import sqlite3
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from journal import transactions
from journal.extensions import db
from journal.models import User
from journal.services import passwords
from tests.conftest import PASSWORD


@pytest.fixture
def sqlite_file(app):
    """The test database's file; these tests are about SQLite's own locking."""
    with app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("SQLite's locking (PostgreSQL locks rows, not the database)")
        return db.engine.url.database


def lock_is_free(path: str) -> bool:
    """Whether another connection could start writing right now, without waiting."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as error:
        assert "locked" in str(error)
        return False
    finally:
        other.close()


@pytest.mark.parametrize(("method", "free"), [("GET", True), ("HEAD", True), ("POST", False)])
def test_only_requests_that_change_things_take_the_lock(app, sqlite_file, make_user, method, free):
    make_user()
    with app.test_request_context("/", method=method):
        db.session.execute(select(User)).all()  # a transaction is open now
        assert lock_is_free(sqlite_file) is free
        db.session.rollback()


def test_outside_a_request_every_transaction_takes_the_lock(app, sqlite_file, make_user):
    make_user()
    with app.app_context():
        db.session.execute(select(User)).all()
        assert not lock_is_free(sqlite_file)
        db.session.rollback()


def test_a_get_that_will_write_says_so_and_then_holds_the_lock(app, sqlite_file, make_user):
    user = make_user()
    with app.test_request_context("/", method="GET"):
        found = db.session.get(User, user.id)
        transactions.will_write()
        transactions.will_write()  # saying it twice changes nothing
        found.display_name = "Renamed"
        db.session.flush()
        assert not lock_is_free(sqlite_file)
        db.session.commit()
    with app.app_context():
        assert db.session.get(User, user.id).display_name == "Renamed"


def test_after_its_write_a_get_reads_without_the_lock_again(app, sqlite_file, make_user):
    user = make_user()
    with app.test_request_context("/", method="GET"):
        transactions.will_write()
        db.session.get(User, user.id).display_name = "Renamed"
        db.session.commit()
        db.session.execute(select(User)).all()  # the rest of the page: a snapshot, no lock
        assert lock_is_free(sqlite_file)
        db.session.get(User, user.id).display_name = "Again"
        with pytest.raises(transactions.WriteInReadTransaction):
            db.session.commit()  # a second write must say so again
        db.session.rollback()


def test_a_get_that_writes_unannounced_is_caught(app, sqlite_file, make_user, caplog, monkeypatch):
    user = make_user()
    with app.test_request_context("/somewhere", method="GET"):
        db.session.get(User, user.id).display_name = "Sneaky"
        with pytest.raises(transactions.WriteInReadTransaction, match="GET /somewhere"):
            db.session.commit()
        db.session.rollback()
    monkeypatch.setattr(app, "testing", False)  # in production: said in the log, and let through
    with caplog.at_level(logging.WARNING), app.test_request_context("/there", method="GET"):
        db.session.get(User, user.id).display_name = "Logged"
        db.session.commit()
    assert "GET /there wrote without will_write()" in caplog.text


def test_the_lock_is_let_go_before_slow_work_only_when_nothing_was_written(
    app, sqlite_file, make_user
):
    user = make_user()
    with app.test_request_context("/", method="POST"):
        found = db.session.get(User, user.id)
        assert not lock_is_free(sqlite_file)
        transactions.release_write_lock()
        assert lock_is_free(sqlite_file)
        found.display_name = "Pending"  # a change not yet sent: the lock must stay
        db.session.get(User, user.id)
        transactions.release_write_lock()
        db.session.flush()
        transactions.release_write_lock()  # sent but not committed: it stays too
        assert not lock_is_free(sqlite_file)
        db.session.rollback()


def test_signing_in_holds_no_lock_while_the_password_is_checked(
    app, sqlite_file, api, make_user, monkeypatch
):
    user = make_user()
    seen = []
    real = passwords._verify

    def verify(hasher, stored, given):
        seen.append(lock_is_free(sqlite_file))
        return real(hasher, stored, given)

    monkeypatch.setattr(passwords, "_verify", verify)
    assert api.login(user.email, PASSWORD).status_code == 200
    assert api.login("nobody@example.com", PASSWORD).status_code == 401
    assert seen == [True, True]


def hold_lock(path: str, seconds: float) -> threading.Thread:
    """Another connection takes the write lock now and lets it go after a while."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")

    def release():
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=release)
    thread.start()
    return thread


def test_a_writer_waits_for_the_lock_and_takes_it_once_free(app, sqlite_file, make_user):
    make_user()
    thread = hold_lock(sqlite_file, 0.2)
    with app.test_request_context("/", method="POST"):
        started = time.monotonic()
        db.session.execute(select(User)).all()  # begins IMMEDIATE: waits for the other
        assert time.monotonic() - started >= 0.15
        db.session.rollback()
    thread.join()


def test_a_writer_gives_up_after_the_wait_with_database_locked(
    app, sqlite_file, make_user, monkeypatch
):
    make_user()
    monkeypatch.setattr(transactions, "LOCK_WAIT_MS", 50)
    thread = hold_lock(sqlite_file, 0.5)
    with app.test_request_context("/", method="POST"):
        with pytest.raises(OperationalError, match="locked"):
            db.session.execute(select(User)).all()
        db.session.rollback()
    thread.join()
