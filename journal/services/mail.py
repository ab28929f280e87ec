"""The outbox: mail is queued in the transaction that decides to send it, and leaves after the
response (or by `flask send-mail`); mail that cannot leave is kept and tried again later.

A body is sealed under a key of its own (wrapped by the master key) and wiped once sent.
"""

import os
from datetime import timedelta

from flask import after_this_request, has_request_context
from sqlalchemy import select

from journal.crypto import FieldCipher
from journal.extensions import db
from journal.mailer import mailer
from journal.models import OutgoingMail, new_id, utcnow
from journal.services.keys import keyring

TABLE = OutgoingMail.__tablename__
MAX_WAIT = timedelta(hours=6)


def _cipher(row: OutgoingMail, key: bytes) -> FieldCipher:
    return FieldCipher(key, row.id)


def queue(to: str, subject: str, body: str) -> None:
    """Put a mail in the outbox (the caller commits); it leaves soon after the response."""
    row = OutgoingMail(id=new_id(), to_address=to, subject=subject, next_try_at=utcnow())
    key, (row.wrapped_key, row.key_version) = _new_key(row.id)
    row.body_sealed = _cipher(row, key).seal(TABLE, row.id, "body", body)
    db.session.add(row)
    if has_request_context():

        @after_this_request
        def _send_soon(response):
            mailer().wake()
            return response


def _new_key(mail_id: str) -> tuple[bytes, tuple[bytes, int]]:
    """A fresh key for one mail's body, and that key wrapped by the master key."""
    key = os.urandom(32)
    return key, (keyring().wrap(key, mail_id), keyring().current_version)


def drain(limit: int = 50) -> tuple[int, int]:
    """Send what is due, oldest first; return (sent, kept for later)."""
    now = utcnow()
    rows = db.session.scalars(
        select(OutgoingMail)
        .where(OutgoingMail.sent_at.is_(None), OutgoingMail.next_try_at <= now)
        .order_by(OutgoingMail.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # two workers never send the same mail
    ).all()
    sent = kept = 0
    for row in rows:
        key = keyring().unwrap(row.wrapped_key, row.key_version, row.id)
        body = _cipher(row, key).open(TABLE, row.id, "body", row.body_sealed)
        try:
            mailer().deliver(row.to_address, row.subject, body)
        except Exception as error:  # any transport failure: keep it and try again later
            row.attempts += 1
            row.last_error = type(error).__name__[:200]
            row.next_try_at = utcnow() + min(MAX_WAIT, timedelta(minutes=2**row.attempts))
            kept += 1
        else:
            row.sent_at = utcnow()
            row.body_sealed = row.wrapped_key = None  # the link inside has no business staying
            sent += 1
    db.session.commit()
    return sent, kept
