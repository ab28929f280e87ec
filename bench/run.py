"""Measure the app as an operator would: gunicorn, a separate load process (wrk), ratios.

    python3 bench/run.py S                # tier S on SQLite, under 5 minutes on 2 cores
    python3 bench/run.py M                # tier M (1M entries): seed once, then measure
    python3 bench/run.py S --db postgres  # the same on PostgreSQL (database `bench`)
    python3 bench/run.py S --db postgres --only scaling   # throughput against workers

A bare Flask JSON endpoint served by the same gunicorn flags is measured in the same run, and
every figure is also given as a ratio to it: absolute numbers on shared machines are noise.
Results go to bench/results/<tier>-<db>.json and .md (see bench/README.md).
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import dev  # noqa: E402  (the project's own set-up, so this is one command too)

BENCH = ROOT / "bench"
WORK = BENCH / "work"  # databases and logs of runs (not committed)
RESULTS = BENCH / "results"
PYTHON = str(dev.PYTHON)
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# Fixed bench secrets: these databases hold nothing real.
SECRETS = {
    "SECRET_KEY": "bench-" + "s" * 58,
    "JOURNAL_DATA_KEY": "1:YmVuY2gtZGF0YS1rZXktbm90LXNlY3JldC0xMjM0NTY=",
    "VAPID_PRIVATE_KEY": "YmVuY2gtdmFwaWQta2V5LW5vdC1zZWNyZXQtMTIzNDU",
}
WRK_DONE = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"seconds":%f,"errors":%d,"non2xx":%d,"p50":%d,"p95":%d,"p99":%d}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout,
    e.status, latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(database_url: str) -> dict:
    return {
        **os.environ,
        **SECRETS,
        "DATABASE_URL": database_url,
        "JOURNAL_ENV": "production",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
    }


class Server:
    """A gunicorn serving one WSGI app, the same flags for the baseline and the project."""

    def __init__(self, app: str, workers: int, env: dict, log: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log.open("ab")
        self.process = subprocess.Popen(
            [
                str(dev.BIN / "gunicorn"),
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "2048",
                "--timeout",
                "120",
                app,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
            start_new_session=True,
        )
        self._wait()

    def _wait(self) -> None:
        for _ in range(300):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    time.sleep(0.5)  # let every worker finish importing
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start; see {self.log.name}")

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)
        self.log.close()


def _lua_table(headers: dict) -> str:
    return "{" + ", ".join(f"[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()) + "}"


def _lua(requests: list[tuple[str, str, dict, str]], extra: str = "") -> str:
    """A wrk script that sends these requests in turn (each thread starts elsewhere)."""
    items = ",\n".join(
        f"wrk.format({json.dumps(method)}, {json.dumps(path)}, {_lua_table(headers)}, "
        f"{json.dumps(body) if body else 'nil'})"
        for method, path, headers, body in requests
    )
    return f"""
local counter = 0
local threads = 0
setup = function(thread)
  thread:set("number", threads)
  threads = threads + 1
end
init = function(args)
  reqs = {{ {items} }}
  position = (number or 0) % #reqs
end
request = function()
  position = position % #reqs + 1
  return reqs[position]
end
{extra}
{WRK_DONE}
"""


def wrk(url: str, script: str, seconds: float, connections: int, threads: int, work: Path) -> dict:
    """Run wrk against a server with a script; return its summary (latencies in ms)."""
    path = work / "script.lua"
    path.write_text(script)
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{int(seconds)}s",
            "--timeout",
            "30s",
            "-s",
            str(path),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = re.search(r"^BENCH (\{.*\})$", out, re.M)
    if not found:
        raise RuntimeError(f"wrk printed no summary:\n{out}")
    data = json.loads(found.group(1))
    return {
        "rps": round(data["requests"] / data["seconds"], 1),
        "p50_ms": data["p50"] / 1000,
        "p95_ms": data["p95"] / 1000,
        "p99_ms": data["p99"] / 1000,
        "errors": data["errors"] + data["non2xx"],
        "requests": data["requests"],
    }


def _headers(actor: dict, json_body: bool = False) -> dict:
    headers = {
        "Cookie": actor["cookie"],
        "X-CSRFToken": actor["csrf"],
        "Accept": "application/json",
    }
    if json_body:
        headers["Content-Type"] = "application/json"
    return headers


BODY = (
    "Today the session felt slower, and I noticed I wanted to say more about the week. "
    "It is hard to tell my therapist when something is not working for me. "
) * 4


def scenarios(actors: dict) -> dict[str, tuple[list, str, int]]:
    """Each measured request: (requests to cycle through, extra Lua, wrk threads)."""
    clients, therapists = actors["clients"], actors["therapists"]
    words = actors["words"]

    def each_client(path_of, method="GET", body=None):
        return [
            (method, path_of(c), _headers(c, body is not None), body and json.dumps(body))
            for c in clients
        ]

    def each_therapist(path_of):
        return [("GET", path_of(t), _headers(t), None) for t in therapists]

    create = {"kind": "reflection", "title": "From the bench", "body": BODY, "tags": ["work"]}
    autosave = [
        ("PATCH", f"/api/v1/entries/{entry}", _headers(c, True), None)
        for c in clients
        for entry in c["autosave"]
    ]
    known = actors.get("versions", {})  # each entry's version now, so no edit starts stale
    autosave_lua = (
        "versions = "
        + _lua_table({f"/api/v1/entries/{entry}": v for entry, v in known.items()})
        + """
request = function()
  local r = autosave[(number or 0) % #autosave + 1]
  local v = versions[r.path] or 1
  versions[r.path] = v
  local body = string.format('{"version": %d, "body": "Saved again %d"}', v, v)
  return wrk.format("PATCH", r.path, r.headers, body)
end
response = function(status, headers, body)
  local r = autosave[(number or 0) % #autosave + 1]
  local v = string.match(body, '"version":%s*(%d+)')
  if v then versions[r.path] = tonumber(v) end
end
"""
    )
    autosave_init = (
        "autosave = {"
        + ", ".join(
            f"{{path = {json.dumps(path)}, headers = {_lua_table(headers)}}}"
            for _, path, headers, _ in autosave
        )
        + "}"
    )
    sign_in = [
        (
            "POST",
            "/api/v1/auth/login",
            _headers(actors["anonymous"], True),
            json.dumps({"email": c["email"], "password": actors["password"]}),
        )
        for c in clients
    ]
    return {
        "list entries (20)": (each_client(lambda c: "/api/v1/entries?limit=20"), "", 2),
        "get entry": (each_client(lambda c: f"/api/v1/entries/{c['entry']}"), "", 2),
        "create entry": (each_client(lambda c: "/api/v1/entries", "POST", create), "", 2),
        "autosave edit": (autosave[:1], autosave_init + "\n" + autosave_lua, len(autosave)),
        "search, common word": (
            each_client(lambda c: f"/api/v1/entries?q={words['common']}"),
            "",
            2,
        ),
        "search, rare word": (each_client(lambda c: f"/api/v1/entries?q={words['rare']}"), "", 2),
        "search, absent word": (
            each_client(lambda c: f"/api/v1/entries?q={words['absent']}"),
            "",
            2,
        ),
        "therapist home": (each_therapist(lambda t: "/therapist"), "", 2),
        "therapist's client page": (
            each_therapist(lambda t: f"/therapist/clients/{t['client']}"),
            "",
            2,
        ),
        "packet digest": (
            each_therapist(lambda t: f"/api/v1/sessions/{t['session']}/packet"),
            "",
            2,
        ),
        "export": (each_client(lambda c: "/api/v1/export"), "", 2),
        "/healthz": ([("GET", "/healthz", {}, None)], "", 2),
        "sign-in": (sign_in, "", 2),
    }


def _database(tier: str, kind: str, work: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{work / 'journal.db'}"
    return "postgresql+psycopg://postgres@127.0.0.1:5432/bench_" + tier.lower()


def _fresh_database(url: str) -> None:
    from sqlalchemy import create_engine, text

    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = url.rsplit("/", 1)[1]
    engine = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    engine.dispose()


def seed(tier: str, url: str, work: Path) -> float:
    """Make a fresh database for a tier and fill it; return the seconds it took."""
    _fresh_database(url)
    started = time.monotonic()
    env = _env(url)
    subprocess.run(
        [PYTHON, "-m", "flask", "--app", "app", "init-db"], cwd=ROOT, env=env, check=True
    )
    subprocess.run([PYTHON, "bench/seed.py", tier, str(work)], cwd=ROOT, env=env, check=True)
    return time.monotonic() - started


def _versions(url: str, actors: dict) -> dict[str, int]:
    """The current version of each entry the autosave scenario edits."""
    from sqlalchemy import bindparam, create_engine, text

    ids = [entry for client in actors["clients"] for entry in client["autosave"]]
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT id, version FROM entries WHERE id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            ),
            {"ids": ids},
        ).all()
    engine.dispose()
    return dict(rows)


def _refresh_sign_ins(url: str, actors: dict) -> None:
    """Mark the bench sessions as just signed in (export asks for a recent password)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "UPDATE device_sessions SET authenticated_at = last_seen_at"
                " WHERE user_agent = 'bench'"
            )
        )
    engine.dispose()


def measure(tier: str, db_kind: str, seconds: float, only: str | None) -> dict:
    """Seed if needed, serve both apps, run every scenario; return the results."""
    work = WORK / f"{tier}-{db_kind}"
    work.mkdir(parents=True, exist_ok=True)
    url = _database(tier, db_kind, work)
    results: dict = {
        "tier": tier,
        "database": db_kind,
        "seconds_each": seconds,
        "cores": os.cpu_count(),
    }
    if not (work / "actors.json").exists() or not _database_exists(url):
        results["seed_seconds"] = round(seed(tier, url, work), 1)
    actors = json.loads((work / "actors.json").read_text())
    actors["versions"] = _versions(url, actors)
    env = _env(url)
    log = work / "gunicorn.log"
    baseline = Server("bench.baseline:app", 2, env, log)
    try:
        results["baseline"] = wrk(
            baseline.url, _lua([("GET", "/", {}, None)]), seconds, 16, 2, work
        )
    finally:
        baseline.stop()
    base = results["baseline"]["rps"]
    if only == "scaling":
        results["scaling"] = scaling(env, actors, seconds, work, log)
        return results
    server = Server("bench.target:app", 2, env, log)
    try:
        results["routes"] = {}
        for name, (requests, extra, threads) in scenarios(actors).items():
            if name == "export":
                _refresh_sign_ins(url, actors)
            connections = max(16, threads)
            found = wrk(server.url, _lua(requests, extra), seconds, connections, threads, work)
            found["ratio"] = round(found["rps"] / base, 3)
            results["routes"][name] = found
            print(
                f"{name:28} {found['rps']:8.1f}/s  ratio {found['ratio']:.3f}  "
                f"p50 {found['p50_ms']:.1f} ms  errors {found['errors']}",
                flush=True,
            )
        results["mixed"] = mixed(server.url, actors, seconds, work)
        if db_kind == "sqlite":
            results["writers"] = writers(server.url, actors, 60 if tier != "XS" else 10, work, log)
    finally:
        server.stop()
    return results


def _database_exists(url: str) -> bool:
    if url.startswith("sqlite"):
        return Path(url.removeprefix("sqlite:///")).exists()
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_ADMIN)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": url.rsplit("/", 1)[1]}
        ).first()
    engine.dispose()
    return found is not None


def _mixed_requests(actors: dict) -> list:
    all_routes = scenarios(actors)
    picks = (
        ["list entries (20)"] * 4
        + ["get entry"] * 4
        + ["create entry", "search, common word", "therapist home", "therapist's client page"]
    )
    mix = []
    for name in picks:
        mix += all_routes[name][0][:2]
    return mix


def mixed(url: str, actors: dict, seconds: float, work: Path) -> dict:
    """The everyday mix at saturation, then at half that rate: p99 against p50, and errors."""
    requests = _mixed_requests(actors)
    full = wrk(url, _lua(requests), seconds, 16, 2, work)
    # Each connection waits between requests so that, together, they send half the rate.
    wait_ms = max(0.0, 16 / (full["rps"] / 2) * 1000 - full["p50_ms"])
    half = wrk(
        url, _lua(requests, f"delay = function() return {wait_ms:.1f} end"), seconds, 16, 2, work
    )
    half["p99_over_p50"] = round(half["p99_ms"] / half["p50_ms"], 2) if half["p50_ms"] else None
    print(
        f"mixed: saturation {full['rps']}/s; at half, p50 {half['p50_ms']} ms, "
        f"p99 {half['p99_ms']} ms, errors {half['errors']}",
        flush=True,
    )
    return {"saturation": full, "half": half}


def writers(url: str, actors: dict, seconds: int, work: Path, log: Path) -> dict:
    """Twenty connections writing at once (entries, and sign-ins with their slow hash)."""
    routes = scenarios(actors)
    requests = routes["create entry"][0] + routes["sign-in"][0][:2]
    before = log.read_bytes().count(b"database is locked")
    found = wrk(url, _lua(requests), seconds, 20, 20, work)
    found["database_is_locked"] = log.read_bytes().count(b"database is locked") - before
    print(
        f"20 writers for {seconds} s: {found['rps']}/s, errors {found['errors']}, "
        f"'database is locked' {found['database_is_locked']}",
        flush=True,
    )
    return found


def scaling(env: dict, actors: dict, seconds: float, work: Path, log: Path) -> dict:
    """Throughput of the read paths with 1 and 2 workers (up to the core count)."""
    found = {}
    for workers in range(1, (os.cpu_count() or 2) + 1):
        server = Server("bench.target:app", workers, env, log)
        try:
            routes = scenarios(actors)
            found[workers] = {
                name: wrk(server.url, _lua(routes[name][0]), seconds, 16, 2, work)["rps"]
                for name in ("get entry", "list entries (20)")
            }
        finally:
            server.stop()
        print(f"{workers} workers: {found[workers]}", flush=True)
    return found


def markdown(results: dict) -> str:
    """The results as a Markdown table."""
    base = results["baseline"]
    lines = [
        f"Tier {results['tier']} on {results['database']}, {results['cores']} cores, gunicorn -w 2 "
        f"(sync), wrk -c16 for {results['seconds_each']} s each. Baseline (bare Flask JSON): "
        f"{base['rps']:.0f} requests/s, p50 {base['p50_ms']:.2f} ms.",
        "",
        "| route | requests/s | ratio to baseline | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.get("routes", {}).items():
        lines.append(
            f"| {name} | {r['rps']:.0f} | {r['ratio']:.3f} | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']} |"
        )
    if "mixed" in results:
        half = results["mixed"]["half"]
        lines += [
            "",
            f"Mixed workload: saturation {results['mixed']['saturation']['rps']:.0f}/s; at half "
            f"of it, p50 {half['p50_ms']:.1f} ms, p99 {half['p99_ms']:.1f} ms "
            f"(p99/p50 {half['p99_over_p50']}), errors {half['errors']}.",
        ]
    if "writers" in results:
        w = results["writers"]
        lines.append(
            f"Twenty writers (creates and sign-ins) for 60 s: {w['rps']:.0f}/s, errors "
            f"{w['errors']}, 'database is locked' {w['database_is_locked']}, "
            f"p99 {w['p99_ms']:.0f} ms."
        )
    if "scaling" in results:
        lines += ["", "| workers | get entry /s | list /s |", "|---:|---:|---:|"]
        for workers, r in results["scaling"].items():
            lines.append(f"| {workers} | {r['get entry']:.0f} | {r['list entries (20)']:.0f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    """Parse arguments, install what is needed, measure, write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tier", choices=("XS", "S", "M"))
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--only", choices=("scaling",))
    parser.add_argument("--reseed", action="store_true", help="start from a fresh database")
    parser.add_argument(
        "--seed-only", action="store_true", help="fill the database, measure nothing"
    )
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is missing: apt-get install -y wrk")
    dev.ensure_env("bench/requirements-bench.txt")
    if Path(sys.prefix).resolve() != dev.VENV.resolve():  # go on inside the project's venv
        os.execv(PYTHON, [PYTHON, __file__, *sys.argv[1:]])
    if args.reseed:
        shutil.rmtree(WORK / f"{args.tier}-{args.db}", ignore_errors=True)
    if args.seed_only:
        work = WORK / f"{args.tier}-{args.db}"
        work.mkdir(parents=True, exist_ok=True)
        print(f"seeded in {seed(args.tier, _database(args.tier, args.db, work), work):.0f} s")
        return
    results = measure(args.tier, args.db, args.seconds, args.only)
    RESULTS.mkdir(exist_ok=True)
    name = f"{args.tier}-{args.db}" + (f"-{args.only}" if args.only else "")
    (RESULTS / f"{name}.json").write_text(json.dumps(results, indent=1) + "\n")
    (RESULTS / f"{name}.md").write_text(markdown(results))
    print(markdown(results))


if __name__ == "__main__":
    main()
