"""The access log, grouped: one line per reader, thing read and day, with a count and the last
time; what was seen said exactly (a passage, not the entry); every event still kept."""

from datetime import timedelta

from sqlalchemy import func, select

from journal.extensions import db
from journal.models import AuditEvent
from tests.helpers import assert_error
from tests.test_api_access_log import API, LOG, pair, read, shared

__all__ = ["pair"]  # the fixture, imported for this module's tests


def age_all(app, days):
    with app.app_context():
        for event in db.session.scalars(select(AuditEvent)):
            event.at -= timedelta(days=days)
        db.session.commit()


def test_many_reads_make_one_line_per_day(app, pair, make_entry):
    entry = shared(pair, make_entry)
    for _ in range(3):
        read(pair, entry.id)
    age_all(app, 1)
    read(pair, entry.id)
    page = pair.get(f"{LOG}?grouped=true").get_json()
    assert page["next_cursor"] is None
    [today, yesterday] = page["items"]
    assert set(today) == {"day", "action", "actor", "entry_id", "count", "first_at", "last_at"}
    assert (today["count"], yesterday["count"]) == (1, 3)
    assert today["day"] > yesterday["day"] and today["action"] == "read_entry"
    assert yesterday["first_at"] <= yesterday["last_at"]
    assert len(pair.get(LOG).get_json()["items"]) == 4  # every event is still there


def test_a_passage_read_is_said_as_a_passage(app, pair, make_entry):
    entry = make_entry(pair.user, "Mine alone. I want to go slower.", title="After Tuesday")
    url = f"{API}/entries/{entry.id}/shares/{pair.therapist.user.id}"
    assert pair.put(url, {"passage": "I want to go slower."}).status_code == 201
    read(pair, entry.id)
    [line] = pair.get(f"{LOG}?grouped=true").get_json()["items"]
    assert line["action"] == "read_passage"
    page = pair.client.get("/access-log?view=grouped").get_data(as_text=True)
    assert "read the passage you shared from" in page and "After Tuesday" in page


def test_pages_end_with_a_whole_day(app, pair, make_entry):
    entries = [shared(pair, make_entry, f"Words {n}") for n in range(3)]
    for entry in entries:
        read(pair, entry.id)
        read(pair, entry.id)
    age_all(app, 2)
    read(pair, entries[0].id)
    first = pair.get(f"{LOG}?grouped=true&limit=1").get_json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = pair.get(f"{LOG}?grouped=true&limit=1&cursor={first['next_cursor']}").get_json()
    assert len(second["items"]) == 3 and second["next_cursor"] is None  # a whole day, never split
    assert all(line["count"] == 2 for line in second["items"])


def test_the_page_groups_and_the_old_list_stays(app, pair, make_entry):
    entry = shared(pair, make_entry)
    for _ in range(4):
        read(pair, entry.id)
    page = pair.client.get("/access-log").get_data(as_text=True)
    assert "4 times" in page and "last at" in page
    assert page.count('class="plain access-line"') == 1
    every = pair.client.get("/access-log?view=every").get_data(as_text=True)
    assert every.count('class="plain access-line"') == 4
    with app.app_context():
        assert (
            db.session.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action == "read_entry")
            )
            == 4
        )


def test_bad_arguments(pair):
    assert_error(pair.get(f"{LOG}?grouped=maybe"), 422, "validation_failed", {"grouped"})
    assert_error(pair.get(f"{LOG}?grouped=true&cursor=nope"), 422, "validation_failed", {"cursor"})
    assert pair.client.get("/access-log?view=grouped&cursor=nope").status_code == 422


def test_therapists_cannot_see_it(pair):
    assert_error(pair.therapist.get(f"{LOG}?grouped=true"), 403, "wrong_role")
