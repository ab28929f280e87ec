"""Measure the export of one client's journal (10,000 entries by default), in process: the
readable ZIP archive (GET /api/v1/export?format=zip) and, for comparison, the JSON document.

Run: PYTHONPATH=. .venv/bin/python bench/archive.py [entries]
Seeds a temporary SQLite database once, then measures each export in a fresh process (so one
export's memory can't hide the other's), twice: wall time, and how far the process's resident
memory rose above what it held just before (its peak, VmHWM, reset first, less VmRSS then). The
target for the archive: under 10 s and under 100 MiB for 10,000 entries on 2 cores; run it with
20000 to see that the archive's memory stays flat as the journal grows.
"""

import gc
import json
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import select

from journal import create_app
from journal.config import TestingConfig
from journal.crypto import new_master_key
from journal.extensions import db
from journal.models import Entry, Share, User, new_id, utcnow
from journal.schemas.export import ExportSchema
from journal.services import (
    accounts,
    archive,
    checkins,
    entries,
    export,
    links,
    search_index,
)
from journal.services.keys import cipher_for_user

EMAIL = "bench@example.test"
PASSWORD = "a calm river at dawn"  # noqa: S105 (a throwaway account in a temporary database)
WORDS = "session trust pace goals listen heard safe honest weekend work family tired hope calm "
WORDS += "anxious sleep walk talk brother mother friend week slow rushed kind"
WORDS = WORDS.split()


def app_for(instance: str, key: str):
    """The app over the bench's database."""
    config = TestingConfig(instance)
    config.JOURNAL_DATA_KEY = key
    return create_app(config)


def seed(app, count: int) -> None:
    """One client with `count` entries over three years (~600 characters each, a tenth shared
    with their therapist, a check-in for every hundredth), and a small one to warm up with."""
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        client = accounts.register(EMAIL, PASSWORD, "Bench", "client")
        client.time_zone = "Pacific/Auckland"
        therapist = accounts.register("t@example.test", PASSWORD, "Dr Bench", "therapist")
        link = links.redeem(client, links.create_invite(therapist)[1])
        warm = accounts.register("warm@example.test", PASSWORD, "Warm", "client")
        cipher, start = cipher_for_user(client), utcnow() - timedelta(days=1095)
        for i in range(count):
            moment = start + timedelta(days=1095) * i / count
            entry = Entry(author_id=client.id, kind="reflection", created_at=moment)
            entry.id, entry.updated_at = new_id(), moment
            title = " ".join(rng.choice(WORDS) for _ in range(2)).capitalize()  # names collide
            body = " ".join(rng.choice(WORDS) for _ in range(100))
            entries._seal(entry, cipher, title, body, ["bench"])
            db.session.add(entry)
            if i % 10 == 0:
                db.session.add(Share(entry_id=entry.id, link_id=link.id, shared_at=moment))
        for _ in range(count // 100):
            scores = dict.fromkeys(("bond", "goals", "approach", "overall"), rng.randint(5, 10))
            data = {"therapist_id": therapist.id, "note": "=1+1", "shared": True}
            checkins.create(client, data | scores)
        warm_cipher = cipher_for_user(warm)
        for i in range(5):
            entry = Entry(id=new_id(), author_id=warm.id, kind="reflection", created_at=utcnow())
            entry.updated_at = entry.created_at
            entries._seal(entry, warm_cipher, f"Warm {i}", "Words", [])
            db.session.add(entry)
        search_index.rebuild(client)
        db.session.commit()


def memory_kib(field: str) -> int:
    """This process's resident memory now (VmRSS) or at its peak (VmHWM), in KiB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(f"{field}:"))


def reset_peak() -> None:
    """Start counting the peak again from now (Linux: 5 to clear_refs resets VmHWM)."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")


def json_export(user: User) -> int:
    """The JSON export as the account page sends it; its size in bytes."""
    document = ExportSchema().dump(export.export_for(user))
    return len(json.dumps(document, ensure_ascii=False, indent=2).encode())


def zip_export(user: User) -> int:
    """The archive, read to its end as a response would be; its size in bytes."""
    made = archive.build(user)
    with made.file:
        while made.file.read(1 << 20):
            pass
    return made.size


def measure(mode: str, instance: str, key: str) -> dict:
    """Export once to warm up (templates, code paths), then twice for real: the first fills
    SQLite's page cache (up to 32 MiB per connection, bootstrap.py), the second finds it full."""
    app = app_for(instance, key)
    run = zip_export if mode == "zip" else json_export
    found = {}
    with app.app_context():
        run(db.session.scalar(select(User).where(User.email == "warm@example.test")))
        user = db.session.scalar(select(User).where(User.email == EMAIL))
        db.session.commit()
        for attempt in ("first", "again"):
            gc.collect()
            reset_peak()
            before = memory_kib("VmRSS")
            start = time.perf_counter()
            size = run(user)
            found[attempt] = {
                "seconds": time.perf_counter() - start,
                "growth_mib": (memory_kib("VmHWM") - before) / 1024,
                "bytes": size,
            }
    return found


def main(count: int) -> None:
    """Seed once, then measure each export in a process of its own."""
    instance, key = tempfile.mkdtemp(prefix="bench-archive-"), new_master_key()
    started = time.perf_counter()
    seed(app_for(instance, key), count)
    print(f"seeded {count} entries in {time.perf_counter() - started:.0f} s")
    print("| export | run | wall time | memory growth (peak RSS) | size |")
    print("|---|---|---:|---:|---:|")
    for mode in ("zip", "json"):
        found = subprocess.run(
            [sys.executable, __file__, "--measure", mode, instance, key],
            check=True,
            capture_output=True,
            text=True,
        )
        runs = json.loads(found.stdout.strip().splitlines()[-1])
        for attempt, result in runs.items():
            print(
                f"| {mode} | {attempt} | {result['seconds']:.2f} s | "
                f"{result['growth_mib']:.1f} MiB | {result['bytes'] / 1e6:.1f} MB |"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        print(json.dumps(measure(*sys.argv[2:5])))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
