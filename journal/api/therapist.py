"""API: the therapist's side, reading what clients share, through therapist-only schemas."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.common import ListArgsSchema
from journal.schemas.therapist import (
    AllianceSchema,
    ClientPageSchema,
    ClientSchema,
    SharedCheckinPageSchema,
    SharedCheckinSchema,
    SharedEntryPageSchema,
    SharedEntrySchema,
    SharedEntrySummarySchema,
    TherapistViewInputSchema,
    TherapistViewSchema,
)
from journal.services import calibration, checkins, reading
from journal.services.pagination import Page

THERAPIST = "therapist"


@bp.get("/clients")
@role_required(THERAPIST)
@documented(
    "My linked clients: unread shares, last share, next session, alliance flag (one page)",
    ok=(200, ClientPageSchema),
    errors=[403],
    tag="therapist",
)
def list_clients():
    """List the therapist's linked clients."""
    return dump_page(ClientSchema(), Page(reading.clients(current_user), None))


@bp.get("/clients/<client_id>/shared")
@role_required(THERAPIST)
@documented(
    "What a client shares with me now, newest share first (no bodies)",
    query=ListArgsSchema,
    ok=(200, SharedEntryPageSchema),
    errors=[403, 422],
    tag="therapist",
)
def list_shared(client_id: str):
    """List the entries a client shares with the therapist."""
    args = load_args(ListArgsSchema())
    page = reading.shared_entries(current_user, client_id, **args)
    return dump_page(SharedEntrySummarySchema(), page)


@bp.get("/clients/<client_id>/shared/<entry_id>")
@role_required(THERAPIST)
@documented(
    "Read a shared entry (the first read is remembered; every read is in the client's log)",
    ok=(200, SharedEntrySchema),
    errors=[403],
    tag="therapist",
)
def read_shared(client_id: str, entry_id: str):
    """Open one shared entry."""
    return SharedEntrySchema().dump(reading.read(current_user, client_id, entry_id))


@bp.get("/clients/<client_id>/checkins")
@role_required(THERAPIST)
@documented(
    "The check-ins a client shares with me, newest first (each read is in the client's log)",
    query=ListArgsSchema,
    ok=(200, SharedCheckinPageSchema),
    errors=[403, 422],
    tag="therapist",
)
def list_checkins_shared(client_id: str):
    """List the check-ins a client shares with the therapist."""
    args = load_args(ListArgsSchema())
    page = checkins.shared_with(current_user, client_id, **args)
    return dump_page(SharedCheckinSchema(), page)


@bp.get("/clients/<client_id>/alliance")
@role_required(THERAPIST)
@documented(
    "Whether a client's shared check-ins are low or fell since the last, and the rule used",
    ok=(200, AllianceSchema),
    errors=[403],
    tag="therapist",
)
def get_alliance(client_id: str):
    """Return a client's alliance flag from their shared check-ins."""
    flag = checkins.alliance(current_user, client_id)
    own = calibration.points(current_user, client_id)
    return AllianceSchema().dump({"flag": flag, **checkins.rule(), "therapist_view": own})


@bp.put("/sessions/<session_id>/therapist-view")
@role_required(THERAPIST)
@documented(
    "Record (or change) your own view of a session that has started: how you think the client "
    "experienced it, on the check-in's four scales; the client never sees it",
    body=TherapistViewInputSchema,
    ok=(200, TherapistViewSchema),
    errors=[403, 422],
    tag="calibration",
)
def put_therapist_view(session_id: str):
    """Record your own view of a session."""
    data = load_json(TherapistViewInputSchema())
    return TherapistViewSchema().dump(calibration.record(current_user, session_id, data))
