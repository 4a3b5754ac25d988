"""Telling agencies that their deadline moved.

When the cycle's deadline is extended, or one agency's, the contacts of
every return not yet submitted whose deadline changed get a "deadline
changed" email, with a fresh link to the return. What a contact needs is to
know the deadline as it now stands, once:

- Only a contact who has been told a deadline (an invitation, reminder,
  overdue notice or an earlier change was sent to them) is told it moved;
  an invitation still waiting to go says the new date instead.
- The notice waits S11_DEADLINE_NOTICE_DELAY_SECONDS (10 minutes) before it
  goes. Moved again meanwhile, the waiting notice is cancelled and replaced;
  moved back to the date the contact was last told, nothing goes at all.
- Its dedupe key names the new deadline and the last email the contact was
  sent, so the same change written twice (a double click, two admins) is one
  email, while a contact who was told the new date and then it changed back
  is told again: they would otherwise believe the wrong date.
- The outbox cancels a notice whose deadline moved again, or whose return
  was submitted, before it went (audits/emails.py).
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone

from core.models import OutboundEmail
from partnerships.models import AgencyContact

from ..models import Submission, SubmissionStatus
from .agency_emails import Wanted, agency_emails_write, base_key, email_context

Kind = OutboundEmail.Kind
Status = OutboundEmail.Status

# The emails that tell a contact a deadline (their context's "deadline").
TELLS_DEADLINE = (Kind.INVITATION, Kind.REMINDER, Kind.OVERDUE, Kind.DEADLINE_CHANGED)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _same(iso: str | None, moment: datetime) -> bool:
    return bool(iso) and datetime.fromisoformat(iso) == moment


def deadline_notices_write(*, submission_ids: list[int], now: datetime | None = None) -> int:
    """Write (in the caller's transaction) a "deadline changed" email to each
    contact of these returns who needs one, per the rules above; bring
    waiting invitations and notices up to date. Returns how many were
    written."""
    now = now or timezone.now()
    submissions = list(
        Submission.objects.filter(pk__in=submission_ids)
        .exclude(status=SubmissionStatus.SUBMITTED)
        .select_related("cycle", "agency", "partnership")
        .order_by("pk")
    )
    if not submissions:
        return 0
    ids = [s.pk for s in submissions]
    deadline = {s.pk: s.deadline for s in submissions}

    waiting = list(
        OutboundEmail.objects.filter(
            submission_id__in=ids, kind__in=(Kind.INVITATION, Kind.DEADLINE_CHANGED), status=Status.PENDING
        ).only("pk", "submission_id", "kind", "to_email", "context")
    )
    # A waiting invitation says the deadline as it now is.
    invitations = [e for e in waiting if e.kind == Kind.INVITATION]
    for email in invitations:
        email.context = {**email.context, "deadline": deadline[email.submission_id].isoformat()}
    OutboundEmail.objects.bulk_update(invitations, ["context"], batch_size=500)
    # A waiting notice of another date is replaced; one of this date stands.
    standing, superseded = set(), []
    for email in waiting:
        if email.kind != Kind.DEADLINE_CHANGED:
            continue
        if _same(email.context.get("deadline"), deadline[email.submission_id]):
            standing.add((email.submission_id, email.to_email.lower()))
        else:
            superseded.append(email.pk)
    OutboundEmail.objects.filter(pk__in=superseded, status=Status.PENDING).update(
        status=Status.CANCELLED,
        last_error="The deadline moved again before this email was sent.",
        lease_until=None,
    )

    # What each contact was last told, and by which email.
    told: dict[tuple[int, str], tuple[str, int]] = {}
    for submission_id, to_email, told_deadline, pk in (
        OutboundEmail.objects.filter(submission_id__in=ids, kind__in=TELLS_DEADLINE, status=Status.SENT)
        .order_by("sent_at", "pk")
        .values_list("submission_id", "to_email", "context__deadline", "pk")
    ):
        told[(submission_id, to_email.lower())] = (told_deadline, pk)

    contacts: dict[int, list[AgencyContact]] = defaultdict(list)
    agency_ids = {s.agency_id for s in submissions}
    for contact in AgencyContact.objects.filter(agency_id__in=agency_ids).order_by("pk"):
        contacts[contact.agency_id].append(contact)

    send_at = now + timedelta(seconds=settings.S11_DEADLINE_NOTICE_DELAY_SECONDS)
    wanted = []
    for submission in submissions:
        new = deadline[submission.pk]
        for contact in contacts[submission.agency_id]:
            key = (submission.pk, contact.email.lower())
            if key in standing or key not in told:
                continue
            was, last_pk = told[key]
            if _same(was, new):
                continue  # moved back to what they were told: nothing to say
            wanted.append(
                Wanted(
                    submission,
                    contact,
                    Kind.DEADLINE_CHANGED,
                    f"deadline-changed:{base_key(submission, contact)}:{_stamp(new)}:after-{last_pk}",
                    "deadline_changed",
                    email_context(submission, previous_deadline=was or ""),
                    True,
                    not_before=send_at,
                )
            )
    return len(agency_emails_write(wanted))


__all__ = ["deadline_notices_write"]
