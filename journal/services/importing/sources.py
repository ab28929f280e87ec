"""Which source a file is (or must be), and reading all of it before anything is written: a
file we can't read as a whole is refused, and one bad entry only goes on the report."""

from collections.abc import Iterator
from zoneinfo import ZoneInfo

from journal.errors import AppError
from journal.jsonbody import MAX_DEPTH
from journal.services.importing import alliance, dayone, markdown
from journal.services.importing.items import Reading
from journal.services.importing.jsonstream import Broken, Reader
from journal.services.importing.upload import (
    CHUNK,
    EXPECTED,
    BadMember,
    SafeZip,
    Upload,
    kind_of,
    refused,
    size_of,
)

JSON_SOURCES = {"alliance": alliance, "dayone": dayone}
EXPECTED_OF = {
    None: EXPECTED,
    "alliance": alliance.EXPECTED,
    "dayone": dayone.EXPECTED,
    "markdown": markdown.EXPECTED,
}


def too_large(limit: int) -> AppError:
    """The one answer for a file over MAX_IMPORT_BYTES."""
    return AppError(
        413,
        "too_large",
        f"That file is larger than we can take in ({limit // 1024**2} MiB at most).",
    )


def read_upload(upload: Upload, source: str | None, zone: ZoneInfo, limit: int) -> Reading:
    """Read the whole file as the named source (or recognise it): 413 over the limit, 422 for
    a file that isn't one of ours to read."""
    size = size_of(upload.stream)
    if size > limit:
        raise too_large(limit)
    kind = kind_of(upload.stream, size)
    if kind == "zip":
        return _from_zip(SafeZip(upload.stream, size), source, zone)
    if kind == "json" and (source in JSON_SOURCES or not markdown.is_note(upload.name)):
        if source == "markdown":
            raise refused("not_an_export", "That is a JSON file. " + markdown.EXPECTED)
        chunks = iter(lambda: upload.stream.read(CHUNK), b"")
        return read_json(chunks, source, zone)
    if source not in (None, "markdown"):
        raise refused("not_an_export", "That is a text file. " + EXPECTED_OF[source])
    reading = Reading("markdown", zone)
    markdown.read_file(upload.name or "note.md", upload.stream.read(), reading)
    return reading


def read_json(
    chunks: Iterator[bytes], source: str | None, zone: ZoneInfo, into: Reading | None = None
) -> Reading:
    """Read an export's JSON a piece at a time: the keys before `entries` say whose export it
    is, so its entries are read one by one (only if they don't, are they kept whole until the
    end). 422 for JSON that is broken, too deep, or not an export we know."""
    wanted = into.source if into else source
    reader = Reader(chunks, object_hook=_drop_rich_text)
    head: dict = {}
    reading = into
    streamed = False
    try:
        if reader.peek() != "{":
            reader.value()  # a document that isn't an object: valid JSON, or why not
            raise _not_an_export(source)
        for key in reader.object_keys():
            found = _which(head, wanted, started=True)
            if key == "entries" and found and reader.peek() == "[":
                reading = reading or Reading(found, zone)
                JSON_SOURCES[found].read_entries(reader.items(), reading)
                head[key], streamed = [], True
            else:
                head[key] = reader.value()
        reader.end()
    except Broken as exc:
        raise _broken(exc, source) from exc
    if not streamed:
        found = _which(head, wanted)
        if found is None:
            raise _not_an_export(source)
        reading = reading or Reading(found, zone)
        JSON_SOURCES[found].read_entries(head["entries"], reading)
    JSON_SOURCES[reading.source].read_rest(head, reading)
    return reading


def _which(head: dict, source: str | None, started: bool = False) -> str | None:
    """The source whose export this is, from the keys read so far (`started`) or the whole."""
    for name, module in JSON_SOURCES.items():
        fits = module.starts_like(head) if started else module.looks_like(head)
        if source in (None, name) and fits:
            return name
    return None


def _drop_rich_text(value: dict) -> dict:
    """Day One keeps each entry twice, as Markdown and as rich text; where the Markdown is there,
    the rich text is dropped as soon as it's read (it is most of a large export's size)."""
    if "richText" in value and isinstance(value.get("text"), str):
        del value["richText"]
    return value


def _broken(exc: Broken, source: str | None) -> AppError:
    if exc.deep:
        return refused(
            "too_deeply_nested",
            f"That JSON is nested too deeply ({MAX_DEPTH} levels at most). {EXPECTED_OF[source]}",
        )
    return refused("invalid_json", f"That file isn't valid JSON. {EXPECTED_OF[source]}")


def _not_an_export(source: str | None) -> AppError:
    return refused("not_an_export", "That JSON isn't an export we know. " + EXPECTED_OF[source])


def _from_zip(archive: SafeZip, source: str | None, zone: ZoneInfo) -> Reading:
    """An export's JSON if the ZIP holds one, else its notes."""
    reading, problem = _exports_in(archive, source, zone)
    if reading is not None:
        return reading
    if source not in (None, "markdown"):
        raise problem or refused(
            "not_an_export", "We found no export in that ZIP. " + EXPECTED_OF[source]
        )
    notes = [member for member in archive.members if markdown.is_note(member.name)]
    if not notes:
        raise problem or refused(
            "not_an_export", "We found no notes in that ZIP. " + EXPECTED_OF[source]
        )
    reading = Reading("markdown", zone)
    for member in archive.members:
        if not markdown.is_note(member.name):
            markdown.count_other(member.name, reading)
            continue
        try:
            data = archive.read(member)
        except BadMember as exc:
            reading.fail(markdown.shown(member.name), str(exc))
            continue
        markdown.read_file(member.name, data, reading, member.date_time)
    return reading


def _exports_in(
    archive: SafeZip, source: str | None, zone: ZoneInfo
) -> tuple[Reading | None, AppError | None]:
    """Read every export JSON in the ZIP (Day One makes one per journal), each a piece at a
    time. A JSON file that isn't an export is passed over when we are recognising the file
    (notes may be there), and named if nothing else is found; a broken one is refused."""
    if source not in (None, *JSON_SOURCES):
        return None, None
    reading: Reading | None = None
    problem: AppError | None = None
    for member in archive.members:
        if not member.lower.endswith(".json") or markdown.is_hidden(member.name):
            continue
        try:
            reading = read_json(archive.chunks(member), source, zone, into=reading)
        except BadMember as exc:
            raise refused("damaged_zip", f"{markdown.shown(member.name)}: {exc}") from exc
        except AppError as exc:
            if source is not None or exc.code != "not_an_export":
                raise
            problem = exc
    return reading, problem
