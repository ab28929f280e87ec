"""Tasks agreed together: a therapist gives one for between sessions, the client answers it with
an entry, marks it done, or says it doesn't fit.

The client sees every task from a therapist they are linked with. The therapist sees a task as
done only when the client shares the answer or marks it done themselves; a private answer shows
nothing. A task whose time passed with nothing done reads "not_done", quietly: no reminders.
Task words and a reason for declining are sealed with the client's key.
"""

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from journal import prompts
from journal.errors import AppError, not_found, validation_error
from journal.extensions import db
from journal.models import (
    Entry,
    Goal,
    GoalShare,
    Link,
    Task,
    TherapySession,
    User,
    new_id,
    utcnow,
)
from journal.services import audit
from journal.services.access import visible_shares
from journal.services.keys import cipher_for_user
from journal.services.links import client_link

TABLE = Task.__tablename__
GOALS = Goal.__tablename__
DueSession = aliased(TherapySession)
# When a task is due: its session's start if it follows one, else its own time.
due_column = func.coalesce(DueSession.starts_at, Task.due_at)
NO_SESSION = "There's no session on the calendar yet. Add one, or choose a date."


@dataclass
class TaskView:
    """A task as one side sees it (the therapist's view leaves out what is not theirs to see)."""

    id: str
    therapist_id: str
    therapist_name: str
    text: str | None
    prompt_id: str | None
    goal_id: str | None
    goal: str | None
    due_at: datetime
    by_session: bool
    status: str
    answer_entry_id: str | None
    reason: str | None
    created_at: datetime
    client_id: str | None = None

    @property
    def words(self) -> str:
        """What to do, in the therapist's words or the prompt's."""
        if self.text:
            return self.text
        prompt = prompts.get_prompt(self.prompt_id or "")
        return prompt.text if prompt else ""

    @property
    def is_open(self) -> bool:
        return self.status == "open"

    @property
    def due_day(self) -> datetime:
        """A moment on the day it is due (a date's task is due at the midnight that ends it)."""
        return self.due_at if self.by_session else self.due_at - timedelta(minutes=1)


def _rows(where, *, shared_goals_of: Link | None = None):
    """(Task, Link, due, Entry | None, Goal | None) rows: the answer only while it exists, the
    goal only if it is shared over `shared_goals_of` (the therapist's view)."""
    goal_on = Goal.id == Task.goal_id
    if shared_goals_of is not None:
        shared = select(GoalShare.goal_id).where(GoalShare.link_id == shared_goals_of.id)
        goal_on = and_(goal_on, Goal.id.in_(shared))
    return db.session.execute(
        select(Task, Link, due_column, Entry, Goal)
        .join(Link, Link.id == Task.link_id)
        .outerjoin(DueSession, DueSession.id == Task.due_session_id)
        .outerjoin(Entry, and_(Entry.id == Task.answer_entry_id, Entry.deleted_at.is_(None)))
        .outerjoin(Goal, goal_on)
        .where(*where)
        .options(db.joinedload(Link.therapist))
        .order_by(Task.created_at.desc(), Task.id.desc())
    ).all()


def _status(task: Task, due: datetime, answered: bool) -> str:
    if task.declined_at:
        return "declined"
    if task.done_at or answered:
        return "done"
    return "not_done" if due <= utcnow() else "open"


def _view(client: User, row, answer_visible: bool) -> TaskView:
    task, link, due, entry, goal = row
    cipher = cipher_for_user(client)
    text = task.text_sealed and cipher.open(TABLE, task.id, "text", task.text_sealed)
    reason = task.reason_sealed and cipher.open(TABLE, task.id, "reason", task.reason_sealed)
    answered = entry is not None and answer_visible
    return TaskView(
        id=task.id,
        therapist_id=link.therapist_id,
        therapist_name=link.therapist.display_name,
        text=text or None,
        prompt_id=task.prompt_id,
        goal_id=goal.id if goal else None,
        goal=cipher.open(GOALS, goal.id, "text", goal.text_sealed) if goal else None,
        due_at=due,
        by_session=task.due_session_id is not None,
        status=_status(task, due, answered),
        answer_entry_id=entry.id if answered else None,
        reason=reason or None,  # "this doesn't fit me" is feedback: the therapist sees it
        created_at=task.created_at,
        client_id=link.client_id,
    )


def _open_first(views: list[TaskView]) -> list[TaskView]:
    """Open tasks first, soonest due first; then the rest, newest first (the rows' order)."""
    waiting = sorted((v for v in views if v.is_open), key=lambda v: v.due_at)
    return waiting + [v for v in views if not v.is_open]


def _due(link: Link, client: User, due: dict) -> tuple[datetime, str | None]:
    """When a new task is due: the next session's start, or the end of a date on the client's
    calendar; 422 on `due` if there is no such session or the date has passed."""
    if due.get("next_session"):
        session = db.session.scalar(
            select(TherapySession)
            .where(TherapySession.link_id == link.id, TherapySession.starts_at > utcnow())
            .order_by(TherapySession.starts_at, TherapySession.id)
        )
        if session is None:
            raise validation_error({"due": [NO_SESSION]})
        return session.starts_at, session.id
    zone = ZoneInfo(client.time_zone)
    day: date = due["date"]
    if day < utcnow().astimezone(zone).date():
        raise validation_error({"due": ["That date has passed. Choose today or later."]})
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    return end.astimezone(UTC), None


def _shared_goal(link: Link, goal_id: str | None) -> Goal | None:
    """A goal the client shares with this therapist; 422 on `goal_id` for any other."""
    if not goal_id:
        return None
    goal = db.session.scalar(
        select(Goal)
        .join(GoalShare, GoalShare.goal_id == Goal.id)
        .where(Goal.id == goal_id, GoalShare.link_id == link.id)
    )
    if goal is None:
        raise validation_error({"goal_id": ["Choose a goal your client shares with you."]})
    return goal


def assign(therapist: User, client_id: str, data: dict) -> TaskView:
    """Give a linked client a task: a prompt or the therapist's own words, maybe tied to a goal
    they share, due by the next session or by a date."""
    link = client_link(therapist, client_id)
    client = link.client
    errors, goal = {}, None
    try:  # gather every problem before answering
        goal = _shared_goal(link, data.get("goal_id"))
    except AppError as error:
        errors.update(error.fields or {})
    try:
        due_at, session_id = _due(link, client, data["due"])
    except AppError as error:
        errors.update(error.fields or {})
    if errors:
        raise validation_error(errors)
    task = Task(
        id=new_id(),
        link_id=link.id,
        prompt_id=data.get("prompt_id"),
        goal_id=goal and goal.id,
        due_at=due_at,
        due_session_id=session_id,
        created_at=utcnow(),
    )
    if data.get("text"):
        task.text_sealed = cipher_for_user(client).seal(TABLE, task.id, "text", data["text"])
    db.session.add(task)
    audit.record("task", actor_id=therapist.id, owner_id=client.id)
    db.session.commit()
    [view] = given(therapist, client_id, task_id=task.id)
    return view


def for_client(client: User) -> list[TaskView]:
    """The client's tasks from the therapists they are linked with: open ones first."""
    rows = _rows((Link.client_id == client.id, Link.status == "active"))
    return _open_first([_view(client, row, answer_visible=True) for row in rows])


def all_of(client: User) -> list[TaskView]:
    """Every task the client was given, over any link, ended ones too (for the export)."""
    rows = _rows((Link.client_id == client.id,))
    return [_view(client, row, answer_visible=True) for row in rows]


def _answers_shared(therapist: User, rows) -> set[str]:
    """Which of these tasks' answers the therapist may read now (one query)."""
    ids = [entry.id for _, _, _, entry, _ in rows if entry is not None]
    if not ids:
        return set()
    return set(
        db.session.scalars(
            visible_shares(therapist).with_only_columns(Entry.id).where(Entry.id.in_(ids))
        )
    )


def given(therapist: User, client_id: str, task_id: str | None = None) -> list[TaskView]:
    """The therapist's own tasks for a client: open ones first; an answer shows (and counts as
    done) only while the client shares it with them."""
    link = client_link(therapist, client_id)
    where = [Task.link_id == link.id] + ([Task.id == task_id] if task_id else [])
    rows = _rows(where, shared_goals_of=link)
    shared = _answers_shared(therapist, rows)
    views = [
        _view(link.client, row, answer_visible=row[3] is not None and row[3].id in shared)
        for row in rows
    ]
    if any(view.reason for view in views):  # the client's own words were read
        audit.record("read_tasks", actor_id=therapist.id, owner_id=link.client_id)
        db.session.commit()
    return _open_first(views)


def given_by(therapist: User) -> list[TaskView]:
    """Every task the therapist gave, over every link, ended ones too, newest first (for their
    own export): their words and where each stands, without the client's goal or reason."""
    rows = _rows((Link.therapist_id == therapist.id,))
    if not rows:
        return []
    shared = _answers_shared(therapist, rows)
    # Every client at once, so each link's client comes from the session, not a query of its own.
    db.session.scalars(select(User).where(User.id.in_({row[1].client_id for row in rows}))).all()
    views = []
    for task, link, due, entry, _goal in rows:  # the goal is in the client's words: left out
        visible = entry is not None and entry.id in shared
        view = _view(link.client, (task, link, due, entry, None), answer_visible=visible)
        views.append(replace(view, reason=None))  # "why it doesn't fit": the client's words
    return views


def _own(client: User, task_id: str) -> Task:
    """One of the client's tasks, over a link still active; anything else is not found."""
    task = db.session.scalar(
        select(Task)
        .join(Link, Link.id == Task.link_id)
        .where(Task.id == task_id, Link.client_id == client.id, Link.status == "active")
    )
    if task is None:
        raise not_found()
    return task


def to_answer(client: User, task_id: str) -> Task:
    """The task a new entry will answer: the client's own, over a live link (else 404)."""
    return _own(client, task_id)


def answered_by(task: Task, entry: Entry) -> Task:
    """Record that a new entry answers the task (inside the entry's create, before commit)."""
    task.answer_entry_id, task.answered_at = entry.id, utcnow()
    task.declined_at, task.reason_sealed = None, None
    return task


def one(client: User, task_id: str) -> TaskView:
    """One of the client's tasks (the editor shows it above an answer)."""
    task = _own(client, task_id)
    [row] = _rows((Task.id == task.id,))
    return _view(client, row, answer_visible=True)


def set_status(client: User, task_id: str, status: str, reason: str | None = None) -> TaskView:
    """Mark a task done ("I'll bring it to the session"), decline it ("this doesn't fit me",
    with an optional reason the therapist sees), or open it again."""
    task = _own(client, task_id)
    now = utcnow()
    task.done_at = now if status == "done" else None
    task.declined_at = now if status == "declined" else None
    task.reason_sealed = (
        cipher_for_user(client).seal(TABLE, task.id, "reason", reason)
        if status == "declined" and reason
        else None
    )
    audit.record(f"task_{status}", actor_id=client.id, owner_id=client.id)
    db.session.commit()
    return one(client, task.id)


def for_session(session: TherapySession, viewer: User) -> list[TaskView]:
    """The tasks that belong to a session's talk: due after the session before it began, up to
    this one's end. The therapist sees them as `given` does; the client as `for_client`."""
    before = db.session.scalar(
        select(func.max(TherapySession.starts_at)).where(
            TherapySession.link_id == session.link_id,
            TherapySession.starts_at < session.starts_at,
        )
    )
    where = [Task.link_id == session.link_id, due_column <= session.ends_at]
    if before is not None:
        where.append(due_column > before)
    link = db.session.get(Link, session.link_id)
    if viewer.id == link.therapist_id:
        rows = _rows(where, shared_goals_of=link)
        shared = _answers_shared(viewer, rows)
        views = [_view(link.client, r, r[3] is not None and r[3].id in shared) for r in rows]
    else:
        views = [_view(viewer, r, answer_visible=True) for r in _rows(where)]
    return _open_first(views)
