"""Start-up steps the factory calls: configuration, database engine, master key."""

import logging
import os
import secrets

from flask import Flask
from sqlalchemy import event
from werkzeug.middleware.proxy_fix import ProxyFix

from journal import transactions, vapid
from journal.config import Config, ConfigError, ensure_dev_secret
from journal.crypto import Keyring, new_master_key
from journal.extensions import db

log = logging.getLogger(__name__)


def apply_config(app: Flask, config) -> None:
    """Load configuration; development makes its own secrets in instance/, production refuses."""
    if config is None:
        config = Config(app.instance_path)
    app.config.update(config.as_dict() if isinstance(config, Config) else config)
    production = app.config["JOURNAL_ENV"] == "production"
    for name, make in (
        ("SECRET_KEY", lambda: secrets.token_hex(32)),
        ("JOURNAL_DATA_KEY", new_master_key),
        ("VAPID_PRIVATE_KEY", vapid.new_private_key),
    ):
        if app.config.get(name):
            continue
        if production:
            raise ConfigError(f"{name} must be set in production (see README).")
        app.config[name] = ensure_dev_secret(app.instance_path, name.lower(), make)
        log.warning("development mode: %s read from instance/%s", name, name.lower())
    try:
        vapid.private_key(app.config["VAPID_PRIVATE_KEY"])
    except ValueError as error:
        raise ConfigError(f"{error} (see README).") from None
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"connect_args": {"timeout": 15}}
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})["hide_parameters"] = True
    app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
    app.json.sort_keys = False


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    """Durable, concurrent SQLite: WAL, full sync, foreign keys, and our own BEGINs."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    wait = f"busy_timeout={transactions.LOCK_WAIT_MS}"
    # 32 MiB of page cache per connection (SQLite's default is 2 MiB): a large journal's index
    # pages stay in memory instead of being read again through the OS on every request.
    cache = "cache_size=-32768"
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", wait, cache):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def bind_database(app: Flask) -> None:
    """Bind SQLAlchemy and tune SQLite connections."""
    db.init_app(app)
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
            event.listen(engine, "begin", transactions.begin)
            event.listen(engine, "before_cursor_execute", transactions.watch_writes)
            event.listen(engine, "commit", transactions.after_commit)


def load_keyring(app: Flask) -> None:
    """Parse the master key once, so a bad JOURNAL_DATA_KEY stops start-up, not a request."""
    app.extensions["keyring"] = Keyring(app.config["JOURNAL_DATA_KEY"])


def trust_proxies(app: Flask) -> None:
    """Believe X-Forwarded-* only from the configured number of proxies."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def warn_if_limits_are_per_worker(app: Flask) -> None:
    """Say so at start when rate limits live in one process's memory where more than one
    process serves: each gunicorn worker would count its own tries (set REDIS_URL)."""
    if not app.config["RATELIMIT_STORAGE_URI"].startswith("memory"):
        return
    workers = os.environ.get("WEB_CONCURRENCY", "").strip()
    gunicorn_args = os.environ.get("GUNICORN_CMD_ARGS", "")
    several = (workers.isdigit() and int(workers) > 1) or any(
        flag in gunicorn_args.split() for flag in ("-w", "--workers")
    )
    if app.config["JOURNAL_ENV"] == "production" or several:
        log.warning(
            "rate limits are counted in memory: each worker process keeps its own count, so "
            "sign-in limits are weaker than they say. Set REDIS_URL to share them (see README)."
        )
