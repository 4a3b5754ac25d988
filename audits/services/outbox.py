"""The email outbox.

`outbound_email_queue` writes the row inside the caller's transaction and
asks Celery to send it once that transaction commits. If the broker is down
at that moment the row simply waits: `outbox_sweep`, run by Celery beat,
queues every pending row whose lease has lapsed.

`outbound_email_send` claims the row with SELECT … FOR UPDATE SKIP LOCKED and
a lease, so two workers, or a task and the sweep, never send it twice. A
worker killed mid-send leaves the lease to lapse; the row is then sent again
with the same Message-ID. The one window that remains: the SMTP server
accepted the message and the worker died before marking the row sent. That
message is sent again (same Message-ID, so most mail systems fold the two).
"""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ..models import OutboundEmail, ResumeLink

logger = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8


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


def _enqueue(email_id: int) -> None:
    from ..tasks import send_outbound_email

    try:
        send_outbound_email.delay(email_id)
    except Exception:  # the broker is down: the sweep will send it
        logger.warning("Could not queue email %s; the outbox sweep will send it", email_id, exc_info=True)


def _claim(email_id: int) -> OutboundEmail | None:
    now = timezone.now()
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related(
                "partnership", "resume_link__submission__agency", "resume_link__submission__cycle"
            )
            .filter(pk=email_id, status=OutboundEmail.Status.PENDING, not_before__lte=now)
            .first()
        )
        if email is None or (email.lease_until and email.lease_until > now):
            return None
        email.lease_until = now + LEASE
        email.attempts += 1
        email.save(update_fields=["lease_until", "attempts"])
    return email


def _render(email: OutboundEmail) -> EmailMultiAlternatives:
    from .links import resume_link_mint_url

    context = dict(email.context)
    context["partnership"] = email.partnership
    context["to_name"] = email.to_name
    context["base_url"] = settings.BASE_URL
    if email.resume_link is not None:
        context["resume_url"] = resume_link_mint_url(link=email.resume_link)
        context["link_expires_at"] = email.resume_link.expires_at
    subject = render_to_string(f"emails/{email.template}_subject.txt", context).strip()
    text = render_to_string(f"emails/{email.template}.txt", context)
    html = render_to_string(f"emails/{email.template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=f"{email.partnership.name} <{settings.DEFAULT_FROM_EMAIL.split('<')[-1].strip('>')}>",
        to=[f"{email.to_name} <{email.to_email}>" if email.to_name else email.to_email],
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
    try:
        message = _render(email)
        message.send(fail_silently=False)
    except Exception as exc:
        failed = email.attempts >= MAX_ATTEMPTS
        OutboundEmail.objects.filter(pk=email.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            # Retry after a back-off; give up after MAX_ATTEMPTS.
            lease_until=timezone.now() + LEASE * email.attempts,
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
