"""Axis labels of the build-time line charts: spread out, never on top of each other."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from sitegen.charts import (
    BOTTOM,
    HEIGHT,
    LABEL_GLYPH_WIDTH,
    LEFT,
    RIGHT,
    WIDTH,
    line_chart,
)

AXIS_LABEL = re.compile(r'<text class="chart__label" x="([\d.]+)" y="(\d+)" text-anchor="(\w+)">([^<]+)</text>')


def _axis_labels(count: int, label: str) -> list[tuple[float, float, str]]:
    """The x-axis labels of a chart with `count` points, as (left edge, right edge, text)."""
    points = [(f"{label}{index:02d}", float(index % 100)) for index in range(count)]
    svg = line_chart(chart_id="c", title="t", description="d", points=points)
    spans = []
    for x, y, anchor, text in AXIS_LABEL.findall(svg):
        if int(y) != HEIGHT - BOTTOM + 18:
            continue  # a value label on the y axis
        width = len(text) * LABEL_GLYPH_WIDTH
        left = {"start": float(x), "middle": float(x) - width / 2, "end": float(x) - width}[anchor]
        spans.append((left, left + width, text))
    return spans


@pytest.mark.parametrize("label", ["Nov ", "26 Apr "])
@pytest.mark.parametrize("count", [1, 2, 3, 5, 8, 12, 13, 16, 30, 52, 53, 104, 200])
def test_axis_labels_keep_apart_inside_the_frame_with_the_first_and_last_point(count: int, label: str) -> None:
    spans = _axis_labels(count, label)
    texts = [text for _, _, text in spans]
    assert texts[0] == f"{label}00" and texts[-1] == f"{label}{count - 1:02d}"
    assert all(right <= left for (_, right, _), (left, _, _) in pairwise(spans)), spans
    assert spans[0][0] >= 0 and spans[-1][1] <= WIDTH, spans
    if count > 1:
        assert spans[0][0] == LEFT and spans[-1][1] == WIDTH - RIGHT
