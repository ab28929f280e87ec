"""The journal pages: home, search, write, read, edit (with conflicts), delete, prompts."""

import html
import re
import uuid

import pytest
from markupsafe import escape

from journal.prompts import PROMPTS, THEMES, get_prompt
from journal.services.feedback import QUESTION_STARTERS
from tests.helpers import age, count_entries

API = "/api/v1/entries"
HIDDEN_FIELD = "Some fields need another look."  # fields a person cannot type get one notice


@pytest.fixture
def me(api_as):
    """A signed-in client, used through its browser-like test client."""
    return api_as("client")


def page(api, path, **kw):
    """GET a page and return (status, text)."""
    response = api.client.get(path, **kw)
    return response.status_code, response.get_data(as_text=True)


def stored(api, entry_id):
    return api.get(f"{API}/{entry_id}").get_json()


def new_form(api, **fields):
    """The fields of a fresh new-entry form, as the page would post them."""
    _, text = page(api, "/journal/new")
    form_id = re.search(r'<input type="hidden" name="id" value="([^"]+)">', text)[1]
    return {"id": form_id, "kind": "reflection", "title": "", "tags": "", "prompt_id": ""} | fields


def test_home_lists_entries_with_search_and_filters(me, make_entry):
    make_entry(me.user, "Plain words", title="Morning pages", tags=["sleep"])
    make_entry(me.user, "No title here")
    status, text = page(me, "/journal")
    assert status == 200
    assert "Morning pages" in text and "Untitled" in text and "No title here" in text
    assert '<label for="q">Search your entries</label>' in text
    assert '<label for="tag">Tag</label>' in text and '<label for="kind">Kind</label>' in text
    assert '<option value="feedback">' in text
    assert 'href="/journal?tag=sleep"' in text
    assert "Older entries" not in text and "Nothing here yet" not in text


def test_home_search_and_tag_filter(me, make_entry):
    make_entry(me.user, "Heute viel Ärger gehabt", title="Büro")
    make_entry(me.user, "A quiet day", title="Garden", tags=["Calm"])
    _, text = page(me, "/journal", query_string={"q": "ärger"})
    assert "Büro" in text and "Garden" not in text
    assert 'value="ärger"' in text
    _, text = page(me, "/journal", query_string={"tag": "calm"})
    assert "Garden" in text and "Büro" not in text


def test_home_pages_with_older_entries_link(app, me, make_entry):
    ids = [make_entry(me.user, f"body {n}", title=f"Entry number {n}").id for n in range(3)]
    age(app, ids)
    _, text = page(me, "/journal", query_string={"limit": 2})
    assert "Entry number 2" in text and "Entry number 1" in text and "Entry number 0" not in text
    link = re.search(r'href="([^"]+)">Older entries</a>', text)
    assert link, text
    status, older = page(me, html.unescape(link[1]))
    assert status == 200
    assert "Entry number 0" in older and "Entry number 2" not in older
    assert "Older entries" not in older


def test_home_empty_states(me, make_entry):
    _, text = page(me, "/journal")
    assert "Nothing here yet" in text and "Nothing matches" not in text
    make_entry(me.user, "Something")
    _, text = page(me, "/journal", query_string={"q": "no such words"})
    assert "Nothing matches" in text and "Nothing here yet" not in text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"kind": "other"}, '<p class="field-error" id="kind-error">'),
        ({"tag": "t" * 33}, '<p class="field-error" id="tag-error">'),
        ({"limit": 0}, '<p class="field-error" id="limit-error">'),
        ({"cursor": "nope"}, '<p class="field-error" id="cursor-error">'),
    ],
)
def test_home_with_bad_arguments_is_422(me, make_entry, query, message):
    make_entry(me.user, "Hidden while the query is wrong", title="Kept back")
    status, text = page(me, "/journal", query_string=query)
    assert status == 422
    assert message in text and "Kept back" not in text


def test_home_offers_the_prompt_of_the_day(me):
    _, text = page(me, "/journal")
    link = re.search(r'href="/journal/new\?prompt=([\w-]+)">Write about this</a>', text)
    assert link, text
    prompt = get_prompt(link[1])
    assert prompt is not None and str(escape(prompt.text)) in text
    status, form = page(me, f"/journal/new?prompt={prompt.id}")
    assert status == 200 and str(escape(prompt.text)) in form
    assert f'name="prompt_id" value="{prompt.id}"' in form


def test_new_page_has_labels_an_id_and_autosave(me):
    status, text = page(me, "/journal/new")
    assert status == 200
    for name, label in (("title", "Title"), ("body", "Entry"), ("tags", "Tags")):
        assert f'<label for="{name}">{label}</label>' in text
        assert f'id="{name}" name="{name}"' in text
    assert 'data-autosave="create"' in text and 'name="csrf_token"' in text
    first = new_form(me)["id"]
    assert str(uuid.UUID(first)) == first and new_form(me)["id"] != first


def test_new_entry_post_creates_and_redirects_and_a_resubmit_does_not_duplicate(app, me):
    form = new_form(me, title="Tuesday", body="Words to keep.", tags="work, sleep ,")
    response = me.form("/journal/new", form)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/journal/{form['id']}"
    entry = stored(me, form["id"])
    assert (entry["title"], entry["body"], entry["tags"]) == (
        "Tuesday",
        "Words to keep.",
        ["work", "sleep"],
    )
    assert entry["version"] == 1 and entry["prompt_id"] is None
    again = me.form("/journal/new", form | {"body": "Changed on resubmit."})
    assert again.status_code == 302 and again.headers["Location"] == f"/journal/{form['id']}"
    assert count_entries(app) == 1 and stored(me, form["id"]) == entry
    status, text = page(me, again.headers["Location"])
    assert status == 200 and "Words to keep." in text


@pytest.mark.parametrize(("posted", "kept"), [("honest-01", "honest-01"), ("no-such-prompt", None)])
def test_new_entry_keeps_a_known_prompt_only(me, posted, kept):
    form = new_form(me, body="About the prompt.", prompt_id=posted)
    assert me.form("/journal/new", form).status_code == 302
    assert stored(me, form["id"])["prompt_id"] == kept


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Kept <title>", "body": ""}, "Write a few words here."),
        ({"title": "t" * 201, "body": "Kept <b>body</b> text"}, "200 characters or fewer"),
        ({"body": "Kept body", "tags": ",".join(f"t{n}" for n in range(11))}, "up to 10 tags"),
        ({"body": "Kept body", "tags": "ok, " + "t" * 33}, "1 to 32 characters"),
        ({"body": "Kept body", "kind": "other"}, HIDDEN_FIELD),
        ({"body": "Kept body", "id": "not-a-uuid"}, HIDDEN_FIELD),
    ],
)
def test_new_entry_bad_input_rerenders_422_keeping_the_text(app, me, fields, message):
    response = me.form("/journal/new", new_form(me, **fields))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in text
    if message != HIDDEN_FIELD:
        assert 'aria-invalid="true"' in text
    for value in (fields.get("title"), fields.get("body")):
        if value:
            assert str(escape(value)) in text
    assert "<b>body</b>" not in text
    assert count_entries(app) == 0


def test_entry_page_escapes_text(me, make_entry):
    entry = make_entry(me.user, "<script>alert(1)</script>", title="<i>Hi</i>", tags=["<b>"])
    status, text = page(me, f"/journal/{entry.id}")
    assert status == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert(1)" not in text
    assert "&lt;i&gt;Hi&lt;/i&gt;" in text and "<i>Hi</i>" not in text
    assert "&lt;b&gt;" in text and "<b>" not in text


def test_edit_page_is_prefilled_with_version_and_autosave(me, make_entry):
    entry = make_entry(me.user, "Edit me", title="Old title", tags=["a", "b"])
    me.patch(f"{API}/{entry.id}", {"version": 1, "body": "Edit me again"})
    status, text = page(me, f"/journal/{entry.id}/edit")
    assert status == 200
    assert 'data-autosave="update"' in text
    assert '<input type="hidden" name="version" value="2">' in text
    assert ">Edit me again</textarea>" in text
    assert 'value="Old title"' in text and 'value="a, b"' in text


def test_edit_post_saves_and_redirects(me, make_entry):
    entry = make_entry(me.user, "Before", title="T")
    form = {
        "version": "1",
        "title": "After title",
        "body": "After",
        "tags": "x",
        "kind": "feedback",
    }
    response = me.form(f"/journal/{entry.id}/edit", form)
    assert response.status_code == 302 and response.headers["Location"] == f"/journal/{entry.id}"
    saved = stored(me, entry.id)
    assert (saved["version"], saved["title"], saved["body"]) == (2, "After title", "After")
    assert (saved["tags"], saved["kind"]) == (["x"], "feedback")


def test_stale_edit_shows_both_texts_and_overwrites_nothing(me, make_entry):
    entry = make_entry(me.user, "First draft", title="T")
    saved = me.patch(f"{API}/{entry.id}", {"version": 1, "body": "Saved elsewhere"}).get_json()
    form = {
        "version": "1",
        "title": "T",
        "body": "Mine, typed offline",
        "tags": "",
        "kind": "reflection",
    }
    response = me.form(f"/journal/{entry.id}/edit", form)
    text = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "What you just wrote" in text and "The saved version" in text
    assert "Mine, typed offline" in text and "Saved elsewhere" in text
    assert stored(me, entry.id) == saved
    assert '<input type="hidden" name="version" value="2">' in text
    # "Keep mine" posts the conflict form, now based on the current version.
    keep = me.form(f"/journal/{entry.id}/edit", form | {"version": "2"})
    assert keep.status_code == 302
    assert stored(me, entry.id)["body"] == "Mine, typed offline"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"title": "Kept title", "body": ""}, "Write a few words here."),
        ({"title": "Kept title", "body": "Kept body", "version": "abc"}, HIDDEN_FIELD),
        ({"title": "Kept title", "body": "Kept body", "version": "0"}, HIDDEN_FIELD),
        ({"title": "t" * 201, "body": "Kept body"}, "200 characters or fewer"),
    ],
)
def test_edit_bad_input_rerenders_422_keeping_the_text(me, make_entry, fields, message):
    entry = make_entry(me.user, "Original", title="Original title")
    form = {"version": "1", "tags": "", "kind": "reflection"} | fields
    response = me.form(f"/journal/{entry.id}/edit", form)
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in text
    assert str(escape(fields["title"])) in text and "Kept" in text
    assert stored(me, entry.id)["version"] == 1 and stored(me, entry.id)["body"] == "Original"


def test_delete_asks_then_deletes(me, make_entry):
    entry = make_entry(me.user, "Going soon", title="Farewell")
    status, text = page(me, f"/journal/{entry.id}/delete")
    assert status == 200 and "Farewell" in text and "Delete entry</button>" in text
    response = me.form(f"/journal/{entry.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/journal"
    assert page(me, f"/journal/{entry.id}")[0] == 404
    assert "Farewell" not in page(me, "/journal")[1]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("get", ""), ("get", "/edit"), ("post", "/edit"), ("get", "/delete"), ("post", "/delete")],
)
def test_someone_elses_entry_is_404(api_as, me, make_entry, method, suffix):
    other = api_as("client")
    theirs = make_entry(other.user, "Their private words", title="Theirs")
    path = f"/journal/{theirs.id}{suffix}"
    if method == "get":
        response = me.client.get(path)
    else:
        response = me.form(path, {"version": "1", "body": "Overwritten", "kind": "reflection"})
    assert response.status_code == 404
    assert "Their private words" not in response.get_data(as_text=True)
    assert stored(other, theirs.id)["body"] == "Their private words"
    assert me.client.get(f"/journal/{uuid.uuid4()}{suffix}").status_code == 404


PAGES = ["/journal", "/journal/new", "/journal/prompts", "/journal/{id}", "/journal/{id}/edit"]
PAGES += ["/journal/{id}/delete"]


@pytest.mark.parametrize("path", PAGES)
def test_pages_for_roles(api, api_as, make_entry, path):
    client = api_as("client")
    entry = make_entry(client.user, "Body")
    url = path.format(id=entry.id)
    response = client.client.get(url)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert api_as("therapist").client.get(url).status_code == 403
    signed_out = api.client.get(url)
    assert signed_out.status_code == 302
    assert signed_out.headers["Location"].startswith("/login")


def test_prompt_library_lists_every_theme_and_prompt(me):
    status, text = page(me, "/journal/prompts")
    assert status == 200
    for theme in THEMES:
        assert str(escape(theme.name)) in text
    for prompt in PROMPTS:
        assert f'href="/journal/new?prompt={prompt.id}">{escape(prompt.text)}</a>' in text
    assert text.count('href="/journal/new?prompt=') == len(PROMPTS)


@pytest.mark.parametrize(
    ("query", "kind", "starters"),
    [
        ("?kind=question", "question", True),
        ("", "reflection", False),
        ("?kind=x", "reflection", False),
    ],
)
def test_new_entry_kind_from_the_link_and_question_starters(me, query, kind, starters):
    status, text = page(me, f"/journal/new{query}")
    assert status == 200
    assert f'<option value="{kind}" selected>' in text
    assert '<option value="question"' in text and "A question for my therapist</option>" in text
    shown = [f"<li>{s}</li>" in html.unescape(text) for s in QUESTION_STARTERS]
    assert shown == [starters] * len(QUESTION_STARTERS)
    assert ('data-starters="body"' in text) is starters


def test_a_question_is_saved_and_labelled_as_one(me):
    response = me.form("/journal/new", new_form(me, kind="question", body="Why do we start so?"))
    assert response.status_code == 302
    _, text = page(me, response.headers["Location"])
    assert "A question for my therapist ·" in text
    _, home = page(me, "/journal")
    assert "A question for my therapist · <time" in home


def test_a_bad_question_keeps_its_kind_and_starters(me):
    response = me.form("/journal/new", new_form(me, kind="question", body=""))
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert '<option value="question" selected>' in text and 'data-starters="body"' in text
