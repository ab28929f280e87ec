"""API: tasks agreed together, given by a therapist and answered (or declined) by the client."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.tasks import TaskInputSchema, TaskPageSchema, TaskSchema, TaskStatusSchema
from journal.services import tasks
from journal.services.pagination import Page


@bp.post("/clients/<client_id>/tasks")
@role_required("therapist")
@documented(
    "Give a client a task for between sessions: your own words or a prompt (exactly one), "
    "maybe tied to a goal they share with you, due by the next session or by a date",
    body=TaskInputSchema,
    ok=(201, TaskSchema),
    errors=[403, 422],
    tag="tasks",
)
def assign_task(client_id: str):
    """Give a client a task."""
    data = load_json(TaskInputSchema())
    return TaskSchema().dump(tasks.assign(current_user, client_id, data)), 201


@bp.get("/clients/<client_id>/tasks")
@role_required("therapist")
@documented(
    "The tasks I gave a client, open first; an answer shows (and counts as done) only while "
    "the client shares it with me (all on one page)",
    ok=(200, TaskPageSchema),
    errors=[403],
    tag="tasks",
)
def list_given_tasks(client_id: str):
    """List the tasks you gave a client."""
    return dump_page(TaskSchema(), Page(tasks.given(current_user, client_id), None))


@bp.get("/tasks")
@role_required("client")
@documented(
    "My tasks from the therapists I am linked with, open first (all on one page)",
    ok=(200, TaskPageSchema),
    errors=[403],
    tag="tasks",
)
def list_tasks():
    """List your tasks."""
    return dump_page(TaskSchema(), Page(tasks.for_client(current_user), None))


@bp.put("/tasks/<task_id>/status")
@role_required("client")
@documented(
    'Mark a task done ("I\'ll bring it to the session"), decline it with an optional reason '
    "the therapist sees, or open it again",
    body=TaskStatusSchema,
    ok=(200, TaskSchema),
    errors=[403, 422],
    tag="tasks",
)
def set_task_status(task_id: str):
    """Say where one of your tasks stands."""
    data = load_json(TaskStatusSchema())
    return TaskSchema().dump(
        tasks.set_status(current_user, task_id, data["status"], data["reason"])
    )
