"""Web Push reminders: subscriptions, quiet hours, who is due which reminder, and sending.

Three kinds, each at most once a day of the person's own calendar and never in their quiet
hours: a client's session tomorrow, something new from their therapist (an answer not yet seen,
a task still open), and, for a therapist, something a client shared with a session coming. The
words never hold journal text or names. `send_due` writes the day's delivery row and commits
before it sends, so a crash or a second run never tells anyone twice (at most once).
"""

import json
import time as clock
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import requests
from flask import current_app
from py_vapid import Vapid
from pywebpush import WebPushException, webpush
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from journal import vapid
from journal.errors import AppError, not_found
from journal.extensions import db
from journal.models import (
    KINDS_FOR_ROLE,
    PUSH_KINDS,
    Answer,
    Entry,
    Link,
    PushDelivery,
    PushSubscription,
    Share,
    Task,
    TherapySession,
    User,
    new_id,
    utcnow,
)
from journal.services.access import share_is_live

TITLE = "Alliance Journal"
TEXTS = {
    "session_tomorrow": "You have a session tomorrow. Time to prepare, if you'd like.",
    "new_from_therapist": "Something new is waiting in your journal.",
    "new_shared": "Something new was shared with you before a session.",
}
MAX_DEVICES = 20
TTL = 12 * 3600  # a reminder a day old is no reminder: push services drop it after 12 hours
TIMEOUT = 10  # seconds per push service request
GONE = (404, 410)  # the browser dropped the subscription (RFC 8030 section 7.3)
SESSION_SOON = timedelta(hours=48)  # a therapist hears of shares only with a session this near
TOMORROW_WINDOW = timedelta(hours=50)  # covers any zone's "tomorrow", a clock change included


# ---- subscriptions and quiet hours ----


def local_endpoints_allowed() -> bool:
    """Whether http to this machine may be a push endpoint: only in tests and development."""
    return current_app.testing or current_app.config["JOURNAL_ENV"] == "development"


def public_key() -> str:
    """The VAPID public key browsers subscribe with (applicationServerKey), base64url."""
    return vapid.public_key(current_app.config["VAPID_PRIVATE_KEY"])


def subscribe(user: User, data: dict) -> tuple[PushSubscription, bool]:
    """Save a browser's subscription and its kinds; the same endpoint again updates it.
    Return (subscription, created)."""
    endpoint = data["endpoint"]
    # A browser's endpoint belongs to the account that turned reminders on there last: on a
    # shared device, someone else's "session tomorrow" must not show on this one.
    db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.endpoint == endpoint, PushSubscription.user_id != user.id
        )
    )
    row = db.session.scalar(
        select(PushSubscription).where(
            PushSubscription.user_id == user.id, PushSubscription.endpoint == endpoint
        )
    )
    created = row is None
    if created:
        count = select(func.count()).where(PushSubscription.user_id == user.id)
        if db.session.scalar(count) >= MAX_DEVICES:
            db.session.rollback()
            message = f"Reminders are on for {MAX_DEVICES} devices; stop them on one first."
            raise AppError(422, "too_many_devices", message, fields={"endpoint": [message]})
        row = PushSubscription(id=new_id(), user_id=user.id, endpoint=endpoint, created_at=utcnow())
        db.session.add(row)
    row.p256dh, row.auth = data["keys"]["p256dh"], data["keys"]["auth"]
    row.kinds = " ".join(kind for kind in PUSH_KINDS if kind in data["kinds"])
    db.session.commit()
    return row, created


def subscriptions(user: User) -> list[PushSubscription]:
    """The user's subscribed devices, newest first (at most MAX_DEVICES)."""
    return db.session.scalars(
        select(PushSubscription)
        .where(PushSubscription.user_id == user.id)
        .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())
    ).all()


def unsubscribe(user: User, subscription_id: str) -> None:
    """Stop reminders on one of the user's devices; anyone else's is not found."""
    gone = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.id == subscription_id, PushSubscription.user_id == user.id
        )
    )
    if not gone.rowcount:
        db.session.rollback()
        raise not_found()
    db.session.commit()


def set_quiet_hours(user: User, start: str | None, end: str | None) -> None:
    """Set the hours without reminders ("HH:MM" in the user's zone), or clear them (None)."""
    user.quiet_from, user.quiet_to = (start, end) if start and end else (None, None)
    db.session.commit()


def in_quiet_hours(start: str | None, end: str | None, moment: time) -> bool:
    """Whether a local time of day falls in quiet hours; 22:00 to 07:00 runs over midnight."""
    if not start or not end or start == end:
        return False
    now = moment.strftime("%H:%M")
    return start <= now < end if start < end else now >= start or now < end


# ---- who is due what ----


@dataclass(frozen=True)
class Target:
    """One subscription to send to, as plain values (no database object is touched while the
    network is)."""

    id: str
    endpoint: str
    p256dh: str
    auth: str


@dataclass
class Due:
    """One person to tell of one kind today, and the page the reminder opens."""

    user_id: str
    kind: str
    day: date
    url: str
    targets: list[Target]


@dataclass
class _Person:
    role: str
    zone: ZoneInfo
    today: date
    targets: dict[str, list[Target]] = field(default_factory=dict)  # by kind
    since: dict[str, datetime] = field(default_factory=dict)  # news after this counts, by kind


def _subscribed(now: datetime) -> dict[str, _Person]:
    """Everyone with a subscription, outside their quiet hours, and what each device wants."""
    rows = db.session.execute(
        select(
            User.id,
            User.role,
            User.time_zone,
            User.quiet_from,
            User.quiet_to,
            PushSubscription.id,
            PushSubscription.endpoint,
            PushSubscription.p256dh,
            PushSubscription.auth,
            PushSubscription.kinds,
            PushSubscription.created_at,
        ).join(PushSubscription, PushSubscription.user_id == User.id)
    ).all()
    people: dict[str, _Person] = {}
    for user_id, role, zone_name, quiet_from, quiet_to, *sub, kinds, created_at in rows:
        zone = ZoneInfo(zone_name)
        local = now.astimezone(zone)
        if in_quiet_hours(quiet_from, quiet_to, local.time()):
            continue
        person = people.setdefault(user_id, _Person(role, zone, local.date()))
        for kind in set(kinds.split()) & set(KINDS_FOR_ROLE.get(role, ())):
            person.targets.setdefault(kind, []).append(Target(*sub))
            # From the first device that asked: nothing older than that is news.
            person.since[kind] = min(person.since.get(kind, created_at), created_at)
    return people


def _drop_told_today(people: dict[str, _Person]) -> None:
    """Forget each kind a person was already told of today; news counts after the last time."""
    rows = db.session.execute(
        select(PushDelivery.user_id, PushDelivery.kind, func.max(PushDelivery.sent_at))
        .where(PushDelivery.user_id.in_(select(PushSubscription.user_id)))
        .group_by(PushDelivery.user_id, PushDelivery.kind)
    ).all()
    for user_id, kind, last in rows:
        person = people.get(user_id)
        if person is None or kind not in person.targets:
            continue
        if last.astimezone(person.zone).date() >= person.today:
            del person.targets[kind]
        else:
            person.since[kind] = max(person.since[kind], last)


def _wanting(kind: str):
    """The ids of users with a device that asked for this kind (a subquery)."""
    return select(PushSubscription.user_id).where(PushSubscription.kinds.contains(kind))


def _sessions_tomorrow(people: dict[str, _Person], now: datetime) -> dict[str, str]:
    """Clients with a session that starts on their own calendar's tomorrow: client -> url."""
    rows = db.session.execute(
        select(Link.client_id, TherapySession.id, TherapySession.starts_at)
        .join(Link, Link.id == TherapySession.link_id)
        .where(
            Link.status == "active",
            Link.client_id.in_(_wanting("session_tomorrow")),
            TherapySession.starts_at > now,
            TherapySession.starts_at < now + TOMORROW_WINDOW,
        )
        .order_by(TherapySession.starts_at)
    ).all()
    found: dict[str, str] = {}
    for client_id, session_id, starts_at in rows:
        person = people.get(client_id)
        if person and starts_at.astimezone(person.zone).date() == person.today + timedelta(days=1):
            found.setdefault(client_id, f"/prepare/{session_id}")
    return found


def _newest_from_therapists() -> dict[str, datetime]:
    """Per client: the newest answer they haven't seen, or open task, over an active link."""
    answers = (
        select(Link.client_id, func.max(Answer.updated_at))
        .join(Link, Link.id == Answer.link_id)
        .outerjoin(Entry, Entry.id == Answer.entry_id)
        .where(
            Link.status == "active",
            Link.client_id.in_(_wanting("new_from_therapist")),
            Answer.seen_at.is_(None),
            Entry.deleted_at.is_(None),  # a check-in's answer has no entry, and passes
        )
        .group_by(Link.client_id)
    )
    tasks = (
        select(Link.client_id, func.max(Task.created_at))
        .join(Link, Link.id == Task.link_id)
        .where(
            Link.status == "active",
            Link.client_id.in_(_wanting("new_from_therapist")),
            Task.answered_at.is_(None),
            Task.done_at.is_(None),
            Task.declined_at.is_(None),
        )
        .group_by(Link.client_id)
    )
    newest: dict[str, datetime] = {}
    for query in (answers, tasks):
        for client_id, moment in db.session.execute(query):
            newest[client_id] = max(newest.get(client_id, moment), moment)
    return newest


def _newest_shared_before_sessions(now: datetime) -> dict[str, datetime]:
    """Per therapist: the newest share they may read now (access.py's rule) over a link with a
    session in the next SESSION_SOON."""
    session_soon = (
        select(TherapySession.id)
        .where(
            TherapySession.link_id == Link.id,
            TherapySession.starts_at > now,
            TherapySession.starts_at <= now + SESSION_SOON,
        )
        .exists()
    )
    rows = db.session.execute(
        select(Link.therapist_id, func.max(Share.shared_at))
        .join(Link, Link.id == Share.link_id)
        .join(Entry, Entry.id == Share.entry_id)
        .where(
            Link.status == "active",
            Link.therapist_id.in_(_wanting("new_shared")),
            Entry.deleted_at.is_(None),
            *share_is_live(now),
            session_soon,
        )
        .group_by(Link.therapist_id)
    )
    return dict(rows.all())


def due(now: datetime | None = None) -> list[Due]:
    """Who should be told what now: a handful of set-based queries, however many people."""
    now = utcnow() if now is None else now
    people = {uid: person for uid, person in _subscribed(now).items() if person.targets}
    if people:
        _drop_told_today(people)
    wanted = {kind for person in people.values() for kind in person.targets}
    found: list[tuple[str, str, str]] = []  # (user, kind, url)
    if "session_tomorrow" in wanted:
        found += [
            (uid, "session_tomorrow", url) for uid, url in _sessions_tomorrow(people, now).items()
        ]
    news = {}
    if "new_from_therapist" in wanted:
        news["new_from_therapist"] = (_newest_from_therapists(), "/journal")
    if "new_shared" in wanted:
        news["new_shared"] = (_newest_shared_before_sessions(now), "/therapist")
    for kind, (newest, url) in news.items():
        for uid, moment in newest.items():
            person = people.get(uid)
            if person and kind in person.targets and moment > person.since[kind]:
                found.append((uid, kind, url))
    return [
        Due(uid, kind, people[uid].today, url, people[uid].targets[kind])
        for uid, kind, url in found
        if kind in people[uid].targets
    ]


# ---- sending ----


@dataclass
class Sent:
    """What a run did, in counts only."""

    people: int = 0
    sent: int = 0
    failed: int = 0
    removed: int = 0


def _claim(item: Due, now: datetime) -> bool:
    """Record that this person is told of this kind today, before telling them: once this
    commits, no crash and no second run tells them again today. False if a run already did."""
    db.session.add(
        PushDelivery(
            id=new_id(), user_id=item.user_id, kind=item.kind, day=item.day.isoformat(), sent_at=now
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _push(target: Target, payload: str, key: Vapid, http: requests.Session) -> int | None:
    """Send one encrypted message (aes128gcm, VAPID-signed); return the failing status, 0 for
    a failure without one, or None when the push service took it."""
    claims = {"sub": current_app.config["VAPID_SUBJECT"], "exp": int(clock.time()) + TTL}
    subscription = {
        "endpoint": target.endpoint,
        "keys": {"p256dh": target.p256dh, "auth": target.auth},
    }
    try:
        webpush(
            subscription,
            payload,
            vapid_private_key=key,
            vapid_claims=claims,
            content_encoding="aes128gcm",
            ttl=TTL,
            timeout=TIMEOUT,
            requests_session=http,
        )
    except WebPushException as error:
        return error.response.status_code if error.response is not None else 0
    except Exception:  # no answer, a refused redirect, keys the encryption won't take
        return 0
    return None


def send_due(now: datetime | None = None) -> Sent:
    """Tell everyone who is due a reminder now, at most once per person, kind and day; remove
    subscriptions their push service says are gone."""
    now = utcnow() if now is None else now
    claimed = [item for item in due(now) if _claim(item, now)]
    result, gone = Sent(people=len({item.user_id for item in claimed})), []
    key = Vapid(vapid.private_key(current_app.config["VAPID_PRIVATE_KEY"]))
    with requests.Session() as http:
        http.max_redirects = 0  # push services answer directly; never follow one elsewhere
        for item in claimed:
            payload = json.dumps({"title": TITLE, "body": TEXTS[item.kind], "url": item.url})
            for target in item.targets:
                status = _push(target, payload, key, http)
                if status is None:
                    result.sent += 1
                elif status in GONE:
                    gone.append(target.id)
                else:
                    result.failed += 1
                    # Ids and status only: the address and the message stay out of logs.
                    current_app.logger.warning(
                        "push to subscription %s failed (%s); not retried today",
                        target.id,
                        status or "no answer",
                    )
    if gone:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(gone)))
        db.session.commit()
        result.removed = len(set(gone))
    return result
