"""Who the emails about a return go to, and what every one of them says
about it: the one place that decides both, for the services that write
emails (submit, review, actions, links, reminders) and the agency journey's
"save and come back later".
"""

from typing import NamedTuple

from ..models import Submission


class Recipient(NamedTuple):
    name: str
    email: str


def submission_email_recipients(*, submission: Submission) -> list[Recipient]:
    """Who is told about a return: the agency's contacts (the primary one
    first) and whoever submitted it, each address once (lower-cased), by
    the name the agency gave them."""
    found: dict[str, str] = {}
    for name, email in submission.agency.contacts.order_by("-is_primary", "pk").values_list("name", "email"):
        found.setdefault(email.lower(), name)
    if submission.submitted_by_email:
        found.setdefault(submission.submitted_by_email.lower(), submission.submitted_by_name)
    return [Recipient(name, email) for email, name in found.items()]


def submission_email_context(submission: Submission, **extra) -> dict:
    """What every email about a return says about it. Stored in the outbox
    row as JSON, so dates are ISO strings (the templates' filters read
    them)."""
    return {
        "agency_name": submission.agency.name,
        "cycle_title": submission.cycle.title,
        "reference": submission.reference,
        "deadline": submission.deadline.isoformat(),
        **extra,
    }


__all__ = ["Recipient", "submission_email_context", "submission_email_recipients"]
