"""The reports app: a cycle's reports (read by every role, written by
reviewers and admins) and its summary for children."""

from partnerships.permissions import Perm
from reports.models import SECTION_KEYS, ChildSummary, Report

from .cases import Case


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _report(w):
    report, _ = Report.objects.get_or_create(
        partnership=w.partnership,
        cycle=w.cycle,
        title="Board report",
        defaults={"sections": list(SECTION_KEYS)},
    )
    return {"cycle_slug": w.cycle.slug, "report_id": report.pk}


def _with_summary(w):
    ChildSummary.objects.get_or_create(
        partnership=w.partnership,
        cycle=w.cycle,
        defaults={"title": "Keeping you safe", "what_we_checked": "x", "going_well": "x", "working_on": "x"},
    )
    return _cycle(w)


def _report_post(w):
    return {
        "title": "Board report",
        "sections": ["status", "themes"],
        "position_status": "2",
        "position_themes": "1",
    }


def _summary_post(w):
    return {
        "title": "Keeping you safe",
        "what_we_checked": "We asked groups that work with you how they keep you safe.",
        "going_well": "- Staff know who to talk to.",
        "working_on": "- More training for new staff.",
    }


CASES = [
    Case("staff_report_list", Perm.VIEW, _cycle),
    Case("staff_report_new", Perm.REVIEW, _cycle),
    Case("staff_report_new", Perm.REVIEW, _cycle, method="post", data=lambda w: {"title": "Board"}, ok=(302,),
         id_suffix="post"),
    Case("staff_report", Perm.VIEW, _report),
    Case("staff_report_pdf", Perm.VIEW, _report),
    Case("staff_report_docx", Perm.VIEW, _report),
    Case("staff_report_edit", Perm.REVIEW, _report),
    Case("staff_report_edit", Perm.REVIEW, _report, method="post", data=_report_post, ok=(302,),
         id_suffix="post"),
    Case("staff_child_summary", Perm.REVIEW, _cycle),
    Case("staff_child_summary", Perm.REVIEW, _cycle, method="post", data=_summary_post, ok=(302,),
         id_suffix="post"),
    Case("staff_child_summary_publish", Perm.REVIEW, _with_summary, method="post",
         data=lambda w: {"publish": "yes"}, ok=(302,)),
]  # fmt: skip
