"""audits/policy.py: what may happen to a return now, answered once for the
services (which refuse in its words) and the pages (which hide the control
and say why in the same words)."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from audits import policy
from audits.models import ActionItem, ActionStatus, AuditCycle, Submission, SubmissionReview, SubmissionStatus
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.review import EvaluationConfirmedError, NotUnderReviewError, submission_return
from core.domain import SYSTEM, Actor, DomainError
from tests.factories import two_partnerships

from .review_support import submitted_world

OPENS = datetime(2027, 1, 10, 9, tzinfo=UTC)
CLOSES = datetime(2027, 3, 31, 17, tzinfo=UTC)
DURING = OPENS + timedelta(days=10)


def _return(status=SubmissionStatus.IN_PROGRESS, extended_until=None) -> Submission:
    # Unsaved rows: the rules read only what they are given.
    return Submission(
        status=status, cycle=AuditCycle(opens_at=OPENS, closes_at=CLOSES), extended_until=extended_until
    )


def test_a_return_may_be_edited_while_its_cycle_is_open_and_it_is_not_submitted():
    assert policy.may_edit(_return(), now=DURING)
    assert policy.may_edit(_return(SubmissionStatus.RETURNED), now=DURING)
    assert policy.may_edit(_return(SubmissionStatus.SUBMITTED), now=DURING).why_not == policy.SUBMITTED
    assert policy.may_edit(_return(), now=CLOSES).why_not == policy.CLOSED
    early = policy.may_edit(_return(), now=OPENS - timedelta(days=1))
    assert not early and early.why_not.startswith("This audit opens at")
    # An extension moves the return's own deadline.
    assert policy.may_edit(_return(extended_until=CLOSES + timedelta(days=7)), now=CLOSES)
    # Evidence and submitting follow the same rule.
    for rule in (policy.may_add_evidence, policy.may_submit):
        assert rule(_return(SubmissionStatus.SUBMITTED), now=DURING).why_not == policy.SUBMITTED
        assert rule(_return(), now=DURING)


def test_action_items_after_submission():
    submitted = _return(SubmissionStatus.SUBMITTED)
    assert policy.may_add_action(submitted, now=DURING)
    assert policy.may_update_actions(submitted)
    assert policy.may_update_actions(_return()).why_not == policy.PROGRESS_AFTER_SUBMIT
    assert policy.may_add_action(_return(), now=CLOSES).why_not == policy.CLOSED


@pytest.mark.django_db
def test_an_item_of_a_submitted_return_changes_only_if_added_since_and_not_yet_updated():
    world = submitted_world(two_partnerships().a)
    submission = world.submission
    theme = submission.question_set.themes.order_by("order").first()
    before = ActionItem(submission=submission, theme=theme, created_at=submission.submitted_at)
    assert policy.may_change_action(before).why_not == policy.ACTION_SUBMITTED
    assert policy.may_remove_action(before).why_not == policy.ACTION_SUBMITTED_REMOVE
    since = action_item_add(
        submission=submission,
        theme=theme,
        data=ActionItemData(
            action="Train the new starters",
            lead_person="Jo Lead",
            target_date=timezone.localdate() + timedelta(days=90),
            success_criteria="Every new starter trained",
        ),
        actor=Actor(name="Jo Lead", email="jo@agency.example"),
    )
    since.submission = submission
    assert policy.may_change_action(since) and policy.may_remove_action(since)
    action_update_record(item=since, progress="Half trained", status=ActionStatus.IN_PROGRESS, actor=SYSTEM)
    since = ActionItem.objects.select_related("submission").get(pk=since.pk)
    assert policy.may_change_action(since).why_not == policy.ACTION_SUBMITTED


def test_review_and_return_rules():
    submitted = _return(SubmissionStatus.SUBMITTED)
    assert policy.may_review(submitted, None) and policy.may_return(submitted)
    confirmed = SubmissionReview(evaluated_at=DURING)
    assert policy.may_review(submitted, confirmed).why_not == policy.CONFIRMED
    assert policy.may_return(submitted)  # a confirmed evaluation can still be sent back
    returned = _return(SubmissionStatus.RETURNED)
    assert policy.may_review(returned, None).why_not == policy.WITH_AGENCY
    assert policy.may_return(returned).why_not == policy.ALREADY_RETURNED
    assert policy.may_review(_return(), None).why_not == policy.NOT_SUBMITTED
    assert policy.may_return(_return()).why_not == policy.ONLY_SUBMITTED_RETURNED
    # By default the review is the one submission_access brought with the return.
    submitted.review_or_none = confirmed
    assert not policy.may_review(submitted)


def test_a_refusal_raises_the_given_error_with_the_message():
    policy.ALLOWED.refuse()
    with pytest.raises(NotUnderReviewError, match="not been submitted yet"):
        policy.may_review(_return(), None).refuse(NotUnderReviewError)
    with pytest.raises(EvaluationConfirmedError, match="confirmed to the agency"):
        policy.may_review(_return(SubmissionStatus.SUBMITTED), SubmissionReview(evaluated_at=DURING)).refuse(
            EvaluationConfirmedError
        )


@pytest.mark.django_db
def test_the_service_refuses_in_the_policys_words():
    world = two_partnerships().a
    with pytest.raises(DomainError) as refused:
        submission_return(submission=world.submission, reason="Please add dates.", actor=Actor(name="Pat"))
    assert str(refused.value) == policy.may_return(world.submission).why_not == policy.ONLY_SUBMITTED_RETURNED
