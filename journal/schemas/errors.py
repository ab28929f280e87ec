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
    tries_left = fields.Integer(metadata={"description": "pin_invalid: wrong PINs left"})
    signed_out = fields.Boolean(metadata={"description": "pin_invalid: this device is signed out"})


class ErrorSchema(Schema):
    """Every error response: {"error": {...}}."""

    error = fields.Nested(ErrorBodySchema, required=True)
