"""API: the client's own journal entries."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.errors import AppError
from journal.schemas.entries import (
    EntryCreateSchema,
    EntryListArgsSchema,
    EntryPageSchema,
    EntrySchema,
    EntryUpdateSchema,
    FeedbackStartersSchema,
)
from journal.services import entries, feedback

CLIENT = "client"
ENTRY = EntrySchema()  # made once: a schema copies its fields when made, and dumping shares fine


@bp.get("/entries")
@role_required(CLIENT)
@documented(
    "List my entries, newest first; search and filter",
    query=EntryListArgsSchema,
    ok=(200, EntryPageSchema),
    errors=[403, 422],
)
def list_entries():
    """List the client's entries."""
    args = load_args(EntryListArgsSchema())
    return dump_page(ENTRY, entries.list_entries(current_user, **args))


@bp.post("/entries")
@role_required(CLIENT)
@documented(
    "Write an entry (idempotent by client-made id); feedback may come as the composer's parts",
    body=EntryCreateSchema,
    ok=[(201, EntrySchema), (200, EntrySchema)],
    errors=[403, 409, 410, 422, (404, "the task named in task_id is not one of yours")],
)
def create_entry():
    """Save a new entry, or return the stored one for a replayed id."""
    view, created = entries.create(current_user, load_json(EntryCreateSchema()))
    return ENTRY.dump(view), 201 if created else 200


@bp.get("/entries/<entry_id>")
@role_required(CLIENT)
@documented("Read one of my entries", ok=(200, EntrySchema), errors=[403])
def get_entry(entry_id: str):
    """Return one of the client's entries."""
    return ENTRY.dump(entries.get(current_user, entry_id))


@bp.patch("/entries/<entry_id>")
@role_required(CLIENT)
@documented(
    "Edit an entry based on its version",
    body=EntryUpdateSchema,
    ok=(200, EntrySchema),
    errors=[403, 409, 422],
)
def update_entry(entry_id: str):
    """Apply an edit; a stale version gets 409 with the current entry."""
    data = load_json(EntryUpdateSchema())
    try:
        view = entries.update(current_user, entry_id, data)
    except AppError as error:
        if error.code == "version_conflict":
            error.extra["current"] = ENTRY.dump(error.extra["current"])
        raise
    return ENTRY.dump(view)


@bp.delete("/entries/<entry_id>")
@role_required(CLIENT)
@documented("Delete an entry", ok=(204, None), errors=[403])
def delete_entry(entry_id: str):
    """Delete one of the client's entries."""
    entries.delete(current_user, entry_id)
    return "", 204


@bp.get("/feedback/starters")
@role_required(CLIENT, "therapist")
@documented(
    "The feedback composer's wording: sentence starters, topics and ways to raise it",
    ok=(200, FeedbackStartersSchema),
    errors=[403],
)
def feedback_starters():
    """Return what a client app needs to draw the feedback composer."""
    return FeedbackStartersSchema().dump(feedback.wording())
