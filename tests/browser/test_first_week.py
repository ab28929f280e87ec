"""The first week at 360 px: saving offline says so calmly and moves on by itself once sent; the
time zone is found by city and offered from the device; a 0-10 scale reads as one row."""

from tests.browser.conftest import MOBILE, register
from tests.browser.test_journey import ENTRY_URL, write_offline
from tests.browser.test_sharing_journey import snap, text


def test_saving_offline_is_calm_and_moves_on_when_sent(page, context):
    write_offline(page, context, "Written with no signal.", "On the train")
    page.click("main button[type=submit]")  # Save, still offline
    page.wait_for_selector("[data-offline-saved]")
    said = text(page, "[data-offline-saved]")
    assert "saved on this device" in said and "Nothing is lost" in said
    assert page.get_attribute("[data-offline-saved] a", "href") == "/journal"
    snap(page, "offline-saved")
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.wait_for_url(ENTRY_URL)  # the page moved on by itself once the entry was sent
    assert "Written with no signal." in text(page, ".entry-body")
    assert context.errors == [] or all("net::" in e for e in context.errors)


def test_the_time_zone_from_the_device_and_by_city(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport=MOBILE, timezone_id="Asia/Tokyo")
    page = context.new_page()
    register(page)
    page.goto("/account")
    assert "Times are shown in Tokyo time" in text(page, "#time-zone-heading + p")
    page.click("main a:has-text('Choose another time zone')")
    page.fill("#q", "berlin")
    with page.expect_navigation():
        page.click("main button:has-text('Find')")
    assert "Berlin, Germany" in text(page, "main fieldset")
    snap(page, "time-zone-found")
    with page.expect_navigation():
        page.click("main button:has-text('Use this time zone')")
    assert "Times now show in Berlin time." in text(page, ".notice")
    offer = page.locator("form[data-device-zone] button")
    assert offer.is_visible() and "Tokyo" in offer.text_content()
    snap(page, "time-zone-account")
    with page.expect_navigation():
        offer.click()
    assert "Times now show in Tokyo time." in text(page, ".notice")
    assert page.locator("form[data-device-zone]").is_hidden()
    context.close()


def test_a_scale_is_one_row(page):
    register(page)
    page.goto("/feedback/new")
    boxes = page.eval_on_selector_all(
        ".scale-option", "els => els.map(e => Math.round(e.getBoundingClientRect().top))"
    )
    assert len(boxes) == 11 and len(set(boxes)) == 1  # "How hard is this to say?", 0 to 10
    snap(page, "scale-one-row")
