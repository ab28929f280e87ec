"""API: sharing entries (or passages) with a therapist, withdrawing them, and who read what."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.errors import AppError
from journal.schemas.entries import ShareStatusSchema
from journal.schemas.sharing import (
    AccessEventSchema,
    AccessLogArgsSchema,
    AccessPageSchema,
    GroupedAccessPageSchema,
    GroupedAccessSchema,
    ShareSchema,
)
from journal.services import accesslog, sharing

CLIENT = "client"
SHARE = "/entries/<entry_id>/shares/<therapist_id>"


@bp.put(SHARE)
@role_required(CLIENT)
@documented(
    "Share an entry with a linked therapist (body optional: until, until_next_session, passage)",
    body=ShareSchema,
    ok=[(201, ShareStatusSchema), (200, ShareStatusSchema)],
    errors=[403, 422],
    tag="sharing",
)
def share_entry(entry_id: str, therapist_id: str):
    """Share an entry, or change the terms of a share; 201 when newly shared."""
    terms = load_json(ShareSchema())
    try:
        _, created = sharing.share(current_user, entry_id, therapist_id, **terms)
    except AppError as error:
        if error.fields and "until_session" in error.fields:
            # The service's field for the next session is called until_next_session here.
            error.fields["until_next_session"] = error.fields.pop("until_session")
        raise
    status = sharing.share_status(current_user, entry_id, therapist_id)
    return ShareStatusSchema().dump(status), 201 if created else 200


@bp.delete(SHARE)
@role_required(CLIENT)
@documented("Stop sharing an entry with a therapist", ok=(204, None), errors=[403], tag="sharing")
def withdraw_share(entry_id: str, therapist_id: str):
    """Withdraw a share: the therapist can no longer read the entry."""
    sharing.withdraw(current_user, entry_id, therapist_id)
    return "", 204


@bp.get("/access-log")
@role_required(CLIENT)
@documented(
    "Every read of my entries by someone else, newest first; with grouped=true, one item per "
    "reader, thing read and day (a count, the first and last time), a page ending with a whole day",
    query=AccessLogArgsSchema,
    ok=(200, {"anyOf": [AccessPageSchema, GroupedAccessPageSchema]}),
    errors=[403, 422],
    tag="sharing",
)
def access_log():
    """List the reads of the client's entries and packets by others, one by one or grouped."""
    args = load_args(AccessLogArgsSchema())
    if args.pop("grouped"):
        return dump_page(GroupedAccessSchema(), accesslog.grouped_reads_of(current_user, **args))
    return dump_page(AccessEventSchema(), accesslog.reads_of(current_user, **args))
