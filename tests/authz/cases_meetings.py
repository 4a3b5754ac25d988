"""Meetings run in the service: scheduling, the panel, invitations,
recording, agreed actions, escalations and the pre-read pack of a meeting
(cycles/<slug>/meetings/<id>/…). An outsider on the panel has no staff
access at all: tests/audits/test_meetings_panel.py."""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.utils import timezone

from audits.models import MeetingAction, MeetingPack, PanelMember, ReviewMeeting
from audits.services.meetings import MeetingTimes, meeting_schedule, panel_member_add
from core.domain import Actor
from partnerships.permissions import Perm

from .cases import Case

STAFF = Actor(name="Rita Reviewer", email="rita@staff.example")


def _cycle(w):
    return {"cycle_slug": w.cycle.slug}


def _the_meeting(w):
    # Found by its panel, whatever a case did to it since (held, cancelled).
    return ReviewMeeting.objects.filter(cycle=w.cycle, panel__email="jo@x.example").first()


def _scheduled(w):
    """A scheduled meeting about the world's return, with an outsider on its
    panel and an agreed action (made once per partnership)."""
    meeting = _the_meeting(w)
    if meeting is None:
        start = timezone.now() + timedelta(days=30)
        meeting = meeting_schedule(
            partnership=w.partnership,
            cycle=w.cycle,
            kind="assurance",
            times=MeetingTimes(start, start + timedelta(hours=2), "Town Hall"),
            submissions=[w.submission],
            actor=STAFF,
        )
        panel_member_add(meeting=meeting, actor=STAFF, name="Jo Chair", role="Chair", email="jo@x.example")
        MeetingAction.objects.create(
            meeting=meeting,
            action="Refresh the log",
            owner="Head of HR",
            due_on=start.date(),
            submission=w.submission,
        )
    return {**_cycle(w), "meeting_id": meeting.pk}


def _member(w):
    kwargs = _scheduled(w)
    return {**kwargs, "member_id": PanelMember.objects.get(meeting_id=kwargs["meeting_id"]).pk}


def _action(w):
    kwargs = _scheduled(w)
    return {**kwargs, "action_id": MeetingAction.objects.get(meeting_id=kwargs["meeting_id"]).pk}


def _pack(w):
    kwargs = _scheduled(w)
    pack = MeetingPack.objects.filter(meeting_id=kwargs["meeting_id"]).first()
    if pack is None:
        pack = MeetingPack(partnership=w.partnership, meeting_id=kwargs["meeting_id"], version=1)
        pack.file.save("v1.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
        pack.sha256, pack.size, pack.built_at = "0" * 64, 9, timezone.now()
        pack.save()
    return {**kwargs, "version": pack.version}


def _schedule_post(w):
    return {
        "kind": "assurance",
        "starts_at_0": "12",
        "starts_at_1": "5",
        "starts_at_2": str(timezone.now().year + 1),
        "starts_at_3": "10am",
        "ends_at_0": "12",
        "ends_at_1": "5",
        "ends_at_2": str(timezone.now().year + 1),
        "ends_at_3": "12pm",
        "location": "Town Hall",
        "submissions": [str(w.submission.pk)],
    }


def _record_post(w):
    _scheduled(w)  # data may be asked for before the URL's kwargs
    meeting = _the_meeting(w)
    return {f"attendance_{m.pk}": "attended" for m in meeting.panel.all()} | {"notes": "Met"}


CASES = [
    Case("staff_cycle_meeting_schedule", Perm.REVIEW, _cycle),
    Case(
        "staff_cycle_meeting_schedule",
        Perm.REVIEW,
        _cycle,
        method="post",
        data=_schedule_post,
        ok=(302,),
        # Outside a locality lead's localities the return is not a choice.
        ok_out_of_scope=(200,),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_reschedule", Perm.REVIEW, _scheduled),
    Case("staff_cycle_meeting_cancel", Perm.REVIEW, _scheduled),
    # The first permitted role cancels it; the next is told it is cancelled.
    Case(
        "staff_cycle_meeting_cancel",
        Perm.REVIEW,
        _scheduled,
        method="post",
        data=lambda w: {"reason": "The chair is ill"},
        ok=(200, 302),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_panel_add", Perm.REVIEW, _scheduled),
    Case(
        "staff_cycle_meeting_panel_add",
        Perm.REVIEW,
        _scheduled,
        method="post",
        data=lambda w: {
            "who": "outsider",
            "name": "Sam Scrutineer",
            "role": "Scrutineer",
            "email": "sam@x.example",
        },
        ok=(200, 302),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_panel_revoke", Perm.REVIEW, _member, method="post", ok=(302,)),
    Case("staff_cycle_meeting_invite", Perm.REVIEW, _scheduled, method="post", ok=(302,)),
    Case("staff_cycle_meeting_record", Perm.REVIEW, _scheduled),
    Case(
        "staff_cycle_meeting_record",
        Perm.REVIEW,
        _scheduled,
        method="post",
        data=_record_post,
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_action_add", Perm.REVIEW, _scheduled),
    Case(
        "staff_cycle_meeting_action_add",
        Perm.REVIEW,
        _scheduled,
        method="post",
        data=lambda w: {
            "action": "Audit the log",
            "owner": "Kim",
            "due_on_0": "1",
            "due_on_1": "6",
            "due_on_2": "2027",
        },
        ok=(302,),
        id_suffix="post",
    ),
    Case(
        "staff_cycle_meeting_action_status",
        Perm.REVIEW,
        _action,
        method="post",
        data=lambda w: {"status": "in_progress"},
        ok=(302,),
    ),
    Case("staff_cycle_meeting_escalate", Perm.REVIEW, _scheduled),
    Case(
        "staff_cycle_meeting_escalate",
        Perm.REVIEW,
        _scheduled,
        method="post",
        data=lambda w: {"issue": "Training", "reason": "Across agencies", "board": "Executive Board"},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_cycle_meeting_pack", Perm.REVIEW, _scheduled, method="post", ok=(302,)),
    Case("staff_cycle_meeting_pack_download", Perm.VIEW, _pack),
]
