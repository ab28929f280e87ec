"""A therapist who leaves does not vanish without a word: the client is told once on the journal
home and lastingly on the Therapists page who ended the link and when, and every past session,
packet and check-in stays reachable."""

from datetime import timedelta

from sqlalchemy import update

from journal.extensions import db
from journal.models import TherapySession, utcnow
from tests.conftest import PASSWORD

API = "/api/v1"
TOLD = "ended the link"
MEANS = "Nothing you shared with them can be read by anyone now"


def linked(app, api_as, make_user):
    """A therapist and a client, linked, with one session that is over and one to come."""
    therapist = api_as(make_user("therapist", name="Dr Lind"))
    client = api_as("client")
    code = therapist.post(f"{API}/invites").get_json()["code"]
    link = client.post(f"{API}/links", {"code": code}).get_json()
    soon = (utcnow() + timedelta(days=3)).replace(microsecond=0).isoformat()
    made = [
        client.post(f"{API}/links/{link['id']}/sessions", {"starts_at": soon}).get_json()["id"]
        for _ in range(2)
    ]
    put = client.put(f"{API}/sessions/{made[0]}/packet", {"agenda": "The pace", "entry_ids": []})
    assert put.status_code == 200
    with app.app_context():
        db.session.execute(
            update(TherapySession)
            .where(TherapySession.id == made[0])
            .values(
                starts_at=utcnow() - timedelta(days=2),
                ends_at=utcnow() - timedelta(days=2, minutes=-50),
            )
        )
        db.session.commit()
    return therapist, client, link, made[0]


def page(api, path):
    response = api.client.get(path)
    return response.status_code, response.get_data(as_text=True)


def test_a_therapist_ending_the_link_is_told_once_and_kept(app, api_as, make_user):
    therapist, client, link, past = linked(app, api_as, make_user)
    client_id = client.get(f"{API}/me").get_json()["id"]
    asked = therapist.client.get(f"/therapist/clients/{client_id}/end")
    assert "will see that you ended it" in asked.get_data(as_text=True)
    ended = therapist.form(f"/therapist/clients/{client_id}/end", follow_redirects=True)
    assert "see that you ended it, and when" in ended.get_data(as_text=True)

    _, home = page(client, "/journal")
    assert f"Dr Lind {TOLD}" in home and MEANS in home
    _, again = page(client, "/journal")
    assert TOLD not in again  # said once on the home

    _, therapists = page(client, "/links")
    assert "Past therapists" in therapists and f"Dr Lind {TOLD}" in therapists
    assert MEANS in therapists and "No therapist linked yet" in therapists
    status, sessions = page(client, f"/links/{link['id']}/sessions")
    assert status == 200 and "look back" in sessions and "Add session" not in sessions
    status, packet = page(client, f"/prepare/{past}")
    assert status == 200 and "The pace" in packet and "Save packet" not in packet
    assert client.form(f"/prepare/{past}", {"agenda": "More"}).status_code == 404
    assert (
        client.form(f"/links/{link['id']}/sessions", {"starts_at": "2999-01-01T10:00"}).status_code
        == 404
    )
    kept = client.get(f"{API}/sessions/{past}/packet")
    assert kept.status_code == 200 and kept.get_json()["agenda"] == "The pace"


def test_a_client_ending_it_is_not_told_back(app, api_as, make_user):
    _, client, link, _ = linked(app, api_as, make_user)
    client.form(f"/links/{link['id']}/end")
    _, home = page(client, "/journal")
    assert TOLD not in home
    _, therapists = page(client, "/links")
    assert "You ended the link" in therapists and "Past therapists" in therapists


def test_a_therapist_who_closes_their_account(app, api_as, make_user):
    therapist, client, _, past = linked(app, api_as, make_user)
    therapist.form("/account/delete", {"password": PASSWORD})
    _, home = page(client, "/journal")
    assert "closed their account" in home and MEANS in home
    _, therapists = page(client, "/links")
    assert "closed their account" in therapists
    assert page(client, f"/prepare/{past}")[0] == 200


def test_no_one_else_reaches_a_past_link(app, api_as, make_user):
    therapist, client, link, past = linked(app, api_as, make_user)
    client.form(f"/links/{link['id']}/end")
    stranger = api_as("client")
    assert page(stranger, f"/links/{link['id']}/sessions")[0] == 404
    assert page(stranger, f"/prepare/{past}")[0] == 404
    assert stranger.get(f"{API}/sessions/{past}/packet").status_code == 404
    assert page(therapist, f"/prepare/{past}")[0] == 403  # a client's page
    assert therapist.get(f"{API}/sessions/{past}/packet").status_code == 404  # link ended
