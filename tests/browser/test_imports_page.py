"""Bringing entries in on a phone: choose a file, see the import working, then its report;
undo it. The form and the report are held to the same bar as every page (axe light and dark,
no sideways scrolling, 24 px targets) and photographed at 360 px."""

import re

from tests import import_fixtures as fx
from tests.browser.conftest import register
from tests.browser.test_pages import check_page

REPORT_URL = re.compile(r"/journal/import/[0-9a-f-]{36}$")


def test_import_a_day_one_export_then_undo_it(page, context, tmp_path):
    register(page)
    check_page(page, "/journal/import", "client-journal-import", context.errors)
    export = tmp_path / "Day One Export.zip"
    export.write_bytes(fx.dayone_zip())
    page.goto("/journal/import")
    page.set_input_files("#file", str(export))
    page.check("input[name=source][value=dayone]")
    page.click("form[data-import] button[type=submit]")
    page.wait_for_url(REPORT_URL)
    assert "6 entries brought in" in page.inner_text("main")
    assert "Entry of 2023-04-05" in page.inner_text("main")
    check_page(page, page.url, "client-journal-import-report", context.errors)

    page.click("text=Undo this import")
    page.wait_for_selector("text=This import is undone")
    assert "You undid this import" in page.inner_text("main")
    check_page(page, page.url, "client-journal-import-undone", context.errors)
    page.goto("/journal/import")
    assert "undone" in page.inner_text("main")
    assert context.errors == []


def test_the_form_says_it_is_working_and_what_was_wrong(page, context, tmp_path):
    register(page)
    photo = tmp_path / "holiday.zip"
    photo.write_bytes(fx.jpeg_named_zip())
    page.goto("/journal/import")
    page.set_input_files("#file", str(photo))
    # Keep this one from leaving, to see what the page says while the file goes up.
    page.evaluate(
        "document.querySelector('form[data-import]')"
        ".addEventListener('submit', (event) => event.preventDefault())"
    )
    page.click("form[data-import] button[type=submit]")
    status = page.locator("[data-import-status]")
    assert "Bringing in your entries" in status.inner_text()
    assert page.get_attribute("form[data-import] button", "aria-busy") == "true"
    page.wait_for_function("document.querySelector('form[data-import] button').disabled")
    page.goto("/journal/import")
    page.set_input_files("#file", str(photo))
    page.click("form[data-import] button[type=submit]")
    page.wait_for_selector("[data-error-summary]")
    assert "That isn't a ZIP, JSON or text file." in page.inner_text("main")
    check_page(page, page.url, "client-journal-import-error", context.errors)
