"""Invitations, deadline reminders and overdue notices.

Celery beat runs `reminders_due` every few minutes (CELERY_BEAT_SCHEDULE).
Each run works out, from the clock and the data alone, which emails are due
now and writes them to the outbox; it keeps no state of its own. Each email
has a key that names it:

    invitation:<cycle>:<agency>:<contact email>
    reminder:<cycle>:<agency>:<contact email>:<days before>d:<deadline, UTC>
    overdue:<cycle>:<agency>:<contact email>:<deadline, UTC>

and the outbox keeps one row per key, so a run repeated, or two runs at
once, write each email once. Moving a deadline (for the cycle or for one
agency) gives new keys; the unsent emails keyed on the old deadline are
cancelled by the extension (audits/services/cycles.py), and the outbox
cancels at send time any deadline email whose return has been submitted or
whose deadline has moved since it was written.

Times are UK wall-clock times: "7 days before 5pm on Friday 3 April" is 5pm
on Friday 27 March, whether or not the clocks changed in between.
"""

import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue_many
from partnerships.models import AgencyContact

from ..models import AuditCycle, ResumeLink, Submission, SubmissionStatus
from ..selectors.scope import cycle_participants
from .cycles import cycle_submissions_ensure
from .emails import Recipient, submission_email_context
from .links import link_expiry

# How long after a deadline an agency that has not submitted is still sent
# its overdue notice (a run that was down for a day still sends it; a cycle
# set up long after it closed does not email anyone).
OVERDUE_WINDOW = timedelta(days=7)
OPEN_STATUSES = (SubmissionStatus.NOT_STARTED, SubmissionStatus.IN_PROGRESS, SubmissionStatus.RETURNED)
BATCH = 500
# pg_advisory_lock keys of reminder runs: this plus the cycle's id.
ADVISORY_LOCK_BASE = 0x5311_0000_0000

Kind = OutboundEmail.Kind


def _utc_stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def reminder_schedule(*, cycle: AuditCycle, deadline: datetime) -> list[tuple[int, datetime]]:
    """(days before, when) for each reminder of this deadline, earliest
    first, in UK wall-clock time."""
    local = timezone.localtime(deadline)
    # Aware arithmetic with a zoneinfo zone keeps the wall-clock time: 5pm
    # stays 5pm across a clock change, and the UTC offset follows the date.
    return [(days, local - timedelta(days=days)) for days in sorted(set(cycle.reminder_days), reverse=True)]


def reminder_due(*, cycle: AuditCycle, deadline: datetime, now: datetime) -> int | None:
    """The reminder that is due now (days before the deadline), or None.

    Only the latest reminder whose time has passed is due: a run that missed
    one (beat was down, the deadline moved) does not send a burst of stale
    ones. Reminders whose time fell before the cycle opened are not sent."""
    if now >= deadline:
        return None
    due = [(at, days) for days, at in reminder_schedule(cycle=cycle, deadline=deadline) if at <= now]
    due = [(at, days) for at, days in due if at > cycle.opens_at]
    return max(due)[1] if due else None


@dataclass(frozen=True)
class _Wanted:
    submission: Submission
    contact: AgencyContact | Recipient
    kind: str
    key: str
    template: str
    context: dict
    with_link: bool


def _context(submission: Submission, **extra) -> dict:
    return submission_email_context(
        submission,
        opens_at=submission.cycle.opens_at.isoformat(),
        carried_forward=submission.carried_from_id is not None,
        **extra,
    )


def _base_key(submission: Submission, contact: AgencyContact) -> str:
    return f"{submission.cycle_id}:{submission.agency_id}:{contact.email.lower()}"


def _wanted_for(submission: Submission, contacts, now: datetime) -> list[_Wanted]:
    cycle = submission.cycle
    deadline = submission.deadline
    wanted = []
    for contact in contacts:
        base = _base_key(submission, contact)
        if now < deadline:
            wanted.append(
                _Wanted(
                    submission,
                    contact,
                    Kind.INVITATION,
                    f"invitation:{base}",
                    "invitation",
                    _context(submission),
                    True,
                )
            )
            days = reminder_due(cycle=cycle, deadline=deadline, now=now)
            if days is not None:
                wanted.append(
                    _Wanted(
                        submission,
                        contact,
                        Kind.REMINDER,
                        f"reminder:{base}:{days}d:{_utc_stamp(deadline)}",
                        "reminder",
                        _context(submission, days_before=days),
                        True,
                    )
                )
        elif now < deadline + OVERDUE_WINDOW:
            wanted.append(
                _Wanted(
                    submission,
                    contact,
                    Kind.OVERDUE,
                    f"overdue:{base}:{_utc_stamp(deadline)}",
                    "overdue",
                    _context(submission),
                    False,
                )
            )
    return wanted


def _write(wanted: list[_Wanted]) -> set[str]:
    """Write the wanted emails that have no outbox row yet, each with a fresh
    resume link where it carries one. Returns the keys written."""
    existing = set(
        OutboundEmail.objects.filter(dedupe_key__in=[w.key for w in wanted]).values_list(
            "dedupe_key", flat=True
        )
    )
    new = [w for w in wanted if w.key not in existing]
    if not new:
        return set()
    links = {}
    needing = [w for w in new if w.with_link]
    if needing:
        created = ResumeLink.objects.bulk_create(
            [
                ResumeLink(
                    partnership_id=w.submission.partnership_id,
                    submission=w.submission,
                    name=w.contact.name,
                    email=w.contact.email.lower(),
                    expires_at=link_expiry(w.submission),
                )
                for w in needing
            ]
        )
        links = {w.key: link for w, link in zip(needing, created, strict=True)}
    rows = [
        OutboundEmail(
            partnership_id=w.submission.partnership_id,
            submission=w.submission,
            resume_link=links.get(w.key),
            kind=w.kind,
            dedupe_key=w.key,
            to_name=w.contact.name,
            to_email=w.contact.email,
            template=w.template,
            context=w.context,
        )
        for w in new
    ]
    written = outbound_email_queue_many(emails=rows)
    # Another run wrote some of these first: drop the links we made for them
    # (they never had a token, so nobody could have used them).
    lost = [link.pk for key, link in links.items() if key not in written]
    if lost:
        ResumeLink.objects.filter(pk__in=lost, token_hash__isnull=True).delete()
    return written


def _open_submissions(now: datetime, cycle: AuditCycle):
    """The cycle's returns, of agencies taking part, not yet submitted."""
    horizon = now - OVERDUE_WINDOW
    return (
        Submission.objects.filter(
            cycle=cycle,
            status__in=OPEN_STATUSES,
            agency__in=cycle_participants(cycle=cycle).values("pk"),
        )
        .filter(Q(cycle__closes_at__gt=horizon) | Q(extended_until__gt=horizon))
        .select_related("cycle", "agency")
        .order_by("pk")
    )


def _contacts_of(submissions: list[Submission]) -> dict[int, list[Recipient]]:
    """Each agency's contacts, in one query for the batch (as plain tuples:
    a model instance and a related manager each would cost more than the
    rest of the batch's work at 10,000 agencies)."""
    contacts: dict[int, list[Recipient]] = {s.agency_id: [] for s in submissions}
    for agency_id, name, email in (
        AgencyContact.objects.filter(agency_id__in=list(contacts))
        .order_by("pk")
        .values_list("agency_id", "name", "email")
    ):
        contacts[agency_id].append(Recipient(name, email))
    return contacts


@contextmanager
def _cycle_run(cycle: AuditCycle):
    """Whether this run should do the cycle: on PostgreSQL a second run
    while another is doing the same cycle (beat's task delivered twice, or
    two beats) skips it, rather than doing all the work again to find every
    row already written. A crashed run's session ends and frees the lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = ADVISORY_LOCK_BASE + cycle.pk
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def _cycles_in_play(now: datetime):
    horizon = now - OVERDUE_WINDOW
    return (
        AuditCycle.objects.filter(opens_at__lte=now)
        .filter(Q(closes_at__gt=horizon) | Q(submissions__extended_until__gt=horizon))
        .distinct()
        .order_by("pk")
    )


def reminders_due(*, now: datetime | None = None, cycle: AuditCycle | None = None) -> dict[str, int]:
    """Write every invitation, reminder and overdue notice that is due now
    and not yet written. Returns how many of each kind were written.

    An open cycle first gets a return for every agency taking part. Each
    batch of returns is then its own transaction, so a large partnership
    does not hold one long transaction, and a crash part-way loses nothing:
    the next run writes what this one did not."""
    now = now or timezone.now()
    counts = {Kind.INVITATION: 0, Kind.REMINDER: 0, Kind.OVERDUE: 0}
    cycles = [cycle] if cycle is not None else list(_cycles_in_play(now))
    for each in cycles:
        if each.opens_at > now:
            continue
        with _cycle_run(each) as ours:
            if not ours:
                continue
            if now < each.closes_at:
                cycle_submissions_ensure(cycle=each)
            ids = list(_open_submissions(now, each).values_list("pk", flat=True))
            for start in range(0, len(ids), BATCH):
                with transaction.atomic():
                    submissions = list(_open_submissions(now, each).filter(pk__in=ids[start : start + BATCH]))
                    contacts = _contacts_of(submissions)
                    wanted = [w for s in submissions for w in _wanted_for(s, contacts[s.agency_id], now)]
                    written = _write(wanted)
                    for w in wanted:
                        if w.key in written:
                            counts[w.kind] += 1
    return {str(k): v for k, v in counts.items()}


class NothingToRemindError(DomainError):
    pass


@transaction.atomic
def reminder_send_now(
    *, cycle: AuditCycle, submissions: list[Submission], actor: Actor, now: datetime | None = None
) -> tuple[list[Submission], list[Submission]]:
    """ "Send a reminder now" to these agencies' contacts. Returns (reminded,
    skipped): returns already submitted, or agencies with no contact, are
    skipped. Pressing the button twice in the same minute sends once."""
    now = now or timezone.now()
    reminded, skipped, wanted = [], [], []
    minute = now.astimezone(UTC).strftime("%Y%m%dT%H%M")
    for submission in submissions:
        if submission.cycle_id != cycle.pk:
            raise DomainError("That return belongs to another cycle.")
        contacts = list(submission.agency.contacts.all())
        if submission.status == SubmissionStatus.SUBMITTED or not contacts or now >= submission.deadline:
            skipped.append(submission)
            continue
        for contact in contacts:
            wanted.append(
                _Wanted(
                    submission,
                    contact,
                    Kind.REMINDER,
                    f"reminder-now:{_base_key(submission, contact)}:{minute}",
                    "reminder",
                    _context(submission, sent_by_staff=True),
                    True,
                )
            )
        reminded.append(submission)
    if not reminded:
        raise NothingToRemindError(
            "None of the agencies you chose can be reminded: they have submitted, are past their "
            "deadline, or have no contacts."
        )
    _write(wanted)
    for submission in reminded:
        audit_event_record(
            partnership=cycle.partnership,
            actor=actor,
            verb="reminder.sent_now",
            submission=submission,
            obj=submission,
            detail={"to": [c.email for c in submission.agency.contacts.all()]},
        )
    return reminded, skipped


@transaction.atomic
def invitation_resend(*, submission: Submission, actor: Actor) -> int:
    """Send the invitation again to each of the agency's contacts, with a
    fresh link. Returns how many emails were queued."""
    if submission.status == SubmissionStatus.SUBMITTED:
        raise DomainError("This return has been submitted, so there is nothing to invite the agency to.")
    if timezone.now() >= submission.deadline:
        raise DomainError("The deadline has passed. Extend it for this agency first.")
    contacts = list(submission.agency.contacts.all())
    if not contacts:
        raise DomainError("This agency has no contacts to invite. Add one first.")
    token = uuid.uuid4().hex[:12]
    written = _write(
        [
            _Wanted(
                submission,
                contact,
                Kind.INVITATION,
                f"invitation:{_base_key(submission, contact)}:resend:{token}",
                "invitation",
                _context(submission, resent=True),
                True,
            )
            for contact in contacts
        ]
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="invitation.resent",
        submission=submission,
        obj=submission,
        detail={"to": [c.email for c in contacts]},
    )
    return len(written)


__all__ = [
    "NothingToRemindError",
    "invitation_resend",
    "reminder_due",
    "reminder_schedule",
    "reminder_send_now",
    "reminders_due",
]
