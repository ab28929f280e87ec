"""JSON bodies read safely: nesting is capped, so a hostile body costs a 400, never a crash."""

from flask.json.provider import DefaultJSONProvider

from journal.errors import AppError

MAX_DEPTH = 64  # far beyond any body of ours (the deepest, a feedback entry, is 3)


def too_deep() -> AppError:
    """The one answer for a body nested beyond MAX_DEPTH."""
    return AppError(
        400,
        "too_deeply_nested",
        f"The request body is nested too deeply ({MAX_DEPTH} levels at most).",
    )


def depth(value) -> int:
    """How deeply lists and objects nest in a parsed value (walked without recursion)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON, refusing bodies nested deeper than MAX_DEPTH wherever one is parsed (the
    rate limiter's key, the API's loader), before any other work is done with them."""

    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError as exc:  # deeper than the parser itself can go
            raise too_deep() from exc
        if depth(value) > MAX_DEPTH:
            raise too_deep()
        return value
