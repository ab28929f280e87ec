"""API: the OpenAPI document."""

from flask import current_app

from journal.api.blueprint import bp
from journal.api.spec import build_spec


@bp.get("/openapi.json")
def openapi():
    """Return the OpenAPI 3 document of this API, built once per process."""
    spec = current_app.extensions.get("openapi")
    if spec is None:
        spec = current_app.extensions["openapi"] = build_spec(current_app)
    return spec
