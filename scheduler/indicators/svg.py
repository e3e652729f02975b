"""A small cumulative chart as inline SVG, drawn on the server (no JavaScript)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

WIDTH, HEIGHT = 360, 160
LEFT, RIGHT, TOP, BOTTOM = 34, 18, 12, 24


def cumulative_chart(
    by_year: Sequence[dict[str, Any]],
    *,
    final_target: float | None,
    milestones: bool,
    through_year: int | None = None,
    title: str,
    labels: dict[str, str],
) -> str:
    """Cumulative actual (solid) and projected (dashed) per year against the targets.

    ``milestones``: also mark each year's target (meaningful when targets are cumulative);
    ``through_year``: the actual line stops there (later years have no actual figure yet).
    """
    if not by_year:
        return ""
    years = [row["year"] for row in by_year]
    last = through_year if through_year is not None else years[-1]
    actual = [float(row["cumulative"] or 0) for row in by_year if row["year"] <= last]
    projected = [float(row["cumulative_projected"] or 0) for row in by_year]
    marks = [(row["year"], float(row["target"])) for row in by_year if milestones and row["target"]]
    top = max([*actual, *projected, float(final_target or 0), *(v for _, v in marks), 1.0]) * 1.1

    def x(year: int) -> float:
        span = max(1, years[-1] - years[0])
        return LEFT + (year - years[0]) * (WIDTH - LEFT - RIGHT) / span

    def y(value: float) -> float:
        return HEIGHT - BOTTOM - value * (HEIGHT - TOP - BOTTOM) / top

    def points(values: list[float]) -> str:
        return " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in zip(years, values, strict=False))

    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<line x1="{LEFT}" y1="{y(0):.1f}" x2="{WIDTH - RIGHT}" y2="{y(0):.1f}" stroke="#999"/>',
    ]
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{HEIGHT - 8}" font-size="10" '
            f'text-anchor="middle" fill="#666">{year}</text>'
        )
    if final_target is not None:
        parts.append(
            f'<line class="target" x1="{LEFT}" y1="{y(final_target):.1f}" x2="{WIDTH - RIGHT}" '
            f'y2="{y(final_target):.1f}" stroke="#b00020" stroke-dasharray="2 3"/>'
            f'<text x="{LEFT - 4}" y="{y(final_target) + 3:.1f}" font-size="10" '
            f'text-anchor="end" fill="#b00020">{_fmt(final_target)}</text>'
        )
    for year, value in marks:
        parts.append(
            f'<circle class="milestone" cx="{x(year):.1f}" cy="{y(value):.1f}" r="3.5" '
            f'fill="none" stroke="#b00020"><title>{escape(labels["target"])} {year}: '
            f"{_fmt(value)}</title></circle>"
        )
    parts.append(
        f'<polyline class="projected" points="{points(projected)}" fill="none" '
        f'stroke="#005aa3" stroke-width="1.5" stroke-dasharray="4 3" opacity=".6"/>'
    )
    parts.append(
        f'<polyline class="actual" points="{points(actual)}" fill="none" '
        f'stroke="#005aa3" stroke-width="2.5"/>'
    )
    for year, value in zip(years, actual, strict=False):
        parts.append(
            f'<circle cx="{x(year):.1f}" cy="{y(value):.1f}" r="2.5" fill="#005aa3">'
            f"<title>{escape(labels['actual'])} {year}: {_fmt(value)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
