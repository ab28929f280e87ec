"""The error shape, for the OpenAPI document."""

from marshmallow import Schema, fields


class ErrorBodySchema(Schema):
    """What went wrong."""

    code = fields.String(required=True)
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields", keys=fields.String(), values=fields.List(fields.String())
    )
    retry_after = fields.Integer()
    current = fields.Dict()


class ErrorSchema(Schema):
    """Every error response: {"error": {...}}."""

    error = fields.Nested(ErrorBodySchema, required=True)
