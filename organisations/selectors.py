"""Organisations' reads. Staff selectors take the partnership first and
return nothing of another partnership's; a member's selectors take the
organisation, and reach returns only through the organisation's accepted
agency links (audits.access.submissions_of_agencies)."""

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audits.access import linked_submissions
from audits.models import ActionItem, ActionUpdate, SubmissionPdf, SubmissionReview, ThemeResponse
from audits.services.links import link_expiry
from partnerships.models import Agency, Partnership
from themes.models import Theme

from .models import (
    LIVE_LINK_STATUSES,
    AgencyLink,
    IdentifierType,
    LinkStatus,
    Organisation,
    OrganisationEvidence,
    OrganisationMembership,
)

SEARCH_LIMIT = 20


# --- Partnership staff ---------------------------------------------------------


def agency_link_current(*, partnership: Partnership, agency: Agency) -> AgencyLink | None:
    """The agency's live link (proposed or accepted), or None."""
    if agency.partnership_id != partnership.pk:
        raise Http404("No such agency")
    return (
        AgencyLink.objects.select_related("organisation")
        .filter(partnership=partnership, agency=agency, status__in=LIVE_LINK_STATUSES)
        .first()
    )


def agency_link_history(*, partnership: Partnership, agency: Agency) -> list[AgencyLink]:
    """The agency's decided links, newest first (what the partnership did
    and what the organisations said)."""
    if agency.partnership_id != partnership.pk:
        raise Http404("No such agency")
    return list(
        AgencyLink.objects.select_related("organisation")
        .filter(partnership=partnership, agency=agency)
        .exclude(status__in=LIVE_LINK_STATUSES)
    )


def agency_link_get(*, partnership: Partnership, agency: Agency, pk) -> AgencyLink:
    return get_object_or_404(
        AgencyLink.objects.select_related("organisation", "agency", "partnership"),
        partnership=partnership,
        agency=agency,
        pk=pk,
    )


def organisation_search(*, query: str) -> list[Organisation]:
    """Organisations by identifier (exact, any type) or by name (contains).
    What a partnership sees of one: its name, kind and identifier, and the
    email domains of its admins (to judge whether it is the real body)."""
    query = " ".join(query.split())
    if not query:
        return []
    identifier = "".join(query.split()).upper()
    found = (
        Organisation.objects.filter(Q(identifier=identifier) | Q(name__icontains=query))
        .order_by("name")
        .prefetch_related("memberships")[:SEARCH_LIMIT]
    )
    results = list(found)
    for organisation in results:
        organisation.admin_domains = sorted(
            {m.email.rsplit("@", 1)[-1] for m in organisation.memberships.all() if m.is_admin}
        )
    return results


def organisation_for_linking(*, pk) -> Organisation:
    return get_object_or_404(Organisation, pk=pk)


IDENTIFIER_CHOICES = IdentifierType.choices


# --- Organisation members --------------------------------------------------------


def memberships_of(*, email: str) -> list[OrganisationMembership]:
    """Every membership of this address (stored lower-case)."""
    if not email:
        return []
    return list(
        OrganisationMembership.objects.select_related("organisation").filter(email=email.strip().lower())
    )


def organisation_links_waiting(*, organisation: Organisation) -> list[AgencyLink]:
    return list(
        AgencyLink.objects.select_related("agency", "partnership")
        .filter(organisation=organisation, status=LinkStatus.PROPOSED)
        .order_by("proposed_at", "pk")
    )


def organisation_links(*, organisation: Organisation) -> list[AgencyLink]:
    return list(
        AgencyLink.objects.select_related("agency", "partnership")
        .filter(organisation=organisation)
        .order_by("partnership__name", "agency__name", "-proposed_at")
    )


def organisation_link_get(*, organisation: Organisation, pk) -> AgencyLink:
    return get_object_or_404(
        AgencyLink.objects.select_related("agency", "partnership", "organisation"),
        organisation=organisation,
        pk=pk,
    )


def organisation_accepted_links(*, organisation: Organisation) -> list[AgencyLink]:
    return list(
        AgencyLink.objects.select_related("agency", "partnership").filter(
            organisation=organisation, status=LinkStatus.ACCEPTED
        )
    )


def organisation_members(*, organisation: Organisation) -> list[OrganisationMembership]:
    return list(organisation.memberships.order_by("name", "email"))


def organisation_member_get(*, organisation: Organisation, pk) -> OrganisationMembership:
    return get_object_or_404(
        OrganisationMembership.objects.select_related("organisation"), organisation=organisation, pk=pk
    )


# --- The organisation's home: its linked agencies' returns -----------------------


def organisation_agency_pairs(*, links: list[AgencyLink]) -> list[tuple[int, int]]:
    """(partnership id, agency id) of accepted links: what audits.access
    takes to reach the returns."""
    return [(link.partnership_id, link.agency_id) for link in links if link.is_accepted]


def organisation_returns(*, links: list[AgencyLink], now=None) -> list:
    """Every return of the accepted links' agencies, across partnerships and
    cycles, newest cycle first: status, deadline, who last saved, the
    partnership's outcome once confirmed, the built PDFs of each submitted
    version, and the action plan with its progress updates. Closed cycles
    are included for as long as the partnership keeps the return. Four
    queries whatever the number of returns."""
    now = now or timezone.now()
    latest = ThemeResponse.objects.filter(submission=OuterRef("pk"), version__gt=0).order_by("-updated_at")
    submissions = list(
        linked_submissions(agencies=organisation_agency_pairs(links=links))
        .select_related("review")
        .annotate(
            last_saved_by=Subquery(latest.values("updated_by_name")[:1]),
            last_saved_at=Subquery(latest.values("updated_at")[:1]),
        )
        .prefetch_related(
            Prefetch(
                "pdfs",
                queryset=SubmissionPdf.objects.filter(built_at__isnull=False)
                .defer("snapshot")
                .order_by("-version"),
            ),
            Prefetch(
                "action_items",
                queryset=ActionItem.objects.select_related("theme")
                .order_by("target_date", "pk")
                .prefetch_related(Prefetch("updates", queryset=ActionUpdate.objects.order_by("-created_at"))),
            ),
        )
        .order_by("-cycle__opens_at", "partnership__name", "agency__name")
    )
    for submission in submissions:
        try:
            review = submission.review
        except SubmissionReview.DoesNotExist:
            review = None
        submission.outcome = review.get_outcome_display() if review and review.is_confirmed else ""
        submission.can_open = submission.cycle.opens_at <= now < link_expiry(submission)
    return submissions


# --- The evidence library ---------------------------------------------------------


def organisation_evidence_list(*, organisation: Organisation) -> list[OrganisationEvidence]:
    return list(OrganisationEvidence.objects.filter(organisation=organisation))


def organisation_evidence_get(*, organisation: Organisation, pk) -> OrganisationEvidence:
    return get_object_or_404(OrganisationEvidence, organisation=organisation, pk=pk)


def question_set_themes(*, question_set_ids) -> dict[int, list[Theme]]:
    """The themes of these question sets (the organisation's open returns'),
    by question set, in order."""
    themes: dict[int, list[Theme]] = {}
    for theme in Theme.objects.filter(question_set_id__in=question_set_ids).order_by(
        "question_set_id", "order"
    ):
        themes.setdefault(theme.question_set_id, []).append(theme)
    return themes
