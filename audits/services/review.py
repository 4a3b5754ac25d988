"""The partnership's review of submitted returns: moderating themes, the
evaluation outcome confirmed to the agency, returning a return for changes,
and recording assurance and scrutiny meetings.

Every service locks the submission row first (SELECT … FOR UPDATE), so a
confirmation and a return for changes of the same return cannot cross.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db import transaction
from django.utils import timezone

from core.audit import audit_event_record
from core.dates import UK
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue
from partnerships.models import Partnership
from themes.models import Theme

from .. import policy
from ..models import (
    AuditCycle,
    MeetingAction,
    Rag,
    ReturnForChanges,
    ReviewMeeting,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
    ThemeResponse,
)
from .emails import submission_email_context, submission_email_recipients
from .links import resume_link_create

COMMENT_MAX = 5000
REASON_MAX = 5000


class NotUnderReviewError(DomainError):
    """The return is not submitted (or is with the agency for changes)."""


class EvaluationConfirmedError(DomainError):
    """The evaluation has been confirmed to the agency."""


class StaleReviewError(DomainError):
    """Someone else saved this (a theme's moderation, or the outcome) after
    the form was opened: nothing is written. `current` is what they saved
    (None if it has since gone)."""

    def __init__(self, current, what: str):
        self.current = current
        self.what = what
        who = getattr(current, "updated_by_name", "") or "Someone else"
        super().__init__(f"{who} {what} after you opened this page.")


def _check_version(current, expected_version: int | None, what: str) -> None:
    # None: a caller that did not show the saved state first (a script or
    # a test), so there is nothing it could have overwritten unseen.
    if expected_version is None:
        return
    if (current.version if current is not None else 0) != expected_version:
        raise StaleReviewError(current, what)


def _lock(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update(of=("self",))
        .select_related("partnership", "agency", "cycle")
        .get(pk=submission.pk)
    )


def _review_for_update(submission: Submission) -> SubmissionReview:
    review, _ = SubmissionReview.objects.select_for_update().get_or_create(
        submission=submission, defaults={"partnership_id": submission.partnership_id}
    )
    return review


def _under_review(submission: Submission) -> SubmissionReview:
    """The locked submission's review, refused unless audits/policy.py's
    may_review allows it: a submitted return whose evaluation is not yet
    confirmed."""
    policy.may_review(submission, review=None).refuse(NotUnderReviewError)
    review = _review_for_update(submission)
    policy.may_review(submission, review).refuse(EvaluationConfirmedError)
    return review


def _clean_text(value: str, *, limit: int, what: str) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise DomainError(f"{what} must be {limit} characters or fewer")
    return value


# --- moderation -------------------------------------------------------------


@transaction.atomic
def theme_moderation_save(
    *,
    submission: Submission,
    theme: Theme,
    rag: str,
    comment: str,
    actor: Actor,
    expected_version: int | None = None,
) -> ThemeModeration:
    """The partnership's RAG for one theme, beside the agency's own.

    `expected_version` is the moderation's version when the form was opened
    (0 if there was none); if another reviewer saved it since, StaleReviewError
    is raised and nothing is written."""
    submission = _lock(submission)
    _under_review(submission)
    if theme.question_set_id != submission.question_set_id:
        raise DomainError("That theme is not part of this return.")
    if rag not in Rag.values:
        raise DomainError("Select a moderated RAG rating")
    comment = _clean_text(comment, limit=COMMENT_MAX, what="The comment")
    # Under the submission's row lock, so two saves of this theme are in turn.
    before = ThemeModeration.objects.filter(submission=submission, theme=theme).first()
    _check_version(before, expected_version, "moderated this theme")
    moderation, _ = ThemeModeration.objects.update_or_create(
        submission=submission,
        theme=theme,
        defaults={
            "partnership_id": submission.partnership_id,
            "rag": rag,
            "comment": comment,
            "updated_by": actor.user,
            "updated_by_name": actor.name,
            "version": (before.version if before else 0) + 1,
        },
    )
    self_rating = (
        ThemeResponse.objects.filter(submission=submission, theme=theme).values_list("rag", flat=True).first()
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="review.moderated",
        submission=submission,
        obj=moderation,
        detail={
            "theme": theme.title,
            "rag": rag,
            "rag_before": before.rag if before else "",
            "self_rating": self_rating or "",
            "comment_changed": (before.comment if before else "") != comment,
        },
    )
    return moderation


# --- the evaluation ---------------------------------------------------------


@transaction.atomic
def review_outcome_save(
    *,
    submission: Submission,
    outcome: str,
    message: str,
    actor: Actor,
    expected_version: int | None = None,
) -> SubmissionReview:
    """The outcome and the message to the agency, as a draft: nothing is
    sent until the evaluation is confirmed. `expected_version` as for
    theme_moderation_save: a stale form is refused with StaleReviewError."""
    submission = _lock(submission)
    review = _under_review(submission)
    _check_version(review, expected_version, "saved the outcome")
    if outcome not in ReviewOutcome.values:
        raise DomainError("Select the outcome of the evaluation")
    message = _clean_text(message, limit=COMMENT_MAX, what="The message")
    if not message:
        raise DomainError("Enter a message to the agency")
    review.outcome = outcome
    review.message = message
    review.version += 1
    review.updated_by_name = actor.name
    review.save(update_fields=["outcome", "message", "version", "updated_by_name", "updated_at"])
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="review.outcome_saved",
        submission=submission,
        obj=review,
        detail={"outcome": outcome},
    )
    return review


def moderations_state(moderations) -> str:
    """The moderations of a return as a confirm page showed them (each
    theme's moderation version), to tell whether any changed since."""
    return ",".join(f"{m.theme_id}.{m.version}" for m in sorted(moderations, key=lambda m: m.theme_id))


@transaction.atomic
def review_evaluation_confirm(
    *,
    submission: Submission,
    actor: Actor,
    expected_version: int | None = None,
    expected_moderations: str | None = None,
) -> SubmissionReview:
    """Confirm the evaluation: record it and email the outcome to the agency.
    The return then counts as evaluated. Confirming twice has the effect of
    confirming once.

    `expected_version` (the evaluation's version) and `expected_moderations`
    (moderations_state of what the page showed) are what the reviewer saw:
    if another reviewer changed the outcome, the message or a moderation
    since, StaleReviewError is raised and nothing is confirmed."""
    submission = _lock(submission)
    policy.may_review(submission, review=None).refuse(NotUnderReviewError)
    review = _review_for_update(submission)
    if review.is_confirmed:
        return review
    _check_version(review, expected_version, "changed the outcome")
    if expected_moderations is not None:
        moderations = list(ThemeModeration.objects.filter(submission=submission))
        if moderations_state(moderations) != expected_moderations:
            latest = max(moderations, key=lambda m: m.updated_at, default=None)
            raise StaleReviewError(latest, "changed a theme's moderation")
    if not review.outcome or not review.message:
        raise DomainError("Choose an outcome and write a message to the agency before you confirm")

    now = timezone.now()
    review.evaluated_at = now
    review.evaluated_by = actor.user
    review.evaluated_by_name = actor.name
    review.evaluated_version = submission.version
    review.save(
        update_fields=["evaluated_at", "evaluated_by", "evaluated_by_name", "evaluated_version", "updated_at"]
    )
    themes = _moderation_summary(submission)
    context = submission_email_context(
        submission,
        outcome=review.outcome,
        outcome_label=ReviewOutcome(review.outcome).label,
        message=review.message,
        evaluated_at=now.isoformat(),
        evaluated_by_name=actor.name,
        themes=themes,
    )
    recipients = submission_email_recipients(submission=submission)
    for name, email in recipients:
        outbound_email_queue(
            partnership=submission.partnership,
            kind=OutboundEmail.Kind.OUTCOME,
            to_email=email,
            to_name=name,
            template="outcome",
            context=context,
            dedupe_key=f"outcome:{submission.pk}:{submission.version}:{email}",
            submission=submission,
        )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="review.confirmed",
        submission=submission,
        obj=review,
        detail={
            "outcome": review.outcome,
            "version": submission.version,
            "emailed": [r.email for r in recipients],
        },
    )
    return review


def _moderation_summary(submission: Submission) -> list[dict]:
    """Per theme, for the outcome email: the agency's rating and the
    partnership's, with its comment."""
    themes = Theme.objects.filter(question_set_id=submission.question_set_id).order_by("order")
    own = dict(ThemeResponse.objects.filter(submission=submission).values_list("theme_id", "rag"))
    moderated = {m.theme_id: m for m in ThemeModeration.objects.filter(submission=submission)}
    rows = []
    for theme in themes:
        moderation = moderated.get(theme.pk)
        rows.append(
            {
                "title": theme.title,
                "self_rating": Rag(own[theme.pk]).label if own.get(theme.pk) else "Not rated",
                "moderated": Rag(moderation.rag).label if moderation else "",
                "comment": moderation.comment if moderation else "",
            }
        )
    return rows


# --- return for changes -----------------------------------------------------


def end_of_uk_day(on: date) -> datetime:
    """11:59pm UK time on that day: when a "resubmit by" date runs out."""
    return datetime.combine(on, time(23, 59), tzinfo=UK)


def resubmit_by_check(*, submission: Submission, resubmit_by: date | None, now=None) -> str:
    """What is wrong with a "resubmit by" date for this return ("" if
    nothing): the form and the service both ask."""
    now = now or timezone.now()
    if resubmit_by is None:
        if submission.deadline <= now:
            return "The deadline has passed: enter the date by which the agency must resubmit"
        return ""
    new_deadline = end_of_uk_day(resubmit_by)
    if new_deadline <= now:
        return "The date to resubmit by must be in the future"
    if new_deadline <= submission.deadline:
        return (
            "The date to resubmit by must be after the agency's current deadline, "
            f"{timezone.localtime(submission.deadline):%-d %B %Y}"
        )
    return ""


@transaction.atomic
def submission_return(
    *, submission: Submission, reason: str, actor: Actor, resubmit_by: date | None = None
) -> ReturnForChanges:
    """Send a submitted return back to the agency for changes: it unlocks,
    the reason is on the record and on the agency's task list, and each of the
    agency's contacts (and the submitter) is emailed a link back into it. The
    submitted content is untouched; resubmitting locks it again as a new
    version.

    `resubmit_by` (a UK date) extends the agency's deadline to the end of that
    day; it is required once the deadline has passed, or the agency could not
    change anything."""
    submission = _lock(submission)
    policy.may_return(submission).refuse()
    reason = _clean_text(reason, limit=REASON_MAX, what="The reason")
    if not reason:
        raise DomainError("Enter the reason for returning it, so the agency knows what to change")

    now = timezone.now()
    problem = resubmit_by_check(submission=submission, resubmit_by=resubmit_by, now=now)
    if problem:
        raise DomainError(problem)
    new_deadline = end_of_uk_day(resubmit_by) if resubmit_by is not None else None

    submission.status = SubmissionStatus.RETURNED
    fields = ["status", "updated_at"]
    if new_deadline is not None:
        submission.extended_until = new_deadline
        fields.append("extended_until")
    submission.save(update_fields=fields)

    returned = ReturnForChanges.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        reason=reason,
        submission_version=submission.version,
        resubmit_by=new_deadline,
        returned_at=now,
        returned_by=actor.user,
        returned_by_name=actor.name,
    )
    # The evaluation was of what is being changed: the resubmitted return is
    # evaluated afresh. Moderations stay, as the reviewer's notes.
    SubmissionReview.objects.filter(submission=submission).update(
        evaluated_at=None, evaluated_by=None, evaluated_by_name="", evaluated_version=None, updated_at=now
    )
    context = submission_email_context(submission, reason=reason, returned_by_name=actor.name)
    recipients = submission_email_recipients(submission=submission)
    for name, email in recipients:
        link, _ = resume_link_create(submission=submission, name=name, email=email)
        outbound_email_queue(
            partnership=submission.partnership,
            kind=OutboundEmail.Kind.RETURNED,
            to_email=email,
            to_name=name,
            template="returned",
            context=context,
            dedupe_key=f"returned:{returned.pk}:{email}",
            submission=submission,
            resume_link=link,
        )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.returned",
        submission=submission,
        obj=submission,
        detail={
            "reason": reason,
            "version": submission.version,
            "resubmit_by": new_deadline.isoformat() if new_deadline else None,
            "emailed": [r.email for r in recipients],
        },
    )
    return returned


# --- meetings ---------------------------------------------------------------


@dataclass(frozen=True)
class AgreedAction:
    action: str
    owner: str
    due_on: date


@transaction.atomic
def meeting_save(
    *,
    partnership: Partnership,
    cycle: AuditCycle,
    kind: str,
    held_on: date,
    panel_members: str,
    notes: str,
    submissions: list[Submission],
    actions: list[AgreedAction],
    actor: Actor,
    meeting: ReviewMeeting | None = None,
) -> ReviewMeeting:
    """Record a meeting about returns of one cycle (or change one recorded
    before): its agreed actions are replaced by `actions`."""
    if cycle.partnership_id != partnership.pk:
        raise DomainError("That cycle belongs to another partnership.")
    if meeting is not None and (meeting.partnership_id != partnership.pk or meeting.cycle_id != cycle.pk):
        raise DomainError("That meeting belongs to another cycle.")
    if kind not in ReviewMeeting.Kind.values:
        raise DomainError("Select the kind of meeting")
    if not submissions:
        raise DomainError("Select the returns the meeting discussed")
    if any(s.partnership_id != partnership.pk or s.cycle_id != cycle.pk for s in submissions):
        raise DomainError("Select returns of this cycle only")
    if not panel_members.strip():
        raise DomainError("Enter who was on the panel")
    for item in actions:
        if not (item.action.strip() and item.owner.strip() and item.due_on):
            raise DomainError("Give each agreed action an owner and a due date")

    created = meeting is None
    if created:
        meeting = ReviewMeeting(partnership=partnership, cycle=cycle, created_by=actor.user)
    before = set() if created else set(meeting.submissions.values_list("pk", flat=True))
    meeting.kind = kind
    meeting.held_on = held_on
    meeting.panel_members = panel_members.strip()
    meeting.notes = notes.strip()
    meeting.save()
    meeting.submissions.set(submissions)
    # An action kept (the same words) keeps its row: its status, owner's
    # email and return, which this form does not show, are not lost.
    existing = {} if created else {a.action: a for a in meeting.actions.all()}
    kept, new = [], []
    for index, item in enumerate(actions):
        row = existing.pop(item.action.strip(), None)
        if row is None:
            row = MeetingAction(meeting=meeting)
            new.append(row)
        else:
            kept.append(row)
        row.order, row.action, row.owner, row.due_on = (
            index,
            item.action.strip(),
            item.owner.strip(),
            item.due_on,
        )
    MeetingAction.objects.filter(pk__in=[a.pk for a in existing.values()]).delete()
    MeetingAction.objects.bulk_update(kept, ["order", "owner", "due_on"])
    MeetingAction.objects.bulk_create(new)
    # One event on each return's record, so its history tells the whole story.
    for submission in sorted(submissions, key=lambda s: s.pk):
        audit_event_record(
            partnership=partnership,
            actor=actor,
            verb="meeting.recorded" if created or submission.pk not in before else "meeting.updated",
            submission=submission,
            obj=meeting,
            detail={
                "kind": meeting.get_kind_display(),
                "held_on": held_on.isoformat(),
                "actions": len(actions),
            },
        )
    return meeting
