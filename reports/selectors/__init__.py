"""Reads for a cycle's reports: the reports themselves, the children's
summaries, and (selectors/figures.py) the figures of every section.

Every function takes the partnership first and filters on it as well as on
the cycle, so another partnership's cycle, report or locality yields nothing
(or 404).
"""

from django.http import Http404
from django.shortcuts import get_object_or_404

from audits.access import cycle_owned
from audits.models import AuditCycle
from partnerships.models import Partnership, Sector
from partnerships.selectors import locality_list_kept

from ..models import ChildSummary, Report
from .figures import report_figures
from .results import ReportFilter

__all__ = [
    "child_summaries_published",
    "child_summary_for_cycle",
    "child_summary_published",
    "report_figures",
    "report_filter",
    "report_get",
    "report_list",
]


def report_list(*, partnership: Partnership, cycle: AuditCycle) -> list[Report]:
    cycle_owned(partnership=partnership, cycle=cycle)
    return list(Report.objects.filter(partnership=partnership, cycle=cycle))


def report_get(*, partnership: Partnership, cycle_slug: str, pk: int) -> Report:
    """The report of the partnership's cycle named in the URL, with its
    cycle, in one query; 404 for another partnership's, and for a cycle only
    shared with this partnership (a report is its owner's)."""
    return get_object_or_404(
        Report.objects.select_related("cycle__question_set", "cycle__partnership"),
        partnership=partnership,
        cycle__partnership=partnership,
        cycle__slug=cycle_slug,
        pk=pk,
    )


def child_summary_for_cycle(*, partnership: Partnership, cycle: AuditCycle) -> ChildSummary | None:
    cycle_owned(partnership=partnership, cycle=cycle)
    return ChildSummary.objects.filter(partnership=partnership, cycle=cycle).first()


def child_summary_published(*, partnership: Partnership, cycle_slug: str) -> ChildSummary:
    """A published children's summary, for the public pages; 404 otherwise."""
    summary = (
        ChildSummary.objects.filter(
            partnership=partnership, cycle__partnership=partnership, published_at__isnull=False
        )
        .select_related("cycle")
        .filter(cycle__slug=cycle_slug)
        .first()
    )
    if summary is None:
        raise Http404("No published summary for children")
    return summary


def child_summaries_published(*, partnership: Partnership) -> list[ChildSummary]:
    """The partnership's published children's summaries, latest cycle first."""
    return list(
        ChildSummary.objects.filter(partnership=partnership, published_at__isnull=False)
        .select_related("cycle")
        .order_by("-cycle__opens_at")
    )


def report_filter(*, partnership: Partnership, locality: str = "", sector: str = "") -> ReportFilter:
    """The filter named by a query string's ?locality= or ?sector=; 404 for a
    locality of another partnership or a sector that does not exist."""
    if locality:
        if not locality.isdigit() or len(locality) > 12:
            raise Http404("No such locality")
        # The partnership's localities are kept in the process.
        kept = {lo.pk: lo for lo in locality_list_kept(partnership=partnership, led_only=False)}
        if int(locality) not in kept:
            raise Http404("No such locality")
        return ReportFilter(locality=kept[int(locality)])
    if sector:
        if sector not in Sector.values:
            raise Http404("No such sector")
        return ReportFilter(sector=sector)
    return ReportFilter()
