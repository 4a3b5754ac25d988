from datetime import timedelta

from audits.models import AuditCycle
from partnerships.permissions import Perm

from .cases import Case


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _cycle_with_an_earlier_one(w):
    """The cycle, and an earlier one of the same partnership to compare with
    (made once, on the first call)."""
    AuditCycle.objects.get_or_create(
        partnership=w.partnership,
        slug="s11-2024",
        defaults={
            "title": "Section 11 audit 2024",
            "question_set": w.question_set,
            "opens_at": w.cycle.opens_at - timedelta(days=730),
            "closes_at": w.cycle.opens_at - timedelta(days=600),
        },
    )
    return _cycle(w)


CASES = [
    Case("staff_cycle_export", Perm.VIEW, _cycle),
    Case("staff_cycle_export_answers_csv", Perm.VIEW, _cycle),
    Case("staff_cycle_export_answers_xlsx", Perm.VIEW, _cycle),
    Case("staff_cycle_export_themes_csv", Perm.VIEW, _cycle),
    Case("staff_cycle_export_themes_xlsx", Perm.VIEW, _cycle),
    Case("staff_cycle_export_workbook", Perm.VIEW, _cycle),
    Case("staff_cycle_report", Perm.VIEW, _cycle),
    Case("staff_cycle_report_pdf", Perm.VIEW, _cycle),
    Case("staff_cycle_compare", Perm.VIEW, _cycle_with_an_earlier_one),
]
