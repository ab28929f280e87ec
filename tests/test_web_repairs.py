"""The repair ledger in the pages: the verdict form, the home's one question, both ledgers."""

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import select

from journal.charts import ledger_svg
from journal.extensions import db
from journal.models import Answer, Repair, utcnow
from journal.services import repairs
from tests.test_api_repairs import end_session
from tests.test_web_answers import shared_feedback
from tests.test_web_links import link_up, pair, schedule, text_of

__all__ = ["link_up", "pair"]  # the fixture, imported for this module's tests

NOTE = "We slowed down and it helped."


def verdict(pair, entry_id, **form):
    return pair.client.form(f"/journal/{entry_id}/repair", form)


def ledger_page(pair):
    return f"/therapist/clients/{pair.client.user.id}/ledger"


def test_the_client_says_what_came_of_it_on_the_entry(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    page = text_of(pair.client.client.get(f"/journal/{entry_id}"))
    assert "What came of it?" in page and "Let Dr Lee see this answer and note" in page
    assert 'name="shared" value="1" checked' in page  # shared by default when the item is
    response = verdict(pair, entry_id, status="partly", note=NOTE, share_choice="1")
    assert response.status_code == 302 and response.location.endswith(f"/journal/{entry_id}#repair")
    page = text_of(pair.client.client.get(f"/journal/{entry_id}"))
    assert "You said <strong>partly addressed</strong> on" in page and "Kept to yourself." in page
    assert NOTE in page and 'name="shared" value="1" checked' not in page
    with app.app_context():
        assert db.session.get(Repair, entry_id).told_status is None


def test_a_shared_verdict_shows_on_the_therapists_ledger(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    verdict(pair, entry_id, status="addressed", note=NOTE, share_choice="1", shared="1")
    page = text_of(pair.therapist.client.get(ledger_page(pair)))
    assert "Feedback and what came of it" in page and "Pace" in page
    assert "Addressed" in page and NOTE in page and "<svg" in page
    assert "Raised and addressed, by month" in page
    mine = text_of(pair.client.client.get("/journal/ledger"))
    assert "What came of it" in mine and "Pace" in mine and "Addressed" in mine


def test_a_bad_verdict_keeps_the_words_and_says_what_is_missing(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    response = verdict(pair, entry_id, note=NOTE, share_choice="1")
    assert response.status_code == 422
    page = text_of(response)
    assert "Choose addressed, partly or not_yet." in page and NOTE in page
    long = verdict(pair, entry_id, status="partly", note="x" * 1001)
    assert long.status_code == 422 and "1,000 characters at most" in text_of(long)
    with app.app_context():
        assert db.session.get(Repair, entry_id) is None  # nothing half-saved


def test_a_reflection_has_no_verdict_form_and_refuses_one(app, pair, make_entry):
    entry = make_entry(pair.client.user, "A quiet day.")
    assert "What came of it?" not in text_of(pair.client.client.get(f"/journal/{entry.id}"))
    response = verdict(pair, entry.id, status="addressed")
    assert response.status_code == 422 and "feedback and questions" in text_of(response)


def test_the_pages_keep_to_their_side(app, pair, make_entry, api_as):
    entry_id = shared_feedback(app, pair, make_entry)
    assert pair.therapist.client.get("/journal/ledger").status_code == 403
    assert pair.client.client.get(ledger_page(pair)).status_code == 403
    stranger = SimpleNamespace(client=api_as("client"))
    assert verdict(stranger, entry_id, status="addressed").status_code == 404
    assert api_as("therapist").client.get(ledger_page(pair)).status_code == 404
    signed_out = app.test_client()
    assert signed_out.get("/journal/ledger").status_code == 302
    assert signed_out.get(ledger_page(pair)).status_code == 302


def test_empty_ledgers_say_what_will_appear(app, pair):
    assert "Nothing here yet" in text_of(pair.client.client.get("/journal/ledger"))
    page = text_of(pair.therapist.client.get(ledger_page(pair)))
    assert "No feedback shared with you right now" in page and "<svg" not in page


def test_a_damaged_cursor_is_explained(pair):
    response = pair.client.client.get("/journal/ledger?cursor=broken")
    assert response.status_code == 422 and "This cursor is not valid." in text_of(response)
    bad_limit = pair.client.client.get("/journal/ledger?limit=0")
    assert bad_limit.status_code == 422


def test_the_home_asks_once_after_the_session_that_held_it(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    session_id = schedule(app, pair.client.user, pair.link_id)
    pair.therapist.form(
        f"/therapist/clients/{pair.client.user.id}/entries/{entry_id}/answer",
        {"heard": "true", "discuss_next_session": "true"},
    )
    assert "get talked through?" not in text_of(pair.client.client.get("/journal"))
    end_session(app, session_id)
    with app.app_context():
        answer = db.session.scalar(select(Answer))
        answer.updated_at = utcnow() - timedelta(days=1)
        db.session.commit()
    home = text_of(pair.client.client.get("/journal"))
    assert 'Did your note "Pace" get talked through?' in home
    assert "get talked through?" not in text_of(pair.client.client.get("/journal"))  # once
    response = verdict(pair, entry_id, status="addressed", next="home")
    assert response.status_code == 302 and response.location.endswith("/journal")
    with app.app_context():
        row = db.session.get(Repair, entry_id)
        assert row.status == "addressed" and row.shared and row.told_status == "addressed"


def test_the_home_names_the_topic_of_a_composed_note(app, pair):
    composed = {"what": "Sessions move too fast for me.", "topics": ["pace"]}
    entry = pair.client.post("/api/v1/entries", {"kind": "feedback", "feedback": composed})
    entry_id = entry.get_json()["id"]
    pair.client.put(f"/api/v1/entries/{entry_id}/shares/{pair.therapist.user.id}")
    session_id = schedule(app, pair.client.user, pair.link_id)
    pair.client.put(f"/api/v1/sessions/{session_id}/packet", {"entry_ids": [entry_id]})
    end_session(app, session_id)
    assert "Did your note about pace get talked through?" in text_of(
        pair.client.client.get("/journal")
    )


def test_open_items_lead_the_therapists_next_session(app, pair, make_entry):
    entry_id = shared_feedback(app, pair, make_entry)
    verdict(pair, entry_id, status="not_yet", share_choice="1", shared="1")
    schedule(app, pair.client.user, pair.link_id)
    page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Still open" in page and "open since today · last said: not yet" in page
    assert page.index("Still open") < page.index("would like to talk about")


def test_the_access_log_names_a_look_at_the_ledger(app, pair, make_entry):
    shared_feedback(app, pair, make_entry)
    pair.therapist.client.get(ledger_page(pair))
    page = text_of(pair.client.client.get("/access-log"))
    assert "looked at what came of the feedback you shared" in page


def test_months_run_without_gaps_in_the_readers_zone(app, pair, make_entry):
    from zoneinfo import ZoneInfo

    first = utcnow().replace(year=2026, month=10, day=31, hour=23, minute=30)
    items = [
        repairs.LedgerItem("a", "feedback", "", first, None, None, "open", first),
        repairs.LedgerItem(
            "b", "feedback", "", first, None, None, "addressed", first + timedelta(days=40)
        ),
    ]
    months = repairs.by_month(items, ZoneInfo("Europe/Berlin"))  # 31 Oct 23:30 UTC is November
    assert [(m.strftime("%Y-%m"), r, f) for m, r, f in months] == [
        ("2026-11", 2, 0),
        ("2026-12", 0, 1),
    ]
    svg = str(ledger_svg(months))
    assert "2 raised and 1 addressed over 2 months" in svg and "Nov 2026: 2 raised" in svg
    assert repairs.by_month([], ZoneInfo("UTC")) == []
