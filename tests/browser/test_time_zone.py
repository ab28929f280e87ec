"""A new account takes the browser's time zone; without scripts it starts in UTC."""

import pytest

from tests.browser.conftest import MOBILE, register


@pytest.mark.parametrize(
    ("browser_zone", "scripts", "account_zone"),
    [("Australia/Sydney", True, "Australia/Sydney"), ("Australia/Sydney", False, "UTC")],
)
def test_register_uses_the_browsers_zone(browser, live_server, browser_zone, scripts, account_zone):
    context = browser.new_context(
        base_url=live_server,
        viewport=MOBILE,
        timezone_id=browser_zone,
        java_script_enabled=scripts,
    )
    errors = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    register(page)
    page.wait_for_url("**/journal")
    page.goto("/account")
    assert page.get_attribute("form[data-device-zone]", "data-device-zone") == account_zone
    assert errors == []
    context.close()
