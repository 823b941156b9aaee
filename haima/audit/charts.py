"""Bar charts drawn on the server as inline SVG: no script, no CDN.

Colours and sizes are SVG presentation attributes, not ``style=``, so the
charts need nothing from the Content-Security-Policy. Text and grid lines
are ``currentColor``: they follow the admin's light or dark theme. Each
chart is one ``role="img"`` with a spoken summary; each bar has a
``<title>`` that shows its day and count on hover.
"""

import math
from collections.abc import Sequence
from datetime import date

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

WIDTH, HEIGHT = 320, 150
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 8, 22  # room for the last date
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
FONT_SIZE = 11
TICK_EVERY = 7  # days between two date labels, counted back from today


def axis_ticks(maximum: int) -> list[int]:
    """Ticks from 0 to at least ``maximum``, a round step (1, 2, 5 × 10ⁿ) apart,
    at most five of them."""
    maximum = max(maximum, 1)
    target = maximum / 4
    magnitude = 10 ** math.floor(math.log10(target)) if target >= 1 else 1
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= target)
    top = math.ceil(maximum / step) * step
    return list(range(0, top + 1, step))


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def bar_chart(
    *, label: str, days: Sequence[date], values: Sequence[int], colour: str
) -> SafeString:
    """Draw one bar per day; ``label`` names the series."""
    ticks = axis_ticks(max(values, default=0))
    top = ticks[-1]
    slot = PLOT_WIDTH / max(len(days), 1)
    baseline = TOP + PLOT_HEIGHT

    def y(value: int) -> str:
        return _number(baseline - value / top * PLOT_HEIGHT)

    grid = format_html_join(
        "",
        '<line x1="{}" x2="{}" y1="{}" y2="{}" stroke="currentColor" '
        'stroke-opacity="0.15"/>'
        '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
        (
            (LEFT, WIDTH - RIGHT, y(tick), y(tick), LEFT - 4, y(tick), tick)
            for tick in ticks
        ),
    )
    bars = format_html_join(
        "",
        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
        (
            (
                _number(LEFT + i * slot + slot * 0.15),
                y(value),
                _number(slot * 0.7),
                _number(value / top * PLOT_HEIGHT),
                colour,
                _("%(day)s: %(count)d") % {"day": _day(day), "count": value},
            )
            for i, (day, value) in enumerate(zip(days, values, strict=True))
            if value
        ),
    )
    last = len(days) - 1
    day_ticks = format_html_join(
        "",
        '<line x1="{x}" x2="{x}" y1="{y1}" y2="{y2}" stroke="currentColor"/>'
        '<text x="{x}" y="{y3}" text-anchor="middle">{text}</text>',
        (
            {
                "x": _number(LEFT + (i + 0.5) * slot),
                "y1": baseline,
                "y2": baseline + 3,
                "y3": baseline + 3 + FONT_SIZE + 1,
                "text": f"{day.month}/{day.day}",
            }
            for i, day in enumerate(days)
            if (last - i) % TICK_EVERY == 0
        ),
    )
    return format_html(
        '<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" '
        'width="{w}" height="{h}" role="img" aria-label="{summary}" '
        'font-size="{font}" fill="currentColor">'
        "<title>{label}</title>{grid}"
        '<line x1="{left}" x2="{right}" y1="{base}" y2="{base}" '
        'stroke="currentColor" stroke-opacity="0.6"/>'
        "{bars}{day_ticks}</svg>",
        w=WIDTH,
        h=HEIGHT,
        font=FONT_SIZE,
        summary=chart_summary(label=label, days=days, values=values),
        label=label,
        grid=grid,
        left=LEFT,
        right=WIDTH - RIGHT,
        base=baseline,
        bars=bars,
        day_ticks=day_ticks,
    )


def _day(day: date) -> str:
    # Django's zh-hans MONTH_DAY_FORMAT writes "06月1日"; ours, "6月1日".
    return date_format(day, pgettext("date format for a day of a chart", "F j"))


def chart_summary(*, label: str, days: Sequence[date], values: Sequence[int]) -> str:
    """What a screen reader says for the chart: the span, total and peak."""
    if not days:
        return label
    total = sum(values)
    if not total:
        return _("%(label)s, %(first)s to %(last)s: none.") % {
            "label": label,
            "first": _day(days[0]),
            "last": _day(days[-1]),
        }
    peak = max(range(len(values)), key=lambda i: (values[i], i))
    return _(
        "%(label)s, %(first)s to %(last)s: %(total)d in all, "
        "most on %(peak_day)s (%(peak)d)."
    ) % {
        "label": label,
        "first": _day(days[0]),
        "last": _day(days[-1]),
        "total": total,
        "peak_day": _day(days[peak]),
        "peak": values[peak],
    }
