"""The loop closing in a real browser, one profile per person: a client shares "what isn't
working"; the therapist answers by keyboard alone, heard, with a reply and a wish to talk about it
next session; the client sees the reply on the journal home and on the entry, and the item on the
next session's packet, marked as the therapist's request. After the session the journal home asks
once whether it was talked through; the client says yes, and both ledgers show it repaired."""

from datetime import timedelta

from sqlalchemy import update

from journal.extensions import db
from journal.models import Answer, utcnow
from tests.browser.conftest import register
from tests.browser.test_feedback_journey import (
    _link_with_a_session,
    compose_feedback,
    therapist_signs_up,
)
from tests.browser.test_sharing_journey import second_page, snap, text
from tests.test_api_repairs import end_session

__all__ = ["second_page"]  # the fixture, imported for this module's test

REPLY = "Thank you for telling me. Let's start with this on Tuesday."


def test_the_therapist_answers_and_the_client_sees_it(app, page, context, second_page):
    therapist, client = page, second_page
    therapist_email = therapist_signs_up(therapist)
    client_email = register(client, name="Sam")
    session_id, _reflection = _link_with_a_session(app, client_email, therapist_email)

    feedback = compose_feedback(client)
    with client.expect_navigation():
        client.click("#sharing button:has-text('Share')")
    assert "Shared with Dr Lee" in text(client, "#sharing")

    # The therapist answers with the keyboard alone.
    therapist.goto("/therapist")
    with therapist.expect_navigation():
        therapist.click(".client-list a")
    with therapist.expect_navigation():
        therapist.click(f"a[href$='/entries/{feedback}']")
    snap(therapist, "answer-form")
    therapist.focus("#reply")
    therapist.keyboard.type(REPLY)
    therapist.keyboard.press("Shift+Tab")  # back to "Let's talk about it next session"
    therapist.keyboard.press("Space")
    assert therapist.is_checked("input[name=discuss_next_session]")
    assert therapist.is_checked("input[name=heard]")
    therapist.focus("#reply")
    therapist.keyboard.press("Tab")  # the button
    with therapist.expect_navigation():
        therapist.keyboard.press("Enter")
    assert "Your answer is saved." in text(therapist, ".notice")
    assert "You answered" in text(therapist, "#answer")
    snap(therapist, "answer-given")

    # The client sees it: on the journal home, on the entry, and on the next packet.
    client.goto("/journal")
    replies = text(client, ".replies")
    assert "heard by Dr Lee" in replies and "new" in replies and REPLY in replies
    snap(client, "replies-home")
    with client.expect_navigation():
        client.click(".replies a")
    assert "Heard by Dr Lee" in text(client, "#sharing") and REPLY in text(client, "#sharing")
    assert "would like to talk about this next session" in text(client, "#sharing")
    snap(client, "answer-on-entry")
    client.goto(f"/prepare/{session_id}")
    assert "Dr Lee asked to talk about" in text(client, "main")
    assert "The pace" in text(client, "#requests-heading + ul")
    snap(client, "packet-requests")
    client.goto("/journal")
    assert " · new" not in text(client, ".replies")  # seen since the last look

    # The session happens; afterwards the journal home asks, once.
    end_session(app, session_id)
    with app.app_context():  # the answer was given before the session began
        db.session.execute(update(Answer).values(updated_at=utcnow() - timedelta(days=1)))
        db.session.commit()
    client.goto("/journal")
    assert "get talked through?" in text(client, ".repair-ask")
    snap(client, "repair-ask")
    with client.expect_navigation():
        client.click(".repair-ask button:has-text('Yes')")
    assert "It's in your ledger." in text(client, ".notice")
    assert client.locator(".repair-ask").count() == 0
    client.goto("/journal/ledger")
    assert "Addressed" in text(client, ".ledger-list") and "The pace" in text(client, "main")
    snap(client, "ledger-client")

    # The therapist's ledger shows it repaired, with the month's numbers.
    therapist.goto("/therapist")
    with therapist.expect_navigation():
        therapist.click(".client-list a")
    with therapist.expect_navigation():
        therapist.click("a:has-text('Feedback and what came of it')")
    assert "Addressed" in text(therapist, ".ledger-list")
    assert therapist.locator("svg.chart rect.chart-bar-fixed").count() >= 1
    assert "1" in text(therapist, "tbody td:nth-child(3)")
    snap(therapist, "ledger-therapist")

    assert context.errors == [] and client.context.errors == []
