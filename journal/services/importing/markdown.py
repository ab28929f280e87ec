"""Markdown and text notes, as note apps leave them: one file, or a ZIP of files in folders,
some with YAML front matter (`title`, `date`, `tags`) and some without."""

import json
import re
import unicodedata
from datetime import date, datetime, time

import yaml

from journal.models import utcnow
from journal.services.importing.items import (
    TITLE_LIMIT,
    Reading,
    aware,
    heading_title,
    normalize_newlines,
    parse_moment,
)
from journal.services.importing.upload import decode_text, display_name

EXPECTED = "Markdown notes are .md or .txt files: one on its own, or a ZIP of them."
TEXT = (".md", ".markdown", ".mdown", ".txt", ".text")
OTHER = {  # files beside the notes that we can't hold, by what the report calls them
    "photos": (".jpg", ".jpeg", ".png", ".gif", ".heic", ".webp", ".tif", ".tiff", ".bmp"),
    "audio": (".m4a", ".mp3", ".wav", ".aac", ".ogg", ".flac", ".opus"),
    "videos": (".mp4", ".mov", ".m4v", ".webm"),
    "PDFs": (".pdf",),
}
NAME_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[ _.\-\u2013\u2014]+|$)")  # dashes too
FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
FRONT_MATTER_LIMIT = 64 * 1024
NOON = time(12)  # a day without a time sits at its middle, whatever the clock's zone
DOS_EPOCH = (1980, 1, 1, 0, 0, 0)  # what ZIP tools write when they don't know a file's time


def is_note(name: str) -> bool:
    """A text file, not a hidden file or a Mac's resource fork."""
    return name.lower().endswith(TEXT) and not is_hidden(name)


def is_hidden(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts if part)


def count_other(name: str, reading: Reading) -> None:
    """Count a file beside the notes that we can't hold (hidden files aren't counted)."""
    if is_hidden(name):
        return
    lower = name.lower()
    what = next((what for what, ends in OTHER.items() if lower.endswith(ends)), "other files")
    reading.left_out[what] += 1


def read_file(name: str, data: bytes, reading: Reading, file_time: tuple | None = None) -> None:
    """Turn one note into an entry (or a line on the report)."""
    shown_as = shown(name)
    text = decode_text(data)
    if text is None:
        reading.fail(
            shown_as,
            "It isn't UTF-8 text, so we couldn't read it. Saved again as UTF-8, it can come in.",
        )
        return
    meta, text = _front_matter(normalize_newlines(text))
    title = _text(meta.get("title"))
    if title is None or len(title) > TITLE_LIMIT:
        title = None
    stem, named_day = _from_file_name(name)
    moment = _date(meta.get("date") or meta.get("created") or meta.get("created_at"), reading)
    if moment is None and named_day is not None:
        moment = aware(datetime.combine(named_day, NOON), reading.zone)
    if moment is None and file_time and tuple(file_time) != DOS_EPOCH:
        moment = aware(datetime(*file_time), reading.zone)
    body = text
    if title is None:
        title, body = heading_title(text)
    if not title:
        title = stem
    body = body.strip("\n")
    # The same note is the same entry next time: its date (if it has one), title and words.
    identity = json.dumps([moment.isoformat() if moment else "", title, body], ensure_ascii=False)
    reading.add(shown_as, identity, moment or utcnow(), title, body, _tags(meta.get("tags")))


def shown(name: str) -> str:
    """The note's place in the ZIP, as a person reads it."""
    parts = [display_name(part, "") for part in name.replace("\\", "/").split("/")]
    return "/".join(part for part in parts if part)[-200:] or "a note"


def _front_matter(text: str) -> tuple[dict, str]:
    """YAML front matter and the text after it; none (and the text as it was) if it isn't
    there or isn't a mapping we can read."""
    found = FRONT_MATTER.match(text[: FRONT_MATTER_LIMIT + 8])
    if found is None:
        return {}, text
    try:
        meta = yaml.load(found.group(1) or "", Loader=yaml.CSafeLoader)  # plain data only
    except (yaml.YAMLError, RecursionError, ValueError):
        return {}, text
    if not isinstance(meta, dict):
        return {}, text
    return meta, text[found.end() :]


def _text(value) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return unicodedata.normalize("NFC", str(value)).strip() or None


def _from_file_name(name: str) -> tuple[str, date | None]:
    """The file name without its extension and leading date, and that date."""
    base = display_name(name, "")
    stem = base.rsplit(".", 1)[0] if "." in base[1:] else base
    found, day = NAME_DATE.match(stem), None
    if found:
        try:
            day = date(*(int(part) for part in found.groups()))
            stem = stem[found.end() :]
        except ValueError:
            day = None
    stem = stem.strip()
    return (stem if len(stem) <= TITLE_LIMIT else stem[: TITLE_LIMIT - 1] + "…"), day


def _date(value, reading: Reading) -> datetime | None:
    """Front matter's date: a day (at noon), a time (naive ones in the client's zone), or
    text that reads as either."""
    if isinstance(value, datetime):
        return aware(value, reading.zone)
    if isinstance(value, date):
        return aware(datetime.combine(value, NOON), reading.zone)
    if isinstance(value, str) and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        try:
            return aware(datetime.combine(date.fromisoformat(value.strip()), NOON), reading.zone)
        except ValueError:
            return None
    return parse_moment(value, reading.zone)


def _tags(value) -> list:
    """Tags as a list, or as one line of them (commas, else spaces, between)."""
    if isinstance(value, str):
        return [t for t in re.split(r"," if "," in value else r"\s+", value) if t.strip()]
    return value if isinstance(value, list) else []
