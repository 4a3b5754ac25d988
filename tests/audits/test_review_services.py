"""The review services: moderating a theme, the outcome and its
confirmation, returning a return for changes and resubmitting it. Each is
refused on the wrong status and leaves nothing half-done."""

from datetime import date, timedelta
from unittest import mock

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from audits.models import (
    Answer,
    Rag,
    ReturnForChanges,
    ReviewOutcome,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
    ThemeResponse,
)
from audits.selectors.review import cycle_review_counts, return_for_changes_current
from audits.services import SubmissionLockedError
from audits.services.review import (
    EvaluationConfirmedError,
    NotUnderReviewError,
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from core.domain import DomainError
from core.models import AuditEvent, OutboundEmail
from tests.factories import question_set_with_questions, theme_save, two_partnerships
from tests.staff import staff_user

from .review_support import SUBMITTER, reviewer_actor, submit, submitted_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return two_partnerships()


@pytest.fixture
def a(world):
    return submitted_world(world.a)


@pytest.fixture
def reviewer(a):
    return reviewer_actor(staff_user(a.partnership))


def first_theme(side):
    return side.question_set.themes.order_by("order").first()


def confirmed(a, reviewer):
    review_outcome_save(
        submission=a.submission, outcome=ReviewOutcome.ASSURED, message="Thank you.", actor=reviewer
    )
    return review_evaluation_confirm(submission=a.submission, actor=reviewer)


# ---------------------------------------------------------------------------
# Moderation
# ---------------------------------------------------------------------------


def test_moderation_is_kept_beside_the_agencys_own_rating(a, reviewer):
    theme = first_theme(a)
    own = ThemeResponse.objects.get(submission=a.submission, theme=theme)

    moderation = theme_moderation_save(
        submission=a.submission,
        theme=theme,
        rag=Rag.AMBER,
        comment="  Training records are old.  ",
        actor=reviewer,
    )

    assert (moderation.rag, moderation.comment) == (Rag.AMBER, "Training records are old.")
    assert moderation.partnership == a.partnership
    assert moderation.updated_by == reviewer.user
    own.refresh_from_db()
    assert own.rag == Rag.GREEN  # the agency's self-rating is untouched
    event = AuditEvent.objects.get(verb="review.moderated")
    assert event.submission == a.submission
    assert event.detail["rag"] == "amber" and event.detail["self_rating"] == "green"
    assert event.actor == reviewer.user


def test_moderating_again_changes_the_one_row(a, reviewer):
    theme = first_theme(a)
    theme_moderation_save(submission=a.submission, theme=theme, rag=Rag.AMBER, comment="", actor=reviewer)
    theme_moderation_save(submission=a.submission, theme=theme, rag=Rag.RED, comment="Worse", actor=reviewer)

    assert ThemeModeration.objects.filter(submission=a.submission).count() == 1
    assert ThemeModeration.objects.get(submission=a.submission).rag == Rag.RED
    assert AuditEvent.objects.filter(verb="review.moderated").first().detail["rag_before"] == "amber"


def test_moderation_is_refused_before_submission(world):
    reviewer = reviewer_actor(staff_user(world.a.partnership))
    with pytest.raises(NotUnderReviewError, match="not been submitted"):
        theme_moderation_save(
            submission=world.a.submission, theme=first_theme(world.a), rag=Rag.RED, comment="", actor=reviewer
        )
    assert not ThemeModeration.objects.exists()


def test_moderation_is_refused_for_another_question_sets_theme(a, reviewer):
    other_set = question_set_with_questions(a.partnership)
    with pytest.raises(DomainError, match="not part of this return"):
        theme_moderation_save(
            submission=a.submission, theme=other_set.themes.first(), rag=Rag.RED, comment="", actor=reviewer
        )


@pytest.mark.parametrize("rag", ["", "purple"])
def test_moderation_needs_a_real_rating(a, reviewer, rag):
    with pytest.raises(DomainError, match="Select a moderated RAG"):
        theme_moderation_save(
            submission=a.submission, theme=first_theme(a), rag=rag, comment="", actor=reviewer
        )


def test_moderation_is_all_or_nothing(a, reviewer):
    with (
        mock.patch("audits.services.review.audit_event_record", side_effect=RuntimeError("log down")),
        pytest.raises(RuntimeError),
    ):
        theme_moderation_save(
            submission=a.submission, theme=first_theme(a), rag=Rag.RED, comment="", actor=reviewer
        )
    assert not ThemeModeration.objects.exists()
    assert not SubmissionReview.objects.exists()


# ---------------------------------------------------------------------------
# Outcome and confirmation
# ---------------------------------------------------------------------------


def test_the_outcome_is_a_draft_until_confirmed(a, reviewer):
    review = review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.FURTHER_EVIDENCE,
        message="Send the policy.",
        actor=reviewer,
    )
    assert review.outcome == "further_evidence"
    assert review.evaluated_at is None
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.OUTCOME).exists()
    assert cycle_review_counts(partnership=a.partnership, cycle=a.cycle)["evaluated"] == 0


@pytest.mark.parametrize(
    ("outcome", "message", "error"),
    [
        ("", "Hello", "Select the outcome"),
        ("bogus", "Hello", "Select the outcome"),
        ("assured", "  ", "Enter a message"),
    ],
)
def test_the_outcome_needs_a_choice_and_a_message(a, reviewer, outcome, message, error):
    with pytest.raises(DomainError, match=error):
        review_outcome_save(submission=a.submission, outcome=outcome, message=message, actor=reviewer)


def test_confirming_needs_an_outcome(a, reviewer):
    with pytest.raises(DomainError, match="Choose an outcome"):
        review_evaluation_confirm(submission=a.submission, actor=reviewer)
    assert not SubmissionReview.objects.filter(evaluated_at__isnull=False).exists()


def test_confirming_records_the_evaluation_and_emails_the_agency(
    a, reviewer, django_capture_on_commit_callbacks
):
    theme_moderation_save(
        submission=a.submission, theme=first_theme(a), rag=Rag.AMBER, comment="Old records", actor=reviewer
    )
    review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.SCRUTINY_PANEL,
        message="Please join us.",
        actor=reviewer,
    )
    with django_capture_on_commit_callbacks(execute=True):
        review = review_evaluation_confirm(submission=a.submission, actor=reviewer)

    assert review.evaluated_at is not None
    assert review.evaluated_by == reviewer.user
    assert review.evaluated_version == a.submission.version
    submission = Submission.objects.get(pk=a.submission.pk)
    assert submission.status == SubmissionStatus.SUBMITTED  # still locked
    assert cycle_review_counts(partnership=a.partnership, cycle=a.cycle) == {
        "submitted": 1,
        "evaluated": 1,
        "returned": 0,
    }
    sent = {m.to[0].split("<")[-1].strip(">"): m for m in mail.outbox if "evaluation" in m.subject}
    assert set(sent) == {a.contact.email, SUBMITTER.email}
    message = sent[a.contact.email]
    assert "Invited to scrutiny panel" in message.subject
    assert "Please join us." in message.body
    assert "Amber" in message.body and "Old records" in message.body
    assert message.reply_to == [a.partnership.reply_to]
    event = AuditEvent.objects.get(verb="review.confirmed")
    assert sorted(event.detail["emailed"]) == sorted([a.contact.email, SUBMITTER.email])


def test_confirming_twice_sends_once(a, reviewer):
    confirmed(a, reviewer)
    first = SubmissionReview.objects.get().evaluated_at
    review_evaluation_confirm(submission=a.submission, actor=reviewer)

    assert SubmissionReview.objects.get().evaluated_at == first
    assert OutboundEmail.objects.filter(kind=OutboundEmail.Kind.OUTCOME).count() == 2
    assert AuditEvent.objects.filter(verb="review.confirmed").count() == 1


def test_a_confirmed_evaluation_cannot_be_changed(a, reviewer):
    confirmed(a, reviewer)
    with pytest.raises(EvaluationConfirmedError):
        theme_moderation_save(
            submission=a.submission, theme=first_theme(a), rag=Rag.RED, comment="", actor=reviewer
        )
    with pytest.raises(EvaluationConfirmedError):
        review_outcome_save(submission=a.submission, outcome="assured", message="Changed", actor=reviewer)
    assert SubmissionReview.objects.get().message == "Thank you."


def test_confirming_is_all_or_nothing(a, reviewer):
    review_outcome_save(submission=a.submission, outcome="assured", message="Thanks", actor=reviewer)
    with (
        mock.patch("audits.services.review.outbound_email_queue", side_effect=RuntimeError("outbox down")),
        pytest.raises(RuntimeError),
    ):
        review_evaluation_confirm(submission=a.submission, actor=reviewer)
    assert SubmissionReview.objects.get().evaluated_at is None
    assert not AuditEvent.objects.filter(verb="review.confirmed").exists()


# ---------------------------------------------------------------------------
# Return for changes, and resubmission
# ---------------------------------------------------------------------------


def test_returning_unlocks_the_return_and_records_why(a, reviewer, django_capture_on_commit_callbacks):
    version = a.submission.version
    with django_capture_on_commit_callbacks(execute=True):
        returned = submission_return(
            submission=a.submission, reason="Theme 2 needs evidence.", actor=reviewer
        )

    submission = Submission.objects.get(pk=a.submission.pk)
    assert submission.status == SubmissionStatus.RETURNED
    assert not submission.is_locked
    assert submission.version == version  # the submitted content is not bumped
    assert submission.submitted_at is not None  # what was submitted stays on record
    assert (returned.reason, returned.submission_version, returned.returned_by) == (
        "Theme 2 needs evidence.",
        version,
        reviewer.user,
    )
    assert return_for_changes_current(partnership=a.partnership, submission=submission) == returned
    event = AuditEvent.objects.get(verb="submission.returned")
    assert event.detail["reason"] == "Theme 2 needs evidence."
    # The agency can change it again.
    theme_save(submission, first_theme(a), value="no", rag=Rag.RED, comments="We found a gap.")
    assert set(
        Answer.objects.filter(submission=submission, question__theme=first_theme(a)).values_list(
            "value", flat=True
        )
    ) == {"no"}
    # Its contacts and the submitter each get a working link back into it.
    sent = [m for m in mail.outbox if "returned for changes" in m.subject]
    assert {m.to[0].split("<")[-1].strip(">") for m in sent} == {a.contact.email, SUBMITTER.email}
    assert all("Theme 2 needs evidence." in m.body and "/r/" in m.body for m in sent)
    assert cycle_review_counts(partnership=a.partnership, cycle=a.cycle)["returned"] == 1


def test_returning_withdraws_a_confirmed_evaluation(a, reviewer):
    confirmed(a, reviewer)
    submission_return(submission=a.submission, reason="Found a problem.", actor=reviewer)

    review = SubmissionReview.objects.get()
    assert review.evaluated_at is None and review.outcome == "assured"
    assert cycle_review_counts(partnership=a.partnership, cycle=a.cycle)["evaluated"] == 0


def test_resubmitting_locks_it_again_as_a_new_version(a, reviewer):
    submission_return(submission=a.submission, reason="Check theme 1.", actor=reviewer)
    returned = Submission.objects.get(pk=a.submission.pk)

    resubmitted = submit(returned)

    assert resubmitted.status == SubmissionStatus.SUBMITTED
    assert resubmitted.version == returned.version + 1
    assert resubmitted.is_locked
    with pytest.raises(SubmissionLockedError):
        theme_save(resubmitted, first_theme(a))
    assert AuditEvent.objects.filter(verb="submission.submitted").first().detail["resubmission"] is True
    assert return_for_changes_current(partnership=a.partnership, submission=resubmitted) is None
    # ... and can be reviewed afresh.
    theme_moderation_save(
        submission=resubmitted, theme=first_theme(a), rag=Rag.GREEN, comment="", actor=reviewer
    )


def test_returning_is_refused_unless_submitted(world, a, reviewer):
    with pytest.raises(DomainError, match="Only a submitted return"):
        submission_return(submission=world.b.submission, reason="x", actor=reviewer)
    submission_return(submission=a.submission, reason="Once", actor=reviewer)
    with pytest.raises(DomainError, match="already been returned"):
        submission_return(submission=a.submission, reason="Twice", actor=reviewer)
    assert ReturnForChanges.objects.count() == 1


def test_returning_needs_a_reason(a, reviewer):
    with pytest.raises(DomainError, match="Enter the reason"):
        submission_return(submission=a.submission, reason="   ", actor=reviewer)
    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.SUBMITTED


def test_review_work_is_refused_while_the_agency_has_it(a, reviewer):
    submission_return(submission=a.submission, reason="Fix it", actor=reviewer)
    with pytest.raises(NotUnderReviewError, match="returned to the agency"):
        theme_moderation_save(
            submission=a.submission, theme=first_theme(a), rag=Rag.RED, comment="", actor=reviewer
        )
    with pytest.raises(NotUnderReviewError):
        review_outcome_save(submission=a.submission, outcome="assured", message="m", actor=reviewer)
    with pytest.raises(NotUnderReviewError):
        review_evaluation_confirm(submission=a.submission, actor=reviewer)


def test_after_the_deadline_a_return_needs_a_date_to_resubmit_by(a, reviewer):
    later = a.cycle.closes_at + timedelta(days=3)
    with time_machine.travel(later):
        with pytest.raises(DomainError, match="deadline has passed"):
            submission_return(submission=a.submission, reason="Late problem", actor=reviewer)
        resubmit_by = timezone.localdate() + timedelta(days=10)
        returned = submission_return(
            submission=a.submission, reason="Late problem", actor=reviewer, resubmit_by=resubmit_by
        )
        submission = Submission.objects.get(pk=a.submission.pk)
        local = timezone.localtime(submission.deadline)
        assert (local.date(), local.hour, local.minute) == (resubmit_by, 23, 59)
        assert returned.resubmit_by == submission.deadline
        # The agency's new links last until then too, so it can really resubmit.
        assert all(link.expires_at >= submission.deadline for link in submission.resume_links.all()[:2])
        theme_save(submission, first_theme(a), rag=Rag.AMBER, comments="Plan to improve.")


def test_a_date_to_resubmit_by_must_extend_the_deadline(a, reviewer):
    with pytest.raises(DomainError, match="after the agency's current deadline"):
        submission_return(
            submission=a.submission,
            reason="x",
            actor=reviewer,
            resubmit_by=timezone.localdate() + timedelta(days=1),
        )
    with pytest.raises(DomainError, match="in the future"):
        submission_return(submission=a.submission, reason="x", actor=reviewer, resubmit_by=date(2000, 1, 1))
    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.SUBMITTED


def test_returning_is_all_or_nothing(a, reviewer):
    with (
        mock.patch("audits.services.review.audit_event_record", side_effect=RuntimeError("log down")),
        pytest.raises(RuntimeError),
    ):
        submission_return(submission=a.submission, reason="x", actor=reviewer)
    assert Submission.objects.get(pk=a.submission.pk).status == SubmissionStatus.SUBMITTED
    assert not ReturnForChanges.objects.exists()
    assert not OutboundEmail.objects.filter(kind=OutboundEmail.Kind.RETURNED).exists()
