"""Forgot password, through a real local SMTP server: the link, the reset, the notice, and every
way a link stops working; the outbox that keeps mail it could not send."""

import time
from datetime import timedelta

from sqlalchemy import func, select, update

from journal.extensions import db
from journal.models import AccountToken, OutgoingMail, User, utcnow
from journal.services import mail
from tests.conftest import PASSWORD, Api
from tests.helpers import assert_error, totp_code
from tests.mailbox import body_of, mailbox, smtp_server, token_in
from tests.test_ratelimits import assert_rate_limited, ip

__all__ = ["mailbox", "smtp_server"]  # the fixtures, imported for this module's tests

RESET = "/api/v1/auth/password-reset"
NEW = "a brand new quiet sentence"


def ask(api, email, n=0):
    return api.post(RESET, {"email": email}, environ_base=ip(n))


def test_a_reset_link_arrives_and_sets_a_new_password(app, make_user, api_as, mailbox):
    user = make_user("client")
    signed_in = api_as(user)
    anonymous = Api(app.test_client())
    response = ask(anonymous, user.email.upper())
    assert response.status_code == 202 and "on its way" in response.get_json()["message"]
    [message] = mailbox("new password")
    assert message["To"] == user.email and "new password" in message["Subject"]
    token = token_in(message)
    assert "30 minutes" in body_of(message) and "If this wasn't you" in body_of(message)
    with app.app_context():
        assert db.session.scalar(select(AccountToken.token_hash)) != token  # only its hash
    assert anonymous.put(RESET, {"token": token, "new_password": NEW}).status_code == 204
    assert signed_in.get("/api/v1/me").status_code == 401  # every session ended
    assert Api(app.test_client()).login(user.email).status_code == 401
    assert Api(app.test_client()).login(user.email, NEW).status_code == 200
    notice = mailbox("password was changed")[-1]
    assert "password was changed" in notice["Subject"] and "If this wasn't you" in body_of(notice)


def test_an_unknown_address_gets_the_same_answer_and_no_mail(app, make_user, mailbox):
    api = Api(app.test_client())
    response = ask(api, "nobody@example.test")
    known = ask(api, make_user("client").email, n=1)
    assert response.status_code == known.status_code == 202
    assert response.get_json() == known.get_json()
    assert len(mailbox("new password")) == 1  # for the known address only


def test_a_link_works_once(app, make_user, mailbox):
    user = make_user("client")
    api = Api(app.test_client())
    ask(api, user.email)
    token = token_in(mailbox("new password")[0])
    assert api.put(RESET, {"token": token, "new_password": NEW}).status_code == 204
    again = api.put(RESET, {"token": token, "new_password": NEW + " again"})
    assert_error(again, 422, "invalid_token")


def test_an_expired_link_and_an_unknown_one(app, make_user, mailbox):
    user = make_user("client")
    api = Api(app.test_client())
    ask(api, user.email)
    token = token_in(mailbox("new password")[0])
    with app.app_context():
        db.session.execute(update(AccountToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_error(api.put(RESET, {"token": token, "new_password": NEW}), 422, "invalid_token")
    assert_error(api.put(RESET, {"token": "made-up", "new_password": NEW}), 422, "invalid_token")


def test_a_link_is_void_once_the_password_changes(app, make_user, api_as, mailbox):
    user = make_user("client")
    api = Api(app.test_client())
    ask(api, user.email)
    token = token_in(mailbox("new password")[0])
    changed = api_as(user).put(
        "/api/v1/me/password", {"current_password": PASSWORD, "new_password": "yet another river"}
    )
    assert changed.status_code == 204
    assert_error(api.put(RESET, {"token": token, "new_password": NEW}), 422, "invalid_token")


def test_two_step_sign_in_still_needs_a_code(app, make_user, mailbox):
    user = make_user("therapist", totp=True)
    api = Api(app.test_client())
    ask(api, user.email)
    token = token_in(mailbox("new password")[0])
    body = {"token": token, "new_password": NEW}
    assert_error(api.put(RESET, body), 401, "totp_required")
    assert_error(api.put(RESET, body | {"totp": "000000"}), 401, "totp_invalid")
    assert api.put(RESET, body | {"totp": totp_code(app, user)}).status_code == 204


def test_bad_input_names_every_problem(app, make_user, mailbox):
    api = Api(app.test_client())
    assert_error(api.post(RESET, {}), 422, "validation_failed", fields=["email"])
    response = api.put(RESET, {"new_password": "short", "totp": "12"})
    assert_error(response, 422, "validation_failed", fields=["token", "new_password", "totp"])


def test_an_address_gets_three_links_an_hour(app, make_user, mailbox):
    user = make_user("client")
    for n in range(3):
        assert ask(Api(app.test_client()), user.email, n=n).status_code == 202
    assert_rate_limited(ask(Api(app.test_client()), user.email, n=9), 3600)
    assert len(mailbox("new password")) == 3


def test_the_pages_from_forgot_to_signed_in(app, make_user, mailbox):
    user = make_user("client")
    browser = Api(app.test_client())
    assert "Forgot your password?" in browser.client.get("/login").get_data(as_text=True)
    assert "Send me a link" in browser.client.get("/forgot").get_data(as_text=True)
    bad = browser.form("/forgot", {"email": ""})
    assert bad.status_code == 422
    sent = browser.form("/forgot", {"email": user.email}, environ_base=ip(30))
    assert "Check your mail" in sent.get_data(as_text=True)
    token = token_in(mailbox("new password")[0])
    page = browser.client.get(f"/reset/{token}").get_data(as_text=True)
    assert "Choose a new password" in page and "authenticator" not in page
    weak = browser.form(f"/reset/{token}", {"new_password": "short"})
    assert weak.status_code == 422 and "Use at least 12 characters" in weak.get_data(as_text=True)
    done = browser.form(f"/reset/{token}", {"new_password": NEW})
    assert done.status_code == 302 and done.location.endswith("/login")
    expired = browser.client.get(f"/reset/{token}")
    assert expired.status_code == 410 and "Ask for a new link" in expired.get_data(as_text=True)
    assert browser.form("/login", {"email": user.email, "password": NEW}).status_code == 302


def test_mail_that_cannot_leave_is_kept_and_tried_again(app, make_user, smtp_server):
    smtp_server.messages.clear()
    mailer = app.extensions["mailer"]
    good = app.config["MAIL_URL"]
    user = make_user("client")
    ask(Api(app.test_client()), user.email)
    mailer.configure("smtp://127.0.0.1:9")  # nothing listens there
    try:
        with app.app_context():
            assert mail.drain() == (0, 1)
            row = db.session.scalar(select(OutgoingMail))
            assert row.attempts == 1 and row.next_try_at > utcnow() and row.body_sealed
            assert mail.drain() == (0, 0)  # not due yet
            row.next_try_at = utcnow()
            db.session.commit()
    finally:
        mailer.configure(good)
    with app.app_context():
        assert mail.drain() == (1, 0)
        row = db.session.scalar(select(OutgoingMail))
        assert row.sent_at and row.body_sealed is None and row.wrapped_key is None
    assert len(smtp_server.messages) == 1


def test_mail_leaves_by_itself_within_seconds(app, make_user, smtp_server, monkeypatch):
    smtp_server.messages.clear()
    monkeypatch.setitem(app.config, "MAIL_SEND_IN_BACKGROUND", True)
    user = make_user("client")
    assert ask(Api(app.test_client()), user.email, n=40).status_code == 202
    for _ in range(50):
        if smtp_server.messages:
            break
        time.sleep(0.1)
    assert [m["To"] for m in smtp_server.messages] == [user.email]


def test_send_mail_command(app, make_user, runner, smtp_server):
    smtp_server.messages.clear()
    user = make_user("client")
    ask(Api(app.test_client()), user.email, n=50)
    result = runner.invoke(args=["send-mail"])
    assert result.exit_code == 0 and "1 sent, 0 kept" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) >= 1


def test_no_mail_holds_journal_words(app, make_user, api_as, mailbox):
    user = make_user("client")
    api = api_as(user)
    api.post("/api/v1/entries", {"body": "canary-ptarmigan-6060 words"})
    ask(Api(app.test_client()), user.email, n=60)
    token = token_in(mailbox("new password")[0])
    Api(app.test_client()).put(RESET, {"token": token, "new_password": NEW})
    assert all("canary-ptarmigan" not in body_of(m) for m in mailbox())
