"""Record and verify the hash-chained audit trail."""

import hashlib
import json

from sqlalchemy import select, text

from journal.extensions import db
from journal.models import AuditEvent, utcnow
from journal.transactions import will_write

GENESIS = "0" * 64
# Any constant: PostgreSQL serialises chain appends on this advisory lock.
_CHAIN_LOCK = 7_171_771


def _digest(event: AuditEvent) -> str:
    fields = [
        event.at.isoformat(),
        event.action,
        event.outcome,
        event.actor_id,
        event.owner_id,
        event.entry_id,
        event.prev_hash,
    ]
    return hashlib.sha256(json.dumps(fields).encode()).hexdigest()


def record(action: str, *, actor_id=None, owner_id=None, entry_id=None, outcome="ok") -> None:
    """Append an event to the trail in the caller's transaction (the caller commits)."""
    will_write()  # a GET that reads something worth a line in the trail writes too
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _CHAIN_LOCK})
    prev = db.session.scalar(select(AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1))
    event = AuditEvent(
        at=utcnow().replace(microsecond=0),
        action=action,
        outcome=outcome,
        actor_id=actor_id,
        owner_id=owner_id,
        entry_id=entry_id,
        prev_hash=prev or GENESIS,
    )
    event.hash = _digest(event)
    db.session.add(event)
    db.session.flush()


def record_now(action: str, **kwargs) -> None:
    """Append an event in a transaction of its own (for failures that save nothing else)."""
    record(action, **kwargs)
    db.session.commit()


def verify_chain() -> tuple[int, int | None]:
    """Walk the trail; return (events checked, seq of the first broken link or None)."""
    prev, count = GENESIS, 0
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        if event.prev_hash != prev or _digest(event) != event.hash:
            return count, event.seq
        prev, count = event.hash, count + 1
    return count, None
