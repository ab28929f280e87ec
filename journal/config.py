"""Configuration read from environment variables; every one is in the README."""

import os
import secrets
from pathlib import Path


class ConfigError(RuntimeError):
    """The app cannot start safely with this configuration."""


def _int(name: str, default: int, low: int = 0, high: int | None = None) -> int:
    """Read a whole-number variable within its range; unset or empty keeps the default."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    number = int(value) if value.isdigit() else None  # isdigit: no sign, no "1e3", no "2.5"
    if number is None or number < low or (high is not None and number > high):
        bounds = f"from {low} to {high}" if high is not None else f"of {low} or more"
        raise ConfigError(f"{name} must be a whole number {bounds}, not {value!r} (see README).")
    return number


def _flag(name: str, default: bool) -> bool:
    """Read an on/off variable: 0, false, no or off turn it off; unset keeps the default."""
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value not in ("0", "false", "no", "off")


class Config:
    """Settings for development and production, fed by the environment."""

    def __init__(self, instance_path: str) -> None:
        env = os.environ.get("JOURNAL_ENV", "development").strip() or "development"
        self.JOURNAL_ENV = env
        self.DEBUG = False
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or None
        self.JOURNAL_DATA_KEY = os.environ.get("JOURNAL_DATA_KEY") or None
        self.SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or (
            "sqlite:///" + str(Path(instance_path) / "journal.sqlite3")
        )
        self.REDIS_URL = os.environ.get("REDIS_URL") or None
        self.RATELIMIT_STORAGE_URI = self.REDIS_URL or "memory://"
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_ENABLED = True
        self.CLIENT_IDLE_MINUTES = _int("CLIENT_IDLE_MINUTES", 30, low=1)
        self.THERAPIST_IDLE_MINUTES = _int("THERAPIST_IDLE_MINUTES", 15, low=1)
        self.SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12, low=1)
        self.REAUTH_MINUTES = 5
        # A client's alliance is flagged when the latest shared check-in totals below this
        # (of 40), or fell by at least ALLIANCE_FALL since the one before.
        self.ALLIANCE_LOW_TOTAL = _int("ALLIANCE_LOW_TOTAL", 36, high=40)
        self.ALLIANCE_FALL = _int("ALLIANCE_FALL", 1, low=1, high=40)
        # Therapists hold many clients' words: they must use two-step sign-in (TOTP).
        self.THERAPIST_TWO_FACTOR = _flag("THERAPIST_TWO_FACTOR", True)
        # Number of reverse proxies in front of the app whose X-Forwarded-* we trust.
        self.TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)
        self.LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
        # Outgoing mail: smtp://user:pass@host:port (smtps:// for TLS); unset, mail is logged.
        self.MAIL_URL = os.environ.get("MAIL_URL") or None
        self.MAIL_FROM = os.environ.get("MAIL_FROM") or "Alliance Journal <no-reply@localhost>"
        self.MAIL_SEND_IN_BACKGROUND = True
        # Web Push: the server's P-256 key (base64url; made in instance/ in development) and
        # who push services may contact about our sending (a mailto: or https: address).
        self.VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY") or None
        self.VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT") or "mailto:no-reply@localhost"
        # argon2id parameters: the library's defaults (t=3, 64 MiB, p=4).
        self.ARGON2_TIME_COST = 3
        self.ARGON2_MEMORY_COST = 65536
        self.ARGON2_PARALLELISM = 4

        production = env == "production"
        self.SESSION_COOKIE_SECURE = production
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_NAME = "__Host-journal" if production else "journal"
        self.PREFERRED_URL_SCHEME = "https" if production else "http"
        self.MAX_CONTENT_LENGTH = 1024 * 1024
        # The one route that takes a file (an import) takes up to this much; 413 beyond it.
        self.MAX_IMPORT_BYTES = _int("MAX_IMPORT_BYTES", 64 * 1024 * 1024, low=1024)
        self.WTF_CSRF_TIME_LIMIT = None
        self.WTF_CSRF_HEADERS = ["X-CSRFToken"]
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}

    def as_dict(self) -> dict:
        """Return the upper-case settings as a mapping for app.config."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


class TestingConfig(Config):
    """Fast, isolated settings for the test suite."""

    def __init__(self, instance_path: str) -> None:
        super().__init__(instance_path)
        self.TESTING = True
        self.JOURNAL_ENV = "testing"
        self.SECRET_KEY = "test-secret-" + secrets.token_hex(8)
        self.JOURNAL_DATA_KEY = None
        self.SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TEST_DATABASE_URL", "sqlite:///" + str(Path(instance_path) / "test.sqlite3")
        )
        self.RATELIMIT_STORAGE_URI = "memory://"
        self.MAIL_URL = None  # the suite points mail at its own local SMTP server
        self.MAIL_SEND_IN_BACKGROUND = False  # tests drain the outbox when they choose
        self.THERAPIST_TWO_FACTOR = True  # the suite tests the real rule, whatever the shell says
        # Cheap hashing keeps the suite fast; a test pins the production defaults.
        self.ARGON2_TIME_COST = 1
        self.ARGON2_MEMORY_COST = 1024
        self.ARGON2_PARALLELISM = 1


def ensure_dev_secret(instance_path: str, filename: str, make) -> str:
    """Read a development secret from instance/, creating it on first use."""
    path = Path(instance_path) / filename
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; read theirs
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(make())
    return path.read_text().strip()
