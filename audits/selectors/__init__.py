"""Reads of audit data. Every function takes the partnership and never
returns a row of another partnership: a changed id in a URL gets a 404."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Exists, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.joined_select import JoinedSelect
from core.models import AuditEvent
from partnerships.models import Partnership
from themes.models import Theme
from themes.selectors import QuestionSetStructure, question_set_structure

from ..models import (
    ActionItem,
    Answer,
    AuditCycle,
    Evidence,
    ResumeLink,
    Submission,
    ThemeResponse,
)


def cycle_list(*, partnership: Partnership) -> QuerySet[AuditCycle]:
    return AuditCycle.objects.filter(partnership=partnership).order_by("-opens_at")


def cycle_list_public(*, partnership: Partnership, now=None) -> QuerySet[AuditCycle]:
    """Cycles an agency may see on the partnership's public pages: open ones
    and those about to open."""
    now = now or timezone.now()
    return cycle_list(partnership=partnership).filter(closes_at__gt=now)


def submission_list(*, partnership: Partnership, cycle: AuditCycle | None = None):
    qs = Submission.objects.filter(partnership=partnership).select_related("agency", "cycle")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("agency__name")


def audit_event_list(*, partnership: Partnership, submission: Submission | None = None):
    qs = AuditEvent.objects.filter(partnership=partnership)
    if submission is not None:
        qs = qs.filter(submission=submission)
    return qs.order_by("-created_at", "-id")


# --- the agency journey -----------------------------------------------------


class ThemeStatus:
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    CARRIED_FORWARD = "Carried forward"


@dataclass
class ThemeRow:
    theme: Theme
    total: int
    answered: int
    response: ThemeResponse | None

    @property
    def status(self) -> str:
        rated = bool(self.response and self.response.rag)
        if self.response and self.response.carried_forward:
            return ThemeStatus.CARRIED_FORWARD
        if self.answered == self.total and rated:
            return ThemeStatus.COMPLETED
        if self.answered or rated or (self.response and self.response.comments):
            return ThemeStatus.IN_PROGRESS
        return ThemeStatus.NOT_STARTED


# Read on every request of the agency journey (audits.agency_session), so
# its SQL is built once per process, not by the ORM each time (~3 ms of CPU
# a request; core.joined_select, docs/performance.md). The partnership and
# the (frozen) question set are already in the process: joining them too
# cost PostgreSQL 0.6 ms of planning a request, for six tables.
_AGENCY_LINK = JoinedSelect(
    ResumeLink,
    ["submission", "submission__cycle", "submission__agency"],
    flags={
        "submission_has_evidence": (
            "EXISTS (SELECT 1 FROM audits_evidence e"
            " WHERE e.submission_id = {base}.submission_id AND NOT e.staged)"
        ),
        "submission_has_action_items": (
            "EXISTS (SELECT 1 FROM audits_actionitem ai WHERE ai.submission_id = {base}.submission_id)"
        ),
    },
    where="{base}.partnership_id = %s AND {base}.id = %s",
)


def agency_link_get(*, partnership: Partnership, link_id: int) -> ResumeLink | None:
    """The contributor's link with their submission, cycle, agency and
    partnership, in one query; the submission is marked with whether it has
    any evidence and any action items (`has_evidence`, `has_action_items`),
    so that pages need not read lists that are empty."""
    link = _AGENCY_LINK.get([partnership.pk, link_id])
    if link is not None:
        submission = link.submission
        link.partnership = submission.partnership = partnership
        submission.question_set = _structure(submission).question_set
        link.submission.has_evidence = link.submission_has_evidence
        link.submission.has_action_items = link.submission_has_action_items
    return link


def _structure(submission: Submission) -> QuestionSetStructure:
    """The return's themes and questions, kept in the process (the set is
    frozen once a return uses it)."""
    return question_set_structure(
        partnership=submission.partnership_id, question_set_id=submission.question_set_id
    )


def submission_theme_rows(*, submission: Submission) -> list[ThemeRow]:
    """Every theme of the return with its question and answer counts and the
    agency's response: two queries, whatever the size of the set or of the
    partnership (the answers are found by submission first: one return's
    rows, never the whole set's)."""
    structure = _structure(submission)
    # The return's answered question ids (its rows of the (submission,
    # question) index), counted by theme here: no join to the questions.
    theme_of = {q.pk: t.pk for t in structure.themes for q in t.questions.all()}
    answered = Counter(
        theme_of.get(question_id)
        for question_id in Answer.objects.filter(submission=submission).values_list("question_id", flat=True)
    )
    responses = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submission)}
    return [
        ThemeRow(t, len(t.questions.all()), answered.get(t.pk, 0), responses.get(t.pk))
        for t in structure.themes
    ]


def submission_theme_get(*, submission: Submission, key: str) -> Theme:
    """A theme of the return's set, with its questions; 404 for any other
    key."""
    theme = _structure(submission).by_key.get(key)
    if theme is None:
        raise Http404("No such theme")
    return theme


def submission_answers(*, submission: Submission, theme: Theme | None = None) -> dict[int, str]:
    qs = Answer.objects.filter(submission=submission)
    if theme is not None:
        qs = qs.filter(question__theme=theme)
    return dict(qs.values_list("question_id", "value"))


def submission_evidence(*, submission: Submission, theme: Theme | None = None, staged=False):
    qs = Evidence.objects.filter(submission=submission, staged=staged)
    if theme is not None:
        qs = qs.filter(theme=theme)
    return list(qs.order_by("created_at", "id"))


def evidence_get(*, partnership: Partnership, token: str) -> Evidence:
    return get_object_or_404(
        Evidence.objects.select_related("submission"),
        submission__partnership=partnership,
        token=token,
    )


def submission_full(*, submission: Submission):
    """Everything on "check your answers" (and, later, the PDF), read-only:
    themes with their questions, answers, responses and evidence. Three
    queries, whatever the size of the set (its structure is kept in the
    process)."""
    themes = _structure(submission).themes
    answers = submission_answers(submission=submission)
    responses = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submission)}
    evidence: dict[int, list[Evidence]] = {}
    if getattr(submission, "has_evidence", True):  # known empty from agency_link_get
        for item in submission_evidence(submission=submission):
            evidence.setdefault(item.theme_id, []).append(item)
    sections = []
    for theme in themes:
        questions = [(q, answers.get(q.pk)) for q in theme.questions.all()]
        sections.append(
            {
                "theme": theme,
                "questions": questions,
                "unanswered": [q for q, a in questions if not a],
                "answered": sum(1 for _, a in questions if a),
                "response": responses.get(theme.pk),
                "evidence": evidence.get(theme.pk, []),
            }
        )
    return sections


def submission_theme_keys(*, submission: Submission) -> list[str]:
    return _structure(submission).keys


def theme_response_get(
    *, submission: Submission, theme: Theme, with_flags: bool = False
) -> ThemeResponse | None:
    """The agency's response to the theme. with_flags: annotated with
    `has_evidence` and `has_action_items`, in the same query, so that a
    theme page need not read two empty lists (most themes have neither)."""
    qs = ThemeResponse.objects.filter(submission=submission, theme=theme)
    if with_flags:
        qs = qs.annotate(
            has_evidence=Exists(Evidence.objects.filter(submission=submission, theme=theme, staged=False)),
            has_action_items=Exists(ActionItem.objects.filter(submission=submission, theme=theme)),
        )
    return qs.first()
