"""The demo's assurance meetings (demo/seed_demo), as Sheffield holds them:
an independent chair and scrutineer on the panel, agreed actions on the
agencies' plans, an issue escalated to the executive board. One meeting
held a few days ago, one scheduled with its invitations sent. Made through
the services; run again, it adds nothing (and the outsider's line is
printed afresh)."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from audits.models import AuditCycle, MeetingAction, PanelMember, ReviewMeeting, Submission, SubmissionStatus
from audits.services.meetings import (
    ActionData,
    MeetingTimes,
    meeting_action_add,
    meeting_action_status_set,
    meeting_escalate,
    meeting_invitations_send,
    meeting_record,
    meeting_schedule,
    panel_link_mint_url,
    panel_member_add,
)
from core.dates import UK
from core.domain import Actor
from partnerships.models import Partnership, StaffMembership

CHAIR = ("Professor Anne Whitfield", "Independent chair", "anne.whitfield@independent-chair.example")
SCRUTINEER = ("Marcus Oyelaran", "Independent scrutineer", "marcus.oyelaran@scrutiny.example")


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour, 0), tzinfo=UK)


def meetings_demo_seed(*, partnership: Partnership, cycle: AuditCycle, actor: Actor) -> None:
    """The meetings, once (run again, nothing is added)."""
    submitted = list(
        Submission.objects.filter(cycle=cycle, status=SubmissionStatus.SUBMITTED)
        .select_related("agency", "question_set")
        .order_by("agency__name")
    )
    if not submitted:
        return
    if not ReviewMeeting.objects.filter(cycle=cycle, status=ReviewMeeting.Status.SCHEDULED).exists():
        _held(partnership, cycle, submitted, actor)
        _scheduled(partnership, cycle, submitted, actor)


def panel_demo_lines(*, partnerships: list[Partnership]) -> list[str]:
    """A `panel <partnership> <URL> <name>` line that signs each scheduled
    meeting's first outsider in, with a fresh link. Called once the seed has
    committed: the invitations are sent then, and each mints the outsider a
    new link, which would end one minted before."""
    lines = []
    for partnership in partnerships:
        outsiders = PanelMember.objects.filter(
            partnership=partnership, is_outsider=True, meeting__status=ReviewMeeting.Status.SCHEDULED
        ).order_by("meeting_id", "pk")
        if outsider := outsiders.first():
            url = panel_link_mint_url(member=outsider, partnership_slug=partnership.slug)
            lines.append(f"panel {partnership.slug} {url} {outsider.name}")
    return lines


def _staff(partnership: Partnership, actor: Actor) -> StaffMembership:
    return StaffMembership.objects.select_related("user").get(partnership=partnership, user=actor.user)


def _held(partnership, cycle, submitted, actor) -> ReviewMeeting:
    day = timezone.localdate() - timedelta(days=3)
    meeting = meeting_schedule(
        partnership=partnership,
        cycle=cycle,
        kind=ReviewMeeting.Kind.ASSURANCE,
        times=MeetingTimes(_at(day, 10), _at(day, 12), "Town Hall, Committee Room 2"),
        submissions=submitted[:2],
        actor=actor,
    )
    for name, role, email in (CHAIR, SCRUTINEER):
        panel_member_add(meeting=meeting, actor=actor, name=name, role=role, email=email)
    panel_member_add(meeting=meeting, actor=actor, membership=_staff(partnership, actor))
    members = list(meeting.panel.order_by("pk"))
    meeting_record(
        meeting=meeting,
        attendance={m.pk: "apologies" if m.role == SCRUTINEER[1] else "attended" for m in members},
        notes="The panel met each agency's safeguarding lead. Training records were thin in places; "
        "information sharing with adult services needs a shared protocol.",
        actor=actor,
    )
    first = submitted[0]
    themes = list(first.question_set.themes.order_by("order"))
    action = meeting_action_add(
        meeting=meeting,
        data=ActionData(
            action="Send the partnership the training matrix for front-line staff, with completion rates.",
            owner="Head of Workforce Development",
            due_on=day + timedelta(days=30),
            owner_email="workforce@sheffield-council.example",
            submission=first,
            theme=themes[min(2, len(themes) - 1)],
        ),
        actor=actor,
    )
    meeting_action_status_set(item=action, status=MeetingAction.Status.IN_PROGRESS, actor=actor)
    meeting_action_add(
        meeting=meeting,
        data=ActionData(
            action="Draft a protocol for sharing information between children's and adults' services.",
            owner="Partnership business manager",
            due_on=day + timedelta(days=60),
            submission=first,
            theme=themes[min(3, len(themes) - 1)],
        ),
        actor=actor,
    )
    meeting_escalate(
        meeting=meeting,
        issue="No shared protocol for information sharing between children's and adults' services.",
        reason="It spans every agency and needs the executive board's decision on who leads it.",
        board="Sheffield Children's Safeguarding Partnership Executive Board",
        board_on=day + timedelta(days=21),
        theme=themes[min(3, len(themes) - 1)],
        actor=actor,
    )
    return meeting


def _scheduled(partnership, cycle, submitted, actor) -> ReviewMeeting:
    day = timezone.localdate() + timedelta(days=28)
    meeting = meeting_schedule(
        partnership=partnership,
        cycle=cycle,
        kind=ReviewMeeting.Kind.SCRUTINY,
        times=MeetingTimes(
            _at(day, 14),
            _at(day, 16),
            "Town Hall, Committee Room 2",
            "https://meet.sheffield.example/s11-panel",
        ),
        submissions=submitted[-2:],
        actor=actor,
    )
    name, role, email = SCRUTINEER
    panel_member_add(meeting=meeting, actor=actor, name=name, role=role, email=email)
    panel_member_add(meeting=meeting, actor=actor, membership=_staff(partnership, actor))
    meeting_invitations_send(meeting=meeting, actor=actor)
    return meeting
