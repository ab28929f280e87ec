"""Forgot password in a real browser at 360 px, as a therapist who lost their phone: from the
sign-in page, through the mailed link (a real local SMTP server) and a recovery code, to signed
in with the new password and a second recovery code."""

from urllib.parse import urlsplit

from tests.browser.test_feedback_journey import therapist_signs_up
from tests.browser.test_sharing_journey import snap, text
from tests.mailbox import LINK, body_of, mailbox, smtp_server

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's test

NEW = "a new and rather long sentence"


def test_forgot_password_with_a_recovery_code(page, context, mailbox):
    email = therapist_signs_up(page)
    assert "Your recovery codes" in text(page, "main")
    codes = [c.strip() for c in page.locator(".recovery-codes code").all_text_contents()]
    assert len(codes) == 10
    snap(page, "recovery-codes")
    page.goto("/logout")
    with page.expect_navigation():
        page.click("main button[type=submit]")

    # From the sign-in page to the mailed link.
    with page.expect_navigation():
        page.click("main a:has-text('Forgot your password?')")
    page.fill("#email", email)
    snap(page, "forgot")
    with page.expect_navigation():
        page.click("main button:has-text('Send me a link')")
    assert "Check your mail" in text(page, "main")
    [message] = mailbox("new password")
    link = LINK.search(body_of(message)).group(0)
    page.goto(urlsplit(link).path)

    # A new password; the phone is gone, so a recovery code stands in for the app's code.
    page.fill("#new_password", NEW)
    page.click("details.recovery summary")
    page.fill("#recovery_code", codes[0])
    snap(page, "reset")
    with page.expect_navigation():
        page.click("main button:has-text('Save new password')")
    assert "Your password is changed" in text(page, ".notice")

    # Signed in with the new password and a second code.
    page.fill("#email", email)
    page.fill("#password", NEW)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    page.click("details.recovery summary")
    page.fill("#recovery_code", codes[1])
    snap(page, "code-with-recovery")
    with page.expect_navigation():
        page.click("main button:has-text('Sign in with it')")
    assert page.url.endswith("/therapist")
    notices = [m["Subject"] for m in mailbox()]
    assert any("password was changed" in s for s in notices)
    assert sum("recovery code was used" in s for s in notices) == 2
    assert context.errors == []
