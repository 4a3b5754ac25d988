"""Reads of meetings run in the service: the returns a meeting discusses as
its panel and its pre-read pack show them (each return's summary,
moderation and action plan), its panel, escalations, agreed actions on an
agency's action plan, and a year's meetings rolled up by theme for the
board report.

Each takes the partnership first and returns none of another's rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import UK
from partnerships.models import Partnership, StaffMembership
from partnerships.scope import scope_current
from themes.models import Theme

from ..access import cycle_owned, submission_owned
from ..models import (
    ActionItem,
    AuditCycle,
    MeetingAction,
    MeetingEscalation,
    MeetingPack,
    PanelMember,
    Rag,
    ReviewMeeting,
    Submission,
    ThemeModeration,
    ThemeResponse,
)


@dataclass
class ThemeRow:
    theme: Theme
    self_rag: str = ""
    rag_defaulted: bool = False
    moderated_rag: str = ""
    moderation_comment: str = ""
    items: list[ActionItem] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.moderated_rag) and self.moderated_rag != self.self_rag


@dataclass
class ReturnBrief:
    """One return as a meeting reads it."""

    submission: Submission
    themes: list[ThemeRow]
    meeting_actions: list[MeetingAction]

    @property
    def outcome(self) -> str:
        review = getattr(self.submission, "review", None)
        if review is None or not review.is_confirmed:
            return ""
        return review.get_outcome_display()


def _meeting_of(partnership: Partnership, meeting: ReviewMeeting) -> None:
    if meeting.partnership_id != partnership.pk:
        raise Http404("No such meeting")


def meeting_returns_brief(
    *, partnership: Partnership, meeting: ReviewMeeting, only: Submission | None = None
) -> list[ReturnBrief]:
    """The meeting's returns (or the one of them given), each with every
    theme's self-rating beside the moderated rating and comment, its action
    items, and the actions the meeting agreed about it: six queries."""
    _meeting_of(partnership, meeting)
    submissions = list(
        Submission.objects.filter(partnership=partnership, meetings=meeting)
        .filter(**({"pk": only.pk} if only is not None else {}))
        .select_related("agency", "cycle", "review", "question_set")
        .order_by("agency__name")
    )
    ids = [s.pk for s in submissions]
    themes_by_set: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.filter(question_set_id__in={s.question_set_id for s in submissions}).order_by(
        "order"
    ):
        themes_by_set[theme.question_set_id].append(theme)
    responses = {
        (r.submission_id, r.theme_id): r
        for r in ThemeResponse.objects.filter(submission_id__in=ids).only(
            "submission_id", "theme_id", "rag", "rag_defaulted"
        )
    }
    moderations = {
        (m.submission_id, m.theme_id): m
        for m in ThemeModeration.objects.filter(partnership=partnership, submission_id__in=ids)
    }
    items: dict[tuple[int, int], list[ActionItem]] = defaultdict(list)
    for item in ActionItem.objects.filter(partnership=partnership, submission_id__in=ids).order_by(
        "created_at", "id"
    ):
        items[(item.submission_id, item.theme_id)].append(item)
    agreed: dict[int, list[MeetingAction]] = defaultdict(list)
    for action in MeetingAction.objects.filter(
        meeting__partnership=partnership, submission_id__in=ids
    ).select_related("meeting", "theme"):
        agreed[action.submission_id].append(action)
    briefs = []
    for submission in submissions:
        for key in [k for k in items if k[0] == submission.pk]:
            for item in items[key]:
                item.submission = submission
        rows = []
        for theme in themes_by_set[submission.question_set_id]:
            response = responses.get((submission.pk, theme.pk))
            moderation = moderations.get((submission.pk, theme.pk))
            rows.append(
                ThemeRow(
                    theme=theme,
                    self_rag=response.rag if response else "",
                    rag_defaulted=bool(response and response.rag_defaulted),
                    moderated_rag=moderation.rag if moderation else "",
                    moderation_comment=moderation.comment if moderation else "",
                    items=items.get((submission.pk, theme.pk), []),
                )
            )
        briefs.append(ReturnBrief(submission, rows, agreed.get(submission.pk, [])))
    return briefs


def meeting_panel(*, partnership: Partnership, meeting: ReviewMeeting) -> list[PanelMember]:
    _meeting_of(partnership, meeting)
    return list(
        PanelMember.objects.filter(partnership=partnership, meeting=meeting).order_by(
            "is_outsider", "name", "pk"
        )
    )


def panel_member_get(*, partnership: Partnership, meeting: ReviewMeeting, pk: int) -> PanelMember:
    _meeting_of(partnership, meeting)
    return get_object_or_404(PanelMember, partnership=partnership, meeting=meeting, pk=pk)


def panel_staff_choices(*, partnership: Partnership, meeting: ReviewMeeting) -> list[StaffMembership]:
    """Members of the partnership's staff not yet on the panel."""
    _meeting_of(partnership, meeting)
    taken = PanelMember.objects.filter(meeting=meeting, membership__isnull=False).values("membership_id")
    return list(
        StaffMembership.objects.filter(partnership=partnership)
        .exclude(pk__in=taken)
        .select_related("user")
        .order_by("display_name", "user__email")
    )


def meeting_action_get(*, partnership: Partnership, meeting: ReviewMeeting, pk: int) -> MeetingAction:
    _meeting_of(partnership, meeting)
    return get_object_or_404(
        MeetingAction.objects.select_related("submission", "meeting"),
        meeting=meeting,
        meeting__partnership=partnership,
        pk=pk,
    )


def meeting_escalations(*, partnership: Partnership, meeting: ReviewMeeting) -> list[MeetingEscalation]:
    _meeting_of(partnership, meeting)
    return list(
        MeetingEscalation.objects.filter(partnership=partnership, meeting=meeting).select_related("theme")
    )


def cycle_escalations(*, partnership: Partnership, cycle: AuditCycle) -> list[MeetingEscalation]:
    """Every issue the cycle's meetings escalated to the executive board,
    newest first, with its meeting: one query. For a member of staff who
    sees only some agencies, those of the meetings they may read."""
    cycle_owned(partnership=partnership, cycle=cycle)
    scope = scope_current()
    qs = MeetingEscalation.objects.filter(partnership=partnership, meeting__cycle=cycle)
    if not scope.is_whole:
        qs = qs.exclude(meeting__submissions__in=Submission.objects.exclude(scope.agencies("agency__")))
    return list(qs.select_related("meeting", "theme").order_by("-created_at", "-pk"))


def meeting_pack_get(*, partnership: Partnership, meeting: ReviewMeeting, version: int) -> MeetingPack:
    _meeting_of(partnership, meeting)
    return get_object_or_404(MeetingPack, partnership=partnership, meeting=meeting, version=version)


# --- what an outsider on the panel reads ---------------------------------------


def panel_member_session_get(*, partnership: Partnership, pk: int) -> PanelMember | None:
    """The outsider a panel session names, with their meeting: one query."""
    return (
        PanelMember.objects.select_related("meeting", "meeting__cycle")
        .filter(partnership=partnership, pk=pk, is_outsider=True)
        .first()
    )


def panel_meeting_returns(*, partnership: Partnership, member: PanelMember) -> list[Submission]:
    """The returns of the outsider's own meeting, and nothing else."""
    if member.partnership_id != partnership.pk:
        raise Http404("No such meeting")
    return list(
        Submission.objects.filter(partnership=partnership, meetings=member.meeting_id)
        .select_related("agency")
        .order_by("agency__name")
    )


def panel_return_brief(*, partnership: Partnership, member: PanelMember, reference: str) -> ReturnBrief:
    """One return of the outsider's meeting, read-only; any other return
    (another meeting's, another partnership's) is a 404."""
    if member.partnership_id != partnership.pk:
        raise Http404("No such return")
    submission = get_object_or_404(
        Submission, partnership=partnership, reference=reference, meetings=member.meeting_id
    )
    submission_owned(partnership=partnership, submission=submission)
    briefs = meeting_returns_brief(partnership=partnership, meeting=member.meeting, only=submission)
    if not briefs:
        raise Http404("No such return")
    return briefs[0]


# --- agreed actions on the agency's action plan ---------------------------------


def meeting_actions_for_submission(
    *, partnership: Partnership, submission: Submission
) -> list[MeetingAction]:
    """The actions meetings agreed about this return, for its action plan
    (staff's and the agency's): one query."""
    submission_owned(partnership=partnership, submission=submission)
    return list(
        MeetingAction.objects.filter(meeting__partnership=partnership, submission=submission)
        .exclude(meeting__status=ReviewMeeting.Status.CANCELLED)
        .select_related("meeting", "theme")
        .order_by("due_on", "pk")
    )


# --- a year's meetings, for the board report -------------------------------------


@dataclass
class ThemeRollup:
    title: str
    returns_discussed: int = 0
    red_moderated: int = 0
    actions_agreed: int = 0
    actions_open: int = 0
    escalations: int = 0


@dataclass
class MeetingsYear:
    year: int
    meetings_held: int
    returns_discussed: int
    themes: list[ThemeRollup]
    escalations: list[MeetingEscalation]
    actions_agreed: int
    actions_open: int


def meetings_year_rollup(*, partnership: Partnership, cycle: AuditCycle) -> MeetingsYear:
    """The meetings held in one calendar year, rolled up by theme, for the
    cycle's board report: the UK year of the cycle's last held meeting
    (partnerships meet after the cycle closes, Sheffield each May), else the
    year the cycle closes. Per theme (matched by its key, so two question-set
    versions' themes are one): how many of the returns discussed had it, how
    many of those the partnership moderated Red, the actions agreed about it
    and those still open, and the escalations to the board. Four queries
    however many meetings there were (one when none was held)."""
    cycle_owned(partnership=partnership, cycle=cycle)
    held = ReviewMeeting.objects.filter(partnership=partnership, status=ReviewMeeting.Status.HELD)
    last_year = held.filter(cycle=cycle).order_by("-held_on").values("held_on__year")[:1]
    pairs = list(
        ReviewMeeting.submissions.through.objects.filter(
            reviewmeeting__in=held.filter(held_on__year=Subquery(last_year))
        ).values_list(
            "reviewmeeting_id", "submission_id", "submission__question_set_id", "reviewmeeting__held_on"
        )
    )
    if not pairs:
        return MeetingsYear(timezone.localtime(cycle.closes_at, UK).year, 0, 0, [], [], 0, 0)
    year = pairs[0][3].year
    meeting_ids = sorted({m for m, _, _, _ in pairs})
    discussed = {s: q for _, s, q, _ in pairs}

    def count(qs, field="pk"):
        return Coalesce(Subquery(qs.order_by().values(field).annotate(n=Count("pk")).values("n")[:1]), 0)

    themes = list(
        Theme.objects.filter(question_set_id__in=set(discussed.values()))
        .order_by("order")
        .only("pk", "key", "title", "order", "question_set_id")
        .annotate(
            red=count(
                ThemeModeration.objects.filter(
                    theme=OuterRef("pk"),
                    partnership=partnership,
                    submission_id__in=list(discussed),
                    rag=Rag.RED,
                ),
                "theme",
            ),
            agreed=count(
                MeetingAction.objects.filter(theme=OuterRef("pk"), meeting__in=meeting_ids), "theme"
            ),
            still_open=count(
                MeetingAction.objects.filter(theme=OuterRef("pk"), meeting__in=meeting_ids).exclude(
                    status=MeetingAction.Status.DONE
                ),
                "theme",
            ),
            escalated=count(
                MeetingEscalation.objects.filter(theme=OuterRef("pk"), meeting__in=meeting_ids), "theme"
            ),
        )
    )
    rollup: dict[str, ThemeRollup] = {}
    keys_by_set: dict[int, set[str]] = defaultdict(set)
    for theme in themes:
        row = rollup.setdefault(theme.key, ThemeRollup(title=theme.title))
        row.red_moderated += theme.red
        row.actions_agreed += theme.agreed
        row.actions_open += theme.still_open
        row.escalations += theme.escalated
        keys_by_set[theme.question_set_id].add(theme.key)
    for question_set_id in discussed.values():
        for key in keys_by_set[question_set_id]:
            rollup[key].returns_discussed += 1
    totals = MeetingAction.objects.filter(
        meeting__partnership=partnership, meeting__in=meeting_ids
    ).aggregate(agreed=Count("pk"), still_open=Count("pk", filter=~Q(status=MeetingAction.Status.DONE)))
    escalations = list(
        MeetingEscalation.objects.filter(partnership=partnership, meeting__in=meeting_ids)
        .select_related("meeting")
        .order_by("created_at", "pk")
    )
    return MeetingsYear(
        year=year,
        meetings_held=len(meeting_ids),
        returns_discussed=len(discussed),
        themes=list(rollup.values()),
        escalations=escalations,
        actions_agreed=totals["agreed"],
        actions_open=totals["still_open"],
    )
