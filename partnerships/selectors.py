"""Reads of partnership data. Every function that returns tenant rows takes
the partnership first and never returns another partnership's row."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404

from .models import Agency, AgencyContact, Locality, Partnership, StaffMembership


def partnership_get_by_slug(*, slug: str) -> Partnership | None:
    return Partnership.objects.filter(slug=slug).first()


def partnership_list_for_user(*, user) -> QuerySet[Partnership]:
    if not user.is_authenticated:
        return Partnership.objects.none()
    return Partnership.objects.filter(memberships__user=user).order_by("name")


def membership_get(*, partnership: Partnership, user) -> StaffMembership | None:
    """The user's membership of this partnership, with `has_other_partnerships`
    (whether the staff pages offer "Switch partnership") in the same query."""
    if not user.is_authenticated:
        return None
    others = StaffMembership.objects.filter(user=OuterRef("user")).exclude(
        partnership=OuterRef("partnership")
    )
    return (
        StaffMembership.objects.filter(partnership=partnership, user=user)
        .annotate(has_other_partnerships=Exists(others))
        .first()
    )


def locality_list(*, partnership: Partnership) -> QuerySet[Locality]:
    return Locality.objects.filter(partnership=partnership).order_by("name")


def agency_list(*, partnership: Partnership, active_only: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.filter(partnership=partnership)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def agency_get(*, partnership: Partnership, pk) -> Agency:
    return get_object_or_404(Agency, partnership=partnership, pk=pk)


# ---------------------------------------------------------------------------
# Agencies, their contacts and localities: the staff workspace's pages
# (partnerships/views/staff/agencies.py). Tenancy tests:
# tests/partnerships/test_selectors_agencies.py.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AgencyFilters:
    locality_id: int | None = None
    sector: str = ""
    active: bool | None = None  # None: active and inactive
    search: str = ""


def agency_list_for_staff(
    *, partnership: Partnership, filters: AgencyFilters = AgencyFilters()
) -> list[Agency]:
    """The agencies table: each with its localities and number of contacts,
    in three queries however many agencies there are."""
    qs = Agency.objects.filter(partnership=partnership)
    if filters.locality_id:
        qs = qs.filter(localities__id=filters.locality_id, localities__partnership=partnership)
    if filters.sector:
        qs = qs.filter(sector=filters.sector)
    if filters.active is not None:
        qs = qs.filter(is_active=filters.active)
    if filters.search:
        qs = qs.filter(name__icontains=filters.search)
    qs = (
        qs.annotate(contact_count=Count("contacts", distinct=True))
        .prefetch_related(Prefetch("localities", queryset=Locality.objects.order_by("name")))
        .order_by("name")
    )
    return list(qs)


def agency_detail_get(*, partnership: Partnership, pk) -> Agency:
    """One agency with its localities and contacts (primary first); a 404
    for another partnership's agency."""
    qs = Agency.objects.filter(partnership=partnership).prefetch_related(
        Prefetch("localities", queryset=Locality.objects.order_by("name")),
        Prefetch("contacts", queryset=AgencyContact.objects.order_by("-is_primary", "name", "pk")),
    )
    return get_object_or_404(qs, pk=pk)


def agency_return_list(*, partnership: Partnership, agency: Agency) -> list:
    """The agency's returns, one per cycle, newest cycle first."""
    if agency.partnership_id != partnership.pk:
        return []
    return list(
        agency.submissions.filter(partnership=partnership)
        .select_related("cycle")
        .order_by("-cycle__opens_at", "-pk")
    )


def agency_contact_get(*, partnership: Partnership, agency: Agency, pk) -> AgencyContact:
    """A contact of this agency of this partnership, else a 404."""
    return get_object_or_404(
        AgencyContact.objects.select_related("agency", "agency__partnership"),
        agency=agency,
        agency__partnership=partnership,
        pk=pk,
    )


def locality_get(*, partnership: Partnership, pk) -> Locality:
    return get_object_or_404(Locality.objects.select_related("partnership"), partnership=partnership, pk=pk)


def locality_list_with_counts(*, partnership: Partnership) -> list[Locality]:
    """Localities with how many agencies (and how many active ones) are in each."""
    return list(
        Locality.objects.filter(partnership=partnership)
        .annotate(
            agency_count=Count("agencies", distinct=True),
            active_agency_count=Count("agencies", filter=Q(agencies__is_active=True), distinct=True),
        )
        .order_by("name")
    )


# ---------------------------------------------------------------------------
# Staff members
# ---------------------------------------------------------------------------


def _with_authenticator(qs: QuerySet[StaffMembership]) -> QuerySet[StaffMembership]:
    return qs.select_related("user").annotate(
        has_authenticator=Exists(
            Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
        )
    )


def staff_member_list(*, partnership: Partnership) -> QuerySet[StaffMembership]:
    """The partnership's staff, each with `has_authenticator`, in one query."""
    return _with_authenticator(StaffMembership.objects.filter(partnership=partnership)).order_by(
        Lower("user__full_name"), Lower("user__email"), "pk"
    )


def staff_member_get(*, partnership: Partnership, pk) -> StaffMembership:
    """One membership of this partnership (404 for another partnership's)."""
    return get_object_or_404(
        _with_authenticator(StaffMembership.objects.filter(partnership=partnership)), pk=pk
    )
