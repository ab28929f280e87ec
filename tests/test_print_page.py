"""A page to bring to a session: entries chosen by dates (the client's own calendar), kind, tag
or therapist, in full, oldest first, at most 200, for the browser to print."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from journal.extensions import db
from journal.models import Entry, User, utcnow
from journal.services import sharing
from tests.helpers import statements_of
from tests.test_web_links import pair, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests
PAGE = "/journal/print"


def written_at(app, entry_id, moment):
    with app.app_context():
        db.session.execute(update(Entry).where(Entry.id == entry_id).values(created_at=moment))
        db.session.commit()


def test_the_last_two_weeks_in_full_oldest_first(app, api_as, make_entry):
    api = api_as("client")
    old = make_entry(api.user, body="From long ago", title="Old")
    first = make_entry(api.user, body="The first of the fortnight.\nA second line.", title="One")
    make_entry(api.user, body="And then this", title="Two", tags=["sleep"])
    written_at(app, old.id, utcnow() - timedelta(days=20))
    written_at(app, first.id, utcnow() - timedelta(days=3))
    page = text_of(api.client.get(PAGE))
    assert "From long ago" not in page
    assert page.index("The first of the fortnight.\nA second line.") < page.index("And then this")
    assert "Tags: sleep" in page
    assert "2 entries" in page
    assert "Nothing leaves this device unless you print it or save it." in " ".join(page.split())
    assert "Print or save as PDF" in page


def test_dates_are_days_on_the_clients_own_calendar(app, api_as, make_entry):
    api = api_as("client")
    with app.app_context():
        db.session.execute(
            update(User).where(User.id == api.user.id).values(time_zone="Pacific/Auckland")
        )
        db.session.commit()
    entry = make_entry(api.user, body="Late on the last night of March, at home")
    # 23:30 UTC on 31 March is 12:30 on 1 April in Auckland.
    written_at(app, entry.id, datetime(2026, 3, 31, 23, 30, tzinfo=UTC))
    march = text_of(api.client.get(PAGE + "?from=2026-03-01&to=2026-03-31"))
    april = text_of(api.client.get(PAGE + "?from=2026-04-01&to=2026-04-01"))
    assert "Late on the last night" not in march
    assert "Late on the last night" in april


def test_kind_tag_and_therapist_narrow_it(app, pair, make_entry):
    client = pair.client
    make_entry(client.user, body="A plain reflection")
    tagged = make_entry(client.user, body="About sleep", tags=["Sleep"])
    question = make_entry(client.user, body="Can we slow down?", kind="question")
    with app.app_context():
        sharing.share(db.session.get(User, client.user.id), question.id, pair.therapist.user.id)
    by_kind = text_of(client.client.get(PAGE + "?kind=question"))
    assert "Can we slow down?" in by_kind and "A plain reflection" not in by_kind
    by_tag = text_of(client.client.get(PAGE + "?tag=sleep"))
    assert "About sleep" in by_tag and "A plain reflection" not in by_tag
    shared = text_of(client.client.get(f"{PAGE}?shared_with={pair.therapist.user.id}"))
    assert "Can we slow down?" in shared and "About sleep" not in shared
    assert tagged.id


def test_at_most_two_hundred_with_a_note(app, api_as, make_entry, monkeypatch):
    from journal.web import printing

    monkeypatch.setattr(printing, "MAX_ENTRIES", 3)
    api = api_as("client")
    for n in range(5):
        make_entry(api.user, body=f"Entry number {n}")
    page = text_of(api.client.get(PAGE))
    assert "5 entries match. Here are the first 3" in " ".join(page.split())
    assert "Entry number 2" in page and "Entry number 3" not in page


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("?from=yesterday", "from", "Use a date like 2026-03-31."),
        ("?from=2026-05-02&to=2026-05-01", "to", "The end comes before the start."),
        ("?kind=poem", "kind", "Choose one of the kinds."),
        ("?shared_with=someone-else", "shared_with", "Choose one of your therapists."),
    ],
)
def test_bad_choices_are_named_on_the_form(api_as, query, field, message):
    response = api_as("client").client.get(PAGE + query)
    assert response.status_code == 422
    page = text_of(response)
    assert message in page and f'href="#{field}"' in page


def test_every_problem_at_once(api_as):
    page = text_of(api_as("client").client.get(PAGE + "?from=x&to=y&kind=poem"))
    for message in ["Use a date like", "Choose one of the kinds."]:
        assert message in page


def test_clients_only(api, api_as):
    assert api.client.get(PAGE).status_code == 302  # to sign-in
    assert api_as("therapist").client.get(PAGE).status_code == 403


def test_no_one_elses_entries(api_as, make_entry):
    other = api_as("client")
    make_entry(other.user, body="Someone else's words")
    assert "Someone else's words" not in text_of(api_as("client").client.get(PAGE))


def test_the_journal_home_leads_here(api_as):
    assert 'href="/journal/print"' in api_as("client").client.get("/journal").get_data(as_text=True)


def test_statements_do_not_grow_with_entries(app, api_as, make_entry):
    api = api_as("client")
    make_entry(api.user, body="one")
    _, few = statements_of(app, lambda: api.client.get(PAGE))
    for n in range(20):
        make_entry(api.user, body=f"more {n}")
    _, many = statements_of(app, lambda: api.client.get(PAGE))
    assert len(many) == len(few)
