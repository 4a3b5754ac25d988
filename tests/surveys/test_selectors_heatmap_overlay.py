"""The practitioners' survey over the RAG heatmap: each agency's cell of a
theme shows the share of its practitioners who agree with each statement
linked to that theme's questions, flagged against the partnership's
threshold; figures worked out by hand; nothing for a group under five;
within the heatmap's query budget; no JavaScript needed (a GET box)."""

import pytest
from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext

from audits.models import Rag
from audits.selectors.dashboard import cycle_heatmap
from partnerships.models import StaffRole
from surveys.models import Choice, SurveyQuestion
from surveys.selectors import survey_agreement_by_agency
from tests.factories import AgencyFactory, theme_save, two_partnerships
from tests.staff import staff_client, staff_url

from .helpers import link_of, replies_add, survey_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alpha's agency answered q-2 Yes in theme 1 (Green), No in theme 2
    (Amber) and N/A in theme 3 (Amber), every q-1 Yes. The survey tests q-2
    with "know-escalation" and q-1 with "recent-training", threshold 45.
    37 practitioners replied: 15 know the escalation policy, 22 do not; all
    37 had recent training. A charity of Alpha has 4 replies."""
    worlds = two_partnerships()
    a = worlds.a
    small = AgencyFactory(partnership=a.partnership, name="Small Charity")
    survey = survey_make(a, threshold=45)
    SurveyQuestion.objects.filter(survey=survey).update(linked_keys=[])
    SurveyQuestion.objects.filter(survey=survey, key="know-escalation").update(linked_keys=["q-2"])
    SurveyQuestion.objects.filter(survey=survey, key="recent-training").update(linked_keys=["q-1"])
    themes = list(a.question_set.themes.order_by("order"))
    for theme, q2, rag in zip(themes, ["yes", "no", "na"], [Rag.GREEN, Rag.AMBER, Rag.AMBER], strict=True):
        answers = {q.pk: (q2 if q.key == "q-2" else "yes") for q in theme.questions.all()}
        theme_save(a.submission, theme, answers=answers, rag=rag, comments="Question 2 does not apply to us.")
    link = link_of(survey, a.agency)
    replies_add(link, agreeing=15)
    replies_add(link, agreeing=22, overrides={"know-escalation": Choice.DISAGREE})
    replies_add(link_of(survey, small), agreeing=4)
    return worlds, survey, themes, small


def _figures(agreement, agency, theme):
    return [
        (n.statement[:20], n.agreeing, n.replies, round(n.agree_share), n.answers, n.flagged)
        for n in agreement.cell(agency.pk, theme)
    ]


def test_figures_match_the_hand_worked_ones(world, django_assert_num_queries):
    worlds, _, themes, small = world
    a = worlds.a

    with django_assert_num_queries(2):
        agreement = survey_agreement_by_agency(partnership=a.partnership, cycle=a.cycle)

    assert agreement.agencies == 1 and agreement.threshold == 45
    # 15/37 = 40.5% agree: Yes claims 100% (59.5 points away, >= 45:
    # flagged), No claims 0% (40.5 points: not), N/A claims nothing.
    # 37/37 = 100% trained, against Yes: 0 points.
    assert _figures(agreement, a.agency, themes[0]) == [
        ("I have had safeguard", 37, 37, 100, ("yes",), False),
        ("I know how to escala", 15, 37, 41, ("yes",), True),
    ]
    assert _figures(agreement, a.agency, themes[1]) == [
        ("I have had safeguard", 37, 37, 100, ("yes",), False),
        ("I know how to escala", 15, 37, 41, ("no",), False),
    ]
    assert _figures(agreement, a.agency, themes[2])[1] == ("I know how to escala", 15, 37, 41, ("na",), False)
    # Four replies: never shown, not even counted among the agencies.
    assert agreement.cell(small.pk, themes[0]) == ()
    assert small.pk not in agreement.tallies


def test_the_threshold_is_the_partnerships(world):
    worlds, survey, themes, _ = world
    survey.disagreement_threshold = 40
    survey.save(update_fields=["disagreement_threshold"])
    agreement = survey_agreement_by_agency(partnership=worlds.a.partnership, cycle=worlds.a.cycle)
    # 40.5 points from No is now >= 40.
    assert [n.flagged for n in agreement.cell(worlds.a.agency.pk, themes[1])] == [False, True]


def test_a_fifth_reply_makes_the_small_agency_appear(world):
    worlds, survey, themes, small = world
    replies_add(link_of(survey, small), agreeing=0, disagreeing=1)
    agreement = survey_agreement_by_agency(partnership=worlds.a.partnership, cycle=worlds.a.cycle)
    # 4 of 5 agree; the charity has no return, so nothing to flag against.
    assert _figures(agreement, small, themes[0]) == [
        ("I have had safeguard", 4, 5, 80, (), False),
        ("I know how to escala", 4, 5, 80, (), False),
    ]


def test_another_partnership_or_no_survey_gives_nothing(world):
    worlds, *_ = world
    b = worlds.b
    agreement = survey_agreement_by_agency(partnership=b.partnership, cycle=worlds.a.cycle)
    assert agreement.tallies == {} and agreement.has_survey is False
    assert survey_agreement_by_agency(partnership=b.partnership, cycle=b.cycle).has_survey is False


def _heatmap(client, partnership, query=""):
    url = staff_url(partnership, "staff_cycle_heatmap", cycle_slug="s11-2026") + query
    client.get(url)  # as a running server has the partnership and question sets cached
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_heatmap_shows_it_only_when_asked_within_ten_queries(world):
    worlds, *_ = world
    a = worlds.a
    client = staff_client(Client(), a.partnership, StaffRole.READ_ONLY)

    plain, plain_queries = _heatmap(client, a.partnership, "?show_not_started=on")
    overlay, overlay_queries = _heatmap(client, a.partnership, "?show_not_started=on&survey=on")

    assert "practitioners agree" not in plain and 'id="practitioners-survey"' not in plain
    assert 'name="survey" type="checkbox" value="on">' in plain
    assert 'name="survey" type="checkbox" value="on" checked>' in overlay
    assert overlay.count("41% of 37 practitioners agree: “I know how to escalate") == 3
    assert overlay.count("100% of 37 practitioners agree") == 3
    assert overlay.count(">Differs</strong> 41% of 37") == 1
    assert "Shown for the 1 agency with 5 or more replies only" in overlay
    assert "45 percentage points or more" in overlay and ": 1 on this page" in overlay
    assert "of 4 practitioners" not in overlay
    assert overlay_queries == plain_queries + 2
    assert overlay_queries <= 10


def test_another_partnerships_heatmap_shows_none_of_it(world):
    worlds, *_ = world
    b = worlds.b
    client = staff_client(Client(), b.partnership, StaffRole.REVIEWER)
    html, _ = _heatmap(client, b.partnership, "?survey=on")
    assert "This cycle has no practitioners' survey." in html
    assert "practitioners agree" not in html


def test_the_cells_keep_their_ratings(world):
    worlds, *_ = world
    a = worlds.a
    [group] = cycle_heatmap(partnership=a.partnership, cycle=a.cycle)
    row = next(r for r in group.rows if r.agency_id == a.agency.pk)
    assert [c.rag for c in row.cells] == ["green", "amber", "amber"]
    assert all(c.notes == () for c in row.cells)
