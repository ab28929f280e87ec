"""Measure search over one client's sealed entries (10,000 by default), in process: through the
sealed search index, and by opening every entry as accounts from before the index do.

Run: PYTHONPATH=. .venv/bin/python bench/search.py [entries]
Prints absolute times (noisy) and throughput ratios against listing the newest page (the
baseline, measured in the same run), which is what to compare between machines.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from journal import create_app
from journal.config import TestingConfig
from journal.crypto import new_master_key
from journal.extensions import db
from journal.models import Entry, new_id, utcnow
from journal.services import accounts, entries, search_index
from journal.services.keys import cipher_for_user

WORDS = [
    "session",
    "trust",
    "pace",
    "goals",
    "listen",
    "heard",
    "safe",
    "honest",
    "weekend",
    "work",
    "family",
    "tired",
    "hope",
    "calm",
    "anxious",
    "sleep",
    "walk",
    "talk",
    "brother",
    "mother",
    "friend",
    "week",
    "slow",
    "rushed",
    "kind",
]


def timed(fn, runs=7) -> float:
    """Median seconds of several runs."""
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main(count: int) -> None:
    """Fill a temporary database and time the searches, through the index and by scanning."""
    config = TestingConfig(tempfile.mkdtemp())
    config.JOURNAL_DATA_KEY = new_master_key()
    app = create_app(config)
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        user = accounts.register("bench@example.test", "a calm river at dawn", "Bench", "client")
        cipher, start = cipher_for_user(user), utcnow() - timedelta(days=1095)
        for i in range(count):  # three years of entries, written as the app seals them
            body = " ".join(rng.choice(WORDS) for _ in range(100))
            if i == 0:
                body += " zebracrossing"  # only the oldest entry has it
            moment = start + timedelta(days=1095) * i / count
            entry = Entry(
                author_id=user.id, kind="reflection", created_at=moment, updated_at=moment
            )
            entry.id = new_id()
            entries._seal(entry, cipher, f"Entry {i}", body, ["bench"])
            db.session.add(entry)
        search_index.rebuild(user)
        db.session.commit()
        base = timed(lambda: entries.list_entries(user, limit=20))
        cases = {
            "common word": "trust",
            "rare word (oldest entry only)": "zebracrossing",
            "absent word": "nothinglikethis",
        }
        print(f"{count} entries of ~600 characters, one client")
        print(f"baseline: newest page of 20 without search: {base * 1000:.2f} ms")
        print("| search | sealed index | ratio to list | opening entries | ratio to list |")
        print("|---|---:|---:|---:|---:|")
        for name, word in cases.items():
            indexed = timed(lambda word=word: entries.list_entries(user, q=word))
            user.search_indexed_at = None  # as an account from before the index: open and scan
            scanned = timed(lambda word=word: entries.list_entries(user, q=word), runs=3)
            user.search_indexed_at = utcnow()
            print(
                f"| {name} | {indexed * 1000:.1f} ms | {base / indexed:.2f} | "
                f"{scanned * 1000:.0f} ms | {base / scanned:.3f} |"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
