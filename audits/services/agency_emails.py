"""Writing emails to an agency's contacts about its return (invitations,
reminders, overdue notices, deadline changes) to the outbox: each with its
dedupe key and, where it carries one, a fresh resume link. Shared by the
reminders run, "send a reminder now" and the deadline extensions."""

from dataclasses import dataclass
from datetime import datetime

from core.models import OutboundEmail
from core.outbox import outbound_email_queue_many
from partnerships.models import AgencyContact

from ..models import ResumeLink, Submission
from .emails import Recipient, submission_email_context
from .links import link_expiry


@dataclass(frozen=True)
class Wanted:
    submission: Submission
    contact: AgencyContact | Recipient
    kind: str
    key: str
    template: str
    context: dict
    with_link: bool
    not_before: datetime | None = None  # None: send now


def email_context(submission: Submission, **extra) -> dict:
    return submission_email_context(
        submission,
        opens_at=submission.cycle.opens_at.isoformat(),
        carried_forward=submission.carried_from_id is not None,
        **extra,
    )


def base_key(submission: Submission, contact: AgencyContact) -> str:
    return f"{submission.cycle_id}:{submission.agency_id}:{contact.email.lower()}"


def agency_emails_write(wanted: list[Wanted]) -> set[str]:
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
            not_before=w.not_before,
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


__all__ = ["Wanted", "agency_emails_write", "base_key", "email_context"]
