"""What a report's page, PDF and Word document all show: its sections in
order, with their figures and charts. One place, so the three say the same."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from audits.models import AuditCycle
from partnerships.models import Partnership

from ..models import SECTION_BY_KEY, Report, Section
from ..selectors import report_figures
from ..selectors.results import ReportFigures, ReportFilter
from . import charts


@dataclass
class ReportDocument:
    report: Report
    cycle: AuditCycle
    partnership: Partnership
    figures: ReportFigures
    sections: list[Section]
    charts: dict[str, charts.Chart]
    produced_at: object

    @property
    def subtitle(self) -> str:
        label = self.figures.filter.label
        return f"{self.partnership.name}: {self.cycle.title}" + (f" – {label}" if label else "")

    @property
    def filename_stem(self) -> str:
        stem = f"{self.partnership.slug}-{self.cycle.slug}-report-{self.report.pk}"
        return stem + (f"-{self.figures.filter.slug}" if self.figures.filter.slug else "")


def report_document(
    *, partnership: Partnership, report: Report, report_filter: ReportFilter
) -> ReportDocument:
    figures = report_figures(
        partnership=partnership, cycle=report.cycle, report_filter=report_filter, sections=report.sections
    )
    keys = set(report.sections)
    drawn: dict[str, charts.Chart] = {}
    if "themes" in keys and figures.themes:
        drawn["rag"] = charts.chart_rag_by_theme(figures.themes)
        drawn["self_moderated"] = charts.chart_self_vs_moderated(figures.themes)
    if "movement" in keys and figures.movement and figures.movement.themes:
        drawn["movement"] = charts.chart_movement(figures.movement)
    if "status" in keys and figures.over_time:
        drawn["response"] = charts.chart_response_over_time(figures.over_time)
    return ReportDocument(
        report=report,
        cycle=report.cycle,
        partnership=partnership,
        figures=figures,
        sections=[SECTION_BY_KEY[k] for k in report.sections if k in SECTION_BY_KEY],
        charts=drawn,
        produced_at=timezone.now(),
    )


def method_paragraphs(doc: ReportDocument) -> list[str]:
    """The method section's generated sentences (the page, the PDF and
    the Word document say the same)."""
    m = doc.figures.method
    sectors = ", ".join(f"{label} ({n})" for label, n in m.asked_by_sector)
    out = [
        f"We asked {m.asked} agencies to complete a self-assessment" + (f": {sectors}." if sectors else "."),
        f"{m.submitted} submitted a return, a response rate of {m.response_rate}%.",
        f"The partnership evaluated {m.evaluated} of the submitted returns and moderated "
        f"{m.moderated_themes} theme ratings, changing {m.changed_by_moderation} of them "
        f"({m.changed_percent}%). "
        "Where a theme was moderated, this report uses the moderated rating ('agreed rating'); "
        "elsewhere the agency's own.",
    ]
    if m.default_red:
        out.append("A theme submitted with questions unanswered was rated Red by default.")
    if m.previous:
        out.append(f"Movement is measured against {m.previous.title}, agency by agency, on agreed ratings.")
    return out
