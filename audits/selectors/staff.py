"""Reads for the staff workspace shared by all its parts."""

from django.db.models import Count, Q

from partnerships.models import Partnership
from partnerships.scope import scope_current

from ..models import AuditCycle, SubmissionStatus


def cycle_list_with_counts(*, partnership: Partnership):
    """The partnership's cycles, newest first, each with the number of
    returns and how many are submitted (one query): of the agencies the
    member of staff may see."""
    mine = scope_current().agencies("submissions__agency__")
    return (
        AuditCycle.objects.filter(partnership=partnership)
        .select_related("question_set")
        .annotate(
            returns_total=Count("submissions", filter=mine),
            returns_submitted=Count(
                "submissions", filter=mine & Q(submissions__status=SubmissionStatus.SUBMITTED)
            ),
        )
        .order_by("-opens_at")
    )
