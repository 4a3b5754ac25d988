"""A living self-assessment between cycles (issue 13 item 5): the
organisation's standing draft of a built-in library question set, kept at
platform level and in no partnership.

Members update it theme by theme at any time, or from one of the
organisation's returns (its answers, ratings and comments, matched by the
library's keys). A member may start a linked agency's new return that nobody
has saved yet from it: the matching questions are filled and each theme is
marked carried forward, for the agency to confirm theme by theme, through the
same mechanism as last cycle's answers (audits.services.carry_forward
.submission_prefill). Nothing moves into a partnership but by a member's
hand, and the return's history records it."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from audits.models import Answer, AnswerValue, Rag, Submission, ThemeResponse
from audits.services.carry_forward import PrefillTheme, submission_prefill
from audits.services.responses import submission_lock_for_edit
from core.audit import audit_event_record
from themes import library
from themes.models import Theme

from ..models import (
    OrganisationEvent,
    OrganisationMembership,
    StandingDraft,
    StandingDraftAnswer,
    StandingDraftTheme,
)
from .members import OrganisationRefusedError, member_actor


@dataclass
class StandingDraftStaleError(OrganisationRefusedError):
    """Another member saved the theme after this page was opened."""

    current: StandingDraftTheme | None

    def __str__(self):
        who = (self.current and self.current.updated_by_name) or "Another member"
        return (
            f"{who} saved this theme after you opened it. Check your answers against theirs, "
            "then save again to keep yours."
        )


def library_theme(template_key: str, theme_key: str) -> dict | None:
    """The library's theme (its own, not a template's local one), or None."""
    if template_key not in library.template_keys():
        return None
    return next(
        (
            t
            for t in library.template_data(template_key)["themes"]
            if t["key"] == theme_key and not t["is_local"]
        ),
        None,
    )


def library_questions(theme: dict) -> list[dict]:
    return [q for q in theme["questions"] if not q["is_local"]]


def standing_theme_rules_check(*, theme: dict, answers: dict[str, str], rag: str, comments: str) -> dict:
    """The agency theme page's rules (audits.services.responses
    .theme_rules_check), in its words, for a library theme: field → message."""
    errors = {}
    comments = (comments or "").strip()
    questions = {q["key"]: q for q in library_questions(theme)}
    for key, value in answers.items():
        question = questions.get(key)
        if question is None or value not in AnswerValue.values:
            errors["__all__"] = "The page was out of date. Reload it and try again."
        elif value == AnswerValue.NA and not question["allows_na"]:
            errors[f"q_{key}"] = "Select yes or no; this question cannot be not applicable"
    if any(v == AnswerValue.NA for v in answers.values()) and not comments:
        errors["comments"] = (
            "Explain in the comments why the questions you answered 'Not applicable' do not apply"
        )
    if rag and rag not in Rag.values:
        errors["rag"] = "Select a RAG rating"
    elif rag in (Rag.AMBER, Rag.RED) and not comments:
        errors["comments"] = (
            "Say in the comments how your organisation will improve, because you rated "
            f"this theme {Rag(rag).label}"
        )
    return errors


def _draft_locked(membership: OrganisationMembership, template_key: str) -> StandingDraft:
    draft, _ = StandingDraft.objects.get_or_create(
        organisation=membership.organisation, template_key=template_key
    )
    # The draft's row lock orders two members' saves and updates of one draft.
    return StandingDraft.objects.select_for_update().get(pk=draft.pk)


def _draft_touched(draft: StandingDraft, membership: OrganisationMembership, now) -> None:
    draft.updated_by_name, draft.updated_by_email, draft.updated_at = membership.name, membership.email, now
    draft.save(update_fields=["updated_by_name", "updated_by_email", "updated_at"])


def _event(membership: OrganisationMembership, verb: str, **detail) -> None:
    OrganisationEvent.objects.create(
        organisation=membership.organisation,
        actor_name=membership.name,
        actor_email=membership.email,
        verb=verb,
        detail=detail,
    )


@transaction.atomic
def standing_draft_theme_save(
    *,
    membership: OrganisationMembership,
    template_key: str,
    theme_key: str,
    answers: dict[str, str],
    rag: str,
    comments: str,
    expected_version: int,
) -> StandingDraftTheme:
    """Save one theme of the organisation's standing draft of a library
    set: its answers (question key → value; a question not given is left
    unanswered), rating and comments. Refused on a stale version."""
    theme = library_theme(template_key, theme_key)
    if theme is None:
        raise OrganisationRefusedError("That theme is not in the built-in question set")
    errors = standing_theme_rules_check(theme=theme, answers=answers, rag=rag, comments=comments)
    if errors:
        raise OrganisationRefusedError(next(iter(errors.values())))
    draft = _draft_locked(membership, template_key)
    row = StandingDraftTheme.objects.filter(draft=draft, theme_key=theme_key).first()
    if (row.version if row else 0) != expected_version:
        raise StandingDraftStaleError(current=row)
    now = timezone.now()
    row = row or StandingDraftTheme(draft=draft, theme_key=theme_key)
    row.rag, row.comments, row.version = rag, comments.strip(), row.version + 1
    row.updated_by_name, row.updated_by_email = membership.name, membership.email
    row.save()
    StandingDraftAnswer.objects.filter(draft=draft, theme_key=theme_key).exclude(
        question_key__in=list(answers)
    ).delete()
    StandingDraftAnswer.objects.bulk_create(
        [
            StandingDraftAnswer(draft=draft, theme_key=theme_key, question_key=k, value=v)
            for k, v in answers.items()
        ],
        update_conflicts=True,
        unique_fields=["draft", "theme_key", "question_key"],
        update_fields=["value"],
    )
    _draft_touched(draft, membership, now)
    _event(membership, "standing_draft.theme_saved", set=template_key, theme=theme["title"])
    return row


@transaction.atomic
def standing_draft_update_from_return(*, membership: OrganisationMembership, source: Submission) -> dict:
    """Update the standing draft of `source`'s library set from it (already
    reached through the organisation's accepted links): each theme someone
    saved there gives the draft its rating and comments, and every answer
    whose question carries a library key (its own, or a mapped local
    question's) gives the draft that answer. Themes the return has not saved
    stay as the draft has them. `source` is only read; its history records
    that the organisation read it."""
    template_key = source.question_set.template_key
    if template_key not in library.template_keys():
        raise OrganisationRefusedError(
            "This return’s question set was not copied from a built-in question set, "
            "so it cannot update a standing draft"
        )
    themes = list(Theme.objects.filter(question_set_id=source.question_set_id).prefetch_related("questions"))
    saved = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=source, version__gt=0)}
    if not saved:
        raise OrganisationRefusedError(
            "Nobody has saved a theme of this return yet: there is nothing to copy"
        )
    library_keys = {
        (t["key"], q["key"])
        for t in library.template_data(template_key)["themes"]
        if not t["is_local"]
        for q in library_questions(t)
    }
    values = dict(Answer.objects.filter(submission=source).values_list("question_id", "value"))
    answers = {}
    for theme in themes:
        for question in theme.questions.all():
            key = question.match_key(theme.key)
            if key in library_keys and question.pk in values:
                answers[key] = values[question.pk]
    library_themes = {k for k, _ in library_keys}
    draft = _draft_locked(membership, template_key)
    existing = {r.theme_key: r for r in StandingDraftTheme.objects.filter(draft=draft)}
    themes_updated = 0
    for theme in themes:
        response = saved.get(theme.pk)
        if response is None or theme.is_local or theme.key not in library_themes:
            continue
        row = existing.get(theme.key) or StandingDraftTheme(draft=draft, theme_key=theme.key)
        # A default Red was never the agency's own rating.
        row.rag = "" if response.rag_defaulted else response.rag
        row.comments, row.version = response.comments, row.version + 1
        row.updated_by_name, row.updated_by_email = membership.name, membership.email
        row.save()
        themes_updated += 1
    StandingDraftAnswer.objects.bulk_create(
        [
            StandingDraftAnswer(draft=draft, theme_key=t, question_key=q, value=v)
            for (t, q), v in answers.items()
        ],
        update_conflicts=True,
        unique_fields=["draft", "theme_key", "question_key"],
        update_fields=["value"],
    )
    _draft_touched(draft, membership, timezone.now())
    detail = {"organisation": membership.organisation.name, "themes": themes_updated, "answers": len(answers)}
    audit_event_record(
        partnership=source.partnership,
        actor=member_actor(membership),
        verb="organisation.standing_draft_updated_from",
        submission=source,
        detail=detail,
    )
    _event(
        membership,
        "standing_draft.updated_from_return",
        set=template_key,
        reference=source.reference,
        partnership=source.partnership.name,
        themes=themes_updated,
        answers=len(answers),
    )
    return detail


def standing_draft_startable(submission: Submission) -> bool:
    """Whether a return may still start from a standing draft: nobody has
    saved a theme of it (themes carried forward from last cycle and not yet
    confirmed are replaced)."""
    return not ThemeResponse.objects.filter(submission=submission, version__gt=0).exists()


@transaction.atomic
def standing_draft_start(*, membership: OrganisationMembership, target: Submission) -> dict:
    """Start `target` (a linked agency's return, already reached through the
    organisation's accepted links) from the organisation's standing draft of
    its library set: the matching questions filled, each theme marked
    carried forward for the agency to confirm theme by theme (as last
    cycle's answers are), recorded in the return's history. Refused once
    anybody has saved a theme of it, or when the return may not be edited."""
    submission = submission_lock_for_edit(target)
    template_key = target.question_set.template_key
    draft = StandingDraft.objects.filter(
        organisation=membership.organisation, template_key=template_key, updated_at__isnull=False
    ).first()
    if not template_key or draft is None:
        raise OrganisationRefusedError(
            f"{membership.organisation.name} has no standing draft of this return’s question set yet"
        )
    if not standing_draft_startable(submission):
        raise OrganisationRefusedError(
            "Someone has already saved a theme of this return, so it cannot start from your standing "
            "draft. Copy answers into it theme by theme instead."
        )
    # Last cycle's answers, carried forward and not yet confirmed by anyone, give way.
    replaced = ThemeResponse.objects.filter(submission=submission).exists()
    Answer.objects.filter(submission=submission).delete()
    ThemeResponse.objects.filter(submission=submission).delete()
    themes = {
        row.theme_key: PrefillTheme(
            rag=row.rag,
            comments=row.comments,
            updated_by_name=row.updated_by_name,
            updated_by_email=row.updated_by_email,
        )
        for row in StandingDraftTheme.objects.filter(draft=draft)
    }
    answers = {
        (a.theme_key, a.question_key): a.value for a in StandingDraftAnswer.objects.filter(draft=draft)
    }
    theme_count, answer_count = submission_prefill(
        submission=submission,
        themes=themes,
        answers=answers,
        theme_key=lambda theme: None if theme.is_local else theme.key,
        question_key=lambda question, theme_key: question.match_key(theme_key),
    )
    Submission.objects.filter(pk=submission.pk).update(carried_from=None, version=F("version") + 1)
    detail = {
        "organisation": membership.organisation.name,
        "themes": theme_count,
        "answers": answer_count,
        "replaced_carried_forward": replaced,
    }
    audit_event_record(
        partnership=submission.partnership,
        actor=member_actor(membership),
        verb="organisation.started_from_standing_draft",
        submission=submission,
        obj=submission,
        detail=detail,
    )
    _event(
        membership,
        "standing_draft.return_started",
        set=template_key,
        reference=submission.reference,
        partnership=submission.partnership.name,
        themes=theme_count,
        answers=answer_count,
    )
    return detail
