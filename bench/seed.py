"""Fill a database for the benchmarks, the same way every time (tiers S and M).

Rows go in through SQLAlchemy Core in batches, and every text field is sealed with our own
crypto under each client's own data key, as the app would. It also signs in a few people
(session records plus signed cookies) and writes their details to `actors.json` for the
runner, so no sign-in is needed to measure the other routes.

    PYTHONPATH=. .venv/bin/python bench/seed.py S out/S
"""

import json
import os
import random
import secrets
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
from flask import g, session
from flask_wtf.csrf import generate_csrf

from journal.crypto import FieldCipher
from journal.extensions import db
from journal.models import (
    Checkin,
    DeviceSession,
    Entry,
    Link,
    PacketItem,
    Share,
    TherapySession,
    User,
)
from journal.services import passwords, search_index
from journal.services.keys import keyring
from journal.services.sessions import _hash as token_hash

PASSWORD = "bench-password-not-secret"  # noqa: S105 (a benchmark fixture)
BATCH = 2000


@dataclass(frozen=True)
class Tier:
    """How much data: therapists, clients, entries per client."""

    therapists: int
    clients: int
    entries: int


TIERS = {"S": Tier(5, 100, 100), "M": Tier(50, 1000, 1000), "XS": Tier(2, 10, 50)}

VOCABULARY = (
    "session trust pace goals listen heard safe honest weekend work family tired hope calm "
    "anxious sleep walk talk brother mother friend week slow rushed kind silence question "
    "felt wanted said again maybe really because after before morning evening today "
    "therapist room voice change small step angry sad relieved grateful unsure nervous "
    "understood ignored careful gentle pressure homework notice pattern old new school "
    "office phone message rain coffee train late early partner child daughter son "
    "café naïve Überraschung mañana"
)
WORDS = VOCABULARY.split()
TAGS = ("work", "family", "sleep", "sessions", "hope", "body", "friends", "anger", "Ärger")
COMMON, RARE, ABSENT = "session", "kaleidoscope", "zanzibarian"  # the three searches


def _text(rng: random.Random, words: int) -> str:
    """Sentences of plausible words, in paragraphs."""
    out, sentence = [], []
    for _ in range(words):
        sentence.append(rng.choice(WORDS))
        if len(sentence) > rng.randint(6, 16):
            out.append(" ".join(sentence).capitalize() + ".")
            sentence = []
            if rng.random() < 0.2:
                out.append("\n\n")
    out.append(" ".join(sentence))
    return " ".join(out).strip()


def _entry_words(rng: random.Random) -> int:
    """Entry lengths as journals have them: mostly short, some long (median about 600 chars)."""
    return max(5, min(3000, int(rng.lognormvariate(4.6, 0.7))))


def _id(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _insert(table, rows: list[dict]) -> None:
    if rows:
        db.session.execute(table.insert(), rows)


def seed(tier: Tier, *, seed_value: int = 7, now: datetime | None = None) -> dict:
    """Fill the empty database for a tier; return the actors for the runner."""
    rng = random.Random(seed_value)
    now = now or datetime.now(UTC)
    ring, password_hash = keyring(), passwords.hash_password(PASSWORD)
    users, keys = [], {}

    def add_user(role: str, number: int) -> str:
        user_id = _id(rng)
        data_key = os.urandom(32)
        keys[user_id] = data_key
        row = {
            "id": user_id,
            "email": f"{role}{number}@bench.example",
            "password_hash": password_hash,
            "display_name": f"{role.title()} {number}",
            "role": role,
            "time_zone": "Europe/Berlin",
            "created_at": now - timedelta(days=1200),
            "email_confirmed_at": now - timedelta(days=1200),
            "session_generation": 0,
            "wrapped_key": ring.wrap(data_key, user_id),
            "key_version": ring.current_version,
            "totp_last_step": 0,
            "offline_reading": True,
            "totp_sealed": None,
            "totp_enabled_at": None,
        }
        if role == "therapist":
            secret = pyotp.random_base32()
            row["totp_sealed"] = FieldCipher(data_key, user_id).seal(
                "users", user_id, "totp", secret
            )
            row["totp_enabled_at"] = now - timedelta(days=1200)
        users.append(row)
        return user_id

    therapists = [add_user("therapist", n) for n in range(tier.therapists)]
    clients = [add_user("client", n) for n in range(tier.clients)]
    _insert(User.__table__, users)

    links, sessions_ = [], []
    link_of = {}
    for number, client_id in enumerate(clients):
        link_id = _id(rng)
        link_of[client_id] = (link_id, therapists[number % len(therapists)])
        links.append(
            {
                "id": link_id,
                "client_id": client_id,
                "therapist_id": therapists[number % len(therapists)],
                "status": "active",
                "created_at": now - timedelta(days=1100),
            }
        )
        for week in (-1, 1):  # the last session and the next
            starts = now + timedelta(days=7 * week, hours=number % 8)
            sessions_.append(
                {
                    "id": _id(rng),
                    "link_id": link_id,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(minutes=50),
                    "created_at": now - timedelta(days=30),
                }
            )
    _insert(Link.__table__, links)
    _insert(TherapySession.__table__, sessions_)
    next_session = {row["link_id"]: row["id"] for row in sessions_[1::2]}

    first_entry, entry_rows, share_rows, packet_rows, checkin_rows = {}, [], [], [], []
    for client_id in clients:
        cipher = FieldCipher(keys[client_id], client_id)
        link_id, _ = link_of[client_id]
        span = timedelta(days=1095) / tier.entries
        index_rows = []
        for number in range(tier.entries):
            entry_id = _id(rng)
            created = now - timedelta(days=1095) + span * number
            kind = rng.choices(("reflection", "feedback", "question"), (8, 1, 1))[0]
            title = _text(rng, rng.randint(2, 7)).rstrip(".")
            body = _text(rng, _entry_words(rng))
            if number == 0:
                body += f" A {RARE} of feelings."  # the rare word lives in the oldest entry only
            tags = rng.sample(TAGS, rng.randint(0, 3))
            sealed = {
                "title_sealed": cipher.seal("entries", entry_id, "title", title),
                "body_sealed": cipher.seal("entries", entry_id, "body", body),
                "tags_sealed": cipher.seal(
                    "entries", entry_id, "tags", json.dumps(tags, ensure_ascii=False)
                ),
            }
            entry_rows.append(
                {
                    "id": entry_id,
                    "author_id": client_id,
                    "kind": kind,
                    "created_at": created,
                    "updated_at": created,
                    "version": 1,
                    **sealed,
                }
            )
            index_rows.append((entry_id, created, kind, title, body, tags))
            if number < 3:
                first_entry.setdefault(client_id, []).append(entry_id)
            newest = number >= tier.entries - 3
            if newest or rng.random() < 0.1:
                share_rows.append(
                    {"id": _id(rng), "entry_id": entry_id, "link_id": link_id, "shared_at": created}
                )
                if newest:
                    packet_rows.append(
                        {
                            "id": _id(rng),
                            "session_id": next_session[link_id],
                            "entry_id": entry_id,
                            "position": len(packet_rows),
                        }
                    )
            if number % 10 == 0:
                checkin_rows.append(
                    {
                        "id": _id(rng),
                        "client_id": client_id,
                        "link_id": link_id,
                        "bond": rng.randint(4, 10),
                        "goals": rng.randint(4, 10),
                        "approach": rng.randint(4, 10),
                        "overall": rng.randint(4, 10),
                        "shared": rng.random() < 0.7,
                        "created_at": created,
                    }
                )
            if len(entry_rows) >= BATCH:
                _flush(entry_rows, share_rows, packet_rows, checkin_rows)
        _flush(entry_rows, share_rows, packet_rows, checkin_rows)
        search_index.build_from(client_id, cipher, index_rows)
    db.session.commit()
    return _actors(clients, therapists, link_of, next_session, first_entry, now)


def _flush(*batches: list[dict]) -> None:
    for table, rows in zip(
        (Entry.__table__, Share.__table__, PacketItem.__table__, Checkin.__table__),
        batches,
        strict=True,
    ):
        _insert(table, rows)
        rows.clear()


def _cookie(app, user_id: str | None, now: datetime) -> dict:
    """A live session record and the signed cookie and CSRF token a browser would hold (for
    no one: a signed-out browser's, to sign in with)."""
    token = _session_record(user_id, now) if user_id is not None else None
    with app.test_request_context():
        g.pop("csrf_token", None)  # made per browser, not once for the whole app context
        if token is not None:
            session["sid"] = token
        csrf = generate_csrf()
        signed = app.session_interface.get_signing_serializer(app).dumps(dict(session))
    return {"cookie": f"{app.config['SESSION_COOKIE_NAME']}={signed}", "csrf": csrf}


def _session_record(user_id: str, now: datetime) -> str:
    token = secrets.token_urlsafe(32)
    db.session.execute(
        DeviceSession.__table__.insert(),
        {
            "id": str(uuid.uuid4()),
            "token_hash": token_hash(token),
            "user_id": user_id,
            "generation": 0,
            "created_at": now,
            "last_seen_at": now,
            "authenticated_at": now,
            "user_agent": "bench",
        },
    )
    return token


def _actors(clients, therapists, link_of, next_session, first_entry, now) -> dict:
    from flask import current_app

    app = current_app._get_current_object()
    chosen = clients[:8]
    actors = {
        "password": PASSWORD,
        "clients": [
            {
                "id": client_id,
                "email": f"client{number}@bench.example",
                "entry": first_entry[client_id][0],
                "autosave": first_entry[client_id][1:3],
                **_cookie(app, client_id, now),
            }
            for number, client_id in enumerate(chosen)
        ],
        "therapists": [],
        "anonymous": _cookie(app, None, now),
        "words": {"common": COMMON, "rare": RARE, "absent": ABSENT},
    }
    for client_id in chosen[: len(therapists)]:
        link_id, therapist_id = link_of[client_id]
        actors["therapists"].append(
            {
                "id": therapist_id,
                "client": client_id,
                "session": next_session[link_id],
                **_cookie(app, therapist_id, now),
            }
        )
    db.session.commit()
    return actors


def main() -> None:
    """Seed the database named by DATABASE_URL for a tier; write actors.json to a folder."""
    tier_name, out = sys.argv[1], Path(sys.argv[2])
    from journal import create_app

    app = create_app()
    with app.app_context():
        actors = seed(TIERS[tier_name])
    out.mkdir(parents=True, exist_ok=True)
    (out / "actors.json").write_text(json.dumps(actors, indent=1))


if __name__ == "__main__":
    main()
