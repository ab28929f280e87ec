"""The private calendar feed: a secret address per person that calendar apps subscribe to, with
each session's time and nothing anyone wrote (RFC 5545, made by the icalendar library)."""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from icalendar import Alarm, Calendar, Event, vDuration
from sqlalchemy import delete, select
from sqlalchemy.orm import aliased

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import CancelledSession, Link, TherapySession, User, utcnow
from journal.services import audit

PRODID = "-//Alliance Journal//Sessions//EN"
CALENDAR_NAME = "Sessions"
UID_DOMAIN = "alliance-journal"
SUMMARY = "Therapy session"
REMINDER = "Time to prepare for your session, if you'd like"
# Past sessions stay a while, so last month's still show; cancelled ones are kept as long,
# so a calendar that was offline for weeks still learns they're off.
KEEP = timedelta(days=60)
REFRESH = timedelta(hours=1)
TOKEN_CHARS = 43  # secrets.token_urlsafe(32): 256 bits
CLIENTS_ONLY = "The reminder the day before is for clients."


def _hash(token: str) -> str:
    """What is stored of a token: a leaked database opens no one's feed."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed(user: User) -> str:
    """Make the person's feed address, replacing (and so stopping) any old one; return its
    token, which is shown once: only its hash is kept."""
    token = secrets.token_urlsafe(32)
    user.calendar_token_hash = _hash(token)
    audit.record("calendar_feed_made", actor_id=user.id, owner_id=user.id)
    db.session.commit()
    return token


def is_current(user: User, token: str) -> bool:
    """Whether this token is the person's feed token now (not replaced, not stopped)."""
    current = user.calendar_token_hash
    return current is not None and hmac.compare_digest(current, _hash(token))


def revoke_feed(user: User) -> None:
    """Stop the feed address, if there is one (calendars subscribed to it get 404 from now)."""
    if user.calendar_token_hash is None:
        return
    user.calendar_token_hash = None
    audit.record("calendar_feed_stopped", actor_id=user.id, owner_id=user.id)
    db.session.commit()


def state(user: User) -> dict:
    """Whether the person has a feed, and what its events show (never the address)."""
    return {
        "on": user.calendar_token_hash is not None,
        "names": user.calendar_names,
        "reminder": user.is_client and user.calendar_reminder,
    }


def set_options(user: User, names: bool | None = None, reminder: bool | None = None) -> User:
    """Choose whether events name the other person and whether clients get the day-before
    reminder; None leaves a choice as it is."""
    if reminder is not None and not user.is_client:
        raise validation_error({"reminder": [CLIENTS_ONLY]})
    if names is not None:
        user.calendar_names = names
    if reminder is not None:
        user.calendar_reminder = reminder
    db.session.commit()
    return user


def keep_cancelled(session: TherapySession) -> None:
    """Remember a session being cancelled (in the caller's transaction), so subscribed calendars
    show it as cancelled instead of keeping it; forget the link's long-past cancellations."""
    db.session.execute(
        delete(CancelledSession).where(
            CancelledSession.link_id == session.link_id,
            CancelledSession.cancelled_at < utcnow() - KEEP,
        )
    )
    db.session.add(
        CancelledSession(
            id=session.id,
            link_id=session.link_id,
            starts_at=session.starts_at,
            ends_at=session.ends_at,
        )
    )


def owner_of(token: str) -> User:
    """The person whose feed this token opens; 404 for an unknown, replaced or stopped one."""
    if not token or len(token) > TOKEN_CHARS * 2:
        raise not_found()
    user = db.session.scalar(select(User).where(User.calendar_token_hash == _hash(token)))
    if user is None:
        raise not_found()
    return user


def _rows(user: User, model, stamp, since: datetime, *conditions):
    """Sessions (or cancelled ones) on the person's active links, each with its stamp and the
    other person's name: one query, however many there are."""
    mine, theirs = (Link.client_id, Link.therapist_id)
    if not user.is_client:
        mine, theirs = theirs, mine
    other = aliased(User)
    # Only the columns an event needs: nothing sealed is ever loaded for the feed.
    return db.session.execute(
        select(model.id, model.starts_at, model.ends_at, stamp, other.display_name)
        .join(Link, model.link_id == Link.id)
        .join(other, other.id == theirs)
        .where(mine == user.id, Link.status == "active", model.ends_at >= since, *conditions)
        .order_by(model.starts_at, model.id)
    ).all()


def _event(user: User, row, cancelled: bool) -> Event:
    """One session as a VEVENT: its time, a plain title, and the reminder if it is wanted."""
    session_id, starts_at, ends_at, stamp, name = row
    summary = f"Session with {name}" if user.calendar_names else SUMMARY
    event = Event.new(
        uid=f"{session_id}@{UID_DOMAIN}",  # the session's id: the same event however it moves
        start=starts_at,
        end=ends_at,
        stamp=stamp,
        summary=summary,
        status="CANCELLED" if cancelled else "CONFIRMED",
    )
    event.add("class", "PRIVATE")
    if cancelled:
        event.add("sequence", 1)  # a later version of the event than the one that was on
    elif user.is_client and user.calendar_reminder:
        alarm = Alarm.new(description=REMINDER)
        alarm.add("action", "DISPLAY")
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
    return event


def feed_for(user: User) -> bytes:
    """The person's sessions as an iCalendar document: the last 60 days and all to come, with
    sessions cancelled lately marked so; times in UTC; no one's words, no name unless chosen."""
    since = utcnow() - KEEP
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", CALENDAR_NAME)
    calendar.add("x-wr-calname", CALENDAR_NAME)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH))  # an X- property: typed by hand
    # DTSTAMP: when the event was last revised, as RFC 5545 (3.8.7.2) asks of a calendar with no
    # METHOD: made, or cancelled. So an unchanged feed is the same bytes (and the same ETag).
    for row in _rows(user, TherapySession, TherapySession.created_at, since):
        calendar.add_component(_event(user, row, cancelled=False))
    cancelled = CancelledSession.cancelled_at
    for row in _rows(user, CancelledSession, cancelled, since, cancelled >= since):
        calendar.add_component(_event(user, row, cancelled=True))
    return calendar.to_ical()


def feed_for_token(token: str) -> bytes:
    """The iCalendar document that a feed token opens; 404 for an unknown or stopped token."""
    return feed_for(owner_of(token))
