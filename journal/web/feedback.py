"""Pages: the "what isn't working" composer, its preview, and saving it as private feedback."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from marshmallow import EXCLUDE, ValidationError, fields, post_load, pre_load

from journal.auth import role_required
from journal.errors import AppError, flatten_messages
from journal.models import new_id
from journal.schemas.entries import DIFFICULTY, TITLE, FeedbackSchema
from journal.schemas.fields import Text
from journal.services import entries, feedback, links

bp = Blueprint("feedback", __name__, url_prefix="/feedback")

SAVED_AGAIN = (
    "You had saved an earlier version of this; it is still in your journal, beside this one."
)


class ComposerFormSchema(FeedbackSchema):
    """The API's feedback parts as a form sends them, with the entry's id and title; only "what
    isn't working" is needed, the rest helps."""

    class Meta:
        unknown = EXCLUDE

    id = fields.UUID(load_default=None, error_messages={"invalid_uuid": "Please start again."})
    # A form sends "7", not 7: the same range, read from text.
    difficulty = fields.Integer(
        load_default=None, validate=DIFFICULTY, error_messages={"invalid": DIFFICULTY.error}
    )
    title = Text(load_default="", validate=TITLE)

    @pre_load
    def _drop_blanks(self, data, **kwargs):
        return {k: v for k, v in data.items() if k == "topics" or str(v).strip()}

    @post_load
    def _topics_in_order(self, data, **kwargs):
        data["topics"] = [t for t in feedback.TOPICS if t in data["topics"]]
        return data


def _posted() -> dict:
    """What the form sent, with the topic checkboxes as a list."""
    return {**request.form.to_dict(), "topics": request.form.getlist("topics")}


def _composer(values: dict, errors: dict, status: int = 200, fresh: bool = False):
    # A fresh composer may be filled in the browser with words kept on the device.
    page = "feedback/compose.html"
    # Each linked therapist's own invitation to say what isn't working leads the composer.
    notes = [k.therapist for k in links.links_of(current_user) if k.therapist.invitation_note]
    context = {"feedback": feedback, "fresh": fresh, "notes": notes}
    return render_template(page, form=values, errors=errors, **context), status


def _read() -> tuple[dict | None, dict]:
    try:
        return ComposerFormSchema().load(_posted()), {}
    except ValidationError as error:
        return None, flatten_messages(error.messages)


@bp.before_request
@role_required("client")
def clients_only():
    """The composer is for clients."""


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Show the composer: empty with a fresh id, or (posted back from the preview) as it was."""
    if request.method == "GET":
        return _composer({"id": new_id(), "topics": []}, {}, fresh=True)
    return _composer(_posted(), {})


@bp.post("/preview")
def preview():
    """Show exactly what the therapist would read, with the parts kept for saving or changing."""
    data, errors = _read()
    if errors:
        return _composer(_posted(), errors, 422)
    composed = feedback.compose(data)
    return render_template(
        "feedback/preview.html", form=_posted(), composed=composed, feedback=feedback
    )


@bp.get("/preview")
def preview_again():
    """A preview can't be opened by address (after signing in again, say): go to the composer,
    which brings back the words kept on this device."""
    return redirect(url_for("feedback.new"))


@bp.post("")
def save():
    """Save the composed feedback as a private entry; a repeated click finds the same one."""
    data, errors = _read()
    if errors:
        return _composer(_posted(), errors, 422)
    composed = feedback.compose(data)
    entry = {"id": data["id"], "kind": "feedback", "tags": [], "prompt_id": None, **composed}
    try:
        view, created = entries.create(current_user, entry)
        if not created and (view.title, view.body) != (composed["title"], composed["body"]):
            # This id was saved before with other words (changed after going back to an old
            # preview, say): a repeated click it is not, so keep both versions.
            view, _ = entries.create(current_user, {**entry, "id": new_id()})
            flash(SAVED_AGAIN)
    except AppError as error:  # the same id was used elsewhere, or deleted since
        form = {**_posted(), "id": new_id()}
        return _composer(form, {"_form": [error.message]}, error.status)
    flash("Saved as private feedback. Only you can read it until you choose to share it.")
    return redirect(url_for("journal.show", entry_id=view.id))
