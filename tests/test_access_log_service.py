"""The client's access log below the API: every read by someone else, newest first."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, User, utcnow
from journal.services import (
    accesslog,
    accounts,
    appointments,
    audit,
    entries,
    links,
    packets,
    reading,
    sharing,
)
from tests.conftest import PASSWORD


@pytest.fixture
def world(ctx, make_user, make_entry):
    """Ada shares two entries with Dr Kim and one with Dr Lee; Bo shares with Dr Kim."""
    ada, bo = make_user("client", name="Ada"), make_user("client", name="Bo")
    kim, lee = make_user("therapist", name="Dr Kim"), make_user("therapist", name="Dr Lee")
    made = [make_entry(ada, f"Entry {n}") for n in range(3)]
    bos = make_entry(bo, "Bo's entry")
    link = links.redeem(ada, links.create_invite(kim)[1])
    links.redeem(ada, links.create_invite(lee)[1])
    links.redeem(bo, links.create_invite(kim)[1])
    for entry in made[:2]:
        sharing.share(ada, entry.id, kim.id)
    sharing.share(ada, made[2].id, lee.id)
    sharing.share(bo, bos.id, kim.id)
    return dict(ada=ada, bo=bo, kim=kim, lee=lee, entries=made, bos=bos, link=link)


def log(client, **kwargs) -> list[tuple]:
    page = accesslog.reads_of(client, **kwargs)
    return [(v.action, v.actor_name, v.actor_role, v.entry_id) for v in page.items]


def test_reads_of_lists_others_reads_newest_first(world):
    ada, kim, lee, made = world["ada"], world["kim"], world["lee"], world["entries"]
    reading.read(kim, ada.id, made[0].id)
    reading.read(lee, ada.id, made[2].id)
    reading.read(kim, ada.id, made[1].id)
    reading.read(kim, ada.id, made[0].id)
    reading.read(kim, world["bo"].id, world["bos"].id)  # Bo's, not Ada's
    assert log(ada) == [
        ("read_entry", "Dr Kim", "therapist", made[0].id),
        ("read_entry", "Dr Kim", "therapist", made[1].id),
        ("read_entry", "Dr Lee", "therapist", made[2].id),
        ("read_entry", "Dr Kim", "therapist", made[0].id),
    ]
    assert log(world["bo"]) == [("read_entry", "Dr Kim", "therapist", world["bos"].id)]
    [latest, *_] = accesslog.reads_of(ada).items
    assert latest.actor_id == kim.id and latest.at <= utcnow()
    assert accesslog.reads_of(kim).items == []


def test_reads_of_shows_packet_reads_and_nothing_the_client_did(world):
    ada, kim = world["ada"], world["kim"]
    session = appointments.schedule(ada, world["link"].id, utcnow() + timedelta(days=1))
    packets.prepare(ada, session.id, "", [world["entries"][0].id])
    packets.digest(kim, session.id)
    # The client's own doings (and a read recorded as by the client) are not reads by others.
    audit.record_now("read_entry", actor_id=ada.id, owner_id=ada.id, entry_id=world["bos"].id)
    actions = set(
        db.session.scalars(select(AuditEvent.action).where(AuditEvent.owner_id == ada.id))
    )
    assert {"register", "link", "share", "read_packet", "read_entry"} <= actions
    assert log(ada) == [("read_packet", "Dr Kim", "therapist", None)]


def test_reads_of_pages_newest_first_through_equal_seconds(world):
    ada, kim, made = world["ada"], world["kim"], world["entries"]
    for n in range(7):
        reading.read(kim, ada.id, made[n % 2].id)
    # Several reads in one second: the sequence number keeps the order.
    stamp = utcnow().replace(microsecond=0) - timedelta(minutes=1)
    db.session.execute(update(AuditEvent).values(at=stamp))
    db.session.commit()
    expected = list(
        db.session.scalars(
            select(AuditEvent.seq)
            .where(AuditEvent.action == "read_entry")
            .order_by(AuditEvent.seq.desc())
        )
    )
    seen, cursor, sizes = [], None, []
    while True:
        page = accesslog.reads_of(ada, limit=3, cursor=cursor)
        seen += [v.seq for v in page.items]
        sizes.append(len(page.items))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert (seen, sizes) == (expected, [3, 3, 1])


@pytest.mark.parametrize("cursor", ["nope", "MjAyNC0wMS0wMVQwMDowMDowMCswMDowMHxhYmM"])
def test_a_damaged_cursor_is_a_validation_error(world, cursor):
    with pytest.raises(AppError) as caught:
        accesslog.reads_of(world["ada"], cursor=cursor)
    assert (caught.value.status, set(caught.value.fields)) == (422, {"cursor"})


def test_a_reader_who_deleted_their_account_shows_as_a_former_therapist(world):
    ada, lee = world["ada"], world["lee"]
    reading.read(lee, ada.id, world["entries"][2].id)
    reading.read(world["kim"], ada.id, world["entries"][0].id)
    accounts.delete_account(db.session.get(User, lee.id), PASSWORD)
    assert log(ada) == [
        ("read_entry", "Dr Kim", "therapist", world["entries"][0].id),
        ("read_entry", "A former therapist", "therapist", world["entries"][2].id),
    ]
    assert accesslog.reads_of(ada).items[1].actor_id == lee.id


def test_a_reader_with_no_account_row_shows_as_a_deleted_account(world):
    ada, lee = world["ada"], world["lee"]
    reading.read(lee, ada.id, world["entries"][2].id)
    db.session.delete(db.session.get(User, lee.id))  # gone entirely, as a row
    db.session.commit()
    assert log(ada) == [("read_entry", "A deleted account", "unknown", world["entries"][2].id)]


def test_entry_titles_names_only_the_clients_own_live_entries(world, make_entry):
    ada, made = world["ada"], world["entries"]
    titled = make_entry(ada, "Words", title="A title")
    entries.delete(ada, made[1].id)
    wanted = [titled.id, made[0].id, made[1].id, world["bos"].id, "no-such-entry", titled.id]
    assert accesslog.entry_titles(ada, wanted) == {titled.id: "A title", made[0].id: ""}
    assert accesslog.entry_titles(ada, []) == {}
