"""Reads of audit data. Every function takes the partnership and never
returns a row of another partnership: a changed id in a URL gets a 404."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.models import Partnership

from .models import AuditCycle, AuditEvent, Submission


def cycle_list(*, partnership: Partnership) -> QuerySet[AuditCycle]:
    return AuditCycle.objects.filter(partnership=partnership).order_by("-opens_at")


def cycle_list_public(*, partnership: Partnership, now=None) -> QuerySet[AuditCycle]:
    """Cycles an agency may see on the partnership's public pages: open ones
    and those about to open."""
    now = now or timezone.now()
    return cycle_list(partnership=partnership).filter(closes_at__gt=now)


def cycle_get(*, partnership: Partnership, pk=None, slug=None) -> AuditCycle:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    return get_object_or_404(
        AuditCycle.objects.select_related("question_set"), partnership=partnership, **lookup
    )


def submission_list(*, partnership: Partnership, cycle: AuditCycle | None = None):
    qs = Submission.objects.filter(partnership=partnership).select_related("agency", "cycle")
    if cycle is not None:
        qs = qs.filter(cycle=cycle)
    return qs.order_by("agency__name")


def submission_get(*, partnership: Partnership, pk) -> Submission:
    return get_object_or_404(
        Submission.objects.select_related("agency", "cycle", "question_set"),
        partnership=partnership,
        pk=pk,
    )


def audit_event_list(*, partnership: Partnership, submission: Submission | None = None):
    qs = AuditEvent.objects.filter(partnership=partnership)
    if submission is not None:
        qs = qs.filter(submission=submission)
    return qs.order_by("-created_at", "-id")
