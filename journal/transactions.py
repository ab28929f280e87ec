"""SQLite transactions that take the write lock only when they are going to write.

SQLite lets one connection write at a time. A transaction that reads and then writes has to take
the write lock when it begins (BEGIN IMMEDIATE): taking it later fails at once if another
connection committed in between. Taking it for every request, though, made every read wait for
every other request, sign-ins (and their slow hash) included. So requests that change things
(POST, PUT, PATCH, DELETE), commands and work outside a request begin IMMEDIATE, and GET and HEAD
begin DEFERRED: they read from a snapshot in WAL mode and never wait. A GET that must write (a
session's last-seen time, a therapist's read marks) says so first with `will_write()`, which ends
its read transaction so that the next one begins IMMEDIATE. PostgreSQL needs none of this.
"""

import logging
import re
import time

from flask import current_app, g, has_request_context, request
from sqlalchemy.exc import OperationalError

from journal.extensions import db

log = logging.getLogger(__name__)
READS = frozenset({"GET", "HEAD", "OPTIONS"})
LOCK_WAIT_MS = 15_000  # how long anything waits for SQLite's lock before giving up
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class WriteInReadTransaction(RuntimeError):
    """A GET wrote without calling will_write() first (a bug: under load it would fail)."""


def _writes_expected() -> bool:
    if not has_request_context() or g.get("will_write"):
        return True
    return request.method not in READS


def _in_read_transaction(session) -> bool:
    return (
        session.in_transaction()
        and session.get_bind().dialect.name == "sqlite"
        and session.connection().info.get("reads_only", False)
    )


def begin(connection) -> None:
    """Begin a SQLite transaction: IMMEDIATE where it may write, DEFERRED for a request's reads."""
    reads_only = not _writes_expected()
    connection.info.update(reads_only=reads_only, wrote=False)
    if reads_only:
        connection.exec_driver_sql("BEGIN")
    else:
        _take_write_lock(connection)


def _take_write_lock(connection) -> None:
    """BEGIN IMMEDIATE, tried again every half millisecond for up to LOCK_WAIT_MS. SQLite's own
    busy handler sleeps 1, 2, 5, 10 and up to 100 ms between tries, so the lock sat idle for
    most of each wait, long after the other worker had let it go."""
    connection.exec_driver_sql("PRAGMA busy_timeout = 0")
    deadline = time.monotonic() + LOCK_WAIT_MS / 1000
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except OperationalError as error:
                if "locked" not in str(error.orig) or time.monotonic() > deadline:
                    raise
                time.sleep(0.0005)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {LOCK_WAIT_MS}")


def watch_writes(connection, _cursor, statement, *_args) -> None:
    """Note that this transaction wrote; catch a write inside a read transaction (an error in
    tests, a warning in production)."""
    if not _WRITE.match(statement):
        return
    connection.info["wrote"] = True
    if connection.info.get("reads_only"):
        message = f"{request.method} {request.path} wrote without will_write()"
        if current_app.testing:
            raise WriteInReadTransaction(message)
        log.warning(message)


def after_commit(_connection) -> None:
    """A GET's write is done: its next transaction reads from a snapshot again, without the
    lock, until the next will_write(). A write that forgot to say so is still caught above."""
    if has_request_context() and request.method in READS:
        g.pop("will_write", None)


def release_write_lock() -> None:
    """Before slow work (a password hash), end a SQLite transaction that hasn't written yet, so
    no other request waits on its lock; the next query begins a new one."""
    session = db.session()
    if session.new or session.dirty or session.deleted or not session.in_transaction():
        return
    if session.get_bind().dialect.name == "sqlite" and not session.connection().info.get("wrote"):
        session.commit()


def will_write() -> None:
    """Say this request is about to write; call it before changing anything. On SQLite, a GET's
    read transaction ends here so that the next one begins with the write lock."""
    if not has_request_context() or g.get("will_write"):
        return
    session = db.session()
    if _in_read_transaction(session):
        session.commit()  # nothing is pending yet; this only ends the snapshot
    g.will_write = True
