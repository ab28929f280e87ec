"""The first week's smaller fixes: an invite a newcomer can act on, two-step sign-in on the phone
that holds the app, devices named plainly, one "couldn't find that"."""

import re

from flask.sessions import SecureCookieSessionInterface

from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error
from tests.test_devicenames import ANDROID
from tests.test_ratelimits import ip
from tests.test_web_links import dr_lee, invite_code, text_of

__all__ = ["dr_lee"]  # the fixture, imported for this module's tests


def test_an_invited_newcomer_signs_up_and_comes_back_to_link(app, dr_lee):
    code = invite_code(app, dr_lee)
    browser = Api(app.test_client())
    form = {"email": "newcomer@example.test", "password": PASSWORD, "display_name": "Jo"}
    made = browser.form(
        f"/register?next=/join/{code}", {**form, "role": "client"}, environ_base=ip(620)
    )
    assert made.status_code == 302 and made.location == f"/join/{code}"
    page = text_of(browser.client.get(made.location))
    assert "Link with Dr Lee" in page
    browser.token = None  # signing up began a new session, with its own CSRF token
    assert browser.form(f"/join/{code}").status_code == 302


def test_a_bad_invite_link_signed_out(app):
    page = Api(app.test_client()).client.get("/join/AAAA-BBBB-CCCC")
    assert page.status_code == 422 and "That code doesn't work" in text_of(page)


def test_an_invite_note_in_the_api(api_as):
    therapist = api_as("therapist")
    made = therapist.post("/api/v1/invites", {"note": "  for J.  "})
    assert made.status_code == 201 and made.get_json()["note"] == "for J."
    listed = therapist.get("/api/v1/invites").get_json()["items"]
    assert [i["note"] for i in listed] == ["for J."]
    long = therapist.post("/api/v1/invites", {"note": "x" * 41})
    assert_error(long, 422, "validation_failed", {"note"})


def test_two_step_setup_offers_the_phone_link_and_a_copy_button(api_as):
    client = api_as("client")
    page = client.form("/account/two-factor/setup", {"password": PASSWORD}, follow_redirects=True)
    text = text_of(page)
    assert 'href="otpauth://totp/' in text and "Add it to the app on this phone" in text
    assert "data-copy=" in text and "Copy the key" in text


def test_devices_are_named_plainly(app, make_user):
    user = make_user("client")
    browser = Api(app.test_client())
    signed = browser.post(
        "/api/v1/auth/login",
        {"email": user.email, "password": PASSWORD},
        headers={"User-Agent": ANDROID},
    )
    assert signed.status_code == 200
    page = text_of(browser.client.get("/account"))
    assert "Chrome on Android" in page and "Mozilla/5.0" not in page


def test_one_couldnt_find_that(api_as):
    page = text_of(api_as("client").client.get("/journal/not-an-entry"))
    assert page.count("find that") == 1


def test_next_never_leaves_the_site(app, make_user):
    user = make_user("client")
    for target in ("/\\evil.example", "/\\\\evil.example", "//evil.example", "/journal\n"):
        browser = Api(app.test_client())
        form = {"email": user.email, "password": PASSWORD}
        answer = browser.form(f"/login?next={target}", form, environ_base=ip(640))
        assert answer.status_code == 302 and answer.location == "/journal", target


def test_the_invite_code_never_rides_in_the_cookie_in_clear(app, api_as):
    therapist = api_as("therapist")
    made = therapist.form("/therapist/invites")
    carried = therapist.client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value
    session = SecureCookieSessionInterface().get_signing_serializer(app).loads(carried)
    page = text_of(therapist.client.get(made.location))
    code = re.search(r'id="invite-code">([^<]+)<', page)[1]
    assert "sealed" in session["new_invite"]
    assert code not in str(session) and code.replace("-", "") not in str(session)


def test_a_closed_therapist_keeps_their_name_on_links_ended_before(app, make_user):
    from journal.extensions import db
    from journal.models import Link
    from journal.services import accounts, links

    with app.app_context():
        lee = accounts.register("lee-old@example.test", PASSWORD, "Dr Lee", "therapist")
        sam = accounts.register("sam-old@example.test", PASSWORD, "Sam", "client")
        link = links.redeem(sam, links.create_invite(lee)[1])
        links.end_link(sam, link.id)
        db.session.get(Link, link.id).ended_name = None  # as if ended before names were kept
        db.session.commit()
        accounts.delete_account(lee, PASSWORD)
        assert db.session.get(Link, link.id).therapist_name == "Dr Lee"
