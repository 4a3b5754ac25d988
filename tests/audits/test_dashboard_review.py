"""The dashboard and heatmap read the review part's records: a confirmed
evaluation makes a submitted return "evaluated", and moderated ratings fill
the heatmap's moderated view (audits/models/review.py)."""

import pytest
from django.utils import timezone

from audits.models import (
    SubmissionStatus,
    review,
)
from audits.selectors.dashboard import (
    CycleFilters,
    Rating,
    cycle_agency_rows,
    cycle_heatmap,
    cycle_status_counts,
)
from tests.factories import AgencyFactory, SubmissionFactory, two_partnerships

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = two_partnerships()
    for x in w:
        x.submission.status = SubmissionStatus.SUBMITTED
        x.submission.submitted_at = timezone.now()
        x.submission.save(update_fields=["status", "submitted_at"])
    other = AgencyFactory(partnership=w.a.partnership, name="Alpha Police")
    w.police_return = SubmissionFactory(cycle=w.a.cycle, agency=other, status=SubmissionStatus.SUBMITTED)
    return w


def _confirm(submission, *, confirmed=True):
    return review.SubmissionReview.objects.create(
        partnership=submission.partnership,
        submission=submission,
        outcome=review.ReviewOutcome.ASSURED,
        evaluated_at=timezone.now() if confirmed else None,
    )


def test_a_confirmed_evaluation_makes_a_return_evaluated(world):
    _confirm(world.a.submission)
    _confirm(world.police_return, confirmed=False)  # a draft: still submitted
    _confirm(world.b.submission)  # another partnership's: not counted here
    counts = {
        c.status: c.count for c in cycle_status_counts(partnership=world.a.partnership, cycle=world.a.cycle)
    }
    assert (counts["evaluated"], counts["submitted"]) == (1, 1)
    rows = cycle_agency_rows(
        partnership=world.a.partnership,
        cycle=world.a.cycle,
        filters=CycleFilters(statuses=frozenset({"evaluated"})),
    )
    assert [r.agency_name for r in rows] == [world.a.agency.name]


def test_moderated_ratings_fill_the_moderated_heatmap(world):
    theme = world.a.question_set.themes.order_by("order").first()
    review.ThemeModeration.objects.create(
        partnership=world.a.partnership, submission=world.a.submission, theme=theme, rag="red"
    )
    b_theme = world.b.question_set.themes.order_by("order").first()
    review.ThemeModeration.objects.create(
        partnership=world.b.partnership, submission=world.b.submission, theme=b_theme, rag="green"
    )
    (group,) = cycle_heatmap(partnership=world.a.partnership, cycle=world.a.cycle, rating=Rating.MODERATED)
    rows = {r.agency_name: [c.label for c in r.cells] for r in group.rows}
    assert rows[world.a.agency.name] == ["Red", "Not moderated", "Not moderated"]
    assert rows["Alpha Police"] == ["Not moderated"] * 3
