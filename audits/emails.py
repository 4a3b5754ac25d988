"""How the outbox sends the emails this app owns (registered from
AuditsConfig.ready): the row's templates with the row's context, plus the
resume link's URL, whose token is made at send time (for a batch, in one
UPDATE) so it is never stored; and, for the emails about a deadline, when
the email no longer applies (the return was submitted, the deadline moved).
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from core.emails import Attachment, EmailKind, RenderedEmail, email_kind_register, rendered_for
from core.models import OutboundEmail

from .exports.calendar import meeting_ics
from .models import (
    PANEL_ACCESS_DAYS,
    EvidenceRequest,
    MeetingAction,
    NotificationKind,
    PanelMember,
    ResumeLink,
)
from .services import meetings as meeting_services
from .services.links import resume_links_mint_urls
from .services.notifications import DIGEST_EMAIL_KIND, NOTIFICATION_EMAIL_KINDS

Kind = OutboundEmail.Kind

# The kinds this app sends, those carrying a resume link, and those about a
# deadline.
LINK_KINDS = (
    Kind.LINK,
    Kind.PROGRESSION,
    Kind.INVITATION,
    Kind.REMINDER,
    Kind.ACTION_UPDATE,
    Kind.ACTION_UPDATE_REMINDER,
    Kind.RETURNED,
    Kind.DEADLINE_CHANGED,
)
DEADLINE_KINDS = (Kind.INVITATION, Kind.REMINDER, Kind.OVERDUE, Kind.DEADLINE_CHANGED)
KINDS = (*LINK_KINDS, Kind.RECEIPT, Kind.OVERDUE, Kind.OUTCOME)


def _obsolete(row: OutboundEmail) -> str:
    """Why a deadline email should not go out any more, or ""."""
    submission = row.submission
    if submission is None:
        return ""
    if submission.is_locked:
        return "The return was submitted before this email was sent."
    deadline = row.context.get("deadline")
    if row.kind != Kind.INVITATION and deadline and datetime.fromisoformat(deadline) != submission.deadline:
        return "The deadline moved before this email was sent."
    return ""


def _prepare(rows: list[OutboundEmail]) -> dict[int, str]:
    """The resume URL of each row that carries a link, its token made now."""
    links: dict[int, ResumeLink] = {row.resume_link_id: row.resume_link for row in rows if row.resume_link_id}
    urls = resume_links_mint_urls(links=list(links.values()))
    return {row.pk: urls[row.resume_link_id] for row in rows if row.resume_link_id}


def _render(row: OutboundEmail, prepared: dict[int, str] | None):
    partnership = row.partnership
    context = {**row.context, "partnership": partnership, "to_name": row.to_name}
    if row.resume_link_id is not None:
        urls = prepared if prepared is not None else _prepare([row])
        context["resume_url"] = urls[row.pk]
        context["link_expires_at"] = row.resume_link.expires_at
    return rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


# What the Emails page calls each staff notification.
STAFF_LABELS = {
    NotificationKind.SUBMITTED: "Staff notification: return submitted",
    NotificationKind.RESUBMITTED: "Staff notification: return resubmitted",
    NotificationKind.CHALLENGE: "Staff notification: challenge or response",
    NotificationKind.EVIDENCE_ANSWERED: "Staff notification: evidence answered",
    NotificationKind.ACTION_PLAN: "Staff notification: action plan updated",
}


def _render_staff(row: OutboundEmail, prepared=None):
    """A notification to a member of staff, or their daily digest: the
    row's context holds the staff pages' paths, made absolute here."""
    partnership = row.partnership
    context = {**row.context, "partnership": partnership, "to_name": row.to_name}
    if context.get("path"):
        context["url"] = settings.BASE_URL + context["path"]
    context["items"] = [
        {**item, "url": settings.BASE_URL + item["path"] if item.get("path") else ""}
        for item in context.get("items", [])
    ]
    context["preferences_url"] = settings.BASE_URL + reverse(
        "staff_notification_preferences", kwargs={"partnership_slug": partnership.slug}
    )
    return rendered_for(row, template=row.template, context=context, from_name=partnership.name)


# Kinds named here rather than in OutboundEmail.Kind (a kind is a name, not
# a database choice): the partnership's reply or final word on the agency's
# response to its evaluation (audits.services.challenges).
# And evidence requests, with their reminders (audits.services.evidence_requests).
NAMED_KINDS = {
    "challenge_reply": "Reply to a response to the evaluation",
    "evidence_request": "Evidence request",
    "evidence_reminder": "Evidence request reminder",
}


def _evidence_reminder_obsolete(row: OutboundEmail) -> str:
    """Why an evidence request reminder should not go out any more, or ""."""
    request = (
        EvidenceRequest.objects.filter(pk=row.context.get("request_id"))
        .values("answered_at", "submission__status")
        .first()
    )
    if request is None:
        return ""
    if request["answered_at"] is not None:
        return "The agency answered the evidence request before this email was sent."
    if request["submission__status"] != "submitted":
        return "The return was returned for changes before this email was sent."
    return ""


# --- meetings (audits.services.meetings) ---------------------------------------

MEETING_KINDS = {
    meeting_services.INVITATION_KIND: "Meeting invitation",
    meeting_services.CANCELLATION_KIND: "Meeting cancelled",
    meeting_services.PANEL_LINK_KIND: "Meeting panel sign-in link",
}


def _prepare_meeting(rows: list[OutboundEmail]) -> dict[int, PanelMember]:
    """The panel member (with their meeting) of each row, in one query."""
    members = PanelMember.objects.select_related("meeting__cycle", "membership").in_bulk(
        {row.context.get("panel_member_id") for row in rows}
    )
    return {row.pk: members.get(row.context.get("panel_member_id")) for row in rows}


def _meeting_summary(meeting, partnership) -> str:
    return f"{partnership.name}: {meeting.get_kind_display()} ({meeting.cycle.title})"


def _render_meeting(row: OutboundEmail, prepared: dict[int, PanelMember] | None) -> RenderedEmail:
    """An invitation (with the calendar file, REQUEST), its cancellation
    (CANCEL), or a new sign-in link. An outsider's token is made now."""
    partnership = row.partnership
    member = (prepared if prepared is not None else _prepare_meeting([row]))[row.pk]
    if member is None:
        raise ValueError("The panel member has been removed")
    meeting = member.meeting
    context = {
        **row.context,
        "partnership": partnership,
        "to_name": row.to_name,
        "meeting": meeting,
        "member": member,
        "access_days": PANEL_ACCESS_DAYS,
        "access_until": member.access_until(meeting),
    }
    cancel = row.kind == meeting_services.CANCELLATION_KIND
    if member.is_outsider and not cancel and not member.revoked_at:
        context["panel_url"] = meeting_services.panel_link_mint_url(
            member=member, partnership_slug=partnership.slug
        )
    elif not member.is_outsider:
        context["staff_url"] = settings.BASE_URL + reverse(
            "staff_cycle_meeting",
            kwargs={
                "partnership_slug": partnership.slug,
                "cycle_slug": meeting.cycle.slug,
                "meeting_id": meeting.pk,
            },
        )
    rendered = rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )
    if row.kind == meeting_services.PANEL_LINK_KIND or meeting.starts_at is None:
        return rendered
    ics = meeting_ics(
        meeting=meeting,
        partnership_name=partnership.name,
        summary=_meeting_summary(meeting, partnership),
        # Never the outsider's link: calendars are synced and shared, so
        # the token stays in the email alone.
        description=(
            "Cancelled: " + row.context.get("reason", "")
            if cancel
            else (
                f"The returns to read: {context['staff_url']}"
                if context.get("staff_url")
                else "Your link to read the returns is in the invitation email."
            )
        ),
        attendee_name=member.name,
        attendee_email=member.email,
        cancel=cancel,
    )
    method = "CANCEL" if cancel else "REQUEST"
    return RenderedEmail(
        subject=rendered.subject,
        text=rendered.text,
        html=rendered.html,
        to=rendered.to,
        from_email=rendered.from_email,
        reply_to=rendered.reply_to,
        attachments=(Attachment("meeting.ics", ics, f"text/calendar; method={method}"),),
    )


def _meeting_obsolete(row: OutboundEmail) -> str:
    """Why a meeting's email should not go out any more, or "": its person
    has left the panel or had their access withdrawn, the meeting was
    cancelled (but for the cancellation itself), an invitation was
    superseded by a later version of the meeting, or a new link would give
    nothing."""
    member = (
        PanelMember.objects.select_related("meeting").filter(pk=row.context.get("panel_member_id")).first()
    )
    if member is None:
        return "The panel member was removed before this email was sent."
    if row.kind == meeting_services.CANCELLATION_KIND:
        return ""
    if member.revoked_at is not None:
        return "Their access was withdrawn before this email was sent."
    if member.meeting.is_cancelled:
        return "The meeting was cancelled before this email was sent."
    if (
        row.kind == meeting_services.INVITATION_KIND
        and row.context.get("sequence") != member.meeting.sequence
    ):
        return "The meeting changed again before this email was sent: a newer invitation replaces it."
    if row.kind == meeting_services.PANEL_LINK_KIND and member.access_refused(timezone.now()) == "expired":
        return "Their access ended before this email was sent."
    return ""


def _render_action_due(row: OutboundEmail, prepared=None) -> RenderedEmail:
    partnership = row.partnership
    item = (
        MeetingAction.objects.select_related("meeting__cycle", "submission__agency")
        .filter(pk=row.context.get("action_id"))
        .first()
    )
    context = {**row.context, "partnership": partnership, "to_name": row.to_name, "item": item}
    return rendered_for(
        row,
        template=row.template,
        context=context,
        from_name=partnership.name,
        reply_to=[partnership.reply_to],
    )


def _action_due_obsolete(row: OutboundEmail) -> str:
    item = MeetingAction.objects.filter(pk=row.context.get("action_id")).values("status").first()
    if item is None:
        return "The action was removed before this reminder was sent."
    if item["status"] == MeetingAction.Status.DONE:
        return "The action was done before this reminder was sent."
    return ""


def email_kinds_register() -> None:
    for kind, label in MEETING_KINDS.items():
        email_kind_register(
            EmailKind(
                name=kind,
                label=label,
                render=_render_meeting,
                prepare=_prepare_meeting,
                obsolete=_meeting_obsolete,
                related=("partnership",),
            )
        )
    email_kind_register(
        EmailKind(
            name=meeting_services.ACTION_DUE_KIND,
            label="Meeting action reminder",
            render=_render_action_due,
            obsolete=_action_due_obsolete,
            related=("partnership",),
        )
    )
    for kind, label in NAMED_KINDS.items():
        email_kind_register(
            EmailKind(
                name=kind,
                label=label,
                render=_render,
                prepare=_prepare,
                obsolete=_evidence_reminder_obsolete if kind == "evidence_reminder" else None,
                related=("partnership", "submission__cycle", "resume_link__partnership"),
            )
        )
    for kind in KINDS:
        email_kind_register(
            EmailKind(
                name=kind,
                label=Kind(kind).label,
                render=_render,
                prepare=_prepare,
                obsolete=_obsolete if kind in DEADLINE_KINDS else None,
                # What the outbox fetches with each row, so rendering a batch
                # makes no query per row.
                related=("partnership", "submission__cycle", "resume_link__partnership"),
            )
        )

    for kind, name in NOTIFICATION_EMAIL_KINDS.items():
        email_kind_register(
            EmailKind(name=name, label=STAFF_LABELS[kind], render=_render_staff, related=("partnership",))
        )
    email_kind_register(
        EmailKind(
            name=DIGEST_EMAIL_KIND,
            label="Staff notifications: daily digest",
            render=_render_staff,
            related=("partnership",),
        )
    )


__all__ = ["email_kinds_register"]
