"""Recovery codes for two-step sign-in: ten, shown once, each good once in place of the app's
code (at sign-in and at a password reset), a notice by mail each time one is used."""

import re

from sqlalchemy import select

from journal.extensions import db
from journal.models import RecoveryCode, User
from journal.services import twofactor
from tests.conftest import PASSWORD, Api
from tests.helpers import age_password, assert_error
from tests.mailbox import body_of, mailbox, smtp_server, token_in
from tests.test_ratelimits import ip

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's tests

CODES = "/api/v1/me/two-factor/recovery-codes"
CODE = re.compile(r"^[a-z2-9]{5}-[a-z2-9]{5}$")


def codes_for(api_as, user) -> list[str]:
    response = api_as(user).post(CODES)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["codes"]


def test_ten_codes_shown_once_and_stored_as_hashes(app, make_user, api_as):
    user = make_user("therapist")
    codes = codes_for(api_as, user)
    assert len(set(codes)) == 10 and all(CODE.match(c) for c in codes)
    with app.app_context():
        stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)


def test_a_code_signs_in_once_and_mails_a_notice(app, make_user, api_as, mailbox):
    user = make_user("therapist")
    first = codes_for(api_as, user)[0]
    body = {"email": user.email, "password": PASSWORD, "recovery_code": first.upper()}
    api = Api(app.test_client())
    assert api.post("/api/v1/auth/login", body, environ_base=ip(700)).status_code == 200
    again = Api(app.test_client()).post("/api/v1/auth/login", body, environ_base=ip(701))
    assert_error(again, 401, "totp_invalid")
    [notice] = mailbox("recovery code was used")
    assert "recovery code was used" in notice["Subject"] and "9 unused codes" in body_of(notice)
    assert "If this wasn't you" in body_of(notice)


def test_a_new_set_replaces_the_old(app, make_user, api_as):
    user = make_user("therapist")
    old = codes_for(api_as, user)
    codes_for(api_as, user)
    body = {"email": user.email, "password": PASSWORD, "recovery_code": old[0]}
    response = Api(app.test_client()).post("/api/v1/auth/login", body, environ_base=ip(710))
    assert_error(response, 401, "totp_invalid")


def test_making_codes_needs_a_recent_password_and_two_step_on(app, make_user, api_as):
    therapist = make_user("therapist")
    api = api_as(therapist)
    age_password(app, therapist)
    assert_error(api.post(CODES), 403, "reauth_required")
    assert_error(api_as("client").post(CODES), 409, "two_factor_off")


def test_a_reset_with_a_recovery_code(app, make_user, api_as, mailbox):
    user = make_user("therapist")
    code = codes_for(api_as, user)[3]
    anonymous = Api(app.test_client())
    anonymous.post("/api/v1/auth/password-reset", {"email": user.email}, environ_base=ip(720))
    token = token_in(mailbox("new password")[0])
    body = {"token": token, "new_password": "a fresh long sentence", "recovery_code": "wrong-codes"}
    assert_error(anonymous.put("/api/v1/auth/password-reset", body), 401, "totp_invalid")
    body["recovery_code"] = code
    assert anonymous.put("/api/v1/auth/password-reset", body).status_code == 204


def test_turning_two_step_off_or_an_operator_reset_forgets_the_codes(app, make_user, api_as):
    user = make_user("therapist")
    codes_for(api_as, user)
    with app.app_context():
        twofactor.reset(db.session.get(User, user.id))
        assert db.session.scalars(select(RecoveryCode)).all() == []


def test_the_code_page_takes_a_recovery_code(app, make_user, api_as):
    user = make_user("therapist")
    codes = codes_for(api_as, user)
    browser = Api(app.test_client())
    credentials = {"email": user.email, "password": PASSWORD}
    signed = browser.form("/login", credentials, environ_base=ip(730))
    assert signed.location.startswith("/login/code")
    page = browser.client.get("/login/code").get_data(as_text=True)
    assert "Lost your phone? Use a recovery code" in page
    wrong = browser.form("/login/code", {"recovery_code": "aaaaa-bbbbb"}, environ_base=ip(730))
    assert wrong.status_code == 401 and "isn&#39;t right" in wrong.get_data(as_text=True)
    right = browser.form("/login/code", {"recovery_code": codes[1]}, environ_base=ip(730))
    assert right.status_code == 302 and browser.get("/api/v1/me").status_code == 200


def test_the_two_step_page_makes_a_new_set(app, make_user, api_as):
    user = make_user("therapist")
    api = api_as(user)
    codes_for(api_as, user)
    page = api.client.get("/account/two-factor").get_data(as_text=True)
    assert "<strong>10</strong> unused" in page and "Make a new set" in page
    fresh = api.form("/account/two-factor/recovery-codes")
    assert fresh.status_code == 200
    assert "The old codes no longer work." in fresh.get_data(as_text=True)
    age_password(app, user)
    asked = api.form("/account/two-factor/recovery-codes", {"password": "wrong password!"})
    assert asked.status_code == 422
