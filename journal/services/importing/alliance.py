"""Our own export (`GET /api/v1/export`, or the JSON inside its ZIP), into any account.

Entries come back with their kinds, tags, dates and composer parts; check-ins come back as the
client's own, with no therapist. Links, shares and sessions belong to the account they came
from, so they stay there, and the report says so.
"""

from collections.abc import Iterable
from datetime import UTC

from journal.models import ALL_KINDS, BRIDGE, SCALES
from journal.prompts import get_prompt
from journal.services import feedback
from journal.services.importing.items import TITLE_LIMIT, Checkin, Reading, parse_moment

FORMAT = "alliance-journal-export/"
EXPECTED = (
    "An Alliance Journal export is the file from Download everything: JSON that starts "
    '{"format": "alliance-journal-export/1", ...}, or the ZIP that holds it.'
)
STAY_BEHIND = (
    "Links to therapists, shares and sessions stay with the account they came from: nothing you "
    "bring in is shared with anyone."
)
CHECKIN_PREFIX = "checkin:"  # a check-in's identity, apart from the entries'


def starts_like(head: dict) -> bool:
    """Whether the keys read so far (before `entries`) are our export's."""
    return isinstance(head.get("format"), str) and head["format"].startswith(FORMAT)


def looks_like(value) -> bool:
    """Whether a whole parsed document is one of our exports."""
    return isinstance(value, dict) and starts_like(value) and isinstance(value.get("entries"), list)


def read_entries(entries: Iterable, reading: Reading) -> None:
    """Turn an export's entries into ours; count the shares that stay behind."""
    for number, raw in enumerate(entries, 1):
        if not isinstance(raw, dict):
            reading.fail(f"Entry {number}", "It isn't an entry as we export them.")
            continue
        _entry(raw, number, reading)
        shares = raw.get("shares") if isinstance(raw.get("shares"), list) else []
        for share in shares:
            if isinstance(share, dict):
                reading.left_out["shares"] += 1
                if share.get("therapist_id"):
                    reading.people.add(str(share["therapist_id"]))


def read_rest(head: dict, reading: Reading) -> None:
    """The export's check-ins, as the client's own; count what stays with the old account."""
    checkins = head.get("checkins") if isinstance(head.get("checkins"), list) else []
    for number, raw in enumerate(checkins, 1):
        _checkin(raw if isinstance(raw, dict) else {}, number, reading)
        if isinstance(raw, dict) and raw.get("therapist_id"):
            reading.people.add(str(raw["therapist_id"]))
    _count_what_stays(head, reading)
    reading.notes.append(STAY_BEHIND)


def _entry(raw: dict, number: int, reading: Reading) -> None:
    created = parse_moment(raw.get("created_at"), UTC)
    entry_id, title, body = raw.get("id"), raw.get("title") or "", raw.get("body")
    if created is None or not isinstance(entry_id, str) or not entry_id:
        reading.fail(f"Entry {number}", "It has no id or date we can read.")
        return
    if not isinstance(title, str) or not isinstance(body, str):
        reading.fail(f"Entry {number}", "Its title or words aren't text.")
        return
    if len(title) > TITLE_LIMIT:
        title, body = "", f"{title}\n\n{body}"  # a title too long for ours leads the body
    kind = raw.get("kind") if raw.get("kind") in ALL_KINDS else "reflection"
    details = _details(kind, raw.get("details"))
    if raw.get("details") and details is None:
        reading.left_out["composer details"] += 1
    prompt = raw.get("prompt_id")
    name = f"{created:%Y-%m-%d} {title}".strip()
    reading.add(
        name,
        entry_id,
        created,
        title,
        body,
        raw.get("tags") or [],
        kind=kind,
        details=details,
        prompt_id=prompt if isinstance(prompt, str) and get_prompt(prompt) else None,
    )


def _details(kind: str, value) -> dict | None:
    """The composer's parts of a feedback entry, or a bridge's three, if they are as we make
    them; anything else is left out."""
    if not isinstance(value, dict):
        return None
    if kind == BRIDGE:
        parts = {key: value.get(key, "") for key in ("takeaway", "helped", "hindered")}
        return parts if all(isinstance(text, str) for text in parts.values()) else None
    if kind != "feedback":
        return None
    what, instead = value.get("what"), value.get("instead", "")
    topics, difficulty, how = (
        value.get("topics") or [],
        value.get("difficulty"),
        value.get("raise_how"),
    )
    fits = (
        isinstance(what, str)
        and isinstance(instead, str)
        and isinstance(topics, list)
        and all(topic in feedback.TOPICS for topic in topics)
        and (difficulty is None or (type(difficulty) is int and 0 <= difficulty <= 10))
        and (how is None or how in feedback.RAISE)
    )
    if not fits:
        return None
    return {
        "what": what,
        "instead": instead,
        "topics": topics,
        "difficulty": difficulty,
        "raise_how": how,
    }


def _checkin(raw: dict, number: int, reading: Reading) -> None:
    created = parse_moment(raw.get("created_at"), UTC)
    scales = {scale: raw.get(scale) for scale in SCALES}
    name = f"Check-in of {created:%Y-%m-%d}" if created else f"Check-in {number}"
    if created is None or not isinstance(raw.get("id"), str) or not raw["id"]:
        reading.fail(name, "It has no id or date we can read.")
        return
    if not all(type(value) is int and 0 <= value <= 10 for value in scales.values()):
        reading.fail(name, "Its ratings aren't whole numbers from 0 to 10.")
        return
    note = raw.get("note") or ""
    if not isinstance(note, str):
        reading.fail(name, "Its note isn't text.")
        return
    reading.checkins.append(Checkin(CHECKIN_PREFIX + raw["id"], created, scales, note))


def _count_what_stays(head: dict, reading: Reading) -> None:
    """Count what doesn't carry over to another account, so nothing goes silently."""
    repairs = head.get("repairs") if isinstance(head.get("repairs"), list) else []
    counts = {
        "links": len(reading.people),
        "sessions": _length(head.get("packets")),
        "goals": _length(head.get("goals")),
        "tasks": _length(head.get("tasks")),
        "replies": _length(head.get("answers")),
        "feedback outcomes": sum(
            1 for r in repairs if isinstance(r, dict) and r.get("status") not in (None, "open")
        ),
    }
    reading.left_out.update({what: count for what, count in counts.items() if count})


def _length(value) -> int:
    return len(value) if isinstance(value, list) else 0
