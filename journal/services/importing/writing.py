"""Writing what was read, a batch per transaction: entries sealed like any other, their words
in the search index, and a record of each under a keyed digest of where it came from, so a
second run (or the rest of one the server stopped) makes nothing twice."""

import hashlib
import hmac
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import select

from journal.extensions import db
from journal.models import Checkin, Entry, ImportRecord, User, new_id
from journal.services import entries, search_index
from journal.services.importing import alliance, items
from journal.services.keys import cipher_for_user

BATCH = 200  # entries and check-ins per transaction: a stopped import loses at most this much
CHECKINS_TABLE = "checkins"


def match_key(user: User) -> bytes:
    """The client's own key for matching imports, derived from their data key (HKDF): digests
    made with it say nothing to anyone without that key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"import-match").derive(
        cipher_for_user(user).key
    )


def source_key(secret: bytes, source: str, identity: str) -> str:
    """The keyed digest (HMAC-SHA256, hex) that names one thing from one source."""
    message = f"{source}\x00{identity}".encode("utf-8", "surrogatepass")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


@dataclass
class Tally:
    """What batches made and passed over."""

    created: int = 0
    skipped: int = 0
    checkins_created: int = 0
    checkins_skipped: int = 0
    index_whole: bool = True

    def add(self, other: "Tally") -> None:
        """Count a committed batch in."""
        self.created += other.created
        self.skipped += other.skipped
        self.checkins_created += other.checkins_created
        self.checkins_skipped += other.checkins_skipped
        self.index_whole = self.index_whole and other.index_whole


def batches(things: list) -> list[list]:
    """The things to write, oldest first (so a batch's index writes touch few months), in
    batches."""
    ordered = sorted(things, key=lambda thing: thing.created_at)
    return [ordered[at : at + BATCH] for at in range(0, len(ordered), BATCH)]


def known_keys(user: User, among: set[str] | None = None) -> set[str]:
    """The source keys already recorded for the client: all of them (one query before the
    batches, cheaper than one a batch while the table's statistics lag behind), or those
    among some."""
    query = select(ImportRecord.source_key).where(ImportRecord.user_id == user.id)
    if among is not None:
        query = query.where(ImportRecord.source_key.in_(among))
    return set(db.session.scalars(query))


def write_batch(
    user: User, import_id: str, source: str, secret: bytes, batch: list, known: set[str]
) -> tuple[Tally, set[str]]:
    """Write one batch in the caller's transaction, passing over (counted skipped) things whose
    key is known or that are already the client's own; return its tally and the keys it
    recorded. A key recorded since `known` was read (by another import) fails the insert."""
    _lock(user.id)
    own = _already_own(user, batch) if source == "alliance" else set()
    cipher = cipher_for_user(user)
    tally, recorded = Tally(), set()
    rows: dict[str, list] = {"entries": [], "checkins": [], "records": [], "index": []}
    for thing in batch:
        key = source_key(secret, source, thing.identity)
        is_checkin = isinstance(thing, items.Checkin)
        if key in known or key in recorded or thing.identity in own:
            if is_checkin:
                tally.checkins_skipped += 1
            else:
                tally.skipped += len(thing.parts)
            continue
        recorded.add(key)
        if is_checkin:
            _checkin(user, import_id, key, thing, cipher, rows)
            tally.checkins_created += 1
        else:
            _entry(user, import_id, key, thing, cipher, rows)
            tally.created += len(thing.parts)
    for table, name in ((Entry, "entries"), (Checkin, "checkins"), (ImportRecord, "records")):
        if rows[name]:
            db.session.execute(table.__table__.insert(), rows[name])
    if user.search_indexed_at is not None:
        reindex(user, added=rows["index"])
    else:
        tally.index_whole = False  # an index from before it existed: built whole at the end
    return tally, recorded


def _lock(user_id: str) -> None:
    """One batch of one client's imports at a time (PostgreSQL; SQLite's write lock does it)."""
    db.session.execute(select(User.id).where(User.id == user_id).with_for_update())


def _already_own(user: User, batch: list) -> set[str]:
    """Ids in our own export that are already this client's (their own export, brought back
    into the same account): those are passed over, not copied."""
    entry_ids = [t.identity for t in batch if isinstance(t, items.Entry)]
    checkin_ids = [
        t.identity.removeprefix(alliance.CHECKIN_PREFIX)
        for t in batch
        if isinstance(t, items.Checkin)
    ]
    found = set(
        db.session.scalars(
            select(Entry.id).where(
                Entry.id.in_(entry_ids), Entry.author_id == user.id, Entry.deleted_at.is_(None)
            )
        )
    )
    found |= {
        alliance.CHECKIN_PREFIX + checkin_id
        for checkin_id in db.session.scalars(
            select(Checkin.id).where(Checkin.id.in_(checkin_ids), Checkin.client_id == user.id)
        )
    }
    return found


def _entry(user: User, import_id: str, key: str, thing: items.Entry, cipher, rows: dict) -> None:
    tags = json.dumps(thing.tags, ensure_ascii=False)
    for part, (title, body) in enumerate(thing.parts, 1):
        entry_id = new_id()
        rows["entries"].append(
            {
                "id": entry_id,
                "author_id": user.id,
                "kind": thing.kind,
                # Sealed as entries.create seals them: same table, row, column and owner.
                "title_sealed": cipher.seal(entries.TABLE, entry_id, "title", title),
                "body_sealed": cipher.seal(entries.TABLE, entry_id, "body", body),
                "tags_sealed": cipher.seal(entries.TABLE, entry_id, "tags", tags),
                "details_sealed": (
                    cipher.seal(entries.TABLE, entry_id, "details", json.dumps(thing.details))
                    if thing.details and part == 1
                    else None
                ),
                "prompt_id": thing.prompt_id,
                "session_id": None,
                "created_at": thing.created_at,
                "updated_at": thing.created_at,
                "version": 1,
                "deleted_at": None,
            }
        )
        rows["records"].append(_record(user, import_id, key, part, entry_id=entry_id))
        row = search_index.make_row(entry_id, thing.created_at, thing.kind, title, body, thing.tags)
        rows["index"].append((thing.created_at, row))


def _checkin(user: User, import_id: str, key: str, thing: items.Checkin, cipher, rows) -> None:
    checkin_id = new_id()
    note = cipher.seal(CHECKINS_TABLE, checkin_id, "note", thing.note) if thing.note else None
    rows["checkins"].append(
        {
            "id": checkin_id,
            "client_id": user.id,
            "link_id": None,  # the client's own: no therapist, nothing shared
            "goal_id": None,
            **thing.scales,
            "note_sealed": note,
            "shared": False,
            "created_at": thing.created_at,
        }
    )
    rows["records"].append(_record(user, import_id, key, 1, checkin_id=checkin_id))


def _record(user: User, import_id: str, key: str, part: int, **made) -> dict:
    return {
        "id": new_id(),
        "user_id": user.id,
        "import_id": import_id,
        "entry_id": made.get("entry_id"),
        "checkin_id": made.get("checkin_id"),
        "source_key": key,
        "part": part,
    }


def reindex(user: User, *, added: list | None = None, removed: list | None = None) -> None:
    """Put many entries' rows into the sealed index, or take entries out, each month once."""
    search_index.change_many(user, added=added or (), removed=removed or ())
