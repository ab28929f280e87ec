"""Encryption at rest: the master keyring, wrapped user keys, sealed fields, key rotation."""

import base64
import os

import pytest
from sqlalchemy import select

from journal import create_app
from journal.config import TestingConfig as _TestingConfig
from journal.crypto import DataKeyError, FieldCipher, Keyring, new_master_key, parse_keyring
from journal.extensions import db
from journal.models import Entry, User
from journal.services import entries

SECRET_WORDS = "Ich fühle mich gehört 🌱 — 今日は話せた"


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


KEY_A, KEY_B = os.urandom(32), os.urandom(32)


def test_parse_keyring_single_key():
    assert parse_keyring(f"1:{b64(KEY_A)}") == {1: KEY_A}


def test_parse_keyring_keeps_the_current_key_first():
    ring = parse_keyring(f"2:{b64(KEY_B)}, 1:{b64(KEY_A)}")
    assert list(ring) == [2, 1]
    assert ring == {2: KEY_B, 1: KEY_A}
    assert Keyring(f"2:{b64(KEY_B)},1:{b64(KEY_A)}").current_version == 2


def test_new_master_key_parses_as_version_one():
    assert list(parse_keyring(new_master_key())) == [1]


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        b64(KEY_A),  # no version
        "1:not*base64*at*all",
        f"1:{b64(os.urandom(16))}",  # AES-128 is not enough
        f"1:{b64(os.urandom(33))}",
        f"1:{b64(KEY_A)},1:{b64(KEY_B)}",  # duplicate version
        f"0:{b64(KEY_A)}",
        f"-1:{b64(KEY_A)}",
        f"one:{b64(KEY_A)}",
        f"1:{b64(KEY_A)},",
    ],
    ids=[
        "none",
        "empty",
        "no-version",
        "bad-base64",
        "16-bytes",
        "33-bytes",
        "duplicate-version",
        "version-0",
        "negative-version",
        "word-version",
        "trailing-comma",
    ],
)
def test_bad_keyrings_are_refused(value):
    with pytest.raises(DataKeyError):
        parse_keyring(value)


@pytest.fixture
def ring():
    return Keyring(f"1:{b64(KEY_A)}")


def test_wrap_and_unwrap_round_trip(ring):
    data_key = os.urandom(32)
    wrapped = ring.wrap(data_key, "user-1")
    assert data_key not in wrapped
    assert ring.unwrap(wrapped, 1, "user-1") == data_key


def test_new_user_key_is_wrapped_with_the_current_version():
    two = Keyring(f"2:{b64(KEY_B)},1:{b64(KEY_A)}")
    wrapped, version = two.wrap_new_user_key("user-1")
    assert version == 2
    assert len(two.unwrap(wrapped, 2, "user-1")) == 32


@pytest.mark.parametrize(
    "user_id, version",
    [("user-2", 1), ("user-1", 2)],
    ids=["other-user", "unknown-version"],
)
def test_unwrap_in_the_wrong_context_fails(ring, user_id, version):
    wrapped = ring.wrap(os.urandom(32), "user-1")
    with pytest.raises(DataKeyError):
        ring.unwrap(wrapped, version, user_id)


def test_unwrap_with_another_master_key_fails(ring):
    wrapped = ring.wrap(os.urandom(32), "user-1")
    with pytest.raises(DataKeyError):
        Keyring(f"1:{b64(KEY_B)}").unwrap(wrapped, 1, "user-1")


@pytest.fixture
def cipher():
    return FieldCipher(os.urandom(32), "owner-1")


@pytest.mark.parametrize("text", ["", "plain", SECRET_WORDS, "x" * 20_000, "\x00 nul \u202e"])
def test_seal_and_open_round_trip(cipher, text):
    sealed = cipher.seal("entries", "row-1", "body", text)
    assert text.encode() not in sealed or text == ""
    assert cipher.open("entries", "row-1", "body", sealed) == text


@pytest.mark.parametrize(
    "table, row, column, owner",
    [
        ("checkins", "row-1", "body", "owner-1"),
        ("entries", "row-2", "body", "owner-1"),
        ("entries", "row-1", "title", "owner-1"),
        ("entries", "row-1", "body", "owner-2"),
    ],
    ids=["other-table", "other-row", "other-column", "other-owner"],
)
def test_a_sealed_value_opens_only_in_its_own_place(cipher, table, row, column, owner):
    sealed = cipher.seal("entries", "row-1", "body", SECRET_WORDS)
    moved = FieldCipher(cipher.key, owner)
    with pytest.raises(DataKeyError):
        moved.open(table, row, column, sealed)


@pytest.mark.parametrize(
    "position", [0, 1, 12, 13, -1], ids=["format", "nonce", "nonce-end", "body", "tag"]
)
def test_tampered_ciphertext_fails(cipher, position):
    sealed = bytearray(cipher.seal("entries", "row-1", "body", SECRET_WORDS))
    sealed[position] ^= 0x01
    with pytest.raises(DataKeyError):
        cipher.open("entries", "row-1", "body", bytes(sealed))


def test_another_key_cannot_open(cipher):
    sealed = cipher.seal("entries", "row-1", "body", SECRET_WORDS)
    with pytest.raises(DataKeyError):
        FieldCipher(os.urandom(32), "owner-1").open("entries", "row-1", "body", sealed)


def test_every_seal_uses_a_fresh_nonce(cipher):
    first = cipher.seal("entries", "row-1", "body", SECRET_WORDS)
    second = cipher.seal("entries", "row-1", "body", SECRET_WORDS)
    assert first != second
    assert first[1:13] != second[1:13]  # the 96-bit nonces differ
    assert len(first) == 1 + 12 + len(SECRET_WORDS.encode()) + 16  # AES-GCM tag, no padding


def test_entry_text_is_sealed_in_the_database(app, make_user, make_entry):
    user = make_user()
    view = make_entry(user, body=SECRET_WORDS, title="Quiet title", tags=["quiet-tag"])
    with app.app_context():
        row = db.session.get(Entry, view.id)
        stored = row.title_sealed + row.body_sealed + row.tags_sealed
        for text in (SECRET_WORDS, "Quiet title", "quiet-tag"):
            assert text.encode() not in stored
        wrapped = db.session.get(User, user.id).wrapped_key
        assert wrapped and len(wrapped) == 1 + 12 + 32 + 16


@pytest.fixture
def app_with_key(app, tmp_path):
    """Build a second app over the same database with another JOURNAL_DATA_KEY."""
    made = []

    def build(data_key):
        config = _TestingConfig(str(tmp_path))
        config.SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        config.JOURNAL_DATA_KEY = data_key
        other = create_app(config)
        made.append(other)
        return other

    yield build
    for other in made:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()


def rotate(application):
    """Run `flask rotate-data-key` against one app."""
    with application.app_context():
        return application.test_cli_runner().invoke(args=["rotate-data-key"])


def _open_all(application, user_id):
    with application.app_context():
        user = db.session.get(User, user_id)
        return user.key_version, [view.body for view in entries.list_all(user)]


def test_rotate_data_key_rewraps_every_user(app, app_with_key, make_user, make_entry):
    old = app.config["JOURNAL_DATA_KEY"]
    users = [make_user("client"), make_user("client"), make_user("therapist")]
    make_entry(users[0], body=SECRET_WORDS)
    make_entry(users[1], body="second writer")
    new = b64(os.urandom(32))
    rotated = app_with_key(f"2:{new},{old}")

    result = rotate(rotated)
    assert result.exit_code == 0, result.output
    assert "Rewrapped 3 user keys." in result.output

    with rotated.app_context():
        versions = db.session.scalars(select(User.key_version)).all()
    assert sorted(versions) == [2, 2, 2]
    assert _open_all(rotated, users[0].id) == (2, [SECRET_WORDS])
    # The old key is no longer needed ...
    assert _open_all(app_with_key(f"2:{new}"), users[1].id) == (2, ["second writer"])
    # ... and a second run has nothing left to do.
    again = rotate(rotated)
    assert "Rewrapped 0 user keys." in again.output
    # The app that only knows version 1 can no longer open the keys.
    with app.app_context(), pytest.raises(DataKeyError):
        entries.list_all(db.session.get(User, users[0].id))


def test_rotated_app_writes_new_users_with_the_current_version(app, app_with_key, make_user):
    rotated = app_with_key(f"2:{b64(os.urandom(32))},{app.config['JOURNAL_DATA_KEY']}")
    with rotated.app_context():
        from journal.services import accounts

        user = accounts.register("rotated@example.test", "a calm river at dawn", "R", "client")
        assert user.key_version == 2
        view, _ = entries.create(
            user, {"kind": "reflection", "title": "", "body": "new", "tags": [], "prompt_id": None}
        )
        assert entries.get(user, view.id).body == "new"


@pytest.mark.parametrize("data_key", ["1:short", "garbage", f"0:{b64(KEY_A)}"])
def test_bad_data_key_stops_create_app(tmp_path, data_key):
    config = _TestingConfig(str(tmp_path))
    config.SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(tmp_path / "unused.sqlite3")
    config.JOURNAL_DATA_KEY = data_key
    with pytest.raises(DataKeyError):
        create_app(config)
