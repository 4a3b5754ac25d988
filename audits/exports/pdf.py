"""PDFs with WeasyPrint: a return (submitted or draft) and the reference
sheets. Templates in templates/pdf/ share their partials with the pages.

Every PDF is tagged PDF/UA-1 with its title and language (en-GB), and is
rendered by the project's one renderer (`core.pdf.pdf_render`), which
fetches nothing from outside: the CSS is inline and the fonts are the
machine's own (see templates/pdf/_styles.css). The same input gives the same
bytes, so a submitted version rebuilt from its snapshot has the same SHA-256
as the file first stored.
"""

import re

from django.template.loader import render_to_string
from django.utils import timezone

from core.dates import uk_datetime

from ..models import SIGN_OFF_DECLARATION, ActionStatus, AnswerValue, Submission
from ..selectors.actions import action_item_list

# 1: answers, ratings, comments, evidence. 2: and each theme's action items
# (`section["actions"]`). A schema-1 snapshot still renders as it did.
SNAPSHOT_SCHEMA = 2


# --- a return ---------------------------------------------------------------


def submission_snapshot(*, submission: Submission, sections: list[dict], version: int | None = None) -> dict:
    """What a return says, as plain data the PDF template reads: `sections`
    is audits.selectors.submission_full's list. Kept with each submitted
    version so its PDF never depends on rows that may change later."""
    question_set = submission.question_set
    actions = _actions_by_theme(submission)
    out_sections = []
    for section in sections:
        theme = section["theme"]
        response = section["response"]
        questions = [[{"text": q.text, "key": q.key}, answer or ""] for q, answer in section["questions"]]
        out_sections.append(
            {
                "theme": {"key": theme.key, "order": theme.order, "title": theme.title},
                "questions": questions,
                "answered": sum(1 for _, answer in questions if answer),
                "response": {
                    "rag": response.rag if response else "",
                    "rag_defaulted": bool(response and response.rag_defaulted),
                    "comments": response.comments if response else "",
                },
                "evidence": [
                    {
                        "kind": item.kind,
                        "original_name": item.original_name,
                        "title": item.title,
                        "url": item.url,
                        "sha256": item.sha256,
                    }
                    for item in section["evidence"]
                ],
                "actions": actions.get(theme.pk, []),
            }
        )
    return {
        "schema": SNAPSHOT_SCHEMA,
        "partnership": {"name": submission.partnership.name},
        "agency": {"name": submission.agency.name},
        "cycle": {"title": submission.cycle.title},
        "question_set": {"name": question_set.name, "version": question_set.version},
        "reference": submission.reference,
        "version": version,
        "submitted_at": submission.submitted_at.isoformat() if submission.submitted_at else "",
        "submitted_by": {"name": submission.submitted_by_name, "email": submission.submitted_by_email},
        "signed_off_by": {"name": submission.signed_off_by_name, "role": submission.signed_off_by_role},
        "declaration": SIGN_OFF_DECLARATION,
        "sections": out_sections,
    }


def _actions_by_theme(submission: Submission) -> dict[int, list[dict]]:
    """Theme id → the theme's action items as plain data. For a submitted
    return, as they stood when it was submitted: items added since are left
    out, the status is the one before any later progress update, and
    "overdue" is judged on the day of submission, so the snapshot (and the
    PDF built from it) is the same whenever it is taken. For a draft, as
    they stand today."""
    as_of = submission.submitted_at if submission.is_locked else None
    on_day = timezone.localdate(as_of) if as_of else timezone.localdate()
    by_theme: dict[int, list[dict]] = {}
    for item in action_item_list(submission=submission):
        if as_of and item.created_at > as_of:
            continue
        status = item.status
        if as_of:
            later = [u for u in item.updates.all() if u.created_at > as_of]
            if later:  # newest first: the oldest later update says what it was
                status = later[-1].status_before
        by_theme.setdefault(item.theme_id, []).append(
            {
                "action": item.action,
                "lead_person": item.lead_person,
                "target_date": item.target_date.isoformat(),
                "status": status,
                "overdue": status != ActionStatus.DONE and item.target_date < on_day,
                "success_criteria": item.success_criteria,
                "expected_outcome": item.expected_outcome,
                "impact_measure": item.impact_measure,
            }
        )
    return by_theme


def submission_pdf_html(snapshot: dict, *, draft: bool = False, printed_at=None) -> str:
    title = f"Section 11 self-assessment – {snapshot['agency']['name']} – {snapshot['reference']}"
    header_right = snapshot["reference"]
    if draft:
        title = "DRAFT " + title
        header_right = f"DRAFT – {header_right}"
        footer = "DRAFT – not submitted: answers may still change"
    else:
        footer = f"Version {snapshot['version']}, submitted {_uk(snapshot['submitted_at'])}"
    return render_to_string(
        "pdf/submission.html",
        {
            "doc": snapshot,
            "draft": draft,
            "printed_at": printed_at or timezone.now(),
            "answer_labels": dict(AnswerValue.choices),
            "partnership": snapshot["partnership"],
            "doc_title": title,
            "header_left": f"{snapshot['agency']['name']} – {snapshot['cycle']['title']}",
            "header_right": header_right,
            "footer_left": footer,
        },
    )


def _uk(value) -> str:
    return uk_datetime(value)


def submission_pdf_filename(*, reference: str, agency_name: str, version: int | None = None) -> str:
    """'S11-2026-ABCD2345 Alpha Borough Council v1.pdf' (or '… DRAFT.pdf')."""
    suffix = f"v{version}" if version is not None else "DRAFT"
    return f"{_filename_safe(reference)} {_filename_safe(agency_name)} {suffix}.pdf"


def _filename_safe(text: str) -> str:
    cleaned = re.sub(r"[^\w .,&()'’-]+", "-", text, flags=re.UNICODE)
    return re.sub(r"\s+", " ", cleaned).strip(" .-")[:120] or "return"


# --- reference sheets -----------------------------------------------------------

REFERENCE_SHEETS = {
    "questions": ("pdf/question_list.html", "Question list reference sheet"),
    "grades": ("pdf/grading_sheet.html", "Grading reference sheet"),
}


def reference_sheet_html(
    *, kind: str, partnership, cycle, themes, question_set=None, for_words: str = ""
) -> str:
    """A reference sheet of the cycle's own question set, or of another set
    the cycle gives some agencies (`for_words`: who, "police forces")."""
    template, heading = REFERENCE_SHEETS[kind]
    question_set = question_set or cycle.question_set
    for_title = f" for {for_words}" if for_words else ""
    return render_to_string(
        template,
        {
            "partnership": partnership,
            "cycle": cycle,
            "question_set": question_set,
            "for_words": for_words,
            "themes": themes,
            "question_count": sum(len(t.questions.all()) for t in themes),
            "doc_title": f"{heading}{for_title} – {cycle.title} – {partnership.name}",
            "header_left": f"{partnership.name} – {cycle.title}",
            "header_right": heading,
            "footer_left": f"Question set: {question_set.name}, version {question_set.version}",
        },
    )


def reference_sheet_filename(*, kind: str, cycle, question_set=None) -> str:
    _, heading = REFERENCE_SHEETS[kind]
    if question_set is not None and question_set.pk != cycle.question_set_id:
        return f"{_filename_safe(cycle.title)} – {heading.lower()} – {_filename_safe(question_set.name)}.pdf"
    return f"{_filename_safe(cycle.title)} – {heading.lower()}.pdf"
