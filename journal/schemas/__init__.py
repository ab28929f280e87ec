"""marshmallow schemas: the wire format and every rule for input."""
