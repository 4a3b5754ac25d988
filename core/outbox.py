"""The email outbox.

`outbound_email_queue` (one row) and `outbound_email_queue_many` (a batch)
write rows inside the caller's transaction and ask Celery to send them once
that transaction commits. Each row has a unique `dedupe_key` naming the
email it is (e.g. cycle + agency + contact + kind + deadline), so writing
the same email twice, even from two processes at once, leaves one row. If
the broker is down at that moment the row simply waits: `outbox_sweep`, run
by Celery beat every minute, queues every pending row whose lease has lapsed.

Rows are sent in batches of up to settings.S11_OUTBOX_BATCH (100): a task
takes a batch of ids, and `outbound_emails_send` claims those still pending
and not held by anyone with SELECT … FOR UPDATE SKIP LOCKED and a lease
(settings.S11_OUTBOX_LEASE_SECONDS) in one statement, renders them, sends
through one SMTP connection
(GOV.UK Notify: one API call a message) and marks the sent rows sent in one
statement. Two workers, or a task and the sweep, or a task redelivered by the
broker, never send a row twice while the lease holds. A message that fails
(refused by the server, or its rendering raised) is retried alone after a
back-off; the rest of its batch is sent and marked as usual. A batch starts
no send after half its lease, and hands the rest back, so no send outlives
the lease.

What an email says is not the outbox's business: the app that owns a kind of
email registers how to render it (core/emails.py: the resume link's token is
made then, for a batch in one UPDATE), and may say when a row no longer
applies (a reminder whose return was submitted), which cancels it instead.
The outbox imports nothing from the apps above it.

A worker killed mid-batch leaves the lease to lapse; the next sweep queues
the rows again and they are sent with the same Message-IDs. We do not wait for the
broker to redeliver the killed worker's task (Redis' visibility timeout is an
hour by default); when it does, the row is already sent and nothing happens.

The one window that remains: the SMTP server accepted a message and the
worker died (or lost its database connection) before it marked the batch
sent (a batch of 100 takes well under a second to send). Those messages are
sent a second time, with the same Message-IDs, so most mail systems fold
them. Exactly-once delivery to a remote SMTP server is not
possible without the server's help; this narrows the duplicate to that
window. A send that ends after the lease can also be repeated, so half the
lease must exceed EMAIL_TIMEOUT (150 s against 30 s by default).
"""

import contextlib
import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from .emails import RenderedEmail, email_kind_get, email_related
from .models import OutboundEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8


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
    resume_link=None,
    not_before=None,
) -> OutboundEmail:
    """Write an email to the outbox (idempotent on `dedupe_key`) and send it
    after the surrounding transaction commits. `partnership` is None for an
    email about no partnership (a staff account's password reset)."""
    email_kind_get(kind)  # a kind no app registered would never be sent
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
        email_kind_get(email.kind)
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


def _enqueue_many(email_ids: list[int], *, raise_if_down: bool = False) -> None:
    """One task per batch of up to S11_OUTBOX_BATCH rows."""
    size = settings.S11_OUTBOX_BATCH
    for start in range(0, len(email_ids), size):
        try:
            send_outbound_emails.delay(email_ids[start : start + size])
        except Exception:  # the broker is down: the sweep will send them
            if raise_if_down:
                raise
            logger.warning(
                "Could not queue %s email(s) from %s; the outbox sweep will send them",
                len(email_ids) - start,
                email_ids[start],
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


def _claim(email_ids: list[int]) -> list[OutboundEmail]:
    """Lease those of these rows that are due and that nobody holds: one
    SELECT … FOR UPDATE SKIP LOCKED (rows another worker has locked are
    skipped) and one UPDATE. Returns them with what rendering reads."""
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            OutboundEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutboundEmail.Status.PENDING, not_before__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        OutboundEmail.objects.filter(pk__in=ids).update(lease_until=now + lease(), attempts=F("attempts") + 1)
    return list(OutboundEmail.objects.filter(pk__in=ids).select_related(*email_related()).order_by("pk"))


def _message(email: OutboundEmail, rendered: RenderedEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=rendered.from_email,
        to=[rendered.to],
        reply_to=list(rendered.reply_to),
        headers={"Message-ID": email.message_id, "Auto-Submitted": "auto-generated"},
    )
    if rendered.html:
        message.attach_alternative(rendered.html, "text/html")
    for item in rendered.attachments:
        message.attach(item.filename, item.content, item.mimetype)
    return message


def _render_batch(emails: list[OutboundEmail]):
    """Render the claimed rows by their kinds (core/emails.py): (messages
    [(pk, message)], cancelled {pk: reason}, failed {pk: error}). A row that
    raises fails alone."""
    messages, cancelled, failed = [], {}, {}
    by_kind: dict[str, list[OutboundEmail]] = defaultdict(list)
    for email in emails:
        by_kind[email.kind].append(email)
    for name, of_kind in by_kind.items():
        try:
            kind = email_kind_get(name)
        except LookupError as exc:
            failed.update((email.pk, exc) for email in of_kind)
            continue
        live = []
        for email in of_kind:
            try:
                reason = kind.obsolete(email) if kind.obsolete else ""
            except Exception as exc:
                failed[email.pk] = exc
                continue
            if reason:
                cancelled[email.pk] = reason
            else:
                live.append(email)
        prepared = None
        if kind.prepare and live:
            try:
                prepared = kind.prepare(live)
            except Exception:
                # Each row then prepares on its own, so a bad row fails alone.
                logger.warning("Preparing a batch of %s %s emails failed", len(live), name, exc_info=True)
        for email in live:
            try:
                messages.append((email.pk, _message(email, kind.render(email, prepared))))
            except Exception as exc:
                failed[email.pk] = exc
    return messages, cancelled, failed


def _deliver(messages, stop_at) -> tuple[list[int], dict[int, Exception], list[int]]:
    """Send through one connection (GOV.UK Notify: one API call each):
    (sent pks, failed {pk: error}, pks not tried). A refused message does
    not stop the others; a dropped connection is opened again for the next.
    No send starts after `stop_at`, so none outlives the batch's lease."""
    sent, failed, untried = [], {}, []
    connection = get_connection(fail_silently=False)
    try:
        for index, (pk, message) in enumerate(messages):
            if timezone.now() >= stop_at:
                untried = [pk for pk, _ in messages[index:]]
                break
            try:
                connection.open()  # nothing to do while it is open
                connection.send_messages([message])
            except Exception as exc:
                failed[pk] = exc
                with contextlib.suppress(Exception):
                    connection.close()
            else:
                sent.append(pk)
    finally:
        with contextlib.suppress(Exception):
            connection.close()
    return sent, failed, untried


def outbound_emails_send(*, email_ids: list[int]) -> int:
    """Send these outbox rows, those still pending that nobody holds, as one
    batch: claimed together, rendered, sent through one connection and
    marked sent in one statement. A row that fails (refused, or rendering
    raised) is retried alone after a back-off. Returns how many were sent."""
    emails = _claim(email_ids)
    if not emails:
        return 0
    stop_at = timezone.now() + lease() / 2
    messages, cancelled, failed = _render_batch(emails)
    sent, refused, untried = _deliver(messages, stop_at)
    failed.update(refused)
    now = timezone.now()
    if sent:
        # One statement for the batch, each row with its own subject.
        subjects = {pk: message.subject[:300] for pk, message in messages}
        OutboundEmail.objects.filter(pk__in=sent).update(
            status=OutboundEmail.Status.SENT,
            sent_at=now,
            subject=Case(*[When(pk=pk, then=Value(subjects[pk])) for pk in sent]),
            lease_until=None,
            last_error="",
        )
    for reason in set(cancelled.values()):
        OutboundEmail.objects.filter(pk__in=[pk for pk, r in cancelled.items() if r == reason]).update(
            status=OutboundEmail.Status.CANCELLED, last_error=reason[:2000], lease_until=None
        )
    if untried:
        # Handed back as never tried: the next task or sweep sends them.
        OutboundEmail.objects.filter(pk__in=untried).update(lease_until=None, attempts=F("attempts") - 1)
    attempts = {email.pk: email.attempts for email in emails}  # counting this one
    for pk, exc in failed.items():
        OutboundEmail.objects.filter(pk=pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            # Retry after a back-off; give up after MAX_ATTEMPTS.
            lease_until=now + lease() * attempts[pk],
            status=OutboundEmail.Status.FAILED
            if attempts[pk] >= MAX_ATTEMPTS
            else OutboundEmail.Status.PENDING,
        )
        logger.warning(
            "Sending email %s failed (attempt %s)",
            pk,
            attempts[pk],
            exc_info=(type(exc), exc, exc.__traceback__),
        )
    return len(sent)


def outbound_email_send(*, email_id: int) -> bool:
    """Send one outbox row if it is still pending and nobody holds it.
    Returns True if this call sent it."""
    return outbound_emails_send(email_ids=[email_id]) == 1


def outbox_sweep(*, limit: int = 5000) -> int:
    """Queue, in batches, every pending row that is due and not held by a
    live lease."""
    now = timezone.now()
    ids = list(
        OutboundEmail.objects.filter(status=OutboundEmail.Status.PENDING, not_before__lte=now)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lte=now))
        .order_by("not_before", "id")
        .values_list("pk", flat=True)[:limit]
    )
    _enqueue_many(ids, raise_if_down=True)
    return len(ids)


# Celery tasks: thin wrappers beside the functions that queue them, so this
# module and core/tasks.py (which gathers them for Celery) do not import each
# other. The names still say "audits", where they were first registered: a
# name is what the broker carries and the beat schedule names.


@shared_task(name="audits.send_outbound_email", ignore_result=True)
def send_outbound_email(email_id: int) -> None:
    outbound_email_send(email_id=email_id)


@shared_task(name="audits.send_outbound_emails", ignore_result=True)
def send_outbound_emails(email_ids: list[int]) -> None:
    outbound_emails_send(email_ids=email_ids)


@shared_task(name="audits.outbox_sweep", ignore_result=True)
def outbox_sweep_task() -> None:
    outbox_sweep()


__all__ = [
    "outbound_email_cancel",
    "outbound_email_queue",
    "outbound_email_queue_many",
    "outbound_email_send",
    "outbound_emails_send",
    "outbox_sweep",
]
