"""Telling staff what happened to their partnership's returns.

A service that records an event staff may want to hear of (a return
submitted, a challenge, evidence answered, an action plan updated) calls
`staff_notification_queue` inside its own transaction. Each member of the
partnership who wants that kind (their preference, or their role's default)
gets one `StaffNotification` row, unique per member and event: those who
want each one are emailed through the outbox (written now, sent once the
event commits), those who want a digest wait for the daily one
(`staff_notification_digests_send`, run by beat). Queuing the same event
again, from a retry or a replayed request, tells no one twice.

The digest is one email per member per UK day (its outbox dedupe key names
the member and the day), and takes its rows under a row lock, so two runs
at once, on two workers, send it once.
"""

from datetime import date

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from core.audit import audit_event_record
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from partnerships.models import Partnership, StaffMembership
from partnerships.scope import scope_of

from ..models import (
    NOTIFICATION_DEFAULTS,
    NotificationFrequency,
    NotificationKind,
    StaffNotification,
    StaffNotificationPreference,
    Submission,
)

# The outbox kind of an email about one event of each kind, and of a digest.
# (An outbox kind is at most 20 characters.)
NOTIFICATION_EMAIL_KINDS = {
    NotificationKind.SUBMITTED: "staff_submitted",
    NotificationKind.RESUBMITTED: "staff_resubmitted",
    NotificationKind.CHALLENGE: "staff_challenge",
    NotificationKind.EVIDENCE_ANSWERED: "staff_evidence",
    NotificationKind.ACTION_PLAN: "staff_action_plan",
}
DIGEST_EMAIL_KIND = "staff_digest"
SUMMARY_MAX = 300


def notification_default(role: str, kind: str) -> str:
    return NOTIFICATION_DEFAULTS.get(role, {}).get(kind, NotificationFrequency.NONE)


def _sees(membership: StaffMembership, submission: Submission | None) -> bool:
    """Whether the member's scope (a locality lead's localities, a
    commissioner's services: partnerships.scope) reaches the return: one
    query, for those roles alone. No event without a return is theirs."""
    scope = scope_of(membership)
    if scope.is_whole:
        return True
    if submission is None:
        return False
    return Submission.objects.filter(scope.agencies("agency__"), pk=submission.pk).exists()


def _recipients(
    *, partnership: Partnership, kind: str, exclude_user_id: int | None, submission: Submission | None = None
):
    """(membership, frequency) of each member who wants this kind and may
    see the return: one query (and one more per locality lead or
    commissioner)."""
    chosen = StaffNotificationPreference.objects.filter(membership=OuterRef("pk"), kind=kind).values(
        "frequency"
    )[:1]
    members = (
        StaffMembership.objects.filter(partnership=partnership)
        .select_related("user")
        .annotate(chosen=Subquery(chosen))
        .order_by("pk")
    )
    for membership in members:
        if exclude_user_id is not None and membership.user_id == exclude_user_id:
            continue
        if not membership.user.is_active:
            continue
        frequency = membership.chosen or notification_default(membership.role, kind)
        if frequency != NotificationFrequency.NONE and _sees(membership, submission):
            yield membership, frequency


def _return_path(submission: Submission) -> str:
    return reverse(
        "staff_return_review",
        kwargs={"partnership_slug": submission.partnership.slug, "reference": submission.reference},
    )


def staff_notification_queue(
    *,
    partnership: Partnership,
    kind: str,
    submission: Submission | None,
    event_key: str,
    summary: str,
    path: str = "",
    exclude_user_id: int | None = None,
) -> int:
    """Tell the members of `partnership` who want `kind` (a NotificationKind)
    about one event: email now those who want each one, keep it for the
    daily digest of those who want that. Call it inside the transaction that
    records the event: the emails go once it commits, and not at all if it
    rolls back.

    `event_key` names the event, the same on every retry (e.g.
    f"challenge-message:{message.pk}"); a second call with it tells no one
    again. `summary` is one line saying what happened ("Challenged the
    rating of theme 2, Safer recruitment"); `path` the staff page to open
    (the return's review page by default). `exclude_user_id`: a member who
    caused the event is not told of it. Returns how many members were told.
    """
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}")
    if submission is not None and submission.partnership_id != partnership.pk:
        raise ValueError("The return is not this partnership's")
    summary = " ".join(summary.split())[:SUMMARY_MAX]
    if not path and submission is not None:
        path = _return_path(submission)
    agency_name = submission.agency.name if submission is not None else ""
    told = 0
    for membership, frequency in _recipients(
        partnership=partnership, kind=kind, exclude_user_id=exclude_user_id, submission=submission
    ):
        notification, created = StaffNotification.objects.get_or_create(
            membership=membership,
            event_key=event_key[:150],
            defaults={
                "partnership": partnership,
                "submission": submission,
                "kind": kind,
                "frequency": frequency,
                "summary": summary,
                "path": path,
                "agency_name": agency_name,
            },
        )
        if not created:
            continue
        told += 1
        if frequency == NotificationFrequency.EACH:
            notification.email = outbound_email_queue(
                partnership=partnership,
                kind=NOTIFICATION_EMAIL_KINDS[kind],
                to_email=membership.user.email,
                to_name=membership.name,
                template="staff_notification",
                context=_context(notification, kind=kind, submission=submission),
                dedupe_key=f"staff_notification:{notification.pk}",
                submission=submission,
            )
            notification.save(update_fields=["email"])
    return told


def _context(notification: StaffNotification, *, kind: str, submission: Submission | None) -> dict:
    context = {
        "kind": kind,
        "kind_label": NotificationKind(kind).label,
        "summary": notification.summary,
        "path": notification.path,
        "agency_name": notification.agency_name,
    }
    if submission is not None:
        context.update(reference=submission.reference, cycle_title=submission.cycle.title)
    return context


# --- preferences ------------------------------------------------------------


@transaction.atomic
def staff_notification_preferences_save(
    *, membership: StaffMembership, choices: dict[str, str], actor: Actor
) -> None:
    """Save one member's choices (kind → frequency) in their partnership."""
    for kind, frequency in choices.items():
        if kind not in NotificationKind.values:
            raise DomainError("That is not a kind of notification")
        if frequency not in NotificationFrequency.values:
            raise DomainError("Select how often you want to be emailed")
    before = {p.kind: p.frequency for p in StaffNotificationPreference.objects.filter(membership=membership)}
    changed = {}
    for kind, frequency in choices.items():
        was = before.get(kind) or notification_default(membership.role, kind)
        StaffNotificationPreference.objects.update_or_create(
            membership=membership,
            kind=kind,
            defaults={"partnership_id": membership.partnership_id, "frequency": frequency},
        )
        if was != frequency:
            changed[kind] = [was, frequency]
    if changed:
        audit_event_record(
            partnership=membership.partnership,
            actor=actor,
            verb="staff.notifications_changed",
            obj=membership,
            detail={"changed": changed},
        )


# --- the daily digest -------------------------------------------------------


def digest_day(now=None) -> date:
    return timezone.localtime(now or timezone.now(), UK).date()


def staff_notification_digest_send(*, membership_id: int, now=None) -> bool:
    """Email one member today's digest of what is waiting for them, unless
    they already had one today. Exactly once: the rows are taken under a
    lock (a run waiting for it finds them taken), and the email's dedupe key
    is the member and the UK day. Returns True if this call wrote it."""
    now = now or timezone.now()
    day = digest_day(now)
    key = f"staff_digest:{membership_id}:{day.isoformat()}"
    with transaction.atomic():
        waiting = list(
            StaffNotification.objects.select_for_update()
            .filter(membership_id=membership_id, email__isnull=True, created_at__lte=now)
            .exclude(frequency=NotificationFrequency.EACH)
            .order_by("created_at", "pk")
        )
        if not waiting or OutboundEmail.objects.filter(dedupe_key=key).exists():
            # Nothing new, or today's digest went already: these wait for tomorrow's.
            return False
        membership = StaffMembership.objects.select_related("user", "partnership").get(pk=membership_id)
        items = [
            {
                "kind_label": NotificationKind(n.kind).label,
                "summary": n.summary,
                "agency_name": n.agency_name,
                "path": n.path,
                "at": n.created_at.isoformat(),
            }
            for n in waiting
        ]
        email = outbound_email_queue(
            partnership=membership.partnership,
            kind=DIGEST_EMAIL_KIND,
            to_email=membership.user.email,
            to_name=membership.name,
            template="staff_digest",
            context={"day": day.isoformat(), "items": items},
            dedupe_key=key,
        )
        StaffNotification.objects.filter(pk__in=[n.pk for n in waiting]).update(email=email)
    return True


def staff_notification_digests_send(*, now=None) -> int:
    """Run hourly by beat; from settings.S11_DIGEST_HOUR (UK time, 07:00 by
    default) each member with
    notifications waiting gets the day's digest (one transaction each).
    What arrives after today's digest waits for tomorrow's. Returns how many
    digests this run wrote."""
    now = now or timezone.now()
    if timezone.localtime(now, UK).hour < settings.S11_DIGEST_HOUR:
        return 0
    members = (
        StaffNotification.objects.filter(email__isnull=True, created_at__lte=now)
        .exclude(frequency=NotificationFrequency.EACH)
        .values_list("membership_id", flat=True)
        .distinct()
        .order_by("membership_id")
    )
    return sum(staff_notification_digest_send(membership_id=pk, now=now) for pk in list(members))


@shared_task(name="audits.staff_notification_digests", ignore_result=True)
def staff_notification_digests_task() -> None:
    staff_notification_digests_send()


__all__ = [
    "DIGEST_EMAIL_KIND",
    "NOTIFICATION_EMAIL_KINDS",
    "notification_default",
    "staff_notification_digest_send",
    "staff_notification_digests_send",
    "staff_notification_preferences_save",
    "staff_notification_queue",
]
