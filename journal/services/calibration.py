"""The therapist's own view of a session (calibration): how they think the client experienced
it, on the check-in's four scales.

Only the therapist of the session records or reads it, and only after the session started. It
sits beside the client's shared check-ins on the therapist's side, to notice gaps; the client
never sees it, and it travels in the therapist's export, not the client's.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import SCALES, Link, TherapistView, TherapySession, User, utcnow
from journal.services import audit
from journal.services.links import client_link

NOT_YET = "You can record your view once the session has started."


@dataclass
class ViewPoint:
    """The therapist's view of one session."""

    session_id: str
    at: datetime  # when the session started
    bond: int
    goals: int
    approach: int
    overall: int
    updated_at: datetime

    @property
    def total(self) -> int:
        return self.bond + self.goals + self.approach + self.overall


def _point(view: TherapistView, session: TherapySession) -> ViewPoint:
    return ViewPoint(
        session.id,
        session.starts_at,
        *(getattr(view, scale) for scale in SCALES),
        view.updated_at,
    )


def _session_of(therapist: User, session_id: str) -> TherapySession:
    """A session on one of the therapist's active links; 404 for any other."""
    session = db.session.scalar(
        select(TherapySession)
        .join(Link, Link.id == TherapySession.link_id)
        .where(
            TherapySession.id == session_id,
            Link.therapist_id == therapist.id,
            Link.status == "active",
        )
    )
    if session is None:
        raise not_found()
    return session


def record(therapist: User, session_id: str, data: dict) -> ViewPoint:
    """Record or change the therapist's view of a session that has started."""
    session = _session_of(therapist, session_id)
    if session.starts_at > utcnow():
        raise validation_error({"session": [NOT_YET]})
    view = db.session.get(TherapistView, session.id) or TherapistView(session_id=session.id)
    for scale in SCALES:
        setattr(view, scale, data[scale])
    view.updated_at = utcnow()
    db.session.add(view)
    audit.record("therapist_view", actor_id=therapist.id)
    db.session.commit()
    return _point(view, session)


def one(therapist: User, session_id: str) -> ViewPoint | None:
    """The therapist's view of one of their sessions, if they recorded one."""
    session = _session_of(therapist, session_id)
    view = db.session.get(TherapistView, session.id)
    return _point(view, session) if view else None


def points(therapist: User, client_id: str) -> list[ViewPoint]:
    """The therapist's views of their sessions with a client, oldest first."""
    link = client_link(therapist, client_id)
    return _points(TherapySession.link_id == link.id)


def _points(where) -> list[ViewPoint]:
    rows = db.session.execute(
        select(TherapistView, TherapySession)
        .join(TherapySession, TherapySession.id == TherapistView.session_id)
        .join(Link, Link.id == TherapySession.link_id)
        .where(where)
        .order_by(TherapySession.starts_at, TherapySession.id)
    )
    return [_point(view, session) for view, session in rows]


def all_of(therapist: User) -> list[ViewPoint]:
    """Every view the therapist recorded, over every link (for their own export)."""
    return _points(Link.therapist_id == therapist.id)
