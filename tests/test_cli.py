"""The flask commands: init-db, create-user, seed-demo, backup, restore, verify-audit."""

import gzip
import json
import re

import pyotp
import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import AuditEvent, Entry, User, utcnow
from journal.services import entries
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error, totp_code


@pytest.fixture
def cli(app, runner):
    """Run a command the way `flask <args>` does."""

    def run(*args, input=None):
        return runner.invoke(args=list(args), input=input)

    return run


def rows(app, model, *where):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*where))


def empty_every_table(app):
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()


def assert_refused(result, *phrases):
    """A clean refusal: exit code 1, an `Error:` line, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Error:" in result.output
    assert "Traceback" not in result.output
    for phrase in phrases:
        assert phrase in result.output


def test_runner_works_without_a_pushed_context(runner):
    result = runner.invoke(args=["verify-audit"])
    assert result.exit_code == 0, repr(result.exception)


def test_init_db_is_idempotent_and_keeps_data(app, cli, make_user, make_entry):
    user = make_user("client")
    make_entry(user, body="Still here after init-db")
    for _ in range(2):
        result = cli("init-db")
        assert result.exit_code == 0, result.output
        assert "up to date" in result.output
    assert rows(app, User, User.id == user.id) == 1
    with app.app_context():
        [view] = entries.list_all(db.session.get(User, user.id))
    assert view.body == "Still here after init-db"


@pytest.mark.parametrize("role", ["client", "therapist"])
@pytest.mark.parametrize("how", ["options", "prompts"])
def test_create_user(app, cli, role, how):
    email = f"Shell.{role}@Example.test"
    if how == "options":
        result = cli(
            "create-user",
            "--email",
            email,
            "--name",
            "Shell",
            "--role",
            role,
            "--password",
            PASSWORD,
        )
    else:
        result = cli(
            "create-user", "--role", role, input=f"{email}\nShell\n{PASSWORD}\n{PASSWORD}\n"
        )
    assert result.exit_code == 0, result.output
    assert f"Created {role} {email.lower()}" in result.output
    assert PASSWORD not in result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email.lower()))
        assert (user.role, user.display_name) == (role, "Shell")
        assert user.wrapped_key is not None
        assert user.password_hash.startswith("$argon2id$")
    assert Api(app.test_client()).login(email.lower()).status_code == 200


@pytest.mark.parametrize(
    "password, phrase",
    [
        ("password1234", "too common"),
        ("short", "at least 12"),
        ("x" * 257, "256"),
    ],
    ids=["common", "short", "long"],
)
def test_create_user_refuses_a_weak_password(app, cli, password, phrase):
    result = cli(
        "create-user", "--email", "weak@example.test", "--name", "W", "--password", password
    )
    assert_refused(result, "password", phrase)
    assert rows(app, User) == 0


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["--email", "not-an-email", "--name", "N"], "email"),
        (["--email", "ok@example.test", "--name", ""], "display_name"),
        (["--email", "ok@example.test", "--name", "N", "--role", "admin"], "admin"),
    ],
    ids=["bad-email", "empty-name", "bad-role"],
)
def test_create_user_refuses_bad_fields(app, cli, args, phrase):
    result = cli("create-user", *args, "--password", PASSWORD)
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert phrase in result.output
    assert rows(app, User) == 0


def test_create_user_refuses_a_taken_email(app, cli, make_user):
    make_user("client", email="taken@example.test")
    result = cli(
        "create-user", "--email", "TAKEN@example.test", "--name", "T", "--password", PASSWORD
    )
    assert_refused(result, "email")
    assert rows(app, User) == 1


def test_seed_demo_runs_once(app, cli):
    result = cli("seed-demo")
    assert result.exit_code == 0, result.output
    passwords = dict(re.findall(r"(\S+@demo\.example)\s+password: (\S+)", result.output))
    assert set(passwords) == {"therapist@demo.example", "client@demo.example"}
    with app.app_context():
        therapist = db.session.scalar(select(User).where(User.role == "therapist"))
        client = db.session.scalar(select(User).where(User.role == "client"))
        assert therapist.email == "therapist@demo.example"
        assert len(entries.list_all(client)) == 3
    client_password = passwords["client@demo.example"]
    assert Api(app.test_client()).login("client@demo.example", client_password).status_code == 200
    # The therapist has two-step sign-in on; the key and the otpauth URI are printed for a tester.
    secret = re.search(r"two-step key: ([A-Z2-7]{32})\n", result.output).group(1)
    assert f"otpauth://totp/Alliance%20Journal:therapist%40demo.example?secret={secret}" in (
        result.output
    )
    therapist_password = passwords["therapist@demo.example"]
    without = Api(app.test_client()).login("therapist@demo.example", therapist_password)
    assert_error(without, 401, "totp_required")
    code = pyotp.TOTP(secret).at(utcnow())
    api = Api(app.test_client())
    assert api.login("therapist@demo.example", therapist_password, totp=code).status_code == 200
    assert api.get("/api/v1/me").get_json()["two_factor"] is True

    again = cli("seed-demo")
    assert_refused(again, "already exists")
    assert rows(app, User) == 2
    assert rows(app, Entry) == 3


def test_backup_and_restore_round_trip(app, cli, make_user, make_entry, tmp_path):
    client, therapist = make_user("client"), make_user("therapist")
    written = make_entry(client, body="Backed up, still sealed 🌧", title="Backup", tags=["b"])
    gone = make_entry(client, body="Deleted later")
    with app.app_context():
        entries.delete(db.session.get(User, client.id), gone.id)
    Api(app.test_client()).login(client.email, "wrong password here")  # a failed-login event
    path = tmp_path / "b.json.gz"

    result = cli("backup", str(path))
    assert result.exit_code == 0, result.output
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        raw = handle.read()
    assert "Backed up, still sealed" not in raw  # the file holds only ciphertext
    assert json.loads(raw)["format"] == "alliance-journal-backup/1"
    events_before = rows(app, AuditEvent)

    empty_every_table(app)
    assert rows(app, User) == 0
    result = cli("restore", str(path))
    assert result.exit_code == 0, result.output

    assert rows(app, User) == 2 and rows(app, Entry) == 2
    assert rows(app, AuditEvent) == events_before
    with app.app_context():
        views = entries.list_all(db.session.get(User, client.id))
    assert [v.body for v in views] == ["Backed up, still sealed 🌧"]
    assert cli("verify-audit").exit_code == 0

    api = Api(app.test_client())
    assert api.login(client.email).status_code == 200  # appends to the restored audit chain
    assert api.get(f"/api/v1/entries/{written.id}").get_json()["title"] == "Backup"
    replay = api.post("/api/v1/entries", {"id": gone.id, "body": "revived?"})
    assert replay.status_code == 410  # the tombstone came back too
    # The therapist's sealed TOTP secret came back and still opens.
    therapist_api = Api(app.test_client())
    assert therapist_api.login(therapist.email, totp=totp_code(app, therapist)).status_code == 200
    assert "intact" in cli("verify-audit").output


def test_restore_refuses_a_database_with_data(app, cli, make_user, tmp_path):
    make_user("client")
    path = tmp_path / "b.json.gz"
    assert cli("backup", str(path)).exit_code == 0
    assert_refused(cli("restore", str(path)), "not empty")
    assert rows(app, User) == 1


def _write(path, kind):
    if kind == "plain-text":
        path.write_text("hello, not a backup")
    elif kind == "gzip-not-json":
        with gzip.open(path, "wt") as handle:
            handle.write("hello, not a backup")
    elif kind == "other-format":
        with gzip.open(path, "wt") as handle:
            json.dump({"format": "something-else/1", "tables": {}}, handle)
    elif kind == "json-list":
        with gzip.open(path, "wt") as handle:
            json.dump([1, 2, 3], handle)


@pytest.mark.parametrize(
    "kind",
    [
        "plain-text",
        "gzip-not-json",
        "other-format",
        "json-list",
    ],
)
def test_restore_refuses_a_file_that_is_not_a_backup(app, cli, tmp_path, kind):
    path = tmp_path / "not-a-backup.json.gz"
    _write(path, kind)
    assert_refused(cli("restore", str(path)))
    assert rows(app, User) == 0


def test_verify_audit_detects_tampering(app, cli, make_user, make_entry):
    user = make_user("client")
    make_entry(user)
    Api(app.test_client()).login(user.email)
    ok = cli("verify-audit")
    assert ok.exit_code == 0, ok.output
    assert re.search(r"intact \(\d+ events\)", ok.output)

    with app.app_context():
        first = db.session.scalar(select(AuditEvent).order_by(AuditEvent.seq).limit(1))
        first.action = "logout"
        seq = first.seq
        db.session.commit()
    broken = cli("verify-audit")
    assert_refused(broken, f"broken at event {seq}")


def test_verify_audit_on_an_empty_trail(cli):
    result = cli("verify-audit")
    assert result.exit_code == 0
    assert "intact (0 events)" in result.output
