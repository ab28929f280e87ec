"""The therapist's pages: clients at a glance, invites, a client's page, reading, ending a link."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select, update

from journal.extensions import db
from journal.models import AuditEvent, Invite, Link, Share, TherapySession, utcnow
from journal.services import entries, links, packets, sharing
from tests.test_web_links import _user, link_up, pair, read, schedule, share, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests


def client_page(pair):
    return f"/therapist/clients/{pair.client.user.id}"


def test_home_empty_state_and_invite_button(api_as):
    text = text_of(api_as("therapist").client.get("/therapist"))
    assert "No clients linked yet" in text
    assert 'action="/therapist/invites"' in text and "Invite a client</button>" in text
    assert "Open invites" not in text


def test_home_lists_clients_with_unread_last_shared_and_next_session(app, pair, make_entry):
    entries = [make_entry(pair.client.user, f"Words {n}", title=f"Entry {n}") for n in range(3)]
    for entry in entries:
        share(app, pair.client.user, entry.id, pair.therapist.user)
    read(app, pair.therapist.user, pair.client.user, entries[0].id)
    schedule(app, pair.client.user, pair.link_id)
    text = text_of(pair.therapist.client.get("/therapist"))
    assert f'href="{client_page(pair)}"' in text and "Sam" in text
    assert '<span class="badge badge-new">2 new</span>' in text
    assert "Last shared <time" in text and "Next session <time" in text
    assert "Entry 1" not in text  # titles wait for the client's page


def test_home_without_shares_or_sessions_says_so(pair):
    text = text_of(pair.therapist.client.get("/therapist"))
    assert "Nothing shared yet" in text and "No session date yet" in text and " new<" not in text


def test_inviting_shows_the_code_once_with_its_join_link(app, api_as):
    therapist = api_as("therapist")
    response = therapist.form("/therapist/invites", {"invite_note": "for J."})
    assert response.status_code == 302 and response.location == "/therapist/invites/new"
    text = text_of(therapist.client.get(response.location))
    code = re.search(r'<p class="invite-code"[^>]*>([^<]+)</p>', text)[1]
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)
    assert f'href="http://localhost/join/{code}"' in text
    assert "Read it aloud" in text and "send the link" in text
    with app.app_context():
        assert links.find_invite(code).therapist_id == therapist.user.id
    home = text_of(therapist.client.get("/therapist"))
    assert "Open invites" in home and code not in home and "Cancel</button>" in home
    assert "<strong>for J.</strong>" in home
    again = therapist.client.get("/therapist/invites/new")  # a refresh: no second invite
    assert again.status_code == 302 and again.location == "/therapist#invite-heading"
    with app.app_context():
        assert len(links.open_invites(_user(therapist.user))) == 1
    assert "shows only once" in text_of(therapist.client.get("/therapist"))
    long = therapist.form("/therapist/invites", {"invite_note": "x" * 41})
    assert long.status_code == 422 and "40 characters or fewer" in text_of(long)


def test_cancelling_an_invite_stops_its_code(app, api_as):
    therapist = api_as("therapist")
    made = therapist.form("/therapist/invites", follow_redirects=True)
    code = re.search(r'invite-code"[^>]*>([^<]+)<', text_of(made))[1]
    with app.app_context():
        invite_id = db.session.scalar(select(Invite.id))
    response = therapist.form(f"/therapist/invites/{invite_id}/cancel")
    assert response.status_code == 302 and response.headers["Location"] == "/therapist"
    home = text_of(therapist.client.get("/therapist"))
    assert "That invite is cancelled." in home and "Open invites" not in home
    assert api_as("client").form(f"/join/{code}").status_code == 422


def test_someone_elses_invite_cannot_be_cancelled(app, api_as, make_user):
    other = make_user("therapist")
    with app.app_context():
        invite, _ = links.create_invite(_user(other))
    assert api_as("therapist").form(f"/therapist/invites/{invite.id}/cancel").status_code == 404
    with app.app_context():
        assert db.session.get(Invite, invite.id).cancelled_at is None


def test_client_page_shows_the_digest_feedback_first(app, pair, make_entry):
    client = pair.client.user
    first = make_entry(client, "I want to talk about work.", title="Work")
    feedback = make_entry(client, "The pace is too fast for me.", title="Pace", kind="feedback")
    passage = make_entry(client, "Private start. The shared bit. Private end.", title="Secret")
    share(app, client, passage.id, pair.therapist.user, passage="The shared bit.")
    session_id = schedule(app, client, pair.link_id)
    with app.app_context():
        packets.prepare(_user(client), session_id, "Start with the pace.", [first.id, feedback.id])
    with app.app_context():  # the passage joins the packet last
        packets.prepare(
            _user(client), session_id, "Start with the pace.", [first.id, feedback.id, passage.id]
        )
    read(app, pair.therapist.user, client, first.id)
    text = text_of(pair.therapist.client.get(client_page(pair)))
    assert "Start with the pace." in text
    digest = text.split('class="packet-list"')[1].split("</ol>")[0]
    titles = re.findall(r'<span class="packet-title">([^<]+)</span>', digest)
    assert titles == ["Pace", "Work", "A passage"]
    items = digest.split("<li")[1:]
    assert "Feedback about our work" in items[0] and "New" in items[0]
    assert "New" not in items[1] and "A passage</span>" in items[2]
    assert "Secret" not in text and "Private start" not in text
    assert "Change the date" in text and 'type="datetime-local"' in text


def test_client_page_lists_shares_newest_first_and_nothing_unshared(app, pair, make_entry):
    client = pair.client.user
    entries = [make_entry(client, f"Body {n}", title=f"Shared {n}") for n in range(3)]
    make_entry(client, "Never shared", title="Hidden diary")
    for entry in entries:
        share(app, client, entry.id, pair.therapist.user)
    with app.app_context():  # distinct share times, oldest first
        for n, entry in enumerate(entries):
            stamp = utcnow() - timedelta(hours=3 - n)
            db.session.execute(
                update(Share).where(Share.entry_id == entry.id).values(shared_at=stamp)
            )
        db.session.commit()
    read(app, pair.therapist.user, client, entries[0].id)
    text = text_of(pair.therapist.client.get(client_page(pair)))
    assert re.findall(r'entry-title">(Shared \d)<', text) == ["Shared 2", "Shared 1", "Shared 0"]
    assert text.count('<span class="badge">Read</span>') == 1
    assert "Hidden diary" not in text and "Never shared" not in text
    older = text_of(pair.therapist.client.get(client_page(pair), query_string={"limit": 2}))
    link = re.search(r'href="([^"]+)">Older</a>', older)
    assert link and "Shared 0" not in older
    rest = text_of(pair.therapist.client.get(link[1].replace("&amp;", "&")))
    assert "Shared 0" in rest and "Shared 2" not in rest


def test_client_page_empty_states(pair):
    text = text_of(pair.therapist.client.get(client_page(pair)))
    assert "Nothing shared with you right now" in text
    assert "No session date yet. Either of you can set it." in text
    assert "None yet. After a session" in text


def test_client_page_with_a_damaged_cursor_is_422(pair):
    response = pair.therapist.client.get(client_page(pair), query_string={"cursor": "nope"})
    assert response.status_code == 422 and "This cursor is not valid." in text_of(response)


def test_past_packets_are_listed_and_kept(app, pair, make_entry):
    client = pair.client.user
    entry = make_entry(client, "Before the session", title="Last week")
    session_id = schedule(app, client, pair.link_id)
    with app.app_context():
        packets.prepare(_user(client), session_id, "Old note", [entry.id])
        moved = utcnow() - timedelta(days=7)
        db.session.execute(
            update(TherapySession).values(starts_at=moved, ends_at=moved + timedelta(minutes=50))
        )
        db.session.commit()
    text = text_of(pair.therapist.client.get(client_page(pair)))
    path = f"{client_page(pair)}/sessions/{session_id}"
    assert f'href="{path}"' in text
    past = pair.therapist.client.get(path)
    assert past.status_code == 200
    past_text = text_of(past)
    assert "Past session" in past_text and "Old note" in past_text and "Last week" in past_text


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"starts_at": ""}, "starts_at", "Choose a date and a time."),
        ({"starts_at": "next Thursday"}, "starts_at", "Choose a date and a time."),
        ({"starts_at": "2001-01-01T10:00"}, "starts_at", "Choose a time that hasn't passed yet."),
        ({"duration": "5"}, "duration", "Use 10 to 240 minutes."),
        ({"duration": "long"}, "duration", "Use a number of minutes."),
    ],
)
def test_setting_a_session_with_bad_input_is_422_keeping_it(app, pair, fields, field, message):
    form = {"starts_at": "2099-03-05T14:00", "duration": "50"} | fields
    response = pair.therapist.form(f"{client_page(pair)}/sessions", form)
    text = text_of(response)
    assert response.status_code == 422
    assert f'id="{field}-error">{message}' in text
    assert f'value="{form["starts_at"]}"' in text and f'value="{form["duration"]}"' in text
    with app.app_context():
        assert db.session.scalar(select(TherapySession)) is None


def test_setting_and_changing_the_next_session(app, pair):
    form = {"starts_at": "2099-03-05T14:00", "duration": "60"}
    response = pair.therapist.form(f"{client_page(pair)}/sessions", form)
    assert response.status_code == 302 and response.headers["Location"] == client_page(pair)
    with app.app_context():
        session = db.session.scalar(select(TherapySession))
        assert session.starts_at.isoformat() == "2099-03-05T14:00:00+00:00"
        assert session.duration_minutes == 60 and session.created_by == pair.therapist.user.id
    text = text_of(pair.therapist.client.get(client_page(pair)))
    assert "Thu 5 Mar 2099, 14:00 UTC" in text and 'value="2099-03-05T14:00"' in text
    move = f"{client_page(pair)}/sessions/{session.id}/move"
    response = pair.therapist.form(move, {"starts_at": "2099-03-06T09:30", "duration": "45"})
    assert response.status_code == 302
    with app.app_context():
        moved = db.session.get(TherapySession, session.id)
        assert moved.starts_at.isoformat() == "2099-03-06T09:30:00+00:00"
        assert moved.duration_minutes == 45
    assert "Fri 6 Mar 2099, 09:30 UTC" in text_of(pair.client.client.get("/links"))


def test_moving_with_bad_input_is_422(app, pair):
    session_id = schedule(app, pair.client.user, pair.link_id)
    move = f"{client_page(pair)}/sessions/{session_id}/move"
    response = pair.therapist.form(move, {"starts_at": "2001-01-01T10:00", "duration": "50"})
    assert response.status_code == 422 and 'value="2001-01-01T10:00"' in text_of(response)
    assert '<details class="session-form" open>' in text_of(response)


def test_sessions_of_someone_else_are_404(app, pair, api_as):
    other_client = api_as("client")
    other_link = link_up(app, other_client.user, pair.therapist.user)
    theirs = schedule(app, other_client.user, other_link)
    move = f"{client_page(pair)}/sessions/{theirs}/move"
    ok = {"starts_at": "2099-03-05T14:00", "duration": "50"}
    assert pair.therapist.form(move, ok).status_code == 404
    assert pair.therapist.client.get(f"{client_page(pair)}/sessions/{theirs}").status_code == 404
    stranger = api_as("therapist")
    mine = schedule(app, pair.client.user, pair.link_id)
    assert stranger.client.get(f"{client_page(pair)}/sessions/{mine}").status_code == 404
    assert stranger.form(f"{client_page(pair)}/sessions", ok).status_code == 404


def test_reading_an_entry_records_the_read(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Line one.\nLine two.", title="Tuesday", tags=["work"])
    share(app, pair.client.user, entry.id, pair.therapist.user)
    response = pair.therapist.client.get(f"{client_page(pair)}/entries/{entry.id}")
    text = text_of(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "<h1>Tuesday</h1>" in text and "Line one.\nLine two." in text and "work" in text
    assert f'href="{client_page(pair)}">Back</a>' in text
    with app.app_context():
        assert db.session.scalar(select(Share.read_at)) is not None
        assert (
            db.session.scalar(select(AuditEvent).where(AuditEvent.action == "read_entry")).entry_id
            == entry.id
        )


def test_a_passage_share_shows_only_the_passage(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Keep this. Share this part. Keep that.", title="Mine")
    share(app, pair.client.user, entry.id, pair.therapist.user, passage="Share this part.")
    text = text_of(pair.therapist.client.get(f"{client_page(pair)}/entries/{entry.id}"))
    assert "<h1>A passage</h1>" in text and "Share this part." in text
    assert "Keep this." not in text and "Keep that." not in text and "Mine" not in text
    listing = text_of(pair.therapist.client.get(client_page(pair)))
    assert "A passage" in listing and "Mine" not in listing


@pytest.mark.parametrize("how", ["unshared", "withdrawn", "expired", "deleted", "other_client"])
def test_entries_not_shared_now_are_404(app, pair, make_entry, api_as, how):
    owner = pair.client.user
    if how == "other_client":
        owner = api_as("client").user
        link_up(app, owner, pair.therapist.user)
    entry = make_entry(owner, "Not for you now", title="Gone")
    if how != "unshared":
        share(app, owner, entry.id, pair.therapist.user)
    with app.app_context():
        if how == "withdrawn":
            sharing.withdraw(_user(owner), entry.id, pair.therapist.user.id)
        elif how == "expired":
            db.session.execute(update(Share).values(expires_at=utcnow() - timedelta(seconds=1)))
            db.session.commit()
        elif how == "deleted":
            entries.delete(_user(owner), entry.id)
    response = pair.therapist.client.get(f"{client_page(pair)}/entries/{entry.id}")
    assert response.status_code == 404
    text = text_of(response)
    assert "We couldn't find that" in text and "Not for you now" not in text and "Gone" not in text


def test_ending_the_link_from_the_therapists_side(app, pair, make_entry):
    confirm = pair.therapist.client.get(f"{client_page(pair)}/end")
    assert confirm.status_code == 200 and "End the link with Sam?" in text_of(confirm)
    response = pair.therapist.form(f"{client_page(pair)}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/therapist"
    assert "The link with Sam has ended." in text_of(pair.therapist.client.get("/therapist"))
    with app.app_context():
        assert db.session.get(Link, pair.link_id).status == "ended"
    assert pair.therapist.client.get(client_page(pair)).status_code == 404
    assert "No therapist linked yet" in text_of(pair.client.client.get("/links"))


PAGES = ["", "/clients/{c}", "/clients/{c}/entries/{e}", "/clients/{c}/sessions/{s}"]
PAGES += ["/clients/{c}/end"]
POSTS = ["/invites", "/invites/{i}/cancel", "/clients/{c}/sessions", "/clients/{c}/end"]
POSTS += ["/clients/{c}/sessions/{s}/move"]


@pytest.fixture
def things(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Shared")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    with app.app_context():
        invite, _ = links.create_invite(_user(pair.therapist.user))
    return {
        "c": pair.client.user.id,
        "e": entry.id,
        "s": schedule(app, pair.client.user, pair.link_id),
        "i": invite.id,
    }


@pytest.mark.parametrize("path", PAGES)
def test_pages_for_each_visitor(pair, api, things, path):
    url = "/therapist" + path.format(**things)
    response = pair.therapist.client.get(url)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert pair.client.client.get(url).status_code == 403
    signed_out = api.client.get(url)
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/login")


@pytest.mark.parametrize("path", POSTS)
def test_posts_need_csrf_a_therapist_and_a_sign_in(pair, api, things, path):
    url = "/therapist" + path.format(**things)
    form = {"starts_at": "2099-03-05T14:00", "duration": "50"}
    assert pair.therapist.client.post(url, data=form).status_code == 400
    assert pair.client.form(url, form).status_code == 403
    assert api.form(url, form).headers["Location"].startswith("/login")
    assert pair.therapist.form(url, form).status_code in (201, 302)


@pytest.mark.parametrize("path", PAGES[1:])
def test_a_client_not_linked_to_you_is_404(app, pair, api_as, things, path):
    url = "/therapist" + path.format(**things)
    assert api_as("therapist").client.get(url).status_code == 404


def count_queries(app, fn) -> int:
    """Run fn and count the SQL statements it sends."""
    seen = []
    with app.app_context():
        engine = db.engine

    def note(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return len(seen)


def test_home_queries_do_not_grow_with_clients_or_entries(app, api_as, make_user, make_entry):
    therapist = api_as("therapist")

    def add_client():
        client = make_user("client")
        link_id = link_up(app, client, therapist.user)
        for n in range(3):
            entry = make_entry(client, f"words {n}", title=f"t{n}")
            share(app, client, entry.id, therapist.user)
        schedule(app, client, link_id)

    add_client()
    therapist.client.get("/therapist")  # warm up
    one = count_queries(app, lambda: therapist.client.get("/therapist"))
    for _ in range(3):
        add_client()
    four = count_queries(app, lambda: therapist.client.get("/therapist"))
    assert one == four
    assert text_of(therapist.client.get("/therapist")).count("3 new") == 4


def test_a_shared_question_is_marked_as_one(app, pair, make_entry):
    question = make_entry(pair.client.user, "Why do we start with the week?", kind="question")
    share(app, pair.client.user, question.id, pair.therapist.user)
    listing = text_of(pair.therapist.client.get(client_page(pair)))
    assert '<span class="badge">A question for you</span>' in listing
    page = text_of(pair.therapist.client.get(f"{client_page(pair)}/entries/{question.id}"))
    assert "Sam · A question for you · shared" in page
