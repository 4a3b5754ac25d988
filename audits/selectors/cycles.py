"""Reads for setting up cycles and for the email history staff see. Every
function takes the partnership and never returns another partnership's row."""

from django.db.models import Count, F, Max, Q, QuerySet
from django.db.models.functions import Coalesce, Greatest
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.models import AuditEvent, OutboundEmail
from partnerships.models import Agency, Locality, Partnership
from partnerships.scope import scope_current
from themes.models import QuestionSet, Theme
from themes.selectors import question_set_structure

from ..access import cycle_owned
from ..models import Answer, AuditCycle, Submission, SubmissionStatus, ThemeResponse
from .scope import cycle_participants

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status


def cycle_admin_get(*, partnership: Partnership, slug: str) -> AuditCycle:
    return get_object_or_404(
        AuditCycle.objects.select_related("question_set", "previous_cycle").prefetch_related(
            "scope_localities", "chosen_agencies"
        ),
        partnership=partnership,
        slug=slug,
    )


def question_set_published_list(*, partnership: Partnership) -> QuerySet[QuestionSet]:
    return QuestionSet.objects.filter(partnership=partnership, status=QuestionSet.Status.PUBLISHED).order_by(
        "name", "-version"
    )


def agency_choice_list(*, partnership: Partnership) -> QuerySet[Agency]:
    return Agency.objects.filter(partnership=partnership, is_active=True).order_by("name")


def locality_choice_list(*, partnership: Partnership) -> QuerySet[Locality]:
    return Locality.objects.filter(partnership=partnership).order_by("name")


def cycle_deadline_events(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[AuditEvent]:
    """Extensions for the cycle and for its agencies, newest first, with the
    reason each was given."""
    return (
        AuditEvent.objects.filter(partnership=partnership)
        .filter(
            Q(verb="cycle.deadline_extended", object_type="audits.auditcycle", object_id=str(cycle.pk))
            | Q(verb="submission.deadline_extended", submission__cycle=cycle)
        )
        .select_related("submission__agency")
        .order_by("-created_at", "-id")
    )


def cycle_email_rows(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[Submission]:
    """The cycle's returns, each with how many invitations, reminders and
    overdue notices went out and when the last one did (one query)."""
    sent = Q(emails__status=Status.SENT)
    return (
        Submission.objects.filter(partnership=partnership, cycle=cycle)
        .filter(scope_current().agencies("agency__"))
        .select_related("agency", "cycle")
        .annotate(
            invitations_sent=Count("emails", filter=sent & Q(emails__kind=Kind.INVITATION)),
            reminders_sent=Count("emails", filter=sent & Q(emails__kind=Kind.REMINDER)),
            overdue_sent=Count("emails", filter=sent & Q(emails__kind=Kind.OVERDUE)),
            emails_waiting=Count("emails", filter=Q(emails__status=Status.PENDING)),
            emails_failed=Count("emails", filter=Q(emails__status=Status.FAILED)),
            last_sent_at=Max("emails__sent_at"),
            contacts_total=Count("agency__contacts", distinct=True),
        )
        .order_by("agency__name")
    )


def cycle_participant_rows(
    *, partnership: Partnership, cycle: AuditCycle
) -> list[tuple[Agency, Submission | None]]:
    """Each agency taking part, by name, with its return in the cycle (None
    before the cycle opens). Two queries."""
    cycle_owned(partnership=partnership, cycle=cycle)
    returns = {
        s.agency_id: s
        for s in Submission.objects.filter(partnership=partnership, cycle=cycle).select_related("cycle")
    }
    return [(a, returns.get(a.pk)) for a in cycle_participants(cycle=cycle).only("pk", "name")]


def cycle_overdue_rows(*, partnership: Partnership, cycle: AuditCycle, now=None) -> list[Submission]:
    """The cycle's returns not submitted by their deadline, the agency's own
    extension included, oldest deadline first: each with `effective_deadline`,
    how many contacts it has, how many reminders and overdue notices went
    out and when the last did (one query)."""
    cycle_owned(partnership=partnership, cycle=cycle)
    now = now or timezone.now()
    sent = Q(emails__status=Status.SENT)
    chasers = Q(emails__kind__in=[Kind.REMINDER, Kind.OVERDUE])
    return list(
        Submission.objects.filter(partnership=partnership, cycle=cycle)
        .filter(scope_current().agencies("agency__"))
        .exclude(status=SubmissionStatus.SUBMITTED)
        .filter(agency__in=cycle_participants(cycle=cycle).values("pk"))
        # An extension counts only when it is later than the cycle's close (as Submission.deadline).
        .annotate(
            effective_deadline=Greatest(Coalesce("extended_until", F("cycle__closes_at")), "cycle__closes_at")
        )
        .filter(effective_deadline__lte=now)
        .select_related("agency", "cycle")
        .annotate(
            contacts_total=Count("agency__contacts", distinct=True),
            chasers_sent=Count("emails", filter=sent & chasers, distinct=True),
            last_chased_at=Max("emails__sent_at", filter=sent & chasers),
        )
        .order_by("effective_deadline", "agency__name")
    )


def cycle_submissions_by_agency(*, partnership: Partnership, cycle: AuditCycle, agency_ids) -> list:
    return list(
        Submission.objects.filter(partnership=partnership, cycle=cycle, agency_id__in=agency_ids)
        .filter(scope_current().agencies("agency__"))
        .select_related("agency", "cycle", "partnership")
        .prefetch_related("agency__contacts")
        .order_by("agency__name")
    )


def submission_email_list(*, partnership: Partnership, submission: Submission) -> QuerySet[OutboundEmail]:
    return OutboundEmail.objects.filter(partnership=partnership, submission=submission).order_by(
        "-created_at", "-id"
    )


def theme_last_cycle(*, partnership: Partnership, submission: Submission, theme: Theme) -> dict | None:
    """What the agency said about this theme in the return its answers were
    carried forward from, matched by key: {"cycle_title", "rag", "answers":
    {this question's id: last value}, "new": {ids of questions new this
    cycle}}. None if nothing was carried forward."""
    if submission.partnership_id != partnership.pk or submission.carried_from_id is None:
        return None
    source = (
        Submission.objects.filter(partnership=partnership, pk=submission.carried_from_id)
        .select_related("cycle")
        .first()
    )
    if source is None:
        return None
    # The old set is frozen (a return used it): its structure is cached.
    old_theme = question_set_structure(
        partnership=partnership, question_set_id=source.question_set_id
    ).by_key.get(theme.key)
    old = {}
    response = None
    if old_theme is not None:
        keys = {q.pk: q.key for q in old_theme.questions.all()}
        old = {
            keys[question_id]: value
            for question_id, value in Answer.objects.filter(
                submission=source, question_id__in=list(keys)
            ).values_list("question_id", "value")
        }
        old_keys = set(keys.values())
        response = ThemeResponse.objects.filter(submission=source, theme=old_theme).first()
    else:
        old_keys = set()
    questions = list(theme.questions.all())
    return {
        "cycle_title": source.cycle.title,
        "rag": response.rag if response and not response.rag_defaulted else "",
        "theme_new": old_theme is None,
        "answers": {q.pk: old[q.key] for q in questions if q.key in old},
        "new": {q.pk for q in questions if q.key not in old_keys},
    }


__all__ = [
    "agency_choice_list",
    "cycle_admin_get",
    "cycle_deadline_events",
    "cycle_email_rows",
    "cycle_overdue_rows",
    "cycle_participant_rows",
    "cycle_submissions_by_agency",
    "locality_choice_list",
    "question_set_published_list",
    "submission_email_list",
    "theme_last_cycle",
]
