"""A client's journey in a real browser, online and offline, and never losing a word."""

import re

from sqlalchemy import select

from journal.extensions import db
from journal.models import Entry, User
from journal.services import entries
from tests.browser.conftest import ready_offline, register, shoot, sign_in, time_out
from tests.conftest import PASSWORD

ENTRY_URL = re.compile(r"/journal/[0-9a-f-]{36}$")


def bodies(app, email):
    """Every live entry body of an account, read through the service (decrypted)."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        return [view.body for view in entries.list_all(user)]


def wait_for(page, predicate, timeout_ms=10_000):
    """Poll a Python condition while the page keeps running."""
    for _ in range(timeout_ms // 100):
        if predicate():
            return True
        page.wait_for_timeout(100)
    return predicate()


def write_offline(page, context, body, title=""):
    """Sign up, go offline, and write a new entry that stays on the device."""
    email = register(page)
    ready_offline(page)
    context.set_offline(True)
    page.goto("/journal/new")
    if title:
        page.fill("#title", title)
    page.fill("#body", body)
    page.wait_for_selector(".save-status[data-state=local]")
    return email


def test_register_write_edit_and_find(page, app, context):
    """Register, write, edit with autosave (no click), and find the entry again."""
    email = register(page)
    assert page.url.endswith("/journal")
    page.click("text=Write freely")
    page.fill("#title", "The pace")
    page.fill("#body", "Sessions feel rushed lately.")
    page.click("main button[type=submit]")
    page.wait_for_url(ENTRY_URL)
    assert "Sessions feel rushed lately." in page.text_content(".entry-body")
    page.click("text=Edit")
    page.fill("#body", "Sessions feel rushed lately. I want time to settle first.")
    page.wait_for_selector(".save-status[data-state=saved]")
    assert bodies(app, email) == ["Sessions feel rushed lately. I want time to settle first."]
    page.goto("/journal")
    page.fill("#q", "settle")
    page.click("button:has-text('Search')")
    assert page.locator(".entry-title").all_text_contents() == ["The pace"]
    shoot(page, "journey-search")
    assert context.errors == []


def test_offline_entry_reaches_the_server_exactly_once(page, context, app):
    """Written offline, tab closed, back online: the entry arrives once, never twice."""
    email = write_offline(
        page, context, "Written in a tunnel, with no signal at all.", "On the bus"
    )
    assert "Saved on this device" in page.text_content(".save-status")
    page.goto("/offline")
    page.wait_for_selector("[data-waiting]:not([hidden]) li")
    assert "On the bus" in page.text_content("[data-waiting]")
    shoot(page, "offline-waiting")
    page.close()
    assert bodies(app, email) == []

    context.set_offline(False)
    again = context.new_page()
    again.goto("/journal")
    assert wait_for(
        again, lambda: bodies(app, email) == ["Written in a tunnel, with no signal at all."]
    )
    again.reload()  # a second load finds nothing left to send
    again.wait_for_timeout(500)
    assert bodies(app, email) == ["Written in a tunnel, with no signal at all."]
    assert again.locator("[data-waiting]").is_hidden()


def test_drafts_survive_a_browser_restart_and_signing_in_again(persistent, app):
    """Offline words wait through a restart; after signing in again they are sent."""
    context = persistent()
    page = context.new_page()
    email = write_offline(page, context, "Kept through a restart.")
    context.close()

    context = persistent()
    page = context.new_page()
    sign_in(page, email)
    page.wait_for_url(re.compile(r"/journal$"))
    assert wait_for(page, lambda: bodies(app, email) == ["Kept through a restart."])


def test_a_timed_out_session_keeps_the_draft_until_sign_in(page, context, app):
    """If the session ended while offline, the draft waits and goes out after sign-in."""
    email = write_offline(page, context, "Written while my session ran out.")
    time_out(app, email)
    context.set_offline(False)
    page.wait_for_selector(".save-status[data-state=error]")
    assert "Sign in again" in page.text_content(".save-status")
    assert bodies(app, email) == []
    sign_in(page, email)
    assert wait_for(page, lambda: bodies(app, email) == ["Written while my session ran out."])


def test_a_conflict_keeps_both_texts_and_lets_the_client_choose(page, app, context):
    """An edit that meets a newer version shows both; keeping mine saves mine."""
    email = register(page)
    page.goto("/journal/new")
    page.fill("#body", "First words.")
    page.click("main button[type=submit]")
    page.wait_for_url(ENTRY_URL)
    entry_id = page.url.rsplit("/", 1)[1]
    page.goto(f"/journal/{entry_id}/edit")
    with app.app_context():  # another device saves a newer version meanwhile
        user = db.session.scalar(select(User).where(User.email == email))
        entries.update(user, entry_id, {"version": 1, "body": "Words from my other phone."})
    page.fill("#body", "Words from this phone.")
    page.wait_for_selector(".conflict")
    assert "Words from my other phone." in page.text_content(".conflict")
    assert page.input_value("#body") == "Words from this phone."
    shoot(page, "conflict")
    page.click("text=Keep what I wrote")
    assert wait_for(page, lambda: bodies(app, email) == ["Words from this phone."])
    with app.app_context():
        assert db.session.get(Entry, entry_id).version == 3
    assert context.errors == [] or all("409" in e for e in context.errors)


def test_signing_out_never_clears_unsent_drafts(page, context, app):
    """A draft that could not be sent stays through sign-out and goes out after sign-in."""
    email = register(page)
    page.route("**/api/v1/entries**", lambda route: route.abort())  # the server is unreachable
    page.goto("/journal/new")
    page.fill("#body", "Still here after signing out.")
    page.wait_for_selector(".save-status[data-state=local]")
    page.wait_for_timeout(1500)
    page.goto("/logout")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/login"))  # signed out before the server is reachable again
    page.unroute("**/api/v1/entries**")
    assert bodies(app, email) == []
    page.fill("#email", email)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    assert wait_for(page, lambda: bodies(app, email) == ["Still here after signing out."])
