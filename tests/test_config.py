"""Configuration from the environment, and the start-up checks in bootstrap."""

import os
import stat

import pytest
from flask import Flask

from journal import create_app, vapid
from journal.bootstrap import ConfigError, apply_config
from journal.config import Config
from journal.crypto import new_master_key, parse_keyring

ENV_NAMES = (
    "JOURNAL_ENV",
    "SECRET_KEY",
    "JOURNAL_DATA_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CLIENT_IDLE_MINUTES",
    "THERAPIST_IDLE_MINUTES",
    "SESSION_ABSOLUTE_HOURS",
    "TRUSTED_PROXIES",
    "LOG_LEVEL",
    "THERAPIST_TWO_FACTOR",
    "ALLIANCE_LOW_TOTAL",
    "ALLIANCE_FALL",
    "VAPID_PRIVATE_KEY",
    "VAPID_SUBJECT",
)


@pytest.fixture
def env(monkeypatch, tmp_path):
    """A clean environment whose database is a throwaway SQLite file."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATABASE_URL", "sqlite:///" + str(tmp_path / "config.sqlite3"))
    return monkeypatch


def bare_app(instance) -> Flask:
    return Flask("journal_config_test", instance_path=str(instance))


def test_defaults(env, tmp_path):
    config = Config(str(tmp_path))
    assert config.JOURNAL_ENV == "development"
    assert (config.CLIENT_IDLE_MINUTES, config.THERAPIST_IDLE_MINUTES) == (30, 15)
    assert config.SESSION_ABSOLUTE_HOURS == 12
    assert config.REAUTH_MINUTES == 5
    assert config.MAX_CONTENT_LENGTH == 1024 * 1024
    assert config.WTF_CSRF_TIME_LIMIT is None
    assert config.SESSION_COOKIE_HTTPONLY is True
    assert config.SESSION_COOKIE_SAMESITE == "Lax"
    assert config.RATELIMIT_STORAGE_URI == "memory://"
    assert config.TRUSTED_PROXIES == 0
    assert config.THERAPIST_TWO_FACTOR is True


def test_argon2_production_defaults(env, tmp_path):
    env.setenv("JOURNAL_ENV", "production")
    config = Config(str(tmp_path))
    assert (config.ARGON2_TIME_COST, config.ARGON2_MEMORY_COST, config.ARGON2_PARALLELISM) == (
        3,
        65536,
        4,
    )


@pytest.mark.parametrize(
    "name, value, setting, expected",
    [
        ("CLIENT_IDLE_MINUTES", "7", "CLIENT_IDLE_MINUTES", 7),
        ("THERAPIST_IDLE_MINUTES", "3", "THERAPIST_IDLE_MINUTES", 3),
        ("SESSION_ABSOLUTE_HOURS", "2", "SESSION_ABSOLUTE_HOURS", 2),
        ("TRUSTED_PROXIES", "1", "TRUSTED_PROXIES", 1),
        ("CLIENT_IDLE_MINUTES", "", "CLIENT_IDLE_MINUTES", 30),
        ("DATABASE_URL", "postgresql+psycopg://db/x", "SQLALCHEMY_DATABASE_URI", None),
        ("REDIS_URL", "redis://cache:6379/0", "RATELIMIT_STORAGE_URI", None),
        ("SECRET_KEY", "s3cret-from-env", "SECRET_KEY", None),
        ("LOG_LEVEL", "WARNING", "LOG_LEVEL", None),
        ("THERAPIST_TWO_FACTOR", "0", "THERAPIST_TWO_FACTOR", False),
        ("THERAPIST_TWO_FACTOR", " Off ", "THERAPIST_TWO_FACTOR", False),
        ("THERAPIST_TWO_FACTOR", "1", "THERAPIST_TWO_FACTOR", True),
        ("THERAPIST_TWO_FACTOR", "", "THERAPIST_TWO_FACTOR", True),
        ("ALLIANCE_LOW_TOTAL", "30", "ALLIANCE_LOW_TOTAL", 30),
        ("ALLIANCE_LOW_TOTAL", "0", "ALLIANCE_LOW_TOTAL", 0),
        ("ALLIANCE_LOW_TOTAL", "40", "ALLIANCE_LOW_TOTAL", 40),
        ("ALLIANCE_FALL", " 3 ", "ALLIANCE_FALL", 3),
        ("ALLIANCE_FALL", "", "ALLIANCE_FALL", 1),
    ],
)
def test_settings_come_from_the_environment(env, tmp_path, name, value, setting, expected):
    env.setenv(name, value)
    assert getattr(Config(str(tmp_path)), setting) == (value if expected is None else expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("ALLIANCE_FALL", "0"),  # would flag every client whose total merely stayed the same
        ("ALLIANCE_FALL", "-2"),
        ("ALLIANCE_FALL", "41"),
        ("ALLIANCE_LOW_TOTAL", "41"),
        ("ALLIANCE_LOW_TOTAL", "-1"),
        ("ALLIANCE_LOW_TOTAL", "36.5"),
        ("CLIENT_IDLE_MINUTES", "0"),
        ("THERAPIST_IDLE_MINUTES", "ten"),
        ("SESSION_ABSOLUTE_HOURS", "1e3"),
        ("TRUSTED_PROXIES", "-1"),
    ],
)
def test_a_number_out_of_its_range_stops_the_start_with_its_name(env, tmp_path, name, value):
    env.setenv(name, value)
    with pytest.raises(ConfigError, match=f"{name} must be a whole number"):
        Config(str(tmp_path))


def test_sqlite_in_instance_folder_without_database_url(env, tmp_path):
    env.delenv("DATABASE_URL")
    assert (
        "sqlite:///" + str(tmp_path / "journal.sqlite3")
        == Config(str(tmp_path)).SQLALCHEMY_DATABASE_URI
    )


@pytest.mark.parametrize(
    "environment, secure, cookie, scheme",
    [("production", True, "__Host-journal", "https"), ("development", False, "journal", "http")],
)
def test_cookie_settings_follow_the_environment(env, tmp_path, environment, secure, cookie, scheme):
    env.setenv("JOURNAL_ENV", environment)
    config = Config(str(tmp_path))
    assert config.SESSION_COOKIE_SECURE is secure
    assert cookie == config.SESSION_COOKIE_NAME
    assert scheme == config.PREFERRED_URL_SCHEME


@pytest.mark.parametrize("missing", ["SECRET_KEY", "JOURNAL_DATA_KEY", "VAPID_PRIVATE_KEY"])
def test_production_refuses_to_start_without_secrets(env, tmp_path, missing):
    env.setenv("JOURNAL_ENV", "production")
    env.setenv("SECRET_KEY", "a long production secret")
    env.setenv("JOURNAL_DATA_KEY", new_master_key())
    env.setenv("VAPID_PRIVATE_KEY", vapid.new_private_key())
    env.delenv(missing)
    with pytest.raises(ConfigError, match=missing):
        create_app(Config(str(tmp_path)))
    with pytest.raises(ConfigError, match=missing):
        apply_config(bare_app(tmp_path / "instance"), Config(str(tmp_path)))
    assert not (tmp_path / "instance").exists()  # nothing was generated


def test_development_generates_secrets_once_with_private_permissions(env, tmp_path):
    instance = tmp_path / "instance"
    first = bare_app(instance)
    apply_config(first, Config(str(instance)))
    for name in ("secret_key", "journal_data_key", "vapid_private_key"):
        path = instance / name
        assert path.is_file()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert len(first.config["SECRET_KEY"]) >= 32
    assert list(parse_keyring(first.config["JOURNAL_DATA_KEY"])) == [1]
    assert (instance / "secret_key").read_text().strip() == first.config["SECRET_KEY"]

    second = bare_app(instance)
    apply_config(second, Config(str(instance)))
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    assert second.config["JOURNAL_DATA_KEY"] == first.config["JOURNAL_DATA_KEY"]
    assert second.config["VAPID_PRIVATE_KEY"] == first.config["VAPID_PRIVATE_KEY"]
    assert len(vapid.from_b64url(vapid.public_key(first.config["VAPID_PRIVATE_KEY"]))) == 65


@pytest.mark.parametrize("bad", ["not-a-key", vapid.b64url(b"short")])
def test_a_vapid_key_that_is_not_one_stops_start_up(env, tmp_path, bad):
    env.setenv("VAPID_PRIVATE_KEY", bad)
    with pytest.raises(ConfigError, match="VAPID_PRIVATE_KEY"):
        apply_config(bare_app(tmp_path / "instance"), Config(str(tmp_path / "instance")))


def test_development_prefers_keys_from_the_environment(env, tmp_path):
    key = new_master_key()
    env.setenv("SECRET_KEY", "from-the-environment")
    env.setenv("JOURNAL_DATA_KEY", key)
    instance = tmp_path / "instance"
    application = bare_app(instance)
    apply_config(application, Config(str(instance)))
    assert application.config["SECRET_KEY"] == "from-the-environment"
    assert application.config["JOURNAL_DATA_KEY"] == key
    assert not (instance / "secret_key").exists()


@pytest.fixture
def production_app(env, tmp_path):
    env.setenv("JOURNAL_ENV", "production")
    env.setenv("SECRET_KEY", "a long production secret")
    env.setenv("JOURNAL_DATA_KEY", new_master_key())
    env.setenv("VAPID_PRIVATE_KEY", vapid.new_private_key())
    application = create_app(Config(str(tmp_path)))
    yield application
    from journal.extensions import db

    with application.app_context():
        db.engine.dispose()


def test_production_session_cookie_is_host_only_and_secure(production_app):
    client = production_app.test_client()
    response = client.get("/api/v1/auth/csrf", base_url="https://localhost")
    assert response.status_code == 200
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("__Host-journal=")
    for part in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
        assert part in cookie
    assert "Domain" not in cookie
    assert production_app.config["DEBUG"] is False
    assert production_app.config.get("TESTING") is not True


def test_production_hashes_with_the_argon2_defaults(production_app):
    from journal.services.passwords import hash_password

    with production_app.app_context():
        assert hash_password("a calm river at dawn").startswith("$argon2id$v=19$m=65536,t=3,p=4$")
