"""audits/selectors/public.py: the question sets a cycle's agencies answer,
for its public pages. Each keeps to its partnership; the groups each set is
for follow the rules and who takes part."""

import pytest
from django.http import Http404

from audits.selectors.public import (
    SECTOR_GROUPS,
    cycle_public_question_set_get,
    cycle_public_question_sets,
)
from audits.services.question_sets import cycle_question_set_assign
from partnerships.models import Sector
from tests.factories import AgencyFactory, question_set_with_questions, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"cycle_public_question_sets", "cycle_public_question_set_get"}


@pytest.fixture
def worlds():
    return two_partnerships()


def test_selectors_refuse_another_partnerships_cycle(worlds):
    a, b = worlds.a, worlds.b
    with pytest.raises(Http404):
        cycle_public_question_sets(partnership=a.partnership, cycle=b.cycle)
    with pytest.raises(Http404):
        cycle_public_question_set_get(partnership=a.partnership, cycle=b.cycle, question_set_id=None)
    with pytest.raises(Http404):
        cycle_public_question_set_get(
            partnership=a.partnership, cycle=a.cycle, question_set_id=b.question_set.pk
        )


def test_one_set_for_everyone(worlds):
    a = worlds.a
    (entry,) = cycle_public_question_sets(partnership=a.partnership, cycle=a.cycle)
    assert entry.question_set == a.question_set and entry.is_for_everyone
    assert [t.key for t in entry.themes] == list(
        a.question_set.themes.order_by("order").values_list("key", flat=True)
    )
    assert entry.question_count == 12


def test_groups_follow_the_winning_rules(worlds, django_assert_max_num_queries):
    a = worlds.a
    p = a.partnership
    community = question_set_with_questions(p, themes=1, questions=2, name="Community set")
    police_set = question_set_with_questions(p, themes=1, questions=1, name="Police set")
    cycle_question_set_assign(cycle=a.cycle, question_set=community, sector=Sector.VOLUNTARY)
    cycle_question_set_assign(cycle=a.cycle, question_set=community, statutory_group="non_statutory")
    cycle_question_set_assign(cycle=a.cycle, question_set=police_set, sector=Sector.POLICE)
    special = AgencyFactory(partnership=p, name="Alpha Special Police", sector=Sector.POLICE)
    cycle_question_set_assign(cycle=a.cycle, question_set=community, agency=special)
    AgencyFactory(partnership=p, sector=Sector.VOLUNTARY, is_statutory=False)
    AgencyFactory(partnership=p, sector=Sector.SPORT, is_statutory=False)
    # The police rule applies to nobody: the only police agency has its own rule.
    for _ in range(5):
        AgencyFactory(partnership=p)
    with django_assert_max_num_queries(4):
        entries = cycle_public_question_sets(partnership=p, cycle=a.cycle)
    assert [(e.question_set, e.heading) for e in entries] == [
        (a.question_set, f"For every other organisation: {a.question_set.name}"),
        (
            community,
            "For Alpha Special Police, voluntary, community or faith organisations and "
            "organisations taking part by choice (not statutory partners): Community set",
        ),
    ]
    assert entries[1].question_count == 2
    entry = cycle_public_question_set_get(partnership=p, cycle=a.cycle, question_set_id=community.pk)
    assert entry.for_words.startswith("Alpha Special Police")
    with pytest.raises(Http404):
        cycle_public_question_set_get(partnership=p, cycle=a.cycle, question_set_id=police_set.pk)


def test_when_everyone_answers_a_rules_set_the_cycles_own_is_not_listed(worlds):
    a = worlds.a
    council_set = question_set_with_questions(a.partnership, themes=1, name="Council set")
    cycle_question_set_assign(cycle=a.cycle, question_set=council_set, sector=Sector.LOCAL_AUTHORITY)
    (entry,) = cycle_public_question_sets(partnership=a.partnership, cycle=a.cycle)
    assert entry.heading == "For local authorities and district councils: Council set"
    # The sheet without ?set= is still the cycle's own set's.
    default = cycle_public_question_set_get(partnership=a.partnership, cycle=a.cycle, question_set_id=None)
    assert default.question_set == a.question_set and len(default.themes) == 3


def test_every_sector_has_words():
    assert set(SECTOR_GROUPS) == set(Sector)
