"""Schemas for imports: the upload (the one multipart body), the report, and an undo."""

from marshmallow import Schema, ValidationError, fields, pre_load, validate
from werkzeug.datastructures import FileStorage

from journal.models import IMPORT_SOURCES
from journal.schemas.common import page_schema
from journal.schemas.fields import UTCDateTimeField

SOURCE = validate.OneOf(
    IMPORT_SOURCES,
    error="Choose one of: alliance (our export), dayone (Day One) or markdown (notes); or "
    "leave it out and we'll recognise the file.",
)


class FileField(fields.Field):
    """An uploaded file (a part of a multipart/form-data body)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage) or (not value.filename and _empty(value)):
            raise ValidationError("Choose the file to bring in.")
        return value


def _empty(upload: FileStorage) -> bool:
    """A form sent with no file chosen has a part with no name and no bytes."""
    at_start = upload.stream.read(1) == b""
    upload.stream.seek(0)
    return at_start


class ImportUploadSchema(Schema):
    """The upload: the file, and where it comes from (leave it out and we'll recognise it)."""

    file = FileField(
        required=True,
        error_messages={"required": "Choose the file to bring in."},
        metadata={
            "type": "string",
            "format": "binary",
            "description": "our JSON or ZIP export; a Day One export (ZIP or .json); Markdown "
            "or text notes (one file, or a ZIP of them)",
        },
    )
    source = fields.String(
        load_default=None,
        allow_none=True,
        validate=SOURCE,
        metadata={"enum": list(IMPORT_SOURCES)},
    )

    @pre_load
    def _blank_source_is_none(self, data, **kwargs):
        """A form's "recognise it for me" choice sends an empty source."""
        if isinstance(data, dict) and data.get("source") == "":
            return {**data, "source": None}
        return data


class FailedSchema(Schema):
    """Something that could not come in, and why."""

    name = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)


class TagNotKeptSchema(Schema):
    """A tag that didn't fit our rules, and which rule."""

    tag = fields.String(dump_only=True)
    reason = fields.String(dump_only=True)


class ImportSchema(Schema):
    """An import's report."""

    id = fields.String(dump_only=True)
    source = fields.String(dump_only=True, metadata={"enum": list(IMPORT_SOURCES)})
    file = fields.String(dump_only=True, metadata={"description": "the uploaded file's name"})
    created = fields.Integer(
        dump_only=True, metadata={"description": "entries made (each part of a split one)"}
    )
    skipped = fields.Integer(
        dump_only=True, metadata={"description": "entries already here (an earlier import)"}
    )
    checkins_created = fields.Integer(dump_only=True)
    checkins_skipped = fields.Integer(dump_only=True)
    failed = fields.List(fields.Nested(FailedSchema), dump_only=True)
    left_out = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        dump_only=True,
        metadata={"description": "what we can't hold, counted: photos, audio, locations..."},
    )
    tags_not_kept = fields.List(fields.Nested(TagNotKeptSchema), dump_only=True)
    notes = fields.List(fields.String(), dump_only=True)
    created_at = UTCDateTimeField(dump_only=True)
    finished_at = UTCDateTimeField(
        dump_only=True,
        allow_none=True,
        metadata={"description": "null while running, or if it was cut off (run it again)"},
    )
    undone_at = UTCDateTimeField(dump_only=True, allow_none=True)


class UndoSchema(Schema):
    """What undoing an import took out, and the entries that stayed."""

    removed = fields.Integer(dump_only=True)
    checkins_removed = fields.Integer(dump_only=True)
    kept = fields.List(
        fields.String(),
        dump_only=True,
        metadata={"description": "ids of its entries edited or shared since, which stay"},
    )


ImportPageSchema = page_schema(ImportSchema, "ImportPage")
