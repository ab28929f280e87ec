"""Each client's sealed search index: their entries' words by month, opened once, then cached.

Entries are sealed one by one, so searching them meant opening entries until a page filled:
linear in the journal, and a rare word opened all of it. Here the casefolded title, body and
tags of one month's entries live together in one ciphertext under the client's own data key
(the database learns nothing it doesn't already know from `entries.created_at`). A search
reads the segments' versions, opens only those it has not cached, and scans plain strings in
memory, so it matches exactly as before: any substring, in any language, accents as typed.

The cache lives in each worker's memory only, bounded in size and age, and is checked against
the segments' versions on every use, since other workers write too.
"""

import json
import threading
import time
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from journal.crypto import FieldCipher
from journal.extensions import db
from journal.models import Entry, SearchSegment, User, new_id, utcnow
from journal.services.keys import cipher_for_user

TABLE = "search_segments"
CACHE_SECONDS = 60  # how long a worker keeps a client's opened index at most
CACHE_CHARS = 48 * 1024 * 1024  # and how much text, across all clients, before the oldest goes
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_GAP = "\x00"  # between entries in a segment's joined text


@dataclass(frozen=True)
class Row:
    """One entry as search sees it."""

    micros: int  # created_at in microseconds since 1970, for newest-first order
    id: str
    kind: str
    text: str  # title, body and tags, casefolded
    tags: tuple[str, ...]  # casefolded

    @property
    def key(self) -> tuple[int, str]:
        return self.micros, self.id


@dataclass
class _Segment:
    version: int
    rows: list[Row]  # newest first
    joined: str = ""  # every row's text in one string, to skip a month with one find()
    starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.joined = _GAP.join(row.text for row in self.rows)
        position, self.starts = 0, []
        for row in self.rows:
            self.starts.append(position)
            position += len(row.text) + 1

    def holding(self, needle: str) -> set[int]:
        """Positions of the rows whose text may hold the needle (checked again by the caller)."""
        found, at = set(), self.joined.find(needle)
        while at != -1:
            found.add(bisect_right(self.starts, at) - 1)
            at = self.joined.find(needle, at + 1)
        return found


@dataclass
class _Opened:
    segments: dict[str, _Segment]
    expires: float
    chars: int


_cache: OrderedDict[str, _Opened] = OrderedDict()
_lock = threading.Lock()


def micros(moment: datetime) -> int:
    """A UTC moment as whole microseconds since 1970."""
    return (moment - _EPOCH) // timedelta(microseconds=1)


def _month(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m")


def make_row(entry_id: str, created_at: datetime, kind: str, title: str, body: str, tags) -> Row:
    """What search keeps of an entry: the same text the old scan matched against."""
    return Row(
        micros(created_at),
        entry_id,
        kind,
        "\n".join([title, body, *tags]).casefold(),
        tuple(tag.casefold() for tag in tags),
    )


def _seal(cipher: FieldCipher, segment_id: str, rows: list[Row]) -> bytes:
    # Not compressed: compression before sealing would let lengths hint at what repeats.
    payload = [[r.micros, r.id, r.kind, r.text, list(r.tags)] for r in rows]
    return cipher.seal(TABLE, segment_id, "rows", json.dumps(payload, ensure_ascii=False))


def _open(cipher: FieldCipher, segment_id: str, sealed: bytes) -> list[Row]:
    rows = json.loads(cipher.open(TABLE, segment_id, "rows", sealed))
    found = [Row(m, i, k, t, tuple(g)) for m, i, k, t, g in rows]
    return sorted(found, key=lambda row: row.key, reverse=True)


def _by_month(rows) -> dict[str, list[Row]]:
    months: dict[str, list[Row]] = {}
    for row in rows:
        moment = _EPOCH + timedelta(microseconds=row.micros)
        months.setdefault(_month(moment), []).append(row)
    return months


# Writing ------------------------------------------------------------------------------------


def _locked_segment(owner_id: str, month: str) -> SearchSegment:
    """The segment row of a month, made if missing, locked until commit.

    The insert skips a row that exists, so two first entries of a month written at once can't
    collide on the unique key (which the entry's own insert would take for a replayed id).
    """
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    db.session.execute(
        insert(SearchSegment.__table__)
        .values(
            id=new_id(), owner_id=owner_id, month=month, version=0, sealed=b"", updated_at=utcnow()
        )
        .on_conflict_do_nothing(index_elements=["owner_id", "month"])
    )
    return db.session.scalar(
        select(SearchSegment)
        .where(SearchSegment.owner_id == owner_id, SearchSegment.month == month)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _change(user: User, created_at: datetime, entry_id: str, row: Row | None) -> None:
    """Put or take out one entry's row in its month's segment, in the caller's transaction."""
    if user.search_indexed_at is None:
        db.session.flush()  # the rebuild reads the entries table: this change must be in it
        rebuild(user)  # an index from before this feature: make it whole now, this entry too
        return
    change_many(user, added=[(created_at, row)] if row else [], removed=[(created_at, entry_id)])


def change_many(user: User, *, added=(), removed=()) -> None:
    """Put rows in ((created_at, row) pairs; a row replaces the entry's old one) and take
    entries out ((created_at, id) pairs), opening and sealing each month's segment once, in the
    caller's transaction: an import of thousands of entries rewrites each month once."""
    fresh: dict[str, list[Row]] = {}
    gone: dict[str, set[str]] = {}
    for created_at, row in added:
        fresh.setdefault(_month(created_at), []).append(row)
    for created_at, entry_id in removed:
        gone.setdefault(_month(created_at), set()).add(entry_id)
    cipher = cipher_for_user(user)
    for month in sorted(set(fresh) | set(gone)):
        leaving = gone.get(month, set()) | {row.id for row in fresh.get(month, [])}
        segment = _locked_segment(user.id, month)
        rows = _open(cipher, segment.id, segment.sealed) if segment.sealed else []
        rows = [old for old in rows if old.id not in leaving] + fresh.get(month, [])
        segment.sealed = _seal(cipher, segment.id, rows)
        segment.version += 1
        segment.updated_at = utcnow()


def put(user: User, entry: Entry, title: str, body: str, tags: list[str]) -> None:
    """Index an entry that was written or edited (same transaction as the entry)."""
    row = make_row(entry.id, entry.created_at, entry.kind, title, body, tags)
    _change(user, entry.created_at, entry.id, row)


def drop(user: User, entry: Entry) -> None:
    """Take a deleted entry's words out of the index (same transaction as the delete)."""
    _change(user, entry.created_at, entry.id, None)


def _write_all(owner_id: str, cipher: FieldCipher, rows) -> None:
    db.session.execute(delete(SearchSegment).where(SearchSegment.owner_id == owner_id))
    values = []
    for month, found in _by_month(rows).items():
        segment_id = new_id()
        values.append(
            {
                "id": segment_id,
                "owner_id": owner_id,
                "month": month,
                "version": 1,
                "sealed": _seal(cipher, segment_id, found),
                "updated_at": utcnow(),
            }
        )
    if values:
        db.session.execute(SearchSegment.__table__.insert(), values)


def rebuild(user: User) -> int:
    """Make a client's index again from their entries; return how many it holds."""
    from journal.services import entries  # entries writes through this module

    cipher = cipher_for_user(user)
    rows = [
        make_row(view.id, view.created_at, view.kind, view.title, view.body, view.tags)
        for view in entries.opened(user)
    ]
    _write_all(user.id, cipher, rows)
    user.search_indexed_at = utcnow()
    return len(rows)


def rebuild_all(*, every: bool = False) -> int:
    """Rebuild the index of each client whose index isn't whole (or every client's); commit
    one client at a time; return how many were rebuilt."""
    query = select(User.id).where(User.role == "client", User.wrapped_key.is_not(None))
    if not every:
        query = query.where(User.search_indexed_at.is_(None))
    done = 0
    for user_id in db.session.scalars(query).all():
        rebuild(db.session.get(User, user_id))
        db.session.commit()
        done += 1
    return done


def build_from(owner_id: str, cipher: FieldCipher, entries) -> None:
    """Write a whole index from (id, created_at, kind, title, body, tags) (the bench seeder)."""
    _write_all(owner_id, cipher, [make_row(*entry) for entry in entries])
    db.session.execute(
        User.__table__.update().where(User.id == owner_id).values(search_indexed_at=utcnow())
    )


def forget(user_id: str) -> None:
    """Destroy a client's index (account deletion) and this worker's copy of it."""
    db.session.execute(delete(SearchSegment).where(SearchSegment.owner_id == user_id))
    with _lock:
        _cache.pop(user_id, None)


# Reading ------------------------------------------------------------------------------------


def _segments(user: User) -> list[_Segment]:
    """The client's segments, newest month first: cached ones whose version still holds, the
    rest opened now."""
    current = dict(
        db.session.execute(
            select(SearchSegment.month, SearchSegment.version).where(
                SearchSegment.owner_id == user.id
            )
        ).all()
    )
    now = time.monotonic()
    with _lock:
        opened = _cache.get(user.id)
        if opened is not None and opened.expires <= now:
            opened = None
        kept = {
            month: segment
            for month, segment in (opened.segments.items() if opened else ())
            if current.get(month) == segment.version
        }
    missing = [month for month in current if month not in kept]
    if missing:
        cipher = cipher_for_user(user)
        for segment_id, month, version, sealed in db.session.execute(
            select(
                SearchSegment.id, SearchSegment.month, SearchSegment.version, SearchSegment.sealed
            ).where(SearchSegment.owner_id == user.id, SearchSegment.month.in_(missing))
        ):
            kept[month] = _Segment(version, _open(cipher, segment_id, sealed) if sealed else [])
        _remember(user.id, kept, opened.expires if opened else now + CACHE_SECONDS)
    return [kept[month] for month in sorted(kept, reverse=True)]


def _remember(user_id: str, segments: dict[str, _Segment], expires: float) -> None:
    chars = sum(len(segment.joined) for segment in segments.values())
    with _lock:
        _cache.pop(user_id, None)
        if chars > CACHE_CHARS:
            return  # larger than the whole cache: opened for this search only
        _cache[user_id] = _Opened(segments, expires, chars)
        total = sum(opened.chars for opened in _cache.values())
        while total > CACHE_CHARS:
            _, oldest = _cache.popitem(last=False)
            total -= oldest.chars


def search(
    user: User, *, needle: str, tag: str, kind: str, after: tuple[int, str] | None, limit: int
) -> list[str] | None:
    """Ids of up to `limit` matching entries, newest first, older than `after` (micros, id);
    None when this account's index is not whole yet (the caller opens entries instead)."""
    if user.search_indexed_at is None:
        return None
    found: list[str] = []
    for segment in _segments(user):
        if not segment.rows or (after and segment.rows[-1].key >= after):
            continue  # the whole month was on earlier pages
        holding = segment.holding(needle) if needle else None
        if holding is not None and not holding:
            continue
        for position, row in enumerate(segment.rows):
            if after and row.key >= after:
                continue
            if kind and row.kind != kind:
                continue
            if tag and tag not in row.tags:
                continue
            if holding is not None and (position not in holding or needle not in row.text):
                continue
            found.append(row.id)
            if len(found) >= limit:
                return found
    return found
