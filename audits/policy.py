"""What may happen to a return now: one answer for every part of the product.

Each function answers one question about a return (may it be edited, have
evidence added, be submitted, be reviewed, be returned for changes, have
action items added or changed, have progress recorded) with a `Verdict`:
allowed, or refused with a message for people. Services refuse with that
message (`Verdict.refuse()` raises the given DomainError); views and
templates use the same verdict to show or hide a control and to say why not.
So a page never offers what the service would refuse, and both say it in the
same words.

The functions read only the rows they are given (a return with its cycle;
for review, `review_or_none` as `audits.access.submission_access` sets it),
so a page may ask them for every row it lists at no query of its own.
"""

from dataclasses import dataclass

from django.utils import timezone

from core.domain import DomainError

from .models import ActionItem, Challenge, Submission, SubmissionStatus

SUBMITTED = "This return has been submitted, so it cannot be changed."
CLOSED = "This audit has closed, so the return can no longer be changed."
WITH_AGENCY = (
    "This return has been returned to the agency. While it is with the agency for changes it cannot be "
    "reviewed; you can review it again when they resubmit it."
)
NOT_SUBMITTED = "This return has not been submitted yet, so it cannot be reviewed."
CONFIRMED = (
    "The evaluation of this return has been confirmed to the agency, so it cannot be changed. "
    "Return it for changes if the agency must change it."
)
ALREADY_RETURNED = (
    "This return has already been returned to the agency. While it is with the agency for changes it "
    "cannot be returned again."
)
ONLY_SUBMITTED_RETURNED = "Only a submitted return can be returned for changes."
ACTION_SUBMITTED_REMOVE = (
    "This action is part of the submitted return, so it cannot be removed. Record progress on it instead."
)
PROGRESS_AFTER_SUBMIT = "Progress can be recorded once the return has been submitted."
ACTION_SUBMITTED = (
    "This action is part of the submitted return. Record progress on it instead of changing it."
)
NOT_EVALUATED = (
    "You can respond to the evaluation once the partnership has confirmed it to you. "
    "It has not confirmed an evaluation of this return."
)
EVIDENCE_BEFORE_SUBMIT = (
    "Evidence can be requested once the return has been submitted. While it is with the agency, "
    "the agency adds evidence to its themes."
)
EVIDENCE_WHILE_RETURNED = (
    "This return has been returned to you for changes: add the evidence to its themes instead, "
    "then submit it again."
)
CHALLENGE_RESOLVED = (
    "The partnership has given its final word on this challenge, so it is closed. "
    "Start a new challenge if you need to raise something else."
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    why_not: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def refuse(self, error: type[DomainError] = DomainError) -> None:
        """Raise `error` with the message unless the action is allowed."""
        if not self.allowed:
            raise error(self.why_not)


ALLOWED = Verdict(True)


def _opens_at_message(opens_at) -> str:
    opens = timezone.localtime(opens_at)
    return (
        f"This audit opens at {opens:%-I:%M%p on %A %-d %B %Y}".replace("AM", "am").replace("PM", "pm") + "."
    )


# --- the agency's side ---------------------------------------------------------------


def may_edit(submission: Submission, *, now=None) -> Verdict:
    """Answers, ratings, comments and sign-off: while the cycle is open (to
    the return's own deadline) and the return is not submitted."""
    now = now or timezone.now()
    if submission.is_locked:
        return Verdict(False, SUBMITTED)
    if now < submission.cycle.opens_at:
        return Verdict(False, _opens_at_message(submission.cycle.opens_at))
    if now >= submission.deadline:
        return Verdict(False, CLOSED)
    return ALLOWED


def may_add_evidence(submission: Submission, *, now=None) -> Verdict:
    """Evidence is part of what the return says: as for editing."""
    return may_edit(submission, now=now)


def may_submit(submission: Submission, *, now=None) -> Verdict:
    """Submitting is the last edit (whether gaps block it is the cycle's
    setting, checked by the submit service)."""
    return may_edit(submission, now=now)


# --- the action plan ------------------------------------------------------------------


def may_add_action(submission: Submission, *, now=None) -> Verdict:
    """Items may be added while the return can be edited, and to a submitted
    return (an action agreed after submission)."""
    editable = may_edit(submission, now=now)
    if editable or submission.status == SubmissionStatus.SUBMITTED:
        return ALLOWED
    return editable


def may_change_action(item: ActionItem, *, now=None) -> Verdict:
    """An item's content may be changed, or the item removed, while the
    return can be edited; after submission, only an item added since that has
    no progress recorded yet."""
    editable = may_edit(item.submission, now=now)
    if editable:
        return ALLOWED
    if item.submission.status == SubmissionStatus.SUBMITTED:
        # all() rather than exists(): a list page has the updates prefetched.
        if item.added_after_submit and not item.updates.all():
            return ALLOWED
        return Verdict(False, ACTION_SUBMITTED)
    return editable


def may_remove_action(item: ActionItem, *, now=None) -> Verdict:
    """As for changing it, in the words of removing."""
    verdict = may_change_action(item, now=now)
    if not verdict and verdict.why_not == ACTION_SUBMITTED:
        return Verdict(False, ACTION_SUBMITTED_REMOVE)
    return verdict


def may_update_actions(submission: Submission) -> Verdict:
    """Progress is recorded on a return once it has been submitted."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return ALLOWED
    return Verdict(False, PROGRESS_AFTER_SUBMIT)


# --- the partnership's side -----------------------------------------------------------


_ITS_OWN = object()


def may_review(submission: Submission, review=_ITS_OWN) -> Verdict:
    """Moderating a theme, drafting and confirming the outcome: a submitted
    return whose evaluation is not yet confirmed. `review` is the return's
    review (None if there is none yet); by default the `review_or_none` that
    audits.access.submission_access sets."""
    if submission.status == SubmissionStatus.RETURNED:
        return Verdict(False, WITH_AGENCY)
    if submission.status != SubmissionStatus.SUBMITTED:
        return Verdict(False, NOT_SUBMITTED)
    if review is _ITS_OWN:
        review = getattr(submission, "review_or_none", None)
    if review is not None and review.is_confirmed:
        return Verdict(False, CONFIRMED)
    return ALLOWED


def may_return(submission: Submission) -> Verdict:
    """Returning for changes: a submitted return, confirmed or not."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return ALLOWED
    if submission.status == SubmissionStatus.RETURNED:
        return Verdict(False, ALREADY_RETURNED)
    return Verdict(False, ONLY_SUBMITTED_RETURNED)


# --- responding to the evaluation --------------------------------------------------


def may_challenge(submission: Submission, review=_ITS_OWN) -> Verdict:
    """The agency may respond to or challenge an evaluation once it has been
    confirmed to it, while the return stays submitted (a return for changes
    clears the evaluation it would challenge)."""
    if review is _ITS_OWN:
        review = getattr(submission, "review_or_none", None)
    if submission.status != SubmissionStatus.SUBMITTED or review is None or not review.is_confirmed:
        return Verdict(False, NOT_EVALUATED)
    return ALLOWED


def may_add_to_challenge(challenge: Challenge) -> Verdict:
    """Either side may write on a challenge, and the partnership give its
    final word, until it is resolved."""
    if challenge.is_resolved:
        return Verdict(False, CHALLENGE_RESOLVED)
    return ALLOWED


# --- evidence requests --------------------------------------------------------------


def may_request_evidence(submission: Submission) -> Verdict:
    """The partnership asks for evidence of a submitted return (confirmed or
    not): it stays locked, and the agency answers with supplementary evidence."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return ALLOWED
    return Verdict(False, EVIDENCE_BEFORE_SUBMIT)


def may_answer_evidence_request(submission: Submission) -> Verdict:
    """The agency sends supplementary evidence while the return is
    submitted; a return sent back for changes takes evidence on its themes."""
    if submission.status == SubmissionStatus.SUBMITTED:
        return ALLOWED
    return Verdict(False, EVIDENCE_WHILE_RETURNED)
