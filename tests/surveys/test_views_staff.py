"""The survey's staff pages: set-up, replies per agency, each agency's
results and the CSV export, each keeping groups under five out."""

import csv
import io

import pytest
from django.test import Client

from core.models import AuditEvent
from partnerships.models import StaffRole
from surveys.models import Survey
from surveys.services import survey_update
from tests.factories import AgencyFactory, two_partnerships
from tests.staff import staff_client, staff_url

from .helpers import ADMIN, link_of, replies_add, survey_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Alpha: its council with 6 replies, "=Formula Trust" with 5 and
    "Small Charity" with 3."""
    worlds = two_partnerships()
    a = worlds.a
    formula = AgencyFactory(partnership=a.partnership, name="=Formula Trust")
    small = AgencyFactory(partnership=a.partnership, name="Small Charity")
    survey = survey_make(a)
    replies_add(link_of(survey, a.agency), agreeing=4, disagreeing=2)
    replies_add(link_of(survey, formula), agreeing=5)
    replies_add(link_of(survey, small), agreeing=1, disagreeing=2)
    return worlds, survey, formula, small


def _client(partnership, role=StaffRole.REVIEWER):
    return staff_client(Client(), partnership, role)


def test_setup_makes_the_survey_and_then_changes_its_threshold():
    worlds = two_partnerships()
    client = _client(worlds.a.partnership, StaffRole.ADMIN)
    url = staff_url(worlds.a.partnership, "staff_survey_setup", cycle_slug=worlds.a.cycle.slug)

    response = client.post(url, {"library_key": "practitioners", "disagreement_threshold": "abc"})
    assert "The difference to flag must be a whole number, like 25" in response.content.decode()
    assert 'value="abc"' in response.content.decode()
    assert not Survey.objects.exists()

    response = client.post(url, {"library_key": "practitioners", "disagreement_threshold": "30"})
    assert response.status_code == 302
    survey = Survey.objects.get()
    assert (survey.cycle, survey.disagreement_threshold, survey.links.count()) == (worlds.a.cycle, 30, 1)
    assert AuditEvent.objects.filter(verb="survey_created", partnership=worlds.a.partnership).exists()

    assert client.post(url, {"disagreement_threshold": "40"}).status_code == 302
    survey.refresh_from_db()
    assert survey.disagreement_threshold == 40


def test_the_overview_shows_replies_per_agency_and_results_only_of_big_enough_groups(world):
    worlds, survey, formula, small = world
    html = (
        _client(worlds.a.partnership)
        .get(staff_url(worlds.a.partnership, "staff_survey", cycle_slug=worlds.a.cycle.slug))
        .content.decode()
    )
    assert "14 replies so far" in html
    for agency, _count in ((worlds.a.agency, 6), (formula, 5), (small, 3)):
        assert link_of(survey, agency).token in html
    assert "(results at 5)" in html and html.count("(results at 5)") == 1
    # Across agencies: the council's 6 and the trust's 5, not the charity's 3.
    assert "2 agencies with 5 or more replies" in html
    assert "82% of 11 agree" in html  # 9 of 11
    assert (
        staff_url(worlds.a.partnership, "staff_survey_agency", cycle_slug="s11-2026", agency_id=small.pk)
        not in html
    )


def test_an_agency_under_five_has_no_results_page_figures(world):
    worlds, _survey, _formula, small = world
    client = _client(worlds.a.partnership)
    html = client.get(
        staff_url(worlds.a.partnership, "staff_survey_agency", cycle_slug="s11-2026", agency_id=small.pk)
    ).content.decode()
    assert "Results are shown once 5 or more practitioners have replied (3 so far)" in html
    assert "% of" not in html
    html = client.get(
        staff_url(
            worlds.a.partnership, "staff_survey_agency", cycle_slug="s11-2026", agency_id=worlds.a.agency.pk
        )
    ).content.decode()
    assert "67% of 6 agree" in html
    # Another partnership's agency is not in this survey.
    response = client.get(
        staff_url(
            worlds.a.partnership, "staff_survey_agency", cycle_slug="s11-2026", agency_id=worlds.b.agency.pk
        )
    )
    assert response.status_code == 404


def test_the_export_has_no_row_for_a_group_under_five_and_guards_cells(world):
    worlds, _survey, _formula, _small = world
    response = _client(worlds.a.partnership).get(
        staff_url(worlds.a.partnership, "staff_survey_export", cycle_slug="s11-2026")
    )
    assert response["Content-Disposition"].startswith(
        'attachment; filename="alpha-s11-2026-practitioners-survey-'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    groups = {row[0]: int(row[1]) for row in rows[1:]}
    assert groups == {
        "All agencies with enough replies": 11,
        worlds.a.agency.name: 6,
        "'=Formula Trust": 5,  # the spreadsheet guard: text, not a formula
    }
    assert "Small Charity" not in response.content.decode()
    council = [row for row in rows if row[0] == worlds.a.agency.name and row[2].startswith("I know who")]
    assert [(row[3], row[4], row[5]) for row in council] == [
        ("Strongly agree", "0", "67"),
        ("Agree", "4", "67"),
        ("Neither agree nor disagree", "0", "67"),
        ("Disagree", "2", "67"),
        ("Strongly disagree", "0", "67"),
    ]


def test_survey_update_gives_an_agency_added_later_its_link(world):
    worlds, survey, *_ = world
    late = AgencyFactory(partnership=worlds.a.partnership)
    assert (
        survey_update(partnership=worlds.a.partnership, survey=survey, disagreement_threshold=25, actor=ADMIN)
        == 1
    )
    assert link_of(survey, late).token


def test_the_cycle_dashboard_leads_to_the_survey_page_which_offers_set_up_to_admins(world):
    worlds, *_ = world
    html = (
        _client(worlds.a.partnership)
        .get(staff_url(worlds.a.partnership, "staff_cycle_dashboard", cycle_slug="s11-2026"))
        .content.decode()
    )
    assert staff_url(worlds.a.partnership, "staff_survey", cycle_slug="s11-2026") in html
    # Bravo has no survey: its admin is offered one, its reviewer is not.
    setup = staff_url(worlds.b.partnership, "staff_survey_setup", cycle_slug="s11-2026")
    page = staff_url(worlds.b.partnership, "staff_survey", cycle_slug="s11-2026")
    assert setup in _client(worlds.b.partnership, StaffRole.ADMIN).get(page).content.decode()
    html = _client(worlds.b.partnership).get(page).content.decode()
    assert "This cycle has no practitioners' survey" in html and setup not in html


def test_the_summary_report_page_and_pdf_show_groups_of_five_only(world):
    worlds, *_ = world
    client = _client(worlds.a.partnership)
    html = client.get(
        staff_url(worlds.a.partnership, "staff_cycle_report", cycle_slug="s11-2026")
    ).content.decode()
    section = html.split("What practitioners say")[1]
    # The council's 6 and the trust's 5; the charity's 3 are left out.
    assert "11 practitioners in 2 agencies with 5 or more replies" in section
    assert "82% of 11" in section
    assert "Small Charity" not in section
    # Bravo has no survey: no section.
    bravo = _client(worlds.b.partnership).get(
        staff_url(worlds.b.partnership, "staff_cycle_report", cycle_slug="s11-2026")
    )
    assert "What practitioners say" not in bravo.content.decode()
