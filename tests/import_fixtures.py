"""Files to import, shaped like the real thing and written by us: a Day One export ZIP, Markdown
ZIPs as note apps leave them, and hostile files. Made in code, so every byte is ours."""

import io
import json
import struct
import zipfile
import zlib

PHOTO_ID = "4F2B7C1D9E0A4B6C8D2E3F4A5B6C7D8E"
PHOTO_MD5 = "9e107d9d372bb6826bd81d3542a419d6"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + bytes(range(256))
LONG_PARAGRAPH = "I kept writing about the week, the room, the pause before I answered. " * 40


def _rich(text: str) -> str:
    """Day One's rich text: a JSON string of its own (ours says something else, to prove it is
    ignored where `text` exists)."""
    return json.dumps(
        {
            "meta": {
                "version": 1,
                "small-lines-removed": True,
                "created": {"platform": "com.bloombuilt.dayone-ios"},
            },
            "contents": [{"text": text, "attributes": {"line": {"header": 1}}}],
        }
    )


def dayone_entries() -> list[dict]:
    """Five entries as Day One writes them, each showing one rule."""
    long_text = "# A long night\n\n" + "\n\n".join(LONG_PARAGRAPH for _ in range(16))
    return [
        {
            "uuid": "6A1F4C2B8D3E4F5A9B0C1D2E3F4A5B6C",
            "creationDate": "2023-03-14T08:30:00Z",
            "modifiedDate": "2023-03-14T09:02:11Z",
            "timeZone": "Europe/Berlin",
            "creationDevice": "iPhone",
            "text": (
                "# Morning after the session\n\nI said the hard thing\\. It helped\\!\n\n"
                f"![](dayone-moment://{PHOTO_ID})\n\nWalking home felt lighter\\."
            ),
            "richText": _rich("RICH TEXT ONLY: this must not come in"),
            "tags": ["therapy", "#sleep", "  walks  "],
            "starred": True,
            "isPinned": False,
            "duration": 0,
            "photos": [
                {
                    "identifier": PHOTO_ID,
                    "md5": PHOTO_MD5,
                    "type": "jpeg",
                    "orderInEntry": 0,
                    "width": 1024,
                    "height": 768,
                }
            ],
            "location": {
                "localityName": "Berlin",
                "country": "Germany",
                "latitude": 52.52,
                "longitude": 13.405,
                "placeName": "Tiergarten",
            },
            "weather": {"temperatureCelsius": 9, "conditionsDescription": "Cloudy"},
        },
        {
            # 00:30 on 15 March in Tokyo is still 14 March in UTC: its own zone decides the day.
            "uuid": "7B2A5D3C9E4F4A6B8C1D2E3F4A5B6C7D",
            "creationDate": "2023-03-14T15:30:00Z",
            "timeZone": "Asia/Tokyo",
            "text": "Couldn't sleep. Wrote a list of what I want to bring up next time.",
            "richText": _rich("Couldn't sleep."),
            "tags": [],
            "starred": False,
        },
        {
            "uuid": "8C3B6E4D0F5A4B7C9D2E3F4A5B6C7D8E",
            "creationDate": "2023-04-02T21:10:00Z",
            "timeZone": "Europe/Berlin",
            "text": long_text,
            "tags": ["long", "x" * 40, *(f"tag{n}" for n in range(11))],
            "starred": False,
        },
        {
            "uuid": "9D4C7F5E1A6B4C8D0E3F4A5B6C7D8E9F",
            "creationDate": "2023-04-05T07:00:00Z",
            "timeZone": "Europe/Berlin",
            "text": f"![](dayone-moment://{PHOTO_ID}2)",
            "photos": [{"identifier": PHOTO_ID + "2", "md5": PHOTO_MD5, "type": "jpeg"}],
            "tags": [],
        },
        {
            "uuid": "AE5D8A6F2B7C4D9E1F4A5B6C7D8E9FA0",
            "creationDate": "2023-04-06T18:45:00Z",
            "timeZone": "Europe/Berlin",
            "richText": _rich("Only rich text here, and that's fine."),
            "tags": ["evening"],
            "audios": [{"identifier": "A1", "md5": "b1", "format": "m4a"}],
        },
    ]


def dayone_document(entries: list[dict] | None = None) -> dict:
    """Day One's JSON document."""
    return {
        "metadata": {"version": "1.0"},
        "entries": entries if entries is not None else dayone_entries(),
    }


def dayone_zip(entries: list[dict] | None = None) -> bytes:
    """The ZIP Day One makes: Journal.json and a photos/ folder."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", json.dumps(dayone_document(entries), indent=2))
        archive.writestr(f"photos/{PHOTO_MD5}.jpeg", JPEG)
    return buffer.getvalue()


def _member(archive: zipfile.ZipFile, name: str, data: bytes, when=(2023, 6, 1, 9, 15, 0)):
    info = zipfile.ZipInfo(name, date_time=when)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


FRONT_MATTER_NOTE = """---
title: "Trust, slowly"
date: 2023-05-20
tags: [trust, "second tag", '#hash']
mood: calm
---

# Not the title: front matter gives it

Trust takes time. Today I noticed I waited less before answering.
"""
HEADING_NOTE = "# First steps\n\nMy first session. I was nervous, and that was all right.\n"
PLAIN_NOTE = "An idea for next week: ask about homework that fits my evenings.\n"


def markdown_zip() -> bytes:
    """A ZIP of notes as note apps leave them: folders, front matter or none, a non-ASCII name,
    a note that isn't UTF-8, a picture, and the hidden files that come along."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _member(archive, "Notes/2023/2023-05-01 First steps.md", HEADING_NOTE.encode())
        _member(archive, "Notes/Über Vertrauen.md", FRONT_MATTER_NOTE.encode())
        _member(archive, "Notes/2023-05-03_Kleine Schritte.md", b"Ein kurzer Satz.\n")
        _member(archive, "Inbox/idea.txt", PLAIN_NOTE.encode())
        _member(archive, "Notes/old note.md", "Caf\xe9 au lait, \xe0 la maison".encode("latin-1"))
        _member(archive, "Notes/attachments/drawing.png", b"\x89PNG\r\n\x1a\n" + bytes(40))
        _member(archive, ".obsidian/workspace.json", b'{"main": {}}')
        _member(archive, "__MACOSX/Notes/._Über Vertrauen.md", b"\x00\x05\x16\x07")
    return buffer.getvalue()


def unmarked_utf8_zip() -> bytes:
    """A ZIP whose UTF-8 names aren't marked as UTF-8 (as some tools write them)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        _member(archive, "Tagebuch/Grüße.md", b"Viele Gr\xc3\xbc\xc3\x9fe.\n")
    data = bytearray(buffer.getvalue())
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        (flags,) = struct.unpack("<H", data[at + flag_at : at + flag_at + 2])
        data[at + flag_at : at + flag_at + 2] = struct.pack("<H", flags & ~0x800)
    return bytes(data)


def long_markdown(paragraphs: int = 60) -> bytes:
    """A single note far over 20,000 characters, in paragraphs."""
    return (
        "# Everything at once\n\n" + "\n\n".join(LONG_PARAGRAPH for _ in range(paragraphs))
    ).encode()


# Hostile files -------------------------------------------------------------------------------


def zip_bomb(megabytes: int = 300) -> bytes:
    """One member of zeros that unpacks to far more than we take (written in chunks, so making
    it costs little memory)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        info = zipfile.ZipInfo("Journal.json")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            chunk = bytes(1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def ratio_bomb() -> bytes:
    """A small ZIP whose one note grows more than a thousand-fold."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("notes.md", b" " * (8 * 1024 * 1024))
    return buffer.getvalue()


def lying_zip() -> bytes:
    """A ZIP whose member claims 20 bytes but unpacks to 2 MiB."""
    real = b"A line that repeats.\n" * 100_000
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", real)
    data = bytearray(buffer.getvalue())
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.find(signature)
        data[at + size_at : at + size_at + 4] = struct.pack("<I", 20)
    return bytes(data)


def zip_slip() -> bytes:
    """Member names that would point outside the ZIP if they were ever used as paths."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("fine.md", b"Harmless words.")
        archive.writestr("../../outside.md", b"Words that want out.")
        archive.writestr("/etc/cron.d/evil.md", b"* * * * * root true")
        archive.writestr("C:\\Windows\\evil.md", b"Words.")
    return buffer.getvalue()


def many_members_zip(count: int = 60_000) -> bytes:
    """A ZIP listing more files than we open (each a tiny, empty note)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(count):
            archive.writestr(f"{n}.md", b"")
    return buffer.getvalue()


def jpeg_named_zip() -> bytes:
    """A photo, renamed to look like a ZIP."""
    return JPEG + zlib.compress(b"pixels" * 100)


def deep_json(levels: int = 1000) -> bytes:
    """JSON nested a thousand deep."""
    return b"[" * levels + b"]" * levels
