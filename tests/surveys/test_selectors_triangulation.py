"""The agency's answers and ratings beside the share of its practitioners
who agree, checked against figures worked out by hand, on the selector and
on the review page."""

import pytest
from django.test import Client

from audits.models import Rag
from partnerships.models import StaffRole
from surveys.models import Choice, SurveyQuestion
from surveys.selectors import survey_triangulation, survey_triangulation_across_agencies
from surveys.services import survey_update
from tests.factories import AgencyFactory, theme_save, two_partnerships
from tests.staff import staff_client, staff_url

from .helpers import ADMIN, link_of, replies_add, survey_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alpha's agency answered q-2 Yes in theme 1 (Green), No in theme 2
    (Amber) and N/A in theme 3 (Amber), and every q-1 Yes. Its survey tests
    q-2 with "know-escalation" and q-1 with "recent-training"; the threshold
    is 45 points."""
    worlds = two_partnerships()
    a = worlds.a
    survey = survey_make(a, threshold=45)
    SurveyQuestion.objects.filter(survey=survey).update(linked_keys=[])
    SurveyQuestion.objects.filter(survey=survey, key="know-escalation").update(linked_keys=["q-2"])
    SurveyQuestion.objects.filter(survey=survey, key="recent-training").update(linked_keys=["q-1"])
    themes = list(a.question_set.themes.order_by("order"))
    for theme, q2, rag in zip(themes, ["yes", "no", "na"], [Rag.GREEN, Rag.AMBER, Rag.AMBER], strict=True):
        answers = {q.pk: (q2 if q.key == "q-2" else "yes") for q in theme.questions.all()}
        theme_save(a.submission, theme, answers=answers, rag=rag, comments="Question 2 does not apply to us.")
    return worlds, survey


def _rows(triangulation):
    return [
        (
            r.theme_order,
            r.survey_question[:20],
            r.answer,
            r.rag,
            r.agreeing,
            r.replies,
            round(r.agree_share),
            r.flagged,
        )
        for r in triangulation.rows
    ]


def test_figures_match_the_hand_worked_ones(world, django_assert_num_queries):
    worlds, survey = world
    link = link_of(survey, worlds.a.agency)
    # 37 practitioners: 15 know the escalation policy, 22 do not; all 37 trained.
    replies_add(link, agreeing=15)
    replies_add(link, agreeing=22, overrides={"know-escalation": Choice.DISAGREE})

    with django_assert_num_queries(2):
        triangulation = survey_triangulation(partnership=worlds.a.partnership, submission=worlds.a.submission)

    assert triangulation.replies == 37
    # 15/37 = 40.5%: Yes claims 100%, 59.5 points away (>= 45: flagged);
    # No claims 0%, 40.5 points away (< 45: not); N/A claims nothing.
    assert _rows(triangulation) == [
        (1, "I have had safeguard", "yes", "green", 37, 37, 100, False),
        (1, "I know how to escala", "yes", "green", 15, 37, 41, True),
        (2, "I have had safeguard", "yes", "amber", 37, 37, 100, False),
        (2, "I know how to escala", "no", "amber", 15, 37, 41, False),
        (3, "I have had safeguard", "yes", "amber", 37, 37, 100, False),
        (3, "I know how to escala", "na", "amber", 15, 37, 41, False),
    ]
    assert triangulation.flagged == 1


def test_the_review_page_shows_it_and_the_threshold_the_partnership_set(world):
    worlds, survey = world
    replies_add(link_of(survey, worlds.a.agency), agreeing=15)
    replies_add(link_of(survey, worlds.a.agency), agreeing=22, overrides={"know-escalation": Choice.DISAGREE})
    client = staff_client(Client(), worlds.a.partnership, StaffRole.REVIEWER)
    url = staff_url(worlds.a.partnership, "staff_return_review", reference=worlds.a.submission.reference)

    html = client.get(url).content.decode()

    assert "What practitioners say" in html
    assert "41% of 37 practitioners agree" in html
    assert html.count(">Differs</strong>") == 1
    assert "of 45 percentage points or more" in html
    survey.disagreement_threshold = 20
    survey.save(update_fields=["disagreement_threshold"])
    assert client.get(url).content.decode().count(">Differs</strong>") == 2


def test_under_five_replies_the_review_page_shows_only_the_count(world):
    worlds, survey = world
    replies_add(link_of(survey, worlds.a.agency), agreeing=4)
    client = staff_client(Client(), worlds.a.partnership, StaffRole.REVIEWER)
    html = client.get(
        staff_url(worlds.a.partnership, "staff_return_review", reference=worlds.a.submission.reference)
    ).content.decode()
    assert "4 of the agency's practitioners have answered" in html
    assert "% of" not in html.split("What practitioners say")[1].split("</p>")[0]
    assert "Differs" not in html


def test_no_survey_or_another_partnership_gives_nothing(world):
    worlds, survey = world
    assert survey_triangulation(partnership=worlds.a.partnership, submission=worlds.a.submission) is None
    replies_add(link_of(survey, worlds.a.agency), agreeing=6)
    assert survey_triangulation(partnership=worlds.b.partnership, submission=worlds.a.submission) is None
    assert survey_triangulation(partnership=worlds.b.partnership, submission=worlds.b.submission) is None


def test_across_agencies_only_groups_of_five_with_the_same_flags(world, django_assert_num_queries):
    worlds, survey = world
    small = AgencyFactory(partnership=worlds.a.partnership, name="Small Charity")
    survey_update(partnership=worlds.a.partnership, survey=survey, disagreement_threshold=45, actor=ADMIN)
    link = link_of(survey, worlds.a.agency)
    replies_add(link, agreeing=15)
    replies_add(link, agreeing=22, overrides={"know-escalation": Choice.DISAGREE})
    replies_add(link_of(survey, small), agreeing=4)

    with django_assert_num_queries(4):
        rows = survey_triangulation_across_agencies(partnership=worlds.a.partnership, survey=survey)

    [row] = rows  # the charity's 4 replies are not shown
    assert (row.agency, row.replies) == (worlds.a.agency, 37)
    by_key = {q.key: cell for q, cell in zip(survey.questions.all(), row.cells, strict=True)}
    escalation = by_key["know-escalation"]
    # q-2 answered Yes, No and N/A: Yes is 59.5 points from 40.5%, flagged at 45.
    assert (escalation.agreeing, escalation.replies, sorted(escalation.answers)) == (
        15,
        37,
        ["na", "no", "yes"],
    )
    assert escalation.flagged and not by_key["recent-training"].flagged
    assert row.flagged == 1
    assert survey_triangulation_across_agencies(partnership=worlds.b.partnership, survey=survey) == []

    client = staff_client(Client(), worlds.a.partnership, StaffRole.REVIEWER)
    html = client.get(staff_url(worlds.a.partnership, "staff_survey", cycle_slug="s11-2026")).content.decode()
    table = html.split('id="against-heading"')[1].split("</table>")[0].split("<tbody")[1]
    assert "41%" in table and table.count(">Differs</strong>") == 1 and "Small Charity" not in table
