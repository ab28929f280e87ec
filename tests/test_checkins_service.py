"""Check-ins below the API: who sees which, the flag rule at its edges, the quiet invitation."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, Checkin, TherapySession, User, utcnow
from journal.services import checkins, links

START = datetime(2025, 1, 6, 18, 0, tzinfo=UTC)


@pytest.fixture
def people(app, make_user):
    """A client linked to a therapist, and another client and therapist linked to each other."""
    found = {
        name: make_user(role)
        for name, role in (
            ("client", "client"),
            ("therapist", "therapist"),
            ("other_client", "client"),
            ("other_therapist", "therapist"),
        )
    }
    with app.app_context():
        for client, therapist in (("client", "therapist"), ("other_client", "other_therapist")):
            links.redeem(load(found[client]), links.create_invite(load(found[therapist]))[1])
    return found


def load(user: User) -> User:
    return db.session.get(User, user.id)


def make(client: User, therapist: User, total_or_ratings, *, shared=True, note="") -> str:
    """A check-in through the service (inside an app context); a total is spread over 4 scales."""
    if isinstance(total_or_ratings, int):
        base, extra = divmod(total_or_ratings, 4)
        ratings = [base + (1 if n < extra else 0) for n in range(4)]
    else:
        ratings = list(total_or_ratings)
    data = dict(zip(("bond", "goals", "approach", "overall"), ratings, strict=True))
    view = checkins.create(
        load(client), {"therapist_id": therapist.id, **data, "note": note, "shared": shared}
    )
    return view.id


def age(ids_oldest_first: list[str]) -> None:
    """Give check-ins distinct creation times a week apart, oldest first."""
    for n, checkin_id in enumerate(ids_oldest_first):
        db.session.execute(
            update(Checkin)
            .where(Checkin.id == checkin_id)
            .values(created_at=START + timedelta(days=7 * n))
        )
    db.session.commit()


def actions(owner_id: str) -> list[str]:
    return list(
        db.session.scalars(
            select(AuditEvent.action)
            .where(AuditEvent.owner_id == owner_id)
            .order_by(AuditEvent.seq)
        )
    )


# --- writing and reading -----------------------------------------------------------------------


def test_create_seals_the_note_and_records_the_choice(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        shared = make(client, therapist, (9, 8, 7, 6), note="Felt heard 🌱")
        private = make(client, therapist, 20, shared=False, note="Only for me")
        view = checkins.own(load(client)).items[1]
        assert (view.id, view.therapist_id, view.total, view.note) == (
            shared,
            therapist.id,
            30,
            "Felt heard 🌱",
        )
        stored = db.session.get(Checkin, private)
        assert stored.note_sealed and b"Only for me" not in stored.note_sealed
        assert stored.shared is False and stored.total == 20
        assert actions(client.id)[-2:] == ["checkin_shared", "checkin"]


def test_an_empty_note_is_not_stored(app, people):
    with app.app_context():
        checkin_id = make(people["client"], people["therapist"], 30)
        assert db.session.get(Checkin, checkin_id).note_sealed is None
        assert checkins.own(load(people["client"])).items[0].note == ""


@pytest.mark.parametrize("who", ["other_therapist", "client", "nobody"])
def test_create_needs_an_active_link_to_that_therapist(app, people, who):
    therapist_id = {"nobody": "no-such-id"}.get(who) or people[who].id
    with app.app_context():
        with pytest.raises(AppError) as caught:
            checkins.create(
                load(people["client"]),
                {"therapist_id": therapist_id, "bond": 5, "goals": 5, "approach": 5}
                | {"overall": 5, "note": "", "shared": True},
            )
        assert caught.value.status == 404
        assert db.session.scalar(select(Checkin.id)) is None


def test_create_after_the_link_ended_is_not_found(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        [link] = links.links_of(load(client))
        links.end_link(load(client), link.id)
        with pytest.raises(AppError) as caught:
            make(client, therapist, 30)
        assert caught.value.status == 404


def test_own_lists_every_check_in_newest_first_in_pages(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        ids = [make(client, therapist, n, shared=n % 2 == 0) for n in range(20, 25)]
        make(people["other_client"], people["other_therapist"], 30)
        age(ids)
        first = checkins.own(load(client), limit=3)
        assert [v.id for v in first.items] == ids[::-1][:3] and first.next_cursor
        rest = checkins.own(load(client), limit=3, cursor=first.next_cursor)
        assert [v.id for v in rest.items] == ids[::-1][3:] and rest.next_cursor is None
        assert [v.id for v in checkins.all_of(load(client))] == ids  # the export: oldest first


def test_shared_with_shows_only_shared_ones_and_is_logged(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        shared = [make(client, therapist, 30, note="Shared note"), make(client, therapist, 31)]
        private = make(client, therapist, 12, shared=False, note="Private note")
        age([shared[0], private, shared[1]])
        page = checkins.shared_with(load(therapist), client.id)
        assert [v.id for v in page.items] == shared[::-1]
        assert private not in {v.id for v in page.items}
        assert page.items[1].note == "Shared note"
        assert actions(client.id)[-1] == "read_checkins"
        event = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
        assert (event.actor_id, event.owner_id, event.entry_id) == (therapist.id, client.id, None)


@pytest.mark.parametrize("who", ["other_therapist", "ended"])
def test_shared_with_is_not_found_without_an_active_link(app, people, who):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        make(client, therapist, 30)
        if who == "ended":
            links.end_link(load(therapist), links.links_of(load(client))[0].id)
        reader = load(people["other_therapist"] if who == "other_therapist" else therapist)
        for read in (checkins.shared_with, checkins.alliance):
            with pytest.raises(AppError) as caught:
                read(reader, client.id)
            assert caught.value.status == 404
        assert "read_checkins" not in actions(client.id)


# --- sharing later, or not any more -------------------------------------------------------------


def test_set_shared_both_ways_and_audited_once(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        checkin_id = make(client, therapist, 30, shared=False)
        assert checkins.set_shared(load(client), checkin_id, True).shared is True
        assert checkins.set_shared(load(client), checkin_id, True).shared is True
        assert [v.id for v in checkins.shared_with(load(therapist), client.id).items] == [
            checkin_id
        ]
        assert checkins.set_shared(load(client), checkin_id, False).shared is False
        assert checkins.shared_with(load(therapist), client.id).items == []
        assert [a for a in actions(client.id) if a.startswith("checkin")] == [
            "checkin",
            "checkin_shared",
            "checkin_unshared",
        ]


def test_set_shared_is_for_the_owner_only(app, people):
    with app.app_context():
        checkin_id = make(people["client"], people["therapist"], 30)
        for someone in ("other_client", "therapist"):
            with pytest.raises(AppError) as caught:
                checkins.set_shared(load(people[someone]), checkin_id, False)
            assert caught.value.status == 404
        assert db.session.get(Checkin, checkin_id).shared is True


def test_after_the_link_ended_one_can_stop_sharing_but_not_share(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        shared, private = make(client, therapist, 30), make(client, therapist, 30, shared=False)
        links.end_link(load(client), links.links_of(load(client))[0].id)
        with pytest.raises(AppError) as caught:
            checkins.set_shared(load(client), private, True)
        assert caught.value.status == 404
        assert checkins.set_shared(load(client), shared, False).shared is False


# --- the flag rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("totals", "low", "fell"),
    [
        ([], False, False),
        ([36], False, False),  # the threshold itself is not low
        ([35], True, False),
        ([40, 40], False, False),
        ([30, 30], True, False),  # low, but no fall
        ([29, 30], True, True),
        ([39, 40], False, True),  # any fall by default, even high up
        ([38, 30], False, False),  # a rise
        ([0], True, False),  # the first check-in never "fell"
        ([37, 40, 10], False, True),  # only the two latest count
    ],
)
def test_flag_for_at_its_edges(app, totals, low, fell):
    with app.app_context():
        flag = checkins.flag_for(totals)
    assert (flag.low, flag.fell, flag.raised) == (low, fell, low or fell)
    assert flag.latest == (totals[0] if totals else None)
    assert flag.previous == (totals[1] if len(totals) > 1 else None)


@pytest.mark.parametrize(
    ("fall", "totals", "fell"),
    [(3, [38, 40], False), (3, [37, 40], True), (3, [30, 40], True), (1, [38, 39], True)],
)
def test_the_fall_is_configurable(app, monkeypatch, fall, totals, fell):
    monkeypatch.setitem(app.config, "ALLIANCE_FALL", fall)
    with app.app_context():
        assert checkins.flag_for(totals).fell is fell
        assert checkins.rule() == {"low_total": 36, "fall": fall}


@pytest.mark.parametrize(("threshold", "total", "low"), [(20, 20, False), (20, 19, True)])
def test_the_low_total_is_configurable(app, monkeypatch, threshold, total, low):
    monkeypatch.setitem(app.config, "ALLIANCE_LOW_TOTAL", threshold)
    with app.app_context():
        assert checkins.flag_for([total]).low is low


def test_flags_use_the_two_latest_shared_check_ins_of_active_links(app, make_user, people):
    therapist = people["therapist"]
    steady, falling, quiet, hidden = (make_user("client") for _ in range(4))
    with app.app_context():
        for client in (steady, falling, quiet, hidden):
            links.redeem(load(client), links.create_invite(load(therapist))[1])
        age(
            [
                make(steady, therapist, 36),
                make(steady, therapist, 20, shared=False),  # private: never counts
                make(steady, therapist, 37),
                make(falling, therapist, 40),
                make(falling, therapist, 39),
                make(quiet, therapist, 5, shared=False),
                make(hidden, therapist, 10),
                make(people["client"], therapist, 38),
            ]
        )
        links.end_link(load(hidden), links.links_of(load(hidden))[0].id)
        found = checkins.flags(load(therapist))
        assert set(found) == {steady.id, falling.id, people["client"].id}
        assert (found[steady.id].latest, found[steady.id].previous) == (37, 36)
        assert found[steady.id].raised is False
        assert (found[falling.id].fell, found[falling.id].low) == (True, False)
        assert found[people["client"].id].raised is False
        assert checkins.flags(load(people["other_therapist"])) == {}


def test_alliance_for_one_client_matches_the_list_and_is_logged(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        age(
            [
                make(client, therapist, 38),
                make(client, therapist, 30),
                make(client, therapist, 10, shared=False),
            ]
        )
        flag = checkins.alliance(load(therapist), client.id)
        assert (flag.low, flag.fell, flag.latest, flag.previous) == (True, True, 30, 38)
        assert flag == checkins.flags(load(therapist))[client.id]
        assert actions(client.id)[-1] == "read_checkins"


def test_no_shared_check_ins_no_flag(app, people):
    client, therapist = people["client"], people["therapist"]
    with app.app_context():
        make(client, therapist, 0, shared=False)
        flag = checkins.alliance(load(therapist), client.id)
        assert (flag.raised, flag.latest, flag.previous) == (False, None, None)
        assert checkins.flags(load(therapist)) == {}


# --- the quiet invitation -----------------------------------------------------------------------


def session_ended(client: User, ago: timedelta) -> str:
    """A session on the client's first link that ended `ago` ago."""
    link = links.links_of(load(client))[0]
    ends = utcnow() - ago
    session = TherapySession(link_id=link.id, starts_at=ends - timedelta(minutes=50), ends_at=ends)
    db.session.add(session)
    db.session.commit()
    return session.id


def test_the_invitation_follows_the_latest_ended_session(app, people):
    client = people["client"]
    with app.app_context():
        assert checkins.invitation(load(client)) is None
        older = session_ended(client, timedelta(days=3))
        assert checkins.invitation(load(client)).id == older
        latest = session_ended(client, timedelta(hours=1))
        session_ended(client, -timedelta(days=1))  # still to come
        assert checkins.invitation(load(client)).id == latest
        assert checkins.invitation(load(people["other_client"])) is None


def test_a_check_in_after_the_session_answers_the_invitation(app, people):
    client = people["client"]
    with app.app_context():
        session_ended(client, timedelta(hours=1))
        make(client, people["therapist"], 30, shared=False)
        assert checkins.invitation(load(client)) is None


def test_not_now_closes_it_for_good(app, people):
    client = people["client"]
    with app.app_context():
        session_id = session_ended(client, timedelta(hours=1))
        with pytest.raises(AppError):
            checkins.close_invitation(load(people["other_client"]), session_id)
        assert checkins.invitation(load(client)).id == session_id
        checkins.close_invitation(load(client), session_id)
        assert checkins.invitation(load(client)) is None


@pytest.mark.parametrize("days", [checkins.INVITE_DAYS, checkins.INVITE_DAYS + 1])
def test_an_old_session_no_longer_invites(app, people, days):
    with app.app_context():
        session_ended(people["client"], timedelta(days=days, minutes=1))
        assert checkins.invitation(load(people["client"])) is None


def test_an_ended_link_no_longer_invites(app, people):
    client = people["client"]
    with app.app_context():
        session_ended(client, timedelta(hours=1))
        links.end_link(load(client), links.links_of(load(client))[0].id)
        assert checkins.invitation(load(client)) is None
