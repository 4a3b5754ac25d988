"""The review queue's selectors keep to their partnership."""

import pytest
from django.http import Http404
from django.utils import timezone

from audits.selectors.queue import (
    QueueFilters,
    review_queue,
    review_queue_cycles,
    review_theme_position,
    reviewer_choices,
)
from partnerships.models import StaffMembership, StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_user

from .review_support import submitted_world

pytestmark = pytest.mark.django_db

COVERED = {"review_queue", "review_queue_cycles", "review_theme_position", "reviewer_choices"}


@pytest.fixture
def world():
    world = two_partnerships()
    submitted_world(world.a)
    submitted_world(world.b)
    return world


def member(partnership, role=StaffRole.REVIEWER):
    return StaffMembership.objects.get(user=staff_user(partnership, role), partnership=partnership)


def test_review_queue_holds_only_its_partnerships_returns(world):
    a, b = world.a, world.b
    me = member(a.partnership)
    today = timezone.localdate()
    assert list(
        review_queue(partnership=a.partnership, filters=QueueFilters(), membership=me, today=today)
    ) == [a.submission]
    # Another partnership's cycle as a filter finds nothing.
    assert not review_queue(
        partnership=a.partnership, filters=QueueFilters(cycle_id=b.cycle.pk), membership=me, today=today
    ).exists()
    # Another partnership's member is refused.
    with pytest.raises(Http404):
        review_queue(
            partnership=a.partnership, filters=QueueFilters(), membership=member(b.partnership), today=today
        )


def test_review_queue_cycles_and_reviewer_choices_are_the_partnerships_own(world):
    a, b = world.a, world.b
    reviewer = member(a.partnership)
    admin = member(a.partnership, StaffRole.ADMIN)
    member(a.partnership, StaffRole.READ_ONLY)
    member(b.partnership)
    assert review_queue_cycles(partnership=a.partnership) == [a.cycle]
    assert set(reviewer_choices(partnership=a.partnership)) == {reviewer, admin}


def test_review_theme_position_refuses_another_partnerships_return(world):
    a, b = world.a, world.b
    themes = list(a.question_set.themes.order_by("order"))
    position = review_theme_position(partnership=a.partnership, submission=a.submission, theme=themes[1])
    assert (position.number, position.total) == (2, len(themes))
    assert (position.previous, position.next) == (themes[0], themes[2] if len(themes) > 2 else None)
    with pytest.raises(Http404):
        review_theme_position(partnership=a.partnership, submission=b.submission, theme=themes[0])
