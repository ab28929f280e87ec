"""Security notices by mail, through the real local SMTP server: each says what happened and what
to do if it wasn't you, and none holds journal words."""

from journal.extensions import db
from journal.models import User
from journal.services import twofactor
from tests.conftest import PASSWORD, Api
from tests.helpers import totp_code
from tests.mailbox import body_of, mailbox, smtp_server
from tests.test_ratelimits import ip

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's tests

CANARY = "canary-dipper-1207 the words I wrote"
UA = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"


def test_a_sign_in_from_a_new_browser_is_told_once(app, make_user, mailbox):
    user = make_user("client")
    phone = Api(app.test_client())
    headers = {"User-Agent": UA}
    assert phone.login(user.email).status_code == 200
    phone.post("/api/v1/auth/logout")
    again = phone.post(
        "/api/v1/auth/login", {"email": user.email, "password": PASSWORD}, headers=headers
    )
    assert again.status_code == 200
    [notice] = mailbox("New sign-in")
    assert notice["To"] == user.email and "If this wasn't you" in body_of(notice)
    other = Api(app.test_client())
    other.post("/api/v1/auth/login", {"email": user.email, "password": PASSWORD}, headers=headers)
    [_, second] = mailbox("New sign-in")
    assert "Chrome on Android" in body_of(second)


def test_registering_is_no_new_sign_in(app, mailbox):
    api = Api(app.test_client())
    body = {"email": "new@example.test", "password": PASSWORD, "display_name": "N"}
    body["role"] = "client"
    assert api.post("/api/v1/auth/register", body, environ_base=ip(800)).status_code == 201
    assert mailbox("New sign-in") == []
    assert len(mailbox("confirm your address")) == 1


def test_a_password_change_is_told(app, make_user, api_as, mailbox):
    user = make_user("client")
    api = api_as(user)
    body = {"current_password": PASSWORD, "new_password": "another quiet river"}
    assert api.put("/api/v1/me/password", body).status_code == 204
    [notice] = mailbox("password was changed")
    assert "every device was signed out" in body_of(notice)


def test_two_step_on_off_and_reset_are_told(app, make_user, api_as, mailbox):
    user = make_user("client")
    api = api_as(user)
    api.post("/api/v1/me/two-factor")
    with app.app_context():
        secret = twofactor.pending_secret(db.session.get(User, user.id))
    user.totp_secret = secret
    assert api.put("/api/v1/me/two-factor", {"code": totp_code(app, user)}).status_code == 204
    off = {"password": PASSWORD, "code": totp_code(app, user)}
    assert api.delete("/api/v1/me/two-factor", off).status_code == 204
    therapist = make_user("therapist")
    with app.app_context():
        twofactor.reset(db.session.get(User, therapist.id))
    subjects = mailbox("Two-step sign-in changed")
    bodies = [body_of(m) for m in subjects]
    assert any("turned on" in b for b in bodies) and any("turned off" in b for b in bodies)
    assert any("reset for your account" in b for b in bodies)


def test_a_deleted_account_gets_a_last_word(app, make_user, api_as, mailbox):
    user = make_user("client")
    api = api_as(user)
    api.post("/api/v1/entries", {"body": CANARY})
    assert api.delete("/api/v1/me", {"password": PASSWORD}).status_code == 204
    [notice] = mailbox("was deleted")
    assert notice["To"] == user.email and "key that could open it was destroyed" in body_of(notice)
    assert all(CANARY not in body_of(m) for m in mailbox())
