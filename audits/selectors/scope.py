"""Who takes part in a cycle, as every page that counts or offers agencies
sees it: the start form, the dashboard and the reports.

An agency takes part if the cycle's scope includes it now
(`cycle_participants`: active, and in the chosen sectors, localities or list),
or if its return in the cycle has been started. A return is made for each
agency in scope when the cycle opens; if the agency later leaves the scope
(or is made inactive), a return it never touched is left out, while one it
has worked on (in progress, submitted, returned) still counts: that work is
real and the partnership must still see it.

Each function filters on the partnership as well as the cycle, so another
partnership's cycle yields nothing, and on the agencies the member of staff
asking may see (partnerships/scope.py: a locality lead's localities), so
every page, export and report read through them is narrowed alike. All three are lazy querysets, meant to
be used inside other queries at no cost of their own.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from partnerships.models import Agency, Partnership
from partnerships.scope import scope_current

from ..models import AgencyScope, AuditCycle, Submission, SubmissionStatus


def cycle_participants(*, cycle: AuditCycle) -> QuerySet[Agency]:
    """The active agencies taking part in the cycle, per its scope. Lazy: the
    chosen localities and agencies are subqueries, so using it inside another
    query (the dashboard's counts) costs no query of its own."""
    return scope_agencies(
        partnership_id=cycle.partnership_id,
        scope=cycle.agency_scope,
        sectors=cycle.scope_sectors,
        locality_ids=AuditCycle.scope_localities.through.objects.filter(auditcycle_id=cycle.pk).values(
            "locality_id"
        ),
        agency_ids=AuditCycle.chosen_agencies.through.objects.filter(auditcycle_id=cycle.pk).values(
            "agency_id"
        ),
    )


def scope_agencies(*, partnership_id, scope, sectors, locality_ids, agency_ids) -> QuerySet[Agency]:
    qs = Agency.objects.filter(partnership_id=partnership_id, is_active=True)
    if scope == AgencyScope.SECTOR:
        qs = qs.filter(sector__in=sectors)
    elif scope == AgencyScope.LOCALITY:
        qs = qs.filter(localities__in=locality_ids).distinct()
    elif scope == AgencyScope.CHOSEN:
        qs = qs.filter(pk__in=agency_ids)
    return qs.order_by("name")


def _started() -> Q:
    return ~Q(status=SubmissionStatus.NOT_STARTED)


def cycle_returns_taking_part(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[Submission]:
    """The cycle's returns that count: those of agencies in scope, and any
    other that has been started."""
    in_scope = cycle_participants(cycle=cycle).filter(partnership=partnership).values("pk")
    return (
        Submission.objects.filter(partnership=partnership, cycle=cycle)
        .filter(Q(agency__in=in_scope) | _started())
        .filter(scope_current().agencies("agency__"))
    )


def cycle_agencies_without_return(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[Agency]:
    """Agencies in the cycle's scope that have no return in it yet (it is
    made when the cycle opens, or when someone starts): not started."""
    # A plain Agency queryset (the scope's joins in a subquery), so callers
    # may group and join it as they like.
    in_scope = cycle_participants(cycle=cycle).filter(partnership=partnership).values("pk")
    return (
        Agency.objects.filter(partnership=partnership, pk__in=in_scope)
        .filter(~Exists(Submission.objects.filter(cycle=cycle, agency=OuterRef("pk"))))
        .filter(scope_current().agencies())
    )


def cycle_agencies_taking_part(*, partnership: Partnership, cycle: AuditCycle) -> QuerySet[Agency]:
    """Every agency taking part, by name: the choices of the start form."""
    started = Submission.objects.filter(partnership=partnership, cycle=cycle).filter(_started())
    in_scope = cycle_participants(cycle=cycle).filter(partnership=partnership).values("pk")
    return (
        Agency.objects.filter(partnership=partnership)
        .filter(Q(pk__in=in_scope) | Q(pk__in=started.values("agency_id")))
        .filter(scope_current().agencies())
        .order_by("name", "pk")
    )
