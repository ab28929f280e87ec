"""Alliance check-ins: write one, list one's own, and what a therapist may see of them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import and_, bindparam, exists, select

from journal.errors import not_found, validation_error
from journal.extensions import db
from journal.models import Checkin, Goal, GoalShare, Link, TherapySession, User, utcnow
from journal.services import appointments, audit
from journal.services.keys import cipher_for, cipher_for_user
from journal.services.links import active_link, client_link
from journal.services.pagination import Page, after_cursor, encode_cursor
from journal.transactions import will_write

TABLE = "checkins"
INVITE_DAYS = 14  # after this, a past session no longer invites a check-in


@dataclass
class CheckinView:
    """A check-in with its note opened."""

    id: str
    therapist_id: str | None  # None once that therapist's account is deleted
    bond: int
    goals: int
    approach: int
    overall: int
    note: str
    shared: bool
    created_at: datetime
    goal_id: str | None = None
    goal: str | None = None  # "this week, on": the goal's words, for whoever may read them

    @property
    def total(self) -> int:
        return self.bond + self.goals + self.approach + self.overall


@dataclass
class Flag:
    """Whether a client's alliance needs a conversation, and why."""

    low: bool
    fell: bool
    latest: int | None
    previous: int | None

    @property
    def raised(self) -> bool:
        return self.low or self.fell


NOT_A_GOAL = "Choose one of the goals you're working on, or none."


def _with_goal(query, shared_over_link: bool = False):
    """Add the goal each check-in looks at (or None); a therapist's view keeps only goals the
    client shares over that check-in's link."""
    on = Goal.id == Checkin.goal_id
    if shared_over_link:
        shared = exists().where(GoalShare.goal_id == Goal.id, GoalShare.link_id == Checkin.link_id)
        on = and_(on, shared)
    return query.add_columns(Goal).outerjoin(Goal, on)


def _active_goal(client: User, goal_id: str | None) -> Goal | None:
    """The client's active goal a new check-in points at; 422 on the field for any other."""
    if not goal_id:
        return None
    goal = db.session.scalar(
        select(Goal).where(Goal.id == goal_id, Goal.client_id == client.id, Goal.status == "active")
    )
    if goal is None:
        raise validation_error({"goal_id": [NOT_A_GOAL]})
    return goal


def _view(row: Checkin, link: Link | None, owner: User, goal: Goal | None = None) -> CheckinView:
    cipher = cipher_for(owner.id, owner.wrapped_key, owner.key_version)
    note = cipher.open(TABLE, row.id, "note", row.note_sealed) if row.note_sealed else ""
    return CheckinView(
        row.id,
        link.therapist_id if link else None,  # None: that therapist's account was deleted
        row.bond,
        row.goals,
        row.approach,
        row.overall,
        note,
        row.shared,
        row.created_at,
        goal.id if goal else None,
        cipher.open(Goal.__tablename__, goal.id, "text", goal.text_sealed) if goal else None,
    )


def create(client: User, data: dict) -> CheckinView:
    """Record a check-in about the work with one linked therapist, shared or kept private."""
    link = active_link(client.id, data["therapist_id"])
    if link is None:
        raise not_found()
    goal = _active_goal(client, data.get("goal_id"))
    row = Checkin(
        client_id=client.id,
        link_id=link.id,
        goal_id=goal and goal.id,
        shared=data["shared"],
        **{scale: data[scale] for scale in ("bond", "goals", "approach", "overall")},
    )
    db.session.add(row)
    db.session.flush()
    if data.get("note"):
        row.note_sealed = cipher_for_user(client).seal(TABLE, row.id, "note", data["note"])
    audit.record(
        "checkin_shared" if row.shared else "checkin", actor_id=client.id, owner_id=client.id
    )
    db.session.commit()
    return _view(row, link, client, goal)


def _own(client: User, checkin_id: str) -> tuple[Checkin, Link | None, Goal | None]:
    found = db.session.execute(
        _with_goal(select(Checkin, Link).outerjoin(Link, Checkin.link_id == Link.id)).where(
            Checkin.id == checkin_id, Checkin.client_id == client.id
        )
    ).first()
    if found is None:
        raise not_found()
    return found


def set_shared(client: User, checkin_id: str, shared: bool) -> CheckinView:
    """Share one of the client's check-ins (over an active link) or stop sharing it."""
    row, link, goal = _own(client, checkin_id)
    if shared and (link is None or link.status != "active"):
        raise not_found()  # the link has ended: there is no one to share it with
    if row.shared != shared:
        row.shared = shared
        action = "checkin_shared" if shared else "checkin_unshared"
        audit.record(action, actor_id=client.id, owner_id=client.id)
        db.session.commit()
    return _view(row, link, client, goal)


def _page(query, owner: User, limit: int, cursor: str | None) -> Page:
    rows = db.session.execute(
        query.where(after_cursor(Checkin.created_at, Checkin.id, cursor))
        .order_by(Checkin.created_at.desc(), Checkin.id.desc())
        .limit(limit + 1)
    ).all()
    items = [_view(row, link, owner, goal) for row, link, goal in rows[:limit]]
    more = len(rows) > limit
    return Page(items, encode_cursor(items[-1].created_at, items[-1].id) if more else None)


def own(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The client's own check-ins, newest first."""
    query = _with_goal(select(Checkin, Link).outerjoin(Link, Checkin.link_id == Link.id))
    return _page(query.where(Checkin.client_id == client.id), client, limit, cursor)


def one_shared(therapist: User, client_id: str, checkin_id: str) -> CheckinView:
    """One check-in the client shares with this therapist now (a read in the client's log)."""
    link = client_link(therapist, client_id)
    found = db.session.execute(
        _with_goal(select(Checkin), shared_over_link=True).where(
            Checkin.id == checkin_id, Checkin.link_id == link.id, Checkin.shared.is_(True)
        )
    ).first()
    if found is None:
        raise not_found()
    audit.record("read_checkins", actor_id=therapist.id, owner_id=link.client_id)
    db.session.commit()
    return _view(found[0], link, db.session.get(User, link.client_id), found[1])


def shared_with(
    therapist: User, client_id: str, *, limit: int = 20, cursor: str | None = None
) -> Page:
    """The check-ins a client shared with this therapist (over the active link), newest first."""
    link = client_link(therapist, client_id)
    client = db.session.get(User, link.client_id)
    page = _page(
        _with_goal(select(Checkin, Link).join(Link, Checkin.link_id == Link.id), True).where(
            Checkin.link_id == link.id, Checkin.shared.is_(True)
        ),
        client,
        limit,
        cursor,
    )
    # The client's log says "looked at the check-ins you shared": only true if there were some.
    if page.items:
        audit.record("read_checkins", actor_id=therapist.id, owner_id=client.id)
        db.session.commit()
    return page


def all_of(client: User) -> list[CheckinView]:
    """Every check-in the client made, oldest first (for the export)."""
    rows = db.session.execute(
        _with_goal(select(Checkin, Link).outerjoin(Link, Checkin.link_id == Link.id))
        .where(Checkin.client_id == client.id)
        .order_by(Checkin.created_at, Checkin.id)
    )
    return [_view(row, link, client, goal) for row, link, goal in rows]


def alliance(therapist: User, client_id: str) -> Flag:
    """One linked client's flag from their two latest shared check-ins (a logged read)."""
    link = client_link(therapist, client_id)
    totals = db.session.scalars(
        select(Checkin.bond + Checkin.goals + Checkin.approach + Checkin.overall)
        .where(Checkin.link_id == link.id, Checkin.shared.is_(True))
        .order_by(Checkin.created_at.desc(), Checkin.id.desc())
        .limit(2)
    ).all()
    if totals:
        audit.record("read_checkins", actor_id=therapist.id, owner_id=link.client_id)
        db.session.commit()
    return flag_for(list(totals))


def rule() -> dict[str, int]:
    """The flag's settings: a total below `low_total`, or a fall of at least `fall`."""
    cfg = current_app.config
    return {"low_total": cfg["ALLIANCE_LOW_TOTAL"], "fall": cfg["ALLIANCE_FALL"]}


def flag_for(totals_newest_first: list[int]) -> Flag:
    """Apply the rule: low total, or a fall since the previous shared check-in."""
    settings = rule()
    latest = totals_newest_first[0] if totals_newest_first else None
    previous = totals_newest_first[1] if len(totals_newest_first) > 1 else None
    low = latest is not None and latest < settings["low_total"]
    fell = previous is not None and previous - latest >= settings["fall"]
    return Flag(low, fell, latest, previous)


def _nth_latest_shared_total(n: int):
    """The total of a link's n-th newest shared check-in (0 is the newest), or NULL: a seek on
    the (link, created_at) index, however many check-ins the link has."""
    return (
        select(Checkin.bond + Checkin.goals + Checkin.approach + Checkin.overall)
        .where(Checkin.link_id == Link.id, Checkin.shared.is_(True))
        .order_by(Checkin.created_at.desc(), Checkin.id.desc())
        .offset(n)
        .limit(1)
        .scalar_subquery()
    )


# Built once: the therapist's home asks it on every load.
_FLAG_TOTALS = select(
    Link.client_id, _nth_latest_shared_total(0), _nth_latest_shared_total(1)
).where(Link.therapist_id == bindparam("therapist_id"), Link.status == "active")


def flags(therapist: User) -> dict[str, Flag]:
    """Each linked client's flag from their two latest shared check-ins, in one query."""
    rows = db.session.execute(_FLAG_TOTALS, {"therapist_id": therapist.id})
    return {
        client_id: flag_for([total for total in (latest, before) if total is not None])
        for client_id, latest, before in rows
        if latest is not None
    }


def invitation(client: User) -> TherapySession | None:
    """The latest session that ended lately with no check-in since and no "not now": or None."""
    now = utcnow()
    later = (
        select(Checkin.id)
        .where(
            Checkin.link_id == TherapySession.link_id, Checkin.created_at >= TherapySession.ends_at
        )
        .exists()
    )
    return db.session.scalar(
        select(TherapySession)
        .join(Link, TherapySession.link_id == Link.id)
        .where(
            Link.client_id == client.id,
            Link.status == "active",
            TherapySession.ends_at <= now,
            TherapySession.ends_at > now - timedelta(days=INVITE_DAYS),
            TherapySession.checkin_invite_closed_at.is_(None),
            ~later,
        )
        .order_by(TherapySession.ends_at.desc())
        .limit(1)
    )


def close_invitation(client: User, session_id: str) -> None:
    """ "Not now": the invitation for that session does not come back."""
    session = appointments.clients_session(client, session_id)
    if session is None:
        raise not_found()
    will_write()
    session.checkin_invite_closed_at = utcnow()
    db.session.commit()
