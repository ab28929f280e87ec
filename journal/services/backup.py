"""A consistent logical backup of every table, and its restore into an empty database."""

import base64
import gzip
import json
from datetime import datetime

from sqlalchemy import func, select, text

from journal.extensions import db

FORMAT = "alliance-journal-backup/1"
NOT_A_BACKUP = "this file is not an Alliance Journal backup"


def _encode(value):
    if isinstance(value, bytes):
        return {"$b64": base64.b64encode(value).decode()}
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    return value


def _decode(value):
    if isinstance(value, dict) and "$b64" in value:
        return base64.b64decode(value["$b64"])
    if isinstance(value, dict) and "$dt" in value:
        return datetime.fromisoformat(value["$dt"])
    return value


def write_backup(path: str) -> dict[str, int]:
    """Dump every table from one snapshot into a gzipped JSON file; return row counts."""
    tables = db.metadata.sorted_tables
    connection = db.session.connection()
    if connection.dialect.name == "postgresql":
        # One snapshot for every table, while writers carry on.
        db.session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
    dump = {"format": FORMAT, "tables": {}}
    for table in tables:
        rows = db.session.execute(select(table)).mappings()
        dump["tables"][table.name] = [{k: _encode(v) for k, v in row.items()} for row in rows]
    db.session.rollback()
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        json.dump(dump, handle)
    return {name: len(rows) for name, rows in dump["tables"].items()}


def restore_backup(path: str) -> dict[str, int]:
    """Load a backup into a database whose tables are empty; refuse otherwise."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            dump = json.load(handle)
    except (OSError, EOFError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(NOT_A_BACKUP) from error
    if not isinstance(dump, dict) or dump.get("format") != FORMAT:
        raise ValueError(NOT_A_BACKUP)
    for table in db.metadata.sorted_tables:
        if db.session.scalar(select(func.count()).select_from(table)):
            raise ValueError(f"table {table.name} is not empty; restore into a fresh database")
    counts = {}
    for table in db.metadata.sorted_tables:
        rows = [
            {k: _decode(v) for k, v in row.items()} for row in dump["tables"].get(table.name, [])
        ]
        if rows:
            db.session.execute(table.insert(), rows)
        counts[table.name] = len(rows)
    if db.session.connection().dialect.name == "postgresql":
        db.session.execute(
            text(
                "SELECT setval(pg_get_serial_sequence('audit_events', 'seq'), "
                "COALESCE((SELECT MAX(seq) FROM audit_events), 0) + 1, false)"
            )
        )
    db.session.commit()
    return counts
