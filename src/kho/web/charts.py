"""Geometry of the dashboard's inline SVG charts (pure: numbers in, rectangles out; templates draw them).

No JavaScript library and no external asset: the server computes every bar, tick and label position and
``web/_bar_chart.html`` / ``web/_pace_chart.html`` write the ``<svg>``.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

__all__ = ["Bar", "BarChart", "PaceChart", "Tick", "bar_chart", "nice_ceiling", "pace_chart"]


@dataclass(frozen=True, slots=True)
class Bar:
    """One bar: its box, its value and its day label (shown under every ``label_every``-th bar)."""

    x: float
    y: float
    width: float
    height: float
    value: int
    day: dt.date
    show_label: bool


@dataclass(frozen=True, slots=True)
class Tick:
    """A horizontal grid line with its value."""

    y: float
    value: int


@dataclass(frozen=True, slots=True)
class BarChart:
    """A bar chart of daily values."""

    width: int
    height: int
    left: int
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    maximum: int
    total: int


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5 × 10^k that is at least ``value`` (at least 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * power >= value:
            return int(step * power)
    return int(10 * power)


def bar_chart(points: list[tuple[dt.date, int]], width: int = 720, height: int = 220) -> BarChart:
    """Lay out one bar per day; the y axis runs from 0 to a round number above the largest value."""
    left, top, bottom_margin = 44, 12, 28
    plot_height = height - top - bottom_margin
    maximum = nice_ceiling(max((value for _day, value in points), default=0))
    slot = (width - left - 8) / max(1, len(points))
    bottom = top + plot_height
    bars = []
    for n, (day, value) in enumerate(points):
        bar_height = plot_height * value / maximum
        bars.append(
            Bar(
                x=round(left + n * slot + slot * 0.15, 1),
                y=round(bottom - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                value=value,
                day=day,
                show_label=n % 5 == 0 or n == len(points) - 1,
            )
        )
    steps = next(n for n in (5, 4, 2, 1) if maximum % n == 0)
    ticks = [Tick(y=round(bottom - plot_height * k / steps, 1), value=maximum * k // steps) for k in range(steps + 1)]
    total = sum(value for _day, value in points)
    return BarChart(width, height, left, bottom, bars, ticks, maximum, total)


@dataclass(frozen=True, slots=True)
class PaceChart:
    """Two horizontal bars: the pace reached (pages/day, last 30 days) and the pace needed before the deadline."""

    width: int
    height: int
    label_width: int
    pace: float
    needed: float | None
    pace_length: float
    needed_length: float
    on_track: bool


def pace_chart(pace: float, needed: float | None, width: int = 720, height: int = 96) -> PaceChart:
    """Scale both bars to the larger of the two paces."""
    label_width = 230
    usable = width - label_width - 90
    scale = max(pace, needed or 0.0, 1.0)
    return PaceChart(
        width=width,
        height=height,
        label_width=label_width,
        pace=round(pace, 1),
        needed=None if needed is None else round(needed, 1),
        pace_length=round(usable * pace / scale, 1),
        needed_length=round(usable * (needed or 0.0) / scale, 1),
        on_track=needed is None or pace >= needed,
    )
