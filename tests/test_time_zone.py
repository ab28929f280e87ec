"""Per-user time zones: chosen at sign-up or on the account page; times shown and typed in them."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select, text

from journal.extensions import db
from journal.models import Share, TherapySession, User
from journal.prompts import prompt_of_the_day
from journal.services import accounts, appointments
from journal.web.dates import localtime, zone_name
from tests.conftest import PASSWORD
from tests.helpers import age, assert_error
from tests.test_web_links import _user, pair, text_of

__all__ = ["pair"]  # the fixture, imported for this module's tests

ME = "/api/v1/me"
REGISTER = "/api/v1/auth/register"
NEW = {"email": "zoned@example.test", "password": PASSWORD, "display_name": "Zo", "role": "client"}


def zone_of(app, email: str) -> str:
    with app.app_context():
        return accounts.find_by_email(email).time_zone


def set_zone(api, name: str) -> None:
    """Move a signed-in user to another time zone, through the API."""
    response = api.patch(ME, {"time_zone": name})
    assert response.status_code == 200, response.get_json()


def stored_start(app) -> datetime:
    with app.app_context():
        return db.session.scalar(select(TherapySession.starts_at))


def add_session(app, pair, starts_at: datetime) -> str:
    with app.app_context():
        return appointments.schedule(_user(pair.client.user), pair.link_id, starts_at, 50).id


# --- choosing a zone -------------------------------------------------------------------------


def test_register_with_a_time_zone_over_the_api(app, api):
    response = api.post(REGISTER, {**NEW, "time_zone": "Europe/Berlin"})
    assert response.status_code == 201
    assert response.get_json()["time_zone"] == "Europe/Berlin"
    assert api.get(ME).get_json()["time_zone"] == "Europe/Berlin"
    assert zone_of(app, NEW["email"]) == "Europe/Berlin"


def test_register_without_a_time_zone_means_utc(app, api):
    response = api.post(REGISTER, NEW)
    assert response.status_code == 201 and response.get_json()["time_zone"] == "UTC"
    assert zone_of(app, NEW["email"]) == "UTC"


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "europe/berlin", "x" * 65, None, 5])
def test_register_with_an_unknown_zone_is_422_over_the_api(app, api, zone):
    response = api.post(REGISTER, {**NEW, "time_zone": zone})
    assert_error(response, 422, "validation_failed", ["time_zone"])
    with app.app_context():
        assert accounts.find_by_email(NEW["email"]) is None


def test_register_page_asks_the_browser_for_its_zone_without_inline_script(client):
    page = text_of(client.get("/register"))
    assert '<input type="hidden" name="time_zone" value="" data-time-zone>' in page
    assert '<script type="module" src="/static/js/timezone.js"></script>' in page
    assert "<script>" not in page


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ({"time_zone": "Australia/Sydney"}, "Australia/Sydney"),
        ({"time_zone": "America/Argentina/Buenos_Aires"}, "America/Argentina/Buenos_Aires"),
        ({}, "UTC"),  # no script ran
        ({"time_zone": ""}, "UTC"),
        ({"time_zone": "Etc/Unknown"}, "UTC"),  # what some browsers say when they can't tell
        ({"time_zone": "localtime"}, "UTC"),  # a file in the tz folder, but no place
        ({"time_zone": "Not a zone\x00"}, "UTC"),
    ],
)
def test_register_form_keeps_a_known_zone_and_falls_back_to_utc(app, api, sent, stored):
    form = {**NEW, **sent}
    response = api.form("/register", form)
    assert response.status_code == 302, text_of(response)
    assert zone_of(app, NEW["email"]) == stored


def test_a_bad_register_form_keeps_the_zone_for_the_next_try(api):
    response = api.form("/register", {**NEW, "password": "", "time_zone": "Europe/Berlin"})
    assert response.status_code == 422
    assert 'name="time_zone" value="Europe/Berlin" data-time-zone' in text_of(response)


def test_account_page_names_the_zone_and_leads_to_the_finder(api_as):
    me = api_as("client")
    set_zone(me, "Asia/Kolkata")
    page = text_of(me.client.get("/account"))
    assert "Times are shown in Kolkata time (UTC+05:30)" in page
    assert 'action="/account/time-zone"' in page and 'data-device-zone="Asia/Kolkata"' in page
    assert 'href="/account/time-zone">Choose another time zone</a>' in page


def test_changing_the_zone_on_the_account_page(app, api_as):
    me = api_as("client")
    response = me.form("/account/time-zone", {"time_zone": "Europe/Berlin"})
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert zone_of(app, me.user.email) == "Europe/Berlin"
    page = text_of(me.client.get("/account"))
    assert "Times now show in Berlin time." in page
    assert "Times are shown in Berlin time" in page


@pytest.mark.parametrize("sent", [{"time_zone": "Atlantis/Capital"}, {"time_zone": ""}, {}])
def test_a_bad_zone_on_the_account_page_is_422_and_changes_nothing(app, api_as, sent):
    me = api_as("client")
    set_zone(me, "Europe/Berlin")
    response = me.form("/account/time-zone", sent)
    page = text_of(response)
    assert response.status_code == 422
    assert "Some fields need another look." in page and 'id="time_zone-error">' in page
    assert "Times are shown in Berlin time" in page  # still the saved one
    assert zone_of(app, me.user.email) == "Europe/Berlin"


def test_patch_me_changes_the_zone_and_keeps_the_name(api_as):
    me = api_as("client")
    response = me.patch(ME, {"time_zone": "Pacific/Auckland"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["time_zone"] == "Pacific/Auckland" and body["display_name"] == me.user.display_name
    assert me.get(ME).get_json()["time_zone"] == "Pacific/Auckland"


def test_patch_me_changes_name_and_zone_together(api_as):
    me = api_as("therapist")
    body = me.patch(ME, {"display_name": "Dr Ada", "time_zone": "America/Chicago"}).get_json()
    assert (body["display_name"], body["time_zone"]) == ("Dr Ada", "America/Chicago")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"time_zone": "Moon/Tranquility"}, "time_zone"),
        ({"time_zone": None}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"display_name": "Fine", "time_zone": "GMT+25"}, "time_zone"),
        ({}, "display_name"),
    ],
)
def test_patch_me_refuses_an_unknown_zone(api_as, body, field):
    me = api_as("client")
    before = me.get(ME).get_json()
    assert_error(me.patch(ME, body), 422, "validation_failed", [field])
    assert me.get(ME).get_json() == before


def test_export_includes_the_zone(api_as):
    me = api_as("client")
    set_zone(me, "Africa/Nairobi")
    assert me.get("/api/v1/export").get_json()["account"]["time_zone"] == "Africa/Nairobi"


def test_accounts_made_before_zones_existed_are_utc(app):
    """The migration's server default: a row written without the column gets UTC."""
    with app.app_context():
        db.session.execute(
            text(
                "INSERT INTO users (id, email, password_hash, display_name, role, created_at,"
                " session_generation, key_version, totp_last_step)"
                " VALUES ('old-1', 'old@example.test', 'x', 'Old', 'client', :now, 0, 1, 0)"
            ),
            {"now": datetime(2025, 1, 1)},
        )
        db.session.commit()
        assert db.session.get(User, "old-1").time_zone == "UTC"


def test_the_model_refuses_an_unknown_zone(app):
    with pytest.raises(ValueError, match="unknown time zone"):
        User(time_zone="Nowhere/Special")


# --- showing times ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day", "other_day"),
    [
        ("UTC", "26 Nov 2026", "27 Nov 2026"),
        ("Europe/Berlin", "27 Nov 2026", "26 Nov 2026"),
        ("Australia/Sydney", "27 Nov 2026", "26 Nov 2026"),
        ("America/New_York", "26 Nov 2026", "27 Nov 2026"),
    ],
)
def test_journal_dates_are_the_day_on_the_users_clock(
    app, api_as, make_entry, zone, day, other_day
):
    me = api_as("client")
    set_zone(me, zone)
    entry = make_entry(me.user, "Late at night")
    age(app, [entry.id], start=datetime(2026, 11, 26, 23, 30, tzinfo=UTC))
    for path in (f"/journal/{entry.id}", "/journal"):
        page = text_of(me.client.get(path))
        assert f'<time datetime="2026-11-26T23:30:00Z">{day}</time>' in page
        assert other_day not in page


@pytest.mark.parametrize(("zone", "local_day"), [("UTC", 0), ("Pacific/Auckland", 1)])
def test_the_prompt_of_the_day_turns_at_the_users_midnight(
    app, api_as, monkeypatch, zone, local_day
):
    me = api_as("client")
    set_zone(me, zone)
    # A late evening in UTC after which this user's prompt changes, so the test can tell the days.
    day = next(
        date(2026, 11, 1) + timedelta(days=n)
        for n in range(60)
        if prompt_of_the_day(date(2026, 11, 1) + timedelta(days=n), me.user.id)
        != prompt_of_the_day(date(2026, 11, 2) + timedelta(days=n), me.user.id)
    )
    evening = datetime.combine(day, time(23, 30), tzinfo=UTC)  # already tomorrow in Auckland
    monkeypatch.setattr("journal.web.dates.utcnow", lambda: evening)
    expected = prompt_of_the_day(day + timedelta(days=local_day), me.user.id)
    assert f'href="/journal/new?prompt={expected.id}"' in text_of(me.client.get("/journal"))


def test_therapists_client_page_shows_the_therapists_clock(app, pair):
    set_zone(pair.therapist, "Europe/Berlin")
    add_session(app, pair, datetime(2099, 11, 26, 15, 0, tzinfo=UTC))
    page = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert '<time datetime="2099-11-26T15:00:00Z">Thu 26 Nov 2099, 16:00 CET</time>' in page
    assert 'value="2099-11-26T16:00"' in page  # the "change the date" form, on the same clock
    assert "Times are in Berlin time." in page and "UTC" not in page
    home = text_of(pair.therapist.client.get("/therapist"))
    assert "Next session <time" in home and "Thu 26 Nov 2099, 16:00 CET" in home
    # The client, still in UTC, sees the same moment on their own clock.
    assert "Thu 26 Nov 2099, 15:00 UTC" in text_of(
        pair.client.client.get(f"/links/{pair.link_id}/sessions")
    )


def test_a_zone_without_letters_says_its_offset(app, pair):
    set_zone(pair.client, "America/Sao_Paulo")
    add_session(app, pair, datetime(2099, 6, 11, 15, 0, tzinfo=UTC))
    page = text_of(pair.client.client.get(f"/links/{pair.link_id}/sessions"))
    assert "Thu 11 Jun 2099, 12:00 UTC-03" in page


def test_a_utc_user_is_told_times_are_in_utc(pair):
    page = text_of(pair.client.client.get(f"/links/{pair.link_id}/sessions"))
    assert "Times are in UTC time." in page


# --- typing times ----------------------------------------------------------------------------


def test_a_session_typed_in_berlin_is_stored_in_utc(app, pair):
    set_zone(pair.client, "Europe/Berlin")
    form = {"starts_at": "2099-12-03T16:00", "duration": "50"}
    response = pair.client.form(f"/links/{pair.link_id}/sessions", form)
    assert response.status_code == 302
    assert stored_start(app) == datetime(2099, 12, 3, 15, 0, tzinfo=UTC)
    assert "Thu 3 Dec 2099, 16:00 CET" in text_of(pair.client.client.get(response.location))


def test_a_therapist_moving_a_session_types_on_their_clock(app, pair):
    set_zone(pair.therapist, "Asia/Tokyo")
    session_id = add_session(app, pair, datetime(2099, 5, 1, 9, 0, tzinfo=UTC))
    path = f"/therapist/clients/{pair.client.user.id}/sessions/{session_id}/move"
    response = pair.therapist.form(path, {"starts_at": "2099-05-02T10:00", "duration": "50"})
    assert response.status_code == 302
    assert stored_start(app) == datetime(2099, 5, 2, 1, 0, tzinfo=UTC)


def test_sharing_until_a_time_typed_in_new_york(app, pair, make_entry):
    set_zone(pair.client, "America/New_York")
    entry = make_entry(pair.client.user, "Words")
    assert "Times are in New York time." in text_of(pair.client.client.get(f"/journal/{entry.id}"))
    form = {"therapist_id": pair.therapist.user.id, "keep": "until", "until": "2099-01-02T08:30"}
    assert pair.client.form(f"/journal/{entry.id}/share", form).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Share.expires_at)) == datetime(
            2099, 1, 2, 13, 30, tzinfo=UTC
        )
    page = text_of(pair.client.client.get(f"/journal/{entry.id}"))
    assert "until <time" in page and "Fri 2 Jan 2099, 08:30 EST" in page
    therapist = text_of(pair.therapist.client.get(f"/therapist/clients/{pair.client.user.id}"))
    assert "Fri 2 Jan 2099, 13:30 UTC" in therapist


@pytest.mark.parametrize(
    ("typed", "stored", "shown"),
    [
        # The same 16:00 on the clock is an hour apart in UTC either side of the spring change.
        (
            "2099-03-28T16:00",
            datetime(2099, 3, 28, 15, 0, tzinfo=UTC),
            "Sat 28 Mar 2099, 16:00 CET",
        ),
        (
            "2099-03-29T16:00",
            datetime(2099, 3, 29, 14, 0, tzinfo=UTC),
            "Sun 29 Mar 2099, 16:00 CEST",
        ),
        # 02:30 never happens that night: read with the offset before the change.
        (
            "2099-03-29T02:30",
            datetime(2099, 3, 29, 1, 30, tzinfo=UTC),
            "Sun 29 Mar 2099, 03:30 CEST",
        ),
        # 02:30 happens twice when clocks go back: the first one is meant.
        (
            "2099-10-25T02:30",
            datetime(2099, 10, 25, 0, 30, tzinfo=UTC),
            "Sun 25 Oct 2099, 02:30 CEST",
        ),
        (
            "2099-10-25T16:00",
            datetime(2099, 10, 25, 15, 0, tzinfo=UTC),
            "Sun 25 Oct 2099, 16:00 CET",
        ),
    ],
)
def test_daylight_saving_changes(app, pair, typed, stored, shown):
    set_zone(pair.client, "Europe/Berlin")
    response = pair.client.form(f"/links/{pair.link_id}/sessions", {"starts_at": typed})
    assert response.status_code == 302
    assert stored_start(app) == stored
    assert shown in text_of(pair.client.client.get(response.location))


@pytest.mark.parametrize("typed", ["0001-01-01T00:30", "9999-12-31T23:30"])
def test_a_time_off_the_calendar_in_this_zone_is_422_not_500(app, pair, typed):
    # Tokyo's first clock ran 9h19m ahead of UTC (year 1 would fall in year 0); Niue is UTC-11.
    set_zone(pair.client, "Asia/Tokyo" if typed.startswith("0001") else "Pacific/Niue")
    response = pair.client.form(f"/links/{pair.link_id}/sessions", {"starts_at": typed})
    assert response.status_code == 422
    assert 'id="starts_at-error">Choose a date and a time.' in text_of(response)


def test_an_api_time_still_needs_its_offset(pair):
    url = f"/api/v1/links/{pair.link_id}/sessions"
    set_zone(pair.client, "Europe/Berlin")
    assert_error(
        pair.client.post(url, {"starts_at": "2099-12-03T16:00"}),
        422,
        "validation_failed",
        ["starts_at"],
    )
    made = pair.client.post(url, {"starts_at": "2099-12-03T16:00+01:00"})
    assert made.status_code == 201 and made.get_json()["starts_at"] == "2099-12-03T15:00:00.000Z"


def test_without_a_signed_in_user_times_are_utc(app):
    with app.test_request_context("/"):
        assert zone_name() == "UTC"
        assert localtime(datetime(2026, 11, 26, 23, 30, tzinfo=UTC)) == "26 Nov 2026"


def test_the_last_moment_of_the_calendar_shows_in_utc_not_a_500(app, monkeypatch):
    monkeypatch.setattr("journal.web.dates.zone_name", lambda: "Asia/Tokyo")
    edge = datetime(9999, 12, 31, 23, 0, tzinfo=UTC)
    assert localtime(edge, "%-d %b %Y, %H:%M %Z") == "31 Dec 9999, 23:00 UTC"
