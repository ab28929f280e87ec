"""What every source turns into (entries and check-ins to write, failures, what was left out)
and the rules that fit them to ours: titles, tags, dates, and long entries split, never cut."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

BODY_LIMIT = 20_000  # as schemas/entries.py: a longer entry becomes several
TITLE_LIMIT = 200
TAG_LIMIT = 32
TAGS_LIMIT = 10
HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$")
UNSTORABLE = "It has characters that can't be stored (a broken character)."


@dataclass
class Entry:
    """One entry to write: one part per 20,000 characters, each its own entry."""

    name: str  # how the report names it (a file name, or a date)
    identity: str  # what makes it the same entry next time (a source id, or its words)
    created_at: datetime
    parts: list[tuple[str, str]]  # (title, body)
    tags: list[str]
    kind: str = "reflection"
    details: dict | None = None
    prompt_id: str | None = None


@dataclass
class Checkin:
    """One check-in to write, as the client's own (no therapist)."""

    identity: str
    created_at: datetime
    scales: dict[str, int]
    note: str


@dataclass
class Reading:
    """What a source made of a file: the things to write, and everything to report."""

    source: str
    zone: ZoneInfo
    entries: list[Entry] = field(default_factory=list)
    checkins: list[Checkin] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)
    tags_not_kept: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    people: set[str] = field(default_factory=set)  # whom the source links to (our export)

    def fail(self, name: str, reason: str) -> None:
        """Put one thing that could not come in on the report, with why."""
        self.failed.append({"name": name, "reason": reason})

    def add(
        self,
        name: str,
        identity: str,
        created_at: datetime,
        title: str,
        body: str,
        tags: list,
        **extra,
    ) -> None:
        """Fit an entry to our rules and keep it, or report why it can't come in."""
        if not (storable(title) and storable(body)):
            self.fail(name, UNSTORABLE)
            return
        if not body.strip():
            self.fail(name, "It has no words to bring in.")
            return
        parts = split(title, body)
        self.entries.append(Entry(name, identity, created_at, parts, self.fit_tags(tags), **extra))

    def fit_tags(self, tags: list) -> list[str]:
        """Our tags from theirs: trimmed, without a leading #, each once, 1 to 32 characters and
        10 at most; the rest are named on the report."""
        kept: dict[str, str] = {}
        for raw in tags if isinstance(tags, list) else []:
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                self.tags_not_kept.setdefault("(not a word)", "It isn't text.")
                continue
            tag = " ".join(unicodedata.normalize("NFC", str(raw)).split()).lstrip("#").strip()
            if not tag or tag.casefold() in kept:
                continue
            if not storable(tag):
                self.tags_not_kept.setdefault(tag.encode("utf-8", "replace").decode(), UNSTORABLE)
            elif len(tag) > TAG_LIMIT:
                self.tags_not_kept.setdefault(tag, f"Longer than {TAG_LIMIT} characters.")
            elif len(kept) >= TAGS_LIMIT:
                self.tags_not_kept.setdefault(tag, f"An entry keeps {TAGS_LIMIT} tags at most.")
            else:
                kept[tag.casefold()] = tag
        return list(kept.values())


def storable(text: str) -> bool:
    """Text we can seal: no unpaired surrogates (which only escaped JSON can hold)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def heading_title(body: str) -> tuple[str, str]:
    """A first line that is a Markdown heading becomes the title, out of the body; a heading
    too long for a title stays in the body."""
    stripped = body.lstrip("\n")
    first, _, rest = stripped.partition("\n")
    found = HEADING.match(first)
    if found is None or len(found.group(1).strip()) > TITLE_LIMIT:
        return "", body
    return found.group(1).strip(), rest.lstrip("\n")


def split(title: str, body: str) -> list[tuple[str, str]]:
    """One part, or consecutive parts titled "... (1 of 3)", each at most 20,000 characters,
    broken at a paragraph, else a line, else a space."""
    chunks, rest = [], body
    while len(rest) > BODY_LIMIT:
        cut = _break(rest[:BODY_LIMIT])
        chunks.append(rest[:cut])
        rest = rest[cut:]
    chunks.append(rest)
    chunks = [chunk for chunk in chunks if chunk.strip()] or [body]
    if len(chunks) == 1:
        return [(title, body)]
    total = len(chunks)
    return [(_part_title(title, number, total), chunk) for number, chunk in enumerate(chunks, 1)]


def _break(window: str) -> int:
    """Where to end a part: the last paragraph break in the second half of the window, else a
    line break, else a space; then anywhere; else the window's end."""
    for floor in (len(window) // 2, 1):
        for mark in ("\n\n", "\n", " "):
            at = window.rfind(mark, floor)
            if at >= floor and window[:at].strip():
                return at + len(mark)
    return len(window)


def _part_title(title: str, number: int, total: int) -> str:
    suffix = f"({number} of {total})"
    if not title:
        return suffix
    room = TITLE_LIMIT - len(suffix) - 1
    return f"{title if len(title) <= room else title[: room - 1] + '…'} {suffix}"


def aware(moment: datetime, zone: ZoneInfo) -> datetime:
    """A moment in UTC: a naive one is read as wall time in the given zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def parse_moment(value, zone: ZoneInfo) -> datetime | None:
    """An ISO 8601 date or time (a naive one in the zone), or None if it isn't one."""
    if not isinstance(value, str) or not value.strip() or len(value) > 64:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return aware(moment, zone)


def normalize_newlines(text: str) -> str:
    """Line breaks as the app keeps them."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
