"""A therapist's note inviting honest feedback; one gentle line after three perfect check-ins."""

import pytest

from tests.conftest import Api
from tests.helpers import assert_error
from tests.test_web_links import invite_code, pair, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

NOTE = "I would rather hear what isn't working than have you carry it alone."


def test_a_therapist_sets_the_note_and_clients_see_it(app, pair, make_user):
    response = pair.therapist.put("/api/v1/me/invitation-note", {"note": f"  {NOTE}  "})
    assert response.status_code == 200 and response.get_json() == {"note": NOTE}
    [link] = pair.client.get("/api/v1/links").get_json()["items"]
    assert link["therapist"]["invitation_note"] == NOTE
    code = invite_code(app, pair.therapist.user)
    newcomer = make_user("client")
    api = Api(app.test_client())
    assert api.login(newcomer.email).status_code == 200
    preview = api.get(f"/api/v1/invites/{code}").get_json()
    assert preview["therapist"]["invitation_note"] == NOTE
    assert NOTE in text_of(api.client.get(f"/join/{code}"))
    assert NOTE in text_of(pair.client.client.get("/links"))
    assert NOTE in text_of(pair.client.client.get("/feedback/new"))
    assert pair.therapist.delete("/api/v1/me/invitation-note").status_code == 204
    assert NOTE not in text_of(pair.client.client.get("/feedback/new"))
    assert (
        pair.client.get("/api/v1/links").get_json()["items"][0]["therapist"]["invitation_note"]
        is None
    )


@pytest.mark.parametrize(
    "body", [{}, {"note": ""}, {"note": "   "}, {"note": "x" * 601}, {"note": 5}]
)
def test_a_bad_note_is_422(api_as, body):
    response = api_as("therapist").put("/api/v1/me/invitation-note", body)
    assert_error(response, 422, "validation_failed", ["note"])


def test_only_therapists_write_a_note(api_as, api):
    assert_error(
        api_as("client").put("/api/v1/me/invitation-note", {"note": NOTE}), 403, "wrong_role"
    )
    assert_error(api.put("/api/v1/me/invitation-note", {"note": NOTE}), 401, "not_signed_in")


def test_the_therapist_home_form(pair):
    page = text_of(pair.therapist.client.get("/therapist"))
    assert "Inviting honest feedback" in page and "Save note" in page and "Remove note" not in page
    assert "I would rather hear what isn't working" in page  # a suggestion in our words
    response = pair.therapist.form("/therapist/invitation-note", {"note": NOTE})
    assert response.status_code == 302
    page = text_of(pair.therapist.client.get("/therapist"))
    assert "Your note is saved." in page and "Remove note" in page
    bad = pair.therapist.form("/therapist/invitation-note", {"note": "y" * 601})
    assert bad.status_code == 422 and "Write 1 to 600 characters." in text_of(bad)
    assert "y" * 601 in text_of(bad)  # the words are kept
    pair.therapist.form("/therapist/invitation-note", {"remove": "1"})
    assert "Your note is removed." in text_of(pair.therapist.client.get("/therapist"))


def _check_in(pair, score, shared=True):
    ratings = dict.fromkeys(("bond", "goals", "approach", "overall"), score)
    body = {"therapist_id": pair.therapist.user.id, "shared": shared} | ratings
    assert pair.client.post("/api/v1/checkins", body).status_code == 201


def test_three_perfect_check_ins_earn_one_gentle_line(pair):
    for _ in range(2):
        _check_in(pair, 10)
    _check_in(pair, 10, shared=False)  # a private one doesn't count
    assert "Full marks three times running" not in text_of(pair.client.client.get("/checkins"))
    _check_in(pair, 10)
    page = text_of(pair.client.client.get("/checkins"))
    assert page.count("Full marks three times running") == 1 and 'href="/feedback/new"' in page
    _check_in(pair, 9)
    assert "Full marks three times running" not in text_of(pair.client.client.get("/checkins"))
