"""Day One's JSON export: `{"metadata": {...}, "entries": [...]}`, in its ZIP or on its own.

Each entry's `text` is Markdown (Day One escapes punctuation with backslashes); photos, audio,
videos and PDFs sit in it as `![](dayone-moment://...)` references, which are taken out and
counted, like places, as what we can't hold. `richText` is only read when there is no `text`.
"""

import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from journal.models.users import time_zones
from journal.services.importing.items import (
    Reading,
    heading_title,
    normalize_newlines,
    parse_moment,
)

EXPECTED = (
    'A Day One export is the ZIP Day One makes, or the .json inside it: {"metadata": ..., '
    '"entries": [...]}.'
)
# A reference, with the line breaks around it when it stands on a line of its own.
MOMENT = re.compile(
    r"\n?[ \t]*!\[[^\]\n]*\]\(dayone-moment:/{1,2}(?:(audio|video|pdfAttachment)/)?[^)\s]*\)"
    r"[ \t]*\n?"
)
ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~=])")
MEDIA = {  # the entry's own lists, and what the report calls them
    "photos": "photos",
    "audios": "audio",
    "videos": "videos",
    "pdfAttachments": "PDFs",
}
BY_REFERENCE = {None: "photos", "audio": "audio", "video": "videos", "pdfAttachment": "PDFs"}


def starts_like(head: dict) -> bool:
    """Whether the keys read so far (before `entries`) are Day One's."""
    return isinstance(head.get("metadata"), dict)


def looks_like(value) -> bool:
    """Whether a whole parsed document has Day One's shape."""
    return isinstance(value, dict) and starts_like(value) and isinstance(value.get("entries"), list)


def read_entries(entries: Iterable, reading: Reading) -> None:
    """Turn each Day One entry into ours, or a line on the report."""
    for number, raw in enumerate(entries, 1):
        if not isinstance(raw, dict):
            reading.fail(f"Entry {number}", "It isn't an entry as Day One writes them.")
            continue
        _entry(raw, number, reading)


def read_rest(head: dict, reading: Reading) -> None:
    """Nothing but the entries comes from Day One."""


def _entry(raw: dict, number: int, reading: Reading) -> None:
    created = parse_moment(raw.get("creationDate"), UTC)
    text = raw.get("text") if isinstance(raw.get("text"), str) else _rich_text(raw.get("richText"))
    if created is None:
        reading.fail(f"Entry {number}", "It has no date we can read (creationDate).")
        return
    created = _as_written(created, raw.get("timeZone"), reading.zone)
    counts = {what: 0 for what in BY_REFERENCE.values()}
    for found in MOMENT.finditer(text or ""):
        counts[BY_REFERENCE[found.group(1)]] += 1
    for key, what in MEDIA.items():
        listed = raw.get(key)
        counts[what] = max(counts[what], len(listed) if isinstance(listed, list) else 0)
    reading.left_out.update({what: count for what, count in counts.items() if count})
    if isinstance(raw.get("location"), dict):
        reading.left_out["locations"] += 1
    if raw.get("starred") is True:
        reading.left_out["stars"] += 1
    title, body = heading_title(normalize_newlines(MOMENT.sub("", text or "")))
    title, body = _unescape(title), _unescape(body).strip("\n")
    day = created.astimezone(reading.zone).strftime("%Y-%m-%d")  # as the journal will show it
    name = f"{day} {title}" if title else f"Entry of {day}"
    uuid = raw.get("uuid")
    # The uuid makes it the same entry next time; without one, its date and words do.
    identity = uuid if isinstance(uuid, str) and uuid else f"{created.isoformat()}\n{text}"
    if not body.strip() and not title:
        only_media = "It holds only photos or other things we can't keep."
        reading.fail(name, only_media if any(counts.values()) else "It has no words to bring in.")
        return
    if not body.strip():
        title, body = "", title  # a heading alone: keep its words as the body
    reading.add(name, identity, created, title, body, raw.get("tags") or [])


def _as_written(created: datetime, zone_name, own_zone: ZoneInfo) -> datetime:
    """Keep the date and time the entry had where it was written (its `timeZone`), so it sits
    on the same day in the client's journal as it did in Day One."""
    if not isinstance(zone_name, str) or zone_name not in time_zones():
        return created
    wall = created.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None)
    return wall.replace(tzinfo=own_zone).astimezone(UTC)


def _rich_text(value) -> str | None:
    """The plain words of Day One's rich text (a JSON string), for an entry without `text`."""
    if not isinstance(value, str) or len(value) > 5_000_000:
        return None
    try:
        parsed = json.loads(value)
    except (ValueError, RecursionError):
        return None
    contents = parsed.get("contents") if isinstance(parsed, dict) else None
    if not isinstance(contents, list):
        return None
    return "".join(
        part["text"]
        for part in contents
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    )


def _unescape(text: str) -> str:
    """Day One writes "Done\\." for "Done.": take the backslashes out."""
    return ESCAPED.sub(r"\1", text)
