"""Reads for the staff workspace shared by all its parts."""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership

from ..models import AuditCycle, Submission, SubmissionStatus


def cycle_list_with_counts(*, partnership: Partnership):
    """The partnership's cycles, newest first, each with the number of
    returns and how many are submitted (one query)."""
    return (
        AuditCycle.objects.filter(partnership=partnership)
        .select_related("question_set")
        .annotate(
            returns_total=Count("submissions"),
            returns_submitted=Count("submissions", filter=Q(submissions__status=SubmissionStatus.SUBMITTED)),
        )
        .order_by("-opens_at")
    )


def submission_get_by_reference(*, partnership: Partnership, reference: str) -> Submission:
    """One return by its reference (S11-2026-…), as staff URLs name it; 404
    for another partnership's."""
    return get_object_or_404(
        Submission.objects.select_related("agency", "cycle", "question_set"),
        partnership=partnership,
        reference=reference,
    )
