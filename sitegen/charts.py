"""Inline SVG charts drawn at build time: no scripts, labelled for screen readers.

Every chart is a `<figure>` whose SVG carries role="img", a `<title>` and a `<desc>` named by
aria-labelledby; the page puts the same figures in a data table beside it.
"""

from __future__ import annotations

import math

from markupsafe import Markup

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40
MAX_LABELS = 8
# Room for an axis label, in viewBox units: a generous glyph width of the 12-unit label font, plus a gap.
LABEL_GLYPH_WIDTH, LABEL_GAP = 7, 8


def line_chart(*, chart_id: str, title: str, description: str, points: list[tuple[str, float | None]]) -> Markup:
    """A 0-100 line over labelled points; a None value leaves a gap in the line."""
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    placed = [
        (LEFT + index * step if len(points) > 1 else (WIDTH + LEFT - RIGHT) / 2, value)
        for index, (_, value) in enumerate(points)
    ]
    runs: list[list[tuple[float, float]]] = [[]]
    for x, value in placed:
        if value is None:
            runs.append([])
        else:
            runs[-1].append((x, _y(value)))
    lines = Markup("").join(
        Markup('<polyline class="chart__line" points="{}"/>').format(" ".join(f"{x:.1f},{y:.1f}" for x, y in run))
        for run in runs if len(run) > 1
    )
    dots = Markup("").join(
        Markup('<circle class="chart__dot" cx="{:.1f}" cy="{:.1f}" r="4"/>').format(x, _y(value))
        for x, value in placed if value is not None
    )
    label_width = max(len(label) for label, _ in points) * LABEL_GLYPH_WIDTH + LABEL_GAP
    labels = Markup("").join(
        Markup('<text class="chart__label" x="{:.1f}" y="{}" text-anchor="{}">{}</text>').format(
            placed[index][0], HEIGHT - BOTTOM + 18, _anchor(index, len(points)), points[index][0])
        for index in _labelled(len(points), step=step, label_width=label_width)
    )
    return _figure(chart_id, title, description, _grid() + lines + dots + labels)


def _labelled(count: int, *, step: float, label_width: float) -> list[int]:
    """The points that carry an axis label: evenly spread, about MAX_LABELS, far enough apart not to overlap,
    the first and the last always (the table beside the chart has them all)."""
    if count == 1:
        return [0]
    every = max(-(-count // MAX_LABELS), math.ceil(label_width / step))
    # The first label hangs right of its point and the last one left of it: their neighbours keep further off.
    edge = 1.5 * label_width / step
    return [0, *(index for index in range(every, count - 1, every) if edge <= index <= count - 1 - edge), count - 1]


def _anchor(index: int, count: int) -> str:
    if count > 1 and index == 0:
        return "start"
    return "end" if count > 1 and index == count - 1 else "middle"


def bar_chart(*, chart_id: str, title: str, description: str, percent: float) -> Markup:
    """One horizontal bar from 0 to 100, capped at the frame when past 100."""
    inner = WIDTH - LEFT - RIGHT
    filled = inner * min(max(percent, 0.0), 100.0) / 100
    body = Markup(
        '<rect class="chart__track" x="{l}" y="8" width="{w}" height="24"/>'
        '<rect class="chart__bar" x="{l}" y="8" width="{f:.1f}" height="24"/>'
        '<text class="chart__label" x="{l}" y="50">0%</text>'
        '<text class="chart__label" x="{r}" y="50" text-anchor="end">100%</text>'
    ).format(l=LEFT, w=inner, f=filled, r=WIDTH - RIGHT)
    return _figure(chart_id, title, description, body, height=60)


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(max(value, 0.0), 100.0) / 100)


def _grid() -> Markup:
    return Markup("").join(
        Markup(
            '<line class="chart__grid" x1="{l}" y1="{y:.1f}" x2="{r}" y2="{y:.1f}"/>'
            '<text class="chart__label" x="{t}" y="{ty:.1f}" text-anchor="end">{v}%</text>'
        ).format(l=LEFT, r=WIDTH - RIGHT, y=_y(value), t=LEFT - 6, ty=_y(value) + 4, v=value)
        for value in (0, 50, 100)
    )


def _figure(chart_id: str, title: str, description: str, body: Markup, *, height: int = HEIGHT) -> Markup:
    return Markup(
        '<figure class="chart">\n'
        '<svg class="chart__svg" viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>\n'
        "</figure>"
    ).format(w=WIDTH, h=height, id=chart_id, title=title, desc=description, body=body)


def s_curve(*, chart_id: str, title: str, description: str, labels: list[str],
            series: list[tuple[str, str, list[float | None]]], maximum: float, axis: list[str]) -> Markup:
    """Cumulative lines over labelled points (an S-curve), from 0 to `maximum`; each series is (name, kind,
    values) and is told apart by its dash pattern, named in the legend below, never by colour alone.
    `axis` labels the bottom, middle and top of the scale."""
    count = len(labels)
    step = (WIDTH - LEFT - RIGHT - 24) / max(count - 1, 1)

    def x(index: int) -> float:
        return LEFT + index * step if count > 1 else (WIDTH + LEFT - RIGHT) / 2

    def y(value: float) -> float:
        share = min(max(value / maximum, 0.0), 1.0) if maximum > 0 else 0.0
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - share)

    grid = Markup("").join(
        Markup('<line class="chart__grid" x1="{l}" y1="{y:.1f}" x2="{r}" y2="{y:.1f}"/>'
               '<text class="chart__label" x="{t}" y="{ty:.1f}" text-anchor="end">{v}</text>').format(
            l=LEFT, r=WIDTH - RIGHT, y=y(maximum * share), t=LEFT - 6, ty=y(maximum * share) + 4, v=label)
        for share, label in zip((0.0, 0.5, 1.0), axis, strict=True))
    lines = Markup("")
    for name, kind, values in series:
        placed = [(x(index), y(value)) for index, value in enumerate(values) if value is not None]
        if len(placed) > 1:
            lines += Markup('<polyline class="chart__line chart__line--{}" points="{}"/>').format(
                kind, " ".join(f"{px:.1f},{py:.1f}" for px, py in placed))
        if placed:
            px, py = placed[-1]
            lines += Markup('<circle class="chart__dot chart__dot--{}" cx="{:.1f}" cy="{:.1f}" r="3"/>').format(
                kind, px, py)
    label_width = max((len(label) for label in labels), default=1) * LABEL_GLYPH_WIDTH + LABEL_GAP
    ticks = Markup("").join(
        Markup('<text class="chart__label" x="{:.1f}" y="{}" text-anchor="{}">{}</text>').format(
            x(index), HEIGHT - BOTTOM + 18, _anchor(index, count), labels[index])
        for index in (_labelled(count, step=step, label_width=label_width) if count else []))
    legend = Markup("").join(
        Markup('<li><svg class="chart-legend__sample" aria-hidden="true" focusable="false" viewBox="0 0 32 8">'
               '<line class="chart__line chart__line--{}" x1="0" y1="4" x2="32" y2="4"/></svg> {}</li>').format(
            kind, name) for name, kind, _ in series)
    return _figure(chart_id, title, description, grid + lines + ticks) + Markup(
        '\n<ul class="chart-legend" aria-label="Lines of the chart above">{}</ul>').format(legend)
