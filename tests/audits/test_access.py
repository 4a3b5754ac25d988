"""The access layer (audits/access.py) keeps to its partnership: a cycle or
a return of another partnership is "not found", by id, slug or reference,
and a row already in hand is checked the same way. These are the tenancy
tests of what were cycle_get, submission_get, submission_get_by_reference,
submission_for_review and cycle_submission_get, and of the checks _own,
_check_cycle and _same_partnership."""

import pytest
from django.http import Http404

from audits.access import (
    cycle_access,
    cycle_owned,
    linked_submission_access,
    linked_submissions,
    submission_access,
    submission_owned,
)
from audits.models import ReviewOutcome
from audits.services.review import review_outcome_save
from core.domain import Actor
from tests.factories import AgencyFactory, SubmissionFactory, two_partnerships

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

COVERED = {
    "cycle_access",
    "submission_access",
    "cycle_owned",
    "submission_owned",
    "linked_submissions",
    "linked_submission_access",
}


@pytest.fixture
def world():
    return two_partnerships()


def test_cycle_access_is_a_404_for_another_partnerships_cycle(world):
    a, b = world.a, world.b
    assert cycle_access(partnership=a.partnership, pk=a.cycle.pk) == a.cycle
    # Both partnerships call their cycle "s11-2026": the slug finds each its own.
    assert cycle_access(partnership=a.partnership, slug="s11-2026") == a.cycle
    assert cycle_access(partnership=b.partnership, slug="s11-2026") == b.cycle

    with pytest.raises(Http404):
        cycle_access(partnership=a.partnership, pk=b.cycle.pk)
    with pytest.raises(Http404):
        cycle_access(partnership=b.partnership, pk=a.cycle.pk)
    with pytest.raises(Http404):
        cycle_access(partnership=a.partnership, slug="no-such-cycle")


def test_submission_access_by_id_is_a_404_for_another_partnerships_submission(world):
    a, b = world.a, world.b
    assert submission_access(partnership=a.partnership, pk=a.submission.pk) == a.submission

    with pytest.raises(Http404):
        submission_access(partnership=a.partnership, pk=b.submission.pk)
    with pytest.raises(Http404):
        submission_access(partnership=b.partnership, pk=a.submission.pk)


def test_submission_access_by_reference_refuses_another_partnership(world):
    found = submission_access(partnership=world.a.partnership, reference=world.a.submission.reference)
    assert found == world.a.submission
    with pytest.raises(Http404):
        submission_access(partnership=world.a.partnership, reference=world.b.submission.reference)


def test_submission_access_within_a_cycle_refuses_another_partnership(world):
    a, b = world.a, world.b
    with pytest.raises(Http404):
        submission_access(partnership=a.partnership, cycle=a.cycle, reference=b.submission.reference)
    assert (
        submission_access(partnership=a.partnership, cycle=a.cycle, reference=a.submission.reference)
        == a.submission
    )
    # Another partnership's cycle holds none of this partnership's returns.
    with pytest.raises(Http404):
        submission_access(partnership=a.partnership, cycle=b.cycle, reference=a.submission.reference)


def test_submission_access_brings_the_review_in_the_same_query(world, django_assert_num_queries):
    a, b = submitted_world(world.a), world.b
    with django_assert_num_queries(1):
        found = submission_access(partnership=a.partnership, reference=a.submission.reference)
        assert found.review_or_none is None
        assert found.agency.name and found.cycle.slug and found.question_set.name and found.partnership.slug
    review_outcome_save(
        submission=a.submission,
        outcome=ReviewOutcome.values[0],
        message="Thank you: we have read your return.",
        actor=Actor(name="Pat Reviewer", email="pat@alpha.example"),
    )
    found = submission_access(partnership=a.partnership, reference=a.submission.reference)
    assert found.review_or_none is not None
    with pytest.raises(Http404):
        submission_access(partnership=a.partnership, reference=b.submission.reference)


def test_a_row_in_hand_of_another_partnership_is_not_found(world):
    a, b = world.a, world.b
    assert cycle_owned(partnership=a.partnership, cycle=a.cycle) == a.cycle
    assert submission_owned(partnership=a.partnership, submission=a.submission) == a.submission
    with pytest.raises(Http404):
        cycle_owned(partnership=a.partnership, cycle=b.cycle)
    with pytest.raises(Http404):
        submission_owned(partnership=b.partnership, submission=a.submission)


def test_one_way_to_name_the_row():
    with pytest.raises(TypeError):
        cycle_access(partnership=None)
    with pytest.raises(TypeError):
        submission_access(partnership=None, pk=1, reference="S11-2026-ABCDEFGH")


def test_linked_access_needs_the_partnership_and_the_agency_of_one_pair(world):
    """An organisation's accepted links give (partnership, agency) pairs: a
    return is reached only when both are one pair's, never an agency id
    crossed with another partnership's."""
    a, b = world.a, world.b
    other = SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership))
    pairs = [(a.partnership.pk, a.agency.pk), (b.partnership.pk, b.agency.pk)]
    assert set(linked_submissions(agencies=pairs)) == {a.submission, b.submission}
    assert linked_submission_access(agencies=pairs, pk=b.submission.pk) == b.submission
    crossed = [(a.partnership.pk, b.agency.pk)]
    assert not linked_submissions(agencies=crossed).exists()
    for agencies, pk in [(pairs, other.pk), (crossed, b.submission.pk), ([], a.submission.pk)]:
        with pytest.raises(Http404):
            linked_submission_access(agencies=agencies, pk=pk)
    assert not linked_submissions(agencies=[]).exists()
