"""The sharing section of the entry page: share (whole, a passage, until), see reads, withdraw."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from journal.extensions import db
from journal.models import Share, utcnow
from tests.test_web_links import link_up, pair, read, schedule, share, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

BODY = "I held back today.\nThe part about my sister was hard to say.\nNext time, slower."


@pytest.fixture
def entry(pair, make_entry):
    return make_entry(pair.client.user, BODY, title="After Tuesday")


def entry_page(pair, entry):
    return text_of(pair.client.client.get(f"/journal/{entry.id}"))


def post_share(pair, entry, **fields):
    form = {"therapist_id": pair.therapist.user.id, "part": "whole", "keep": "always"} | fields
    return pair.client.form(f"/journal/{entry.id}/share", form)


def stored_share(app):
    with app.app_context():
        return db.session.scalar(select(Share))


def test_a_private_entry_says_so_and_offers_to_share(pair, entry):
    text = entry_page(pair, entry)
    assert "Private: only you can read this." in text
    assert "Share with Dr Lee" in text and "Share</button>" in text
    assert f'name="therapist_id" value="{pair.therapist.user.id}"' in text
    assert '<label for="passage">Passage</label>' in text
    assert "Keep it shared" in text and "put the session on the calendar" in text  # none yet
    assert 'type="datetime-local"' in text and "/static/js/passage.js" in text


def test_without_a_therapist_the_page_points_to_join(api_as, make_entry):
    me = api_as("client")
    entry = make_entry(me.user, "Alone")
    text = text_of(me.client.get(f"/journal/{entry.id}"))
    assert "Private: only you can read this." in text
    assert 'href="/join">Link with them first</a>' in text and "Share</button>" not in text


def test_sharing_the_whole_entry(app, pair, entry):
    response = post_share(pair, entry)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/journal/{entry.id}#sharing"
    text = entry_page(pair, entry)
    assert "Shared this entry with Dr Lee." in text
    assert "Shared with Dr Lee ·\nnot read yet" in text and "Withdraw</button>" in text
    assert "Private: only you can read this." not in text
    assert "Share with Dr Lee" not in text  # nobody left to share with
    path = f"/therapist/clients/{pair.client.user.id}/entries/{entry.id}"
    assert BODY in text_of(pair.therapist.client.get(path))


def test_the_entry_page_shows_when_it_was_read(app, pair, entry):
    share(app, pair.client.user, entry.id, pair.therapist.user)
    read(app, pair.therapist.user, pair.client.user, entry.id)
    text = entry_page(pair, entry)
    assert re.search(r"Shared with Dr Lee ·\nread <time datetime=\"[^\"]+\">", text)
    assert "not read yet" not in text


def test_sharing_a_passage_shows_only_the_passage(app, pair, entry):
    words = "The part about my sister was hard to say."
    assert post_share(pair, entry, part="passage", passage=f"  {words}\r\n").status_code == 302
    assert "a passage: “The part about my sister was hard to say.”" in entry_page(pair, entry)
    path = f"/therapist/clients/{pair.client.user.id}/entries/{entry.id}"
    text = text_of(pair.therapist.client.get(path))
    assert words in text and "I held back" not in text and "After Tuesday" not in text


def test_a_passage_over_several_lines_matches_though_forms_send_crlf(app, pair, entry):
    response = post_share(pair, entry, part="passage", passage="I held back today.\r\nThe part")
    assert response.status_code == 302
    path = f"/therapist/clients/{pair.client.user.id}/entries/{entry.id}"
    assert "I held back today.\nThe part" in text_of(pair.therapist.client.get(path))


def test_sharing_until_a_date(app, pair, entry):
    response = post_share(pair, entry, keep="until", until="2099-01-02T08:30")
    assert response.status_code == 302
    assert stored_share(app).expires_at.isoformat() == "2099-01-02T08:30:00+00:00"
    assert "until <time" in entry_page(pair, entry) and "Fri 2 Jan 2099, 08:30 UTC" in entry_page(
        pair, entry
    )


def test_sharing_until_the_end_of_the_next_session(app, pair, entry):
    session_id = schedule(app, pair.client.user, pair.link_id, minutes=60)
    assert post_share(pair, entry, keep="session").status_code == 302
    row = stored_share(app)
    assert row.until_session_id == session_id and row.expires_at > utcnow() + timedelta(days=1)
    assert "until your session ends" in entry_page(pair, entry)


def test_whole_and_always_ignore_leftover_passage_and_date(app, pair, entry):
    response = post_share(pair, entry, passage="not in the entry", until="2001-01-01T00:00")
    assert response.status_code == 302
    row = stored_share(app)
    assert row.passage_sealed is None and row.expires_at is None


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"part": "passage", "passage": "  "}, "passage", "Copy or type the words"),
        ({"part": "passage", "passage": "Words I never wrote"}, "passage", "Choose words that"),
        ({"keep": "until", "until": ""}, "until", "Choose the date and time it stops"),
        ({"keep": "until", "until": "soon"}, "until", "Choose a date and a time."),
        ({"keep": "until", "until": "2001-01-01T10:00"}, "until", "Choose a moment in the future"),
        ({"keep": "session"}, "until_session", "no session date yet"),
        ({"keep": "forever"}, "keep", None),
    ],
)
def test_bad_input_rerenders_the_entry_422_keeping_it(app, pair, entry, fields, field, message):
    response = post_share(pair, entry, **fields)
    text = text_of(response)
    assert response.status_code == 422
    assert "Some fields need another look." in text and BODY in text
    if message:
        assert f'id="{field}-error">' in text and message in text
    for name in ("passage", "until"):
        if fields.get(name, "").strip():
            assert fields[name] in text
    assert stored_share(app) is None
    assert "Private: only you can read this." in text


def test_a_therapist_without_a_link_is_404(app, pair, entry, make_user):
    stranger = make_user("therapist")
    response = post_share(pair, entry, therapist_id=stranger.id)
    assert response.status_code == 404 and stored_share(app) is None


def test_someone_elses_entry_is_404(app, pair, api_as, make_entry):
    other = api_as("client")
    link_up(app, other.user, pair.therapist.user)
    theirs = make_entry(other.user, "Their words")
    assert post_share(pair, theirs).status_code == 404
    share(app, other.user, theirs.id, pair.therapist.user)
    path = f"/journal/{theirs.id}/withdraw/{pair.therapist.user.id}"
    assert pair.client.form(path).status_code == 404
    assert stored_share(app).revoked_at is None


def test_withdrawing_works_on_the_very_next_request(app, pair, entry):
    share(app, pair.client.user, entry.id, pair.therapist.user)
    path = f"/therapist/clients/{pair.client.user.id}/entries/{entry.id}"
    assert pair.therapist.client.get(path).status_code == 200
    response = pair.client.form(f"/journal/{entry.id}/withdraw/{pair.therapist.user.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/journal/{entry.id}#sharing"
    text = entry_page(pair, entry)
    assert "Dr Lee can no longer read this entry." in text
    assert "Private: only you can read this." in text and "Share with Dr Lee" in text
    after = pair.therapist.client.get(path)
    assert after.status_code == 404 and "We couldn't find that" in text_of(after)
    assert "After Tuesday" not in text_of(
        pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}")
    )


def test_withdrawing_what_is_not_shared_is_404(pair, entry):
    assert (
        pair.client.form(f"/journal/{entry.id}/withdraw/{pair.therapist.user.id}").status_code
        == 404
    )


def test_two_therapists_get_a_choice(app, pair, entry, make_user):
    second = make_user("therapist", name="Dr Kim")
    link_up(app, pair.client.user, second)
    text = entry_page(pair, entry)
    assert '<label for="therapist_id">Share with</label>' in text
    assert f'<option value="{second.id}">Dr Kim</option>' in text
    assert post_share(pair, entry, therapist_id=second.id).status_code == 302
    text = entry_page(pair, entry)
    assert "Shared with Dr Kim" in text and "Share with Dr Lee" in text


@pytest.mark.parametrize("action", ["share", "withdraw"])
def test_posts_need_csrf_the_author_and_a_sign_in(app, pair, entry, api, action):
    path = f"/journal/{entry.id}/share"
    if action == "withdraw":
        share(app, pair.client.user, entry.id, pair.therapist.user)
        path = f"/journal/{entry.id}/withdraw/{pair.therapist.user.id}"
    form = {"therapist_id": pair.therapist.user.id}
    assert pair.client.client.post(path, data=form).status_code == 400
    assert pair.therapist.form(path, form).status_code == 403
    assert api.form(path, form).headers["Location"].startswith("/login")
    assert pair.client.form(path, form).status_code == 302
