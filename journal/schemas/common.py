"""Schemas shared by every list."""

from marshmallow import EXCLUDE, Schema, fields, validate

from journal.schemas.fields import Text


class ListArgsSchema(Schema):
    """?limit= and ?cursor= on every list."""

    class Meta:
        unknown = EXCLUDE

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = Text(load_default=None, allow_nul=False, validate=validate.Length(max=200))


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    """Build the one list shape, {items, next_cursor}, around an item schema."""
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )
