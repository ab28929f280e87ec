"""Confirming an address and moving to another, through a real local SMTP server: the link on
registering, the banner until it is confirmed, a change that needs the password, a confirmation
at the new address and a notice to the old; every way a link stops working."""

import re
from datetime import timedelta

from sqlalchemy import select, update

from journal.extensions import db
from journal.models import AccountToken, User, utcnow
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error
from tests.mailbox import body_of, mailbox, smtp_server
from tests.test_ratelimits import ip

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's tests

CONFIRM = "/api/v1/auth/email-confirmation"
RESEND = "/api/v1/me/email-confirmation"
CHANGE = "/api/v1/me/email"
LINK = re.compile(r"https?://\S+/confirm-email/(\S+)")
BANNER = "Please confirm your email address"


def token_of(message) -> str:
    return LINK.search(body_of(message)).group(1)


def register(app, email="new@example.test", n=0):
    api = Api(app.test_client())
    body = {"email": email, "password": PASSWORD, "display_name": "Nia", "role": "client"}
    assert api.post("/api/v1/auth/register", body, environ_base=ip(900 + n)).status_code == 201
    return api


def confirmed(app, email) -> bool:
    with app.app_context():
        return db.session.scalar(select(User).where(User.email == email)).email_confirmed


def test_a_new_account_works_at_once_and_confirms_by_link(app, mailbox):
    api = register(app)
    me = api.get("/api/v1/me").get_json()
    assert me["email_confirmed"] is False and me["pending_email"] is None
    assert api.post("/api/v1/entries", {"body": "First words"}).status_code == 201
    [message] = mailbox("confirm your address")
    assert message["To"] == "new@example.test" and "48 hours" in body_of(message)
    token = token_of(message)
    with app.app_context():
        assert db.session.scalar(select(AccountToken.token_hash)) != token  # only its hash
    anyone = Api(app.test_client())  # the link may open on another device, signed out
    assert anyone.put(CONFIRM, {"token": token}).status_code == 204
    assert api.get("/api/v1/me").get_json()["email_confirmed"] is True
    assert_error(anyone.put(CONFIRM, {"token": token}), 422, "invalid_token")  # works once
    assert_error(api.post(RESEND), 409, "already_confirmed")


def test_a_new_link_replaces_the_old_one(app, mailbox):
    api = register(app)
    response = api.post(RESEND)
    assert response.status_code == 202 and "48 hours" in response.get_json()["message"]
    first, second = mailbox("confirm your address")
    assert_error(api.put(CONFIRM, {"token": token_of(first)}), 422, "invalid_token")
    assert api.put(CONFIRM, {"token": token_of(second)}).status_code == 204


def test_an_expired_or_made_up_link(app, mailbox):
    api = register(app)
    token = token_of(mailbox("confirm your address")[0])
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_error(api.put(CONFIRM, {"token": token}), 422, "invalid_token")
    assert_error(api.put(CONFIRM, {"token": "made-up"}), 422, "invalid_token")
    assert_error(api.put(CONFIRM, {}), 422, "validation_failed", fields={"token"})
    assert not confirmed(app, "new@example.test")


def test_moving_to_another_address(app, api_as, make_user, mailbox):
    user = make_user("client")
    api = api_as(user)
    old = user.email
    response = api.put(CHANGE, {"email": " Moved@Example.TEST ", "password": PASSWORD})
    assert response.status_code == 202
    assert response.get_json()["pending_email"] == "moved@example.test"
    assert api.get("/api/v1/me").get_json()["pending_email"] == "moved@example.test"
    [asked] = mailbox("change of address was asked")
    assert asked["To"] == old and "moved@example.test" in body_of(asked)
    [link] = mailbox("confirm your new address")
    assert link["To"] == "moved@example.test"
    assert api.get("/api/v1/me").get_json()["email"] == old  # nothing changes until confirmed
    assert Api(app.test_client()).put(CONFIRM, {"token": token_of(link)}).status_code == 204
    me = api.get("/api/v1/me").get_json()  # the session goes on
    assert me["email"] == "moved@example.test" and me["email_confirmed"] is True
    assert me["pending_email"] is None
    [told] = mailbox("uses a new address")
    assert told["To"] == old and "moved@example.test" in body_of(told)
    assert Api(app.test_client()).login("moved@example.test").status_code == 200
    assert Api(app.test_client()).login(old).status_code == 401


def test_a_change_needs_the_password_and_a_free_new_address(app, api_as, make_user, mailbox):
    user = make_user("client")
    other = make_user("therapist")
    api = api_as(user)
    both = api.put(CHANGE, {"email": "not-an-address", "password": ""})
    assert_error(both, 422, "validation_failed", fields={"email", "password"})
    wrong = api.put(CHANGE, {"email": other.email, "password": "not it"})
    assert_error(wrong, 422, "validation_failed", fields={"email", "password"})  # all at once
    same = api.put(CHANGE, {"email": user.email.upper(), "password": PASSWORD})
    assert_error(same, 422, "validation_failed", fields={"email"})
    assert_error(api.put(CHANGE, {}), 422, "validation_failed", fields={"email", "password"})
    assert mailbox("address") == []


def test_a_change_link_dies_with_a_new_request_or_password(app, api_as, make_user, mailbox):
    user = make_user("client")
    api = api_as(user)
    api.put(CHANGE, {"email": "first@example.test", "password": PASSWORD})
    api.put(CHANGE, {"email": "second@example.test", "password": PASSWORD})
    first, second = mailbox("confirm your new address")
    assert_error(api.put(CONFIRM, {"token": token_of(first)}), 422, "invalid_token")
    new_password = "another calm river at dusk"
    changed = api.put(
        "/api/v1/me/password", {"current_password": PASSWORD, "new_password": new_password}
    )
    assert changed.status_code == 204
    assert_error(api.put(CONFIRM, {"token": token_of(second)}), 422, "invalid_token")


def test_a_new_address_taken_meanwhile(app, api_as, make_user, mailbox):
    user = make_user("client")
    api = api_as(user)
    api.put(CHANGE, {"email": "wanted@example.test", "password": PASSWORD})
    token = token_of(mailbox("confirm your new address")[0])
    register(app, "wanted@example.test", n=1)
    assert_error(api.put(CONFIRM, {"token": token}), 409, "email_taken")
    assert api.get("/api/v1/me").get_json()["email"] == user.email


def test_moving_voids_reset_links_sent_to_the_old_address(app, api_as, make_user, mailbox):
    user = make_user("client")
    api = api_as(user)
    Api(app.test_client()).post(
        "/api/v1/auth/password-reset", {"email": user.email}, environ_base=ip(950)
    )
    reset = re.search(r"/reset/(\S+)", body_of(mailbox("new password")[0])).group(1)
    api.put(CHANGE, {"email": "moved@example.test", "password": PASSWORD})
    api.put(CONFIRM, {"token": token_of(mailbox("confirm your new address")[0])})
    used = Api(app.test_client()).put(
        "/api/v1/auth/password-reset", {"token": reset, "new_password": "a new long sentence"}
    )
    assert_error(used, 422, "invalid_token")


def test_mails_are_limited_per_account(app, api_as, make_user, mailbox):
    api = api_as(make_user("client"))
    codes = [api.post(RESEND).status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]
    assert api.put(CHANGE, {"email": "x@example.test", "password": PASSWORD}).status_code == 429


def test_the_banner_and_the_pages(app, mailbox):
    api = register(app)
    home = api.client.get("/journal").get_data(as_text=True)
    assert BANNER in home and "new@example.test" in home
    account = api.client.get("/account").get_data(as_text=True)
    assert BANNER not in account and "not confirmed yet" in account
    assert api.form("/account/email-confirmation").status_code == 302
    token = token_of(mailbox("confirm your address")[-1])
    elsewhere = Api(app.test_client())
    page = elsewhere.client.get(f"/confirm-email/{token}")
    assert page.status_code == 200 and "Yes, confirm it" in page.get_data(as_text=True)
    assert not confirmed(app, "new@example.test")  # opening the link alone confirms nothing
    done = elsewhere.form(f"/confirm-email/{token}")
    assert done.status_code == 302 and done.location.endswith("/login")
    signed_in = api.form(f"/confirm-email/{token}")
    assert signed_in.status_code == 410 and "no longer works" in signed_in.get_data(as_text=True)
    assert BANNER not in api.client.get("/journal").get_data(as_text=True)
    assert "· confirmed" in api.client.get("/account").get_data(as_text=True)
    again = api.form("/account/email-confirmation", follow_redirects=True)
    assert "already confirmed" in again.get_data(as_text=True)


def test_the_change_form(app, api_as, make_user, mailbox):
    user = make_user("therapist")
    api = api_as(user)
    bad = api.form("/account/email", {"email": "nope", "password": "wrong"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Enter an email like" in text and "That password isn&#39;t right." in text
    sent = api.form("/account/email", {"email": "new.home@example.test", "password": PASSWORD})
    assert sent.status_code == 302
    page = api.client.get("/account").get_data(as_text=True)
    assert "Waiting for you to open the link we sent to" in page and "new.home@example.test" in page
    token = token_of(mailbox("confirm your new address")[0])
    landing = api.client.get(f"/confirm-email/{token}").get_data(as_text=True)
    assert "Use this address" in landing and "new.home@example.test" in landing
    done = api.form(f"/confirm-email/{token}")
    assert done.status_code == 302 and done.location.endswith("/therapist")
    with app.app_context():
        assert db.session.get(User, user.id).email == "new.home@example.test"


def test_registering_on_the_page_sends_the_link(app, mailbox):
    browser = Api(app.test_client())
    form = {"email": "page@example.test", "password": PASSWORD, "display_name": "P"}
    response = browser.form("/register", {**form, "role": "client"}, environ_base=ip(990))
    assert response.status_code == 302
    assert [m["To"] for m in mailbox("confirm your address")] == ["page@example.test"]
