"""Sharing offers only what can work: "until my next session ends" only with a session on the
calendar; the journal list says what is shared and read; "What I've shared" lists every current
share with one-tap withdraw, in a fixed number of queries."""

from datetime import timedelta

from sqlalchemy import event, update

from journal.extensions import db
from journal.models import Share, utcnow
from tests.test_web_links import pair, read, schedule, share, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests


def test_until_the_next_session_only_with_a_session(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Words", title="Mine")
    page = text_of(pair.client.client.get(f"/journal/{entry.id}"))
    assert 'value="session"' not in page and "put the session on the calendar" in page
    assert f'href="/links/{pair.link_id}/sessions"' in page
    schedule(app, pair.client.user, pair.link_id)
    page = text_of(pair.client.client.get(f"/journal/{entry.id}"))
    assert 'value="session"' in page and "Until the end of my next session (" in page


def test_the_journal_list_says_what_is_shared(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Words", title="Shared one")
    make_entry(pair.client.user, "Other words", title="Private one")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    home = text_of(pair.client.client.get("/journal"))
    assert home.count("Shared with Dr Lee") == 1 and "not read yet" in home
    read(app, pair.therapist.user, pair.client.user, entry.id)
    assert "Shared with Dr Lee · read " in text_of(pair.client.client.get("/journal"))


def test_what_ive_shared_lists_and_withdraws(app, pair, make_entry):
    first = make_entry(pair.client.user, "One", title="First shared")
    second = make_entry(pair.client.user, "Two", title="Second shared")
    make_entry(pair.client.user, "Three", title="Never shared")
    gone = make_entry(pair.client.user, "Four", title="Lapsed")
    share(app, pair.client.user, first.id, pair.therapist.user)
    share(app, pair.client.user, second.id, pair.therapist.user, passage="Two")
    share(app, pair.client.user, gone.id, pair.therapist.user)
    with app.app_context():  # a share whose time ran out is no longer shared
        lapsed = utcnow() - timedelta(minutes=1)
        db.session.execute(update(Share).where(Share.entry_id == gone.id).values(expires_at=lapsed))
        hour_ago = utcnow() - timedelta(hours=1)
        older = update(Share).where(Share.entry_id == first.id).values(shared_at=hour_ago)
        db.session.execute(older)
        db.session.commit()
    page = text_of(pair.client.client.get("/journal/shared"))
    assert page.index("Second shared") < page.index("First shared")  # newest share first
    assert "Never shared" not in page and "Lapsed" not in page
    withdrawn = pair.client.form(
        f"/journal/{first.id}/withdraw/{pair.therapist.user.id}?from=shared"
    )
    assert withdrawn.status_code == 302 and withdrawn.location == "/journal/shared"
    after = text_of(pair.client.client.get("/journal/shared"))
    assert "First shared" not in after and "can no longer read this entry" in after


def test_what_ive_shared_when_nothing_is(api_as):
    page = text_of(api_as("client").client.get("/journal/shared"))
    assert "Nothing is shared right now" in page


def test_what_ive_shared_costs_the_same_for_2_or_20(app, pair, make_entry):
    def statements():
        seen = []
        listen = lambda *args: seen.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listen)
        try:
            assert pair.client.client.get("/journal/shared").status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", listen)
        return len(seen)

    for n in range(2):
        made = make_entry(pair.client.user, f"Words {n}", title=f"Entry {n}")
        share(app, pair.client.user, made.id, pair.therapist.user)
    with app.app_context():
        few = statements()
    for n in range(2, 20):
        made = make_entry(pair.client.user, f"Words {n}", title=f"Entry {n}")
        share(app, pair.client.user, made.id, pair.therapist.user)
    with app.app_context():
        assert statements() == few


def test_only_clients_have_it(pair):
    assert pair.therapist.client.get("/journal/shared").status_code == 403
