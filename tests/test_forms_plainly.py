"""Every form answers all its problems at once, in plain words, with a summary that links to each
field; nothing typed is ever cut by a limit; an entry of only spaces is refused everywhere."""

import re
from pathlib import Path

import pytest

from tests.conftest import Api
from tests.helpers import assert_error
from tests.test_ratelimits import ip

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
SUMMARY = re.compile(
    r'<div class="[^"]*error-summary[^"]*"[^>]*data-error-summary>(.*?)</div>', re.S
)


def summary_links(html: str) -> dict[str, str]:
    """The error summary's links: field name -> message."""
    found = SUMMARY.search(html)
    assert found, "no error summary"
    return dict(
        re.findall(r'<a href="#([\w.-]+)" data-field="[\w.-]+">([^<]+)</a>', found.group(1))
    )


@pytest.mark.parametrize("body", [" ", "   \n\t  ", "\u00a0\u2003"])
def test_an_entry_of_only_spaces_is_refused_in_the_api(api_as, body):
    api = api_as("client")
    response = api.post("/api/v1/entries", {"body": body})
    error = assert_error(response, 422, "validation_failed", fields={"body"})
    assert error["fields"]["body"] == ["Write a few words here."]
    made = api.post("/api/v1/entries", {"body": "Real words"}).get_json()
    edited = api.patch(f"/api/v1/entries/{made['id']}", {"version": 1, "body": body})
    assert_error(edited, 422, "validation_failed", fields={"body"})


def test_an_entry_of_only_spaces_is_refused_on_the_page(api_as):
    api = api_as("client")
    page = api.form("/journal/new", {"title": "Kept title", "body": "    "})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and "Kept title" in html
    assert summary_links(html) == {"body": "Write a few words here."}


def test_every_problem_at_once_on_the_register_page(app):
    browser = Api(app.test_client())
    form = {"email": "not an address", "password": "short", "display_name": " ", "role": "x"}
    page = browser.form("/register", form, environ_base=ip(700))
    links = summary_links(page.get_data(as_text=True))
    assert set(links) == {"email", "password", "display_name", "role"}
    assert links["display_name"].startswith("Enter a name")


def test_every_problem_at_once_when_changing_the_password(api_as):
    api = api_as("client")
    page = api.form("/account/password", {"current_password": "wrong", "new_password": "short"})
    links = summary_links(page.get_data(as_text=True))
    assert set(links) == {"current_password", "new_password"}


@pytest.mark.parametrize(
    ("path", "form", "field", "words"),
    [
        ("/account/delete", {"password": ""}, "password", "Enter your password."),
        ("/account/export", {"password": ""}, "password", "Enter your password."),
        ("/account/profile", {"display_name": "  "}, "display_name", "Enter a name"),
    ],
)
def test_plain_words_for_an_empty_box(api_as, path, form, field, words):
    api = api_as("client")
    html = api.form(path, form).get_data(as_text=True)
    assert summary_links(html)[field].startswith(words)
    assert "Length must be" not in html and "Missing data" not in html


def test_plain_words_for_a_missing_field_in_the_api(api_as):
    api = api_as("client")
    error = assert_error(
        api.post("/api/v1/auth/reauth", {}), 422, "validation_failed", {"password"}
    )
    assert error["fields"]["password"] == ["Please fill this in."]


def test_no_limit_cuts_what_is_typed():
    """Limits are counted aloud (data-limit, static/js/limits.js), never enforced by cutting."""
    cutting = [p.name for p in TEMPLATES.rglob("*.html") if 'maxlength="' in p.read_text()]
    assert cutting == []


def test_too_much_is_refused_and_kept(api_as):
    api = api_as("client")
    words = "word " * 4001  # 20,005 characters
    page = api.form("/journal/new", {"title": "Long", "body": words})
    html = page.get_data(as_text=True)
    assert page.status_code == 422 and words.strip() in html
    assert summary_links(html) == {"body": "Keep it to 20,000 characters or fewer."}
    assert 'data-limit="20000"' in html


def test_a_general_problem_is_the_summary_heading(api_as):
    api = api_as("client")
    html = api.form("/journal/new", {"body": "x", "kind": "nonsense"}).get_data(as_text=True)
    assert "Some fields need another look." in html


def test_the_summary_is_read_first(api_as):
    """The summary carries role=alert and tabindex=-1, and errors.js is on the page to focus it."""
    html = api_as("client").form("/journal/new", {"body": " "}).get_data(as_text=True)
    assert 'role="alert" tabindex="-1" data-error-summary' in html
    assert "/static/js/errors.js" in html
