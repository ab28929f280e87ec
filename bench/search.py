"""Measure search over sealed text for one client with 2,000 entries.

Run: PYTHONPATH=. .venv/bin/python bench/search.py [entries]
Prints absolute times (noisy) and ratios against listing the newest page (the baseline,
measured in the same run), which is what to compare between machines.
"""

import random
import statistics
import sys
import tempfile
import time

from journal import create_app
from journal.config import TestingConfig
from journal.crypto import new_master_key
from journal.extensions import db
from journal.services import accounts, entries

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
    """Fill a temporary database and time the searches."""
    config = TestingConfig(tempfile.mkdtemp())
    config.JOURNAL_DATA_KEY = new_master_key()
    app = create_app(config)
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        user = accounts.register("bench@example.test", "a calm river at dawn", "Bench", "client")
        for i in range(count):
            body = " ".join(rng.choice(WORDS) for _ in range(100))
            if i == 0:
                body += " zebracrossing"  # only the oldest entry has it: a full scan
            entries.create(
                user,
                {
                    "id": None,
                    "kind": "reflection",
                    "title": f"Entry {i}",
                    "body": body,
                    "tags": ["bench"],
                    "prompt_id": None,
                },
            )
        base = timed(lambda: entries.list_entries(user, limit=20))
        cases = {
            "common word (page fills fast)": lambda: entries.list_entries(user, q="trust"),
            "rare word (scans all entries)": lambda: entries.list_entries(user, q="zebracrossing"),
            "no match (scans all entries)": lambda: entries.list_entries(user, q="nothinglikethis"),
        }
        print(f"{count} entries, ~600 characters each")
        print(f"baseline: newest page of 20 without search: {base * 1000:.1f} ms")
        for name, fn in cases.items():
            seconds = timed(fn)
            print(f"{name}: {seconds * 1000:.1f} ms  ({seconds / base:.1f}x baseline)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
