"""Reads of meetings run in the service: the returns a meeting discusses as
its panel and its pre-read pack show them (each return's summary,
moderation and action plan), its panel, escalations, agreed actions on an
agency's action plan, and a year's meetings rolled up by theme for the
board report.

Each takes the partnership first and returns none of another's rows.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import DateField, IntegerField, Q, Subquery, Value
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from core.dates import UK
from partnerships.models import Partnership, StaffMembership
from partnerships.scope import scope_current
from themes.models import Theme
from themes.selectors import question_set_structure

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


@dataclass
class HeldMeeting:
    """A held meeting as a board report reads it: the returns it discussed
    ({submission id: question set id}), its agreed actions and escalations."""

    meeting: ReviewMeeting
    discussed: dict[int, int] = field(default_factory=dict)
    actions: list[MeetingAction] = field(default_factory=list)
    escalations: list[MeetingEscalation] = field(default_factory=list)


@dataclass
class ReportMeetings:
    """The cycle's held meetings, by date, and (when asked for) the year's
    meetings rolled up by theme."""

    of_cycle: list[HeldMeeting]
    year: MeetingsYear | None = None


def report_meetings(*, partnership: Partnership, cycle: AuditCycle, with_year: bool) -> ReportMeetings:
    """The cycle's held meetings with what they discussed and decided, and
    with `with_year` the meetings held in one calendar year rolled up by
    theme: the UK year of the cycle's last held meeting (partnerships meet
    after the cycle closes, Sheffield each May), else the year the cycle
    closes. Per theme (matched by its key, so two question-set versions'
    themes are one): how many of the returns discussed had it, how many of
    those the partnership moderated Red, the actions agreed about it and
    those still open, and the escalations to the board.

    Two queries however many meetings, returns and actions there are (a
    board report has ten to spend): the meetings with the returns each
    discussed and the Red moderations of the year's returns, as one UNION
    ALL; their actions and escalations, as another. Each row is tagged with
    its kind and its columns stand in the places of the first kind's."""
    cycle_owned(partnership=partnership, cycle=cycle)
    held = ReviewMeeting.objects.filter(partnership=partnership, status=ReviewMeeting.Status.HELD)
    wanted = Q(cycle=cycle)
    year_meetings = held.none()
    if with_year:
        last_year = held.filter(cycle=cycle).order_by("-held_on").values("held_on__year")[:1]
        year_meetings = held.filter(held_on__year=Subquery(last_year))
        wanted |= Q(pk__in=year_meetings.values("pk"))
    meeting_rows = (
        held.filter(wanted)
        .order_by()
        .annotate(tag=Value("m"))
        .values_list(
            "tag",
            "id",
            "kind",
            "held_on",
            "notes",
            "cycle_id",
            "submissions__id",
            "submissions__question_set_id",
        )
    )
    no = {"no_id": Value(None, IntegerField()), "no_date": Value(None, DateField()), "no_text": Value("")}
    # A Red moderation of a return the year's meetings discussed: the theme's
    # key in the meeting kind's place.
    red_rows = (
        ThemeModeration.objects.filter(
            partnership=partnership,
            rag=Rag.RED,
            submission_id__in=ReviewMeeting.submissions.through.objects.filter(
                reviewmeeting__in=year_meetings
            ).values("submission_id"),
        )
        .order_by()
        .annotate(tag=Value("r"), **no)
        .values_list("tag", "no_id", "theme__key", "no_date", "no_text", "no_id", "submission_id", "no_id")
    )
    rows = meeting_rows.union(red_rows, all=True) if with_year else meeting_rows
    meetings: dict[int, HeldMeeting] = {}
    red: set[tuple[int, str]] = set()
    for tag, pk, kind, held_on, notes, cycle_id, submission_id, set_id in rows:
        if tag == "r":
            red.add((submission_id, kind))
            continue
        if pk not in meetings:
            meetings[pk] = HeldMeeting(
                ReviewMeeting(
                    pk=pk,
                    partnership_id=partnership.pk,
                    cycle_id=cycle_id,
                    kind=kind,
                    held_on=held_on,
                    notes=notes,
                    status=ReviewMeeting.Status.HELD,
                )
            )
        if submission_id is not None:
            meetings[pk].discussed[submission_id] = set_id
    _meeting_outcomes_read(partnership=partnership, meetings=meetings)

    by_date = sorted(meetings.values(), key=lambda m: (m.meeting.held_on, m.meeting.pk))
    of_cycle = [m for m in by_date if m.meeting.cycle_id == cycle.pk]
    if not with_year:
        return ReportMeetings(of_cycle=of_cycle)
    if not of_cycle:
        year = timezone.localtime(cycle.closes_at, UK).year
        return ReportMeetings(of_cycle=of_cycle, year=MeetingsYear(year, 0, 0, [], [], 0, 0))
    year = of_cycle[-1].meeting.held_on.year
    return ReportMeetings(
        of_cycle=of_cycle,
        year=_year_rollup(
            partnership=partnership,
            year=year,
            meetings=[m for m in by_date if m.meeting.held_on.year == year],
            red=red,
        ),
    )


def _meeting_outcomes_read(*, partnership: Partnership, meetings: dict[int, HeldMeeting]) -> None:
    """Fill in the meetings' agreed actions (in their order) and
    escalations (in the order they were made): one query, the escalations'
    columns in the places of an action's."""
    if not meetings:
        return
    ids = list(meetings)
    actions = (
        MeetingAction.objects.filter(meeting__partnership=partnership, meeting__in=ids)
        .order_by()
        .annotate(tag=Value("a"))
        .values_list(
            "tag", "id", "meeting_id", "theme_id", "submission_id", "action", "owner", "owner_email",
            "status", "due_on", "order",
        )
    )  # fmt: skip
    escalations = (
        MeetingEscalation.objects.filter(partnership=partnership, meeting__in=ids)
        .order_by()
        .annotate(tag=Value("e"), no_id=Value(None, IntegerField()), no_order=Value(0))
        .values_list(
            "tag", "id", "meeting_id", "theme_id", "no_id", "issue", "reason", "created_by_name",
            "board", "board_on", "no_order",
        )
    )  # fmt: skip
    rows = sorted(actions.union(escalations, all=True), key=lambda r: (r[0], r[10], r[1]))
    for tag, pk, meeting_id, theme_id, submission_id, text, second, third, fourth, day, order in rows:
        held = meetings[meeting_id]
        if tag == "a":
            held.actions.append(
                MeetingAction(
                    pk=pk, meeting_id=meeting_id, theme_id=theme_id, submission_id=submission_id,
                    action=text, owner=second, owner_email=third, status=fourth, due_on=day, order=order,
                )
            )  # fmt: skip
        else:
            escalation = MeetingEscalation(
                pk=pk, partnership_id=partnership.pk, theme_id=theme_id,
                issue=text, reason=second, created_by_name=third, board=fourth, board_on=day,
            )  # fmt: skip
            escalation.meeting = held.meeting
            held.escalations.append(escalation)


def _year_rollup(
    *, partnership: Partnership, year: int, meetings: list[HeldMeeting], red: set[tuple[int, str]]
) -> MeetingsYear:
    discussed = {s: q for m in meetings for s, q in m.discussed.items()}
    themes_of: dict[int, tuple[Theme, ...]] = {
        set_id: question_set_structure(partnership=partnership, question_set_id=set_id).themes
        for set_id in sorted(set(discussed.values()))
    }
    key_of = {t.pk: t.key for ts in themes_of.values() for t in ts}
    rollup: dict[str, ThemeRollup] = {}
    for ts in themes_of.values():
        for theme in sorted(ts, key=lambda t: t.order):
            rollup.setdefault(theme.key, ThemeRollup(title=theme.title))
    for submission_id, set_id in discussed.items():
        for theme in themes_of[set_id]:
            row = rollup[theme.key]
            row.returns_discussed += 1
            row.red_moderated += (submission_id, theme.key) in red
    actions = [a for m in meetings for a in m.actions]
    escalations = [e for m in meetings for e in m.escalations]
    for action in actions:
        if (key := key_of.get(action.theme_id)) in rollup:
            rollup[key].actions_agreed += 1
            rollup[key].actions_open += not action.is_done
    for escalation in escalations:
        if (key := key_of.get(escalation.theme_id)) in rollup:
            rollup[key].escalations += 1
    return MeetingsYear(
        year=year,
        meetings_held=len(meetings),
        returns_discussed=len(discussed),
        themes=list(rollup.values()),
        escalations=sorted(escalations, key=lambda e: e.pk),
        actions_agreed=len(actions),
        actions_open=sum(1 for a in actions if not a.is_done),
    )


def meetings_year_rollup(*, partnership: Partnership, cycle: AuditCycle) -> MeetingsYear:
    """The year's meetings rolled up by theme (report_meetings): two queries."""
    return report_meetings(partnership=partnership, cycle=cycle, with_year=True).year
