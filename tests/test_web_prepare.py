"""The client's sessions and the packet prepared for each."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import Checkin, PacketItem, Share, TherapySession, utcnow
from journal.services import checkins, links, packets
from tests.test_web_links import _user, link_up, pair, schedule, share, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests


@pytest.fixture
def session_id(app, pair):
    return schedule(app, pair.therapist.user, pair.link_id)


def packet_form(entries, agenda="", orders=None):
    """The packet form as the page posts it: checked boxes and their order numbers."""
    data = {"agenda": agenda, "entry_ids": [e.id for e in entries]}
    for entry, order in zip(entries, orders or [], strict=False):
        data[f"order-{entry.id}"] = str(order)
    return data


def items_of(app, session_id):
    with app.app_context():
        return list(
            db.session.scalars(
                select(PacketItem.entry_id)
                .where(PacketItem.session_id == session_id)
                .order_by(PacketItem.position)
            )
        )


def end_session(app, session_id):
    with app.app_context():
        past = utcnow() - timedelta(days=3)
        db.session.execute(
            update(TherapySession)
            .where(TherapySession.id == session_id)
            .values(starts_at=past, ends_at=past + timedelta(minutes=50))
        )
        db.session.commit()


def test_sessions_page_lists_coming_and_past_and_offers_to_add(app, pair):
    coming = schedule(app, pair.client.user, pair.link_id)
    gone = schedule(app, pair.client.user, pair.link_id)
    end_session(app, gone)
    response = pair.client.client.get(f"/links/{pair.link_id}/sessions")
    text = text_of(response)
    assert response.status_code == 200 and "Sessions with Dr Lee" in text
    assert f'href="/prepare/{coming}">' in text and f'href="/prepare/{gone}">' in text
    assert text.index(coming) < text.index("Past sessions") < text.index(gone)
    assert '<label for="starts_at">Date and time</label>' in text and "Add session</button>" in text


def test_sessions_page_empty_states(pair):
    text = text_of(pair.client.client.get(f"/links/{pair.link_id}/sessions"))
    assert "No session date yet." in text and "None yet. After a session" in text


def test_adding_a_session_goes_on_to_prepare(app, pair):
    form = {"starts_at": "2099-06-11T15:00", "duration": ""}
    response = pair.client.form(f"/links/{pair.link_id}/sessions", form)
    with app.app_context():
        session = db.session.scalar(select(TherapySession))
    assert response.status_code == 302 and response.headers["Location"] == f"/prepare/{session.id}"
    assert session.duration_minutes == 50 and session.created_by == pair.client.user.id
    text = text_of(pair.client.client.get(f"/prepare/{session.id}"))
    assert "Session added." in text and "Thu 11 Jun 2099, 15:00 UTC" in text
    assert "Thu 11 Jun 2099, 15:00 UTC" in text_of(
        pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}")
    )


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": ""}, "starts_at", "Choose a date and a time."),
        ({"starts_at": "2001-01-01T10:00"}, "starts_at", "Choose a time that hasn't passed yet."),
        ({"duration": "300"}, "duration", "Use 10 to 240 minutes."),
    ],
)
def test_adding_a_session_with_bad_input_is_422_keeping_it(app, pair, fields, field, message):
    form = {"starts_at": "2099-06-11T15:00", "duration": "50"} | fields
    response = pair.client.form(f"/links/{pair.link_id}/sessions", form)
    text = text_of(response)
    assert response.status_code == 422 and f'id="{field}-error">{message}' in text
    assert f'value="{form["starts_at"]}"' in text and f'value="{form["duration"]}"' in text
    with app.app_context():
        assert db.session.scalar(select(TherapySession)) is None


def test_packet_page_offers_entries_and_says_what_saving_shares(app, pair, session_id, make_entry):
    shared = make_entry(pair.client.user, "Already shared", title="Shared one")
    private = make_entry(pair.client.user, "Still private", title="Private one")
    share(app, pair.client.user, shared.id, pair.therapist.user)
    response = pair.client.client.get(f"/prepare/{session_id}")
    text = text_of(response)
    assert response.status_code == 200
    assert '<label for="agenda">What I\'d like to talk about</label>' in text
    assert "Saving shares any chosen entry that isn't shared with Dr Lee yet" in text
    assert f'id="pick-{shared.id}" name="entry_ids" value="{shared.id}"' in text
    assert f'<label for="order-{private.id}">Order</label>' in text
    private_row = text.split(f'id="pick-{private.id}"')[1].split("</li>")[0]
    shared_row = text.split(f'id="pick-{shared.id}"')[1].split("</li>")[0]
    assert "not shared yet" in private_row and "not shared yet" not in shared_row
    assert "Save packet</button>" in text


def test_packet_page_without_entries_invites_writing(pair, session_id):
    text = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "No entries yet" in text and 'href="/journal/new">Write an entry</a>' in text


def test_saving_the_packet_orders_items_and_shares_the_unshared(app, pair, session_id, make_entry):
    a = make_entry(pair.client.user, "First words", title="A")
    b = make_entry(pair.client.user, "Feedback words", title="B", kind="feedback")
    c = make_entry(pair.client.user, "Left out", title="C")
    share(app, pair.client.user, a.id, pair.therapist.user, passage="First")
    form = packet_form([a, b], agenda="Pace, then work.", orders=[2, 1])
    response = pair.client.form(f"/prepare/{session_id}", form)
    assert response.status_code == 302 and response.headers["Location"] == f"/prepare/{session_id}"
    assert items_of(app, session_id) == [b.id, a.id]
    with app.app_context():
        shared = set(db.session.scalars(select(Share.entry_id)))
        digest = packets.digest(_user(pair.therapist.user), session_id)
    assert shared == {a.id, b.id}  # c stays private; a keeps its passage share
    assert [i.entry_id for i in digest.items] == [
        b.id,
        a.id,
    ] and digest.agenda == "Pace, then work."
    text = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "Packet saved." in text and ">Pace, then work.</textarea>" in text
    assert f'value="{b.id}" checked' in text and f'value="{c.id}">' in text
    assert f'id="order-{b.id}" name="order-{b.id}" type="number"' in text
    assert re.search(rf'name="order-{a.id}"[^>]*value="2"', text)


def test_unnumbered_choices_follow_the_numbered_ones(app, pair, session_id, make_entry):
    a, b, c = (make_entry(pair.client.user, f"w{n}", title=f"t{n}") for n in range(3))
    form = packet_form([a, b, c]) | {f"order-{c.id}": "1"}
    assert pair.client.form(f"/prepare/{session_id}", form).status_code == 302
    assert items_of(app, session_id) == [c.id, a.id, b.id]


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"order": "first"}, "Not a valid integer."),
        ({"order": "0"}, "Use a number from 1 to 999."),
        ({"agenda": "x" * 2001}, "Keep the note to 2,000 characters or fewer."),
        ({"stranger": True}, "Choose from your own entries."),
    ],
)
def test_bad_packet_input_is_422_keeping_what_was_typed(
    app, pair, session_id, make_entry, api_as, bad, message
):
    mine = make_entry(pair.client.user, "Mine", title="Mine")
    form = packet_form([mine], agenda=bad.get("agenda", "Kept note"), orders=[bad.get("order", 1)])
    if bad.get("stranger"):
        theirs = make_entry(api_as("client").user, "Theirs")
        form["entry_ids"].append(theirs.id)
    response = pair.client.form(f"/prepare/{session_id}", form)
    text = text_of(response)
    assert response.status_code == 422 and message in text
    assert f'value="{mine.id}" checked' in text
    assert form["agenda"] in text and f'value="{bad.get("order", 1)}"' in text
    assert items_of(app, session_id) == []
    with app.app_context():
        assert db.session.scalar(select(Share)) is None


def test_a_past_packet_is_read_only(app, pair, session_id, make_entry):
    entry = make_entry(pair.client.user, "Kept", title="Kept entry")
    with app.app_context():
        packets.prepare(_user(pair.client.user), session_id, "Old agenda", [entry.id])
    end_session(app, session_id)
    text = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "kept as it was" in text and "Old agenda" in text and "Kept entry" in text
    assert "Save packet" not in text and "<textarea" not in text
    response = pair.client.form(f"/prepare/{session_id}", packet_form([], agenda="New"))
    assert response.status_code == 409 and "This session is over" in text_of(response)
    assert items_of(app, session_id) == [entry.id]


def test_someone_elses_sessions_and_links_are_404(app, pair, session_id, api_as):
    stranger = api_as("client")
    for path in (f"/prepare/{session_id}", f"/links/{pair.link_id}/sessions"):
        assert stranger.client.get(path).status_code == 404
        assert stranger.form(path, {"starts_at": "2099-06-11T15:00"}).status_code == 404
    with app.app_context():
        links.end_link(_user(pair.client.user), pair.link_id)
    # The client still reads their past with that therapist, and changes none of it.
    for path in (f"/prepare/{session_id}", f"/links/{pair.link_id}/sessions"):
        assert pair.client.client.get(path).status_code == 200
        assert pair.client.form(path, {"starts_at": "2099-06-11T15:00"}).status_code == 404


@pytest.mark.parametrize("path", ["/prepare/{s}", "/links/{l}/sessions"])
def test_pages_and_posts_for_each_visitor(app, pair, session_id, api, path):
    url = path.format(s=session_id, l=pair.link_id)
    form = {"starts_at": "2099-06-11T15:00", "agenda": "Hello"}
    response = pair.client.client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert pair.therapist.client.get(url).status_code == 403
    assert pair.therapist.form(url, form).status_code == 403
    assert api.client.get(url).headers["Location"].startswith("/login")
    assert api.form(url, form).headers["Location"].startswith("/login")
    assert pair.client.client.post(url, data=form).status_code == 400
    assert pair.client.form(url, form).status_code == 302


def _check_in(app, client, therapist, total_each, shared):
    with app.app_context():
        data = dict.fromkeys(("bond", "goals", "approach", "overall"), total_each)
        data |= {"therapist_id": therapist.id, "note": "", "shared": shared}
        return checkins.create(_user(client), data).id


def test_check_ins_with_this_therapist_can_join_the_packet(app, pair, session_id, make_user):
    private = _check_in(app, pair.client.user, pair.therapist.user, 6, shared=False)
    shared = _check_in(app, pair.client.user, pair.therapist.user, 9, shared=True)
    kim = make_user("therapist", name="Dr Kim")
    link_up(app, pair.client.user, kim)
    elsewhere = _check_in(app, pair.client.user, kim, 5, shared=True)
    text = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert "Check-ins to talk about" in text and "Saving shares a private one with Dr Lee" in text
    assert f'value="{private}">' in text and f'value="{shared}">' in text
    assert elsewhere not in text
    assert "total 24 of 40" in text and "private so far" in text
    response = pair.client.form(f"/prepare/{session_id}", {"agenda": "", "checkin_ids": [private]})
    assert response.status_code == 302
    with app.app_context():
        rows = db.session.execute(
            select(PacketItem.entry_id, PacketItem.checkin_id).where(
                PacketItem.session_id == session_id
            )
        ).all()
        assert [tuple(r) for r in rows] == [(None, private)]
        assert db.session.get(Checkin, private).shared is True
    assert f'value="{private}" checked' in text_of(pair.client.client.get(f"/prepare/{session_id}"))
    therapist_page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    digest = therapist_page.split('class="packet-list"')[1].split("</ol>")[0]
    assert "A check-in: total 24 of 40" in digest


def test_someone_elses_check_in_is_422_keeping_the_choices(
    app, pair, session_id, make_user, make_entry
):
    other = make_user("client")
    link_up(app, other, pair.therapist.user)
    theirs = _check_in(app, other, pair.therapist.user, 5, shared=True)
    mine = make_entry(pair.client.user, "Mine", title="Mine")
    form = packet_form([mine], agenda="Kept note") | {"checkin_ids": [theirs]}
    response = pair.client.form(f"/prepare/{session_id}", form)
    text = text_of(response)
    assert response.status_code == 422 and "Choose from your check-ins" in text
    assert f'value="{mine.id}" checked' in text and "Kept note" in text
    assert items_of(app, session_id) == []


def test_a_past_packet_lists_its_check_in(app, pair, session_id):
    checkin_id = _check_in(app, pair.client.user, pair.therapist.user, 8, shared=True)
    with app.app_context():
        packets.prepare(_user(pair.client.user), session_id, "", [], checkin_ids=[checkin_id])
    end_session(app, session_id)
    text = text_of(pair.client.client.get(f"/prepare/{session_id}"))
    assert 'href="/checkins">A check-in</a> · total 32 of 40' in text
