import pytest

from audits.selectors.staff import cycle_list_with_counts
from tests.factories import two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"cycle_list_with_counts"}


@pytest.fixture
def world():
    return two_partnerships()


def test_cycle_list_with_counts_holds_only_its_partnership(world):
    cycles = list(cycle_list_with_counts(partnership=world.a.partnership))
    assert cycles == [world.a.cycle]
    assert cycles[0].returns_total == 1
    assert cycles[0].returns_submitted == 0
