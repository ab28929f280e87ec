"""Flask commands: init-db, create-user, seed-demo, backup, restore, upkeep, reminders."""

import secrets

import click
import pyotp
from flask.cli import with_appcontext
from flask_migrate import upgrade
from marshmallow import ValidationError

from journal.errors import AppError, flatten_messages
from journal.models import ROLES, utcnow
from journal.schemas.auth import RegisterSchema
from journal.services import (
    accounts,
    audit,
    backup,
    entries,
    keys,
    mail,
    push,
    search_index,
    twofactor,
)

DEMO_ENTRIES = [
    (
        "reflection",
        "After Tuesday",
        "I noticed I held back when we talked about work. "
        "I think I was worried about sounding ungrateful.",
        ["session", "honesty"],
    ),
    (
        "reflection",
        "Feeling heard",
        "When she repeated back what I said about my brother, "
        "I felt understood for the first time in a while.",
        ["bond"],
    ),
    (
        "feedback",
        "The pace",
        "Some weeks feel rushed. I would like a little more time "
        "at the start to settle before we go into the hard parts.",
        ["pace"],
    ),
]


def _sentences(fields: dict) -> str:
    return " ".join(f"{name}: {m}" for name, messages in fields.items() for m in messages)


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema through migrations; never drops data."""
    upgrade()
    click.echo("The database is up to date.")


@click.command("create-user")
@with_appcontext
@click.option("--email", prompt=True)
@click.option("--name", "display_name", prompt="Display name")
@click.option("--role", type=click.Choice(ROLES), default="client", show_default=True)
@click.password_option()
def create_user(email, display_name, role, password):
    """Create an account from the shell."""
    given = {"email": email, "password": password, "display_name": display_name, "role": role}
    try:
        data = RegisterSchema().load(given)
        user = accounts.register(data["email"], data["password"], data["display_name"], role)
    except ValidationError as error:
        raise click.ClickException(_sentences(flatten_messages(error.messages))) from error
    except AppError as error:
        raise click.ClickException(_sentences(error.fields or {}) or error.message) from error
    click.echo(f"Created {user.role} {user.email} ({user.id}).")


@click.command("seed-demo")
@with_appcontext
def seed_demo():
    """Create a demo therapist and client with a few entries, for trying the app."""
    made = {}
    for role, email, name in (
        ("therapist", "therapist@demo.example", "Dr Demo"),
        ("client", "client@demo.example", "Sam Demo"),
    ):
        if accounts.find_by_email(email):
            raise click.ClickException(f"{email} already exists; seed-demo runs once.")
        password = "demo-" + secrets.token_urlsafe(12)
        made[role] = accounts.register(email, password, name, role)
        click.echo(f"{role}: {email}  password: {password}")
    therapist = made["therapist"]
    secret = twofactor.start_setup(therapist)
    # The previous step's code: still accepted, and it leaves the current code free for sign-in.
    twofactor.confirm_setup(therapist, pyotp.TOTP(secret).at(utcnow(), counter_offset=-1))
    click.echo(f"therapist two-step key: {secret}")
    click.echo(f"  or add this to an authenticator app: {twofactor.otpauth_uri(therapist, secret)}")
    for kind, title, body, tags in DEMO_ENTRIES:
        entries.create(
            made["client"],
            {"kind": kind, "title": title, "body": body, "tags": tags, "prompt_id": None},
        )
    click.echo("Demo data is ready.")


@click.command("reset-two-factor")
@with_appcontext
@click.argument("email")
def reset_two_factor(email):
    """Turn two-step sign-in off for an account whose phone is lost, and sign it out everywhere."""
    user = accounts.find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account has the email {email}.")
    twofactor.reset(user)
    click.echo(f"Two-step sign-in is off for {user.email}; it is signed out everywhere.")
    if user.is_therapist:
        click.echo("As a therapist, they will be asked to set it up again after signing in.")


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_db(path):
    """Write a consistent backup of every table to PATH (gzipped JSON), while the app runs."""
    counts = backup.write_backup(path)
    click.echo(f"Backed up {sum(counts.values())} rows to {path}.")


@click.command("restore")
@with_appcontext
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore_db(path):
    """Restore a backup from PATH into a freshly initialised, empty database."""
    try:
        counts = backup.restore_backup(path)
    except ValueError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {sum(counts.values())} rows from {path}.")


@click.command("rotate-data-key")
@with_appcontext
def rotate_data_key():
    """Rewrap every user's data key with the first (current) key in JOURNAL_DATA_KEY."""
    click.echo(f"Rewrapped {keys.rewrap_all()} user keys.")


@click.command("verify-audit")
@with_appcontext
def verify_audit():
    """Check the audit trail's hash chain; exit 1 if any link is broken."""
    count, broken = audit.verify_chain()
    if broken is not None:
        raise click.ClickException(f"The audit trail is broken at event {broken}.")
    click.echo(f"The audit trail is intact ({count} events).")


@click.command("send-mail")
@with_appcontext
def send_mail():
    """Send the mail waiting in the outbox now (the app also does this by itself)."""
    sent, kept = mail.drain(limit=1000)
    click.echo(f"{sent} sent, {kept} kept to try again later.")


@click.command("rebuild-search-index")
@click.option("--all", "every", is_flag=True, help="Rebuild every client's, not only missing ones.")
@with_appcontext
def rebuild_search_index(every):
    """Build the sealed search index of accounts from before it (or, with --all, of everyone)."""
    click.echo(f"Rebuilt the search index of {search_index.rebuild_all(every=every)} clients.")


@click.command("send-reminders")
@with_appcontext
def send_reminders():
    """Send the Web Push reminders due now; run it every few minutes (twice sends nothing twice)."""
    done = push.send_due()
    people = "person" if done.people == 1 else "people"
    click.echo(
        f"Reminders: {done.sent} sent to {done.people} {people}, {done.failed} failed, "
        f"{done.removed} ended subscriptions removed."
    )


def commands():
    """Every command this app adds to `flask`."""
    return [
        init_db,
        create_user,
        seed_demo,
        reset_two_factor,
        backup_db,
        restore_db,
        rotate_data_key,
        verify_audit,
        send_mail,
        rebuild_search_index,
        send_reminders,
    ]
