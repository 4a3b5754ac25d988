"""The review queue: a partnership's returns that wait for a reviewer or
for the agency, and those past their cycle's evaluation due date; who may be
assigned one; and moving through a return theme by theme."""

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.http import Http404

from partnerships.models import Partnership, StaffMembership
from partnerships.permissions import ROLE_PERMS, Perm
from partnerships.scope import scope_current
from themes.models import Theme
from themes.selectors import question_set_structure

from ..access import submission_owned
from ..models import AuditCycle, EvidenceRequest, Submission, SubmissionStatus


class QueueState:
    OPEN = ""  # awaiting review or awaiting the agency
    AWAITING_REVIEW = "review"
    AWAITING_AGENCY = "agency"
    OVERDUE = "overdue"

    choices = [
        (OPEN, "Awaiting review or the agency"),
        (AWAITING_REVIEW, "Awaiting review"),
        (AWAITING_AGENCY, "Awaiting the agency"),
        (OVERDUE, "Evaluation overdue"),
    ]


class QueueAssignment:
    ANYONE = ""
    MINE = "me"
    NOBODY = "nobody"

    choices = [(ANYONE, "Anyone or nobody"), (MINE, "Assigned to me"), (NOBODY, "Not assigned")]


@dataclass(frozen=True)
class QueueFilters:
    state: str = QueueState.OPEN
    cycle_id: int | None = None
    assignment: str = QueueAssignment.ANYONE


def _awaiting_review() -> Q:
    return Q(status=SubmissionStatus.SUBMITTED, review__evaluated_at__isnull=True)


def _evidence_asked_for() -> Exists:
    """An evidence request the agency has not answered yet: the return is
    locked and evaluated, but the next move is the agency's."""
    return Exists(EvidenceRequest.objects.filter(submission=OuterRef("pk"), answered_at__isnull=True))


def _awaiting_agency() -> Q:
    return Q(status=SubmissionStatus.RETURNED) | Q(_evidence_asked_for())


def _overdue(today: date) -> Q:
    return _awaiting_review() & Q(cycle__evaluations_due_on__lt=today)


def review_queue(
    *, partnership: Partnership, filters: QueueFilters, membership: StaffMembership, today: date
) -> QuerySet[Submission]:
    """The returns in the queue, most urgent first (overdue, then by the
    evaluation due date and when they were submitted), each with `assignee`
    (the assigned member's name as this partnership knows them), `assignee_id`,
    `evaluations_due_on`, `outcome`, `themes_moderated` and `evidence_due_on`
    (the earliest due date of the evidence asked for and not yet sent, if
    any: such a return awaits the agency): one query (and one
    to count them, when paginated)."""
    if membership.partnership_id != partnership.pk:
        raise Http404("No such member")
    qs = Submission.objects.filter(partnership=partnership).filter(scope_current().agencies("agency__"))
    if filters.cycle_id is not None:
        qs = qs.filter(cycle_id=filters.cycle_id)
    if filters.state == QueueState.AWAITING_REVIEW:
        qs = qs.filter(_awaiting_review())
    elif filters.state == QueueState.AWAITING_AGENCY:
        qs = qs.filter(_awaiting_agency())
    elif filters.state == QueueState.OVERDUE:
        qs = qs.filter(_overdue(today))
    else:
        qs = qs.filter(_awaiting_review() | _awaiting_agency())
    if filters.assignment == QueueAssignment.MINE:
        qs = qs.filter(review__assigned_to=membership)
    elif filters.assignment == QueueAssignment.NOBODY:
        qs = qs.filter(review__assigned_to__isnull=True)
    return (
        qs.select_related("agency", "cycle")
        .annotate(
            assignee_id=F("review__assigned_to_id"),
            assignee=Coalesce(
                NullIf(F("review__assigned_to__display_name"), Value("")),
                F("review__assigned_to__user__email"),
                output_field=CharField(),
            ),
            outcome=F("review__outcome"),
            themes_moderated=Count("moderations", distinct=True),
            is_overdue=ExpressionWrapper(_overdue(today), output_field=BooleanField()),
            evidence_due_on=Subquery(
                EvidenceRequest.objects.filter(submission=OuterRef("pk"), answered_at__isnull=True)
                .values("submission")
                .annotate(first=Min("due_on"))
                .values("first")
            ),
        )
        .order_by(
            F("is_overdue").desc(),
            F("cycle__evaluations_due_on").asc(nulls_last=True),
            F("submitted_at").asc(nulls_last=True),
            "agency__name",
            "pk",
        )
    )


def review_queue_cycles(*, partnership: Partnership) -> list[AuditCycle]:
    """The cycles to filter the queue by, newest first."""
    return list(AuditCycle.objects.filter(partnership=partnership).only("pk", "title").order_by("-opens_at"))


def reviewer_choices(*, partnership: Partnership) -> list[StaffMembership]:
    """The members who may review (so may be assigned a return), by name."""
    roles = [role for role, perms in ROLE_PERMS.items() if Perm.REVIEW in perms]
    members = StaffMembership.objects.filter(partnership=partnership, role__in=roles).select_related("user")
    return sorted(members, key=lambda m: m.name.lower())


@dataclass(frozen=True)
class ThemePosition:
    """Where a theme stands in its return's question set, for moving from
    theme to theme."""

    number: int
    total: int
    previous: Theme | None
    next: Theme | None


def review_theme_position(*, partnership: Partnership, submission: Submission, theme: Theme) -> ThemePosition:
    """The theme's place among the return's themes, with its neighbours (no
    query once the question set's structure is in the process)."""
    submission_owned(partnership=partnership, submission=submission)
    themes = list(
        question_set_structure(partnership=partnership, question_set_id=submission.question_set_id).themes
    )
    index = next(i for i, t in enumerate(themes) if t.pk == theme.pk)
    return ThemePosition(
        number=index + 1,
        total=len(themes),
        previous=themes[index - 1] if index > 0 else None,
        next=themes[index + 1] if index + 1 < len(themes) else None,
    )


__all__ = [
    "QueueAssignment",
    "QueueFilters",
    "QueueState",
    "ThemePosition",
    "review_queue",
    "review_queue_cycles",
    "review_theme_position",
    "reviewer_choices",
]
