"""The therapist's side below the API: clients at a glance, shared entries, reading one."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, Share, utcnow
from journal.services import appointments, entries, links, reading, sharing

BODY = "The walk home was quiet. I noticed I was angry, and that it passed."


@pytest.fixture
def world(ctx, make_user, make_entry):
    """Dr Kim with two clients (Ada, Cy); Dr Lee linked to Ada too; entries of Ada's."""
    ada, cy = make_user("client", name="Ada"), make_user("client", name="Cy")
    kim, lee = make_user("therapist", name="Dr Kim"), make_user("therapist", name="Dr Lee")
    entry = make_entry(ada, BODY, title="Walk", tags=["anger", "evening"])
    others = [make_entry(ada, f"Note {n}", title=f"Note {n}") for n in range(4)]
    link = links.redeem(ada, links.create_invite(kim)[1])
    cy_link = links.redeem(cy, links.create_invite(kim)[1])
    lee_link = links.redeem(ada, links.create_invite(lee)[1])
    return dict(
        ada=ada, cy=cy, kim=kim, lee=lee, entry=entry, others=others, link=link,
        cy_link=cy_link, lee_link=lee_link,
    )  # fmt: skip


def refused(status, code, call, *args, **kwargs) -> AppError:
    """Assert a service call fails with this status and code; undo what it left behind."""
    with pytest.raises(AppError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    return caught.value


def reads(entry_id) -> list[AuditEvent]:
    query = select(AuditEvent).where(
        AuditEvent.action == "read_entry", AuditEvent.entry_id == entry_id
    )
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def summaries(therapist) -> list[tuple]:
    return [
        (c.display_name, c.unread_count, c.last_shared_at is not None, c.next_session_at)
        for c in reading.clients(therapist)
    ]


def test_clients_lists_each_linked_client_with_unread_and_next_session(world):
    ada, kim = world["ada"], world["kim"]
    assert summaries(kim) == [("Ada", 0, False, None), ("Cy", 0, False, None)]
    for entry in [world["entry"], *world["others"][:2]]:
        sharing.share(ada, entry.id, kim.id)
    reading.read(kim, ada.id, world["entry"].id)
    soon = utcnow() + timedelta(days=1)
    appointments.schedule(kim, world["link"].id, soon + timedelta(days=7))
    appointments.schedule(kim, world["link"].id, soon)
    appointments.schedule(ada, world["link"].id, utcnow() - timedelta(days=7))
    ongoing = appointments.schedule(kim, world["cy_link"].id, utcnow() - timedelta(minutes=5))
    [ada_row, cy_row] = reading.clients(kim)
    assert (ada_row.id, ada_row.link_id, ada_row.unread_count) == (ada.id, world["link"].id, 2)
    assert ada_row.next_session_at == soon and cy_row.next_session_at == ongoing.starts_at
    newest = max(s.shared_at for s in db.session.scalars(select(Share)))
    assert ada_row.last_shared_at == newest
    assert (cy_row.id, cy_row.unread_count, cy_row.last_shared_at) == (world["cy"].id, 0, None)
    assert summaries(world["lee"]) == [("Ada", 0, False, None)]


def _unshared(world):
    """Never shared at all."""


def _withdrawn(world):
    sharing.withdraw(world["ada"], world["entry"].id, world["kim"].id)


def _expired(world):
    moment = utcnow() - timedelta(seconds=1)
    db.session.execute(update(Share).values(expires_at=moment))
    db.session.commit()


def _deleted(world):
    entries.delete(world["ada"], world["entry"].id)


def _link_ended(world):
    links.end_link(world["ada"], world["link"].id)


HIDDEN = [_unshared, _withdrawn, _expired, _deleted]


@pytest.mark.parametrize("hide", HIDDEN)
def test_the_therapist_learns_nothing_of_an_entry_not_shared_now(world, hide):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    if hide is not _unshared:
        sharing.share(ada, entry.id, kim.id)
    hide(world)
    assert summaries(kim) == [("Ada", 0, False, None), ("Cy", 0, False, None)]
    assert reading.shared_entries(kim, ada.id).items == []
    refused(404, "not_found", reading.read, kim, ada.id, entry.id)
    assert reads(entry.id) == []


def test_an_ended_link_shows_nothing_at_all(world):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    sharing.share(ada, entry.id, kim.id)
    _link_ended(world)
    assert [c.id for c in reading.clients(kim)] == [world["cy"].id]
    refused(404, "not_found", reading.client_link, kim, ada.id)
    refused(404, "not_found", reading.shared_entries, kim, ada.id)
    refused(404, "not_found", reading.read, kim, ada.id, entry.id)
    # Linking again starts from nothing: the old shares stay with the old link.
    links.redeem(ada, links.create_invite(kim)[1])
    assert reading.shared_entries(kim, ada.id).items == []


@pytest.mark.parametrize("who", ["stranger_client", "other_therapist", "self"])
def test_client_link_is_not_found_for_anyone_but_a_linked_client(world, make_user, who):
    kim = world["kim"]
    target = {
        "stranger_client": make_user("client").id,
        "other_therapist": world["lee"].id,
        "self": kim.id,
    }[who]
    refused(404, "not_found", reading.client_link, kim, target)
    refused(404, "not_found", reading.shared_entries, kim, target)
    assert reading.client_link(kim, world["ada"].id).id == world["link"].id


def test_shared_entries_lists_titles_newest_share_first_without_bodies(world):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    note = world["others"][0]
    sharing.share(ada, entry.id, kim.id)
    sharing.share(ada, note.id, kim.id, passage="Note")
    db.session.execute(
        update(Share)
        .where(Share.entry_id == entry.id)
        .values(shared_at=utcnow() - timedelta(hours=1))
    )
    db.session.commit()
    items = reading.shared_entries(kim, ada.id).items
    assert [(i.entry_id, i.title, i.body, i.tags, i.passage) for i in items] == [
        (note.id, "", None, [], True),
        (entry.id, "Walk", None, [], False),
    ]
    assert items[1].kind == "reflection" and items[1].read_at is None
    assert reading.shared_entries(world["lee"], ada.id).items == []


def test_shared_entries_pages_with_a_cursor(world):
    ada, kim = world["ada"], world["kim"]
    made = [world["entry"], *world["others"]]
    start = utcnow() - timedelta(days=1)
    for n, entry in enumerate(made):
        sharing.share(ada, entry.id, kim.id)
        # Two shares at the very same moment: the id breaks the tie.
        moment = start + timedelta(minutes=n // 2)
        db.session.execute(update(Share).where(Share.entry_id == entry.id).values(shared_at=moment))
    db.session.commit()
    seen, cursor, sizes = [], None, []
    while True:
        page = reading.shared_entries(kim, ada.id, limit=2, cursor=cursor)
        seen += [(i.shared_at, i.entry_id) for i in page.items]
        sizes.append(len(page.items))
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert sizes == [2, 2, 1]
    assert len(set(seen)) == 5 and {e for _, e in seen} == {e.id for e in made}
    rows = db.session.execute(select(Share.shared_at, Share.id, Share.entry_id)).all()
    expected = [r.entry_id for r in sorted(rows, key=lambda r: (r.shared_at, r.id), reverse=True)]
    assert [e for _, e in seen] == expected
    error = refused(422, "validation_failed", reading.shared_entries, kim, ada.id, cursor="nope")
    assert set(error.fields) == {"cursor"}


def test_read_opens_the_entry_remembers_the_first_read_and_logs_each(world):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    sharing.share(ada, entry.id, kim.id)
    first = reading.read(kim, ada.id, entry.id)
    assert (first.entry_id, first.title, first.body, first.tags, first.passage) == (
        entry.id, "Walk", BODY, ["anger", "evening"], False,
    )  # fmt: skip
    assert (first.kind, first.created_at, first.expires_at) == (
        "reflection",
        entry.created_at,
        None,
    )
    assert first.read_at is not None
    db.session.execute(update(Share).values(read_at=first.read_at - timedelta(hours=1)))
    db.session.commit()
    second = reading.read(kim, ada.id, entry.id)
    assert second.read_at == first.read_at - timedelta(hours=1)  # not moved by a later read
    assert [(e.actor_id, e.owner_id, e.outcome) for e in reads(entry.id)] == [
        (kim.id, ada.id, "ok")
    ] * 2
    assert summaries(kim)[0][1] == 0
    [status] = sharing.statuses(ada, [entry.id])[entry.id]
    assert status.read_at == second.read_at


def test_read_of_an_edited_entry_shows_the_current_text(world):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    sharing.share(ada, entry.id, kim.id)
    view = entries.update(ada, entry.id, {"version": 1, "body": "Changed my mind.", "tags": []})
    opened = reading.read(kim, ada.id, entry.id)
    assert (opened.body, opened.tags, opened.updated_at) == (
        "Changed my mind.",
        [],
        view.updated_at,
    )


def test_read_of_a_passage_shows_only_the_passage(world):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    sharing.share(ada, entry.id, kim.id, passage="I noticed I was angry")
    opened = reading.read(kim, ada.id, entry.id)
    assert (opened.title, opened.body, opened.tags, opened.passage) == (
        "", "I noticed I was angry", [], True,
    )  # fmt: skip


@pytest.mark.parametrize(
    "case", ["other_therapist", "other_client_id", "missing_entry", "someone_elses_entry"]
)
def test_read_is_not_found_outside_what_was_shared_with_this_therapist(world, make_entry, case):
    ada, kim, entry = world["ada"], world["kim"], world["entry"]
    sharing.share(ada, entry.id, kim.id)
    cys = make_entry(world["cy"], "Cy's words")
    reader, client_id, entry_id = {
        "other_therapist": (world["lee"], ada.id, entry.id),
        "other_client_id": (kim, world["cy"].id, entry.id),
        "missing_entry": (kim, ada.id, "00000000-0000-0000-0000-000000000000"),
        "someone_elses_entry": (kim, ada.id, cys.id),
    }[case]
    refused(404, "not_found", reading.read, reader, client_id, entry_id)
    assert reads(entry.id) == [] and reads(cys.id) == []
