"""Forgot password in a real browser at 360 px, as a therapist who lost their phone: from the
sign-in page, through the mailed link (a real local SMTP server) and a recovery code, to signed
in with the new password and a second recovery code; and an address confirmed, then moved."""

import re
from urllib.parse import urlsplit

from tests.browser.conftest import PASSWORD, register
from tests.browser.test_feedback_journey import therapist_signs_up
from tests.browser.test_sharing_journey import snap, text
from tests.mailbox import LINK, body_of, mailbox, smtp_server

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's test

NEW = "a new and rather long sentence"
ADDRESS_LINK = re.compile(r"https?://\S+/confirm-email/\S+")


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


def test_confirming_and_moving_an_address(page, context, mailbox):
    """A new client sees the quiet banner, confirms from the mailed link, then moves the account
    to another address from the account page."""
    email = register(page)
    assert "Please confirm your email address" in text(page, ".address-banner")
    snap(page, "address-banner")
    [message] = mailbox("confirm your address")
    page.goto(urlsplit(ADDRESS_LINK.search(body_of(message)).group(0)).path)
    assert email in text(page, "main")
    snap(page, "confirm-address")
    with page.expect_navigation():
        page.click("main button:has-text('Yes, confirm it')")
    assert "is confirmed" in text(page, ".notice")
    assert page.locator(".address-banner").count() == 0

    page.goto("/account")
    page.click("#address summary")
    page.fill("#address input[name=email]", "moved@example.test")
    page.fill("#address input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("#address button:has-text('Send the link')")
    assert "on its way to moved@example.test" in text(page, ".notice")
    assert "Waiting for you to open the link" in text(page, "#address")
    snap(page, "address-change-waiting")
    [change] = mailbox("confirm your new address")
    page.goto(urlsplit(ADDRESS_LINK.search(body_of(change)).group(0)).path)
    with page.expect_navigation():
        page.click("main button:has-text('Use this address')")
    page.goto("/account")
    assert "moved@example.test · confirmed" in text(page, "#address")
    assert [m["To"] for m in mailbox("uses a new address")] == [email]
    assert context.errors == []
