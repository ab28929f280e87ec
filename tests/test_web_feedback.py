"""The "what isn't working" composer: the steps, the preview, saving, and going back to change."""

import re
import uuid

import pytest
from sqlalchemy import func, select

from journal.extensions import db
from journal.models import Entry, Share
from journal.services import entries, feedback
from tests.test_web_links import _user, text_of

PARTS = {
    "what": "Sessions feel rushed & I lose my thread.\r\nIt's hard to say.",
    "instead": "Slower starts.",
    "topics": ["heard", "pace"],
    "difficulty": "7",
    "raise_how": "talk",
    "title": "About the pace",
}
COMPOSED = feedback.compose(
    {**PARTS, "what": PARTS["what"], "topics": ["pace", "heard"], "difficulty": 7}
)


@pytest.fixture
def me(api_as):
    return api_as("client")


def form_id(api) -> str:
    """The hidden id of a freshly shown composer."""
    text = api.client.get("/feedback/new").get_data(as_text=True)
    return re.search(r'name="id" value="([^"]+)"', text)[1]


def stored(app, user):
    """The user's entries (live), as the service reads them."""
    with app.app_context():
        return entries.list_entries(_user(user), limit=100).items


def test_composer_shows_the_steps_starters_and_reassurance(me):
    response = me.client.get("/feedback/new")
    text = text_of(response)
    assert response.status_code == 200
    uuid.UUID(form_id(me))
    for step in (
        "What isn't working?",
        "What would you like instead?",
        "How hard is this to say?",
        "How would you like it raised?",
    ):
        assert step in text
    assert re.findall(r'class="step-number">(\d)<', text) == ["1", "2", "3", "4"]
    assert all(f"<li>{starter}</li>" in text for starter in feedback.STARTERS)
    assert 'data-starters="what"' in text and "js/starters.js" in text
    assert all(f'name="topics" value="{t}"' in text for t in feedback.TOPICS)
    assert re.findall(r'name="difficulty" value="(\d+)"', text) == [str(n) for n in range(11)]
    assert "0: easy to say" in text and "10: very hard to say" in text
    assert all(f'name="raise_how" value="{key}"' in text for key in feedback.RAISE)
    assert "private until you choose to share" in text
    assert "change or delete it later" in text and "You don't have to send it" in text
    assert 'action="/feedback/preview"' in text and "Preview</button>" in text
    assert " checked" not in text  # nothing is chosen for the person


def test_the_composer_keeps_its_words_on_the_device_until_saved(app, me):
    """A fresh composer may be refilled from the device; a filled one, and the preview, keep
    what they show; the saved entry's page tells the device to forget the words."""
    fresh = text_of(me.client.get("/feedback/new"))
    assert 'data-composer="fresh"' in fresh and "js/composer.js" in fresh
    assert re.search(r"<div [^>]*data-kept hidden", fresh)
    assert "Clear it and start afresh" in fresh
    shown = text_of(me.form("/feedback/new", {"id": form_id(me), **PARTS}))
    assert 'data-composer="shown"' in shown and "js/composer.js" in shown
    preview = text_of(me.form("/feedback/preview", {"id": form_id(me), **PARTS}))
    assert 'data-composer="shown"' in preview and "js/composer.js" in preview
    entry_id = form_id(me)
    saved = me.form("/feedback", {"id": entry_id, **PARTS})
    page = text_of(me.client.get(saved.headers["Location"]))
    assert f'data-composed="{entry_id}"' in page and "js/composer.js" in page


def test_an_ordinary_entry_page_leaves_the_composer_alone(me, make_entry):
    page = text_of(me.client.get(f"/journal/{make_entry(me.user, 'Just a day.').id}"))
    assert "data-composed" not in page and "js/composer.js" not in page


def test_a_preview_opened_by_address_goes_to_the_composer(me):
    """After signing in again the browser comes back to /feedback/preview by address: the
    composer, which brings back the words kept on the device, is where to be."""
    response = me.client.get("/feedback/preview")
    assert response.status_code == 302 and response.headers["Location"] == "/feedback/new"


def test_preview_shows_exactly_what_the_therapist_reads_and_saves_nothing(app, me):
    response = me.form("/feedback/preview", {"id": form_id(me), **PARTS})
    text = text_of(response)
    assert response.status_code == 200
    card = text.split('class="card preview-card"')[1].split("</article>")[0]
    assert "Feedback for my therapist" in card and "<h2" in card and COMPOSED["title"] in card
    shown = re.search(r'<div class="entry-body">(.*?)</div>', card, re.S)[1]
    assert shown == COMPOSED["body"]
    assert "What I'd like instead: Slower starts." in shown
    assert "About: Pace, Feeling heard" in shown and "7 out of 10" in shown
    assert "I'd like us to talk about it together." in shown
    assert "Save as private feedback</button>" in text
    assert 'formaction="/feedback/new">Change something</button>' in text
    hidden = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', text))
    assert hidden["difficulty"] == "7" and hidden["raise_how"] == "talk"
    assert re.findall(r'name="topics" value="(\w+)"', text) == ["heard", "pace"]
    assert stored(app, me.user) == []


def test_preview_without_a_title_uses_the_gentle_default(me):
    text = text_of(me.form("/feedback/preview", {"what": "I don't feel heard."}))
    assert f'<h2 id="preview-title">{feedback.DEFAULT_TITLE}</h2>' in text
    assert '<div class="entry-body">I don\'t feel heard.</div>' in text  # no empty parts


def test_saving_makes_private_feedback_with_the_forms_id(app, me):
    entry_id = form_id(me)
    response = me.form("/feedback", {"id": entry_id, **PARTS})
    assert response.status_code == 302 and response.headers["Location"] == f"/journal/{entry_id}"
    [saved] = stored(app, me.user)
    assert (saved.id, saved.kind, saved.title) == (entry_id, "feedback", "About the pace")
    assert saved.body == COMPOSED["body"] and saved.shares == []
    assert saved.details == {**COMPOSED["details"], "difficulty": 7}
    page = text_of(me.client.get(response.headers["Location"]))
    assert "Saved as private feedback" in page and "Private: only you can read this." in page
    assert "Feedback for my therapist" in page


def test_saving_twice_keeps_one_entry(app, me):
    data = {"id": form_id(me), **PARTS}
    first, second = me.form("/feedback", data), me.form("/feedback", data)
    assert first.headers["Location"] == second.headers["Location"]
    assert len(stored(app, me.user)) == 1


def test_saving_changed_words_under_a_saved_id_keeps_both(app, me):
    """Back to an old preview, change something, save: the new words are not dropped."""
    entry_id = form_id(me)
    first = me.form("/feedback", {"id": entry_id, **PARTS})
    second = me.form("/feedback", {"id": entry_id, **PARTS, "instead": "A check-in at the end."})
    assert second.status_code == 302 and second.headers["Location"] != first.headers["Location"]
    bodies = sorted(e.body for e in stored(app, me.user))
    assert len(bodies) == 2 and "A check-in at the end." in bodies[0] + bodies[1]
    assert COMPOSED["body"] in bodies
    page = text_of(me.client.get(second.headers["Location"]))
    assert "earlier version of this; it is still in your journal" in page


@pytest.mark.parametrize(
    ("state", "status", "message"),
    [("someone_elses", 409, "already in use"), ("deleted", 410, "was deleted")],
)
def test_saving_onto_a_used_id_keeps_the_words_with_a_new_id(
    app, me, make_user, make_entry, state, status, message
):
    owner = make_user("client") if state == "someone_elses" else me.user
    taken = make_entry(owner, "Other words").id
    if state == "deleted":
        with app.app_context():
            entries.delete(_user(me.user), taken)
    response = me.form("/feedback", {"id": taken, **PARTS})
    text = text_of(response)
    assert response.status_code == status and message in text
    assert "Sessions feel rushed &amp; I lose my thread." in response.get_data(as_text=True)
    new_id = re.search(r'name="id" value="([^"]+)"', text)[1]
    assert new_id != taken and uuid.UUID(new_id)


def test_change_something_brings_back_the_filled_form(me):
    response = me.form("/feedback/new", {"id": "1b4e28ba-2fa1-11d2-883f-0016d3cca427", **PARTS})
    text = text_of(response)
    assert response.status_code == 200
    assert 'name="id" value="1b4e28ba-2fa1-11d2-883f-0016d3cca427"' in text
    assert "I lose my thread.\nIt's hard to say.</textarea>" in text.replace("\r\n", "\n")
    assert ">Slower starts.</textarea>" in text and 'value="About the pace"' in text
    assert set(re.findall(r'name="topics" value="(\w+)" checked', text)) == {"heard", "pace"}
    assert re.findall(r'name="difficulty" value="(\d+)" checked', text) == ["7"]
    assert 'name="raise_how" value="talk" checked' in text


BAD = [
    ({"what": ""}, "what", "Write a few words"),
    ({"what": "   \r\n "}, "what", "Write a few words"),
    ({"what": "x" * 5001}, "what", "5,000 characters"),  # the API's limits, one schema
    ({"instead": "x" * 5001}, "instead", "5,000 characters"),
    ({"topics": ["pace", "astrology"]}, "topics", "Choose from the list"),
    ({"difficulty": "11"}, "difficulty", "0 to 10"),
    ({"difficulty": "-1"}, "difficulty", "0 to 10"),
    ({"difficulty": "very"}, "difficulty", "0 to 10"),
    ({"difficulty": "2.5"}, "difficulty", "0 to 10"),
    ({"raise_how": "shout"}, "raise_how", "one of the three ways"),
    ({"title": "t" * 201}, "title", "200 characters"),
    ({"id": "not-a-uuid"}, "id", "Please start again."),
]


@pytest.mark.parametrize("path", ["/feedback/preview", "/feedback"])
@pytest.mark.parametrize(
    ("change", "field", "message"), BAD, ids=[f"{b[1]}-{n}" for n, b in enumerate(BAD)]
)
def test_bad_input_is_422_keeping_everything_typed(app, me, path, change, field, message):
    data = {**PARTS, "id": str(uuid.uuid4()), "what": "Kept words", **change}
    response = me.form(path, data)
    text = text_of(response)
    assert response.status_code == 422
    assert f'id="{field}-error"' in text and message in text
    assert "Some fields need another look." in text
    if field != "what":
        assert ">Kept words</textarea>" in text
    assert ">Slower starts.</textarea>" in text or field == "instead"
    assert 'name="raise_how" value="talk" checked' in text or field == "raise_how"
    assert stored(app, me.user) == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/feedback/new"),
        ("POST", "/feedback/new"),
        ("POST", "/feedback/preview"),
        ("POST", "/feedback"),
    ],
)
def test_only_signed_in_clients_compose(api, api_as, method, path):
    signed_out = api.client.get(path) if method == "GET" else api.form(path, PARTS)
    assert signed_out.status_code == 302 and "/login" in signed_out.headers["Location"]
    therapist = api_as("therapist")
    response = therapist.client.get(path) if method == "GET" else therapist.form(path, PARTS)
    assert response.status_code == 403


@pytest.mark.parametrize("path", ["/feedback/new", "/feedback/preview", "/feedback"])
def test_posts_without_the_csrf_token_are_refused(app, me, path):
    response = me.client.post(path, data={"id": str(uuid.uuid4()), **PARTS})
    assert response.status_code == 400 and "security token" in text_of(response)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Entry)) == 0


def test_saved_feedback_stays_private_until_shared(app, me, make_user):
    me.form("/feedback", {"id": form_id(me), **PARTS})
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Share)) == 0


def test_journal_home_offers_feedback_and_a_question(me):
    text = text_of(me.client.get("/journal"))
    section = text.split('id="for-therapist-heading"')[1].split("</section>")[0]
    assert 'href="/feedback/new">Something isn\'t working</a>' in section
    assert 'href="/journal/new?kind=question">A question for my therapist</a>' in section
    assert 'href="/checkins">' in section
