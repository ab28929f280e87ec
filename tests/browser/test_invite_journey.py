"""An invite a newcomer can act on, at 360 px: the therapist makes one with a note, copies the
link; someone with no account opens it, is welcomed by name, signs up and comes straight back to
link. A refresh of the code's page makes no second invite."""

import re

from tests.browser.test_pages import check_page
from tests.browser.test_sharing_journey import second_page, snap, text, therapist_signs_up
from tests.conftest import PASSWORD

__all__ = ["second_page"]  # the fixture, imported for this module's test


def test_an_invite_from_making_to_linked(page, context, second_page):
    therapist, newcomer = page, second_page
    therapist_signs_up(therapist)
    therapist.fill("#invite_note", "for J.")
    with therapist.expect_navigation():
        therapist.click("main button:has-text('Invite a client')")
    assert therapist.url.endswith("/therapist/invites/new")
    code = text(therapist, ".invite-code")
    join_link = therapist.get_attribute(".join-link a", "href")
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    therapist.click("button:has-text('Copy the link')")
    therapist.wait_for_function(
        "document.querySelector('[data-copy-status]').textContent.includes('Copied')"
    )
    assert therapist.evaluate("navigator.clipboard.readText()") == join_link
    snap(therapist, "invite-made")
    therapist.reload()  # no second invite, and the code is not shown again
    assert therapist.url.endswith("/therapist#invite-heading")
    assert "shows only once" in text(therapist, ".notice")
    assert therapist.locator(".invite-list li").count() == 1
    assert "for J." in text(therapist, ".invite-list")

    newcomer.goto(join_link)
    assert "Dr Lee invited you to Alliance Journal" in text(newcomer, "h1")
    check_page(newcomer, newcomer.url, "invite-welcome", newcomer.context.errors)
    with newcomer.expect_navigation():
        newcomer.click("main a:has-text('Create an account')")
    newcomer.fill("#display_name", "Jo")
    newcomer.fill("#email", "jo@example.test")
    newcomer.fill("#password", PASSWORD)
    with newcomer.expect_navigation():
        newcomer.click("main button[type=submit]")
    assert newcomer.url.endswith(f"/join/{code}")
    with newcomer.expect_navigation():
        newcomer.click("main button:has-text('Link with Dr Lee')")
    assert "You're linked with Dr Lee" in text(newcomer, ".notice")
    assert re.search(r"/links$", newcomer.url)
    assert context.errors == []
