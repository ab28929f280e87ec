"""What a device keeps, from the pages: the account's choice, and signing out clears our caches."""

from html import unescape

import pytest

from journal.extensions import db
from journal.models import User
from tests.conftest import Api

CLEAR = '"cache"'


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def test_the_account_page_says_what_a_device_keeps(api_as):
    page = text(api_as("client").client.get("/account"))
    assert "What your devices keep" in page and "sealed" in page
    assert "only while you're signed in there" in page and "30 most recent entries" in page
    assert 'name="offline_reading" value="true" checked' in page
    assert "Forget what this device keeps" in page and "js/forget.js" in page


def test_a_therapists_account_page_offers_no_offline_copy(api_as):
    page = text(api_as("therapist").client.get("/account"))
    assert "What your devices keep" in page and "never kept on your devices" in page
    assert "offline_reading" not in page and "forget.js" not in page


def test_a_client_turns_offline_reading_off_and_on(app, api_as):
    api = api_as("client")
    response = api.form("/account/offline-reading", {"offline_reading": "false"})
    assert response.status_code == 302 and response.location.endswith("/account")
    page = text(api.client.get("/account"))
    assert "Your devices will keep nothing but what you're writing." in page
    assert 'value="false" checked' in page and "30 most recent entries" not in page
    assert '<meta name="journal-offline" content="off">' in page
    with app.app_context():
        assert db.session.get(User, api.user.id).offline_reading is False
    api.form("/account/offline-reading", {"offline_reading": "true"})
    assert "will keep your recent entries" in text(api.client.get("/account"))


@pytest.mark.parametrize("data", [{}, {"offline_reading": "perhaps"}])
def test_a_bad_choice_rerenders_with_a_message(api_as, data):
    api = api_as("client")
    response = api.form("/account/offline-reading", data)
    assert response.status_code == 422
    assert "has-error" in text(response) and "What your devices keep" in text(response)


def test_a_therapist_cannot_turn_offline_reading_on(api_as):
    response = api_as("therapist").form("/account/offline-reading", {"offline_reading": "true"})
    assert response.status_code == 422
    assert "A therapist's devices keep no client's words offline." in text(response)


def test_signing_out_tells_the_browser_to_drop_cached_pages(api_as):
    api = api_as("client")
    assert "Clear-Site-Data" not in api.client.get("/journal").headers
    page = text(api.client.get("/logout"))
    assert "data-sign-out" in page and "sealed" in page
    response = api.form("/logout")
    assert response.status_code == 302
    assert response.headers["Clear-Site-Data"] == CLEAR
    assert "stays sealed until you sign in here again" in text(api.client.get("/login"))


def test_the_api_sign_out_clears_cached_pages_too(api_as):
    response = api_as("client").post("/api/v1/auth/logout")
    assert response.status_code == 204 and response.headers["Clear-Site-Data"] == CLEAR


@pytest.mark.parametrize("path", ["/account/devices/end-all", "this-device"])
def test_ending_this_devices_session_from_the_account_page_clears_too(app, api_as, path):
    api = api_as("client")
    if path == "this-device":
        device = api.get("/api/v1/me/devices").get_json()["items"][0]["id"]
        path = f"/account/devices/{device}/end"
    response = api.form(path)
    assert response.status_code == 302 and response.headers["Clear-Site-Data"] == CLEAR
    assert api.client.get("/journal").status_code == 302


def test_ending_another_device_clears_nothing_here(app, api_as):
    api = api_as("client")
    other = Api(app.test_client())
    assert other.login(api.user.email).status_code == 200
    devices = api.get("/api/v1/me/devices").get_json()["items"]
    [elsewhere] = [d["id"] for d in devices if not d["current"]]
    response = api.delete(f"/api/v1/me/devices/{elsewhere}")
    assert response.status_code == 204 and "Clear-Site-Data" not in response.headers
    this_one = next(d["id"] for d in devices if d["current"])
    response = api.delete(f"/api/v1/me/devices/{this_one}")
    assert response.status_code == 204 and response.headers["Clear-Site-Data"] == CLEAR
