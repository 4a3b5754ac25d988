"""How the outbox sends the emails this app owns (registered from
AuditsConfig.ready): the row's templates with the row's context, plus the
resume link's URL, whose token is made at send time (for a batch, in one
UPDATE) so it is never stored; and, for the emails about a deadline, when
the email no longer applies (the return was submitted, the deadline moved).
"""

from datetime import datetime

from django.conf import settings
from django.urls import reverse

from core.emails import EmailKind, email_kind_register, rendered_for
from core.models import OutboundEmail

from .models import EvidenceRequest, NotificationKind, ResumeLink
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


def email_kinds_register() -> None:
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
