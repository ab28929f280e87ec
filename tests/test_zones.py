"""Time zones people can find: by city, country or clock, with friendly names and offsets, and
"Times are shown in Berlin time" rather than a raw IANA name."""

from datetime import UTC, datetime

from journal.zones import all_zones, search, zone
from tests.test_web_links import text_of

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)


def test_found_by_city_country_or_clock():
    assert [z.name for z in search("berlin")] == ["Europe/Berlin"]
    assert search("india")[0].name == "Asia/Kolkata"  # the country named exactly comes first
    assert search("zurich")[0].place == "Zurich, Switzerland"
    assert "America/Los_Angeles" in [z.name for z in search("pacific")]
    assert search("  ") == [] and search("no such place anywhere") == []
    assert len(search("a", limit=5)) == 5


def test_each_place_once_and_offsets_that_follow_the_season():
    places = [z.place for z in all_zones()]
    assert len(places) == len(set(places)) and "UTC" in places
    berlin = zone("Europe/Berlin")
    assert (berlin.offset(WINTER), berlin.offset(SUMMER)) == ("UTC+01:00", "UTC+02:00")
    assert zone("Asia/Kolkata").offset(WINTER) == "UTC+05:30"
    assert zone("America/St_Johns").offset(WINTER) == "UTC-03:30"
    assert zone("US/Pacific").city == "Los Angeles"  # an old name still reads as its place


def test_the_account_page_says_the_city_and_is_light(api_as):
    api = api_as("client")
    page = text_of(api.client.get("/account"))
    assert "Times are shown in UTC time" in page
    assert page.count("<option") == 0 and "Choose another time zone" in page
    assert "data-device-zone=" in page  # the device's zone, offered by timezone.js


def test_find_and_choose_a_zone(api_as):
    api = api_as("client")
    found = text_of(api.client.get("/account/time-zone?q=Berlin"))
    assert "Berlin, Germany" in found and 'value="Europe/Berlin"' in found and "UTC+0" in found
    chosen = api.form("/account/time-zone", {"time_zone": "Europe/Berlin"}, follow_redirects=True)
    text = text_of(chosen)
    assert "Times now show in Berlin time." in text and "Times are shown in Berlin time" in text
    nothing = text_of(api.client.get("/account/time-zone?q=Atlantis"))
    assert "Nothing matches" in nothing
    bad = api.form("/account/time-zone", {"time_zone": "Mars/Olympus"})
    assert bad.status_code == 422


def test_the_hint_beside_times_names_the_city(api_as):
    api = api_as("client")
    api.patch("/api/v1/me", {"time_zone": "America/New_York"})
    page = text_of(api.client.get("/account/time-zone"))
    assert "Times are shown in New York time now" in page
