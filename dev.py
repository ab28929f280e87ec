"""The two commands: `python3 dev.py serve` runs the app, `python3 dev.py test` runs every check.

Only the standard library is used here, so this works on a fresh machine with Python 3.11+.
It makes `.venv/`, installs the pinned requirements (again only when they change), then runs.
"""

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str, env: dict | None = None) -> None:
    """Run a command from the project root; stop with its exit code if it fails."""
    code = subprocess.call(list(args), cwd=ROOT, env={**os.environ, **(env or {})})
    if code:
        sys.exit(code)


def ensure_env(requirements: str) -> None:
    """Create the virtual environment and install requirements when they changed."""
    if sys.version_info < (3, 11):
        sys.exit("Alliance Journal needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print("Creating .venv ...", flush=True)
        venv.create(VENV, with_pip=True)
    files = [ROOT / "requirements.txt", ROOT / requirements]
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()
    stamp = VENV / f".installed-{Path(requirements).stem}"
    if not stamp.exists() or stamp.read_text() != digest:
        print(f"Installing {requirements} ...", flush=True)
        run(
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-r",
            requirements,
        )
        stamp.write_text(digest)


def ensure_axe() -> None:
    """Install axe-core for the accessibility checks when npm is there (tests skip it if not)."""
    npm = shutil.which("npm")
    if npm and not (ROOT / "node_modules" / "axe-core" / "axe.min.js").exists():
        print("Installing axe-core for the browser tests ...", flush=True)
        run(npm, "install", "--no-audit", "--no-fund", "--silent")


def serve() -> None:
    """Install, create or upgrade the SQLite schema, and serve at http://127.0.0.1:5000."""
    ensure_env("requirements.txt")
    flask = [str(PYTHON), "-m", "flask", "--app", "app"]
    run(*flask, "init-db")
    run(*flask, "run", "--host", "127.0.0.1", "--port", "5000")


def test(extra: list[str]) -> None:
    """Install, lint, check formatting, and run the whole suite with coverage of journal/."""
    ensure_env("requirements-dev.txt")
    ensure_axe()
    run(str(PYTHON), "-m", "ruff", "check", ".")
    run(str(PYTHON), "-m", "ruff", "format", "--check", ".")
    run(str(PYTHON), "-m", "pytest", "--cov=journal", "--cov-report=term", *extra)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "serve":
        serve()
    elif command == "test":
        test(sys.argv[2:])
    else:
        sys.exit("usage: python3 dev.py serve | python3 dev.py test [pytest arguments]")
