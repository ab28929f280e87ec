"""The app lock and the quick exit on a phone: locking after time in the background (nothing of
the journal left in the page), unlocking with the PIN, wrong PINs made to wait, a draft typed
before locking kept and sent once, a cold start that asks first, and leaving quickly without Back
bringing anything back."""

import re

from tests.browser.conftest import ready_offline, register, shoot
from tests.browser.test_journey import ENTRY_URL, bodies, wait_for
from tests.browser.test_pages import _axe

PIN = "4826"
SECRET = "The argument with my brother keeps coming back"

# Send the page to the background for two minutes and bring it back, as switching apps would.
BACKGROUND_TWO_MINUTES = """() => {
  const state = (value) =>
    Object.defineProperty(document, "visibilityState", { configurable: true, get: () => value });
  state("hidden");
  document.dispatchEvent(new Event("visibilitychange"));
  sessionStorage.setItem("journal-hidden-at", String(Date.now() - 120000));
  state("visible");
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def turn_lock_on(page, minutes="1"):
    page.goto("/account")
    page.fill("#pin", PIN)
    page.check(f"input[name=after_minutes][value='{minutes}']")
    page.click("#app-lock button[type=submit]")
    page.wait_for_url(re.compile(r"/account"))
    page.wait_for_selector("text=The app lock is on")
    # The verifier is kept once the server's page said it took the PIN.
    page.wait_for_function(
        """() => new Promise((ok) => {
          const req = indexedDB.open("alliance-journal");
          req.onsuccess = () => {
            const all = req.result.transaction("keys").objectStore("keys").getAllKeys();
            all.onsuccess = () => ok(all.result.some((k) => String(k).startsWith("lock:")));
          };
        })"""
    )


def write_entry(page, body):
    page.goto("/journal/new")
    page.fill("#body", body)
    page.click("main button[type=submit]")
    page.wait_for_url(ENTRY_URL)


def test_locks_in_the_background_and_opens_with_the_pin(page, app):
    email = register(page)
    turn_lock_on(page)
    write_entry(page, SECRET)
    page.evaluate(BACKGROUND_TWO_MINUTES)
    page.wait_for_selector("#lock-heading")
    assert SECRET not in page.content()  # not covered: gone from the page
    assert "Robin" not in page.content()
    page.wait_for_load_state("networkidle")
    assert _axe(page) == []
    shoot(page, "lock-screen")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # colour transitions
    shoot(page, "lock-screen-dark")
    page.emulate_media(color_scheme="light")

    page.fill("#pin", "0000")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=You can try 4 more times before waiting.")
    for left in range(3, -1, -1):
        page.fill("#pin", "0000")
        page.click("main button[type=submit]")
        page.wait_for_selector(f"text=/{left} more time|try again in 30 seconds/")
    shoot(page, "lock-screen-wait")
    page.fill("#pin", PIN)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Too many tries. Please wait")  # even the right PIN waits
    assert SECRET not in page.content()
    assert bodies(app, email) == [SECRET]


def test_the_right_pin_goes_back_to_the_page(page):
    register(page)
    turn_lock_on(page)
    write_entry(page, SECRET)
    url = page.url
    page.evaluate(BACKGROUND_TWO_MINUTES)
    page.wait_for_selector("#lock-heading")
    page.fill("#pin", PIN)
    page.click("main button[type=submit]")
    page.wait_for_url(url)
    assert SECRET in page.text_content(".entry-body")


def test_a_cold_start_asks_for_the_pin_first(page, context):
    register(page)
    turn_lock_on(page, "15")
    write_entry(page, SECRET)
    fresh = context.new_page()  # a new tab, as an app opened again from its icon
    fresh.goto(page.url)
    fresh.wait_for_selector("#lock-heading")
    assert SECRET not in fresh.content()
    page.reload()  # the first tab's device is locked too: one session record
    assert "#lock-heading" and page.locator("#lock-heading").count() == 1


def test_a_draft_typed_before_locking_is_kept_and_sent_once(page, app, context):
    email = register(page)
    turn_lock_on(page)
    ready_offline(page)
    context.set_offline(True)
    page.goto("/journal/new")
    page.fill("#body", SECRET)
    page.wait_for_selector(".save-status[data-state=local]")
    page.evaluate(BACKGROUND_TWO_MINUTES)
    page.wait_for_selector("form[data-unlock-here]")  # offline: the lock is drawn here
    assert SECRET not in page.content()
    assert "Nobody watches this app" in page.text_content("body")
    shoot(page, "lock-screen-offline")
    page.fill("#pin", "1111")
    page.click("main button[type=submit]")
    page.wait_for_selector("#pin-error:not([hidden])")
    assert "That PIN isn't right." in page.text_content("#pin-error")
    page.fill("#pin", PIN)
    page.click("main button[type=submit]")
    page.wait_for_selector("#body:visible")  # the offline editor again; the draft waits, sealed
    context.set_offline(False)
    page.goto("/journal")
    if page.locator("#lock-heading").count():  # the server saw no request for a while
        page.fill("#pin", PIN)
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/journal"))
    assert wait_for(page, lambda: bodies(app, email) == [SECRET])
    page.wait_for_timeout(300)
    page.goto("/journal")
    page.wait_for_timeout(500)
    assert bodies(app, email) == [SECRET]  # sent once


def test_leaving_quickly_leaves_nothing_and_back_finds_the_lock(page):
    register(page)
    turn_lock_on(page)
    write_entry(page, SECRET)
    page.click("text=Leave quickly")
    page.wait_for_url(re.compile(r"/away$"))
    assert SECRET not in page.content()
    assert "Journal" not in page.content()
    assert _axe(page) == []
    shoot(page, "away")
    page.go_back()
    page.wait_for_selector("#lock-heading")
    assert SECRET not in page.content()


def test_escape_three_times_leaves_too_and_without_a_pin_signs_out(page):
    register(page)
    write_entry(page, SECRET)
    for _ in range(3):
        page.keyboard.press("Escape")
    page.wait_for_url(re.compile(r"/away$"))
    page.go_back()
    page.wait_for_load_state()
    assert SECRET not in page.content()
    assert "/login" in page.url


def test_the_account_page_offers_the_lock(page):
    register(page)
    page.goto("/account")
    page.locator("#app-lock").scroll_into_view_if_needed()
    shoot(page, "account-lock-off")
    turn_lock_on(page)
    shoot(page, "account-lock-on")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # colour transitions
    shoot(page, "account-lock-on-dark")


def test_the_calendar_link_is_made_shown_once_and_readable(page):
    register(page)
    page.goto("/account")
    page.click("text=Make a calendar link")
    page.wait_for_url(re.compile(r"/account/calendar-feed/new$"))
    page.wait_for_load_state("networkidle")
    link = page.input_value("#calendar-url")
    assert re.search(r"/calendar/[A-Za-z0-9_-]{40,}\.ics$", link)
    shoot(page, "calendar-link")
    assert _axe(page) == []
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)  # let colour transitions finish before contrast is measured
    assert _axe(page) == []
    shoot(page, "calendar-link-dark")
    page.emulate_media(color_scheme="light")
    page.reload()  # shown once: a reload goes back to the account page
    page.wait_for_url(re.compile(r"/account#calendar$"))
    assert "shows only once" in page.text_content("main")
    section = page.locator("#calendar")
    section.scroll_into_view_if_needed()
    section.screenshot(path="screenshots/account-calendar-on.png")


def test_the_page_to_bring_prints_one_entry_a_page(page, app):
    register(page)
    write_entry(page, "What I want to say about the pace of our sessions")
    write_entry(page, "A second thought, after the weekend")
    page.goto("/journal")
    page.click("text=A page to bring to a session")
    page.wait_for_url(re.compile(r"/journal/print$"))
    assert page.is_visible("text=Print or save as PDF")
    shoot(page, "print-page")
    page.emulate_media(color_scheme="dark")
    page.wait_for_timeout(300)
    shoot(page, "print-page-dark")
    page.emulate_media(media="print", color_scheme="light")
    assert not page.is_visible(".site-header")
    assert not page.is_visible("text=Print or save as PDF")
    assert page.is_visible("text=What I want to say about the pace")
    breaks = page.eval_on_selector_all(
        ".print-entry", "(all) => all.map((e) => getComputedStyle(e).breakBefore)"
    )
    assert breaks == ["auto", "page"]
    shoot(page, "print-page-print")
