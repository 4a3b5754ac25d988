"""Charts drawn on the server as plain SVG, the same markup in the page, the
PDF and nowhere else (the Word document carries their tables).

Every chart is a set of 100 % stacked horizontal bars with:
- a <title> and a <desc> (the figures in words), referenced by the <svg>'s
  aria-labelledby, so a screen reader gets the whole chart as one image;
- a pattern as well as a colour for each kind of segment, a legend in
  words, and the count written on each segment wide enough to hold it, so
  the chart reads in greyscale and without telling red from green;
- a data table beside it in the report (the section's own table).

Text is escaped here; nothing a user typed reaches the markup unescaped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from audits.selectors.reports import Movement

from ..selectors.results import CyclePoint, MovementFigures, ThemeFigures

WIDTH = 680
LABEL_WIDTH = 230
BAR_LEFT = LABEL_WIDTH + 10
BAR_WIDTH = WIDTH - BAR_LEFT - 10
ROW_HEIGHT = 26
BAR_HEIGHT = 18
FONT = "Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif"


@dataclass(frozen=True)
class Kind:
    """A kind of segment: its words, colour and pattern."""

    key: str
    label: str
    fill: str
    pattern: str  # "solid", "hatch", "dots", "cross", "lines"


RAG_KINDS = (
    Kind("red", "Red", "#d4351c", "hatch"),
    Kind("amber", "Amber", "#f47738", "dots"),
    Kind("green", "Green", "#00703c", "solid"),
    Kind("none", "Not rated", "#b1b4b6", "cross"),
)
MOVEMENT_KINDS = (
    Kind(Movement.IMPROVED, "Improved", "#00703c", "solid"),
    Kind(Movement.SAME, "Same", "#1d70b8", "dots"),
    Kind(Movement.WORSE, "Worse", "#d4351c", "hatch"),
    Kind(Movement.NEW, "Rated for the first time", "#4c2c92", "lines"),
    Kind(Movement.NOT_RATED, "Not rated now", "#b1b4b6", "cross"),
)
RESPONSE_KINDS = (
    Kind("submitted", "Submitted", "#1d70b8", "solid"),
    Kind("outstanding", "Not submitted", "#b1b4b6", "cross"),
)


@dataclass(frozen=True)
class Bar:
    label: str
    values: tuple[int, ...]  # one per kind, in the chart's kinds' order
    group_start: bool = False  # a thin rule above it (the first bar of a theme)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    desc: str
    svg: SafeString

    @property
    def data_uri(self) -> str:
        """The same SVG as an image, for the PDF (WeasyPrint tags an <img>
        with its alt text as a figure)."""
        return "data:image/svg+xml;base64," + base64.b64encode(str(self.svg).encode()).decode()

    @property
    def alt(self) -> str:
        return f"{self.title}. {self.desc}"


def _fill(chart_id: str, kind: Kind) -> str:
    return kind.fill if kind.pattern == "solid" else f"url(#{chart_id}-{kind.key})"


def _pattern(chart_id: str, kind: Kind) -> str:
    pid = f"{chart_id}-{kind.key}"
    inner = {
        "hatch": '<path d="M0,8 L8,0" stroke="#ffffff" stroke-width="2"/>',
        "dots": '<circle cx="4" cy="4" r="1.6" fill="#0b0c0c"/>',
        "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#505a5f" stroke-width="1"/>',
        "lines": '<path d="M0,4 L8,4" stroke="#ffffff" stroke-width="2"/>',
    }[kind.pattern]
    return (
        f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{kind.fill}"/>{inner}</pattern>'
    )


def _text(x, y, text, *, anchor="start", size=13, weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" font-weight="{weight}" '
        f'fill="#0b0c0c" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _short(text: str, limit: int = 34) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(chart_id: str, kinds: tuple[Kind, ...]) -> tuple[list[str], int]:
    """The legend, a swatch with its pattern and the word for each kind, in
    as many lines as it needs to stay inside the chart; and its height."""
    parts, x, y = [], float(BAR_LEFT), 8
    for kind in kinds:
        width = 30 + 7 * len(kind.label)
        if x + width > WIDTH and x > BAR_LEFT:
            x, y = float(BAR_LEFT), y + 22
        parts.append(
            f'<rect x="{x:.0f}" y="{y}" width="16" height="16" fill="{_fill(chart_id, kind)}" '
            'stroke="#0b0c0c" stroke-width="1"/>'
        )
        parts.append(_text(x + 21, y + 13, kind.label, size=12))
        x += width
    return parts, y + 26


def stacked_bars(*, chart_id: str, title: str, desc: str, kinds: tuple[Kind, ...], bars: list[Bar]) -> Chart:
    legend, legend_height = _legend(chart_id, kinds)
    height = legend_height + ROW_HEIGHT * max(len(bars), 1) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="s11-chart" role="img" width="{WIDTH}" '
        f'height="{height}" viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>',
        "<defs>" + "".join(_pattern(chart_id, k) for k in kinds if k.pattern != "solid") + "</defs>",
        *legend,
    ]
    for row, bar in enumerate(bars):
        y = legend_height + row * ROW_HEIGHT
        if bar.group_start and row:
            parts.append(f'<line x1="0" x2="{WIDTH}" y1="{y - 2}" y2="{y - 2}" stroke="#b1b4b6"/>')
        parts.append(_text(LABEL_WIDTH, y + 14, _short(bar.label), anchor="end", size=12))
        total = sum(bar.values)
        if not total:
            parts.append(_text(BAR_LEFT, y + 14, "None yet", size=12))
            continue
        left = float(BAR_LEFT)
        for kind, value in zip(kinds, bar.values, strict=True):
            if not value:
                continue
            width = BAR_WIDTH * value / total
            parts.append(
                f'<rect x="{left:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{_fill(chart_id, kind)}" stroke="#ffffff" stroke-width="1"/>'
            )
            label = str(value)
            label_width = 8 * len(label) + 6
            if width >= label_width + 2:
                cx = left + width / 2
                parts.append(
                    f'<rect x="{cx - label_width / 2:.1f}" y="{y + 2}" width="{label_width}" '
                    f'height="{BAR_HEIGHT - 4}" rx="2" fill="#ffffff"/>'
                )
                parts.append(_text(cx, y + 13.5, label, anchor="middle", size=11, weight="bold"))
            left += width
    parts.append("</svg>")
    return Chart(key=chart_id, title=title, desc=desc, svg=mark_safe("".join(parts)))  # noqa: S308 (escaped)


def _rag_words(count) -> str:
    return f"{count.red} Red, {count.amber} Amber, {count.green} Green, {count.not_rated} not rated"


def chart_rag_by_theme(themes: list[ThemeFigures], *, chart_id: str = "chart-rag") -> Chart:
    desc = "Agreed rating (moderated where the partnership moderated it) of each theme in submitted returns. "
    desc += "; ".join(f"{t.theme.title}: {_rag_words(t.agreed)}" for t in themes) + "."
    return stacked_bars(
        chart_id=chart_id,
        title="Ratings by theme",
        desc=desc,
        kinds=RAG_KINDS,
        bars=[
            Bar(t.theme.title, (t.agreed.red, t.agreed.amber, t.agreed.green, t.agreed.not_rated))
            for t in themes
        ],
    )


def chart_self_vs_moderated(themes: list[ThemeFigures], *, chart_id: str = "chart-self-moderated") -> Chart:
    desc = "For each theme, agencies' self-ratings, then the partnership's moderated ratings. "
    desc += "; ".join(
        f"{t.theme.title}: self {_rag_words(t.self)}; moderated {t.moderated.red} Red, {t.moderated.amber} "
        f"Amber, {t.moderated.green} Green, {t.moderated.not_rated} not moderated"
        for t in themes
    )
    bars = []
    for t in themes:
        bars.append(
            Bar(f"{_short(t.theme.title, 24)}: self",
                (t.self.red, t.self.amber, t.self.green, t.self.not_rated), group_start=True)
        )  # fmt: skip
        m = t.moderated
        bars.append(Bar("moderated", (m.red, m.amber, m.green, m.not_rated)))
    return stacked_bars(
        chart_id=chart_id,
        title="Self-ratings and moderated ratings by theme",
        desc=desc + ".",
        kinds=RAG_KINDS,
        bars=bars,
    )


def chart_movement(movement: MovementFigures, *, chart_id: str = "chart-movement") -> Chart:
    previous = movement.previous.title if movement.previous else "the previous cycle"
    desc = f"How each theme's agreed rating moved since {previous}, agency by agency. " + "; ".join(
        f"{m.theme.title}: {m.improved} improved, {m.same} the same, {m.worse} worse, {m.new} rated for the "
        f"first time, {m.count(Movement.NOT_RATED)} not rated now"
        for m in movement.themes
    )
    return stacked_bars(
        chart_id=chart_id,
        title=f"Movement since {previous}",
        desc=desc + ".",
        kinds=MOVEMENT_KINDS,
        bars=[Bar(m.theme.title, tuple(m.count(k.key) for k in MOVEMENT_KINDS)) for m in movement.themes],
    )


def chart_response_over_time(points: list[CyclePoint], *, chart_id: str = "chart-response") -> Chart:
    desc = "Returns submitted out of agencies asked, cycle by cycle. " + "; ".join(
        f"{p.title}: {p.submitted} of {p.asked} ({p.response_rate}%)" for p in points
    )
    return stacked_bars(
        chart_id=chart_id,
        title="Response rate over time",
        desc=desc + ".",
        kinds=RESPONSE_KINDS,
        bars=[Bar(f"{p.title} ({p.response_rate}%)", (p.submitted, p.asked - p.submitted)) for p in points],
    )
