"""Who took a copy of return data, and when: every download of returns'
answers, ratings, plans or evidence writes one line to the audit log
through `download_record`. A download is a GET, and this line is the only
write it makes (UK GDPR accountability: the partnership can say who has
taken its agencies' data out of the service).

A download of one return's data names the return (`submission`), so it
shows on that return's history page; a cycle-wide export names the cycle in
its detail."""

from django.db import transaction

from core.audit import audit_event_record
from core.domain import Actor
from core.models import AuditEvent
from partnerships.models import Partnership

from ..models import Submission
from ..models.downloads import DOWNLOADS


@transaction.atomic
def download_record(
    *,
    partnership: Partnership,
    actor: Actor,
    what: str,
    submission: Submission | None = None,
    obj=None,
    detail: dict | None = None,
) -> AuditEvent:
    """One line on the audit log for one download. `what` is a key of
    DOWNLOADS (an unknown one is a programming error, not a user's)."""
    kind = DOWNLOADS[what]
    if submission is not None and submission.partnership_id != partnership.pk:
        raise ValueError("The return belongs to another partnership.")
    return audit_event_record(
        partnership=partnership,
        actor=actor,
        verb=kind.verb,
        submission=submission,
        obj=obj,
        detail=detail,
    )


def evidence_download_detail(evidence) -> dict:
    """What the log keeps about an evidence file taken: its name as uploaded,
    its theme, its size (the file itself may be removed later)."""
    return {"name": evidence.original_name, "theme": evidence.theme.title, "size": evidence.size}
