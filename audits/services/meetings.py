"""Meetings run in the service (issue 14 item 6): scheduling one, its panel
(staff, and outsiders such as an independent chair, who read that meeting's
returns by an emailed link until PANEL_ACCESS_DAYS after it ends),
invitations with a calendar file, cancelling, recording attendance and
notes, agreed actions' progress and reminders, escalations to the
executive board, and the pre-read pack.

Recording a meeting after the fact stays audits.services.review.meeting_save.
Every write here is atomic and on the audit log; emails go through the
outbox, idempotent on a key naming the member and the meeting's SEQUENCE.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from core.pdf import pdf_render
from core.ratelimit import ip_key, key_digest, within_limits
from partnerships.models import Partnership, StaffMembership
from themes.models import Theme

from ..exports import meeting_pack as pack_rendering
from ..models import (
    AuditCycle,
    MeetingAction,
    MeetingEscalation,
    MeetingPack,
    PanelMember,
    ReviewMeeting,
    Submission,
)
from ..selectors.meetings import meeting_returns_brief
from .links import token_hash

logger = logging.getLogger(__name__)

INVITATION_KIND = "meeting_invitation"
CANCELLATION_KIND = "meeting_cancelled"
PANEL_LINK_KIND = "meeting_panel_link"
ACTION_DUE_KIND = "meeting_action_due"

TEXT_MAX = 5000
# An action due within this many days is reminded once; once overdue, again.
ACTION_REMINDER_DAYS = 7
PANEL_LINK_REQUESTS_PER_EMAIL = 5
PANEL_LINK_REQUESTS_PER_IP = 30
PANEL_LINK_WINDOW_SECONDS = 3600


class MeetingRefusedError(DomainError):
    """A rule about meetings refused the change (`field`: the form field it
    is about, if any)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        if field:
            self.field = field


class PanelLinkLimitedError(DomainError):
    """Too many requests for a panel sign-in link."""


def _text(value: str, *, what: str, field: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").strip()
    if required and not value:
        raise MeetingRefusedError(f"Enter {what}", field)
    if len(value) > limit:
        raise MeetingRefusedError(f"{what[0].upper()}{what[1:]} must be {limit} characters or fewer", field)
    return value


def _lock(meeting: ReviewMeeting) -> ReviewMeeting:
    return (
        ReviewMeeting.objects.select_for_update(of=("self",))
        .select_related("partnership", "cycle")
        .get(pk=meeting.pk)
    )


def _record(meeting: ReviewMeeting, actor: Actor, verb: str, detail: dict) -> None:
    """On the log against the meeting (so anonymising its cycle finds it:
    lifecycle.selectors.cycle_event_q); what it was about is in the detail."""
    audit_event_record(partnership=meeting.partnership, actor=actor, verb=verb, obj=meeting, detail=detail)


# --- scheduling ---------------------------------------------------------------


@dataclass(frozen=True)
class MeetingTimes:
    starts_at: datetime
    ends_at: datetime
    location: str = ""
    online_url: str = ""


def _check_times(times: MeetingTimes) -> None:
    if times.ends_at <= times.starts_at:
        raise MeetingRefusedError("The meeting must end after it starts", "ends_at")
    if times.ends_at - times.starts_at > timedelta(hours=12):
        raise MeetingRefusedError("A meeting must last 12 hours or less", "ends_at")
    if not (times.location or "").strip() and not (times.online_url or "").strip():
        raise MeetingRefusedError("Enter a place or an online meeting link", "location")


@transaction.atomic
def meeting_schedule(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    kind: str,
    times: MeetingTimes,
    submissions: list[Submission],
    actor: Actor,
    meeting: ReviewMeeting | None = None,
) -> ReviewMeeting:
    """Schedule a meeting about returns of one cycle, or change a scheduled
    one. A change to its time or place bumps the calendar SEQUENCE, so the
    next invitations replace the event in people's calendars."""
    if cycle.partnership_id != partnership.pk:
        raise DomainError("That cycle belongs to another partnership.")
    if kind not in ReviewMeeting.Kind.values:
        raise MeetingRefusedError("Select the kind of meeting", "kind")
    if not submissions:
        raise MeetingRefusedError("Select the returns the meeting will discuss", "submissions")
    if any(s.partnership_id != partnership.pk or s.cycle_id != cycle.pk for s in submissions):
        raise MeetingRefusedError("Select returns of this cycle only", "submissions")
    _check_times(times)
    location = _text(times.location, what="the place", field="location", required=False, limit=300)
    online_url = (times.online_url or "").strip()

    created = meeting is None
    if created:
        meeting = ReviewMeeting(
            partnership=partnership, cycle=cycle, created_by=actor.user, status=ReviewMeeting.Status.SCHEDULED
        )
    else:
        meeting = _lock(meeting)
        if meeting.partnership_id != partnership.pk or meeting.cycle_id != cycle.pk:
            raise DomainError("That meeting belongs to another cycle.")
        if meeting.status != ReviewMeeting.Status.SCHEDULED:
            raise MeetingRefusedError(
                f"This meeting is {meeting.get_status_display().lower()}: it cannot be moved"
            )
        if (meeting.starts_at, meeting.ends_at, meeting.location, meeting.online_url) != (
            times.starts_at,
            times.ends_at,
            location,
            online_url,
        ):
            meeting.sequence += 1
    meeting.kind = kind
    meeting.starts_at = times.starts_at
    meeting.ends_at = times.ends_at
    meeting.held_on = timezone.localtime(times.starts_at, UK).date()
    meeting.location = location
    meeting.online_url = online_url
    meeting.save()
    meeting.submissions.set(submissions)
    _record(
        meeting,
        actor,
        "meeting.scheduled" if created else "meeting.rescheduled",
        {
            "kind": meeting.get_kind_display(),
            "starts_at": times.starts_at.isoformat(),
            "ends_at": times.ends_at.isoformat(),
            "returns": sorted(s.reference for s in submissions),
            "sequence": meeting.sequence,
        },
    )
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: ReviewMeeting, reason: str, actor: Actor) -> ReviewMeeting:
    """Cancel a scheduled meeting: everyone already invited is sent the
    cancellation (METHOD:CANCEL), and outsiders' links stop working."""
    meeting = _lock(meeting)
    if meeting.status != ReviewMeeting.Status.SCHEDULED:
        raise MeetingRefusedError("Only a scheduled meeting can be cancelled")
    reason = _text(reason, what="why the meeting is cancelled", field="reason")
    meeting.status = ReviewMeeting.Status.CANCELLED
    meeting.sequence += 1
    meeting.save(update_fields=["status", "sequence", "updated_at"])
    invited = list(meeting.panel.filter(invited_sequence__isnull=False, revoked_at__isnull=True))
    for member in invited:
        outbound_email_queue(
            partnership=meeting.partnership,
            kind=CANCELLATION_KIND,
            to_email=member.email,
            to_name=member.name,
            template="meeting_cancelled",
            context={"meeting_id": meeting.pk, "panel_member_id": member.pk, "reason": reason},
            dedupe_key=f"meeting-cancel:{meeting.pk}:{member.pk}",
        )
    _record(meeting, actor, "meeting.cancelled", {"reason": reason, "emailed": [m.email for m in invited]})
    return meeting


# --- the panel ----------------------------------------------------------------


@transaction.atomic
def panel_member_add(
    *,
    meeting: ReviewMeeting,
    actor: Actor,
    membership: StaffMembership | None = None,
    name: str = "",
    role: str = "",
    email: str = "",
) -> PanelMember:
    """Add a member of the partnership's staff (`membership`) or an
    outsider (name, role, email) to the panel."""
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise MeetingRefusedError("This meeting is cancelled")
    role = _text(role, what="their role on the panel", field="role", required=membership is None, limit=200)
    if membership is not None:
        if membership.partnership_id != meeting.partnership_id:
            raise MeetingRefusedError("Select a member of this partnership's staff", "membership")
        name, email, outsider = str(membership), membership.user.email, False
    else:
        name = _text(name, what="their name", field="name", limit=200)
        email = _text(email, what="their email address", field="email", limit=254)
        outsider = True
    email = email.lower()
    if meeting.panel.filter(email=email).exists():
        raise MeetingRefusedError(f"{email} is already on this panel", "email" if outsider else "membership")
    try:
        with transaction.atomic():
            member = PanelMember.objects.create(
                partnership_id=meeting.partnership_id,
                meeting=meeting,
                membership=membership,
                is_outsider=outsider,
                name=name,
                role=role,
                email=email,
            )
    except IntegrityError:
        raise MeetingRefusedError(f"{email} is already on this panel", "email") from None
    _record(
        meeting,
        actor,
        "meeting.panel_added",
        {"name": name, "role": role, "outsider": outsider, "panel_member": member.pk},
    )
    return member


@transaction.atomic
def panel_member_revoke(*, member: PanelMember, actor: Actor) -> PanelMember:
    """Stop an outsider's link giving anything, at once."""
    member = PanelMember.objects.select_for_update().select_related("meeting__partnership").get(pk=member.pk)
    if not member.is_outsider:
        raise MeetingRefusedError("Staff read the meeting with their own account: there is no link to revoke")
    if member.revoked_at is None:
        member.revoked_at = timezone.now()
        member.save(update_fields=["revoked_at"])
        _record(
            member.meeting, actor, "meeting.panel_revoked", {"name": member.name, "panel_member": member.pk}
        )
    return member


def panel_link_mint_url(*, member: PanelMember, partnership_slug: str) -> str:
    """A fresh token for an outsider's link, made as the email carrying it
    is sent, and its absolute URL; an earlier token stops working."""
    token = secrets.token_urlsafe(24)
    PanelMember.objects.filter(pk=member.pk).update(token_hash=token_hash(token))
    member.token_hash = token_hash(token)
    return settings.BASE_URL + reverse(
        "panel_sign_in", kwargs={"partnership_slug": partnership_slug, "token": token}
    )


def panel_link_resolve(*, partnership: Partnership, token: str, now=None) -> tuple[PanelMember | None, str]:
    """The outsider this token is for, and why it gives nothing now ("" if
    it works). A token of another partnership is not found."""
    now = now or timezone.now()
    member = (
        PanelMember.objects.select_related("meeting")
        .filter(partnership=partnership, token_hash=token_hash(token), is_outsider=True)
        .first()
    )
    if member is None:
        return None, "invalid"
    refused = member.access_refused(now)
    if not refused:
        PanelMember.objects.filter(pk=member.pk).update(last_used_at=now)
    return member, refused


def panel_link_request(*, partnership: Partnership, email: str, ip: str | None = None) -> None:
    """'Email me a new link': counted against the per-address and per-IP
    limits; then every outsider panel of this partnership with this address
    whose access has not ended gets a new link. Known and unknown addresses
    do the same work in the request (the sending is a task)."""
    email = (email or "").strip().lower()
    limits = [(f"email:{key_digest(email)}", PANEL_LINK_REQUESTS_PER_EMAIL)]
    if ip:
        limits.append((f"ip:{ip_key(ip)}", PANEL_LINK_REQUESTS_PER_IP))
    if not within_limits(scope="panellink", window_seconds=PANEL_LINK_WINDOW_SECONDS, limits=limits):
        raise PanelLinkLimitedError("You have asked for too many links. Wait an hour and try again.")
    transaction.on_commit(lambda: _queue_panel_link_send(partnership.pk, email))


def _queue_panel_link_send(partnership_id: int, email: str) -> None:
    try:
        panel_link_send_task.delay(partnership_id, email)
    except Exception:
        logger.warning("Could not queue a panel link request; the broker is unavailable", exc_info=True)


@transaction.atomic
def panel_link_send(*, partnership_id: int, email: str, now=None) -> int:
    """A new link for each of this address's live outsider places (run by
    the task panel_link_request queues). Returns how many were queued."""
    now = now or timezone.now()
    members = PanelMember.objects.select_related("meeting", "partnership").filter(
        partnership_id=partnership_id, email=email, is_outsider=True, revoked_at__isnull=True
    )
    sent = 0
    for member in members:
        if member.access_until() is None or member.meeting.is_cancelled or now >= member.access_until():
            continue
        outbound_email_queue(
            partnership=member.partnership,
            kind=PANEL_LINK_KIND,
            to_email=member.email,
            to_name=member.name,
            template="meeting_panel_link",
            context={"meeting_id": member.meeting_id, "panel_member_id": member.pk},
        )
        sent += 1
    return sent


@shared_task(name="audits.panel_link_send", ignore_result=True)
def panel_link_send_task(partnership_id: int, email: str) -> None:
    panel_link_send(partnership_id=partnership_id, email=email)


# --- invitations --------------------------------------------------------------


@transaction.atomic
def meeting_invitations_send(*, meeting: ReviewMeeting, actor: Actor) -> list[PanelMember]:
    """Email each panel member not yet invited to this version of the
    meeting an invitation with its calendar file (an outsider's carries
    their sign-in link, made when it is sent). Sending again sends nothing
    new until the meeting changes. Returns those invited now."""
    meeting = _lock(meeting)
    if meeting.status != ReviewMeeting.Status.SCHEDULED or meeting.starts_at is None:
        raise MeetingRefusedError("Invitations go out for a scheduled meeting only")
    members = [
        m
        for m in meeting.panel.filter(revoked_at__isnull=True).order_by("pk")
        if m.invited_sequence != meeting.sequence
    ]
    if not meeting.panel.exists():
        raise MeetingRefusedError("Add the panel members before you send the invitations")
    for member in members:
        outbound_email_queue(
            partnership=meeting.partnership,
            kind=INVITATION_KIND,
            to_email=member.email,
            to_name=member.name,
            template="meeting_invitation",
            context={
                "meeting_id": meeting.pk,
                "panel_member_id": member.pk,
                "sequence": meeting.sequence,
                "updated": member.invited_sequence is not None,
            },
            dedupe_key=f"meeting-invite:{meeting.pk}:{member.pk}:{meeting.sequence}",
        )
    PanelMember.objects.filter(pk__in=[m.pk for m in members]).update(invited_sequence=meeting.sequence)
    if members:
        _record(
            meeting,
            actor,
            "meeting.invited",
            {"sequence": meeting.sequence, "emailed": [m.email for m in members]},
        )
    return members


# --- recording the meeting ----------------------------------------------------


@transaction.atomic
def meeting_record(
    *,
    meeting: ReviewMeeting,
    attendance: dict[int, str],
    notes: str,
    actor: Actor,
) -> ReviewMeeting:
    """The meeting took place: each panel member's attendance, and the
    notes. It is held from now on (its agreed actions: meeting_action_add)."""
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise MeetingRefusedError("This meeting was cancelled")
    members = {m.pk: m for m in meeting.panel.all()}
    for pk, value in attendance.items():
        if pk not in members:
            raise DomainError("That person is not on this panel.")
        if value not in PanelMember.Attendance.values:
            raise MeetingRefusedError(f"Select whether {members[pk].name} attended", f"attendance_{pk}")
    missing = [m for pk, m in members.items() if pk not in attendance]
    if missing:
        raise MeetingRefusedError(f"Select whether {missing[0].name} attended", f"attendance_{missing[0].pk}")
    for pk, value in attendance.items():
        PanelMember.objects.filter(pk=pk).update(attendance=value)
    meeting.notes = _text(notes, what="the notes", field="notes", required=False)
    meeting.status = ReviewMeeting.Status.HELD
    meeting.save(update_fields=["notes", "status", "updated_at"])
    # Counts, not names: the panel's names are on their rows (and go with
    # the cycle's personal data), not in the append-only log.
    _record(
        meeting,
        actor,
        "meeting.held",
        {value: list(attendance.values()).count(value) for value in PanelMember.Attendance.values},
    )
    return meeting


@dataclass(frozen=True)
class ActionData:
    action: str
    owner: str
    due_on: date
    owner_email: str = ""
    submission: Submission | None = None
    theme: Theme | None = None


@transaction.atomic
def meeting_action_add(*, meeting: ReviewMeeting, data: ActionData, actor: Actor) -> MeetingAction:
    """An action agreed at the meeting. One about a return it discussed
    shows on that agency's action plan."""
    meeting = _lock(meeting)
    action = _text(data.action, what="the action", field="action")
    owner = _text(data.owner, what="who owns the action", field="owner", limit=200)
    if data.due_on is None:
        raise MeetingRefusedError("Enter the date the action is due", "due_on")
    if data.submission is not None and not meeting.submissions.filter(pk=data.submission.pk).exists():
        raise MeetingRefusedError("Select a return this meeting discussed", "submission")
    if data.theme is not None and (
        data.submission is None or data.theme.question_set_id != data.submission.question_set_id
    ):
        raise MeetingRefusedError("Select a theme of that return", "theme")
    order = (meeting.actions.aggregate(m=Max("order"))["m"] or 0) + 1
    item = MeetingAction.objects.create(
        meeting=meeting,
        order=order,
        action=action,
        owner=owner,
        owner_email=(data.owner_email or "").strip().lower(),
        due_on=data.due_on,
        submission=data.submission,
        theme=data.theme,
    )
    audit_event_record(
        partnership=meeting.partnership,
        actor=actor,
        verb="meeting.action_agreed",
        submission=data.submission,
        obj=meeting,
        # "name": a person, blanked with the rest when the cycle is anonymised.
        detail={
            "action": action[:200],
            "name": owner,
            "due_on": data.due_on.isoformat(),
            "action_id": item.pk,
        },
    )
    return item


@transaction.atomic
def meeting_action_status_set(*, item: MeetingAction, status: str, actor: Actor) -> MeetingAction:
    """How far an agreed action has got: open, in progress or done."""
    item = MeetingAction.objects.select_for_update().select_related("meeting__partnership").get(pk=item.pk)
    if status not in MeetingAction.Status.values:
        raise MeetingRefusedError("Select how far the action has got", "status")
    before = item.status
    if before != status:
        item.status = status
        item.save(update_fields=["status", "updated_at"])
        audit_event_record(
            partnership=item.meeting.partnership,
            actor=actor,
            verb="meeting.action_status",
            submission=item.submission,
            obj=item.meeting,
            detail={"action": item.action[:200], "from": before, "to": status, "action_id": item.pk},
        )
    return item


def meeting_action_reminders_send(*, today: date | None = None) -> int:
    """Celery beat, daily: remind the owner of each agreed action not done
    that falls due within ACTION_REMINDER_DAYS (once) and once it is overdue
    (once more). Idempotent: the outbox key names the action, its due date
    and the stage, so a moved due date is reminded afresh. Returns how many
    emails were queued."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=ACTION_REMINDER_DAYS)
    items = (
        MeetingAction.objects.exclude(status=MeetingAction.Status.DONE)
        .exclude(owner_email="")
        .exclude(meeting__status=ReviewMeeting.Status.CANCELLED)
        .filter(due_on__lte=soon)
        .select_related("meeting__partnership", "meeting__cycle", "submission__agency")
    )
    due = {}
    for item in items:
        stage = "overdue" if item.due_on < today else "soon"
        due[f"meeting-action:{item.pk}:{item.due_on.isoformat()}:{stage}"] = (item, stage)
    sent_before = set(
        OutboundEmail.objects.filter(dedupe_key__in=list(due)).values_list("dedupe_key", flat=True)
    )
    with transaction.atomic():
        for key, (item, stage) in due.items():
            if key in sent_before:
                continue
            outbound_email_queue(
                partnership=item.meeting.partnership,
                kind=ACTION_DUE_KIND,
                to_email=item.owner_email,
                to_name=item.owner,
                template="meeting_action_due",
                context={"action_id": item.pk, "stage": stage},
                dedupe_key=key,
            )
    return len(set(due) - sent_before)


# --- escalation ---------------------------------------------------------------


@transaction.atomic
def meeting_escalate(
    *,
    meeting: ReviewMeeting,
    issue: str,
    reason: str,
    board: str,
    actor: Actor,
    board_on: date | None = None,
    theme: Theme | None = None,
) -> MeetingEscalation:
    """Escalate an issue from a meeting to the executive board, with why."""
    meeting = _lock(meeting)
    if meeting.is_cancelled:
        raise MeetingRefusedError("This meeting was cancelled")
    issue = _text(issue, what="the issue", field="issue")
    reason = _text(reason, what="why it is escalated", field="reason")
    board = _text(board, what="the board it goes to", field="board", limit=200)
    if theme is not None and not meeting.submissions.filter(question_set_id=theme.question_set_id).exists():
        raise MeetingRefusedError("Select a theme of the returns discussed", "theme")
    escalation = MeetingEscalation.objects.create(
        partnership_id=meeting.partnership_id,
        meeting=meeting,
        issue=issue,
        reason=reason,
        board=board,
        board_on=board_on,
        theme=theme,
        created_by=actor.user,
        created_by_name=actor.name,
    )
    _record(
        meeting,
        actor,
        "meeting.escalated",
        {
            "board": board,
            "board_on": board_on.isoformat() if board_on else None,
            "issue": issue[:200],
            "escalation": escalation.pk,
        },
    )
    return escalation


# --- the pre-read pack --------------------------------------------------------


@transaction.atomic
def meeting_pack_request(*, meeting: ReviewMeeting, actor: Actor) -> MeetingPack:
    """A new version of the pre-read pack, built by a task once this
    commits."""
    meeting = _lock(meeting)
    version = (meeting.packs.aggregate(m=Max("version"))["m"] or 0) + 1
    pack = MeetingPack.objects.create(
        partnership_id=meeting.partnership_id, meeting=meeting, version=version, requested_by_name=actor.name
    )
    _record(meeting, actor, "meeting.pack_requested", {"version": version})
    transaction.on_commit(lambda: _queue_pack_build(pack.pk))
    return pack


def _queue_pack_build(pack_id: int) -> None:
    try:
        meeting_pack_build_task.delay(pack_id)
    except Exception:
        logger.warning("Could not queue the pre-read pack %s; ask for it again", pack_id, exc_info=True)


def meeting_pack_build(*, pack_id: int) -> MeetingPack | None:
    """Render the pack (each return's summary, moderation and action plan
    as they stand) into private storage. Building a built pack does
    nothing."""
    pack = (
        MeetingPack.objects.select_related("meeting__partnership", "meeting__cycle")
        .filter(pk=pack_id)
        .first()
    )
    if pack is None or pack.is_built:
        return pack
    meeting = pack.meeting
    returns = meeting_returns_brief(partnership=meeting.partnership, meeting=meeting)
    html = pack_rendering.meeting_pack_html(meeting=meeting, returns=returns, version=pack.version)
    data = pdf_render(html)
    with transaction.atomic():
        pack = MeetingPack.objects.select_for_update().get(pk=pack.pk)
        if pack.is_built:
            return pack
        pack.file.save(f"v{pack.version}.pdf", ContentFile(data), save=False)
        pack.sha256 = hashlib.sha256(data).hexdigest()
        pack.size = len(data)
        pack.built_at = timezone.now()
        pack.save(update_fields=["file", "sha256", "size", "built_at"])
    return pack


@shared_task(name="audits.meeting_pack_build", ignore_result=True)
def meeting_pack_build_task(pack_id: int) -> None:
    meeting_pack_build(pack_id=pack_id)


__all__ = [
    "ActionData",
    "MeetingRefusedError",
    "MeetingTimes",
    "PanelLinkLimitedError",
    "meeting_action_add",
    "meeting_action_reminders_send",
    "meeting_action_status_set",
    "meeting_cancel",
    "meeting_escalate",
    "meeting_invitations_send",
    "meeting_pack_build",
    "meeting_pack_request",
    "meeting_record",
    "meeting_schedule",
    "panel_link_mint_url",
    "panel_link_request",
    "panel_link_resolve",
    "panel_link_send",
    "panel_member_add",
    "panel_member_revoke",
]
