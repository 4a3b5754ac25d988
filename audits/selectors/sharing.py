"""Reads for joint boards: the cycles a partnership shares and the cycles
shared with it (audits/models/sharing.py). Each takes the partnership
first and returns only shares it is a side of."""

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from partnerships.models import Partnership
from partnerships.scope import scope_current

from ..access import cycle_owned
from ..models import AuditCycle, CycleShare, SubmissionStatus


def cycle_share_list(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[CycleShare]:
    """Whom the partnership's cycle is shared with (or offered to)."""
    cycle_owned(partnership=partnership, cycle=cycle)
    return CycleShare.objects.filter(cycle=cycle).select_related("partnership").order_by("partnership__name")


def cycle_share_get(*, partnership: Partnership, cycle: AuditCycle, pk) -> CycleShare:
    cycle_owned(partnership=partnership, cycle=cycle)
    return get_object_or_404(CycleShare.objects.select_related("partnership", "cycle"), cycle=cycle, pk=pk)


def cycle_share_offered_list(*, partnership: Partnership) -> QuerySet[CycleShare]:
    """The cycles other partnerships offer or share with this one, with
    their owners."""
    return (
        CycleShare.objects.filter(partnership=partnership)
        .select_related("cycle__partnership", "cycle__question_set")
        .order_by("accepted_at", "-invited_at", "-pk")
    )


def cycle_share_offered_get(*, partnership: Partnership, pk) -> CycleShare:
    return get_object_or_404(cycle_share_offered_list(partnership=partnership), pk=pk)


def cycle_shared_list_with_counts(*, partnership: Partnership) -> list[AuditCycle]:
    """The cycles shared with the partnership (accepted), newest first, each
    named as this workspace names it (`slug`), with its owner (`shared_by`)
    and the number of returns and of submitted ones (one query). None for a
    member whose role sees only some of the partnership's own agencies."""
    if not scope_current().shared_cycles:
        return []
    shares = list(
        CycleShare.objects.filter(partnership=partnership, accepted_at__isnull=False)
        .select_related("cycle__partnership", "cycle__question_set")
        .annotate(
            returns_total=Count("cycle__submissions"),
            returns_submitted=Count(
                "cycle__submissions", filter=Q(cycle__submissions__status=SubmissionStatus.SUBMITTED)
            ),
        )
        .order_by("-cycle__opens_at", "-pk")
    )
    cycles = []
    for share in shares:
        cycle = share.cycle
        cycle.slug, cycle.shared_by = share.slug, cycle.partnership
        cycle.returns_total, cycle.returns_submitted = share.returns_total, share.returns_submitted
        cycles.append(cycle)
    return cycles
