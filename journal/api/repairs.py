"""API: the repair ledger, what came of each feedback and question, from either side."""

from flask_login import current_user

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args, load_json
from journal.api.spec import documented
from journal.auth import role_required
from journal.schemas.common import ListArgsSchema
from journal.schemas.repairs import (
    LedgerItemSchema,
    LedgerPageSchema,
    RepairInputSchema,
    RepairSchema,
)
from journal.schemas.therapist import SharedLedgerItemSchema, SharedLedgerPageSchema
from journal.services import repairs


@bp.put("/entries/<entry_id>/repair")
@role_required("client")
@documented(
    "Say what came of a feedback or question: addressed, partly or not yet (422 on other kinds)",
    body=RepairInputSchema,
    ok=(200, RepairSchema),
    errors=[403, 422],
    tag="journal",
)
def mark_repair(entry_id: str):
    """Record what came of one of your feedback notes or questions."""
    data = load_json(RepairInputSchema())
    return RepairSchema().dump(repairs.mark(current_user, entry_id, data))


@bp.get("/repairs")
@role_required("client")
@documented(
    "My feedback and questions, newest first, each with what came of it",
    query=ListArgsSchema,
    ok=(200, LedgerPageSchema),
    errors=[403, 422],
    tag="journal",
)
def list_repairs():
    """List your repair ledger."""
    page = repairs.client_ledger(current_user, **load_args(ListArgsSchema()))
    return dump_page(LedgerItemSchema(), page)


@bp.get("/clients/<client_id>/repairs")
@role_required("therapist")
@documented(
    "A client's feedback and questions shared with me now, newest share first, with what came "
    "of each as far as the client chose to tell me",
    query=ListArgsSchema,
    ok=(200, SharedLedgerPageSchema),
    errors=[403, 422],
    tag="therapist",
)
def list_client_repairs(client_id: str):
    """List what came of a client's feedback and questions, as shared with you."""
    args = load_args(ListArgsSchema())
    page = repairs.therapist_ledger(current_user, client_id, **args)
    return dump_page(SharedLedgerItemSchema(), page)
