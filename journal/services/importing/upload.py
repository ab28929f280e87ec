"""Reading an upload without trusting it: its kind (ZIP, JSON or text), a ZIP's members within
fixed limits, JSON of bounded depth, and text that must be UTF-8.

Nothing is written to disk under a name from the upload, and no member is extracted: members
are read into memory one at a time, in chunks, counting what actually comes out.
"""

import codecs
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from journal.errors import AppError

MiB = 1024 * 1024
MAX_EXPANDED = 256 * MiB  # what all members of a ZIP may add up to, uncompressed
MAX_RATIO = 100  # and how many times the ZIP's own size
MAX_MEMBER = 64 * MiB  # one member read into memory
MAX_MEMBERS = 20_000
# zipfile parses the whole central directory when it opens a ZIP: a small upload can list a
# million members, so its size is checked (from the end record) before zipfile sees it.
MAX_DIRECTORY = 4 * MiB
CHUNK = MiB
HEAD = 8192
BINARY_MAGIC = (b"\xff\xd8\xff", b"\x89PNG", b"GIF8", b"%PDF", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf")
EXPECTED = (
    "Please choose an export file: our JSON or ZIP, a Day One export (its ZIP or .json), or "
    "Markdown or text notes (one file or a ZIP of them)."
)


@dataclass
class Upload:
    """The uploaded file: the name it came with (shown, never used as a path) and its bytes."""

    name: str
    stream: IO[bytes]


def refused(code: str, message: str) -> AppError:
    """A file we will not read: 422 with a sentence saying what we expected."""
    return AppError(422, code, message)


def display_name(name: str | None, fallback: str = "your file") -> str:
    """A member's or file's name as a person reads it: the last part of its path, no control
    characters, NFC, at most 200 characters."""
    last = (name or "").replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    shown = "".join(c for c in last if unicodedata.category(c)[0] != "C")
    return unicodedata.normalize("NFC", shown)[:200] or fallback


def size_of(stream: IO[bytes]) -> int:
    """How many bytes a seekable stream holds."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    return size


def kind_of(stream: IO[bytes], size: int) -> str:
    """ "zip", "json" or "text", from the first bytes; 422 for an empty or binary file."""
    stream.seek(0)
    head = stream.read(HEAD)
    stream.seek(0)
    if not head.strip():
        raise refused("empty_file", "That file is empty. " + EXPECTED)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(BINARY_MAGIC) or b"\x00" in head:
        raise refused("unknown_file_type", "That isn't a ZIP, JSON or text file. " + EXPECTED)
    if head.lstrip(codecs.BOM_UTF8 + b" \t\r\n")[:1] in (b"{", b"["):
        return "json"
    return "text"


def decode_text(data: bytes) -> str | None:
    """UTF-8 text (a leading byte-order mark dropped), or None if it isn't UTF-8."""
    try:
        return data.removeprefix(codecs.BOM_UTF8).decode("utf-8")
    except UnicodeDecodeError:
        return None


# ZIP ----------------------------------------------------------------------------------------


def _directory_size(stream: IO[bytes], size: int) -> int:
    """The central directory's size in bytes, from the end record (ZIP64 too)."""
    tail_length = min(size, 22 + 65_535)
    stream.seek(size - tail_length)
    tail = stream.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < 22:
        raise _damaged()
    (directory,) = struct.unpack("<I", tail[at + 12 : at + 16])
    if directory == 0xFFFFFFFF and at >= 20 and tail[at - 20 : at - 16] == b"PK\x06\x07":
        (offset,) = struct.unpack("<Q", tail[at - 12 : at - 4])
        stream.seek(offset)
        record = stream.read(56)
        if len(record) < 56 or not record.startswith(b"PK\x06\x06"):
            raise _damaged()
        (directory,) = struct.unpack("<Q", record[40:48])
    stream.seek(0)
    return directory


def _damaged() -> AppError:
    return refused(
        "damaged_zip", "That ZIP file looks damaged, so we couldn't open it. " + EXPECTED
    )


def _unsafe_name(name: str) -> bool:
    """A name that would point outside the ZIP if it were used as a path (it never is)."""
    path = name.replace("\\", "/")
    parts = path.split("/")
    drive = len(path) > 1 and path[1] == ":"
    return path.startswith("/") or drive or ".." in parts or "\x00" in name


def _member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its maker meant it: many tools write UTF-8 names without saying so
    (zipfile then reads them as CP437)."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


@dataclass
class Member:
    """One file in a ZIP: its name (for reading, never for a path), size and time."""

    name: str
    size: int
    date_time: tuple
    info: zipfile.ZipInfo

    @property
    def lower(self) -> str:
        return self.name.lower()


class SafeZip:
    """A ZIP opened only after its directory passed the limits; members read one at a time."""

    def __init__(self, stream: IO[bytes], size: int) -> None:
        if _directory_size(stream, size) > MAX_DIRECTORY:
            raise refused("zip_too_large", "That ZIP holds too many files for us to open.")
        try:
            self.archive = zipfile.ZipFile(stream)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as exc:
            raise _damaged() from exc
        infos = [info for info in self.archive.infolist() if not info.is_dir()]
        if len(infos) > MAX_MEMBERS:
            raise refused("zip_too_large", "That ZIP holds too many files for us to open.")
        if any(_unsafe_name(info.filename) for info in infos):
            raise refused(
                "unsafe_zip",
                "That ZIP has file names that point outside it, so we didn't open it. " + EXPECTED,
            )
        expanded = sum(info.file_size for info in infos)
        if expanded > MAX_EXPANDED or expanded > MAX_RATIO * max(size, 1) or _bomb(infos):
            raise refused(
                "zip_too_large",
                "That ZIP would unpack to more than we can take in (256 MiB, and at most 100 "
                "times its own size).",
            )
        self.members = [
            Member(_member_name(info), info.file_size, info.date_time, info) for info in infos
        ]

    def chunks(self, member: Member) -> Iterator[bytes]:
        """A member's bytes a chunk at a time, counted as they come out: never more than it
        claims, nor than MAX_MEMBER. A damaged or lying member raises BadMember."""
        if member.size > MAX_MEMBER:
            raise BadMember("It is too large to read (64 MiB at most).")
        total = 0
        try:
            with self.archive.open(member.info) as handle:
                while chunk := handle.read(CHUNK):
                    total += len(chunk)
                    if total > member.size or total > MAX_MEMBER:
                        raise BadMember("It is larger than the ZIP says.")
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
            raise BadMember("It is damaged, so we couldn't read it.") from exc
        except (NotImplementedError, RuntimeError) as exc:  # an unknown method, a password
            raise BadMember("It is compressed or locked in a way we can't open.") from exc

    def read(self, member: Member) -> bytes:
        """A member's bytes, read as `chunks` reads them."""
        return b"".join(self.chunks(member))


def _bomb(infos: list[zipfile.ZipInfo]) -> bool:
    """A member that grows more than MAX_RATIO-fold (past a small size where ratios mean
    little)."""
    return any(
        info.file_size > MiB and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        for info in infos
    )


class BadMember(Exception):
    """One member of a ZIP could not be read; the reason is a sentence for the report."""
