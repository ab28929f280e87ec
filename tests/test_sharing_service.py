"""Per-entry sharing below the API: share, passage, until, withdraw, statuses."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, Share, utcnow
from journal.services import accounts, appointments, entries, links, reading, sharing
from tests.conftest import PASSWORD

BODY = "Monday was heavy. I told my sister about the job. Then I slept for ten hours."
PASSAGE = "I told my sister about the job."


@pytest.fixture
def world(ctx, make_user, make_entry):
    """A client linked to two therapists, a stranger, and one entry of the client's."""
    client, stranger = make_user("client", name="Ada"), make_user("client")
    kim, lee = make_user("therapist", name="Dr Kim"), make_user("therapist", name="Dr Lee")
    link = links.redeem(client, links.create_invite(kim)[1])
    lee_link = links.redeem(client, links.create_invite(lee)[1])
    entry = make_entry(client, BODY, title="Monday")
    return dict(
        client=client, stranger=stranger, kim=kim, lee=lee, link=link, lee_link=lee_link,
        entry=entry,
    )  # fmt: skip


def refused(status, code, call, *args, **kwargs) -> AppError:
    """Assert a service call fails with this status and code; undo what it left behind."""
    with pytest.raises(AppError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    return caught.value


def visible(therapist, client) -> dict:
    """What the therapist can open of the client's entries: {entry_id: body}."""
    page = reading.shared_entries(therapist, client.id, limit=100)
    return {i.entry_id: reading.read(therapist, client.id, i.entry_id).body for i in page.items}


def share_row(world, therapist="kim") -> Share:
    link = world["link"] if therapist == "kim" else world["lee_link"]
    query = select(Share).where(Share.entry_id == world["entry"].id, Share.link_id == link.id)
    return db.session.scalars(query.execution_options(populate_existing=True)).one()


def move_expiry(seconds: int) -> None:
    db.session.execute(update(Share).values(expires_at=utcnow() + timedelta(seconds=seconds)))
    db.session.commit()


def test_share_a_whole_entry(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    row, created = sharing.share(client, entry.id, kim.id)
    assert created is True
    assert (row.entry_id, row.link_id, row.read_at, row.expires_at) == (
        entry.id, world["link"].id, None, None,
    )  # fmt: skip
    status = sharing.share_status(client, entry.id, kim.id)
    assert (status.therapist_id, status.therapist_name, status.passage) == (kim.id, "Dr Kim", None)
    assert status.shared_at == row.shared_at and status.until_session_id is None
    assert visible(kim, client) == {entry.id: BODY}
    assert visible(world["lee"], client) == {}
    last = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (last.action, last.actor_id, last.owner_id, last.entry_id) == (
        "read_entry", kim.id, client.id, entry.id,
    )  # fmt: skip
    share_event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "share")).one()
    assert (share_event.actor_id, share_event.entry_id) == (client.id, entry.id)


def test_sharing_again_is_not_a_new_share(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    first, _ = sharing.share(client, entry.id, kim.id)
    reading.read(kim, client.id, entry.id)
    again, created = sharing.share(client, entry.id, kim.id)
    assert created is False and again.id == first.id
    assert again.read_at is not None  # still read: nothing new to see
    assert db.session.scalar(select(func.count()).select_from(Share)) == 1


def _someone_elses(world):
    return world["stranger"], world["entry"].id, world["kim"].id


def _missing_entry(world):
    return world["client"], "00000000-0000-0000-0000-000000000000", world["kim"].id


def _deleted_entry(world):
    entries.delete(world["client"], world["entry"].id)
    return world["client"], world["entry"].id, world["kim"].id


def _unlinked_therapist(world):
    links.end_link(world["client"], world["link"].id)
    return world["client"], world["entry"].id, world["kim"].id


def _not_a_therapist(world):
    return world["client"], world["entry"].id, world["stranger"].id


CANNOT_SHARE = [_someone_elses, _missing_entry, _deleted_entry, _unlinked_therapist]


@pytest.mark.parametrize("setup", [*CANNOT_SHARE, _not_a_therapist])
def test_share_is_not_found_unless_own_live_entry_and_active_link(world, setup):
    actor, entry_id, therapist_id = setup(world)
    refused(404, "not_found", sharing.share, actor, entry_id, therapist_id)
    assert db.session.scalar(select(func.count()).select_from(Share)) == 0


@pytest.mark.parametrize("setup", CANNOT_SHARE)
def test_withdraw_is_not_found_unless_own_live_entry_and_active_link(world, setup):
    sharing.share(world["client"], world["entry"].id, world["kim"].id)
    actor, entry_id, therapist_id = setup(world)
    refused(404, "not_found", sharing.withdraw, actor, entry_id, therapist_id)


def test_withdraw_ends_reading_at_once_and_twice_is_not_found(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    sharing.share(client, entry.id, kim.id)
    sharing.withdraw(client, entry.id, kim.id)
    assert visible(kim, client) == {}
    refused(404, "not_found", reading.read, kim, client.id, entry.id)
    assert sharing.statuses(client, [entry.id]) == {entry.id: []}
    refused(404, "not_found", sharing.share_status, client, entry.id, kim.id)
    refused(404, "not_found", sharing.withdraw, client, entry.id, kim.id)
    withdraws = select(AuditEvent).where(AuditEvent.action == "withdraw")
    assert [(e.actor_id, e.entry_id) for e in db.session.scalars(withdraws)] == [
        (client.id, entry.id)
    ]


def test_withdraw_what_was_never_shared_is_not_found(world):
    refused(404, "not_found", sharing.withdraw, world["client"], world["entry"].id, world["kim"].id)


def test_share_again_after_withdraw_is_a_new_unread_share(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    first, _ = sharing.share(client, entry.id, kim.id)
    reading.read(kim, client.id, entry.id)
    db.session.execute(update(Share).values(shared_at=utcnow() - timedelta(hours=1)))
    db.session.commit()
    sharing.withdraw(client, entry.id, kim.id)
    again, created = sharing.share(client, entry.id, kim.id)
    assert created is True and again.id == first.id
    row = share_row(world)
    assert row.read_at is None and row.revoked_at is None
    assert row.shared_at > utcnow() - timedelta(minutes=1)
    assert [c.unread_count for c in reading.clients(kim)] == [1]


def test_share_until_a_moment_in_the_past_is_refused(world):
    past = utcnow() - timedelta(seconds=1)
    error = refused(
        422, "validation_failed", sharing.share, world["client"], world["entry"].id,
        world["kim"].id, until=past,
    )  # fmt: skip
    assert set(error.fields) == {"until"}
    assert db.session.scalar(select(func.count()).select_from(Share)) == 0


def test_share_until_a_moment_ends_then_sharing_again_starts_afresh(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    until = utcnow() + timedelta(days=3)
    row, _ = sharing.share(client, entry.id, kim.id, until=until)
    assert row.expires_at == until
    assert sharing.share_status(client, entry.id, kim.id).expires_at == until
    reading.read(kim, client.id, entry.id)
    move_expiry(-1)
    assert visible(kim, client) == {}
    assert sharing.statuses(client, [entry.id])[entry.id] == []
    assert [c.unread_count for c in reading.clients(kim)] == [0]
    row, created = sharing.share(client, entry.id, kim.id)
    assert created is True and row.expires_at is None and row.read_at is None
    assert visible(kim, client) == {entry.id: BODY}


def test_share_until_next_session_needs_a_session(world):
    error = refused(
        422, "validation_failed", sharing.share, world["client"], world["entry"].id,
        world["kim"].id, until_next_session=True,
    )  # fmt: skip
    assert set(error.fields) == {"until_session"}


def test_share_until_next_session_ends_with_it_and_moves_with_it(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    soon = utcnow() + timedelta(days=2)
    later = appointments.schedule(kim, world["link"].id, soon + timedelta(days=7))
    session = appointments.schedule(client, world["link"].id, soon, 45)
    row, _ = sharing.share(client, entry.id, kim.id, until_next_session=True)
    assert row.until_session_id == session.id and row.expires_at == soon + timedelta(minutes=45)
    status = sharing.share_status(client, entry.id, kim.id)
    assert (status.until_session_id, status.expires_at) == (session.id, row.expires_at)
    moved = soon + timedelta(days=1)
    appointments.reschedule(kim, session.id, moved, 60)
    assert share_row(world).expires_at == moved + timedelta(minutes=60)
    assert later.id != session.id and visible(kim, client) == {entry.id: BODY}
    appointments.reschedule(client, session.id, utcnow() - timedelta(hours=2), 60)
    assert visible(kim, client) == {}


def test_a_plain_share_after_a_share_until_lasts(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    appointments.schedule(client, world["link"].id, utcnow() + timedelta(days=1))
    sharing.share(client, entry.id, kim.id, until_next_session=True)
    row, created = sharing.share(client, entry.id, kim.id)
    assert created is False
    assert (row.expires_at, row.until_session_id) == (None, None)


@pytest.mark.parametrize("passage", ["slept for eleven hours", "   ", "", "MONDAY WAS HEAVY"])
def test_a_passage_must_be_words_of_the_entry(world, passage):
    error = refused(
        422, "validation_failed", sharing.share, world["client"], world["entry"].id,
        world["kim"].id, passage=passage,
    )  # fmt: skip
    assert set(error.fields) == {"passage"}


def test_a_refused_passage_leaves_no_share_behind(world):
    """Whatever commits next in the same request must not find a half-made, whole-entry share."""
    client, kim, entry = world["client"], world["kim"], world["entry"]
    with pytest.raises(AppError):
        sharing.share(client, entry.id, kim.id, passage="not in there")
    db.session.commit()
    assert visible(kim, client) == {}


def test_a_refused_passage_leaves_the_earlier_share_as_it_was(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    until = utcnow() + timedelta(days=1)
    sharing.share(client, entry.id, kim.id, passage=PASSAGE, until=until)
    with pytest.raises(AppError):
        sharing.share(client, entry.id, kim.id, passage="not in there")
    db.session.commit()
    assert visible(kim, client) == {entry.id: PASSAGE}
    assert sharing.share_status(client, entry.id, kim.id).expires_at == until


def test_a_passage_share_shows_only_the_passage_and_is_sealed_at_rest(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    row, _ = sharing.share(client, entry.id, kim.id, passage=PASSAGE)
    assert sharing.share_status(client, entry.id, kim.id).passage == PASSAGE
    listed = reading.shared_entries(kim, client.id).items
    assert [(i.title, i.passage, i.body) for i in listed] == [("", True, None)]
    opened = reading.read(kim, client.id, entry.id)
    assert (opened.body, opened.title, opened.tags, opened.passage) == (PASSAGE, "", [], True)
    stored = db.session.execute(select(Share.__table__).where(Share.id == row.id)).one()
    assert PASSAGE.encode() not in stored.passage_sealed
    assert b"sister" not in stored.passage_sealed
    dump = repr([db.session.execute(select(t)).all() for t in db.metadata.sorted_tables])
    assert "sister" not in dump


def test_sharing_whole_again_drops_the_passage(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    sharing.share(client, entry.id, kim.id, passage=PASSAGE)
    _, created = sharing.share(client, entry.id, kim.id)
    assert created is False
    assert share_row(world).passage_sealed is None
    assert visible(kim, client) == {entry.id: BODY}


def test_an_edited_entry_shows_the_current_text(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    sharing.share(client, entry.id, kim.id)
    entries.update(client, entry.id, {"version": 1, "body": "Rewritten."})
    assert visible(kim, client) == {entry.id: "Rewritten."}


def test_statuses_of_many_entries_in_one_query(world, make_entry):
    client, kim, lee = world["client"], world["kim"], world["lee"]
    made = [make_entry(client, f"Entry {n}") for n in range(6)]
    for n, entry in enumerate(made[:4]):
        sharing.share(client, entry.id, kim.id, passage=f"Entry {n}" if n == 1 else None)
    sharing.share(client, made[0].id, lee.id)
    sharing.withdraw(client, made[3].id, kim.id)
    ids = [e.id for e in made]
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        found = sharing.statuses(client, ids)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert len([s for s in statements if s.startswith("SELECT")]) == 1
    assert set(found) == set(ids)
    assert [s.therapist_name for s in found[made[0].id]] == ["Dr Kim", "Dr Lee"]
    assert [s.passage for s in found[made[1].id]] == ["Entry 1"]
    assert [s.therapist_id for s in found[made[2].id]] == [kim.id]
    assert found[made[3].id] == found[made[4].id] == found[made[5].id] == []
    assert sharing.statuses(client, []) == {}


def test_statuses_hide_shares_over_an_ended_link(world):
    client, entry = world["client"], world["entry"]
    for therapist in ("kim", "lee"):
        sharing.share(client, entry.id, world[therapist].id)
    links.end_link(world["lee"], world["lee_link"].id)
    assert [s.therapist_id for s in sharing.statuses(client, [entry.id])[entry.id]] == [
        world["kim"].id
    ]
    assert [s.therapist_id for s in entries.get(client, entry.id).shares] == [world["kim"].id]


def test_statuses_say_nothing_of_someone_elses_entries(world):
    sharing.share(world["client"], world["entry"].id, world["kim"].id, passage=PASSAGE)
    assert sharing.statuses(world["stranger"], [world["entry"].id]) == {world["entry"].id: []}


def test_entries_carry_their_share_statuses(world, make_entry):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    other = make_entry(client, "Private")
    sharing.share(client, entry.id, kim.id)
    reading.read(kim, client.id, entry.id)
    listed = {view.id: view.shares for view in entries.list_entries(client).items}
    assert listed[other.id] == []
    [status] = listed[entry.id]
    assert (status.therapist_id, status.read_at is not None) == (kim.id, True)
    assert entries.get(client, entry.id).shares == [status]


def test_deleting_an_entry_deletes_its_shares(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    sharing.share(client, entry.id, kim.id)
    sharing.share(client, entry.id, world["lee"].id, passage=PASSAGE)
    entries.delete(client, entry.id)
    assert db.session.scalar(select(func.count()).select_from(Share)) == 0
    assert visible(kim, client) == {} and visible(world["lee"], client) == {}


def test_deleting_a_clients_account_leaves_the_therapist_nothing(world):
    client, kim, entry = world["client"], world["kim"], world["entry"]
    sharing.share(client, entry.id, kim.id)
    appointments.schedule(kim, world["link"].id, utcnow() + timedelta(days=1))
    accounts.delete_account(db.session.merge(client), PASSWORD)
    assert reading.clients(kim) == [] and links.links_of(kim, active_only=False) == []
    refused(404, "not_found", reading.shared_entries, kim, client.id)
    refused(404, "not_found", reading.read, kim, client.id, entry.id)
    assert db.session.scalar(select(func.count()).select_from(Share)) == 0
