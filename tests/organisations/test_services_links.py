"""Linking a partnership's agency to an organisation: proposed by the
partnership, accepted or refused by an organisation admin; a proposal gives
nothing; PostgreSQL keeps a link's agency in its partnership."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent, OutboundEmail
from organisations.models import AgencyLink, LinkStatus, Organisation, OrganisationMembership
from organisations.services import (
    OrganisationRefusedError,
    agency_link_decide,
    agency_link_end,
    agency_link_propose,
    agency_link_propose_new,
)
from partnerships.models import StaffRole
from tests.factories import two_partnerships
from tests.staff import staff_client

from .support import STAFF_A, member_client, organisation_make

pytestmark = pytest.mark.django_db


def test_a_proposed_link_gives_nothing_until_accepted():
    w = two_partnerships()
    org, admin = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    link = agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    assert link.status == LinkStatus.PROPOSED
    assert OutboundEmail.objects.filter(kind="organisation", to_email=admin.email).exists()
    client = member_client(admin.email)
    home = client.get(reverse("organisation_home", args=[org.pk]))
    assert w.a.submission.reference not in home.content.decode()
    response = client.post(reverse("organisation_return_open", args=[org.pk, w.a.submission.pk]))
    assert response.status_code == 404

    agency_link_decide(link=link, by=admin, accept=True)
    home = client.get(reverse("organisation_home", args=[org.pk]))
    assert w.a.submission.reference in home.content.decode()
    assert AuditEvent.objects.filter(partnership=w.a.partnership, verb="organisation.link_accepted").exists()


def test_a_refused_link_gives_nothing_and_the_agency_can_be_linked_again():
    w = two_partnerships()
    org, admin = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    link = agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    agency_link_decide(link=link, by=admin, accept=False)
    home = member_client(admin.email).get(reverse("organisation_home", args=[org.pk]))
    assert w.a.submission.reference not in home.content.decode()
    again = agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    assert again.status == LinkStatus.PROPOSED


def test_only_an_admin_of_the_organisation_decides():
    w = two_partnerships()
    org, _ = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    other, other_admin = organisation_make("Southshire Police", "chief@southshire-police.example", "SS01")
    member = OrganisationMembership.objects.create(organisation=org, name="Pat", email="pat@example.org")
    link = agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    for who in (member, other_admin):
        with pytest.raises(OrganisationRefusedError):
            agency_link_decide(link=link, by=who, accept=True)
    # Through the page: another organisation's admin gets a 404 for this link.
    client = member_client(other_admin.email)
    url = reverse("organisation_link_decide", args=[other.pk, link.pk])
    assert client.post(url, {"decision": "accept"}).status_code == 404
    link.refresh_from_db()
    assert link.status == LinkStatus.PROPOSED


def test_an_agency_has_one_live_link():
    w = two_partnerships()
    org, _ = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    other, _ = organisation_make("Southshire Police", "chief@southshire-police.example", "SS01")
    agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    with pytest.raises(OrganisationRefusedError):
        agency_link_propose(agency=w.a.agency, organisation=other, actor=STAFF_A)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyLink.objects.create(organisation=other, partnership=w.a.partnership, agency=w.a.agency)


def test_postgres_keeps_a_links_agency_in_its_partnership():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL holds this rule")
    w = two_partnerships()
    org, _ = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    with pytest.raises(IntegrityError), transaction.atomic():
        AgencyLink.objects.create(organisation=org, partnership=w.b.partnership, agency=w.a.agency)
        connection.check_constraints()


def test_proposing_a_new_organisation_makes_its_first_admin_and_refuses_a_known_identifier():
    w = two_partnerships()
    link = agency_link_propose_new(
        agency=w.a.agency,
        name="Mid Trust",
        kind="nhs",
        identifier_type="ods",
        identifier=" rx1 ",
        admin_name="Morgan",
        admin_email="Morgan@MidTrust.example",
        actor=STAFF_A,
    )
    org = link.organisation
    assert org.identifier == "RX1"
    assert org.memberships.get().email == "morgan@midtrust.example"
    assert org.memberships.get().is_admin
    with pytest.raises(OrganisationRefusedError):
        agency_link_propose_new(
            agency=w.b.agency,
            name="Another",
            kind="nhs",
            identifier_type="ods",
            identifier="rx1",
            admin_name="X",
            admin_email="x@example.org",
            actor=STAFF_A,
        )
    assert Organisation.objects.count() == 1


def test_unlinking_revokes_the_links_members_opened_returns_with():
    w = two_partnerships()
    org, admin = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    link = agency_link_propose(agency=w.a.agency, organisation=org, actor=STAFF_A)
    agency_link_decide(link=link, by=admin, accept=True)
    client = member_client(admin.email)
    response = client.post(reverse("organisation_return_open", args=[org.pk, w.a.submission.pk]))
    assert response.status_code == 302
    task_list = reverse("task_list", kwargs={"partnership_slug": w.a.partnership.slug})
    assert client.get(task_list).status_code == 200
    agency_link_end(link=link, actor=STAFF_A)
    assert client.get(task_list).status_code == 302  # the session's link is revoked
    assert (
        client.post(reverse("organisation_return_open", args=[org.pk, w.a.submission.pk])).status_code == 404
    )


def test_staff_search_link_and_propose_pages():
    w = two_partnerships()
    org, _ = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    client = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    page = reverse("staff_agency_organisation", args=[w.a.partnership.slug, w.a.agency.pk])
    by_code = client.get(page, {"q": "ns 01"}).content.decode()
    assert "Link to Northshire Police" in by_code
    assert "@northshire-police.example" in by_code
    assert "Link to Northshire Police" in client.get(page, {"q": "northshire"}).content.decode()
    response = client.post(
        reverse("staff_agency_organisation_link", args=[w.a.partnership.slug, w.a.agency.pk]),
        {"organisation": org.pk},
    )
    assert response.status_code == 302
    assert AgencyLink.objects.get(agency=w.a.agency).status == LinkStatus.PROPOSED
    assert "Waiting for the organisation" in client.get(page).content.decode()

    # A bad proposal keeps what was typed and shows GOV.UK errors.
    new = reverse("staff_agency_organisation_new", args=[w.a.partnership.slug, w.b.agency.pk])
    assert client.get(new).status_code == 404  # bravo's agency under alpha's address
    new = reverse("staff_agency_organisation_new", args=[w.a.partnership.slug, w.a.agency.pk])
    response = client.post(new, {"name": "Typed name", "identifier": "X1", "admin_email": "nope"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Typed name" in body
    assert "Choose the type of identifier" in body
