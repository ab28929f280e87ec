"""Describe API views as they are written, and build the OpenAPI document from them."""

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from journal.schemas.errors import ErrorSchema

STATUS_TEXT = {
    200: "OK",
    201: "Created",
    202: "Accepted",
    204: "No content",
    400: "Malformed JSON, nested more than 64 deep, or a missing CSRF token",
    401: "Not signed in",
    403: "Wrong role",
    404: "Not found, or not yours",
    409: "Conflict",
    410: "Gone",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Validation failed",
    423: "This device is locked: unlock it with the PIN",
    429: "Rate limited",
}
UNSAFE = {"post", "put", "patch", "delete"}


def documented(
    summary: str,
    *,
    body=None,
    body_type="application/json",
    query=None,
    ok=(200, None),
    errors=(),
    tag="journal",
    public=False,
):
    """Attach OpenAPI facts to a view: request schema, success (one pair or a list), errors.

    An error is a status, or a (status, description) pair naming its error codes. The body is
    JSON, except for the one route that takes a file (body_type="multipart/form-data"). A
    success may carry a third item, {media type: content}, for answers besides JSON.
    """

    def decorator(view):
        view.__openapi__ = dict(
            summary=summary,
            body=body,
            body_type=body_type,
            query=query,
            ok=ok,
            errors=tuple(errors),
            tag=tag,
            public=public,
        )
        return view

    return decorator


def _operation(meta: dict, method: str, path_params: list[str]) -> dict:
    responses = {}
    for status, schema, *other in meta["ok"] if isinstance(meta["ok"], list) else [meta["ok"]]:
        responses[str(status)] = {"description": STATUS_TEXT[status]}
        if schema is not None:
            responses[str(status)]["content"] = {"application/json": {"schema": schema}}
        if other:
            responses[str(status)].setdefault("content", {}).update(other[0])
    described = dict(e if isinstance(e, tuple) else (e, STATUS_TEXT[e]) for e in meta["errors"])
    errors = set(described) | {413, 415, 429} if method in UNSAFE else set(described)
    if not meta["public"]:
        errors.add(401)
    if method in UNSAFE:
        errors.add(400)
    if path_params:
        errors.add(404)
    for code in sorted(errors):
        responses[str(code)] = {
            "description": described.get(code, STATUS_TEXT[code]),
            "content": {"application/json": {"schema": "Error"}},
        }
    operation = {
        "summary": meta["summary"],
        "tags": [meta["tag"]],
        "responses": responses,
        "parameters": [
            {"in": "path", "name": p, "required": True, "schema": {"type": "string"}}
            for p in path_params
        ],
    }
    if meta["query"] is not None:
        operation["parameters"].append({"in": "query", "schema": meta["query"]})
    if meta["body"] is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {meta["body_type"]: {"schema": meta["body"]}},
        }
    if method in UNSAFE:
        operation["parameters"].append(
            {"in": "header", "name": "X-CSRFToken", "required": True, "schema": {"type": "string"}}
        )
    return operation


def build_spec(app: Flask) -> dict:
    """Generate the OpenAPI 3 document from every documented view under /api/v1."""
    spec = APISpec(
        title="Alliance Journal API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
    )
    spec.components.schema("Error", schema=ErrorSchema)
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": app.config["SESSION_COOKIE_NAME"]}
    )
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        meta = getattr(app.view_functions[rule.endpoint], "__openapi__", None)
        if meta is None or not rule.rule.startswith("/api/v1"):
            continue
        path = rule.rule.removeprefix("/api/v1")
        params = list(rule.arguments)
        for name in params:
            path = path.replace(f"<{name}>", f"{{{name}}}")
            path = path.replace(f"<string:{name}>", f"{{{name}}}")
        ops = {
            m.lower(): _operation(meta, m.lower(), params)
            for m in rule.methods - {"HEAD", "OPTIONS"}
        }
        if not meta["public"]:
            for op in ops.values():
                op["security"] = [{"session": []}]
        spec.path(path=path, operations=ops)
    document = spec.to_dict()
    document["servers"] = [{"url": "/api/v1"}]
    return document
