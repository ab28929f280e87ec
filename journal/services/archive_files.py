"""The files inside the readable archive: safe names, Markdown with front matter, a CSV."""

import csv
import io
import re
import unicodedata

import yaml

SLUG_CHARS = 60
# A file name may have 255 bytes on most systems: this leaves room for the date and a suffix.
SLUG_BYTES = 180
# The same safe dump as yaml.safe_dump, through libyaml when it is there (five times faster).
DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
# A spreadsheet runs a cell that starts with one of these as a formula, so a note such as
# =HYPERLINK("http://…") would act the moment the file is opened; a leading ' keeps it text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = {
    "reflection": "Reflection",
    "feedback": "Feedback for my therapist",
    "question": "A question for my therapist",
    "after_session": "After a session",
    "checkin": "Check-in",
}
TASK_STATUSES = {"open": "to do", "done": "done", "declined": "didn't fit", "not_done": "not done"}
CHECKIN_COLUMNS = [
    "date",
    "created_at",
    "therapist",
    "bond",
    "goals",
    "approach",
    "overall",
    "total",
    "shared",
    "goal",
    "note",
]


def slug(title: str, fallback: str) -> str:
    """A title as a file name's part: Unicode letters, digits (and their marks) and `_`, with
    one `-` for anything else; never `/`, `\\`, `.` or a control character. Empty: fallback."""
    kept: list[str] = []
    for char in unicodedata.normalize("NFC", title.lower()):
        group = unicodedata.category(char)[0]
        if char == "_" or group in "LN" or (group == "M" and kept and kept[-1] != "-"):
            kept.append(char)
        elif kept and kept[-1] != "-":
            kept.append("-")
    text = "".join(kept)[:SLUG_CHARS]
    while len(text.encode()) > SLUG_BYTES:
        text = text[:-1]
    return text.strip("-_") or fallback


class Names:
    """File names in one folder of the archive, each used once: a clash gets -2, -3 and so on
    (compared case-folded, as some file systems do)."""

    def __init__(self) -> None:
        self.taken: set[str] = set()
        self.tried: dict[str, int] = {}  # where to go on counting for a stem, however many clash

    def claim(self, stem: str, suffix: str = ".md") -> str:
        """Take the first free name for a stem."""
        key = stem.casefold()
        count = self.tried.get(key, 1)
        name = f"{stem}{suffix}" if count == 1 else f"{stem}-{count}{suffix}"
        while name.casefold() in self.taken:
            count += 1
            name = f"{stem}-{count}{suffix}"
        self.tried[key] = count
        self.taken.add(name.casefold())
        return name


def front_matter(fields: dict) -> str:
    """YAML front matter between two `---` lines, in the order given."""
    text = yaml.dump(fields, Dumper=DUMPER, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{text}---\n"


def markdown(fields: dict, body: str) -> str:
    """A Markdown file: front matter, a blank line, then the body exactly as written."""
    return f"{front_matter(fields)}\n{body}"


def cell(value):
    """A CSV cell a spreadsheet will show, not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def csv_text(rows: list[list]) -> str:
    """A CSV document: the check-in columns, then one line per row, every cell guarded."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CHECKIN_COLUMNS)
    writer.writerows([cell(value) for value in row] for row in rows)
    return out.getvalue()


def one_line(text: str) -> str:
    """Text for a Markdown list item: its line breaks as spaces."""
    return re.sub(r"\s*[\r\n]+\s*", " ", text).strip()


def iso(moment) -> str:
    """A moment as the API writes it: UTC, with a Z."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _item(item) -> str:
    if item.kind == "checkin":
        return f"- Check-in ({item.total} of 40)"
    return f"- {one_line(item.title) or KINDS.get(item.kind, item.kind)}"


def client_session(packet, therapist: str, local) -> str:
    """A client's session: when, with whom, their agenda note as written, what was in the
    packet, what the therapist asked to talk about, and the tasks due by then."""
    about = {"session_id": packet.session_id, "therapist": therapist}
    about |= {"starts_at": iso(packet.starts_at), "ends_at": iso(packet.ends_at)}
    lines = [f"# Session on {local(packet.starts_at, '%A %-d %B %Y, %H:%M %Z')}", ""]
    if therapist:
        lines += [f"With {therapist}.", ""]
    lines += ["## What I wanted to talk about", "", packet.agenda or "No note.", ""]
    if packet.items:
        lines += ["## In the packet", "", *map(_item, packet.items), ""]
    if packet.requests:
        lines += ["## What my therapist asked to talk about", "", *map(_item, packet.requests), ""]
    if packet.tasks:
        lines += ["## Tasks due by this session", ""]
        lines += [
            f"- {one_line(t.words)} ({TASK_STATUSES.get(t.status, t.status)})" for t in packet.tasks
        ]
        lines.append("")
    return markdown(about, "\n".join(lines))


def therapist_session(session, client: str, view, local) -> str:
    """A therapist's session: when, with whom, and their own view of it, if they gave one."""
    about = {"session_id": session.id, "client": client}
    about |= {"starts_at": iso(session.starts_at), "ends_at": iso(session.ends_at)}
    lines = [f"# Session on {local(session.starts_at, '%A %-d %B %Y, %H:%M %Z')}", ""]
    if client:
        lines += [f"With {client}.", ""]
    lines += ["## Your view of the session", ""]
    if view is None:
        lines.append("You didn't record a view of this session.")
    else:
        scores = f"bond {view.bond}, goals {view.goals}, approach {view.approach}"
        lines.append(
            f"How you thought it went: {scores}, overall {view.overall} ({view.total} of 40)."
        )
    return markdown(about, "\n".join(lines) + "\n")
