"""Organisations' reads. Staff selectors take the partnership first and
return nothing of another partnership's; a member's selectors take the
organisation, and reach returns only through the organisation's accepted
agency links (audits.access.submissions_of_agencies)."""

from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from audits.access import linked_submissions
from audits.models import ActionItem, ActionUpdate, SubmissionPdf, SubmissionReview, ThemeResponse
from audits.services.links import link_expiry
from partnerships.models import Agency, Partnership
from themes import library
from themes.models import Theme

from .models import (
    LIVE_LINK_STATUSES,
    AgencyLink,
    IdentifierType,
    LinkStatus,
    Organisation,
    OrganisationEvidence,
    OrganisationMembership,
    StandingDraft,
    StandingDraftAnswer,
    StandingDraftTheme,
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


def organisation_returns(*, links: list[AgencyLink], now=None, with_details: bool = True) -> list:
    """Every return of the accepted links' agencies, across partnerships and
    cycles, newest cycle first: status, deadline, who last saved, the
    partnership's outcome once confirmed, the built PDFs of each submitted
    version, and the action plan with its progress updates (unless
    `with_details` is False: pages that only choose a return). Closed cycles
    are included for as long as the partnership keeps the return. Four
    queries whatever the number of returns (one without the details)."""
    now = now or timezone.now()
    latest = ThemeResponse.objects.filter(submission=OuterRef("pk"), version__gt=0).order_by("-updated_at")
    returns = (
        linked_submissions(agencies=organisation_agency_pairs(links=links))
        .select_related("review")
        .annotate(
            set_template_key=F("question_set__template_key"),
            last_saved_by=Subquery(latest.values("updated_by_name")[:1]),
            last_saved_at=Subquery(latest.values("updated_at")[:1]),
        )
        .order_by("-cycle__opens_at", "partnership__name", "agency__name")
    )
    if with_details:
        returns = returns.prefetch_related(
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
    submissions = list(returns)
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


# --- Standing drafts ---------------------------------------------------------------


def standing_drafts_list(*, organisation: Organisation) -> list[dict]:
    """Each built-in library set with the organisation's standing draft of
    it (None if not started): one query."""
    drafts = {d.template_key: d for d in StandingDraft.objects.filter(organisation=organisation)}
    return [
        {"key": key, "name": library.template_data(key)["name"], "draft": drafts.get(key)}
        for key in library.template_keys()
    ]


def standing_draft_template(*, template_key: str) -> dict:
    """The library set, or 404."""
    if template_key not in library.template_keys():
        raise Http404("No such question set")
    return library.template_data(template_key)


def standing_draft_get(*, organisation: Organisation, template_key: str) -> StandingDraft | None:
    standing_draft_template(template_key=template_key)
    return StandingDraft.objects.filter(organisation=organisation, template_key=template_key).first()


def standing_draft_overview(
    *, organisation: Organisation, template_key: str
) -> tuple[StandingDraft | None, list]:
    """The draft and, per library theme in order: its questions answered,
    rating and who saved it last. Three queries."""
    template = standing_draft_template(template_key=template_key)
    draft = standing_draft_get(organisation=organisation, template_key=template_key)
    rows = {}
    answered: dict[str, int] = {}
    if draft is not None:
        rows = {r.theme_key: r for r in StandingDraftTheme.objects.filter(draft=draft)}
        for answer in StandingDraftAnswer.objects.filter(draft=draft).values_list("theme_key", flat=True):
            answered[answer] = answered.get(answer, 0) + 1
    themes = []
    for theme in template["themes"]:
        if theme["is_local"]:
            continue
        total = sum(1 for q in theme["questions"] if not q["is_local"])
        themes.append(
            {
                "key": theme["key"],
                "title": theme["title"],
                "answered": answered.get(theme["key"], 0),
                "total": total,
                "row": rows.get(theme["key"]),
            }
        )
    return draft, themes


def standing_draft_theme_get(
    *, organisation: Organisation, template_key: str, theme_key: str
) -> tuple[dict, StandingDraftTheme | None, dict[str, str]]:
    """A library theme (404 if it is not one), the draft's row for it and
    its answers by question key."""
    template = standing_draft_template(template_key=template_key)
    theme = next((t for t in template["themes"] if t["key"] == theme_key and not t["is_local"]), None)
    if theme is None:
        raise Http404("No such theme")
    row = StandingDraftTheme.objects.filter(
        draft__organisation=organisation, draft__template_key=template_key, theme_key=theme_key
    ).first()
    answers = dict(
        StandingDraftAnswer.objects.filter(
            draft__organisation=organisation, draft__template_key=template_key, theme_key=theme_key
        ).values_list("question_key", "value")
    )
    return theme, row, answers
