"""Which of a partnership's agencies a member of staff may see: the one
place that says so.

Most roles see every agency of their partnership. A locality lead sees only
the agencies in their localities; a commissioner only the services their
agency commissions (Agency.commissioned_by). `staff_required` works out the member's
`Scope` once per request and applies it for the length of the view
(`scope_applied`); the reads that reach agencies or their returns narrow
themselves by `scope_current()`:

- audits.access.submission_access answers 404 for a return of an agency
  outside the scope, as for one of another partnership;
- audits.selectors.scope (who takes part in a cycle), which the dashboard,
  heatmap, per-question table, exports, summary report and comparison all
  read through, and the action-plan, meeting and agency selectors, leave
  the other agencies out.

So a view never filters by role, and a page added later that reads through
these is narrowed too. Outside a staff request (the agency journey, Celery
tasks, the shell) the scope is the whole partnership: tenancy itself is the
partnership filter every selector has anyway.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Q

from .models import Agency, StaffMembership, StaffRole


@dataclass(frozen=True)
class Scope:
    """`locality_ids`: only the agencies in one of these localities;
    `commissioned_by`: only the agencies this agency commissions. None (both)
    for every agency of the partnership."""

    locality_ids: frozenset[int] | None = None
    commissioned_by: int | None = None
    # Whether cycles other partnerships share with this one are reached too
    # (joint boards, audits.access): for staff whose role sees every agency.
    shared_cycles: bool = False

    @property
    def is_whole(self) -> bool:
        return self.locality_ids is None and self.commissioned_by is None

    def agencies(self, path: str = "") -> Q:
        """A filter on the model at the end of `path` ("" for Agency itself,
        "agency__" from a return, "submission__agency__" from an answer):
        only the agencies this scope may see. A subquery, not a join, so it
        adds no duplicate rows to what it narrows."""
        q = Q()
        if self.locality_ids is not None:
            in_localities = Agency.localities.through.objects.filter(
                locality_id__in=sorted(self.locality_ids)
            ).values("agency_id")
            q &= Q(**{f"{path}pk__in": in_localities})
        if self.commissioned_by is not None:
            q &= Q(**{f"{path}commissioned_by_id": self.commissioned_by})
        return q

    def localities(self, path: str = "") -> Q:
        """A filter on Locality (or the model at the end of `path`): the
        localities this scope may see."""
        if self.locality_ids is None:
            return Q()
        return Q(**{f"{path}pk__in": sorted(self.locality_ids)})


WHOLE_PARTNERSHIP = Scope()
# A member of staff who sees every agency, and the cycles shared with their
# partnership.
WHOLE_AND_SHARED = Scope(shared_cycles=True)
# What a member whose localities or agency were removed sees: no agency,
# never every agency.
NO_AGENCY = Scope(locality_ids=frozenset())


def scope_of(membership: StaffMembership) -> Scope:
    """The member's scope. A locality lead's localities come with the
    membership from partnerships.selectors.membership_get (`led_locality_ids`,
    no query of their own), or are read here. A locality lead with no
    locality left, or a commissioner whose agency was removed, sees no
    agency, never every agency."""
    if membership.role == StaffRole.COMMISSIONER:
        if membership.agency_id is None:
            return NO_AGENCY
        return Scope(commissioned_by=membership.agency_id)
    if membership.role != StaffRole.LOCALITY_LEAD:
        return WHOLE_AND_SHARED
    if hasattr(membership, "led_locality_ids"):
        ids = membership.led_locality_ids or []
    else:
        ids = membership.localities.values_list("pk", flat=True)
    return Scope(locality_ids=frozenset(int(pk) for pk in ids))


_current: ContextVar[Scope] = ContextVar("staff_scope", default=WHOLE_PARTNERSHIP)


def scope_current() -> Scope:
    """The scope of the staff request being answered; the whole partnership
    outside one."""
    return _current.get()


@contextmanager
def scope_applied(scope: Scope) -> Iterator[Scope]:
    token = _current.set(scope)
    try:
        yield scope
    finally:
        _current.reset(token)
