"""Therapy sessions and session packets below the API: either side's calendar, the digest."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, Checkin, PacketItem, Share, TherapySession, utcnow
from journal.services import appointments, checkins, entries, links, packets, reading, sharing

AGENDA = "Start with the argument on Sunday, please."


@pytest.fixture
def world(ctx, make_user, make_entry):
    """Ada linked to Dr Kim with a session in two days; a stranger linked to Dr Lee."""
    client, stranger = make_user("client", name="Ada"), make_user("client", name="Bo")
    kim, lee = make_user("therapist", name="Dr Kim"), make_user("therapist", name="Dr Lee")
    made = [
        make_entry(client, "First thoughts", title="One"),
        make_entry(client, "About therapy itself", title="Two", kind="feedback"),
        make_entry(client, "Third: the long walk home", title="Three"),
        make_entry(client, "More about the sessions", title="Four", kind="feedback"),
    ]
    theirs = make_entry(stranger, "Not Ada's", title="Bo's")
    link = links.redeem(client, links.create_invite(kim)[1])
    stranger_link = links.redeem(stranger, links.create_invite(lee)[1])
    session = appointments.schedule(client, link.id, utcnow() + timedelta(days=2))
    return dict(
        client=client, stranger=stranger, kim=kim, lee=lee, link=link,
        stranger_link=stranger_link, session=session, entries=made, theirs=theirs,
    )  # fmt: skip


def refused(status, code, call, *args, **kwargs) -> AppError:
    """Assert a service call fails with this status and code; undo what it left behind."""
    with pytest.raises(AppError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    return caught.value


def ids(world, *positions) -> list[str]:
    return [world["entries"][n].id for n in positions]


def end_session(world) -> None:
    """Move the session into the past: it is over."""
    start = utcnow() - timedelta(hours=3)
    db.session.execute(
        update(TherapySession).values(starts_at=start, ends_at=start + timedelta(minutes=50))
    )
    db.session.commit()


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


# Therapy sessions (appointments)


@pytest.mark.parametrize("side", ["client", "kim"])
def test_either_side_schedules_reschedules_and_cancels(world, side):
    actor, link = world[side], world["link"]
    start = utcnow() + timedelta(days=5)
    session = appointments.schedule(actor, link.id, start)
    assert (session.link_id, session.starts_at, session.created_by) == (link.id, start, actor.id)
    assert session.ends_at == start + timedelta(minutes=50) and session.duration_minutes == 50
    found, its_link = appointments.own_session(actor, session.id)
    assert (found.id, its_link.id) == (session.id, link.id)
    moved = appointments.reschedule(actor, session.id, start + timedelta(hours=1), 90)
    assert moved.ends_at == start + timedelta(hours=1, minutes=90)
    appointments.cancel(actor, session.id)
    assert db.session.get(TherapySession, session.id) is None


@pytest.mark.parametrize("outsider", ["stranger", "lee"])
def test_someone_elses_sessions_are_not_found(world, outsider):
    actor, session = world[outsider], world["session"]
    start = utcnow() + timedelta(days=1)
    refused(404, "not_found", appointments.schedule, actor, world["link"].id, start)
    refused(404, "not_found", appointments.own_session, actor, session.id)
    refused(404, "not_found", appointments.reschedule, actor, session.id, start, 50)
    refused(404, "not_found", appointments.cancel, actor, session.id)
    refused(404, "not_found", appointments.own_session, actor, "no-such-session")
    assert db.session.get(TherapySession, session.id).starts_at == session.starts_at


def test_sessions_of_an_ended_link_are_not_found(world):
    links.end_link(world["kim"], world["link"].id)
    for actor in (world["client"], world["kim"]):
        refused(404, "not_found", appointments.own_session, actor, world["session"].id)
        start = utcnow() + timedelta(days=1)
        refused(404, "not_found", appointments.schedule, actor, world["link"].id, start)


def test_upcoming_past_and_next_session(world):
    link, now = world["link"], utcnow()
    later = now + timedelta(days=9)
    db.session.execute(
        update(TherapySession).values(starts_at=later, ends_at=later + timedelta(minutes=50))
    )
    db.session.commit()
    over = appointments.schedule(world["kim"], link.id, now - timedelta(days=7))
    long_over = appointments.schedule(world["kim"], link.id, now - timedelta(days=14))
    ongoing = appointments.schedule(world["kim"], link.id, now - timedelta(minutes=10))
    soon = appointments.schedule(world["kim"], link.id, now + timedelta(days=1))
    appointments.schedule(world["lee"], world["stranger_link"].id, now + timedelta(hours=1))
    assert [s.id for s in appointments.upcoming(link)] == [ongoing.id, soon.id, world["session"].id]
    assert [s.id for s in appointments.past(link)] == [over.id, long_over.id]
    assert appointments.next_session(link).id == ongoing.id
    appointments.cancel(world["client"], ongoing.id)
    assert appointments.next_session(link).id == soon.id


def test_next_session_is_none_without_one(world):
    appointments.cancel(world["client"], world["session"].id)
    assert appointments.next_session(world["link"]) is None
    assert appointments.upcoming(world["link"]) == []


def test_end_of_a_session(world):
    link, session = world["link"], world["session"]
    assert appointments.end_of(link, session.id) == session.ends_at
    assert appointments.end_of(link, None) == session.ends_at
    other = appointments.schedule(world["lee"], world["stranger_link"].id, utcnow())
    refused(422, "validation_failed", appointments.end_of, link, other.id)
    refused(422, "validation_failed", appointments.end_of, link, "no-such-session")
    end_session(world)
    error = refused(422, "validation_failed", appointments.end_of, link, session.id)
    assert set(error.fields) == {"until_session"}
    refused(422, "validation_failed", appointments.end_of, link, None)


def test_rescheduling_moves_only_the_shares_tied_to_that_session(world):
    client, kim, link = world["client"], world["kim"], world["link"]
    tied, fixed = ids(world, 0, 1)
    fixed_until = utcnow() + timedelta(days=30)
    sharing.share(client, tied, kim.id, until_next_session=True)
    sharing.share(client, fixed, kim.id, until=fixed_until)
    moved = utcnow() + timedelta(days=4)
    appointments.reschedule(kim, world["session"].id, moved, 50)
    expiry = dict(db.session.execute(select(Share.entry_id, Share.expires_at)).all())
    assert expiry == {tied: moved + timedelta(minutes=50), fixed: fixed_until}
    appointments.cancel(kim, world["session"].id)
    row = db.session.scalars(select(Share).where(Share.entry_id == tied)).one()
    db.session.refresh(row)
    assert row.until_session_id is None and row.expires_at == moved + timedelta(minutes=50)
    assert link.id == row.link_id


# Packets


def test_prepare_keeps_the_order_and_shares_what_was_not_shared(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    one, two, three = ids(world, 0, 1, 2)
    sharing.share(client, two, kim.id, passage="therapy itself")
    packet = packets.prepare(client, session.id, AGENDA, [three, one, two])
    assert (packet.session_id, packet.link_id, packet.agenda) == (
        session.id, world["link"].id, AGENDA,
    )  # fmt: skip
    assert (packet.starts_at, packet.ends_at, packet.archived) == (
        session.starts_at, session.ends_at, False,
    )  # fmt: skip
    assert [(i.entry_id, i.title) for i in packet.items] == [
        (three, "Three"), (one, "One"), (two, "Two"),
    ]  # fmt: skip
    found = sharing.statuses(client, ids(world, 0, 1, 2, 3))
    assert {k: [s.therapist_id for s in v] for k, v in found.items()} == {
        one: [kim.id], two: [kim.id], three: [kim.id], ids(world, 3)[0]: [],
    }  # fmt: skip
    assert found[two][0].passage == "therapy itself"  # a passage share stays a passage
    assert packets.for_client(client, session.id) == packet


def test_the_agenda_is_sealed_at_rest(world):
    packets.prepare(world["client"], world["session"].id, AGENDA, [])
    stored = db.session.execute(select(TherapySession.__table__)).one()
    assert stored.agenda_sealed and b"Sunday" not in stored.agenda_sealed
    dump = repr([db.session.execute(select(t)).all() for t in db.metadata.sorted_tables])
    assert "Sunday" not in dump


def test_preparing_again_replaces_the_items_and_the_note(world):
    client, session = world["client"], world["session"]
    packets.prepare(client, session.id, AGENDA, ids(world, 0, 1, 2))
    packet = packets.prepare(client, session.id, "", ids(world, 2, 0))
    assert [i.entry_id for i in packet.items] == ids(world, 2, 0)
    assert packet.agenda == "" and db.session.get(TherapySession, session.id).agenda_sealed is None
    assert count(PacketItem) == 2


@pytest.mark.parametrize(
    "pick",
    [
        lambda w: [w["entries"][0].id, w["entries"][1].id, w["entries"][0].id],
        lambda w: [w["entries"][0].id, w["theirs"].id],
        lambda w: ["00000000-0000-0000-0000-000000000000"],
        lambda w: [w["entries"][2].id],  # deleted below
    ],
    ids=["duplicate", "someone_elses", "missing", "deleted"],
)
def test_prepare_refuses_entries_it_cannot_take(world, pick):
    client, session = world["client"], world["session"]
    packets.prepare(client, session.id, AGENDA, ids(world, 3))
    entries.delete(client, world["entries"][2].id)
    error = refused(422, "validation_failed", packets.prepare, client, session.id, "x", pick(world))
    assert set(error.fields) == {"entry_ids"}
    packet = packets.for_client(client, session.id)
    assert ([i.entry_id for i in packet.items], packet.agenda) == (ids(world, 3), AGENDA)
    assert not sharing.statuses(world["stranger"], [world["theirs"].id])[world["theirs"].id]


def test_a_packet_is_kept_as_it_was_after_the_session(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    packets.prepare(client, session.id, AGENDA, ids(world, 0, 1))
    end_session(world)
    refused(409, "session_over", packets.prepare, client, session.id, "", ids(world, 2))
    kept = packets.for_client(client, session.id)
    assert kept.archived is True
    assert ([i.entry_id for i in kept.items], kept.agenda) == (ids(world, 0, 1), AGENDA)
    digest = packets.digest(kim, session.id)
    assert digest.archived and [i.entry_id for i in digest.items] == ids(world, 1, 0)
    assert sharing.statuses(client, ids(world, 2))[ids(world, 2)[0]] == []


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [("kim", 403, "wrong_role"), ("stranger", 404, "not_found"), ("lee", 404, "not_found")],
)
def test_only_the_client_prepares_and_sees_the_packet(world, actor, status, code):
    session = world["session"]
    refused(status, code, packets.prepare, world[actor], session.id, "", ids(world, 0))
    refused(status, code, packets.for_client, world[actor], session.id)
    assert count(PacketItem) == 0 and count(Share) == 0


@pytest.mark.parametrize(
    ("actor", "status", "code"),
    [("client", 403, "wrong_role"), ("lee", 404, "not_found"), ("stranger", 404, "not_found")],
)
def test_only_the_linked_therapist_reads_the_digest(world, actor, status, code):
    packets.prepare(world["client"], world["session"].id, AGENDA, ids(world, 0))
    refused(status, code, packets.digest, world[actor], world["session"].id)
    assert not db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "read_packet")
    ).all()


def test_nothing_of_a_packet_is_left_once_the_link_ends(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    packets.prepare(client, session.id, AGENDA, ids(world, 0))
    links.end_link(client, world["link"].id)
    refused(404, "not_found", packets.digest, kim, session.id)
    # The client keeps reading their own packet, as it was.
    assert packets.for_client(client, session.id).agenda == AGENDA


def test_the_digest_puts_feedback_first_and_marks_unread(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    one, two, three, four = ids(world, 0, 1, 2, 3)
    sharing.share(client, three, kim.id, passage="the long walk")
    packets.prepare(client, session.id, AGENDA, [one, four, three, two])
    reading.read(kim, client.id, four)
    digest = packets.digest(kim, session.id)
    assert digest.agenda == AGENDA and digest.link_id == world["link"].id
    assert [(i.entry_id, i.kind, i.title, i.unread, i.passage) for i in digest.items] == [
        (four, "feedback", "Four", False, False),
        (two, "feedback", "Two", True, False),
        (one, "reflection", "One", True, False),
        (three, "reflection", "", True, True),
    ]
    event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.actor_id, event.owner_id, event.entry_id) == (
        "read_packet", kim.id, client.id, None,
    )  # fmt: skip


def _withdraw(world, entry_id):
    sharing.withdraw(world["client"], entry_id, world["kim"].id)


def _expire(world, entry_id):
    moment = utcnow() - timedelta(seconds=1)
    db.session.execute(update(Share).where(Share.entry_id == entry_id).values(expires_at=moment))
    db.session.commit()


def _delete(world, entry_id):
    entries.delete(world["client"], entry_id)


@pytest.mark.parametrize("hide", [_withdraw, _expire, _delete])
def test_the_digest_leaves_out_what_the_therapist_may_not_see(world, hide):
    client, kim, session = world["client"], world["kim"], world["session"]
    packets.prepare(client, session.id, "", ids(world, 0, 1, 2))
    hide(world, ids(world, 1)[0])
    assert [i.entry_id for i in packets.digest(kim, session.id).items] == ids(world, 0, 2)


def test_deleting_an_entry_takes_it_out_of_the_packet(world):
    client, session = world["client"], world["session"]
    packets.prepare(client, session.id, "", ids(world, 0, 1))
    entries.delete(client, ids(world, 0)[0])
    assert [i.entry_id for i in packets.for_client(client, session.id).items] == ids(world, 1)
    assert count(PacketItem) == 1


def test_cancelling_a_session_takes_its_packet_with_it(world):
    packets.prepare(world["client"], world["session"].id, AGENDA, ids(world, 0))
    appointments.cancel(world["kim"], world["session"].id)
    assert count(PacketItem) == 0
    refused(404, "not_found", packets.for_client, world["client"], world["session"].id)


# Check-ins in the packet


def check_in(world, total, *, shared, who="client", therapist="kim") -> str:
    base, extra = divmod(total, 4)
    ratings = [base + (1 if n < extra else 0) for n in range(4)]
    data = dict(zip(("bond", "goals", "approach", "overall"), ratings, strict=True))
    view = checkins.create(
        world[who], {"therapist_id": world[therapist].id, **data, "note": "", "shared": shared}
    )
    return view.id


def test_check_ins_follow_the_entries_and_a_private_one_gets_shared(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    one, two = ids(world, 0, 1)
    private, shared = check_in(world, 28, shared=False), check_in(world, 36, shared=True)
    view = packets.prepare(client, session.id, AGENDA, [one, two], [private, shared])
    assert [(i.entry_id, i.checkin_id, i.kind, i.total) for i in view.items] == [
        (one, None, "reflection", None),
        (two, None, "feedback", None),
        (None, private, "checkin", 28),
        (None, shared, "checkin", 36),
    ]
    assert db.session.get(Checkin, private).shared is True
    assert [i.checkin_id for i in packets.for_client(client, session.id).items][2:] == [
        private,
        shared,
    ]
    digest = packets.digest(kim, session.id)
    assert [(i.entry_id, i.checkin_id, i.kind) for i in digest.items] == [
        (two, None, "feedback"),  # feedback first
        (one, None, "reflection"),
        (None, private, "checkin"),
        (None, shared, "checkin"),
    ]
    assert all(i.unread is False and i.passage is False for i in digest.items[2:])


def test_an_old_call_without_check_ins_still_works(world):
    view = packets.prepare(world["client"], world["session"].id, "", ids(world, 2))
    assert [(i.entry_id, i.checkin_id, i.total) for i in view.items] == [
        (ids(world, 2)[0], None, None)
    ]


def test_a_check_in_no_longer_shared_leaves_the_digest_only(world):
    client, kim, session = world["client"], world["kim"], world["session"]
    first, second = check_in(world, 30, shared=True), check_in(world, 20, shared=False)
    packets.prepare(client, session.id, "", [], [first, second])
    checkins.set_shared(client, second, False)
    assert [i.checkin_id for i in packets.digest(kim, session.id).items] == [first]
    assert [i.checkin_id for i in packets.for_client(client, session.id).items] == [
        first,
        second,
    ]


@pytest.mark.parametrize("pick", ["twice", "theirs", "other_link", "unknown"])
def test_prepare_refuses_check_ins_it_cannot_take(world, make_user, pick):
    client, session = world["client"], world["session"]
    mine = check_in(world, 30, shared=False)
    if pick == "other_link":
        lee = world["lee"]
        links.redeem(client, links.create_invite(lee)[1])
        chosen = [check_in(world, 30, shared=False, therapist="lee")]
    else:
        chosen = {
            "twice": [mine, mine],
            "theirs": [check_in(world, 30, shared=False, who="stranger", therapist="lee")],
            "unknown": ["no-such-check-in"],
        }[pick]
    error = refused(422, "validation_failed", packets.prepare, client, session.id, "", [], chosen)
    assert set(error.fields) == {"checkin_ids"}
    assert count(PacketItem) == 0
    assert db.session.get(Checkin, mine).shared is False  # nothing was shared on the way


def test_preparing_again_without_check_ins_takes_them_out(world):
    client, session = world["client"], world["session"]
    packets.prepare(client, session.id, "", [], [check_in(world, 30, shared=True)])
    packets.prepare(client, session.id, "", ids(world, 0))
    assert [i.entry_id for i in packets.for_client(client, session.id).items] == ids(world, 0)
    assert count(PacketItem) == 1
