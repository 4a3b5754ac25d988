"""Evidence requests without unlocking the return (audits.models.
evidence_requests).

- `evidence_request_create`: a reviewer asks for specific evidence on
  specific themes by a due date; the agency's contacts are emailed a link.
- `evaluation_confirm_with_request`: confirming an outcome of "Further
  evidence requested" and asking for the evidence in one step.
- `supplementary_evidence_add`: the agency sends a file or a link for one of
  the themes asked about. The return stays locked: its answers, ratings and
  evidence are not touched (and the database would refuse it).
- `evidence_request_reminders_due`: Celery beat's run; emails each
  unanswered request's contacts 7, 2 and 1 days before the due date, once
  each (the outbox keeps one row a key), and never after it is answered.

Each write adds a version of the submitted PDF listing what came later.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from themes.models import Theme

from .. import policy
from ..models import (
    EvidenceRequest,
    NotificationKind,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    SupplementaryEvidence,
)
from .emails import submission_email_context, submission_email_recipients
from .evidence_files import evidence_file_inspect, evidence_file_name
from .links import resume_link_create
from .notifications import staff_notification_queue
from .pdf import submission_pdf_later_record
from .review import review_evaluation_confirm

WHAT_MAX = 5000
NOTE_MAX = 2000
TITLE_MAX = 300
DUE_WITHIN_DAYS = 366
REMINDER_DAYS = (7, 2, 1)
REQUEST_KIND = "evidence_request"
REMINDER_KIND = "evidence_reminder"


@dataclass(frozen=True)
class EvidenceRequestData:
    themes: list[Theme]
    what: str
    due_on: date | None


def evidence_request_problems(*, submission: Submission, data: EvidenceRequestData, today=None) -> dict:
    """What is wrong with a request ({field: message}, empty if nothing):
    the form and the service both ask."""
    today = today or timezone.localdate()
    problems = {}
    if not data.themes:
        problems["themes"] = "Select the themes you want evidence for"
    elif any(t.question_set_id != submission.question_set_id for t in data.themes):
        problems["themes"] = "Select themes of this return only"
    what = (data.what or "").strip()
    if not what:
        problems["what"] = "Enter what evidence you want the agency to send"
    elif len(what) > WHAT_MAX:
        problems["what"] = f"What you ask for must be {WHAT_MAX} characters or fewer"
    if data.due_on is None:
        problems["due_on"] = "Enter the date the evidence is due"
    elif data.due_on <= today:
        problems["due_on"] = "The due date must be in the future"
    elif data.due_on > today + timedelta(days=DUE_WITHIN_DAYS):
        problems["due_on"] = "The due date must be within a year"
    return problems


class FieldError(DomainError):
    """A refusal about one field of the form (form_post puts it there)."""

    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


class EvidenceRequestError(DomainError):
    def __init__(self, problems: dict):
        self.problems = problems
        self.field = next(iter(problems))
        super().__init__(problems[self.field])


def _lock(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("partnership", "agency", "cycle")
        .get(pk=submission.pk)
    )


def _email_agency(*, submission, request, kind, template, dedupe, recipients=None, **extra) -> list[str]:
    context = submission_email_context(
        submission,
        request_id=request.pk,
        what=request.what,
        due_on=request.due_on.isoformat(),
        themes=[t.title for t in sorted(request.themes.all(), key=lambda t: t.order)],
        **extra,
    )
    sent = []
    if recipients is None:
        recipients = submission_email_recipients(submission=submission)
    for name, email in recipients:
        link, _ = resume_link_create(submission=submission, name=name, email=email)
        outbound_email_queue(
            partnership=submission.partnership,
            kind=kind,
            to_email=email,
            to_name=name,
            template=template,
            context=context,
            dedupe_key=f"{dedupe}:{email}",
            submission=submission,
            resume_link=link,
        )
        sent.append(email)
    return sent


def _create(*, submission: Submission, data: EvidenceRequestData, actor: Actor) -> EvidenceRequest:
    policy.may_request_evidence(submission).refuse()
    problems = evidence_request_problems(submission=submission, data=data)
    if problems:
        raise EvidenceRequestError(problems)
    request = EvidenceRequest.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        what=data.what.strip(),
        due_on=data.due_on,
        requested_at=timezone.now(),
        requested_by=actor.user,
        requested_by_name=actor.name,
    )
    request.themes.set(data.themes)
    emailed = _email_agency(
        submission=submission,
        request=request,
        kind=REQUEST_KIND,
        template="evidence_request",
        dedupe=f"evidence-request:{request.pk}",
        requested_by_name=actor.name,
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="evidence.requested",
        submission=submission,
        obj=request,
        detail={
            "themes": [t.title for t in data.themes],
            "what": request.what,
            "due_on": request.due_on.isoformat(),
            "emailed": emailed,
        },
    )
    submission_pdf_later_record(submission=submission, actor=actor)
    return request


@transaction.atomic
def evidence_request_create(
    *, submission: Submission, data: EvidenceRequestData, actor: Actor
) -> EvidenceRequest:
    """Ask the agency for specific evidence on specific themes by a date.
    The return stays locked; the agency answers with supplementary evidence."""
    return _create(submission=_lock(submission), data=data, actor=actor)


@transaction.atomic
def evaluation_confirm_with_request(
    *,
    submission: Submission,
    actor: Actor,
    request: EvidenceRequestData | None = None,
    expected_version: int | None = None,
    expected_moderations: str | None = None,
) -> SubmissionReview:
    """Confirm the evaluation and, for an outcome of "Further evidence
    requested", ask for the evidence in the same step: both or neither."""
    submission = _lock(submission)
    review = SubmissionReview.objects.filter(submission=submission).first()
    if request is not None:
        if review is None or review.outcome != ReviewOutcome.FURTHER_EVIDENCE:
            raise DomainError("Ask for evidence with an outcome of Further evidence requested")
        if review.is_confirmed:
            raise DomainError(policy.CONFIRMED)
        problems = evidence_request_problems(submission=submission, data=request)
        if problems:
            raise EvidenceRequestError(problems)
    review = review_evaluation_confirm(
        submission=submission,
        actor=actor,
        expected_version=expected_version,
        expected_moderations=expected_moderations,
    )
    if request is not None:
        _create(submission=submission, data=request, actor=actor)
    return review


def _store_file(*, submission, request, theme, upload, actor, now) -> SupplementaryEvidence:
    file_type = evidence_file_inspect(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    item = SupplementaryEvidence(
        partnership_id=submission.partnership_id,
        submission=submission,
        request=request,
        theme=theme,
        kind=SupplementaryEvidence.Kind.FILE,
        token=secrets.token_hex(16),
        original_name=evidence_file_name(upload.name, file_type),
        content_type=file_type.mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        added_by_name=actor.name,
        added_by_email=actor.email,
        created_at=now,
    )
    item.file.save(f"{item.token}.{file_type.extension}", ContentFile(upload.read()), save=False)
    return item


@transaction.atomic
def supplementary_evidence_add(
    *,
    request: EvidenceRequest,
    theme: Theme,
    actor: Actor,
    upload=None,
    url: str = "",
    title: str = "",
    note: str = "",
) -> SupplementaryEvidence:
    """The agency's answer to a request: one file or one link for one of the
    themes asked about, with an optional note. It is on the record at once
    (and in a new version of the submitted PDF); the request counts as
    answered from the first one."""
    submission = _lock(request.submission)
    request = EvidenceRequest.objects.select_for_update(of=("self",)).get(pk=request.pk)
    policy.may_answer_evidence_request(submission).refuse()
    if theme.pk not in {t.pk for t in request.themes.all()}:
        raise FieldError("Select one of the themes the partnership asked about", "theme")
    url, title, note = (url or "").strip(), (title or "").strip(), (note or "").strip()
    if (upload is None) == (not url):
        raise FieldError("Choose a file or enter a link, not both", "evidence_file")
    if len(note) > NOTE_MAX:
        raise FieldError(f"The note must be {NOTE_MAX} characters or fewer", "note")
    now = timezone.now()
    if upload is not None:
        item = _store_file(
            submission=submission, request=request, theme=theme, upload=upload, actor=actor, now=now
        )
    else:
        item = SupplementaryEvidence(
            partnership_id=submission.partnership_id,
            submission=submission,
            request=request,
            theme=theme,
            kind=SupplementaryEvidence.Kind.LINK,
            token=secrets.token_hex(16),
            url=url,
            title=title[:TITLE_MAX],
            added_by_name=actor.name,
            added_by_email=actor.email,
            created_at=now,
        )
    item.note = note
    item.save()
    first = request.answered_at is None
    if first:
        request.answered_at = now
        request.save(update_fields=["answered_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="evidence.supplementary_added",
        submission=submission,
        obj=item,
        detail={
            "request": request.pk,
            "theme": theme.title,
            "evidence": str(item),
            "sha256": item.sha256,
            "note": note,
        },
    )
    # Staff who want to hear of answers to evidence requests: each piece
    # of evidence sent is one event.
    staff_notification_queue(
        partnership=submission.partnership,
        kind=NotificationKind.EVIDENCE_ANSWERED,
        submission=submission,
        event_key=f"supplementary-evidence:{item.pk}",
        summary=f"Sent {item} for {theme.title}, answering the request due {request.due_on:%-d %B %Y}",
    )
    submission_pdf_later_record(submission=submission, actor=actor)
    return item


# --- reminders ------------------------------------------------------------------


def reminder_due_days(*, due_on: date, today: date) -> int | None:
    """The reminder due today (days before the due date), or None: the
    latest whose day has come, so a run that missed a day still sends one
    and never a burst of stale ones."""
    days_left = (due_on - today).days
    if days_left < min(REMINDER_DAYS):
        return None
    due = [d for d in REMINDER_DAYS if d >= days_left]
    return min(due) if due else None


def evidence_request_reminders_due(*, now=None) -> int:
    """Write the reminders due now to the outbox; returns how many were
    written. Each is keyed on the request, its reminder and the contact, so
    a repeated run, or two at once, writes each once (the request's row is
    locked while its reminders are written)."""
    today = timezone.localdate(now or timezone.now())
    horizon = today + timedelta(days=max(REMINDER_DAYS))
    ids = list(
        EvidenceRequest.objects.filter(
            answered_at__isnull=True,
            submission__status=SubmissionStatus.SUBMITTED,
            due_on__gt=today,
            due_on__lte=horizon,
        ).values_list("pk", flat=True)
    )
    written = 0
    for pk in ids:
        with transaction.atomic():
            request = (
                EvidenceRequest.objects.select_for_update(of=("self",))
                .select_related("submission__partnership", "submission__agency", "submission__cycle")
                .prefetch_related("themes")
                .get(pk=pk)
            )
            days = reminder_due_days(due_on=request.due_on, today=today)
            if request.is_answered or days is None:
                continue
            submission = request.submission
            dedupe = f"evidence-reminder:{request.pk}:{days}d:{request.due_on.isoformat()}"
            everyone = submission_email_recipients(submission=submission)
            written_before = set(
                OutboundEmail.objects.filter(
                    dedupe_key__in=[f"{dedupe}:{email}" for _, email in everyone]
                ).values_list("dedupe_key", flat=True)
            )
            wanted = [r for r in everyone if f"{dedupe}:{r.email}" not in written_before]
            if not wanted:
                continue
            written += len(
                _email_agency(
                    submission=submission,
                    request=request,
                    kind=REMINDER_KIND,
                    template="evidence_reminder",
                    dedupe=dedupe,
                    recipients=wanted,
                    days_left=days,
                )
            )
    return written
