"""Every selector in surveys/selectors.py keeps to its partnership, and no
figure about a group of fewer than MIN_GROUP practitioners ever leaves it."""

import inspect

import pytest
from django.http import Http404

from surveys import selectors
from surveys.services import survey_update
from tests.factories import AgencyFactory, two_partnerships

from .helpers import ADMIN, link_of, replies_add, survey_make

pytestmark = pytest.mark.django_db

COVERED = {
    "survey_list",
    "survey_get",
    "survey_for_cycle",
    "survey_link_get",
    "survey_questions",
    "survey_progress",
    "survey_results",
    "survey_results_by_agency",
    "survey_triangulation",  # tests/surveys/test_selectors_triangulation.py
    "survey_triangulation_across_agencies",  # tests/surveys/test_selectors_triangulation.py
    "survey_agreement_by_agency",  # tests/surveys/test_selectors_heatmap_overlay.py
}


def test_every_selector_has_a_tenancy_test():
    public = {
        name
        for name, fn in inspect.getmembers(selectors, inspect.isfunction)
        if fn.__module__ == selectors.__name__ and not name.startswith("_")
    }
    assert public - COVERED == set(), (
        "add a test that the new selector refuses other partnerships' rows (and list it in COVERED)"
    )


def test_every_selector_takes_the_partnership_first():
    for name in COVERED:
        params = list(inspect.signature(getattr(selectors, name)).parameters.values())
        assert params[0].name == "partnership" and params[0].kind is inspect.Parameter.KEYWORD_ONLY, name


@pytest.fixture
def world():
    worlds = two_partnerships()
    return worlds, survey_make(worlds.a), survey_make(worlds.b)


def test_survey_list_get_and_for_cycle_keep_to_the_partnership(world):
    worlds, a, b = world
    assert list(selectors.survey_list(partnership=worlds.a.partnership)) == [a]
    assert selectors.survey_get(partnership=worlds.a.partnership, cycle=worlds.a.cycle) == a
    with pytest.raises(Http404):
        selectors.survey_get(partnership=worlds.a.partnership, cycle=worlds.b.cycle)
    assert selectors.survey_for_cycle(partnership=worlds.a.partnership, cycle=worlds.b.cycle) is None
    assert selectors.survey_for_cycle(partnership=worlds.b.partnership, cycle=worlds.b.cycle) == b


def test_survey_link_get_is_a_404_for_another_partnerships_token(world):
    worlds, _a, b = world
    token = link_of(b, worlds.b.agency).token
    assert selectors.survey_link_get(partnership=worlds.b.partnership, token=token).survey == b
    with pytest.raises(Http404):
        selectors.survey_link_get(partnership=worlds.a.partnership, token=token)


def test_questions_progress_and_results_of_another_partnerships_survey_are_empty(world):
    worlds, _a, b = world
    replies_add(link_of(b, worlds.b.agency), agreeing=6)
    assert list(selectors.survey_questions(partnership=worlds.a.partnership, survey=b)) == []
    assert selectors.survey_progress(partnership=worlds.a.partnership, survey=b) == []
    results = selectors.survey_results(partnership=worlds.a.partnership, survey=b)
    assert results.replies == 0 and results.questions == []
    assert (
        selectors.survey_results(partnership=worlds.a.partnership, survey=b, agency=worlds.b.agency).replies
        == 0
    )
    assert selectors.survey_results_by_agency(partnership=worlds.a.partnership, survey=b) == []
    # Its own partnership sees them.
    assert selectors.survey_results(partnership=worlds.b.partnership, survey=b).replies == 6


def test_an_agency_under_five_replies_is_shown_as_a_count_only(world):
    worlds, a, _ = world
    link = link_of(a, worlds.a.agency)
    replies_add(link, agreeing=3, disagreeing=1)

    results = selectors.survey_results(partnership=worlds.a.partnership, survey=a, agency=worlds.a.agency)
    assert results.suppressed and results.replies == 4 and results.questions == []
    [row] = selectors.survey_progress(partnership=worlds.a.partnership, survey=a)
    assert (row.replies, row.shown) == (4, False)

    replies_add(link, agreeing=1)
    results = selectors.survey_results(partnership=worlds.a.partnership, survey=a, agency=worlds.a.agency)
    assert not results.suppressed and results.replies == 5
    first = results.questions[0]
    assert (first.agreeing, first.replies, first.agree_share) == (4, 5, 80.0)
    assert first.rows() == [
        ("Strongly agree", 0),
        ("Agree", 4),
        ("Neither agree nor disagree", 0),
        ("Disagree", 1),
        ("Strongly disagree", 0),
    ]


def test_the_all_agencies_figures_leave_out_small_agencies_so_none_can_be_worked_out(world):
    worlds, a, _ = world
    small = AgencyFactory(partnership=worlds.a.partnership)
    third = AgencyFactory(partnership=worlds.a.partnership)
    survey_update(partnership=worlds.a.partnership, survey=a, disagreement_threshold=25, actor=ADMIN)
    replies_add(link_of(a, worlds.a.agency), agreeing=5)
    replies_add(link_of(a, small), disagreeing=4, agreeing=0)
    replies_add(link_of(a, third), agreeing=2, disagreeing=4)

    results = selectors.survey_results(partnership=worlds.a.partnership, survey=a)
    assert (results.replies, results.agencies) == (11, 2)
    assert results.questions[0].agreeing == 7
    by_agency = dict(selectors.survey_results_by_agency(partnership=worlds.a.partnership, survey=a))
    assert by_agency[small].suppressed and by_agency[small].questions == []
    assert not by_agency[third].suppressed


def test_all_agencies_together_under_five_is_suppressed_too(world):
    worlds, a, _ = world
    replies_add(link_of(a, worlds.a.agency), agreeing=4)
    results = selectors.survey_results(partnership=worlds.a.partnership, survey=a)
    assert results.suppressed and results.questions == []
