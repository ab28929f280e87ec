"""Draw the committed results: p50 against data size, throughput against workers.

.venv/bin/python bench/charts.py     (after run.py S and run.py M, and a --only scaling run)
"""

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only, no screen
import matplotlib.pyplot as plt

RESULTS = Path(__file__).resolve().parent / "results"
SIZED = ("list entries (20)", "get entry", "therapist home", "therapist's client page")
ENTRIES = {"S": 100 * 100, "M": 1000 * 1000}


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.exists() else None


def p50_by_size(database: str = "sqlite") -> Path | None:
    """p50 of the read paths at tier S and tier M."""
    tiers = {tier: _load(f"{tier}-{database}") for tier in ENTRIES}
    if not all(tiers.values()):
        return None
    figure, axes = plt.subplots(figsize=(7, 4))
    for route in SIZED:
        sizes = [ENTRIES[tier] for tier in tiers]
        p50 = [tiers[tier]["routes"][route]["p50_ms"] for tier in tiers]
        axes.plot(sizes, p50, marker="o", label=route)
    axes.set_xscale("log")
    labels = ("entries in the database", "p50 latency (ms), wrk -c16")
    return _save(
        figure, axes, labels, f"p50 against data size ({database})", f"p50-by-size-{database}"
    )


def throughput_by_workers(name: str) -> Path | None:
    """Requests a second with 1..cores gunicorn workers, against perfect scaling."""
    found = _load(name)
    if not found or "scaling" not in found:
        return None
    workers = sorted(int(w) for w in found["scaling"])
    figure, axes = plt.subplots(figsize=(7, 4))
    for route in ("get entry", "list entries (20)"):
        rps = [found["scaling"][str(w)][route] for w in workers]
        axes.plot(workers, rps, marker="o", label=route)
        axes.plot(workers, [rps[0] * w for w in workers], linestyle=":", color="grey")
    axes.set_xticks(workers)
    database = found["database"]
    title = f"throughput against workers ({database}; dotted: linear)"
    labels = ("gunicorn workers", "requests/s")
    return _save(figure, axes, labels, title, f"throughput-by-workers-{database}")


def _save(figure, axes, labels: tuple[str, str], title: str, name: str) -> Path:
    """Label, title and write one chart to results/<name>.png."""
    axes.set_xlabel(labels[0])
    axes.set_ylabel(labels[1])
    axes.set_title(title)
    axes.set_ylim(bottom=0)
    axes.legend()
    figure.tight_layout()
    out = RESULTS / f"{name}.png"
    figure.savefig(out, dpi=110)
    plt.close(figure)
    return out


if __name__ == "__main__":
    for made in (
        p50_by_size("sqlite"),
        p50_by_size("postgres"),
        throughput_by_workers("S-postgres-scaling"),
        throughput_by_workers("S-sqlite-scaling"),
    ):
        if made:
            print(f"wrote {made.relative_to(RESULTS.parent.parent)}")
