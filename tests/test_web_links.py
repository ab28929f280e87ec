"""Client pages for linking: join with a code (and its preview), your therapists, ending a link.

The helpers at the top (link_up, schedule, share) are shared with the other sharing page tests.
"""

import html
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select, update

from journal.extensions import db
from journal.models import Invite, Link, User, utcnow
from journal.services import appointments, links, reading, sharing


def _user(user):
    return db.session.get(User, user.id)


def invite_code(app, therapist) -> str:
    """A fresh invite code of a therapist."""
    with app.app_context():
        return links.create_invite(_user(therapist))[1]


def link_up(app, client, therapist) -> str:
    """Link a client with a therapist through an invite; return the link id."""
    code = invite_code(app, therapist)
    with app.app_context():
        return links.redeem(_user(client), code).id


def schedule(app, user, link_id, starts_in=timedelta(days=2), minutes=50) -> str:
    """Put a session on a link's calendar; return its id."""
    with app.app_context():
        starts = (utcnow() + starts_in).replace(second=0, microsecond=0)
        return appointments.schedule(_user(user), link_id, starts, minutes).id


def share(app, client, entry_id, therapist, **options) -> None:
    """Share an entry through the service."""
    with app.app_context():
        sharing.share(_user(client), entry_id, therapist.id, **options)


def read(app, therapist, client, entry_id) -> None:
    """The therapist opens a shared entry."""
    with app.app_context():
        reading.read(_user(therapist), client.id, entry_id)


def text_of(response) -> str:
    """The page's text with entities read back (so "You're" matches "You&#39;re")."""
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def pair(app, api_as, make_user):
    """A signed-in client and a signed-in therapist ("Dr Lee"), linked."""
    therapist = api_as(make_user("therapist", name="Dr Lee"))
    client = api_as(make_user("client", name="Sam"))
    return SimpleNamespace(
        client=client, therapist=therapist, link_id=link_up(app, client.user, therapist.user)
    )


@pytest.fixture
def me(api_as):
    return api_as("client")


@pytest.fixture
def dr_lee(make_user):
    return make_user("therapist", name="Dr Lee")


CODE = re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$")


def test_join_page_asks_for_the_code(me):
    response = me.client.get("/join")
    assert response.status_code == 200
    assert '<label for="code">Invite code</label>' in text_of(response)
    assert 'method="get" action="/join"' in text_of(response)


def test_a_typed_code_goes_on_to_the_preview_grouped_for_reading(me):
    response = me.client.get("/join", query_string={"code": " abcd efgh jkmn "})
    assert response.status_code == 302
    assert response.headers["Location"] == "/join/ABCD-EFGH-JKMN"


@pytest.mark.parametrize("typed", ["", "   ", "x" * 41, "--- !!"])
def test_join_with_nothing_usable_is_422_keeping_what_was_typed(me, typed):
    response = me.client.get("/join", query_string={"code": typed})
    assert response.status_code == 422
    text = text_of(response)
    assert "Type the code your therapist gave you." in text and 'aria-invalid="true"' in text
    assert f'value="{typed}"' in text


def test_preview_names_the_therapist_and_explains_linking(app, me, dr_lee):
    code = invite_code(app, dr_lee)
    response = me.client.get(f"/join/{code.lower().replace('-', '')}")
    text = text_of(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Link with Dr Lee?" in text and f"Invite code {code}" in text
    assert "only the entries you choose to share" in text
    assert "You can see when they read them." in text
    assert "not even their titles or how many" in text
    assert "Nobody watches the app in real time" in text
    assert "either of you can end the link at any time" in text
    assert "Link with Dr Lee</button>" in text
    assert f'action="/join/{code}"' in text
    with app.app_context():  # looking is not joining
        assert db.session.scalar(select(Link)) is None


def test_redeeming_links_and_lands_on_your_therapists(app, me, dr_lee):
    code = invite_code(app, dr_lee)
    response = me.form(f"/join/{code}")
    assert response.status_code == 302 and response.headers["Location"] == "/links"
    page = me.client.get("/links")
    text = text_of(page)
    assert "You're linked with Dr Lee. Nothing is shared until you choose." in text
    assert "<h2>Dr Lee</h2>" in text and "No session date yet." in text
    with app.app_context():
        link = db.session.scalar(select(Link))
        assert (link.client_id, link.therapist_id, link.status) == (me.user.id, dr_lee.id, "active")


def _used(app, code, client):
    with app.app_context():
        links.redeem(_user(client), code)


def _expired(app, code, client):
    with app.app_context():
        db.session.execute(update(Invite).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


def _cancelled(app, code, client):
    with app.app_context():
        invite = db.session.scalar(select(Invite))
        links.cancel_invite(db.session.get(User, invite.therapist_id), invite.id)


@pytest.mark.parametrize("spoil", [_used, _expired, _cancelled])
def test_a_spent_code_is_422_on_preview_and_on_redeem(app, me, make_user, dr_lee, spoil):
    code = invite_code(app, dr_lee)
    spoil(app, code, make_user("client"))
    for response in (me.client.get(f"/join/{code}"), me.form(f"/join/{code}")):
        text = text_of(response)
        assert response.status_code == 422
        assert "That code doesn't work" in text and f'value="{code}"' in text
        assert "Dr Lee" not in text
    with app.app_context():
        assert db.session.scalar(select(Link).where(Link.client_id == me.user.id)) is None


def test_an_unknown_code_is_422(me):
    response = me.form("/join/ABCD-EFGH-JKMN")
    assert response.status_code == 422 and "That code doesn't work" in text_of(response)


def test_already_linked_preview_says_so_and_redeem_is_422(app, me, dr_lee):
    link_up(app, me.user, dr_lee)
    code = invite_code(app, dr_lee)
    text = text_of(me.client.get(f"/join/{code}"))
    assert (
        "You're already linked with Dr Lee." in text and "</button>" not in text.split("<main")[1]
    )
    response = me.form(f"/join/{code}")
    assert response.status_code == 422
    assert "You're already linked with this therapist." in text_of(response)


def test_signed_out_visitors_are_sent_to_sign_in_and_back(app, api, dr_lee):
    code = invite_code(app, dr_lee)
    for path in ("/join", "/links"):
        response = api.client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/login?next={path}"
    assert api.form(f"/join/{code}").status_code == 302
    # The invite link itself welcomes them, naming the therapist, with both ways back here.
    welcome = api.client.get(f"/join/{code}")
    text = text_of(welcome)
    assert welcome.status_code == 200 and "Dr Lee invited you to Alliance Journal" in text
    back = f"next=/join/{code}"
    assert f"/register?{back}" in text and f"/login?{back}" in text
    assert text.index("Create an account") < text.index("I already have an account")


def test_therapists_get_403(app, api_as, dr_lee):
    therapist = api_as(dr_lee)
    code = invite_code(app, dr_lee)
    for path in ("/join", f"/join/{code}", "/links"):
        assert therapist.client.get(path).status_code == 403
    assert therapist.form(f"/join/{code}").status_code == 403


def test_redeem_without_csrf_is_400(app, me, dr_lee):
    code = invite_code(app, dr_lee)
    response = me.client.post(f"/join/{code}")
    assert response.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(Link)) is None


def test_redeeming_is_rate_limited_per_account(app, api_as, dr_lee):
    me = api_as("client")
    for n in range(10):
        assert me.form(f"/join/WRONG-CODE-{n:04d}").status_code == 422
    code = invite_code(app, dr_lee)
    response = me.form(f"/join/{code}")
    assert response.status_code == 429 and "Too many tries" in text_of(response)
    assert int(response.headers["Retry-After"]) > 0
    # Another account is not held back.
    assert api_as("client").form(f"/join/{code}").status_code == 302


def test_your_therapists_lists_active_links_with_the_next_session(app, pair, make_user):
    session_id = schedule(app, pair.therapist.user, pair.link_id)
    ended = make_user("therapist", name="Dr Gone")
    old = link_up(app, pair.client.user, ended)
    with app.app_context():
        links.end_link(_user(pair.client.user), old)
    text = text_of(pair.client.client.get("/links"))
    assert "<h2>Dr Lee</h2>" in text and "<h2>Dr Gone</h2>" not in text
    assert "<h3>Dr Gone</h3>" in text and "You ended the link" in text  # among past therapists
    assert "Next session: <time" in text
    assert f'href="/prepare/{session_id}">Prepare for it</a>' in text
    assert f'href="/links/{pair.link_id}/sessions"' in text
    assert f'href="/links/{pair.link_id}/end">End link</a>' in text
    assert 'href="/access-log"' in text


def test_your_therapists_empty_state_points_to_join(me):
    text = text_of(me.client.get("/links"))
    assert "No therapist linked yet" in text and 'href="/join">I have a code</a>' in text


def test_clients_see_a_therapists_link_in_the_nav(me, api_as):
    assert '<a href="/links">Therapists</a>' in text_of(me.client.get("/journal"))
    assert "Therapists</a>" not in text_of(api_as("therapist").client.get("/therapist"))


def test_ending_a_link_asks_first_then_ends_it(app, pair, make_entry):
    entry = make_entry(pair.client.user, "Shared words")
    share(app, pair.client.user, entry.id, pair.therapist.user)
    confirm = pair.client.client.get(f"/links/{pair.link_id}/end")
    assert confirm.status_code == 200 and confirm.headers["Cache-Control"] == "no-store"
    assert "End the link with Dr Lee?" in text_of(confirm) and "End link</button>" in text_of(
        confirm
    )
    response = pair.client.form(f"/links/{pair.link_id}/end")
    assert response.status_code == 302 and response.headers["Location"] == "/links"
    text = text_of(pair.client.client.get("/links"))
    assert "The link with Dr Lee has ended." in text and "No therapist linked yet" in text
    client_id = pair.client.user.id
    assert pair.therapist.client.get(f"/therapist/clients/{client_id}").status_code == 404
    path = f"/therapist/clients/{client_id}/entries/{entry.id}"
    assert pair.therapist.client.get(path).status_code == 404
    assert pair.client.client.get(f"/links/{pair.link_id}/end").status_code == 404


def test_someone_elses_link_is_404(app, pair, api_as):
    stranger = api_as("client")
    path = f"/links/{pair.link_id}/end"
    assert stranger.client.get(path).status_code == 404
    assert stranger.form(path).status_code == 404
    with app.app_context():
        assert db.session.get(Link, pair.link_id).status == "active"


def test_ending_a_link_without_csrf_is_400(app, pair):
    assert pair.client.client.post(f"/links/{pair.link_id}/end").status_code == 400
    with app.app_context():
        assert db.session.get(Link, pair.link_id).status == "active"


def test_end_link_is_for_signed_in_clients(app, pair, api):
    path = f"/links/{pair.link_id}/end"
    assert api.client.get(path).headers["Location"].startswith("/login")
    assert pair.therapist.client.get(path).status_code == 403


def test_previews_are_rate_limited_too_so_codes_cannot_be_tried_by_looking(app, me, dr_lee):
    for n in range(10):
        assert me.client.get(f"/join/WRONG-CODE-{n:04d}").status_code == 422
    response = me.client.get(f"/join/{invite_code(app, dr_lee)}")
    assert response.status_code == 429 and "Dr Lee" not in text_of(response)
    assert me.form(f"/join/{invite_code(app, dr_lee)}").status_code == 429  # one shared budget


def test_code_tries_on_pages_and_api_share_one_budget(app, me, dr_lee):
    """Looking up and redeeming codes, by page or API, all count against the same 10 an hour."""
    for n in range(4):
        assert me.client.get(f"/join/WRONG-CODE-{n:04d}").status_code == 422
        assert me.get(f"/api/v1/invites/WRONG-CODE-{n:04d}").status_code == 422
    assert me.form("/join/WRONG-CODE-0009").status_code == 422
    assert me.post("/api/v1/links", {"code": "WRONG-CODE-0010"}).status_code == 422
    code = invite_code(app, dr_lee)
    assert me.post("/api/v1/links", {"code": code}).status_code == 429
    assert me.client.get(f"/join/{code}").status_code == 429


def test_registering_from_a_join_link_comes_back_to_it(app, api, dr_lee):
    """A new client who followed a join link lands back on it after creating an account."""
    code = invite_code(app, dr_lee)
    response = api.form(
        f"/register?next=/join/{code}",
        {
            "email": "new@example.test",
            "password": "a calm river at dawn",
            "display_name": "New",
            "role": "client",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/join/{code}"
