"""Small bar charts as inline SVG, so pages need no script and no file from elsewhere."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from fdigraph.evidence import Series

WIDTH = 560
LABEL_WIDTH = 190
VALUE_WIDTH = 120
ROW = 28
BAR = 18
MAX_LABEL = 30


def bar_chart(series: Series, lang: str) -> str:
    """One horizontal bar per point, scaled to the largest value, labelled in ``lang``."""
    points = series.points
    title = series.measure.label.get(lang)
    height = ROW * len(points) + 8
    top = max((abs(p.value) for p in points), default=Decimal(0)) or Decimal(1)
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    for i, point in enumerate(points):
        y = 4 + i * ROW
        width = max(1.0, float(abs(point.value) / top) * span)
        label = point.label.get(lang)
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        value = point.text.get(lang)
        parts.append(
            f'<g class="bar"><title>{escape(label)}: {escape(value)}</title>'
            f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + BAR - 5}" '
            f'text-anchor="end">{escape(shown)}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR}" rx="2"/>'
            f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + BAR - 5}">'
            f"{escape(value)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
