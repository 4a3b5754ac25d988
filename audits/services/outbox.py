"""The email outbox.

`outbound_email_queue` (one row) and `outbound_email_queue_many` (a batch)
write rows inside the caller's transaction and ask Celery to send them once
that transaction commits. Each row has a unique `dedupe_key` naming the
email it is (e.g. cycle + agency + contact + kind + deadline), so writing
the same email twice, even from two processes at once, leaves one row. If
the broker is down at that moment the row simply waits: `outbox_sweep`, run
by Celery beat every minute, queues every pending row whose lease has lapsed.

`outbound_email_send` claims the row with SELECT … FOR UPDATE SKIP LOCKED and
a lease (settings.S11_OUTBOX_LEASE_SECONDS), so two workers, or a task and
the sweep, or a task redelivered by the broker, never send it twice while
the lease holds. Before sending, a deadline email that no longer applies
(the return was submitted, or the deadline moved) is cancelled instead.

A worker killed mid-send leaves the lease to lapse; the next sweep queues the
row again and it is sent with the same Message-ID. We do not wait for the
broker to redeliver the killed worker's task (Redis' visibility timeout is an
hour by default); when it does, the row is already sent and nothing happens.

The one window that remains: the SMTP server accepted the message and the
worker died (or lost its database connection) before it marked the row sent.
That message is sent a second time, with the same Message-ID, so most mail
systems fold the two. Exactly-once delivery to a remote SMTP server is not
possible without the server's help; this narrows the duplicate to that
window. A send that takes longer than the lease can also be repeated, so the
lease must exceed EMAIL_TIMEOUT (300 s against 30 s by default).
"""

import logging
import uuid
from datetime import timedelta
from email.headerregistry import Address
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import OutboundEmail, ResumeLink

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
# Kinds about a deadline: cancelled at send time if they no longer apply.
DEADLINE_KINDS = (
    OutboundEmail.Kind.INVITATION,
    OutboundEmail.Kind.REMINDER,
    OutboundEmail.Kind.OVERDUE,
)


def lease() -> timedelta:
    return timedelta(seconds=settings.S11_OUTBOX_LEASE_SECONDS)


def _message_id() -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "s11portal.local"
    return f"<{uuid.uuid4().hex}@{domain}>"


def outbound_email_queue(
    *,
    partnership,
    kind: str,
    to_email: str,
    template: str,
    context: dict,
    dedupe_key: str | None = None,
    to_name: str = "",
    submission=None,
    resume_link: ResumeLink | None = None,
    not_before=None,
) -> OutboundEmail:
    """Write an email to the outbox (idempotent on `dedupe_key`) and send it
    after the surrounding transaction commits."""
    dedupe_key = dedupe_key or f"{kind}:{uuid.uuid4().hex}"
    email, created = OutboundEmail.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "partnership": partnership,
            "submission": submission,
            "resume_link": resume_link,
            "kind": kind,
            "to_name": to_name,
            "to_email": to_email,
            "template": template,
            "context": context,
            "message_id": _message_id(),
            "not_before": not_before or timezone.now(),
        },
    )
    if created and email.not_before <= timezone.now():
        transaction.on_commit(lambda: _enqueue(email.pk))
    return email


def outbound_email_queue_many(*, emails: list[OutboundEmail]) -> set[str]:
    """Write a batch of unsaved OutboundEmail rows (each with its dedupe_key)
    in one statement, skipping any whose dedupe_key already exists, and send
    the new ones after the surrounding transaction commits. Returns the
    dedupe keys this call wrote.

    Safe to run from two processes at once: the unique dedupe_key decides,
    and on PostgreSQL the second insert waits for the first to commit."""
    if not emails:
        return set()
    now = timezone.now()
    for email in emails:
        email.message_id = email.message_id or _message_id()
        email.not_before = email.not_before or now
    OutboundEmail.objects.bulk_create(emails, ignore_conflicts=True, batch_size=500)
    ours = {e.message_id for e in emails}
    written = list(
        OutboundEmail.objects.filter(dedupe_key__in=[e.dedupe_key for e in emails], message_id__in=ours)
        .values_list("pk", "dedupe_key", "not_before")
        .order_by("pk")
    )
    due = [pk for pk, _, not_before in written if not_before <= now]
    if due:
        transaction.on_commit(lambda: _enqueue_many(due))
    return {key for _, key, _ in written}


def _enqueue(email_id: int) -> None:
    _enqueue_many([email_id])


def _enqueue_many(email_ids: list[int]) -> None:
    from ..tasks import send_outbound_email

    for index, email_id in enumerate(email_ids):
        try:
            send_outbound_email.delay(email_id)
        except Exception:  # the broker is down: the sweep will send them
            logger.warning(
                "Could not queue %s email(s) from %s; the outbox sweep will send them",
                len(email_ids) - index,
                email_id,
                exc_info=True,
            )
            return


@transaction.atomic
def outbound_email_cancel(*, submissions, kinds, reason: str) -> int:
    """Cancel the unsent emails of these kinds about these submissions (for
    example reminders keyed on a deadline that has just moved)."""
    return OutboundEmail.objects.filter(
        submission__in=submissions, kind__in=kinds, status=OutboundEmail.Status.PENDING
    ).update(status=OutboundEmail.Status.CANCELLED, last_error=reason[:2000], lease_until=None)


def _obsolete_reason(email: OutboundEmail) -> str:
    """Why a deadline email should not go out any more, or ""."""
    submission = email.submission
    if email.kind not in DEADLINE_KINDS or submission is None:
        return ""
    if submission.is_locked:
        return "The return was submitted before this email was sent."
    deadline = email.context.get("deadline")
    if email.kind != OutboundEmail.Kind.INVITATION and deadline:
        from datetime import datetime

        if datetime.fromisoformat(deadline) != submission.deadline:
            return "The deadline moved before this email was sent."
    return ""


def _claim(email_id: int) -> OutboundEmail | None:
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "partnership",
                "submission__cycle",
                "resume_link__submission__agency",
                "resume_link__submission__cycle",
            )
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING, not_before__lte=now)
            .first()
        )
        if email is None or (email.lease_until and email.lease_until > now):
            return None
        email.lease_until = now + lease()
        email.attempts += 1
        email.save(update_fields=["lease_until", "attempts"])
    return email


def email_address(name: str, address: str) -> str:
    """'Name <address>' for a To or From header, the name quoted when it
    needs to be ("Bloggs, Jo" <jo@example.org>): the standard library's
    formatting, so a comma, colon, @ or bracket in a name no longer makes
    Django refuse the address. A name is one line."""
    name = " ".join((name or "").split())
    return str(Address(display_name=name, addr_spec=address)) if name else address


def render_plain(template_name: str, context: dict) -> str:
    """Render a template whose output is not HTML (a subject, a plain-text
    body) with autoescaping off, here and in what it includes: what people
    typed ("Children's Services & Young Carers") stays as typed. The HTML
    part escapes as usual, and pages that show a stored subject escape it
    when they show it."""
    template = engines["django"].get_template(template_name).template
    return template.render(Context(context, autoescape=False))


def _render(email: OutboundEmail) -> EmailMultiAlternatives:
    from .links import resume_link_mint_url

    context = dict(email.context)
    context["partnership"] = email.partnership
    context["to_name"] = email.to_name
    context["base_url"] = settings.BASE_URL
    if email.resume_link is not None:
        context["resume_url"] = resume_link_mint_url(link=email.resume_link)
        context["link_expires_at"] = email.resume_link.expires_at
    if email.kind == OutboundEmail.Kind.STAFF_INVITATION:
        # Like a resume link, the set-password key and the acceptance token
        # are made now, never stored.
        from partnerships.services.members import staff_invitation_email_links

        context.update(staff_invitation_email_links(context))
    subject = render_plain(f"emails/{email.template}_subject.txt", context)
    text = render_plain(f"emails/{email.template}.txt", context)
    html = render_to_string(f"emails/{email.template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=email_address(email.partnership.name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]),
        to=[email_address(email.to_name, email.to_email)],
        reply_to=[email.partnership.reply_to],
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def outbound_email_send(*, email_id: int) -> bool:
    """Send one outbox row if it is still pending and nobody holds it.
    Returns True if this call sent it."""
    email = _claim(email_id)
    if email is None:
        return False
    reason = _obsolete_reason(email)
    if reason:
        OutboundEmail.objects.filter(pk=email.pk).update(
            status=OutboundEmail.Status.CANCELLED, last_error=reason, lease_until=None
        )
        return False
    try:
        message = _render(email)
        message.send(fail_silently=False)
    except Exception as exc:
        failed = email.attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            # Retry after a back-off; give up after MAX_ATTEMPTS.
            lease_until=timezone.now() + lease() * email.attempts,
            status=OutboundEmail.Status.FAILED if failed else OutboundEmail.Status.PENDING,
        )
        logger.warning("Sending email %s failed (attempt %s)", email.pk, email.attempts, exc_info=True)
        return False
    OutboundEmail.objects.filter(pk=email.pk).update(
        status=OutboundEmail.Status.SENT,
        sent_at=timezone.now(),
        subject=message.subject[:300],
        lease_until=None,
        last_error="",
    )
    return True


def outbox_sweep(*, limit: int = 500) -> int:
    """Queue every pending row that is due and not held by a live lease."""
    from django.db.models import Q

    from ..tasks import send_outbound_email

    now = timezone.now()
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, not_before__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for email_id in ids:
        send_outbound_email.delay(email_id)
    return len(ids)


__all__ = [
    "outbound_email_cancel",
    "outbound_email_queue",
    "outbound_email_queue_many",
    "outbound_email_send",
    "outbox_sweep",
]
