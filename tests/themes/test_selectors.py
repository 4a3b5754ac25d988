"""Every question-set selector keeps to its partnership (listed in COVERED
in tests/audits/test_selectors.py)."""

import pytest
from django.http import Http404

from audits.selectors.question_sets import (
    cycle_agency_question_sets,
    cycle_question_set_rule_get,
    cycle_question_set_rule_list,
    question_set_list,
    question_set_usage,
)
from audits.services.question_sets import cycle_question_set_assign
from partnerships.models import Sector
from tests.factories import AgencyFactory, QuestionSetFactory, theme_save, two_partnerships
from themes import selectors

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds():
    return two_partnerships()


def test_question_set_list_holds_only_its_partnership_and_knows_what_is_frozen(worlds):
    a, _b = worlds
    unused = QuestionSetFactory(partnership=a.partnership)

    found = {q.pk: q for q in question_set_list(partnership=a.partnership)}

    assert set(found) == {a.question_set.pk, unused.pk}
    assert found[a.question_set.pk].frozen and not found[unused.pk].frozen
    assert (found[unused.pk].theme_count, found[unused.pk].question_count) == (3, 12)


def test_question_set_published_list_holds_only_its_partnerships_published_sets(worlds):
    a, _b = worlds
    QuestionSetFactory(partnership=a.partnership, status="draft", published_at=None)

    assert list(selectors.question_set_published_list(partnership=a.partnership)) == [a.question_set]


def test_question_set_get_refuses_another_partnership(worlds):
    a, b = worlds
    assert selectors.question_set_get(partnership=a.partnership, pk=a.question_set.pk) == a.question_set
    with pytest.raises(Http404):
        selectors.question_set_get(partnership=a.partnership, pk=b.question_set.pk)


def test_theme_get_and_question_get_refuse_another_set_or_partnership(worlds):
    a, b = worlds
    theme = a.question_set.themes.first()
    question = theme.questions.first()
    assert selectors.theme_get(partnership=a.partnership, question_set=a.question_set, pk=theme.pk) == theme
    assert (
        selectors.question_get(partnership=a.partnership, question_set=a.question_set, pk=question.pk)
        == question
    )

    other_theme = b.question_set.themes.first()
    with pytest.raises(Http404):
        selectors.theme_get(partnership=a.partnership, question_set=a.question_set, pk=other_theme.pk)
    with pytest.raises(Http404):
        selectors.theme_get(partnership=a.partnership, question_set=b.question_set, pk=other_theme.pk)
    with pytest.raises(Http404):
        selectors.question_get(
            partnership=a.partnership, question_set=b.question_set, pk=other_theme.questions.first().pk
        )
    sibling = QuestionSetFactory(partnership=a.partnership).themes.first()
    with pytest.raises(Http404):
        selectors.theme_get(partnership=a.partnership, question_set=a.question_set, pk=sibling.pk)


def test_theme_list_with_questions_is_the_sets_own(worlds):
    a, _ = worlds
    themes = selectors.theme_list_with_questions(question_set=a.question_set)
    assert {t.question_set_id for t in themes} == {a.question_set.pk}


def test_question_set_usage_counts_only_its_partnership(worlds):
    a, b = worlds
    usage = question_set_usage(partnership=a.partnership, question_set=a.question_set)
    assert usage == {"cycles": [a.cycle], "returns": 1}
    assert question_set_usage(partnership=a.partnership, question_set=b.question_set) == {
        "cycles": [],
        "returns": 0,
    }


def test_cycle_rule_selectors_hold_only_their_partnership(worlds):
    a, b = worlds
    rule_a = cycle_question_set_assign(cycle=a.cycle, question_set=a.question_set, sector=Sector.VOLUNTARY)
    rule_b = cycle_question_set_assign(cycle=b.cycle, question_set=b.question_set, sector=Sector.VOLUNTARY)

    assert cycle_question_set_rule_list(partnership=a.partnership, cycle=a.cycle) == [rule_a]
    with pytest.raises(Http404):
        cycle_question_set_rule_list(partnership=a.partnership, cycle=b.cycle)
    assert cycle_question_set_rule_get(partnership=a.partnership, cycle=a.cycle, pk=rule_a.pk) == rule_a
    with pytest.raises(Http404):
        cycle_question_set_rule_get(partnership=a.partnership, cycle=a.cycle, pk=rule_b.pk)
    with pytest.raises(Http404):
        cycle_question_set_rule_get(partnership=a.partnership, cycle=b.cycle, pk=rule_b.pk)


def test_cycle_agency_question_sets_lists_only_its_agencies(worlds, django_assert_max_num_queries):
    a, b = worlds
    theme_save(a.submission, a.question_set.themes.first())  # started: it keeps its set
    voluntary = QuestionSetFactory(partnership=a.partnership)
    cycle_question_set_assign(cycle=a.cycle, question_set=voluntary, sector=Sector.VOLUNTARY)
    for n in range(5):
        AgencyFactory(partnership=a.partnership, name=f"Charity {n}", sector=Sector.VOLUNTARY)

    with django_assert_max_num_queries(3):
        rows = cycle_agency_question_sets(partnership=a.partnership, cycle=a.cycle)

    assert {r.agency.partnership_id for r in rows} == {a.partnership.pk}
    assert len(rows) == 6
    assert [r.started for r in rows if r.agency == a.agency] == [True]
    assert {r.question_set for r in rows if r.agency != a.agency} == {voluntary}
    with pytest.raises(Http404):
        cycle_agency_question_sets(partnership=a.partnership, cycle=b.cycle)
