"""Who takes part in a cycle (audits/selectors/scope.py), and that the
dashboard and the reports agree on it: agencies in the cycle's scope, plus
any agency that left the scope after starting its return."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audits.models import AgencyScope, Submission, SubmissionStatus
from audits.selectors.dashboard import cycle_agency_rows, cycle_heatmap, cycle_status_counts
from audits.selectors.reports import cycle_summary_report, export_sizes
from audits.selectors.scope import (
    cycle_agencies_taking_part,
    cycle_agencies_without_return,
    cycle_participants,
    cycle_returns_taking_part,
    scope_agencies,
)
from audits.services.cycles import cycle_submissions_ensure
from audits.services.question_sets import cycle_question_set_assign
from partnerships.models import Sector
from tests.factories import (
    AgencyFactory,
    LocalityFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

COVERED = {
    "cycle_returns_taking_part",
    "cycle_agencies_without_return",
    "cycle_agencies_taking_part",
    "cycle_participants",
    "scope_agencies",
}
SELECTORS = [cycle_returns_taking_part, cycle_agencies_without_return, cycle_agencies_taking_part]


@pytest.fixture
def world():
    """Partnership A's cycle is for the police only. A's council (the
    world's agency) had a return made before the scope changed and never
    touched it; a charity, also out of scope now, started its return; the
    police force has no return yet; an NHS trust is out of scope with none.
    B has an agency without a return in its (every-agency) cycle."""
    w = two_partnerships()
    a = w.a
    a.cycle.agency_scope = AgencyScope.SECTOR
    a.cycle.scope_sectors = [Sector.POLICE]
    a.cycle.save()
    w.police = AgencyFactory(partnership=a.partnership, name="Alpha Police", sector=Sector.POLICE)
    w.charity = AgencyFactory(partnership=a.partnership, name="Alpha Charity", sector=Sector.VOLUNTARY)
    w.charity_return = SubmissionFactory(cycle=a.cycle, agency=w.charity)
    theme_save(w.charity_return, a.question_set.themes.order_by("order").first())
    w.nhs = AgencyFactory(partnership=a.partnership, name="Alpha NHS", sector=Sector.NHS)
    AgencyFactory(partnership=w.b.partnership, name="Bravo Police", sector=Sector.POLICE)
    return w


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda f: f.__name__)
def test_selector_given_another_partnerships_cycle_finds_nothing(world, selector):
    assert list(selector(partnership=world.a.partnership, cycle=world.b.cycle)) == []
    assert list(selector(partnership=world.b.partnership, cycle=world.a.cycle)) == []


@pytest.mark.parametrize("selector", SELECTORS, ids=lambda f: f.__name__)
def test_selector_holds_only_its_partnership(world, selector):
    rows = list(selector(partnership=world.b.partnership, cycle=world.b.cycle))
    assert rows and all(row.partnership_id == world.b.partnership.pk for row in rows)


def test_participants_keep_to_the_cycles_partnership_whatever_the_scope_lists(world):
    """A scope that names another partnership's agency or locality (as a
    forged form could) still yields only the cycle's own partnership's."""
    a, b = world.a, world.b
    a.cycle.agency_scope = AgencyScope.CHOSEN
    a.cycle.save()
    a.cycle.chosen_agencies.set([world.nhs, b.agency])
    assert list(cycle_participants(cycle=a.cycle)) == [world.nhs]
    a.cycle.agency_scope = AgencyScope.LOCALITY
    a.cycle.save()
    world.nhs.localities.set([a.locality])
    b.agency.localities.set([b.locality])
    a.cycle.scope_localities.set([a.locality, b.locality])
    participants = list(cycle_participants(cycle=a.cycle))
    assert world.nhs in participants
    assert all(agency.partnership_id == a.partnership.pk for agency in participants)
    assert list(
        scope_agencies(
            partnership_id=a.partnership.pk,
            scope=AgencyScope.CHOSEN,
            sectors=[],
            locality_ids=[],
            agency_ids=[b.agency.pk, world.police.pk],
        )
    ) == [world.police]


def test_in_scope_or_started(world):
    a = world.a
    assert list(cycle_agencies_without_return(partnership=a.partnership, cycle=a.cycle)) == [world.police]
    # The council's untouched return is left out; the charity's started one counts.
    assert list(cycle_returns_taking_part(partnership=a.partnership, cycle=a.cycle)) == [world.charity_return]
    assert list(cycle_agencies_taking_part(partnership=a.partnership, cycle=a.cycle)) == [
        world.charity,
        world.police,
    ]


def test_an_inactive_agency_counts_only_once_it_has_started(world):
    a = world.a
    world.police.is_active = False
    world.police.save()
    assert list(cycle_agencies_taking_part(partnership=a.partnership, cycle=a.cycle)) == [world.charity]
    world.charity.is_active = False
    world.charity.save()
    assert list(cycle_agencies_taking_part(partnership=a.partnership, cycle=a.cycle)) == [world.charity]


def test_chosen_and_locality_scopes(world):
    a = world.a
    a.cycle.agency_scope = AgencyScope.CHOSEN
    a.cycle.save()
    a.cycle.chosen_agencies.set([world.nhs, a.agency])
    assert list(cycle_agencies_without_return(partnership=a.partnership, cycle=a.cycle)) == [world.nhs]
    returns = cycle_returns_taking_part(partnership=a.partnership, cycle=a.cycle)
    assert set(returns) == {a.submission, world.charity_return}

    south = LocalityFactory(partnership=a.partnership, name="Alpha South")
    world.police.localities.set([south, a.locality])
    a.cycle.agency_scope = AgencyScope.LOCALITY
    a.cycle.save()
    a.cycle.scope_localities.set([a.locality, south])
    # The police force is in both localities: once.
    assert list(cycle_agencies_taking_part(partnership=a.partnership, cycle=a.cycle)) == [
        a.agency,
        world.charity,
        world.police,
    ]


def test_participants_cost_no_query_until_used(world):
    a = world.a
    a.cycle.agency_scope = AgencyScope.CHOSEN
    a.cycle.save()
    a.cycle.chosen_agencies.set([world.nhs])
    with CaptureQueriesContext(connection) as queries:
        participants = cycle_participants(cycle=a.cycle)
        taking_part = cycle_agencies_taking_part(partnership=a.partnership, cycle=a.cycle)
    assert len(queries) == 0
    assert list(participants) == [world.nhs]
    assert list(taking_part) == [world.charity, world.nhs]


def test_dashboard_and_reports_agree_on_who_takes_part(world):
    a = world.a
    rows = {r.agency_name: r for r in cycle_agency_rows(partnership=a.partnership, cycle=a.cycle)}
    assert set(rows) == {"Alpha Charity", "Alpha Police"}
    assert rows["Alpha Charity"].status == SubmissionStatus.IN_PROGRESS
    assert rows["Alpha Police"].status == SubmissionStatus.NOT_STARTED
    assert rows["Alpha Police"].submission_id is None

    counts = {c.status: c.count for c in cycle_status_counts(partnership=a.partnership, cycle=a.cycle)}
    assert (counts["not_started"], counts["in_progress"]) == (1, 1)
    assert sum(counts.values()) == 2

    (group,) = cycle_heatmap(partnership=a.partnership, cycle=a.cycle)
    assert sorted(r.agency_name for r in group.rows) == ["Alpha Charity", "Alpha Police"]

    report = cycle_summary_report(partnership=a.partnership, cycle=a.cycle)
    report_counts = {s.status: s.count for s in report.statuses}
    assert (report_counts["not_started"], report_counts["in_progress"]) == (1, 1)
    assert report.returns_total == 2
    # The exports hold the returns that count: the charity's.
    assert export_sizes(partnership=a.partnership, cycle=a.cycle).returns == 1


def test_a_return_started_then_submitted_out_of_scope_still_counts(world):
    a = world.a
    SubmissionFactory._meta.model.objects.filter(pk=a.submission.pk).update(status=SubmissionStatus.RETURNED)
    rows = {r.agency_name for r in cycle_agency_rows(partnership=a.partnership, cycle=a.cycle)}
    assert rows == {"Alpha Charity", "Alpha Police", "ALPHA Borough Council"}


def test_heatmap_puts_an_agency_without_a_return_under_the_set_it_will_answer(world):
    a = world.a
    police_set = question_set_with_questions(a.partnership, themes=2, name="Police set")
    cycle_question_set_assign(cycle=a.cycle, question_set=police_set, sector=Sector.POLICE)
    groups = {g.question_set: g for g in cycle_heatmap(partnership=a.partnership, cycle=a.cycle)}
    assert [r.agency_name for r in groups[police_set].rows] == ["Alpha Police"]
    assert len(groups[police_set].rows[0].cells) == 2
    assert [r.agency_name for r in groups[a.question_set].rows] == ["Alpha Charity"]


def test_returns_made_when_the_cycle_opens_are_on_each_groups_set(world):
    """cycle_submissions_ensure (run when a cycle opens) gives each agency
    the set the public question list says it answers."""
    a = world.a
    police_set = question_set_with_questions(a.partnership, themes=2, name="Police set")
    cycle_question_set_assign(cycle=a.cycle, question_set=police_set, sector=Sector.POLICE)
    other_police = AgencyFactory(partnership=a.partnership, name="Alpha Police Two", sector=Sector.POLICE)
    assert cycle_submissions_ensure(cycle=a.cycle) == 2
    made = {s.agency: s.question_set for s in Submission.objects.filter(cycle=a.cycle)}
    assert made[world.police] == police_set and made[other_police] == police_set
    assert made[world.charity] == a.question_set  # started before, on the cycle's own
