"""Writes for a cycle's reports and its children's summary. Each is atomic
and writes one entry in the audit log."""

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from audits.access import cycle_owned
from audits.models import AuditCycle
from core.audit import audit_event_record
from core.domain import Actor, DomainError
from partnerships.models import Partnership

from .models import SECTION_KEYS, ChildSummary, Report


class ReportError(DomainError):
    pass


def _clean_sections(sections: list[str]) -> list[str]:
    chosen = [key for key in dict.fromkeys(sections) if key in SECTION_KEYS]
    if not chosen:
        error = ReportError("Choose at least one section for the report")
        error.field = "sections"
        raise error
    return chosen


@transaction.atomic
def report_create(
    *, partnership: Partnership, cycle: AuditCycle, title: str, sections: list[str], actor: Actor
) -> Report:
    cycle_owned(partnership=partnership, cycle=cycle)
    report = Report.objects.create(
        partnership=partnership,
        cycle=cycle,
        title=title,
        sections=_clean_sections(sections),
        updated_by_name=actor.name,
    )
    audit_event_record(
        partnership=partnership, actor=actor, verb="report.created", obj=report, detail={"cycle": cycle.slug}
    )
    return report


@dataclass(frozen=True)
class ReportData:
    title: str
    sections: list[str]  # section keys in order
    good_practice: str = ""
    concerns: str = ""
    method_note: str = ""


@transaction.atomic
def report_update(*, partnership: Partnership, report: Report, data: ReportData, actor: Actor) -> Report:
    report = Report.objects.select_for_update().get(partnership=partnership, pk=report.pk)
    report.title = data.title
    report.sections = _clean_sections(data.sections)
    report.good_practice = data.good_practice
    report.concerns = data.concerns
    report.method_note = data.method_note
    report.updated_by_name = actor.name
    report.save(
        update_fields=[
            "title",
            "sections",
            "good_practice",
            "concerns",
            "method_note",
            "updated_by_name",
            "updated_at",
        ]
    )
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="report.updated",
        obj=report,
        detail={"sections": report.sections},
    )
    return report


@transaction.atomic
def report_delete(*, partnership: Partnership, report: Report, actor: Actor) -> None:
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="report.deleted",
        obj=report,
        detail={"title": report.title},
    )
    Report.objects.filter(partnership=partnership, pk=report.pk).delete()


@dataclass(frozen=True)
class ChildSummaryData:
    title: str
    what_we_checked: str
    going_well: str
    working_on: str
    what_next: str = ""


@transaction.atomic
def child_summary_save(
    *, partnership: Partnership, cycle: AuditCycle, data: ChildSummaryData, actor: Actor
) -> ChildSummary:
    """Write the cycle's children's summary (one per cycle). A published
    summary changes on the public page as soon as it is saved."""
    cycle_owned(partnership=partnership, cycle=cycle)
    summary, created = ChildSummary.objects.select_for_update().get_or_create(
        partnership=partnership,
        cycle=cycle,
        defaults={
            "title": data.title,
            "what_we_checked": data.what_we_checked,
            "going_well": data.going_well,
            "working_on": data.working_on,
            "what_next": data.what_next,
            "updated_by_name": actor.name,
        },
    )
    if not created:
        summary.title = data.title
        summary.what_we_checked = data.what_we_checked
        summary.going_well = data.going_well
        summary.working_on = data.working_on
        summary.what_next = data.what_next
        summary.updated_by_name = actor.name
        summary.save(
            update_fields=[
                "title",
                "what_we_checked",
                "going_well",
                "working_on",
                "what_next",
                "updated_by_name",
                "updated_at",
            ]
        )
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="child_summary.saved",
        obj=summary,
        detail={"cycle": cycle.slug, "published": summary.is_published},
    )
    return summary


@transaction.atomic
def child_summary_publish(*, partnership: Partnership, cycle: AuditCycle, publish: bool, actor: Actor):
    """Put the summary on (or take it off) the partnership's public pages."""
    cycle_owned(partnership=partnership, cycle=cycle)
    summary = ChildSummary.objects.select_for_update().filter(partnership=partnership, cycle=cycle).first()
    if summary is None:
        raise ReportError("Write the summary before publishing it")
    summary.published_at = timezone.now() if publish else None
    summary.save(update_fields=["published_at", "updated_at"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="child_summary.published" if publish else "child_summary.unpublished",
        obj=summary,
        detail={"cycle": cycle.slug},
    )
    return summary
