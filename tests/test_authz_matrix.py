"""The authorization matrix: actor x route x object state -> status, from tests/data/.

Each row builds a small world (an owner client linked to a therapist, another client linked to
another therapist, an entry of the owner's in the named state, a session, an invite, and two
check-ins of the owner's: {checkin} shared, {private_checkin} kept private), signs
the actor in, sends one request and checks the status. A second test makes sure every route of
the app appears in the matrix at least once.
"""

import csv
import io
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from journal.extensions import db
from journal.models import Share, User, utcnow
from journal.services import (
    accounts,
    appointments,
    calendar,
    checkins,
    entries,
    goals,
    importing,
    links,
    push,
    sharing,
    tasks,
)
from tests.conftest import PASSWORD, Api
from tests.push_receiver import sample_keys

MATRIX = Path(__file__).parent / "data" / "authz_matrix.csv"
ROWS = [
    row for row in csv.reader(MATRIX.read_text().splitlines()) if row and not row[0].startswith("#")
]
SOON = (utcnow() + timedelta(days=30)).replace(microsecond=0).isoformat()
BODIES = {
    ("POST", "/api/v1/entries"): {"body": "New words"},
    ("PATCH", "/api/v1/entries/{entry}"): {"version": 1, "body": "Edited words"},
    ("POST", "/api/v1/links"): {"code": "{code}"},
    ("POST", "/api/v1/links/{link}/sessions"): {"starts_at": SOON, "duration_minutes": 50},
    ("PATCH", "/api/v1/sessions/{session}"): {"starts_at": SOON},
    ("PUT", "/api/v1/sessions/{session}/packet"): {"agenda": "Pace", "entry_ids": []},
    ("POST", "/api/v1/checkins"): {
        "therapist_id": "{therapist}",
        **dict.fromkeys(("bond", "goals", "approach", "overall"), 8),
        "shared": True,
    },
    ("PATCH", "/api/v1/checkins/{checkin}"): {"shared": False},
    ("PATCH", "/api/v1/checkins/{private_checkin}"): {"shared": True},
    ("PATCH", "/api/v1/me"): {"display_name": "Sam"},
    ("PUT", "/api/v1/me/invitation-note"): {"note": "Tell me what isn't working."},
    ("PUT", "/api/v1/clients/{owner}/shared/{entry}/answer"): {"heard": True, "reply": "Thank you"},
    ("PUT", "/api/v1/clients/{owner}/checkins/{checkin}/answer"): {"heard": True},
    ("PUT", "/api/v1/entries/{entry}/repair"): {"status": "partly", "note": "A little"},
    ("POST", "/api/v1/goals"): {"text": "Sleep well", "shared_with": ["{therapist}"]},
    ("PATCH", "/api/v1/goals/{goal}"): {"status": "reached"},
    ("PUT", "/api/v1/goals/suggestions/{suggestion}"): {"action": "accept", "text": "Walk"},
    ("POST", "/api/v1/clients/{owner}/goal-suggestions"): {"text": "Rest"},
    ("POST", "/api/v1/clients/{owner}/tasks"): {"text": "Rest", "due": {"date": "2999-01-01"}},
    ("PUT", "/api/v1/tasks/{task}/status"): {"status": "done"},
    ("POST", "/api/v1/auth/password-reset"): {"email": "{owner_email}"},
    ("PUT", "/api/v1/auth/password-reset"): {"token": "not-a-token", "new_password": "x" * 14},
    ("PUT", "/api/v1/auth/email-confirmation"): {"token": "not-a-token"},
    ("PUT", "/api/v1/me/email"): {"email": "moved@example.test", "password": PASSWORD},
    ("PUT", "/api/v1/sessions/{session}/therapist-view"): dict.fromkeys(
        ("bond", "goals", "approach", "overall"), 7
    ),
    ("PUT", "/api/v1/clients/{owner}/checkins/{private_checkin}/answer"): {"heard": True},
    ("POST", "/api/v1/me/device-key"): {"device": "a-device-of-the-owners-own-making-0123456789"},
    ("POST", "/api/v1/me/device-key/replace"): {"device": "a-device-no-one-unlocked-0123456789"},
    ("DELETE", "/api/v1/me/device-key/previous"): {"device": "a-device-no-one-unlocked-0123456789"},
    ("DELETE", "/api/v1/me"): {"password": PASSWORD},
    ("PATCH", "/api/v1/me/calendar-feed"): {"names": True},
    ("PUT", "/api/v1/me/lock"): {"pin": "4826", "after_minutes": 5},
    ("DELETE", "/api/v1/me/lock"): {"password": PASSWORD},
    ("POST", "/api/v1/me/lock/unlock"): {"pin": "4826"},
    ("POST", "/api/v1/auth/reauth"): {"password": PASSWORD},
    ("PUT", "/api/v1/me/password"): {
        "current_password": PASSWORD,
        "new_password": "another calm river at dusk",
    },
    ("PUT", "/api/v1/me/two-factor"): {"code": "000000"},
    ("DELETE", "/api/v1/me/two-factor"): {"password": PASSWORD, "code": "000000"},
    ("POST", "/api/v1/auth/register"): {
        "email": "new@example.test",
        "password": PASSWORD,
        "display_name": "New",
        "role": "client",
    },
    ("POST", "/api/v1/auth/login"): {"email": "{owner_email}", "password": PASSWORD},
    ("POST", "/api/v1/me/push-subscriptions"): {
        "endpoint": "https://push.example.test/a-new-browser",
        "keys": sample_keys(),
        "kinds": ["new_from_therapist"],
    },
    ("PUT", "/api/v1/me/quiet-hours"): {"from": "22:00", "to": "07:00"},
}
SOON_LOCAL = (utcnow() + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M")
# The routes that take a file (multipart/form-data): a small note, made fresh for each request.
UPLOADS = {("POST", "/api/v1/imports"), ("POST", "/journal/import")}


def _upload() -> dict:
    return {"file": (io.BytesIO(b"# A note\n\nA few words."), "note.md")}


# Page forms that need fields to succeed (the CSRF token is added to every form).
FORMS = {
    ("POST", "/unlock"): {"pin": "4826", "next": "/journal"},
    ("POST", "/account/lock"): {"pin": "4826", "after_minutes": "5"},
    ("POST", "/account/lock/remove"): {"unlock_password": PASSWORD},
    ("POST", "/login"): {"email": "{owner_email}", "password": PASSWORD},
    ("POST", "/register"): {
        "email": "new@example.test",
        "password": PASSWORD,
        "display_name": "New",
        "role": "client",
    },
    ("POST", "/journal/new"): {"body": "New words"},
    ("POST", "/journal/{entry}/edit"): {"version": "1", "body": "Edited", "kind": "reflection"},
    ("POST", "/journal/{entry}/share"): {"therapist_id": "{therapist}"},
    ("POST", "/links/{link}/sessions"): {"starts_at": SOON_LOCAL, "duration": "50"},
    ("POST", "/prepare/{session}"): {"agenda": "The pace"},
    ("POST", "/therapist/clients/{owner}/sessions"): {"starts_at": SOON_LOCAL},
    ("POST", "/therapist/clients/{owner}/sessions/{session}/move"): {"starts_at": SOON_LOCAL},
    ("POST", "/account/profile"): {"display_name": "Sam"},
    ("POST", "/account/time-zone"): {"time_zone": "Europe/Berlin"},
    ("POST", "/account/offline-reading"): {"offline_reading": "true"},
    ("POST", "/account/quiet-hours"): {"quiet_from": "22:00", "quiet_to": "07:00"},
    ("POST", "/therapist/invitation-note"): {"note": "Tell me what isn't working."},
    ("POST", "/account/password"): {
        "current_password": PASSWORD,
        "new_password": "another calm river at dusk",
    },
    ("POST", "/account/export"): {"password": PASSWORD},
    ("POST", "/account/delete"): {"password": PASSWORD},
    ("POST", "/account/two-factor/confirm"): {"code": "000000"},
    ("POST", "/account/two-factor/off"): {"password": PASSWORD, "code": "000000"},
    ("POST", "/feedback/preview"): {"what": "The pace feels rushed."},
    ("POST", "/therapist/clients/{owner}/entries/{entry}/answer"): {"heard": "true"},
    ("POST", "/therapist/clients/{owner}/checkins/{checkin}/answer"): {"heard": "true"},
    ("POST", "/feedback"): {"what": "The pace feels rushed.", "topics": "pace"},
    ("POST", "/journal/{entry}/repair"): {"status": "addressed"},
    ("POST", "/journal/goals"): {"text": "Sleep well", "shared_with": "{therapist}"},
    ("POST", "/journal/goals/{goal}"): {"text": "Rest well", "shared_with": "{therapist}"},
    ("POST", "/journal/goals/{goal}/status"): {"status": "reached"},
    ("POST", "/journal/goals/suggestions/{suggestion}"): {"action": "decline"},
    ("POST", "/therapist/clients/{owner}/goals"): {"text": "Rest"},
    ("POST", "/journal/tasks/{task}/status"): {"status": "done"},
    ("POST", "/forgot"): {"email": "{owner_email}"},
    ("POST", "/account/email"): {"email": "moved@example.test", "password": PASSWORD},
    ("POST", "/reset/{reset_token}"): {"new_password": "a long enough new password"},
    ("POST", "/journal/after/{session}"): {"takeaway": "Slow down"},
    ("POST", "/therapist/clients/{owner}/sessions/{session}/view"): dict.fromkeys(
        ("bond", "goals", "approach", "overall"), "7"
    ),
    ("POST", "/therapist/clients/{owner}/tasks"): {
        "text": "Rest",
        "due": "date",
        "date": "2999-01-01",
    },
    ("POST", "/checkins/{checkin}/sharing"): {"share": "private"},
    ("POST", "/checkins/{private_checkin}/sharing"): {"share": "shared"},
    ("POST", "/checkins/new"): {
        "therapist_id": "{therapist}",
        **dict.fromkeys(("bond", "goals", "approach", "overall"), "7"),
    },
}


def _state(state: str, owner: User, therapist: User, entry_id: str, link_id: str) -> None:
    """Put the owner's entry (and its share and link) into the named state."""
    if state == "private":
        return
    sharing.share(
        owner,
        entry_id,
        therapist.id,
        until=utcnow() + timedelta(hours=1) if state == "expired" else None,
        passage="words" if state == "passage" else None,
    )
    if state == "withdrawn":
        sharing.withdraw(owner, entry_id, therapist.id)
    elif state == "expired":
        db.session.execute(
            update(Share)
            .where(Share.entry_id == entry_id)
            .values(expires_at=utcnow() - timedelta(minutes=1))
        )
        db.session.commit()
    elif state == "deleted":
        entries.delete(owner, entry_id)
    elif state == "ended_link":
        links.end_link(owner, link_id)
    elif state == "deleted_account":
        accounts.delete_account(owner, PASSWORD)


@pytest.fixture
def world(app, make_user, api_as):
    """Build the people and objects, then hand back a way to put the entry in a state."""
    people = {
        "owner": make_user("client"),
        "other_client": make_user("client"),
        "therapist": make_user("therapist"),
        "other_therapist": make_user("therapist"),
    }
    device = api_as(people["owner"]).get("/api/v1/me/devices").get_json()["items"][0]["id"]
    with app.app_context():
        owner, therapist = (db.session.get(User, people[k].id) for k in ("owner", "therapist"))
        other, stranger = (
            db.session.get(User, people[k].id) for k in ("other_client", "other_therapist")
        )
        link = links.redeem(owner, links.create_invite(therapist)[1])
        links.redeem(other, links.create_invite(stranger)[1])
        entry, _ = entries.create(
            owner,
            {
                "id": None,
                "kind": "feedback",  # every route takes it; the repair ledger only this kind
                "title": "Mine",
                "body": "The words I wrote",
                "tags": [],
                "prompt_id": None,
            },
        )
        session = appointments.schedule(owner, link.id, utcnow() + timedelta(days=2))
        checkin, private_checkin = (
            checkins.create(
                owner,
                {
                    "therapist_id": therapist.id,
                    **dict.fromkeys(("bond", "goals", "approach", "overall"), 7),
                    "note": "A note",
                    "shared": shared,
                },
            )
            for shared in (True, False)
        )
        goal = goals.create(owner, {"text": "Rest more", "shared_with": [therapist.id]})
        suggestion = goals.suggest(therapist, owner.id, "Walk every day")
        due = {"date": (utcnow() + timedelta(days=3)).date()}
        task = tasks.assign(therapist, owner.id, {"text": "Notice it", "due": due})
        invite, code = links.create_invite(therapist)
        ids = {
            "goal": goal.id,
            "suggestion": suggestion.id,
            "task": task.id,
            "reset_token": "not-a-token",  # a link that never worked: 410 for anyone
            "entry": entry.id,
            "owner": owner.id,
            "therapist": therapist.id,
            "other_therapist": stranger.id,
            "link": link.id,
            "session": session.id,
            "checkin": checkin.id,
            "private_checkin": private_checkin.id,
            "invite": invite.id,
            "code": code,
            "device": device,
            "owner_email": owner.email,
            "import": importing.start(
                owner, importing.Upload("note.md", io.BytesIO(b"Words.")), "markdown"
            ).id,
            "calendar_token": calendar.new_feed(owner),
            "push_subscription": push.subscribe(
                owner,
                {
                    "endpoint": "https://push.example.test/the-owners-browser",
                    "keys": sample_keys(),
                    "kinds": ["new_from_therapist"],
                },
            )[0].id,
        }

    def enter(state: str) -> dict:
        with app.app_context():
            found = {k: db.session.get(User, v.id) for k, v in people.items()}
            _state(state, found["owner"], found["therapist"], ids["entry"], ids["link"])
        return ids

    return people, enter


def _fill(value, ids):
    if isinstance(value, str):
        return value.format(**ids)
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


@pytest.mark.parametrize(
    ("actor", "method", "path", "state", "status"), ROWS, ids=[" ".join(row) for row in ROWS]
)
def test_matrix(app, world, api_as, actor, method, path, state, status):
    """One row of the matrix."""
    people, enter = world
    api = Api(app.test_client()) if actor == "anonymous" else api_as(people[actor])
    ids = enter(state)
    url = path.format(**ids)
    if path.startswith(("/api/", "/healthz")):
        body = _fill(BODIES.get((method, path)), ids)
        if (method, path) in UPLOADS:
            response = api.post(url, data=_upload(), content_type="multipart/form-data")
        elif body is not None:
            response = getattr(api, method.lower())(url, json=body)
        else:
            response = getattr(api, method.lower())(url)
    elif method == "GET":
        response = api.client.get(url)
    else:
        form = _fill(FORMS.get((method, path), {}), ids)
        response = api.form(url, form | (_upload() if (method, path) in UPLOADS else {}))
    assert response.status_code == int(status), response.get_data(as_text=True)[:300]


def test_every_route_is_in_the_matrix(app):
    """A new route needs its rows: each rule and method appears at least once."""
    covered = {(method, _rule(path)) for _, method, path, _, _ in ROWS}
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "pwa.service_worker", "pwa.manifest", "pwa.offline"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            if (method, rule.rule) not in covered:
                missing.append(f"{method} {rule.rule}")
    assert sorted(missing) == []


def _rule(path: str) -> str:
    """Turn the matrix's {placeholders} back into the app's <rule> converters."""
    rules = {
        "{entry}": "<entry_id>",
        "{owner}": "<client_id>",
        "{therapist}": "<therapist_id>",
        "{other_therapist}": "<therapist_id>",
        "{link}": "<link_id>",
        "{session}": "<session_id>",
        "{checkin}": "<checkin_id>",
        "{goal}": "<goal_id>",
        "{suggestion}": "<suggestion_id>",
        "{task}": "<task_id>",
        "{reset_token}": "<token>",
        "{calendar_token}": "<token>",
        "{private_checkin}": "<checkin_id>",
        "{device}": "<device_id>",
        "{push_subscription}": "<subscription_id>",
        "{import}": "<import_id>",
        "{code}": "<invite>",
        "{invite}": "<invite>",
    }
    for placeholder, converter in rules.items():
        path = path.replace(placeholder, converter)
    # The pages name their parameters a little differently from the API.
    if path.startswith("/join/"):
        path = path.replace("<invite>", "<code>")
    return path.replace("/therapist/invites/<invite>", "/therapist/invites/<invite_id>")
