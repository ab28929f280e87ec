"""Measure importing a Day One export of 10,000 entries (by default), in process: wall time and
how much the worker's memory grows, then a second run of the same file (everything skipped)
and undoing it.

Run: PYTHONPATH=. .venv/bin/python bench/imports.py [entries]
(DATABASE_URL=postgresql+psycopg://... runs it on PostgreSQL; by default a temporary SQLite.)

The export is made like Day One's: Markdown text with smart quotes, some emoji, headings and
photo references; rich text beside it (which is most of the file's size); tags, places,
time zones, and a photos/ folder. The budget in the issue: under 30 s on 2 cores, and the
worker growing by less than 200 MiB.
"""

import gc
import json
import multiprocessing
import os
import random
import sys
import tempfile
import threading
import time
import zipfile
from datetime import UTC, datetime, timedelta

from journal import create_app, vapid
from journal.config import TestingConfig
from journal.crypto import new_master_key
from journal.extensions import db
from journal.models import User
from journal.services import accounts, importing

WORDS = [
    *("session", "trust", "pace", "goals", "listen", "heard", "safe", "honest", "weekend"),
    *("work", "family", "tired", "hope", "calm", "anxious", "sleep", "walk", "talk", "brother"),
    *("mother", "friend", "week", "slow", "rushed", "kind", "breath", "noticed", "room"),
    *("quiet", "answer", "pause", "evening", "morning", "coffee", "train", "rain", "window"),
]
ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo"]
MiB = 1024 * 1024


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 16))]
    text = " ".join(words).capitalize()
    if rng.random() < 0.2:
        text += " \u2013 I don\u2019t know why"  # Day One's smart punctuation: not ASCII
    return text + rng.choice([".", ".", "!", "?"]) + (" 🙂" if rng.random() < 0.03 else "")


def entry(rng: random.Random, n: int, start: datetime) -> dict:
    """One entry as Day One writes it."""
    paragraphs = [" ".join(sentence(rng) for _ in range(rng.randint(2, 6))) for _ in range(3)]
    text = "\n\n".join(paragraphs)
    if rng.random() < 0.5:
        text = f"# {sentence(rng)[:40]}\n\n{text}"
    photos = []
    if rng.random() < 0.2:
        photo = f"{n:032X}"
        text += f"\n\n![](dayone-moment://{photo})"
        photos = [{"identifier": photo, "md5": f"{n:032x}", "type": "jpeg", "orderInEntry": 0}]
    made = {
        "uuid": f"{n:08X}AAAA4BBB8CCC{n:012X}",
        "creationDate": (start + timedelta(hours=3 * n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "modifiedDate": (start + timedelta(hours=3 * n + 1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timeZone": rng.choice(ZONES),
        "text": text.replace(".", "\\."),  # Day One escapes its Markdown
        "richText": json.dumps(
            {
                "meta": {"version": 1, "created": {"platform": "com.bloombuilt.dayone-ios"}},
                "contents": [
                    {"text": p + "\n", "attributes": {"line": {"identifier": f"{n}-{i}"}}}
                    for i, p in enumerate(paragraphs)
                ],
            },
            ensure_ascii=False,
        ),
        "tags": rng.sample(WORDS, rng.randint(0, 3)),
        "starred": rng.random() < 0.1,
        "creationDevice": "iPhone",
        "duration": 0,
    }
    if photos:
        made["photos"] = photos
    if rng.random() < 0.5:
        made["location"] = {"localityName": "Berlin", "latitude": 52.5, "longitude": 13.4}
    return made


def write_export(count: int, path: str) -> None:
    """The ZIP Day One makes, written to a file."""
    rng = random.Random(15)
    start = datetime(2021, 1, 1, 7, tzinfo=UTC)
    made = [entry(rng, n, start) for n in range(count)]
    document = {"metadata": {"version": "1.0"}, "entries": made}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Journal.json", json.dumps(document, ensure_ascii=False, indent=2))
        for n in range(0, count, 50):  # a few photos beside it
            archive.writestr(f"photos/{n:032x}.jpeg", os.urandom(2048))


def rss() -> int:
    """This process's resident memory in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


class Peak:
    """The highest resident memory seen while a block runs (sampled every 2 ms)."""

    def __enter__(self):
        self.peak, self.running = rss(), True
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self):
        while self.running:
            self.peak = max(self.peak, rss())
            time.sleep(0.002)

    def __exit__(self, *exc):
        self.running = False
        self.thread.join()


def run(app, user_id: str, path: str, label: str) -> importing.ImportView:
    """Import the file once, as a request would (the upload on disk), and print the numbers."""
    gc.collect()
    before = rss()
    with open(path, "rb") as upload, app.test_request_context("/api/v1/imports", method="POST"):
        started = time.perf_counter()
        with Peak() as peak:
            report = importing.start(
                db.session.get(User, user_id), importing.Upload("Day One.zip", upload), "dayone"
            )
        seconds = time.perf_counter() - started
    print(
        f"{label}: {seconds:.1f} s, {report.created} made, {report.skipped} skipped; "
        f"memory grew {(peak.peak - before) / MiB:.0f} MiB at most"
    )
    return report


def main(count: int) -> None:
    """Make the export, then import it twice and undo it, timing each."""
    workdir = tempfile.mkdtemp(prefix="bench-imports-")
    path = os.path.join(workdir, "dayone.zip")
    # Made in another process, so this one's memory starts as a worker's would.
    maker = multiprocessing.get_context("fork").Process(target=write_export, args=(count, path))
    maker.start()
    maker.join()
    with zipfile.ZipFile(path) as archive:
        inner = archive.getinfo("Journal.json").file_size
    zipped = os.path.getsize(path) / MiB
    print(f"{count} Day One entries: ZIP {zipped:.1f} MiB, JSON {inner / MiB:.1f} MiB")
    config = TestingConfig(workdir)
    config.JOURNAL_DATA_KEY = new_master_key()
    config.VAPID_PRIVATE_KEY = vapid.new_private_key()
    config.SQLALCHEMY_DATABASE_URI = (
        os.environ.get("DATABASE_URL") or f"sqlite:///{workdir}/bench.db"
    )
    app = create_app(config)
    with app.app_context():
        db.drop_all()
        db.create_all()
        user = accounts.register("bench@example.test", "a calm river at dawn", "Bench", "client")
        user_id = user.id
    database = config.SQLALCHEMY_DATABASE_URI.split(":", 1)[0]
    print(f"worker before: {rss() / MiB:.0f} MiB ({database}, {os.cpu_count()} cores)")
    with app.app_context():
        first = run(app, user_id, path, "first import")
        run(app, user_id, path, "same file again")
        with app.test_request_context("/api/v1/imports", method="DELETE"):
            started = time.perf_counter()
            undone = importing.undo(db.session.get(User, user_id), first.id)
            print(f"undo: {time.perf_counter() - started:.1f} s, {undone.removed} removed")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
