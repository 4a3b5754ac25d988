"""Invitations, deadline reminders and overdue notices.

Celery beat runs `reminders_due` every few minutes (CELERY_BEAT_SCHEDULE).
Each run works out, from the clock and the data alone, which emails are due
now and writes them to the outbox; it keeps no state of its own. Each email
has a key that names it:

    invitation:<cycle>:<agency>:<contact email>
    reminder:<cycle>:<agency>:<contact email>:<days before>d:<deadline, UTC>
    overdue:<cycle>:<agency>:<contact email>:<deadline, UTC>

("Send a reminder now", below, keys its emails reminder-now:… or
overdue-now:… with the moment it was pressed, and sends an agency one at
most every REMINDER_NOW_INTERVAL; deadline changes are
audits/services/deadline_notices.py.)

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
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from partnerships.models import AgencyContact

from ..models import AuditCycle, Submission, SubmissionStatus
from ..selectors.scope import cycle_participants
from .agency_emails import Wanted, agency_emails_write, base_key, email_context
from .cycles import cycle_submissions_ensure
from .emails import Recipient

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


def _wanted_for(submission: Submission, contacts, now: datetime) -> list[Wanted]:
    cycle = submission.cycle
    deadline = submission.deadline
    wanted = []
    for contact in contacts:
        base = base_key(submission, contact)
        if now < deadline:
            wanted.append(
                Wanted(
                    submission,
                    contact,
                    Kind.INVITATION,
                    f"invitation:{base}",
                    "invitation",
                    email_context(submission),
                    True,
                )
            )
            days = reminder_due(cycle=cycle, deadline=deadline, now=now)
            if days is not None:
                wanted.append(
                    Wanted(
                        submission,
                        contact,
                        Kind.REMINDER,
                        f"reminder:{base}:{days}d:{_utc_stamp(deadline)}",
                        "reminder",
                        email_context(submission, days_before=days),
                        True,
                    )
                )
        elif now < deadline + OVERDUE_WINDOW:
            wanted.append(
                Wanted(
                    submission,
                    contact,
                    Kind.OVERDUE,
                    f"overdue:{base}:{_utc_stamp(deadline)}",
                    "overdue",
                    email_context(submission),
                    False,
                )
            )
    return wanted


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
                    written = agency_emails_write(wanted)
                    for w in wanted:
                        if w.key in written:
                            counts[w.kind] += 1
    return {str(k): v for k, v in counts.items()}


# "Send a reminder now" goes to an agency at most once in this long, however
# many times, or from however many pages, staff press it.
REMINDER_NOW_INTERVAL = timedelta(minutes=10)
_NOW_KEYS = ("reminder-now:", "overdue-now:")


@dataclass
class ReminderNowResult:
    """What "send a reminder now" did, agency by agency, so the page can say
    exactly that: `sent` got a reminder (before their deadline) or an
    overdue chaser (after it: `overdue`, a subset of `sent`); `recent` were
    chased less than REMINDER_NOW_INTERVAL ago (with when), so nothing went
    again; `submitted` and `no_contacts` were not sent anything."""

    sent: list[Submission] = field(default_factory=list)
    overdue: list[Submission] = field(default_factory=list)
    recent: list[tuple[Submission, datetime]] = field(default_factory=list)
    submitted: list[Submission] = field(default_factory=list)
    no_contacts: list[Submission] = field(default_factory=list)

    @property
    def interval_minutes(self) -> int:
        return int(REMINDER_NOW_INTERVAL.total_seconds() // 60)


def _chased_recently(submission_ids: list[int], since: datetime) -> dict[int, datetime]:
    """When each of these returns was last sent a reminder now or an
    overdue chaser by staff, if since `since` (a cancelled one did not go)."""
    keys = Q()
    for prefix in _NOW_KEYS:
        keys |= Q(dedupe_key__startswith=prefix)
    rows = (
        OutboundEmail.objects.filter(submission_id__in=submission_ids, created_at__gte=since)
        .filter(keys)
        .exclude(status=OutboundEmail.Status.CANCELLED)
        .values_list("submission_id", "created_at")
    )
    last: dict[int, datetime] = {}
    for submission_id, at in rows:
        last[submission_id] = max(at, last.get(submission_id, at))
    return last


@transaction.atomic
def reminder_send_now(
    *, cycle: AuditCycle, submissions: list[Submission], actor: Actor, now: datetime | None = None
) -> ReminderNowResult:
    """ "Send a reminder now" to these agencies' contacts: a reminder with a
    link to the return before its deadline (the agency's own, if extended),
    an overdue chaser after it (asking when they can send it: the return
    can only be finished online once the deadline is extended). An agency
    reminded this way in the last REMINDER_NOW_INTERVAL is not sent
    another (a double click, two members of staff, two pages); submitted
    returns and agencies with no contact are skipped. The returns are locked
    while deciding, so two presses at once send once."""
    now = now or timezone.now()
    for submission in submissions:
        if submission.cycle_id != cycle.pk:
            raise DomainError("That return belongs to another cycle.")
    ids = [s.pk for s in submissions]
    # Locked in id order (as every other writer of several returns does), so
    # a second press waits here and then sees what the first wrote.
    locked = Submission.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    list(locked.values_list("pk", flat=True))
    fresh = {
        s.pk: s
        for s in Submission.objects.filter(pk__in=ids)
        .select_related("cycle", "agency", "partnership")
        .prefetch_related("agency__contacts")
    }
    recent = _chased_recently(ids, now - REMINDER_NOW_INTERVAL)
    result, wanted = ReminderNowResult(), []
    stamp = _utc_stamp(now)
    for original in submissions:
        submission = fresh[original.pk]
        contacts = list(submission.agency.contacts.all())
        if submission.status == SubmissionStatus.SUBMITTED:
            result.submitted.append(submission)
            continue
        if not contacts:
            result.no_contacts.append(submission)
            continue
        if submission.pk in recent:
            result.recent.append((submission, recent[submission.pk]))
            continue
        overdue = now >= submission.deadline
        for contact in contacts:
            base = base_key(submission, contact)
            if overdue:
                wanted.append(
                    Wanted(
                        submission,
                        contact,
                        Kind.OVERDUE,
                        f"overdue-now:{base}:{stamp}",
                        "overdue_chaser",
                        email_context(submission, sent_by_staff=True),
                        False,
                    )
                )
            else:
                wanted.append(
                    Wanted(
                        submission,
                        contact,
                        Kind.REMINDER,
                        f"reminder-now:{base}:{stamp}",
                        "reminder",
                        email_context(submission, sent_by_staff=True),
                        True,
                    )
                )
        result.sent.append(submission)
        if overdue:
            result.overdue.append(submission)
    agency_emails_write(wanted)
    for submission in result.sent:
        audit_event_record(
            partnership=cycle.partnership,
            actor=actor,
            verb="reminder.sent_now",
            submission=submission,
            obj=submission,
            detail={
                "to": [c.email for c in submission.agency.contacts.all()],
                "overdue": submission in result.overdue,
            },
        )
    return result


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
    written = agency_emails_write(
        [
            Wanted(
                submission,
                contact,
                Kind.INVITATION,
                f"invitation:{base_key(submission, contact)}:resend:{token}",
                "invitation",
                email_context(submission, resent=True),
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
    "REMINDER_NOW_INTERVAL",
    "ReminderNowResult",
    "invitation_resend",
    "reminder_due",
    "reminder_schedule",
    "reminder_send_now",
    "reminders_due",
]
