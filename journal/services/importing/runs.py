"""Imports as a client sees them: run one, list them, open one's report, undo one."""

import json
from dataclasses import dataclass, field, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from journal.errors import not_found
from journal.extensions import db
from journal.models import (
    Answer,
    Checkin,
    Entry,
    Import,
    ImportRecord,
    PacketItem,
    Repair,
    Share,
    User,
    utcnow,
)
from journal.services import audit, search_index
from journal.services.importing import writing
from journal.services.importing.sources import read_upload
from journal.services.importing.upload import Upload, display_name
from journal.services.keys import cipher_for_user
from journal.services.pagination import Page, after_cursor, encode_cursor

TABLE = "imports"
CHUNK = 500  # ids per IN (...) list


@dataclass
class ImportView:
    """An import and its report, opened for the client who ran it."""

    id: str
    source: str
    file: str
    created: int
    skipped: int
    checkins_created: int
    checkins_skipped: int
    failed: list[dict]
    left_out: dict[str, int]
    tags_not_kept: list[dict]
    notes: list[str]
    created_at: datetime
    finished_at: datetime | None
    undone_at: datetime | None


@dataclass
class UndoView:
    """What undoing an import removed, and which of its entries stayed (edited or shared)."""

    removed: int
    checkins_removed: int
    kept: list[str] = field(default_factory=list)


def start(user: User, upload: Upload, source: str | None) -> ImportView:
    """Bring a file's entries (and our own export's check-ins) into the client's journal: read
    it all first (a file we can't read writes nothing), then write it a batch at a time."""
    zone, secret = ZoneInfo(user.time_zone), writing.match_key(user)
    # End the request's transaction (on SQLite, its write lock) before the slow reading.
    db.session.commit()
    reading = read_upload(upload, source, zone, current_app.config["MAX_IMPORT_BYTES"])
    run = Import(user_id=user.id, source=reading.source, report_sealed=b"")
    db.session.add(run)
    db.session.flush()
    report = {
        "file": display_name(upload.name, ""),
        "failed": reading.failed,
        "left_out": dict(reading.left_out),
        "tags_not_kept": [{"tag": t, "reason": r} for t, r in reading.tags_not_kept.items()],
        "notes": reading.notes,
    }
    run.report_sealed = cipher_for_user(user).seal(TABLE, run.id, "report", json.dumps(report))
    audit.record("import", actor_id=user.id, owner_id=user.id)
    db.session.commit()  # the report first: a stopped import still shows what it did
    tally, known = writing.Tally(), writing.known_keys(user)
    for batch in writing.batches(reading.entries + reading.checkins):
        _write(user, run, secret, batch, known, tally)
    if not tally.index_whole:
        search_index.rebuild(user)
    run.finished_at = utcnow()
    db.session.commit()
    current_app.logger.info(
        "import %s: %d entries made, %d skipped", run.id, run.created, run.skipped
    )
    return _view(run, cipher_for_user(user))


def _write(user: User, run: Import, secret: bytes, batch: list, known: set, tally) -> None:
    """Write and commit one batch. If another import of the same file recorded some of it
    since this one began, the insert fails: learn those keys, and write the batch again."""
    for attempt in (1, 2):
        try:
            done, recorded = writing.write_batch(user, run.id, run.source, secret, batch, known)
            total = replace(tally)
            total.add(done)
            run.created, run.skipped = total.created, total.skipped
            run.checkins_created = total.checkins_created
            run.checkins_skipped = total.checkins_skipped
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            if attempt == 2:
                raise
            keys = {writing.source_key(secret, run.source, thing.identity) for thing in batch}
            known |= writing.known_keys(user, keys)
        else:
            tally.add(done)
            known |= recorded
            return


def _view(run: Import, cipher) -> ImportView:
    report = json.loads(cipher.open(TABLE, run.id, "report", run.report_sealed))
    return ImportView(
        id=run.id,
        source=run.source,
        file=report.get("file") or "",
        created=run.created,
        skipped=run.skipped,
        checkins_created=run.checkins_created,
        checkins_skipped=run.checkins_skipped,
        failed=report.get("failed", []),
        left_out=report.get("left_out", {}),
        tags_not_kept=report.get("tags_not_kept", []),
        notes=report.get("notes", []),
        created_at=run.created_at,
        finished_at=run.finished_at,
        undone_at=run.undone_at,
    )


def list_imports(user: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The client's imports, newest first."""
    runs = db.session.scalars(
        select(Import)
        .where(Import.user_id == user.id, after_cursor(Import.created_at, Import.id, cursor))
        .order_by(Import.created_at.desc(), Import.id.desc())
        .limit(limit + 1)
    ).all()
    cipher = cipher_for_user(user)
    items = [_view(run, cipher) for run in runs[:limit]]
    more = len(runs) > limit
    return Page(items, encode_cursor(items[-1].created_at, items[-1].id) if more else None)


def _own(user: User, import_id: str, *, for_update: bool = False) -> Import:
    query = select(Import).where(Import.id == import_id, Import.user_id == user.id)
    run = db.session.scalar(query.with_for_update() if for_update else query)
    if run is None:
        raise not_found()
    return run


def get(user: User, import_id: str) -> ImportView:
    """One of the client's imports, with its report."""
    return _view(_own(user, import_id), cipher_for_user(user))


def remaining(user: User, import_id: str) -> list[str]:
    """Ids of the entries an import made that are still in the journal, oldest first."""
    run = _own(user, import_id)
    return list(
        db.session.scalars(
            select(Entry.id)
            .join(ImportRecord, ImportRecord.entry_id == Entry.id)
            .where(ImportRecord.import_id == run.id, Entry.deleted_at.is_(None))
            .order_by(Entry.created_at, ImportRecord.part)
        )
    )


def undo(user: User, import_id: str) -> UndoView:
    """Take out what an import made, except entries edited or shared since, which stay (and
    are listed). Undoing again takes out nothing more."""
    run = _own(user, import_id, for_update=True)
    records = db.session.execute(
        select(ImportRecord.entry_id, ImportRecord.checkin_id).where(
            ImportRecord.import_id == run.id
        )
    ).all()
    entry_ids = [r.entry_id for r in records if r.entry_id]
    checkin_ids = [r.checkin_id for r in records if r.checkin_id]
    live = {}
    for ids in _chunks(entry_ids):
        live.update(
            (row.id, row)
            for row in db.session.execute(
                select(Entry.id, Entry.created_at, Entry.version).where(
                    Entry.id.in_(ids), Entry.author_id == user.id, Entry.deleted_at.is_(None)
                )
            )
        )
    kept = _touched(list(live)) | {i for i, row in live.items() if row.version > 1}
    leaving = [live[i] for i in live if i not in kept]
    _remove_entries(user, leaving)
    gone = [i for i in entry_ids if i not in kept]  # removed now, or deleted by hand before
    for ids in _chunks(gone):
        db.session.execute(
            delete(ImportRecord).where(
                ImportRecord.import_id == run.id, ImportRecord.entry_id.in_(ids)
            )
        )
    for ids in _chunks(checkin_ids):
        db.session.execute(delete(ImportRecord).where(ImportRecord.checkin_id.in_(ids)))
        db.session.execute(delete(Checkin).where(Checkin.id.in_(ids), Checkin.client_id == user.id))
    run.undone_at = run.undone_at or utcnow()
    audit.record("import_undone", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    order = {entry_id: at for at, entry_id in enumerate(entry_ids)}
    return UndoView(len(leaving), len(checkin_ids), sorted(kept, key=order.__getitem__))


def _touched(ids: list[str]) -> set[str]:
    """Entries shared, put in a packet, answered or given a verdict since they came in."""
    found: set[str] = set()
    for chunk in _chunks(ids):
        for model in (Share, PacketItem, Answer):
            found |= set(
                db.session.scalars(select(model.entry_id).where(model.entry_id.in_(chunk)))
            )
        found |= set(
            db.session.scalars(
                select(Repair.entry_id).where(
                    Repair.entry_id.in_(chunk), Repair.status.is_not(None)
                )
            )
        )
    return found


def _remove_entries(user: User, rows: list) -> None:
    """Delete entries as entries.delete does (their text wiped, a tombstone id kept, what
    hangs on them gone, their words out of the index), many at a time."""
    for chunk in _chunks(rows):
        ids = [row.id for row in chunk]
        db.session.execute(
            update(Entry)
            .where(Entry.id.in_(ids))
            .values(
                title_sealed=None,
                body_sealed=None,
                tags_sealed=None,
                details_sealed=None,
                deleted_at=utcnow(),
            )
        )
        for model in (Share, PacketItem, Answer, Repair):
            db.session.execute(delete(model).where(model.entry_id.in_(ids)))
    if rows and user.search_indexed_at is not None:
        writing.reindex(user, removed=[(row.created_at, row.id) for row in rows])


def _chunks(values: list) -> list[list]:
    return [values[at : at + CHUNK] for at in range(0, len(values), CHUNK)]
