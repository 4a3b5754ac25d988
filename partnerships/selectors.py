"""Reads of partnership data. Every function that returns tenant rows takes
the partnership first and never returns another partnership's row."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Agency, Locality, Partnership, StaffMembership


def partnership_get_by_slug(*, slug: str) -> Partnership | None:
    return Partnership.objects.filter(slug=slug).first()


def partnership_list_for_user(*, user) -> QuerySet[Partnership]:
    if not user.is_authenticated:
        return Partnership.objects.none()
    return Partnership.objects.filter(memberships__user=user).order_by("name")


def membership_get(*, partnership: Partnership, user) -> StaffMembership | None:
    if not user.is_authenticated:
        return None
    return StaffMembership.objects.filter(partnership=partnership, user=user).first()


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
# Staff members
# ---------------------------------------------------------------------------

from allauth.mfa.models import Authenticator  # noqa: E402
from django.db.models import Exists, OuterRef  # noqa: E402
from django.db.models.functions import Lower  # noqa: E402


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
