"""API: bring entries in from another journal (the one route that takes a file), list the
reports, and undo an import."""

from flask import current_app, request
from flask_login import current_user
from marshmallow import ValidationError

from journal.api.blueprint import bp
from journal.api.io import dump_page, load_args
from journal.api.spec import documented
from journal.auth import role_required
from journal.errors import AppError
from journal.ratelimits import IMPORTS_PER_ACCOUNT
from journal.schemas.common import ListArgsSchema
from journal.schemas.imports import ImportPageSchema, ImportSchema, ImportUploadSchema, UndoSchema
from journal.services import importing
from journal.services.importing.sources import too_large

CLIENT = "client"
UPLOAD_ENDPOINTS = {"api.create_import", "imports.create"}
MULTIPART = "multipart/form-data"
FORM_SLACK = 64 * 1024  # room for the form's own parts around the file


def allow_upload(endpoint: str | None, _values=None) -> None:
    """Let an upload route take a file of up to MAX_IMPORT_BYTES (every other request stops at
    1 MiB). Runs as a URL value preprocessor: before anything reads the body, the CSRF check
    included, which reads forms."""
    if endpoint not in UPLOAD_ENDPOINTS:
        return
    limit = current_app.config["MAX_IMPORT_BYTES"]
    if request.content_length is not None and request.content_length > limit + FORM_SLACK:
        raise too_large(limit)
    request.max_content_length = limit + FORM_SLACK


bp.url_value_preprocessor(allow_upload)


def load_upload() -> dict:
    """Read the multipart body: 415 for any other kind of body, 422 when a field is wrong."""
    if request.mimetype != MULTIPART:
        raise AppError(415, "unsupported_media_type", f"Please send the file as {MULTIPART}.")
    form = request.form.to_dict()
    form.pop("csrf_token", None)  # the token may come as a field instead of the header
    if len(request.files.getlist("file")) > 1:
        raise ValidationError({"file": ["Send one file at a time."]})
    return ImportUploadSchema().load({**form, **request.files.to_dict()})


@bp.post("/imports")
@IMPORTS_PER_ACCOUNT
@role_required(CLIENT)
@documented(
    "Bring in entries from a file: our export, Day One, or Markdown notes (multipart)",
    body=ImportUploadSchema,
    body_type=MULTIPART,
    ok=(201, ImportSchema),
    errors=[
        403,
        (413, "too_large: the file is over MAX_IMPORT_BYTES"),
        (415, "the body is not multipart/form-data"),
        (422, "validation_failed, or a file we can't read (the message says what we expected)"),
        429,
    ],
    tag="imports",
)
def create_import():
    """Import a file's entries and answer with the report."""
    data = load_upload()
    upload = importing.Upload(data["file"].filename or "", data["file"].stream)
    return ImportSchema().dump(importing.start(current_user, upload, data["source"])), 201


@bp.get("/imports")
@role_required(CLIENT)
@documented(
    "My imports and their reports, newest first",
    query=ListArgsSchema,
    ok=(200, ImportPageSchema),
    errors=[403, 422],
    tag="imports",
)
def list_imports():
    """List the client's imports."""
    args = load_args(ListArgsSchema())
    return dump_page(ImportSchema(), importing.list_imports(current_user, **args))


@bp.get("/imports/<import_id>")
@role_required(CLIENT)
@documented("One import's report", ok=(200, ImportSchema), errors=[403], tag="imports")
def get_import(import_id: str):
    """Return one of the client's imports."""
    return ImportSchema().dump(importing.get(current_user, import_id))


@bp.delete("/imports/<import_id>")
@role_required(CLIENT)
@documented(
    "Undo an import: its entries go, except those edited or shared since (listed in kept)",
    ok=(200, UndoSchema),
    errors=[403],
    tag="imports",
)
def undo_import(import_id: str):
    """Undo one of the client's imports."""
    return UndoSchema().dump(importing.undo(current_user, import_id))
