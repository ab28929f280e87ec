"""API: the client's alliance check-ins, each shared with the therapist or kept private."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.checkins import (
    CheckinCreateSchema,
    CheckinPageSchema,
    CheckinSchema,
    CheckinUpdateSchema,
)
from journal.schemas.common import ListArgsSchema
from journal.services import checkins

CLIENT = "client"


@bp.post("/checkins")
@role_required(CLIENT)
@documented(
    "Check in on the work with a linked therapist: four ratings 0-10, shared or kept private",
    body=CheckinCreateSchema,
    ok=(201, CheckinSchema),
    errors=[403, (404, "No active link to this therapist"), 422],
    tag="checkins",
)
def create_checkin():
    """Record a check-in."""
    view = checkins.create(current_user, load_json(CheckinCreateSchema()))
    return CheckinSchema().dump(view), 201


@bp.get("/checkins")
@role_required(CLIENT)
@documented(
    "My check-ins, newest first",
    query=ListArgsSchema,
    ok=(200, CheckinPageSchema),
    errors=[403, 422],
    tag="checkins",
)
def list_checkins():
    """List the client's own check-ins."""
    args = load_args(ListArgsSchema())
    return dump_page(CheckinSchema(), checkins.own(current_user, **args))


@bp.patch("/checkins/<checkin_id>")
@role_required(CLIENT)
@documented(
    "Share a private check-in now, or stop sharing one",
    body=CheckinUpdateSchema,
    ok=(200, CheckinSchema),
    errors=[403, 422],
    tag="checkins",
)
def update_checkin(checkin_id: str):
    """Change whether a check-in is shared."""
    data = load_json(CheckinUpdateSchema())
    return CheckinSchema().dump(checkins.set_shared(current_user, checkin_id, data["shared"]))
