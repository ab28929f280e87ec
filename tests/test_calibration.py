"""The therapist's own view of a session: recorded after it starts, drawn beside the client's
shared check-ins on the therapist's side only, in the therapist's export and never the client's."""

from datetime import timedelta

from tests.helpers import assert_error
from tests.test_api_repairs import end_session
from tests.test_web_links import pair, schedule, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

VIEW = {"bond": 8, "goals": 6, "approach": 7, "overall": 7}
VIEW_KEYS = {"session_id", "at", "bond", "goals", "approach", "overall", "total", "updated_at"}


def past_session(app, pair):
    session_id = schedule(app, pair.client.user, pair.link_id)
    end_session(app, session_id, hours_ago=2)
    return session_id


def view_url(session_id):
    return f"/api/v1/sessions/{session_id}/therapist-view"


def test_the_therapist_records_and_changes_their_view(app, pair):
    session_id = past_session(app, pair)
    response = pair.therapist.put(view_url(session_id), VIEW)
    assert response.status_code == 200
    made = response.get_json()
    assert set(made) == VIEW_KEYS and made["total"] == 28 and made["session_id"] == session_id
    changed = pair.therapist.put(view_url(session_id), VIEW | {"bond": 3}).get_json()
    assert changed["total"] == 23
    alliance = pair.therapist.get(f"/api/v1/clients/{pair.client.user.id}/alliance").get_json()
    assert alliance["therapist_view"] == [changed]


def test_not_before_the_session_starts(app, pair):
    coming = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=2))
    error = assert_error(
        pair.therapist.put(view_url(coming), VIEW), 422, "validation_failed", ["session"]
    )
    assert "once the session has started" in error["fields"]["session"][0]


def test_bad_ratings_name_every_scale(app, pair):
    session_id = past_session(app, pair)
    response = pair.therapist.put(view_url(session_id), {"bond": 11, "goals": "7", "approach": -1})
    assert_error(
        response, 422, "validation_failed", fields=["bond", "goals", "approach", "overall"]
    )


def test_the_client_never_sees_it(app, pair):
    session_id = past_session(app, pair)
    pair.therapist.put(view_url(session_id), VIEW)
    assert_error(pair.client.put(view_url(session_id), VIEW), 403, "wrong_role")
    url = f"/api/v1/clients/{pair.client.user.id}/alliance"
    assert_error(pair.client.get(url), 403, "wrong_role")
    pair.client.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    exported = pair.client.get("/api/v1/export").get_json()
    assert exported["therapist_views"] == []
    pair.therapist.post("/api/v1/auth/reauth", {"password": "a calm river at dawn"})
    theirs = pair.therapist.get("/api/v1/export").get_json()
    assert [v["total"] for v in theirs["therapist_views"]] == [28]


def test_another_therapists_session_is_not_found(app, pair, api_as):
    session_id = past_session(app, pair)
    assert_error(api_as("therapist").put(view_url(session_id), VIEW), 404, "not_found")


def test_the_session_page_and_the_client_page(app, pair):
    session_id = past_session(app, pair)
    url = f"/therapist/clients/{pair.client.user.id}/sessions/{session_id}"
    page = text_of(pair.therapist.client.get(url))
    assert "Your own view of this session" in page and "never sees it" in page
    bad = pair.therapist.form(f"{url}/view", {"bond": "8"})
    assert bad.status_code == 422 and "Choose a number from 0 to 10." in text_of(bad)
    response = pair.therapist.form(f"{url}/view", {k: str(v) for k, v in VIEW.items()})
    assert response.status_code == 302
    client_page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Your own view of each session" in client_page and "chart-line-own" not in client_page
    assert 'class="chart-dot-own"' in client_page
    mine = text_of(pair.client.client.get("/checkins"))
    assert "own view" not in mine


def test_the_session_page_before_it_starts_has_no_form(app, pair):
    coming = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=2))
    page = text_of(
        pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}/sessions/{coming}")
    )
    assert "Your own view of this session" not in page
    response = pair.therapist.form(
        f"/therapist/clients/{pair.client.user.id}/sessions/{coming}/view",
        {k: str(v) for k, v in VIEW.items()},
    )
    assert response.status_code == 422
