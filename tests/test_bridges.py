"""The after-session bridge: written in the 48 hours after a session, private unless it leads the
next packet; offered once on the journal home; first in the therapist's next digest."""

from datetime import timedelta
from uuid import uuid4

from journal.extensions import db
from journal.models import Entry
from tests.helpers import assert_error
from tests.test_api_repairs import end_session
from tests.test_web_links import pair, schedule, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

PARTS = {"takeaway": "Slow down on Sundays.", "helped": "The long pause.", "hindered": ""}


def ended(app, pair, hours_ago=1):
    """A session that ended a while ago, and the next one on the calendar; return both ids."""
    past = schedule(app, pair.client.user, pair.link_id)
    end_session(app, past, hours_ago)
    return past, schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=6))


def bridge(pair, session_id, **extra):
    body = {"kind": "after_session", "session_id": session_id, "details": PARTS} | extra
    return pair.client.post("/api/v1/entries", body)


def test_a_bridge_is_written_from_its_parts_and_kept_private(app, pair):
    past, _ = ended(app, pair)
    response = bridge(pair, past)
    assert response.status_code == 201, response.get_json()
    made = response.get_json()
    assert made["kind"] == "after_session" and made["session_id"] == past
    assert made["title"].startswith("After the session on ")
    assert (
        made["body"]
        == "One thing I take away: Slow down on Sundays.\n\nWhat helped most: The long pause."
    )
    assert made["details"] == PARTS and made["shares"] == []
    with app.app_context():
        assert b"Sundays" not in db.session.get(Entry, made["id"]).details_sealed


def test_a_bridge_that_leads_is_first_in_the_next_digest(app, pair):
    past, coming = ended(app, pair)
    made = bridge(pair, past, leads_packet=True).get_json()
    assert [s["therapist_id"] for s in made["shares"]] == [pair.therapist.user.id]
    digest = pair.therapist.get(f"/api/v1/sessions/{coming}/packet").get_json()
    assert digest["bridge"] == {
        "entry_id": made["id"],
        "parts": {"takeaway": PARTS["takeaway"], "helped": PARTS["helped"]},
        "unread": True,
    }
    packet = pair.client.get(f"/api/v1/sessions/{coming}/packet").get_json()
    assert packet["bridge"] == {"entry_id": made["id"], "shared": True}
    page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert page.index("After the last session, Sam wrote") < page.index("would like to talk about")
    assert "The long pause." in page
    pair.client.delete(f"/api/v1/entries/{made['id']}/shares/{pair.therapist.user.id}")
    assert pair.therapist.get(f"/api/v1/sessions/{coming}/packet").get_json()["bridge"] is None
    mine = text_of(pair.client.client.get(f"/prepare/{coming}"))
    assert "Only you can read it." in mine


def test_only_in_the_48_hours_after_ones_own_session(app, pair, api_as):
    late, _ = ended(app, pair, hours_ago=49)
    error = assert_error(bridge(pair, late), 422, "validation_failed", fields=["session_id"])
    assert "48 hours" in error["fields"]["session_id"][0]
    coming = schedule(app, pair.client.user, pair.link_id, starts_in=timedelta(days=9))
    assert_error(bridge(pair, coming), 422, "validation_failed", fields=["session_id"])
    past, _ = ended(app, pair)
    stranger = api_as("client")
    body = {"kind": "after_session", "session_id": past, "details": PARTS}
    assert_error(stranger.post("/api/v1/entries", body), 422, "validation_failed", ["session_id"])


def test_bad_bridges_name_every_problem(app, pair):
    past, _ = ended(app, pair)
    response = pair.client.post("/api/v1/entries", {"kind": "after_session"})
    assert_error(response, 422, "validation_failed", fields=["session_id", "details"])
    response = pair.client.post(
        "/api/v1/entries", {"body": "Words", "session_id": past, "details": PARTS}
    )
    assert_error(response, 422, "validation_failed", fields=["session_id", "details"])
    blank = {"takeaway": " ", "helped": "", "hindered": "x" * 2001}
    response = bridge(pair, past, details=blank, body="Also words")
    assert_error(response, 422, "validation_failed", fields=["details", "body"])


def test_a_bridge_stays_a_bridge_when_edited(app, pair):
    past, _ = ended(app, pair)
    made = bridge(pair, past).get_json()
    edited = pair.client.patch(
        f"/api/v1/entries/{made['id']}", {"version": 1, "body": "Changed my mind."}
    ).get_json()
    assert edited["kind"] == "after_session" and edited["session_id"] == past


def test_the_home_offers_it_once_with_the_check_in(app, pair):
    past, _ = ended(app, pair)
    home = text_of(pair.client.client.get("/journal"))
    assert "After your session on" in home and "Write a few lines" in home
    assert "Check in" in home and "How did your session" not in home
    response = pair.client.form(f"/journal/after/{past}/close")
    assert response.status_code == 302
    assert "Write a few lines" not in text_of(pair.client.client.get("/journal"))


def test_writing_it_ends_the_offer(app, pair):
    past, _ = ended(app, pair)
    bridge(pair, past)
    assert "Write a few lines" not in text_of(pair.client.client.get("/journal"))


def test_the_bridge_page(app, pair):
    past, _ = ended(app, pair)
    page = text_of(pair.client.client.get(f"/journal/after/{past}"))
    assert "One thing I take away" in page and "Put this at the top of my next packet" in page
    bad = pair.client.form(f"/journal/after/{past}", {"id": str(uuid4()), "helped": "y" * 2001})
    assert bad.status_code == 422
    assert "Keep each part to 2,000 characters or fewer." in text_of(bad)
    assert "y" * 2001 in text_of(bad)
    empty = pair.client.form(f"/journal/after/{past}", {"id": str(uuid4())})
    assert empty.status_code == 422
    assert "Write a few words in at least one of the three." in text_of(empty)
    response = pair.client.form(
        f"/journal/after/{past}",
        {"id": str(uuid4()), "takeaway": "Breathe first.", "leads_packet": "1", "checkin_too": "1"},
    )
    assert response.status_code == 302
    assert f"/checkins/new?therapist={pair.therapist.user.id}" in response.location


def test_the_bridge_page_after_the_window(app, pair, api_as):
    late, _ = ended(app, pair, hours_ago=60)
    page = text_of(pair.client.client.get(f"/journal/after/{late}"))
    assert "ended more than two days ago" in page and "One thing I take away" not in page
    response = pair.client.form(f"/journal/after/{late}", {"id": str(uuid4()), "helped": "x"})
    assert response.status_code == 422 and "ended more than two days ago" in text_of(response)
    assert api_as("client").client.get(f"/journal/after/{late}").status_code == 404
