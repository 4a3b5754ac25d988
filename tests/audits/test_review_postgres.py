"""PostgreSQL holds the review's rules too (migration 0006): its rows stay in
their submission's partnership, a moderation rates a theme of the return's
own question set, and a meeting discusses returns of its own cycle. And the
review's writes get past the submission lock (0004) because they never
touch the agency's rows."""

from contextlib import contextmanager

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from audits.models import (
    Rag,
    ReturnForChanges,
    ReviewMeeting,
    Submission,
    SubmissionReview,
    SubmissionStatus,
    ThemeModeration,
)
from audits.services.review import (
    review_evaluation_confirm,
    review_outcome_save,
    submission_return,
    theme_moderation_save,
)
from tests.factories import (
    AuditCycleFactory,
    SubmissionFactory,
    question_set_with_questions,
    two_partnerships,
)
from tests.staff import staff_user

from .review_support import reviewer_actor, submit, submitted_world

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@contextmanager
def refused():
    with pytest.raises(IntegrityError), transaction.atomic():
        yield
        connection.check_constraints()


@pytest.fixture
def world():
    worlds = two_partnerships()
    submitted_world(worlds.a)
    submitted_world(worlds.b)
    return worlds


def test_the_whole_review_works_on_a_locked_return(world):
    a = world.a
    actor = reviewer_actor(staff_user(a.partnership))
    for theme in a.question_set.themes.all():
        theme_moderation_save(submission=a.submission, theme=theme, rag=Rag.AMBER, comment="c", actor=actor)
    review_outcome_save(submission=a.submission, outcome="assured", message="m", actor=actor)
    review_evaluation_confirm(submission=a.submission, actor=actor)
    submission_return(submission=a.submission, reason="r", actor=actor)
    resubmitted = submit(Submission.objects.get(pk=a.submission.pk))
    assert resubmitted.status == SubmissionStatus.SUBMITTED
    connection.check_constraints()


@pytest.mark.parametrize("model", ["review", "moderation", "return"])
def test_review_rows_stay_in_their_submissions_partnership(world, model):
    a, b = world
    theme = a.question_set.themes.first()
    make = {
        "review": lambda: SubmissionReview.objects.create(partnership=b.partnership, submission=a.submission),
        "moderation": lambda: ThemeModeration.objects.create(
            partnership=b.partnership, submission=a.submission, theme=theme, rag="red"
        ),
        "return": lambda: ReturnForChanges.objects.create(
            partnership=b.partnership,
            submission=a.submission,
            reason="x",
            submission_version=1,
            returned_at=timezone.now(),
        ),
    }[model]
    with refused():
        make()


def test_a_meeting_stays_in_its_cycles_partnership(world):
    a, b = world
    with refused():
        ReviewMeeting.objects.create(
            partnership=b.partnership, cycle=a.cycle, held_on="2026-03-27", panel_members="x"
        )


def test_a_moderation_rates_a_theme_of_the_returns_own_set(world):
    a = world.a
    other_set = question_set_with_questions(a.partnership)
    with refused():
        ThemeModeration.objects.create(
            partnership=a.partnership, submission=a.submission, theme=other_set.themes.first(), rag="red"
        )


def test_a_meeting_discusses_returns_of_its_own_cycle(world):
    a = world.a
    meeting = ReviewMeeting.objects.create(
        partnership=a.partnership, cycle=a.cycle, held_on="2026-03-27", panel_members="x"
    )
    meeting.submissions.add(a.submission)
    elsewhere = SubmissionFactory(cycle=AuditCycleFactory(partnership=a.partnership))
    with refused():
        meeting.submissions.add(elsewhere)
