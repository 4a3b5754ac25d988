"""Reads of partnership data. Every function that returns tenant rows takes
the partnership first and never returns another partnership's row."""

from dataclasses import dataclass

from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONArray, Lower
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.aggregates import JSONList
from core.process_cache import ProcessCache

from .models import Agency, AgencyContact, Locality, Partnership, StaffInvitation, StaffMembership
from .scope import scope_current

_partnerships = ProcessCache("partnership by slug")


def partnership_get_by_slug(*, slug: str) -> Partnership | None:
    """The partnership every tenant URL names, kept in the process (see
    core/process_cache.py): read once, not on every request."""
    return _partnerships.get(slug, lambda: Partnership.objects.filter(slug=slug).first())


def partnership_list_for_user(*, user) -> QuerySet[Partnership]:
    if not user.is_authenticated:
        return Partnership.objects.none()
    return Partnership.objects.filter(memberships__user=user).order_by("name")


def membership_get(*, partnership: Partnership, user, second_factor=None) -> StaffMembership | None:
    """The user's membership of this partnership, with `has_other_partnerships`
    (whether the staff pages offer "Switch partnership") and `led_locality_ids`
    (a locality lead's localities, None for none: partnerships.scope) in the
    same query. `second_factor`: a boolean expression
    (accounts.mfa.authenticator_still_held) the membership carries as
    `second_factor_held`, so the staff pages check the session's second
    factor in this query, not one of its own."""
    if not user.is_authenticated:
        return None
    others = StaffMembership.objects.filter(user=OuterRef("user")).exclude(
        partnership=OuterRef("partnership")
    )
    led = (
        StaffMembership.localities.through.objects.filter(staffmembership_id=OuterRef("pk"))
        .order_by()
        .values("staffmembership_id")
        .annotate(ids=JSONList("locality_id"))
        .values("ids")
    )
    queryset = StaffMembership.objects.filter(partnership=partnership, user=user).annotate(
        has_other_partnerships=Exists(others), led_locality_ids=Subquery(led)
    )
    if second_factor is not None:
        queryset = queryset.annotate(second_factor_held=second_factor)
    return queryset.first()


def locality_list(*, partnership: Partnership) -> QuerySet[Locality]:
    """The localities the member of staff may see (a locality lead: theirs)."""
    return Locality.objects.filter(scope_current().localities(), partnership=partnership).order_by("name")


_localities = ProcessCache("localities of a partnership")


def locality_list_kept(*, partnership: Partnership, led_only: bool = True) -> tuple[Locality, ...]:
    """The partnership's localities by name, kept in the process (see
    core/process_cache.py; any locality's save or delete drops them): the
    filter of every cycle dashboard page lists them. Read-only. All of them
    are kept; a locality lead gets theirs (partnerships.scope), picked here,
    unless `led_only` is False (a report names every locality its figures
    count in)."""
    every = _localities.get(
        partnership.pk, lambda: tuple(Locality.objects.filter(partnership=partnership).order_by("name"))
    )
    led = scope_current().locality_ids
    return every if led is None or not led_only else tuple(lo for lo in every if lo.pk in led)


def agency_list(*, partnership: Partnership, active_only: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.filter(scope_current().agencies(), partnership=partnership)
    if active_only:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def agency_get(*, partnership: Partnership, pk) -> Agency:
    return get_object_or_404(
        Agency.objects.filter(scope_current().agencies()), partnership=partnership, pk=pk
    )


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
    in three queries however many agencies there are. Only the agencies
    the member of staff may see."""
    qs = Agency.objects.filter(scope_current().agencies(), partnership=partnership)
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
    qs = (
        Agency.objects.filter(scope_current().agencies(), partnership=partnership)
        .select_related("commissioned_by")
        .prefetch_related(
            Prefetch("localities", queryset=Locality.objects.order_by("name")),
            Prefetch("contacts", queryset=AgencyContact.objects.order_by("-is_primary", "name", "pk")),
        )
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
        Locality.objects.filter(scope_current().localities(), partnership=partnership)
        .annotate(
            agency_count=Count("agencies", distinct=True),
            active_agency_count=Count("agencies", filter=Q(agencies__is_active=True), distinct=True),
        )
        .order_by("name")
    )


# ---------------------------------------------------------------------------
# Staff members. A partnership sees of a member what it holds itself (the
# membership's name, role and last visit to its staff pages), never the
# account's name or last login, and sees whether an authenticator app is set
# up only for an account that belongs to it alone (`account_shared` False).
# Tenancy tests: tests/partnerships/test_selectors_members.py.
# ---------------------------------------------------------------------------


def _locality_names(through, owner: str) -> Subquery:
    """A locality lead's localities as [[id, name], …], in the row's own
    query (`_led` sorts them)."""
    return Subquery(
        through.objects.filter(**{owner: OuterRef("pk")})
        .order_by()
        .values(owner)
        .annotate(j=JSONList(JSONArray("locality_id", "locality__name")))
        .values("j")
    )


def _led(row):
    """`led_localities`: (id, name) pairs by name, from `_locality_names`."""
    row.led_localities = sorted(((pk, name) for pk, name in (row.led or [])), key=lambda p: p[1].casefold())
    return row


def _staff_members(partnership: Partnership) -> QuerySet[StaffMembership]:
    others = StaffMembership.objects.filter(user=OuterRef("user")).exclude(partnership=partnership)
    return (
        StaffMembership.objects.filter(partnership=partnership)
        .select_related("user", "agency")
        .only(
            "pk",
            "partnership_id",
            "role",
            "display_name",
            "last_seen_at",
            "created_at",
            "user__email",
            "user__is_superuser",
            "agency__name",
        )
        .annotate(
            led=_locality_names(StaffMembership.localities.through, "staffmembership_id"),
            account_shared=Exists(others),
            has_authenticator=Exists(
                Authenticator.objects.filter(user=OuterRef("user"), type=Authenticator.Type.TOTP)
            ),
        )
    )


def staff_member_list(*, partnership: Partnership) -> list[StaffMembership]:
    """The partnership's staff in one query. `has_authenticator` is None
    for an account that is not the partnership's alone: not its business."""
    members = list(_staff_members(partnership).order_by(Lower("display_name"), Lower("user__email"), "pk"))
    for member in members:
        _led(member)
        if member.account_shared or member.user.is_superuser:
            member.has_authenticator = None
    return members


def staff_member_get(*, partnership: Partnership, pk) -> StaffMembership:
    """One membership of this partnership (404 for another partnership's)."""
    member = _led(get_object_or_404(_staff_members(partnership), pk=pk))
    if member.account_shared or member.user.is_superuser:
        member.has_authenticator = None
    return member


def staff_invitation_list(*, partnership: Partnership) -> list[StaffInvitation]:
    """Invitations nobody has accepted yet, expired ones included."""
    return [
        _led(invitation)
        for invitation in StaffInvitation.objects.filter(partnership=partnership, accepted_at__isnull=True)
        .select_related("agency")
        .annotate(led=_locality_names(StaffInvitation.localities.through, "staffinvitation_id"))
        .order_by(Lower("full_name"), Lower("email"), "pk")
    ]


def staff_invitation_get(*, partnership: Partnership, pk) -> StaffInvitation:
    return get_object_or_404(
        StaffInvitation.objects.select_related("partnership"),
        partnership=partnership,
        accepted_at__isnull=True,
        pk=pk,
    )


def staff_invitation_for_token(*, token: str, user) -> StaffInvitation | None:
    """The open invitation with this token, if it is for this signed-in
    account; None otherwise (a wrong, used or someone else's link alike)."""
    if not token or not user.is_authenticated:
        return None
    return (
        StaffInvitation.objects.select_related("partnership")
        .filter(
            token_hash=StaffInvitation.token_hash_of(token),
            accepted_at__isnull=True,
            email__iexact=user.email,
        )
        .first()
    )


def staff_invitation_list_for_user(*, user) -> list[StaffInvitation]:
    """The signed-in person's own open invitations (any partnership)."""
    if not user.is_authenticated:
        return []
    return list(
        StaffInvitation.objects.select_related("partnership")
        .filter(email__iexact=user.email, accepted_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("partnership__name")
    )


# ---------------------------------------------------------------------------
# The platform's own pages (platform admins only): every staff account.
# ---------------------------------------------------------------------------


def platform_account_search(*, query: str, limit: int = 50) -> list:
    """Staff accounts whose email or name contains `query`, each with its
    partnerships and whether it has an authenticator app."""
    User = get_user_model()
    query = query.strip()
    if not query:
        return []
    return list(
        User.objects.filter(Q(email__icontains=query) | Q(full_name__icontains=query))
        .annotate(
            has_authenticator=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        )
        .prefetch_related(
            Prefetch("memberships", queryset=StaffMembership.objects.select_related("partnership"))
        )
        .order_by(Lower("email"))[:limit]
    )


def platform_account_get(*, pk):
    User = get_user_model()
    return get_object_or_404(
        User.objects.annotate(
            has_authenticator=Exists(
                Authenticator.objects.filter(user=OuterRef("pk"), type=Authenticator.Type.TOTP)
            )
        ).prefetch_related(
            Prefetch("memberships", queryset=StaffMembership.objects.select_related("partnership"))
        ),
        pk=pk,
    )


def partnership_list_public() -> QuerySet[Partnership]:
    """Every partnership on the platform, for the public pages that list them
    (the home page, the accessibility statement and privacy notice): only
    what is public about a partnership, its name, address and contact email."""
    return Partnership.objects.only("name", "slug", "contact_email").order_by("name")
