"""Forms at 360 px as a person meets them: a failed form's summary takes focus and links to each
field; a limit is counted aloud as it nears and never cuts what is typed."""

from tests.browser.conftest import register
from tests.browser.test_sharing_journey import snap, text

FOCUSED_SUMMARY = "document.activeElement.matches('[data-error-summary]')"


def test_a_failed_form_leads_to_each_problem(page, context):
    page.goto("/register")
    page.fill("#email", "not an address")
    page.fill("#password", "short")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.evaluate(FOCUSED_SUMMARY)
    summary = text(page, "[data-error-summary]")
    assert "Enter an email like" in summary and "Use at least 12 characters" in summary
    fields = page.eval_on_selector_all(
        "[data-error-summary] a", "as => as.map(a => a.dataset.field)"
    )
    assert fields == ["display_name", "email", "password"]  # as they stand on the page
    snap(page, "form-error-summary")
    page.click("[data-error-summary] a[data-field=password]")
    assert page.evaluate("document.activeElement.id") == "password"
    assert context.errors == [] or all("422" in e for e in context.errors)


def test_a_limit_is_counted_and_nothing_is_cut(page, context):
    register(page)
    page.goto("/journal/new")
    note = page.locator("#title")
    limit = int(note.get_attribute("data-limit"))
    count = page.locator("#title-count")
    assert count.is_hidden()  # quiet until the limit nears
    note.fill("a" * (limit + 5))
    assert note.input_value() == "a" * (limit + 5)  # nothing typed is cut
    assert "5 characters over the limit" in count.text_content()
    note.fill("a" * (limit - 3))
    assert count.text_content() == "3 characters left"
    snap(page, "form-limit-counter")
    assert context.errors == []
