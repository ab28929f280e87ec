"""Pages: the repair ledger. The client says what came of a feedback or question; each side
sees the ledger (the therapist only what is shared with them, with a monthly timeline)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import ValidationError, pre_load

from journal import prompts
from journal.auth import role_required
from journal.charts import ledger_svg
from journal.errors import AppError, flatten_messages
from journal.schemas.common import ListArgsSchema
from journal.schemas.repairs import RepairInputSchema
from journal.services import entries, reading, repairs
from journal.web.dates import user_zone
from journal.web.forms import read_form

bp = Blueprint("repairs", __name__)

# How each side reads a status; "open" means no word from the client yet.
CLIENT_LABELS = {
    "open": "Open",
    "addressed": "Addressed",
    "partly": "Partly addressed",
    "not_yet": "Not yet",
}
THERAPIST_LABELS = {**CLIENT_LABELS, "open": "No word yet"}
# Where a verdict given from elsewhere returns to.
RETURNS = {"home": "journal.home", "ledger": "repairs.ledger"}


class RepairFormSchema(RepairInputSchema):
    """The verdict form: an empty note is no note; the sharing box is there only when the item
    is shared (without it, the service's default applies)."""

    @pre_load
    def _from_form(self, data, **kwargs):
        found = {"status": data.get("status", ""), "note": data.get("note") or None}
        if "share_choice" in data:
            found["shared"] = "shared" in data
        return found


@bp.record_once
def _labels(state):
    state.app.jinja_env.globals.update(repair_labels=CLIENT_LABELS)


@bp.get("/journal/ledger")
@role_required("client")
def ledger():
    """Every feedback and question the client wrote, and what came of each."""
    page, errors = None, {}
    try:
        page = repairs.client_ledger(current_user, **ListArgsSchema().load(request.args.to_dict()))
    except ValidationError as error:
        errors = flatten_messages(error.messages)
    except AppError as error:  # a damaged cursor
        errors = error.fields or {}
    return render_template("repairs/ledger.html", page=page, errors=errors, labels=CLIENT_LABELS), (
        422 if errors else 200
    )


@bp.post("/journal/<entry_id>/repair")
@role_required("client")
def mark(entry_id: str):
    """Say what came of a feedback or question, with an optional note for yourself."""
    data, errors = read_form(RepairFormSchema)
    if not errors:
        try:
            repairs.mark(current_user, entry_id, data)
        except AppError as error:
            if error.status != 422:
                raise
            errors = error.fields or {"status": [error.message]}
    if errors:
        view = entries.get(current_user, entry_id)
        return render_template(
            "journal/entry.html",
            entry=view,
            prompt=prompts.get_prompt(view.prompt_id or ""),
            repair_errors=errors,
            repair_form=request.form,
        ), 422
    flash("Thank you. It's in your ledger.")
    back = RETURNS.get(request.form.get("next", ""))
    if back:
        return redirect(url_for(back))
    return redirect(url_for("journal.show", entry_id=entry_id, _anchor="repair"))


@bp.get("/therapist/clients/<client_id>/ledger")
@role_required("therapist")
def client_ledger(client_id: str):
    """What came of a client's feedback and questions shared with you, month by month."""
    client = reading.client_link(current_user, client_id).client
    items = repairs.whole_for_therapist(current_user, client_id)
    months = repairs.by_month(items, user_zone())
    return render_template(
        "repairs/therapist.html",
        client=client,
        items=items,
        months=months,
        chart=ledger_svg(months) if months else None,
        labels=THERAPIST_LABELS,
    )
