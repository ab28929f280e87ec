"""The check-in trend chart: SVG drawn on the server, its numbers on the scale, its text escaped."""

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import Markup

from journal.charts import BOTTOM, HEIGHT, LEFT, MAX_TOTAL, RIGHT, TOP, WIDTH, trend_svg

SVG = "{http://www.w3.org/2000/svg}"
START = datetime(2025, 3, 1, 17, 0, tzinfo=UTC)


def points(*totals: int) -> list[tuple[datetime, int]]:
    """(moment, total) pairs a week apart, oldest first."""
    return [(START + timedelta(days=7 * n), total) for n, total in enumerate(totals)]


def parse(markup: Markup) -> ET.Element:
    """The chart as XML: it must be well-formed."""
    return ET.fromstring(str(markup))  # noqa: S314 - the app's own output, in a test


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if el.get("class") == name]


def y_of(total: float) -> float:
    """Where a total sits on the y scale: 0 at the bottom of the plot, 40 at its top."""
    return TOP + (1 - total / MAX_TOTAL) * (HEIGHT - TOP - BOTTOM)


def test_no_points_draws_an_empty_scale():
    root = parse(trend_svg([], label="Your check-ins"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}desc").text == "No check-ins yet"
    assert by_class(root, "chart-dot") == [] and by_class(root, "chart-line") == []
    assert len(by_class(root, "chart-grid")) == 5
    ticks = [el.text for el in by_class(root, "chart-axis")]
    assert ticks == ["0", "10", "20", "30", "40"]  # no date labels without points


def test_one_point_is_a_dot_in_the_middle_without_a_line():
    root = parse(trend_svg(points(30), label="Trend"))
    [dot] = by_class(root, "chart-dot")
    assert by_class(root, "chart-line") == []
    assert float(dot.get("cx")) == pytest.approx(LEFT + (WIDTH - LEFT - RIGHT) / 2)
    assert float(dot.get("cy")) == pytest.approx(y_of(30), abs=0.05)
    assert dot.find(f"{SVG}title").text == "1 Mar: 30"
    assert root.find(f"{SVG}desc").text == "1 check-in, at 30 out of 40"
    dates = [el for el in by_class(root, "chart-axis") if el.text == "1 Mar"]
    assert len(dates) == 1 and dates[0].get("text-anchor") == "middle"


@pytest.mark.parametrize("totals", [(36, 35), (0, 40, 20, 10), tuple(range(0, 41, 4))])
def test_many_points_one_dot_each_on_the_scale(totals):
    root = parse(trend_svg(points(*totals), label="Trend"))
    dots = by_class(root, "chart-dot")
    assert len(dots) == len(totals)
    xs = [float(d.get("cx")) for d in dots]
    assert xs[0] == pytest.approx(LEFT) and xs[-1] == pytest.approx(WIDTH - RIGHT)
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # oldest on the left
    for dot, total in zip(dots, totals, strict=True):
        assert float(dot.get("cy")) == pytest.approx(y_of(total), abs=0.05)
        assert dot.find(f"{SVG}title").text.endswith(f": {total}")
    [line] = by_class(root, "chart-line")
    pairs = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert pairs == [(float(d.get("cx")), float(d.get("cy"))) for d in dots]
    summary = f"{len(totals)} check-ins, from {totals[0]} to {totals[-1]} out of 40"
    assert root.find(f"{SVG}desc").text == summary


def test_the_ends_of_the_scale():
    root = parse(trend_svg(points(0, 40), label="Trend"))
    low, high = by_class(root, "chart-dot")
    assert float(low.get("cy")) == pytest.approx(HEIGHT - BOTTOM)
    assert float(high.get("cy")) == pytest.approx(TOP)
    grid = {el.text: float(el.get("y")) - 4 for el in by_class(root, "chart-axis") if el.text}
    assert grid["0"] == pytest.approx(float(low.get("cy")))
    assert grid["40"] == pytest.approx(float(high.get("cy")))


def test_first_and_last_dates_label_the_x_axis():
    root = parse(trend_svg(points(30, 31, 29), label="Trend"))
    labels = [el for el in by_class(root, "chart-axis") if not el.text.isdigit()]
    assert [(el.text, el.get("text-anchor")) for el in labels] == [
        ("1 Mar", "start"),
        ("15 Mar", "end"),
    ]


@pytest.mark.parametrize("threshold", [36, 0, 40])
def test_the_threshold_line_sits_at_its_total(threshold):
    root = parse(trend_svg(points(30, 38), label="Trend", threshold=threshold))
    [line] = by_class(root, "chart-threshold")
    assert float(line.get("y1")) == float(line.get("y2")) == pytest.approx(y_of(threshold), 0.05)
    assert (float(line.get("x1")), float(line.get("x2"))) == (LEFT, WIDTH - RIGHT)


def test_no_threshold_no_line():
    assert by_class(parse(trend_svg(points(30, 38), label="Trend")), "chart-threshold") == []


@pytest.mark.parametrize(
    "label",
    [
        '<script>alert("x")</script>',
        'Sam & Alex\'s "check-ins"',
        "</title><desc>fake</desc>",
        "🌊 Ünïcode ✓",
    ],
)
def test_the_label_is_escaped(label):
    chart = trend_svg(points(30), label=label)
    assert isinstance(chart, Markup)
    assert "<script" not in chart and "</title><desc>fake" not in chart
    root = parse(chart)  # still one well-formed document
    assert root.find(f"{SVG}title").text == label
    assert len(root.findall(f"{SVG}desc")) == 1


def test_title_and_description_name_the_chart():
    root = parse(trend_svg(points(30), label="Trend"))
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert root.find(f"{SVG}title").get("id") == "chart-title"
    assert root.find(f"{SVG}desc").get("id") == "chart-desc"


def test_two_charts_on_one_page_have_their_own_ids():
    first = parse(trend_svg(points(30), label="With Dr A", chart_id="chart-a"))
    second = parse(trend_svg(points(30), label="With Dr B", chart_id="chart-b"))
    ids = [el.get("id") for root in (first, second) for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids)) == 4
    assert second.get("aria-labelledby") == "chart-b-title chart-b-desc"


def test_no_script_or_style_inside():
    chart = str(trend_svg(points(10, 20, 30), label="Trend", threshold=36))
    assert not re.search(r"<script|style=|<style|on\w+=", chart)
