"""Keyset pagination: opaque cursors over (created_at, id), newest first."""

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, or_, true

from journal.errors import validation_error


@dataclass
class Page:
    """One page of a list and the cursor for the next, if any."""

    items: list
    next_cursor: str | None


def encode_cursor(created_at: datetime, row_id: str) -> str:
    """Make an opaque cursor pointing just after this row."""
    raw = f"{created_at.isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, id_type=str) -> tuple[datetime, object]:
    """Read a cursor back; a damaged one is a 422 on the cursor field."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, row_id = raw.split("|", 1)
        moment = datetime.fromisoformat(stamp)
        if moment.tzinfo is None or not row_id:
            raise ValueError
        row_id = id_type(row_id)
    except (ValueError, UnicodeDecodeError, binascii.Error) as exc:
        raise validation_error({"cursor": ["This cursor is not valid."]}) from exc
    return moment, row_id


def after_cursor(created_col, id_col, cursor: str | None, id_type=str):
    """The WHERE clause for rows older than the cursor (newest-first order)."""
    if not cursor:
        return true()
    moment, row_id = decode_cursor(cursor, id_type)
    return or_(created_col < moment, and_(created_col == moment, id_col < row_id))
