import pytest
from django.http import Http404

from audits.selectors.staff import cycle_list_with_counts, submission_get_by_reference
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"cycle_list_with_counts", "submission_get_by_reference"}


@pytest.fixture
def world():
    return two_partnerships()


def test_cycle_list_with_counts_holds_only_its_partnership(world):
    cycles = list(cycle_list_with_counts(partnership=world.a.partnership))
    assert cycles == [world.a.cycle]
    assert cycles[0].returns_total == 1
    assert cycles[0].returns_submitted == 0


def test_submission_get_by_reference_refuses_another_partnership(world):
    found = submission_get_by_reference(
        partnership=world.a.partnership, reference=world.a.submission.reference
    )
    assert found == world.a.submission
    with pytest.raises(Http404):
        submission_get_by_reference(partnership=world.a.partnership, reference=world.b.submission.reference)
