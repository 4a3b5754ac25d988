"""The public pages of a cycle follow who takes part in it and which
questions each group answers: the start form offers only agencies in the
cycle's scope, and the question list shows each question set with the group
it is for."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from audits.models import AgencyScope, OutboundEmail, Submission
from audits.services import DomainError
from audits.services.links import AgencyNotTakingPartError, start_request
from partnerships.models import Sector
from tests.factories import AgencyFactory, SubmissionFactory, theme_save, two_partnerships

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
