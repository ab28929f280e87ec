"""Two-step sign-in in pages: the code step after the password, and the account page."""

from datetime import timedelta
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from journal.extensions import db
from journal.models import User
from journal.services import twofactor
from tests.conftest import PASSWORD, Api
from tests.helpers import age_password
from tests.test_security_headers import assert_no_inline_code
from tests.test_twofactor import Clock, code, trail, wrong_code

CODE_PAGE = "/login/code"


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(twofactor, "utcnow", fake)
    return fake


def path_of(response) -> str:
    return urlsplit(response.headers["Location"]).path


def next_of(response) -> str:
    return parse_qs(urlsplit(response.headers["Location"]).query)["next"][0]


def html(response) -> str:
    return response.get_data(as_text=True)


def password_step(app, user, query="", n=0):
    """Give the right password in the sign-in form; return the browser and its response."""
    browser = Api(app.test_client())
    env = {"REMOTE_ADDR": f"10.2.{n // 250}.{n % 250}"}
    browser.env = env
    data = {"email": user.email, "password": PASSWORD}
    browser.response = browser.form("/login" + query, data, environ_base=env)
    return browser


def code_step(browser, typed, query=""):
    return browser.form(CODE_PAGE + query, {"code": typed}, environ_base=browser.env)


def signed_in(browser) -> bool:
    return browser.client.get("/api/v1/me").status_code == 200


# --- the code step at sign-in ----------------------------------------------------------------


@pytest.mark.parametrize(("role", "home"), [("client", "/journal"), ("therapist", "/therapist")])
def test_sign_in_takes_password_then_code(app, make_user, clock, role, home):
    user = make_user(role, totp=True)
    browser = password_step(app, user)
    assert browser.response.status_code == 302
    assert path_of(browser.response) == CODE_PAGE
    assert not signed_in(browser)
    page = html(browser.client.get(CODE_PAGE))
    assert '<label for="code">Code</label>' in page
    assert 'autocomplete="one-time-code"' in page and 'inputmode="numeric"' in page
    assert '<button type="submit" class="button">Continue</button>' in page
    wrong = code_step(browser, wrong_code(user.totp_secret))
    assert wrong.status_code == 401
    assert 'class="field-error" id="code-error"' in html(wrong)
    assert not signed_in(browser)
    right = code_step(browser, code(user.totp_secret))
    assert right.status_code == 302 and path_of(right) == home
    assert signed_in(browser)
    assert ("totp_failed", "failed") in trail(app, user.id)


def test_a_badly_typed_code_is_a_field_message(app, make_user, clock):
    browser = password_step(app, make_user("client", totp=True))
    response = code_step(browser, "12 34")
    assert response.status_code == 422
    assert 'class="field-error" id="code-error"' in html(response)


def test_next_survives_the_code_step(app, make_user, clock):
    user = make_user("client", totp=True)
    query = "?next=" + quote("/journal/prompts")
    browser = password_step(app, user, query)
    assert path_of(browser.response) == CODE_PAGE
    assert next_of(browser.response) == "/journal/prompts"
    assert path_of(code_step(browser, code(user.totp_secret), query)) == "/journal/prompts"


def test_next_off_site_is_ignored_after_the_code(app, make_user, clock):
    user = make_user("client", totp=True)
    browser = password_step(app, user)
    assert path_of(code_step(browser, code(user.totp_secret), "?next=//evil.example/")) == (
        "/journal"
    )


@pytest.mark.parametrize(
    ("waited", "works"), [(timedelta(minutes=5), True), (timedelta(minutes=5, seconds=1), False)]
)
def test_the_code_must_follow_within_five_minutes(app, make_user, clock, waited, works):
    user = make_user("client", totp=True)
    browser = password_step(app, user, "?next=/journal/new")
    clock.now += waited
    response = code_step(browser, code(user.totp_secret), "?next=/journal/new")
    if works:
        assert path_of(response) == "/journal/new"
        return
    assert response.status_code == 302
    assert path_of(response) == "/login"
    assert next_of(response) == "/journal/new"
    assert "within 5 minutes" in html(browser.client.get("/login"))
    assert not signed_in(browser)


def test_the_code_page_without_a_password_step_goes_to_sign_in(client):
    assert path_of(client.get(CODE_PAGE)) == "/login"


def test_a_tampered_note_is_ignored(app, make_user, clock):
    user = make_user("client", totp=True)
    browser = password_step(app, user)
    for note in ({"user": user.id, "at": "yesterday"}, {"at": clock.now.isoformat()}, "x"):
        with browser.client.session_transaction() as session:
            session["pending_2fa"] = note
        assert path_of(browser.client.get(CODE_PAGE)) == "/login"


def test_wrong_codes_at_the_code_step_are_limited_per_account(app, make_user, clock):
    user = make_user("client", totp=True)
    for n in range(20):
        browser = password_step(app, user, n=n)
        assert code_step(browser, wrong_code(user.totp_secret)).status_code == 401
    browser = password_step(app, user, n=99)
    assert browser.response.status_code == 302  # the right password is not a failure
    response = code_step(browser, code(user.totp_secret))
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 3600
    assert not signed_in(browser)


def test_the_code_step_is_limited_per_address(app, make_user, clock):
    user = make_user("client", totp=True)
    browser = password_step(app, user)
    for _ in range(10):
        assert code_step(browser, "123 45").status_code == 422
    assert code_step(browser, code(user.totp_secret)).status_code == 429


# --- the account page ------------------------------------------------------------------------


def pending_secret(app, user) -> str:
    with app.app_context():
        return twofactor.pending_secret(db.session.get(User, user.id))


def test_client_sets_it_up_and_turns_it_off_in_pages(app, api_as, clock):
    api = api_as("client")
    account = html(api.client.get("/account"))
    assert "Two-step sign-in" in account and 'href="/account/two-factor"' in account
    assert ">Set up</button>" in html(api.client.get("/account/two-factor"))
    assert path_of(api.form("/account/two-factor/setup")) == "/account/two-factor"
    secret = pending_secret(app, api.user)
    page = html(api.client.get("/account/two-factor"))
    assert 'src="data:image/svg+xml' in page
    assert_no_inline_code(page)  # the QR code is an image, not inline SVG or style
    assert 'alt="QR code for adding Alliance Journal to an authenticator app"' in page
    assert " ".join(secret[i : i + 4] for i in range(0, 32, 4)) in page
    assert '<label for="code">Code</label>' in page and ">Turn on</button>" in page

    wrong = api.form("/account/two-factor/confirm", {"code": wrong_code(secret)})
    assert wrong.status_code == 422
    assert 'id="code-error"' in html(wrong) and 'src="data:image/svg+xml' in html(wrong)
    turned_on = api.form("/account/two-factor/confirm", {"code": code(secret)})
    assert turned_on.status_code == 200  # the recovery codes, shown this once
    assert "Two-step sign-in is on." in html(turned_on) and "Your recovery codes" in html(turned_on)
    assert html(turned_on).count("<li><code>") == 10
    page = html(api.client.get("/account/two-factor"))
    assert "<strong>10</strong> unused" in page and ">Turn off</button>" in page
    assert "data:image" not in page and secret not in page

    off = {"password": PASSWORD, "code": wrong_code(secret)}
    assert api.form("/account/two-factor/off", off).status_code == 422
    off["code"] = code(secret, 1)
    assert path_of(api.form("/account/two-factor/off", off)) == "/account/two-factor"
    assert "Two-step sign-in is off." in html(api.client.get("/account/two-factor"))
    assert "Off: your password alone" in html(api.client.get("/account"))


def test_setup_page_asks_for_the_password_when_it_is_not_recent(app, api_as):
    api = api_as("client")
    age_password(app, api.user)
    assert 'id="password"' in html(api.client.get("/account/two-factor"))
    wrong = api.form("/account/two-factor/setup", {"password": "not the password at all"})
    assert wrong.status_code == 422 and 'id="password-error"' in html(wrong)
    assert pending_secret(app, api.user) is None
    assert path_of(api.form("/account/two-factor/setup", {"password": PASSWORD})) == (
        "/account/two-factor"
    )
    assert pending_secret(app, api.user)


def test_therapist_page_says_it_stays_on(api_as):
    api = api_as("therapist")
    page = html(api.client.get("/account/two-factor"))
    assert "Therapists keep it on" in page and "Turn off" not in page
    off = {"password": PASSWORD, "code": code(api.user.totp_secret, 1)}
    response = api.form("/account/two-factor/off", off)
    assert response.status_code == 403
    assert "Therapists keep two-step sign-in on" in html(response)


def test_therapist_without_it_signs_in_and_is_led_to_set_up(app, make_user):
    user = make_user("therapist", totp=False)
    browser = password_step(app, user)
    assert path_of(browser.response) == "/therapist"
    response = browser.client.get("/therapist")
    assert path_of(response) == "/account/two-factor"
    page = html(browser.client.get("/account/two-factor"))
    assert "Therapists hold many clients' words" in page and ">Set up</button>" in page
