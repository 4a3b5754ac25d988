"""Carrying an agency's last answers forward into a new return: matched
by theme and question key, so a newer question set version gets what still
fits, each theme marked for the agency to confirm."""

from collections.abc import Callable
from dataclasses import dataclass

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from themes.models import Question, Theme

from ..models import Answer, AnswerValue, AuditCycle, Submission, ThemeResponse


def submission_last_answered(agency_id: int, cycle: AuditCycle) -> Submission | None:
    """The agency's most recent earlier return that holds any answers."""
    return (
        Submission.objects.filter(partnership_id=cycle.partnership_id, agency_id=agency_id)
        .exclude(cycle=cycle)
        .filter(cycle__opens_at__lt=cycle.opens_at, theme_responses__isnull=False)
        .order_by("-cycle__opens_at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class PrefillTheme:
    """What a theme starts with: its rating, comments and who wrote them."""

    rag: str = ""
    comments: str = ""
    updated_by_name: str = ""
    updated_by_email: str = ""


def submission_prefill(
    *,
    submission: Submission,
    themes: dict[str, PrefillTheme],
    answers: dict[tuple[str, str], str],
    theme_key: Callable[[Theme], str | None] = lambda theme: theme.key,
    question_key: Callable[[Question, str], tuple[str, str] | None] = lambda q, theme_key: (theme_key, q.key),
) -> tuple[int, int]:
    """Fill a return nobody has saved yet: each theme whose key (`theme_key`)
    is in `themes`, or that gets an answer, is written marked as carried
    forward for the agency to confirm theme by theme (saving confirms it;
    submitting is refused until every one is); each question whose key
    (`question_key`) is in `answers` gets that answer, unless it is 'Not
    applicable' and the question does not allow it. The caller has checked
    the return may be filled and records the event. Returns (themes, answers)
    written."""
    set_themes = list(Theme.objects.filter(question_set_id=submission.question_set_id).order_by("order"))
    new_answers, answered = [], set()
    for question in Question.objects.filter(theme__question_set_id=submission.question_set_id).select_related(
        "theme"
    ):
        key = question_key(question, question.theme.key)
        value = answers.get(key) if key is not None else None
        if value is None or (value == AnswerValue.NA and not question.allows_na):
            continue
        new_answers.append(Answer(submission=submission, question=question, value=value))
        answered.add(question.theme_id)
    responses = []
    for theme in set_themes:
        key = theme_key(theme)
        start = themes.get(key) if key is not None else None
        if start is None and theme.pk not in answered:
            continue
        start = start or PrefillTheme()
        responses.append(
            ThemeResponse(
                submission=submission,
                theme=theme,
                rag=start.rag,
                comments=start.comments,
                carried_forward=True,
                updated_by_name=start.updated_by_name,
                updated_by_email=start.updated_by_email,
            )
        )
    ThemeResponse.objects.bulk_create(responses)
    Answer.objects.bulk_create(new_answers)
    return len(responses), len(new_answers)


def submission_carry_forward(*, submission: Submission, source: Submission, actor: Actor) -> dict:
    """Copy `source`'s answers, RAG ratings and comments into `submission`,
    matching themes and questions by key (so a newer question set version
    gets what still fits), each theme marked as carried forward for the
    agency to confirm. `source` is only read."""
    if source.partnership_id != submission.partnership_id or source.agency_id != submission.agency_id:
        raise DomainError("Answers can only be carried forward within one agency's returns.")
    if ThemeResponse.objects.filter(submission=submission).exists():
        raise DomainError("This return already has answers.")
    themes = {
        old.theme.key: PrefillTheme(
            # A default Red was never the agency's own rating.
            rag="" if old.rag_defaulted else old.rag,
            comments=old.comments,
            updated_by_name=old.updated_by_name,
            updated_by_email=old.updated_by_email,
        )
        for old in ThemeResponse.objects.filter(submission=source).select_related("theme")
    }
    answers = {
        (old.question.theme.key, old.question.key): old.value
        for old in Answer.objects.filter(submission=source).select_related("question__theme")
    }
    theme_count, answer_count = submission_prefill(submission=submission, themes=themes, answers=answers)
    Submission.objects.filter(pk=submission.pk).update(carried_from=source)
    submission.carried_from = source
    detail = {"from": source.reference, "themes": theme_count, "answers": answer_count}
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.carried_forward",
        submission=submission,
        obj=submission,
        detail=detail,
    )
    return detail


__all__ = ["PrefillTheme", "submission_carry_forward", "submission_last_answered", "submission_prefill"]
