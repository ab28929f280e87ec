"""Feedback and check-ins in a real browser, one profile per person: a client composes "what
isn't working" from a sentence starter, previews and saves it, puts it in the packet, and checks
in twice with a fall; the therapist sees the feedback first in the digest, a flag on that client,
and a chart whose dots say what the table says."""

import re
from datetime import timedelta

from sqlalchemy import select

from journal.extensions import db
from journal.models import User, utcnow
from journal.services import appointments, checkins, entries, links
from tests.browser.conftest import register, shoot, sign_in, time_out
from tests.browser.test_journey import wait_for
from tests.browser.test_pwa import RAW_DRAFTS
from tests.browser.test_sharing_journey import _code, second_page, snap, text

__all__ = ["second_page"]  # the fixture, imported for this module's test

ENTRY_URL = re.compile(r"/journal/[0-9a-f-]{36}$")
STARTER = "It would help me if we…"
TYPED = "slowed down when we get to my family."


def therapist_signs_up(page) -> str:
    """Register as a therapist with two-step sign-in turned on; return the email."""
    email = register(page, role="therapist", name="Dr Lee")
    page.click("main button[type=submit]")  # Set up
    page.fill("#code", _code(page.text_content("main code").replace(" ", "")))
    page.click("main button[type=submit]")  # Turn on
    return email


def _link_with_a_session(app, client_email, therapist_email):
    """Link the two (as the sharing journey does in the browser), write a reflection and put a
    session on the calendar; return (session id, reflection id)."""
    with app.app_context():
        client, therapist = (
            db.session.scalar(select(User).where(User.email == email))
            for email in (client_email, therapist_email)
        )
        link = links.redeem(client, links.create_invite(therapist)[1])
        data = {"id": None, "kind": "reflection", "title": "After Tuesday", "tags": []}
        data |= {"body": "Work was a lot this week.", "prompt_id": None}
        reflection = entries.create(client, data)[0].id
        starts = (utcnow() + timedelta(days=2)).replace(hour=14, minute=0, second=0)
        return appointments.schedule(client, link.id, starts).id, reflection


def compose_feedback(client):
    """Compose from a starter, preview, change the title, preview again and save."""
    client.goto("/journal")
    with client.expect_navigation():
        client.click('main a:has-text("Something isn\'t working")')
    client.click(f"button.starter:has-text('{STARTER[:-1]}')")
    client.keyboard.type(TYPED)  # the starter left the caret at its end
    assert client.input_value("#what") == f"It would help me if we {TYPED}"
    client.check("input[name=topics][value=pace]")
    client.fill("#instead", "A slower start to each session.")
    client.check("input[name=difficulty][value='8']")
    client.check("input[name=raise_how][value=talk]")
    snap(client, "feedback-composer")
    with client.expect_navigation():
        client.click("main button:has-text('Preview')")
    body = client.text_content(".preview-card .entry-body")
    assert body.startswith(f"It would help me if we {TYPED}")
    assert "About: Pace" in body and "How hard this was to say: 8 out of 10" in body
    assert text(client, ".preview-card h2") == "What isn't working for me"
    snap(client, "feedback-preview")
    with client.expect_navigation():
        client.click("main button:has-text('Change something')")
    assert client.input_value("#what") == f"It would help me if we {TYPED}"
    assert client.is_checked("input[name=difficulty][value='8']")
    client.fill("#title", "The pace")
    with client.expect_navigation():
        client.click("main button:has-text('Preview')")
    assert text(client, ".preview-card h2") == "The pace"
    with client.expect_navigation():
        client.click("main button:has-text('Save as private feedback')")
    assert ENTRY_URL.search(client.url)
    assert "Private: only you can read this." in client.text_content("#sharing")
    return client.url.rsplit("/", 1)[1]


def check_in(client, ratings, name):
    """Check in through the form, shared with the therapist."""
    client.goto("/checkins")
    with client.expect_navigation():
        client.click("main a:has-text('Check in')")
    for scale, value in zip(("bond", "goals", "approach", "overall"), ratings, strict=True):
        client.check(f"input[name={scale}][value='{value}']")
    client.check("input[name=share][value=shared]")
    snap(client, name)
    with client.expect_navigation():
        client.click("main button:has-text('Save check-in')")
    assert "Dr Lee can see this check-in." in client.text_content(".notice")


def chart_and_table(page):
    """The totals on the chart's dots and in the table's Total column, oldest first."""
    dots = [
        t.rsplit(": ", 1)[1] for t in page.locator("circle.chart-dot title").all_text_contents()
    ]
    return dots, page.locator(".trend-table td.total").all_text_contents()


def test_compose_share_check_in_and_the_therapist_notices(app, page, context, second_page):
    therapist, client = page, second_page
    therapist_email = therapist_signs_up(therapist)
    client_email = register(client, name="Sam")
    session_id, reflection = _link_with_a_session(app, client_email, therapist_email)

    # The client says what isn't working, gently, and puts it in the packet.
    feedback = compose_feedback(client)
    client.goto(f"/prepare/{session_id}")
    client.check(f"#pick-{reflection}")
    client.fill(f"#order-{reflection}", "1")
    client.check(f"#pick-{feedback}")
    client.fill(f"#order-{feedback}", "2")
    with client.expect_navigation():
        client.click("main button:has-text('Save packet')")
    assert "Packet saved." in client.text_content(".notice")

    # Two check-ins, the second lower: 36, then 30.
    check_in(client, (9, 9, 9, 9), "checkin-form")
    check_in(client, (8, 7, 8, 7), "checkin-form-second")
    client.goto("/checkins")
    assert chart_and_table(client) == (["36", "30"], ["36", "30"])
    snap(client, "checkins-trend")

    # The therapist sees the flag on the list, then the feedback first in the digest.
    therapist.goto("/therapist")
    flags = therapist.locator(".client-list .badge-flag").all_text_contents()
    assert flags == ["Check-ins have dipped", "Check-in below 36"]
    snap(therapist, "therapist-flag")
    with therapist.expect_navigation():
        therapist.click(".client-list a")
    assert therapist.locator(".packet-list .packet-title").all_text_contents() == [
        "The pace",
        "After Tuesday",
    ]
    assert "Feedback about our work" in therapist.text_content(".packet-item >> nth=0")
    assert chart_and_table(therapist) == (["36", "30"], ["36", "30"])
    assert "It fell from 36 to 30 since the check-in before." in text(therapist, ".flag-notice")
    assert therapist.locator(".chart-threshold").count() == 1
    snap(therapist, "therapist-checkins")

    assert client.context.errors == []
    assert context.errors == []


def feedback_bodies(app, email):
    """The bodies of an account's saved feedback entries."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return [view.body for view in entries.list_all(user) if view.kind == "feedback"]


def test_the_composer_keeps_the_words_through_a_timed_out_session(app, page):
    """Feedback typed before an idle sign-out comes back after signing in, at Preview and at Save,
    is listed on the home page meanwhile, is saved once, and is then forgotten on the device."""
    email = register(page)
    page.goto("/feedback/new")
    page.fill("#what", "Sessions feel rushed at the end.")
    page.check("input[name=topics][value=pace]")
    page.check("input[name=raise_how][value=talk]")
    time_out(app, email)
    with page.expect_navigation():
        page.click("main button:has-text('Preview')")
    assert "/login" in page.url

    sign_in(page, email, here=True)
    page.wait_for_url(re.compile(r"/feedback/new$"))
    page.wait_for_selector("[data-kept]:not([hidden])")
    assert page.input_value("#what") == "Sessions feel rushed at the end."
    assert page.is_checked("input[name=topics][value=pace]")
    assert page.is_checked("input[name=raise_how][value=talk]")
    shoot(page, "feedback-kept")

    page.goto("/journal")  # the unsaved feedback is listed among the words kept here
    page.wait_for_selector("[data-waiting]:not([hidden])")
    assert "Feedback you were writing" in page.text_content("[data-waiting]")
    with page.expect_navigation():
        page.click("[data-waiting] a")
    page.wait_for_selector("[data-kept]:not([hidden])")
    with page.expect_navigation():
        page.click("main button:has-text('Preview')")
    time_out(app, email)  # and once more, between the preview and saving
    with page.expect_navigation():
        page.click("main button:has-text('Save as private feedback')")
    sign_in(page, email, here=True)
    page.wait_for_url(re.compile(r"/feedback/new$"))
    page.wait_for_selector("[data-kept]:not([hidden])")
    assert feedback_bodies(app, email) == []
    with page.expect_navigation():
        page.click("main button:has-text('Preview')")
    with page.expect_navigation():
        page.click("main button:has-text('Save as private feedback')")
    assert ENTRY_URL.search(page.url)
    bodies = feedback_bodies(app, email)
    assert len(bodies) == 1 and bodies[0].startswith("Sessions feel rushed at the end.")

    assert wait_for(page, lambda: page.evaluate(RAW_DRAFTS) == [])
    page.goto("/feedback/new")  # saved, so nothing comes back
    page.wait_for_load_state("networkidle")
    assert page.is_hidden("[data-kept]") and page.input_value("#what") == ""
    page.goto("/journal")
    page.wait_for_load_state("networkidle")
    assert page.is_hidden("[data-waiting]")


def test_clearing_the_kept_words_starts_afresh(app, page):
    """ "Clear it and start afresh" empties the composer and forgets the words on the device."""
    email = register(page)
    page.goto("/feedback/new")
    page.fill("#what", "I am not sure the homework helps.")
    assert wait_for(page, lambda: len(page.evaluate(RAW_DRAFTS)) == 1)
    assert "homework" not in page.evaluate(RAW_DRAFTS)[0]["sealed"]  # sealed like any draft
    page.goto("/feedback/new")
    page.wait_for_selector("[data-kept]:not([hidden])")
    page.click("[data-kept] button")
    page.wait_for_selector("[data-kept]", state="hidden")
    assert page.input_value("#what") == ""
    assert wait_for(page, lambda: page.evaluate(RAW_DRAFTS) == [])
    page.reload()
    page.wait_for_load_state("networkidle")
    assert page.is_hidden("[data-kept]") and page.input_value("#what") == ""
    assert page.evaluate(RAW_DRAFTS) == [] and feedback_bodies(app, email) == []


def test_a_check_in_can_be_unshared_and_shared_again_from_the_table(app, page, make_user):
    """Changing one's mind is one click each way, and says what happened."""
    therapist = make_user("therapist", name="Dr Lee")
    email = register(page, name="Sam")
    with app.app_context():
        client = db.session.scalar(select(User).where(User.email == email))
        links.redeem(client, links.create_invite(db.session.get(User, therapist.id))[1])
        ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), 8)
        checkins.create(client, {"therapist_id": therapist.id, "shared": True, **ratings})
    page.goto("/checkins")
    cell = page.locator("td.sharing-cell")
    with page.expect_navigation():
        page.click("td.sharing-cell button:has-text('Stop sharing')")
    assert "just for you now" in page.text_content(".notice")
    assert cell.text_content().strip().startswith("Only you")
    with page.expect_navigation():
        page.click("td.sharing-cell button:has-text('Share')")
    assert "Dr Lee can see this check-in now." in page.text_content(".notice")
    assert cell.text_content().strip().startswith("Dr Lee")
