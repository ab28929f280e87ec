"""Invites and links below the API: code format, hashing, single use, and either side ending."""

import hashlib
import math
import re
from datetime import timedelta

import pytest
from sqlalchemy import inspect, select, update

from journal.errors import AppError
from journal.extensions import db
from journal.models import AuditEvent, Invite, Link, utcnow
from journal.services import links

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")


@pytest.fixture
def people(make_user):
    """A client, a second client and two therapists."""
    return {
        "client": make_user("client", name="Ada"),
        "other_client": make_user("client", name="Bo"),
        "therapist": make_user("therapist", name="Dr Kim"),
        "other_therapist": make_user("therapist", name="Dr Lee"),
    }


def refused(status, code, call, *args, **kwargs) -> AppError:
    """Assert a service call fails with this status and code; undo what it left behind."""
    with pytest.raises(AppError) as caught:
        call(*args, **kwargs)
    db.session.rollback()
    assert (caught.value.status, caught.value.code) == (status, code), caught.value.message
    return caught.value


def actions(owner_id) -> list[str]:
    query = select(AuditEvent.action).where(AuditEvent.owner_id == owner_id)
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def every_stored_value() -> str:
    """Every value of every row of every table, as one string (what a database dump shows)."""
    return repr([db.session.execute(select(t)).all() for t in db.metadata.sorted_tables])


def fixed_code(monkeypatch, chars: str) -> None:
    """Make the next invite's code exactly these characters."""
    supply = iter(chars)
    monkeypatch.setattr(links.secrets, "choice", lambda alphabet: next(supply))


def test_the_alphabet_is_crockford_and_a_code_holds_at_least_50_bits():
    assert links.ALPHABET == CROCKFORD
    assert len(set(links.ALPHABET)) == 32
    assert not set("ILOU") & set(links.ALPHABET)
    assert links.CODE_CHARS * math.log2(len(links.ALPHABET)) >= 50
    assert links.INVITE_DAYS == 14


def test_create_invite_shows_a_grouped_code_once_and_stores_only_its_hash(ctx, people):
    therapist = people["therapist"]
    invite, code = links.create_invite(therapist)
    assert CODE.match(code), code
    raw = code.replace("-", "")
    assert invite.code_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert invite.therapist_id == therapist.id
    assert invite.used_at is None and invite.cancelled_at is None
    assert abs(invite.expires_at - (utcnow() + timedelta(days=14))) < timedelta(minutes=1)
    dump = every_stored_value()
    assert raw not in dump and code not in dump and raw.lower() not in dump
    assert actions(therapist.id)[-1] == "invite"


def test_codes_come_from_the_system_random_source_one_char_per_draw(ctx, people, monkeypatch):
    draws = []
    real = links.secrets.choice
    monkeypatch.setattr(
        links.secrets, "choice", lambda alphabet: draws.append(alphabet) or real(alphabet)
    )
    links.create_invite(people["therapist"])
    assert draws == [CROCKFORD] * 12


def test_codes_differ(ctx, people):
    codes = {links.create_invite(people["therapist"])[1] for _ in range(30)}
    assert len(codes) == 30


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("ABCD-EFGH-JKMN", "ABCDEFGHJKMN"),
        ("abcd efgh jkmn", "ABCDEFGHJKMN"),
        ("  aBcD--eFgH  jKmN ", "ABCDEFGHJKMN"),
        ("O0o0-1111-2222", "000011112222"),
        ("IiLl-1111-2222", "111111112222"),
        ("", ""),
    ],
)
def test_normalise_code_reads_codes_the_way_people_type_them(typed, stored):
    assert links.normalise_code(typed) == stored


def test_format_code_groups_in_fours():
    assert links.format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"


@pytest.mark.parametrize(
    "typed", ["0123-4567-89ab", "o123 4567 89AB", "OI23456789ab", " oL23-4567-89-AB "]
)
def test_redeem_accepts_a_sloppily_typed_code(ctx, people, monkeypatch, typed):
    fixed_code(monkeypatch, "0123456789AB")
    _, code = links.create_invite(people["therapist"])
    assert code == "0123-4567-89AB"
    link = links.redeem(people["client"], typed)
    assert (link.client_id, link.therapist_id) == (people["client"].id, people["therapist"].id)


def test_find_invite_names_the_therapist(ctx, people):
    invite, code = links.create_invite(people["therapist"])
    found = links.find_invite(code.lower())
    assert found.id == invite.id
    assert found.therapist.display_name == "Dr Kim"


def _used(people, code):
    links.redeem(people["other_client"], code)


def _cancelled(people, code):
    invite = links.find_invite(code)
    links.cancel_invite(people["therapist"], invite.id)


def _expired(people, code):
    moment = utcnow() - timedelta(seconds=1)
    db.session.execute(update(Invite).values(expires_at=moment))
    db.session.commit()


def _unknown(people, code):
    links.create_invite(people["therapist"])  # a real code exists, just not this one


@pytest.mark.parametrize("spoil", [_used, _cancelled, _expired])
def test_a_spoiled_code_is_an_invalid_invite(ctx, people, spoil):
    _, code = links.create_invite(people["therapist"])
    spoil(people, code)
    for call in (links.find_invite, lambda c: links.redeem(people["client"], c)):
        error = refused(422, "invalid_invite", call, code)
        assert set(error.fields) == {"code"}
    assert links.active_link(people["client"].id, people["therapist"].id) is None


@pytest.mark.parametrize("typed", ["ZZZZ-ZZZZ-ZZZZ", "", "not a code", "ABCD-EFGH-JKM"])
def test_an_unknown_code_is_an_invalid_invite(ctx, people, typed):
    _unknown(people, typed)
    error = refused(422, "invalid_invite", links.redeem, people["client"], typed)
    assert error.fields == {"code": [links.INVALID]}


def test_redeem_links_once_and_marks_the_code_used(ctx, people):
    client, therapist = people["client"], people["therapist"]
    invite, code = links.create_invite(therapist)
    link = links.redeem(client, code)
    assert link.status == "active" and link.ended_at is None
    stored = db.session.get(Invite, invite.id)
    assert stored.used_by == client.id and stored.used_at is not None
    assert links.active_link(client.id, therapist.id).id == link.id
    assert actions(client.id)[-1] == "link"
    refused(422, "invalid_invite", links.redeem, people["other_client"], code)
    assert links.open_invites(therapist) == []


def test_redeem_twice_with_the_same_therapist_is_already_linked(ctx, people):
    client, therapist = people["client"], people["therapist"]
    links.redeem(client, links.create_invite(therapist)[1])
    _, second = links.create_invite(therapist)
    error = refused(422, "already_linked", links.redeem, client, second)
    assert set(error.fields) == {"code"}
    # The refused code was not used up: someone else can still join with it.
    assert links.redeem(people["other_client"], second).client_id == people["other_client"].id


def test_after_a_link_ends_a_new_invite_links_again(ctx, people):
    client, therapist = people["client"], people["therapist"]
    first = links.redeem(client, links.create_invite(therapist)[1])
    links.end_link(client, first.id)
    second = links.redeem(client, links.create_invite(therapist)[1])
    assert second.id != first.id
    assert links.active_link(client.id, therapist.id).id == second.id


def test_open_invites_lists_only_usable_codes_of_this_therapist_newest_first(ctx, people):
    therapist = people["therapist"]
    made = [links.create_invite(therapist) for _ in range(5)]
    for n, (invite, _) in enumerate(made):
        invite.created_at = utcnow() - timedelta(minutes=10 - n)
    db.session.commit()
    links.redeem(people["client"], made[0][1])
    links.cancel_invite(therapist, made[1][0].id)
    made[2][0].expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    links.create_invite(people["other_therapist"])
    assert [i.id for i in links.open_invites(therapist)] == [made[4][0].id, made[3][0].id]


def test_cancel_invite_makes_the_code_useless(ctx, people):
    invite, code = links.create_invite(people["therapist"])
    links.cancel_invite(people["therapist"], invite.id)
    assert db.session.get(Invite, invite.id).cancelled_at is not None
    refused(422, "invalid_invite", links.redeem, people["client"], code)


@pytest.mark.parametrize("case", ["someone_elses", "missing", "used", "cancelled"])
def test_cancel_invite_refuses_what_is_not_an_open_invite_of_ones_own(ctx, people, case):
    invite, code = links.create_invite(people["therapist"])
    actor, invite_id = people["therapist"], invite.id
    if case == "someone_elses":
        actor = people["other_therapist"]
    elif case == "missing":
        invite_id = "00000000-0000-0000-0000-000000000000"
    elif case == "used":
        links.redeem(people["client"], code)
    else:
        links.cancel_invite(actor, invite_id)
    refused(404, "not_found", links.cancel_invite, actor, invite_id)


def test_links_of_lists_each_sides_own_links_with_both_names_loaded(ctx, people):
    client, therapist = people["client"], people["therapist"]
    first = links.redeem(client, links.create_invite(therapist)[1])
    first.created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    second = links.redeem(client, links.create_invite(people["other_therapist"])[1])
    links.redeem(people["other_client"], links.create_invite(people["other_therapist"])[1])
    mine = links.links_of(client)
    assert [link.id for link in mine] == [second.id, first.id]
    for link in mine:
        assert not {"client", "therapist"} & inspect(link).unloaded
    assert [link.therapist.display_name for link in mine] == ["Dr Lee", "Dr Kim"]
    assert [link.id for link in links.links_of(therapist)] == [first.id]
    assert links.links_of(therapist)[0].client.display_name == "Ada"


def test_links_of_keeps_ended_links_only_when_asked(ctx, people):
    client, therapist = people["client"], people["therapist"]
    link = links.redeem(client, links.create_invite(therapist)[1])
    links.end_link(therapist, link.id)
    assert links.links_of(client) == []
    assert links.links_of(therapist) == []
    ended = links.links_of(client, active_only=False)
    assert [(x.id, x.status) for x in ended] == [(link.id, "ended")]


@pytest.mark.parametrize("side", ["client", "therapist"])
def test_own_link_and_end_link_work_from_either_side(ctx, people, side):
    client, therapist = people["client"], people["therapist"]
    link = links.redeem(client, links.create_invite(therapist)[1])
    assert links.own_link(people[side], link.id).id == link.id
    links.end_link(people[side], link.id)
    stored = db.session.get(Link, link.id)
    assert stored.status == "ended" and stored.ended_at is not None
    assert links.active_link(client.id, therapist.id) is None
    assert actions(client.id)[-1] == "unlink"
    unlink = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "unlink")).one()
    assert unlink.actor_id == people[side].id
    refused(404, "not_found", links.own_link, people[side], link.id)
    refused(404, "not_found", links.end_link, people[side], link.id)


@pytest.mark.parametrize("outsider", ["other_client", "other_therapist"])
def test_someone_elses_link_is_not_found(ctx, people, outsider):
    link = links.redeem(people["client"], links.create_invite(people["therapist"])[1])
    refused(404, "not_found", links.own_link, people[outsider], link.id)
    refused(404, "not_found", links.end_link, people[outsider], link.id)
    refused(404, "not_found", links.own_link, people["client"], "no-such-link")
    assert db.session.get(Link, link.id).status == "active"
