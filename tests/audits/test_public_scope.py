"""The public pages of a cycle follow who takes part in it and which
questions each group answers: the start form offers only agencies in the
cycle's scope, and the question list shows each question set with the group
it is for."""

import re
from urllib.parse import unquote

import pytest
from django.core import mail
from django.urls import reverse

from audits.models import AgencyScope, Submission
from audits.services.links import AgencyNotTakingPartError, start_request
from audits.services.question_sets import cycle_question_set_assign
from core.domain import DomainError
from core.models import OutboundEmail
from partnerships.models import Sector
from tests.audits.test_pdf import pdf_text
from tests.factories import (
    AgencyFactory,
    SubmissionFactory,
    question_set_with_questions,
    theme_save,
    two_partnerships,
)
from themes.models import Question, Theme

pytestmark = pytest.mark.django_db


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


@pytest.fixture
def world():
    """A's cycle asks only the police. A's council (the world's agency) is
    out of scope; so is an NHS trust; a charity left the scope after
    starting its return."""
    w = two_partnerships().a
    w.cycle.agency_scope = AgencyScope.SECTOR
    w.cycle.scope_sectors = [Sector.POLICE]
    w.cycle.save()
    w.police = AgencyFactory(
        partnership=w.partnership,
        name="Alpha Police",
        sector=Sector.POLICE,
        contacts=[("Pat Police", "pat@alpha-police.example")],
    )
    w.nhs = AgencyFactory(partnership=w.partnership, name="Alpha NHS Trust", sector=Sector.NHS)
    w.charity = AgencyFactory(partnership=w.partnership, name="Alpha Charity", sector=Sector.VOLUNTARY)
    theme_save(SubmissionFactory(cycle=w.cycle, agency=w.charity), w.question_set.themes.first())
    return w


def _options(html: str) -> list[str]:
    return re.findall(r'<option value="(\d+)"', html)


# ---------------------------------------------------------------------------
# The start form
# ---------------------------------------------------------------------------


def test_start_form_offers_only_agencies_taking_part(client, world):
    html = client.get(url(world, "cycle_start_form", cycle_slug=world.cycle.slug)).content.decode()
    assert _options(html) == [str(world.charity.pk), str(world.police.pk)]
    assert "Alpha NHS Trust" not in html and world.agency.name not in html


def test_start_form_refuses_an_agency_outside_the_scope_with_a_govuk_error(client, world):
    response = client.post(
        url(world, "cycle_start_form", cycle_slug=world.cycle.slug),
        {"agency": world.nhs.pk, "name": "Nia", "email": "nia@alpha-nhs.example"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and "<title>Error:" in html
    assert 'href="#id_agency"' in html  # the summary links to the field
    assert "Select your organisation from the list" in html
    assert 'value="Nia"' in html  # what was typed is kept
    assert not Submission.objects.filter(cycle=world.cycle, agency=world.nhs).exists()
    assert not OutboundEmail.objects.exists() and not mail.outbox


def test_start_form_for_an_agency_in_scope_sends_a_link(client, world):
    response = client.post(
        url(world, "cycle_start_form", cycle_slug=world.cycle.slug),
        {"agency": world.police.pk, "name": "Pat", "email": "pat@alpha-police.example"},
    )
    assert response.status_code == 302
    assert Submission.objects.filter(cycle=world.cycle, agency=world.police).exists()
    assert OutboundEmail.objects.filter(to_email="pat@alpha-police.example").exists()


def test_start_form_preselects_an_invited_agency_and_ignores_one_outside_the_scope(client, world):
    start = url(world, "cycle_start_form", cycle_slug=world.cycle.slug)
    html = client.get(f"{start}?agency={world.police.pk}").content.decode()
    assert f'<option value="{world.police.pk}" selected>' in html
    html = client.get(f"{start}?agency={world.nhs.pk}").content.decode()
    assert " selected>" not in html and "Alpha NHS Trust" not in html


def test_start_request_refuses_an_agency_outside_the_scope(world):
    with pytest.raises(AgencyNotTakingPartError, match="not asked to complete this audit"):
        start_request(cycle=world.cycle, agency=world.nhs, name="Nia", email="nia@alpha-nhs.example")
    assert not Submission.objects.filter(agency=world.nhs).exists()
    # The charity started before it left the scope: it may still get a link.
    start_request(cycle=world.cycle, agency=world.charity, name="Cal", email="cal@elsewhere.example")


def test_start_request_refuses_an_inactive_agency(world):
    world.police.is_active = False
    world.police.save()
    with pytest.raises(DomainError):
        start_request(cycle=world.cycle, agency=world.police, name="Pat", email="pat@alpha-police.example")


def test_start_form_shows_a_service_refusal_beside_the_field(client, world, monkeypatch):
    """The scope changed between the form's check and the service's: the
    service's refusal is shown beside the field, in the error summary."""
    from audits.views import public

    def refuse(**kwargs):
        raise AgencyNotTakingPartError("Alpha Police is not asked to complete this audit")

    monkeypatch.setattr(public.services, "start_request", refuse)
    response = client.post(
        url(world, "cycle_start_form", cycle_slug=world.cycle.slug),
        {"agency": world.police.pk, "name": "Pat", "email": "pat@alpha-police.example"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_agency"' in html and "is not asked to complete this audit" in html
    assert 'id="id_agency-error"' in html


# ---------------------------------------------------------------------------
# The question list and its reference sheets
# ---------------------------------------------------------------------------


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


@pytest.fixture
def sets_world():
    """A's cycle (every agency): voluntary organisations answer their own
    set; everyone else, the cycle's."""
    w = two_partnerships().a
    w.voluntary_set = question_set_with_questions(w.partnership, themes=2, questions=2, name="Community set")
    Theme.objects.filter(question_set=w.voluntary_set, order=1).update(title="Safe activities for children")
    cycle_question_set_assign(cycle=w.cycle, question_set=w.voluntary_set, sector=Sector.VOLUNTARY)
    AgencyFactory(partnership=w.partnership, name="Alpha Youth Club", sector=Sector.VOLUNTARY)
    return w


def test_question_list_of_a_cycle_with_one_set_is_unchanged(client, world):
    html = client.get(url(world, "question_list", cycle_slug=world.cycle.slug)).content.decode()
    assert "Different kinds of organisation" not in html
    assert "?set=" not in html
    for theme in world.question_set.themes.all():
        assert f'id="theme-{theme.key}"' in html


def test_question_list_shows_each_set_with_the_group_it_is_for(client, sets_world):
    w = sets_world
    html = client.get(url(w, "question_list", cycle_slug=w.cycle.slug)).content.decode()
    voluntary = "For voluntary, community or faith organisations: Community set"
    default = f"For every other organisation: {w.question_set.name}"
    assert f'<h2 class="govuk-heading-l" id="set-{w.voluntary_set.pk}">{voluntary}</h2>' in html
    assert f'<h2 class="govuk-heading-l" id="set-{w.question_set.pk}">{default}</h2>' in html
    assert html.index(default) < html.index(voluntary)  # the cycle's own set first
    assert "1. Safe activities for children" in html
    for question in Question.objects.filter(theme__question_set__in=[w.question_set, w.voluntary_set]):
        assert question.text in html
    # Each set offers its own reference sheets.
    for question_set in (w.question_set, w.voluntary_set):
        for name in ("question_list_pdf", "grading_sheet_pdf"):
            assert f'{url(w, name, cycle_slug=w.cycle.slug)}?set={question_set.pk}"' in html
    assert "reference sheet for voluntary, community or faith organisations (PDF)" in html
    assert "reference sheet for every other organisation (PDF)" in html

    start = client.get(url(w, "cycle_start", cycle_slug=w.cycle.slug)).content.decode()
    assert "Different kinds of organisation answer different questions" in start


def test_a_set_for_a_group_not_taking_part_is_not_listed(client, sets_world):
    w = sets_world
    w.cycle.agency_scope = AgencyScope.SECTOR
    w.cycle.scope_sectors = [Sector.LOCAL_AUTHORITY]
    w.cycle.save()
    html = client.get(url(w, "question_list", cycle_slug=w.cycle.slug)).content.decode()
    assert "Community set" not in html and "Different kinds of organisation" not in html


def test_reference_sheets_per_set(client, sets_world, private_storage):
    w = sets_world
    sheet = url(w, "question_list_pdf", cycle_slug=w.cycle.slug)
    response = client.get(f"{sheet}?set={w.voluntary_set.pk}")
    assert response.status_code == 200
    text = pdf_text(b"".join(response.streaming_content))
    assert "For voluntary, community or faith organisations." in text
    assert "Safe activities for children" in text
    assert "Question set: Community set" in text
    assert "Community set" in unquote(response["Content-Disposition"])
    for question in Question.objects.filter(theme__question_set=w.voluntary_set):
        assert question.text in text

    default = pdf_text(b"".join(client.get(sheet).streaming_content))
    assert "For every other organisation." in default and "Safe activities" not in default
    assert pdf_text(b"".join(client.get(f"{sheet}?set={w.question_set.pk}").streaming_content)) == default

    grades = client.get(f"{url(w, 'grading_sheet_pdf', cycle_slug=w.cycle.slug)}?set={w.voluntary_set.pk}")
    assert "Safe activities for children" in pdf_text(b"".join(grades.streaming_content))


def test_reference_sheet_of_a_set_the_cycle_does_not_use_is_not_found(client, sets_world, private_storage):
    w = sets_world
    sheet = url(w, "question_list_pdf", cycle_slug=w.cycle.slug)
    unused = question_set_with_questions(w.partnership, name="Unused set")
    other = question_set_with_questions(AgencyFactory(name="Elsewhere").partnership, name="Elsewhere's set")
    for value in (unused.pk, other.pk, "x", "-1", ""):
        assert client.get(f"{sheet}?set={value}").status_code == 404, value
