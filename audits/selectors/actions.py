"""Reads of action plans. Functions that take a partnership never return
another partnership's rows; those that take a submission never return
another submission's (the caller got the submission through its tenant)."""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partnerships.models import Agency, Locality, Partnership
from partnerships.scope import scope_current
from themes.models import Theme

from ..models import (
    ActionItem,
    ActionStatus,
    ActionUpdate,
    AuditCycle,
    Rag,
    Submission,
    SubmissionStatus,
    ThemeResponse,
)


@dataclass
class ThemePlan:
    """One theme of a return with its rating and action items."""

    theme: Theme
    response: ThemeResponse | None
    items: list[ActionItem] = field(default_factory=list)

    @property
    def rag(self) -> str:
        return self.response.rag if self.response else ""

    @property
    def needs_actions(self) -> bool:
        """Rated Amber or Red by the agency (not defaulted to Red)."""
        return bool(
            self.response and self.response.rag in (Rag.AMBER, Rag.RED) and not self.response.rag_defaulted
        )

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def _items(qs: QuerySet[ActionItem]) -> QuerySet[ActionItem]:
    return qs.select_related("theme", "submission").prefetch_related(
        Prefetch("updates", queryset=ActionUpdate.objects.order_by("-created_at", "-id"))
    )


def action_item_list(*, submission: Submission, theme: Theme | None = None) -> list[ActionItem]:
    """The return's action items (optionally one theme's), with their
    updates, newest first: three queries."""
    qs = ActionItem.objects.filter(submission=submission, partnership_id=submission.partnership_id)
    if theme is not None:
        qs = qs.filter(theme=theme)
    items = list(_items(qs).order_by("theme__order", "created_at", "id"))
    for item in items:
        item.submission = submission
    return items


def action_item_get(*, submission: Submission, pk) -> ActionItem:
    """One item of this return; 404 for any other return's."""
    item = get_object_or_404(
        ActionItem.objects.select_related("theme"),
        submission=submission,
        partnership_id=submission.partnership_id,
        pk=pk,
    )
    item.submission = submission
    return item


def action_items_attach(*, sections: list[dict], submission: Submission) -> list[dict]:
    """Give each section of `submission_full` its theme's action items
    (`section["action_items"]`), for check your answers, the confirmation
    and the submission PDF: three queries."""
    by_theme: dict[int, list[ActionItem]] = {}
    if getattr(submission, "has_action_items", True):  # known empty from agency_link_get
        for item in action_item_list(submission=submission):
            by_theme.setdefault(item.theme_id, []).append(item)
    for section in sections:
        section["action_items"] = by_theme.get(section["theme"].pk, [])
    return sections


def action_plan(*, submission: Submission, themes=None, responses=None) -> list[ThemePlan]:
    """Every theme of the return with its RAG rating and action items, in
    theme order: four queries, or two when the caller already has the
    return's `themes` (in order) and their `responses` (None for a theme
    with none), as the task list does."""
    if themes is None:
        themes = Theme.objects.filter(question_set_id=submission.question_set_id).order_by("order")
        by_theme = {r.theme_id: r for r in ThemeResponse.objects.filter(submission=submission)}
    else:
        by_theme = {r.theme_id: r for r in responses or () if r is not None}
    plans = {t.pk: ThemePlan(t, by_theme.get(t.pk)) for t in themes}
    if getattr(submission, "has_action_items", True):  # known empty from agency_link_get
        for item in action_item_list(submission=submission):
            plans[item.theme_id].items.append(item)
    return list(plans.values())


def themes_needing_actions(*, submission: Submission) -> set[int]:
    """Ids of the themes the agency rated Amber or Red that have no action
    item yet (one query)."""
    return set(
        ThemeResponse.objects.filter(submission=submission, rag__in=[Rag.AMBER, Rag.RED], rag_defaulted=False)
        .exclude(Exists(ActionItem.objects.filter(submission=submission, theme_id=OuterRef("theme_id"))))
        .values_list("theme_id", flat=True)
    )


def action_items_overdue_count(*, submission: Submission, today=None) -> int:
    today = today or timezone.localdate()
    return (
        ActionItem.objects.filter(submission=submission, target_date__lt=today)
        .exclude(status=ActionStatus.DONE)
        .count()
    )


# --- the staff workspace ----------------------------------------------------


@dataclass
class PlanFilters:
    overdue: bool = False
    theme: str = ""  # theme key
    locality: int | None = None
    agency: int | None = None


@dataclass
class AgencyPlan:
    submission: Submission
    items: list[ActionItem]

    @property
    def overdue(self) -> int:
        return sum(1 for item in self.items if item.overdue)


def cycle_action_plans(
    *, partnership: Partnership, cycle: AuditCycle, filters: PlanFilters | None = None, today=None
) -> list[AgencyPlan]:
    """Each return of the cycle that has action items, with the items that
    match the filters, by agency name: three queries."""
    filters = filters or PlanFilters()
    today = today or timezone.localdate()
    qs = ActionItem.objects.filter(partnership=partnership, submission__cycle=cycle).filter(
        scope_current().agencies("submission__agency__")
    )
    if filters.overdue:
        qs = qs.filter(target_date__lt=today).exclude(status=ActionStatus.DONE)
    if filters.theme:
        qs = qs.filter(theme__key=filters.theme)
    if filters.locality:
        qs = qs.filter(submission__agency__localities__id=filters.locality)
    if filters.agency:
        qs = qs.filter(submission__agency_id=filters.agency)
    qs = qs.select_related("submission__agency", "submission__cycle").distinct()
    items = list(_items(qs).order_by("submission__agency__name", "theme__order", "created_at", "id"))
    plans: dict[int, AgencyPlan] = {}
    for item in items:
        plan = plans.setdefault(item.submission_id, AgencyPlan(item.submission, []))
        item.submission = plan.submission
        plan.items.append(item)
    return list(plans.values())


def action_plans_for_submissions(
    *, partnership: Partnership, submissions: list[Submission]
) -> list[AgencyPlan]:
    """Each of these returns (a meeting's, say) with all its action items,
    in the order given, with no items for a return that has none or is not
    the partnership's: three queries."""
    qs = ActionItem.objects.filter(
        partnership=partnership, submission__in=[s.pk for s in submissions]
    ).filter(scope_current().agencies("submission__agency__"))
    by_submission: dict[int, list[ActionItem]] = {}
    for item in _items(qs).order_by("theme__order", "created_at", "id"):
        by_submission.setdefault(item.submission_id, []).append(item)
    plans = []
    for submission in submissions:
        items = by_submission.get(submission.pk, []) if submission.partnership_id == partnership.pk else []
        for item in items:
            item.submission = submission
        plans.append(AgencyPlan(submission, items))
    return plans


def action_plan_ratings(*, partnership: Partnership, plans: list[AgencyPlan]) -> dict:
    """(submission id, theme id) → RAG rating, for the plans' returns."""
    rows = ThemeResponse.objects.filter(
        submission__partnership=partnership, submission__in=[p.submission.pk for p in plans]
    ).values_list("submission_id", "theme_id", "rag")
    return {(s, t): rag for s, t, rag in rows}


def cycle_action_plan_filter_options(*, partnership: Partnership, cycle: AuditCycle) -> dict:
    """The choices for the filters: the cycle's themes, the partnership's
    localities, and the agencies with a return in the cycle (those the
    member of staff may see)."""
    scope = scope_current()
    return {
        "themes": list(
            Theme.objects.filter(question_set_id=cycle.question_set_id, question_set__partnership=partnership)
            .order_by("order")
            .only("key", "title", "order")
        ),
        "localities": list(
            Locality.objects.filter(scope.localities(), partnership=partnership).order_by("name")
        ),
        "agencies": list(
            Agency.objects.filter(scope.agencies(), partnership=partnership, submissions__cycle=cycle)
            .order_by("name")
            .distinct()
        ),
    }


def cycle_latest_with_plans(*, partnership: Partnership) -> AuditCycle | None:
    """The newest cycle that has opened, for the "Action plans" page."""
    cycles = AuditCycle.objects.filter(partnership=partnership).order_by("-opens_at")
    return cycles.filter(opens_at__lte=timezone.now()).first() or cycles.first()


def submissions_due_for_action_updates(*, partnership: Partnership) -> QuerySet[Submission]:
    """Submitted returns whose cycle asks for action plan updates and which
    have an item not yet done."""
    return (
        Submission.objects.filter(
            partnership=partnership,
            status=SubmissionStatus.SUBMITTED,
            submitted_at__isnull=False,
            cycle__action_update_months__gt=0,
        )
        .filter(
            Exists(ActionItem.objects.filter(submission=OuterRef("pk")).filter(~Q(status=ActionStatus.DONE)))
        )
        .select_related("cycle", "agency", "partnership")
        .order_by("pk")
    )
