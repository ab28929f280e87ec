"""Check-in trends drawn on the server as SVG: no chart library in the browser."""

from datetime import date, datetime

from markupsafe import Markup, escape

WIDTH, HEIGHT = 320, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 12, 14, 30
MAX_TOTAL = 40


def _x(index: int, count: int) -> float:
    if count == 1:
        return LEFT + (WIDTH - LEFT - RIGHT) / 2
    return LEFT + index * (WIDTH - LEFT - RIGHT) / (count - 1)


def _y(total: float) -> float:
    return TOP + (1 - total / MAX_TOTAL) * (HEIGHT - TOP - BOTTOM)


def _summary(points: list[tuple[datetime, int]]) -> str:
    if not points:
        return "No check-ins yet"
    if len(points) == 1:
        return f"1 check-in, at {points[0][1]} out of {MAX_TOTAL}"
    return f"{len(points)} check-ins, from {points[0][1]} to {points[-1][1]} out of {MAX_TOTAL}"


def _placer(points, own):
    """Where each moment goes across: by order for one line; by time when the therapist's own
    view is drawn beside the client's, so the two lines meet on the same days."""
    if not own:
        return None
    moments = [m for m, _ in points] + [m for m, _ in own]
    start, end = min(moments), max(moments)
    span = (end - start).total_seconds()

    def place(moment: datetime) -> float:
        share = (moment - start).total_seconds() / span if span else 0.5
        return LEFT + share * (WIDTH - LEFT - RIGHT)

    return place


def trend_svg(
    points: list[tuple[datetime, int]],
    *,
    label: str,
    threshold: int | None = None,
    chart_id: str = "chart",
    own: list[tuple[datetime, int]] | None = None,
) -> Markup:
    """A line of check-in totals (0-40), oldest to newest, with the flag threshold if given.

    `points` are (moment, total) pairs oldest first; the caller shows the same numbers in a
    table, so the picture only has to make the shape plain. Give each chart on a page its own
    `chart_id` (its title and description are found by id). `own` adds the therapist's own view
    of each session as a dashed line on a shared time axis.
    """
    count = len(points)
    key = escape(chart_id)
    summary = _summary(points)
    if own:
        summary += f"; your own view of {len(own)} session{'s' if len(own) > 1 else ''}"
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-title">{escape(label)}</title>',
        f'<desc id="{key}-desc">{escape(summary)}</desc>',
    ]
    for tick in (0, 10, 20, 30, 40):
        y = _y(tick)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}"/><text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    if threshold is not None:
        y = _y(threshold)
        parts.append(
            f'<line class="chart-threshold" x1="{LEFT}" y1="{y:.1f}" '
            f'x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'
        )
    place = _placer(points, own)
    if place:
        mine = [(place(moment), _y(total)) for moment, total in own]
        if len(mine) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in mine)
            parts.append(f'<polyline class="chart-line-own" points="{path}"/>')
        for (x, y), (moment, total) in zip(mine, own, strict=True):
            parts.append(
                f'<rect class="chart-dot-own" x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" '
                f'height="7"><title>{moment:%-d %b}: your view, {total}</title></rect>'
            )
    coords = [
        (place(moment) if place else _x(i, count), _y(total))
        for i, (moment, total) in enumerate(points)
    ]
    if count > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline class="chart-line" points="{path}"/>')
    for (x, y), (moment, total) in zip(coords, points, strict=True):
        parts.append(
            f'<circle class="chart-dot" cx="{x:.1f}" cy="{y:.1f}" r="4">'
            f"<title>{moment:%-d %b}: {total}</title></circle>"
        )
    if count:
        parts.append(
            f'<text class="chart-axis" x="{coords[0][0]:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="{"middle" if count == 1 else "start"}">'
            f"{points[0][0]:%-d %b}</text>"
        )
    if count > 1:
        parts.append(
            f'<text class="chart-axis" x="{coords[-1][0]:.1f}" y="{HEIGHT - 8}" '
            f'text-anchor="end">{points[-1][0]:%-d %b}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above


LEDGER_MONTHS = 12  # the picture shows the last year; the table beside it shows every month


def ledger_svg(months: list[tuple[date, int, int]], *, chart_id: str = "ledger") -> Markup:
    """Pairs of bars per month: items raised (shared) and items addressed.

    `months` are (first of the month, raised, addressed) oldest first, every month present;
    the caller shows all of them in a table too.
    """
    shown = months[-LEDGER_MONTHS:]
    top = max([1] + [max(raised, fixed) for _, raised, fixed in shown])
    key = escape(chart_id)
    raised_total = sum(r for _, r, _ in months)
    fixed_total = sum(f for _, _, f in months)
    summary = f"{raised_total} raised and {fixed_total} addressed" + (
        f" over {len(months)} months" if len(months) > 1 else ""
    )
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{key}-title">Feedback and questions raised and addressed, by month</title>',
        f'<desc id="{key}-desc">{escape(summary)}</desc>',
    ]
    for tick in sorted({0, top // 2, top}):
        y = TOP + (1 - tick / top) * (HEIGHT - TOP - BOTTOM)
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y:.1f}"/><text class="chart-axis" x="{LEFT - 6}" y="{y + 4:.1f}" '
            f'text-anchor="end">{tick}</text>'
        )
    slot = (WIDTH - LEFT - RIGHT) / max(1, len(shown))
    bar = min(14.0, slot / 3)
    for index, (month, raised, fixed) in enumerate(shown):
        middle = LEFT + slot * (index + 0.5)
        for offset, value, css, what in (
            (-bar, raised, "chart-bar-raised", "raised"),
            (0, fixed, "chart-bar-fixed", "addressed"),
        ):
            if not value:
                continue  # nothing to draw; the table says 0
            height = value / top * (HEIGHT - TOP - BOTTOM)
            parts.append(
                f'<rect class="{css}" x="{middle + offset:.1f}" y="{HEIGHT - BOTTOM - height:.1f}"'
                f' width="{bar:.1f}" height="{height:.1f}"><title>{month:%b %Y}: {value} '
                f"{what}</title></rect>"
            )
        if len(shown) <= 6 or index in (0, len(shown) - 1):
            parts.append(
                f'<text class="chart-axis" x="{middle:.1f}" y="{HEIGHT - 8}" '
                f'text-anchor="middle">{month:%b}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside is escaped above
