"""Goals, tasks, the after-session bridge and the therapist's own view in a real browser at
360 px, one profile per person: the therapist suggests a goal and gives two tasks due next
session; the client adds the goal in their own words, answers one task with a shared entry and
says the other doesn't fit, with a reason; the therapist's digest shows the answer, the decline
and the reason. After the session the client writes a bridge that leads the next packet (and
checks in), and the therapist records their own view and sees both lines."""

from datetime import timedelta

from sqlalchemy import select

from journal.extensions import db
from journal.models import User, utcnow
from journal.services import appointments, links
from tests.browser.conftest import register
from tests.browser.test_feedback_journey import _link_with_a_session, therapist_signs_up
from tests.browser.test_sharing_journey import second_page, snap, text
from tests.test_api_repairs import end_session

__all__ = ["second_page"]  # the fixture, imported for this module's test

ANSWERED = "Notice one moment you held back, and write what you wanted to say."
DECLINED = "Write a letter to your younger self."


def _client_id(app, email) -> str:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.email == email))


def _next_session(app, client_id) -> str:
    """Put the session after the one that just ended on the calendar."""
    with app.app_context():
        client = db.session.get(User, client_id)
        link = links.links_of(client)[0]
        starts = (utcnow() + timedelta(days=6)).replace(second=0, microsecond=0)
        return appointments.schedule(client, link.id, starts).id


def _give(therapist, words):
    therapist.fill("#text", words)
    therapist.check("input[name=due][value=next_session]")
    with therapist.expect_navigation():
        therapist.click("main button:has-text('Give task')")
    assert "Given." in text(therapist, ".notice")


def test_between_sessions_from_both_sides(app, page, context, second_page):
    therapist, client = page, second_page
    therapist_email = therapist_signs_up(therapist)
    client_email = register(client, name="Sam")
    session_id, _ = _link_with_a_session(app, client_email, therapist_email)
    client_id = _client_id(app, client_email)

    # The therapist suggests a goal and gives two tasks, due by the next session.
    therapist.goto(f"/therapist/clients/{client_id}")
    with therapist.expect_navigation():
        therapist.click("main a:has-text('Goals')")
    therapist.fill("#text", "Sleep before midnight")
    with therapist.expect_navigation():
        therapist.click("main button:has-text('Suggest')")
    assert "Waiting" in text(therapist, "main")
    therapist.goto(f"/therapist/clients/{client_id}/tasks")
    _give(therapist, ANSWERED)
    _give(therapist, DECLINED)
    snap(therapist, "journey-tasks-given")

    # The client adds the goal in their own words.
    client.goto("/journal")
    assert "Dr Lee suggested a goal." in text(client, ".goals-card")
    with client.expect_navigation():
        client.click(".goals-card a:has-text('Have a look')")
    client.fill(".suggestion textarea", "In bed by 11 most nights")
    with client.expect_navigation():
        client.click(".suggestion button:has-text('Add to my goals')")
    assert "In bed by 11 most nights" in text(client, ".goal-list")
    assert "Shared with Dr Lee" in text(client, ".goal-list")
    snap(client, "journey-goal-added")

    # They answer one task with an entry, and share it.
    client.goto("/journal")
    assert "From Dr Lee, for your session on" in text(client, ".tasks-card")
    with client.expect_navigation():
        client.click(f".tasks-card li:has-text('{ANSWERED[:20]}') a:has-text('Write my answer')")
    assert ANSWERED in text(client, ".task-above")
    client.fill("#body", "I wanted to say that the pace felt rushed.")
    snap(client, "journey-task-answer")
    with client.expect_navigation():
        client.click("main button[type=submit]")
    with client.expect_navigation():
        client.click("#sharing button:has-text('Share')")
    assert "Shared with Dr Lee" in text(client, "#sharing")

    # And say the other doesn't fit, with a reason.
    client.goto("/journal/tasks")
    item = f".task-list li:has-text('{DECLINED[:20]}')"
    client.click(f"{item} summary")
    client.fill(f"{item} textarea", "Not ready to go back that far.")
    with client.expect_navigation():
        client.click(f"{item} button:has-text('Send')")
    assert "Thank you for saying so." in text(client, ".notice")
    snap(client, "journey-tasks-client")

    # The therapist's digest shows the answer, the decline and the reason.
    therapist.goto(f"/therapist/clients/{client_id}")
    digest = text(therapist, ".task-digest")
    assert "done" in digest and "read the answer" in digest
    assert "doesn't fit" in digest and "Not ready to go back that far." in digest
    snap(therapist, "journey-digest-tasks")

    # After the session, the client writes a bridge that leads the next packet, and checks in.
    end_session(app, session_id)
    coming = _next_session(app, client_id)
    client.goto("/journal")
    assert "After your session on" in text(client, ".bridge-offer")
    with client.expect_navigation():
        client.click(".bridge-offer a:has-text('Write a few lines')")
    client.fill("#takeaway", "Start with the hardest thing.")
    client.fill("#hindered", "The end felt rushed again.")
    client.check("input[name=leads_packet]")
    client.check("input[name=checkin_too]")
    snap(client, "journey-bridge")
    with client.expect_navigation():
        client.click("main button:has-text('Save')")
    for scale, value in zip(("bond", "goals", "approach", "overall"), (6, 5, 6, 6), strict=True):
        client.check(f"input[name={scale}][value='{value}']")
    client.check("input[name=share][value=shared]")
    with client.expect_navigation():
        client.click("main button:has-text('Save check-in')")
    assert "Dr Lee can see this check-in." in text(client, ".notice")
    client.goto(f"/prepare/{coming}")
    assert "It leads your packet" in text(client, "main")

    # The therapist sees the bridge first, records their own view, and sees both lines.
    therapist.goto(f"/therapist/clients/{client_id}")
    main = text(therapist, "main")
    assert main.index("After the last session, Sam wrote") < main.index("would like to talk about")
    assert "The end felt rushed again." in text(therapist, ".digest-bridge")
    snap(therapist, "journey-digest-bridge")
    therapist.goto(f"/therapist/clients/{client_id}/sessions/{session_id}")
    for scale, value in zip(("bond", "goals", "approach", "overall"), (8, 7, 8, 8), strict=True):
        therapist.check(f"input[name={scale}][value='{value}']")
    with therapist.expect_navigation():
        therapist.click("main button:has-text('Save my view')")
    assert "Your view is saved." in text(therapist, ".notice")
    therapist.goto(f"/therapist/clients/{client_id}")
    assert therapist.locator(".chart .chart-dot").count() == 1
    assert therapist.locator(".chart .chart-dot-own").count() == 1
    assert "Your own view of each session" in text(therapist, "main")
    snap(therapist, "journey-both-lines")
    assert context.errors == [] and second_page.context.errors == []
