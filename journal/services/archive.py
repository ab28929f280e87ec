"""The readable archive: the export as one ZIP of Markdown files, a CSV and one web page.

It is written into a temporary file with entries read a batch at a time, so a worker's memory
does not grow with the journal; what must come before the entries in a file (journal.json's
other keys, the web page's contents) waits in temporary files of its own. Everything is read
in one snapshot, and the export is recorded at the end.
"""

import json
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby
from typing import IO
from zoneinfo import ZoneInfo

from flask import current_app
from markupsafe import Markup

from journal import zones
from journal.models import User, utcnow
from journal.schemas.export import ExportSchema
from journal.services import archive_files as files
from journal.services import entries, export, links

SPOOL = 4 * 1024 * 1024  # bytes a temporary file keeps in memory before it moves to disk
CHUNK = 64 * 1024
FRONT = ("id", "kind", "title", "tags", "created_at", "updated_at")


@dataclass
class Archive:
    """A finished archive: the open file (at its start), its size and the name to save it as."""

    file: IO[bytes]
    size: int
    name: str


@dataclass
class Listed:
    """One entry in the web page's contents."""

    id: str
    month: str
    day: str
    title: str


class _Writer:
    """One archive being written: the ZIP, the user's clock, and the files still to finish."""

    def __init__(self, user: User, out: IO[bytes]):
        self.user, self.zone = user, ZoneInfo(user.time_zone)
        self.zip = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
        self.schema = ExportSchema()

    def local(self, moment: datetime, fmt: str = "%-d %B %Y") -> str:
        """A moment as the user's own clock shows it."""
        return moment.astimezone(self.zone).strftime(fmt)

    def put(self, name: str, text: str, moment: datetime | None = None) -> None:
        """Add one file, dated as the user's clock showed `moment` (or now)."""
        self.zip.writestr(self._info(name, moment), text.encode())

    def stream(self, name: str, chunks) -> None:
        """Add one file written a chunk at a time."""
        with self.zip.open(self._info(name), "w") as target:
            for chunk in chunks:
                target.write(chunk.encode())

    def _info(self, name: str, moment: datetime | None = None) -> zipfile.ZipInfo:
        local = (moment or utcnow()).astimezone(self.zone).timetuple()[:6]
        info = zipfile.ZipInfo(name, date_time=max(local, (1980, 1, 1, 0, 0, 0)))  # ZIP's epoch
        info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o600 << 16  # rw-------
        return info


def build(user: User) -> Archive:
    """Write the user's readable archive into a temporary file; record the export."""
    # The caller sends it, then closes it (send_file does).
    out = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115
    try:
        writer = _Writer(user, out)
        with writer.zip, _spool() as listed, _spool() as articles:
            document, names = export.document_for(user), _names(user)
            contents = _entries(writer, listed, articles)
            _journal_json(writer, document, listed if contents else None)
            if user.is_client:
                _checkins(writer, document["checkins"], names)
            _sessions(writer, document, names)
            _index(writer, document, contents, articles, names)
    except BaseException:
        out.close()
        raise
    export.record(user)  # everything is read from one snapshot: now the trail may be written
    size = out.tell()
    out.seek(0)
    return Archive(out, size, f"alliance-journal-{writer.local(utcnow(), '%Y-%m-%d')}.zip")


def _spool() -> IO[str]:
    """A text file that stays in memory while it is small (the caller closes it)."""
    return tempfile.SpooledTemporaryFile(SPOOL, "w+", encoding="utf-8")


def _entries(writer: _Writer, listed: IO[str], articles: IO[str]) -> list[Listed]:
    """Write entries/*.md, and spool each entry's JSON and web page article for later."""
    dump = writer.schema.fields["entries"].inner.schema.dump  # the JSON export's own
    template = current_app.jinja_env.get_template("archive/_entries.html")
    names, contents = files.Names(), []
    for batch in entries.in_batches(writer.user):
        named = []
        for view, dumped in zip(batch, dump(batch, many=True), strict=True):
            listed.write(("," if contents else "") + "\n" + _json(dumped))
            day = writer.local(view.created_at, "%Y-%m-%d")
            name = names.claim(f"{day}-{files.slug(view.title, view.kind)}")
            about = {key: dumped[key] for key in FRONT}
            about["shared_with"] = [share.therapist_name for share in view.shares]
            writer.put(f"entries/{name}", files.markdown(about, view.body), view.updated_at)
            title = view.title or files.KINDS.get(view.kind, "")
            month = writer.local(view.created_at, "%B %Y")
            contents.append(Listed(view.id, month, writer.local(view.created_at, "%-d %b"), title))
            named.append((view, name))
        articles.write(template.render(named=named, kinds=files.KINDS, local=writer.local))
    return contents


def _json(value) -> str:
    """Compact JSON, through the standard library's C encoder (indenting takes five times as
    long); the document puts each key, and each entry, on a line of its own."""
    return json.dumps(value, ensure_ascii=False)


def _journal_json(writer: _Writer, document: dict, listed: IO[str] | None) -> None:
    """journal.json: the JSON export's document, its entries (if any) copied from the spool."""
    dumped = writer.schema.dump(document)

    def chunks():
        yield "{"
        for n, (key, value) in enumerate(dumped.items()):
            yield ("," if n else "") + f"\n{_json(key)}: "
            if key != "entries" or listed is None:
                yield _json(value)
                continue
            listed.seek(0)
            yield "["
            yield from iter(lambda: listed.read(CHUNK), "")
            yield "\n]"
        yield "\n}\n"

    writer.stream("journal.json", chunks())


def _names(user: User) -> dict[str, str]:
    """The other side's names by link id and by their id, ended links too: a client's
    therapists (as the client knew them), or a therapist's clients."""
    found = {}
    for link in links.links_of(user, active_only=False):
        if user.is_client:
            found[link.id] = found[link.therapist_id] = link.therapist_name
        else:
            found[link.id] = found[link.client_id] = link.client.display_name
    return found


def _checkins(writer: _Writer, checkins: list, names: dict[str, str]) -> None:
    """checkins.csv: one line per check-in, oldest first."""
    rows = [
        [
            writer.local(c.created_at, "%Y-%m-%d"),
            c.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            names.get(c.therapist_id or "", ""),
            c.bond,
            c.goals,
            c.approach,
            c.overall,
            c.total,
            "yes" if c.shared else "no",
            c.goal or "",
            c.note,
        ]
        for c in checkins
    ]
    writer.put("checkins.csv", files.csv_text(rows))


def _sessions(writer: _Writer, document: dict, names: dict[str, str]) -> None:
    """sessions/<date>.md: a client's packets (their agenda and what was in each), or a
    therapist's sessions (with whom, and their own view of each)."""
    taken = files.Names()
    if writer.user.is_client:
        for packet in document["packets"]:
            name = taken.claim(writer.local(packet.starts_at, "%Y-%m-%d"))
            text = files.client_session(packet, names.get(packet.link_id, ""), writer.local)
            writer.put(f"sessions/{name}", text, packet.starts_at)
        return
    views = {view.session_id: view for view in document["therapist_views"]}
    for session in document["sessions"]:
        name = taken.claim(writer.local(session.starts_at, "%Y-%m-%d"))
        client = names.get(session.link_id, "")
        text = files.therapist_session(session, client, views.get(session.id), writer.local)
        writer.put(f"sessions/{name}", text, session.starts_at)


def _index(writer: _Writer, document: dict, contents: list, articles: IO[str], names) -> None:
    """index.html: the whole journal as one page any browser opens without a network."""
    articles.seek(0)
    page = current_app.jinja_env.get_template("archive/index.html")
    chunks = page.generate(
        user=writer.user,
        document=document,
        months=[(month, list(items)) for month, items in groupby(contents, lambda i: i.month)],
        count=len(contents),
        # Rendered by archive/_entries.html, whose autoescape has escaped every word already.
        articles=(Markup(chunk) for chunk in iter(lambda: articles.read(CHUNK), "")),  # noqa: S704
        names=names,
        views={view.session_id: view for view in document["therapist_views"]},
        checkin_replies={a.checkin_id: a for a in document["answers"] if a.checkin_id},
        kinds=files.KINDS,
        statuses=files.TASK_STATUSES,
        local=writer.local,
        made=writer.local(utcnow(), "%-d %B %Y at %H:%M"),
        city=zones.zone(writer.user.time_zone).city,
    )
    writer.stream("index.html", chunks)
