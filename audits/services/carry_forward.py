"""Carrying an agency's last answers forward into a new return: matched
by theme and question key, so a newer question set version gets what still
fits, each theme marked for the agency to confirm."""

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


def submission_carry_forward(*, submission: Submission, source: Submission, actor: Actor) -> dict:
    """Copy `source`'s answers, RAG ratings and comments into `submission`,
    matching themes and questions by key (so a newer question set version
    gets what still fits), each theme marked as carried forward for the
    agency to confirm. `source` is only read."""
    if source.partnership_id != submission.partnership_id or source.agency_id != submission.agency_id:
        raise DomainError("Answers can only be carried forward within one agency's returns.")
    if ThemeResponse.objects.filter(submission=submission).exists():
        raise DomainError("This return already has answers.")
    themes = {t.key: t for t in Theme.objects.filter(question_set_id=submission.question_set_id)}
    questions = {
        (q.theme.key, q.key): q
        for q in Question.objects.filter(theme__question_set_id=submission.question_set_id).select_related(
            "theme"
        )
    }
    responses = []
    for old in ThemeResponse.objects.filter(submission=source).select_related("theme"):
        theme = themes.get(old.theme.key)
        if theme is None:
            continue
        responses.append(
            ThemeResponse(
                submission=submission,
                theme=theme,
                # A default Red was never the agency's own rating.
                rag="" if old.rag_defaulted else old.rag,
                comments=old.comments,
                carried_forward=True,
                updated_by_name=old.updated_by_name,
                updated_by_email=old.updated_by_email,
            )
        )
    answers = []
    for old in Answer.objects.filter(submission=source).select_related("question__theme"):
        question = questions.get((old.question.theme.key, old.question.key))
        if question is None or (old.value == AnswerValue.NA and not question.allows_na):
            continue
        answers.append(Answer(submission=submission, question=question, value=old.value))
    ThemeResponse.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    Submission.objects.filter(pk=submission.pk).update(carried_from=source)
    submission.carried_from = source
    detail = {"from": source.reference, "themes": len(responses), "answers": len(answers)}
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.carried_forward",
        submission=submission,
        obj=submission,
        detail=detail,
    )
    return detail


__all__ = ["submission_carry_forward", "submission_last_answered"]
