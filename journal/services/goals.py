"""Goals in the client's own words: kept, reworded, reached or set aside, and shared goal by goal.

A therapist sees only the goals shared with them over an active link. A therapist may suggest
a goal; it stays a suggestion until the client accepts (maybe reworded) or declines it. All goal
text, a therapist's suggestion included, is sealed with the client's key.
"""

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select

from journal.errors import AppError, not_found, validation_error
from journal.extensions import db
from journal.models import (
    MAX_ACTIVE_GOALS,
    NOT_LINKED,
    Goal,
    GoalShare,
    GoalSuggestion,
    Link,
    User,
    new_id,
    utcnow,
)
from journal.services import audit
from journal.services.keys import cipher_for_user
from journal.services.links import client_link
from journal.services.pagination import Page, after_cursor, encode_cursor

GOALS = Goal.__tablename__
SUGGESTIONS = GoalSuggestion.__tablename__
TOO_MANY = (
    f"You can keep up to {MAX_ACTIVE_GOALS} goals at a time. Mark one reached or set aside first."
)
WAITING_AT_MOST = 10  # suggestions one therapist may leave unanswered with one client


@dataclass
class GoalView:
    """A goal as the client sees it: its words, where it stands, and who may see it."""

    id: str
    text: str
    status: str
    status_at: datetime | None
    shared_with: list[str]
    suggested_by: str | None
    created_at: datetime
    updated_at: datetime
    shared_names: list[str] = field(default_factory=list)


@dataclass
class SharedGoal:
    """A goal as the therapist it is shared with sees it."""

    id: str
    text: str
    status: str
    status_at: datetime | None
    suggested_by_me: bool
    shared_at: datetime
    created_at: datetime

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass
class SuggestionView:
    """A goal a therapist suggested, and what the client made of it."""

    id: str
    therapist_id: str
    therapist_name: str
    text: str
    status: str
    goal_id: str | None
    created_at: datetime
    answered_at: datetime | None
    goal: GoalView | None = None
    client_id: str | None = None


def _open(cipher, table: str, row) -> str:
    return cipher.open(table, row.id, "text", row.text_sealed)


def _active_links(client: User) -> dict[str, Link]:
    """The client's active links, by therapist id, therapists loaded."""
    rows = db.session.scalars(
        select(Link)
        .where(Link.client_id == client.id, Link.status == "active")
        .options(db.joinedload(Link.therapist))
    )
    return {link.therapist_id: link for link in rows}


def linked_ids(client: User) -> set[str]:
    """The therapists the client may share a goal with now (to check a form in one pass)."""
    return set(_active_links(client))


def _checked(client: User, data: dict, *, adding: bool, field: str = "text") -> list[Link] | None:
    """Check a goal's sharing and the limit on active goals together (all problems at once);
    return the links to share it over, or None when `shared_with` is not given."""
    errors, links = {}, None
    if "shared_with" in data:
        active = _active_links(client)
        named = data["shared_with"] or []
        if all(therapist_id in active for therapist_id in named):
            links = [active[therapist_id] for therapist_id in dict.fromkeys(named)]
        else:
            errors["shared_with"] = [NOT_LINKED]
    if adding and _lock_goals(client) >= MAX_ACTIVE_GOALS:
        errors[field] = [TOO_MANY]
    if errors:
        raise validation_error(errors)
    return links


def _views(client: User, goals: list[Goal]) -> list[GoalView]:
    """Client views of some goals, their live shares found in one query."""
    if not goals:
        return []
    shares: dict[str, list[Link]] = {}
    rows = db.session.execute(
        select(GoalShare.goal_id, Link)
        .join(Link, Link.id == GoalShare.link_id)
        .where(GoalShare.goal_id.in_([g.id for g in goals]), Link.status == "active")
        .options(db.joinedload(Link.therapist))
        .order_by(Link.created_at)
    ).all()
    for goal_id, link in rows:
        shares.setdefault(goal_id, []).append(link)
    cipher = cipher_for_user(client)
    return [
        GoalView(
            goal.id,
            _open(cipher, GOALS, goal),
            goal.status,
            goal.status_at,
            [link.therapist_id for link in shares.get(goal.id, [])],
            goal.suggested_by,
            goal.created_at,
            goal.updated_at,
            [link.therapist.display_name for link in shares.get(goal.id, [])],
        )
        for goal in goals
    ]


def _own(client: User, goal_id: str) -> Goal:
    goal = db.session.scalar(select(Goal).where(Goal.id == goal_id, Goal.client_id == client.id))
    if goal is None:
        raise not_found()
    return goal


def _lock_goals(client: User) -> int:
    """Lock the client's row, so two new goals at once cannot pass the limit; count active ones."""
    db.session.execute(select(User.id).where(User.id == client.id).with_for_update())
    return db.session.scalar(
        select(func.count())
        .select_from(Goal)
        .where(Goal.client_id == client.id, Goal.status == "active")
    )


def _share(goal: Goal, links: list[Link]) -> None:
    """Make the goal's shares exactly these links (others, ended ones included, are dropped)."""
    db.session.execute(delete(GoalShare).where(GoalShare.goal_id == goal.id))
    db.session.add_all(GoalShare(goal_id=goal.id, link_id=link.id) for link in links)


def _new_goal(client: User, text: str, links: list[Link], suggested_by: str | None = None) -> Goal:
    goal = Goal(id=new_id(), client_id=client.id, suggested_by=suggested_by)
    goal.text_sealed = cipher_for_user(client).seal(GOALS, goal.id, "text", text)
    db.session.add(goal)
    db.session.flush()
    _share(goal, links)
    audit.record("goal", actor_id=client.id, owner_id=client.id)
    return goal


def one(client: User, goal_id: str) -> GoalView:
    """One of the client's goals."""
    return _views(client, [_own(client, goal_id)])[0]


def mine(client: User, *, limit: int = 20, cursor: str | None = None) -> Page:
    """The client's goals, newest first."""
    rows = list(
        db.session.scalars(
            select(Goal)
            .where(Goal.client_id == client.id, after_cursor(Goal.created_at, Goal.id, cursor))
            .order_by(Goal.created_at.desc(), Goal.id.desc())
            .limit(limit + 1)
        )
    )
    items = _views(client, rows[:limit])
    more = len(rows) > limit
    return Page(items, encode_cursor(items[-1].created_at, items[-1].id) if more else None)


def all_of(client: User) -> list[GoalView]:
    """Every goal of the client's: active ones first, then the rest, newest first in each."""
    rows = db.session.scalars(
        select(Goal)
        .where(Goal.client_id == client.id)
        .order_by(Goal.created_at.desc(), Goal.id.desc())
    )
    return sorted(_views(client, list(rows)), key=lambda g: g.status != "active")


def create(client: User, data: dict) -> GoalView:
    """Add a goal in the client's own words, shared with the therapists they name (or none)."""
    links = _checked(client, data, adding=True)
    goal = _new_goal(client, data["text"], links or [])
    db.session.commit()
    return one(client, goal.id)


def update(client: User, goal_id: str, data: dict) -> GoalView:
    """Reword a goal, mark it reached, set aside or active again, or change who sees it."""
    goal = _own(client, goal_id)
    reopening = data.get("status") == "active" and goal.status != "active"
    links = _checked(client, data, adding=reopening, field="status")
    if links is not None:
        _share(goal, links)
    if "text" in data:
        goal.text_sealed = cipher_for_user(client).seal(GOALS, goal.id, "text", data["text"])
    now = utcnow()
    if data.get("status") and data["status"] != goal.status:
        goal.status = data["status"]
        goal.status_at = None if goal.status == "active" else now
    goal.updated_at = now
    audit.record("goal_changed", actor_id=client.id, owner_id=client.id)
    db.session.commit()
    return one(client, goal.id)


def remove(client: User, goal_id: str) -> None:
    """Delete a goal for good; check-ins that looked at it keep their ratings."""
    db.session.delete(_own(client, goal_id))
    audit.record("goal_deleted", actor_id=client.id, owner_id=client.id)
    db.session.commit()


def _suggestion_views(client: User, rows) -> list[SuggestionView]:
    """Views of (GoalSuggestion, Link) rows, therapists loaded with the links."""
    cipher = cipher_for_user(client)
    return [
        SuggestionView(
            row.id,
            link.therapist_id,
            link.therapist.display_name,
            _open(cipher, SUGGESTIONS, row),
            row.status,
            row.goal_id,
            row.created_at,
            row.answered_at,
            client_id=link.client_id,
        )
        for row, link in rows
    ]


def suggest(therapist: User, client_id: str, text: str) -> SuggestionView:
    """Suggest a goal to a linked client; it waits for them to accept, reword or decline it."""
    link = client_link(therapist, client_id)
    waiting = db.session.scalar(
        select(func.count())
        .select_from(GoalSuggestion)
        .where(GoalSuggestion.link_id == link.id, GoalSuggestion.status == "waiting")
    )
    if waiting >= WAITING_AT_MOST:
        raise validation_error(
            {"text": [f"{WAITING_AT_MOST} suggestions are waiting already. Give them time."]}
        )
    row = GoalSuggestion(id=new_id(), link_id=link.id)
    row.text_sealed = cipher_for_user(link.client).seal(SUGGESTIONS, row.id, "text", text)
    db.session.add(row)
    db.session.flush()
    audit.record("goal_suggested", actor_id=therapist.id, owner_id=client_id)
    db.session.commit()
    return _suggestion_views(link.client, [(row, link)])[0]


def waiting_for(client: User) -> list[SuggestionView]:
    """Suggestions waiting for the client's answer, from therapists they are linked with now."""
    rows = db.session.execute(
        select(GoalSuggestion, Link)
        .join(Link, Link.id == GoalSuggestion.link_id)
        .where(
            Link.client_id == client.id,
            Link.status == "active",
            GoalSuggestion.status == "waiting",
        )
        .options(db.joinedload(Link.therapist))
        .order_by(GoalSuggestion.created_at, GoalSuggestion.id)
    ).all()
    return _suggestion_views(client, rows)


def answer(client: User, suggestion_id: str, data: dict) -> SuggestionView:
    """Accept a suggestion as a goal (in the client's words if they reword it), or decline it.

    An accepted goal is shared with the therapist who suggested it unless the client says not.
    """
    found = db.session.execute(
        select(GoalSuggestion, Link)
        .join(Link, Link.id == GoalSuggestion.link_id)
        .where(
            GoalSuggestion.id == suggestion_id,
            Link.client_id == client.id,
            Link.status == "active",
        )
        .options(db.joinedload(Link.therapist))
        .with_for_update(of=GoalSuggestion)  # answered once, even when two answers race
    ).first()
    if found is None:
        raise not_found()
    row, link = found
    if row.status != "waiting":
        raise AppError(409, "already_answered", "You have already answered this suggestion.")
    goal = None
    if data["action"] == "accept":
        text = data.get("text") or _open(cipher_for_user(client), SUGGESTIONS, row)
        _checked(client, {}, adding=True, field="action")
        links = [link] if data.get("shared", True) else []
        goal = _new_goal(client, text, links, suggested_by=link.therapist_id)
    row.status = "accepted" if goal else "declined"
    row.goal_id, row.answered_at = goal and goal.id, utcnow()
    audit.record(f"goal_suggestion_{row.status}", actor_id=client.id, owner_id=client.id)
    db.session.commit()
    [view] = _suggestion_views(client, [(row, link)])
    view.goal = goal and one(client, goal.id)
    return view


def shared_with_therapist(therapist: User, client_id: str) -> list[SharedGoal]:
    """The goals a client shares with this therapist now: active first, then newest first."""
    link = client_link(therapist, client_id)
    rows = db.session.execute(
        select(Goal, GoalShare.shared_at)
        .join(GoalShare, GoalShare.goal_id == Goal.id)
        .where(GoalShare.link_id == link.id)
        .order_by(Goal.created_at.desc(), Goal.id.desc())
    ).all()
    if not rows:
        return []
    cipher = cipher_for_user(link.client)
    audit.record("read_goals", actor_id=therapist.id, owner_id=client_id)
    db.session.commit()
    goals = [
        SharedGoal(
            goal.id,
            _open(cipher, GOALS, goal),
            goal.status,
            goal.status_at,
            goal.suggested_by == therapist.id,
            shared_at,
            goal.created_at,
        )
        for goal, shared_at in rows
    ]
    return sorted(goals, key=lambda g: g.status != "active")


def suggested_by(therapist: User, client_id: str, limit: int = 20) -> list[SuggestionView]:
    """The therapist's own suggestions to this client, newest first, and what became of each."""
    link = client_link(therapist, client_id)
    rows = db.session.scalars(
        select(GoalSuggestion)
        .where(GoalSuggestion.link_id == link.id)
        .order_by(GoalSuggestion.created_at.desc(), GoalSuggestion.id.desc())
        .limit(limit)
    )
    return _suggestion_views(link.client, [(row, link) for row in rows])


def all_suggested_by(therapist: User) -> list[SuggestionView]:
    """Every goal the therapist suggested, over every link, ended ones too, newest first (for
    their own export): their words, opened with each client's key; what the client made of an
    accepted one is theirs, so `goal` stays empty."""
    rows = db.session.execute(
        select(GoalSuggestion, Link)
        .join(Link, Link.id == GoalSuggestion.link_id)
        .where(Link.therapist_id == therapist.id)
        .options(db.joinedload(Link.therapist), db.joinedload(Link.client))
        .order_by(GoalSuggestion.created_at.desc(), GoalSuggestion.id.desc())
    ).all()
    return [view for row in rows for view in _suggestion_views(row[1].client, [row])]
