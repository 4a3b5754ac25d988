"""An organisation world: partnerships alpha and bravo (tests.factories),
each with an agency that is the same police force, linked (accepted) to one
organisation; a second organisation with its own agency in alpha."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.test import Client

from core.domain import Actor
from organisations.models import AgencyLink, Organisation, OrganisationMembership, OrganisationRole
from organisations.services import agency_link_decide, agency_link_propose, sign_in_link_create
from partnerships.models import Sector
from tests.factories import AgencyFactory, SubmissionFactory, TwoPartnerships, two_partnerships

STAFF_A = Actor(name="Alex Admin", email="alex@alpha.example")


@dataclass
class OrgWorld:
    worlds: TwoPartnerships
    org: Organisation
    admin: OrganisationMembership
    member: OrganisationMembership
    links: list
    other_org: Organisation
    other_admin: OrganisationMembership
    other_submission: object


def organisation_make(name: str, admin_email: str, code: str) -> tuple[Organisation, OrganisationMembership]:
    org = Organisation.objects.create(
        name=name, kind=Sector.POLICE, identifier_type="police_force", identifier=code
    )
    admin = OrganisationMembership.objects.create(
        organisation=org, name=f"Admin of {name}", email=admin_email, role=OrganisationRole.ADMIN
    )
    return org, admin


def link_accepted(agency, org, admin) -> AgencyLink:
    link = agency_link_propose(agency=agency, organisation=org, actor=STAFF_A)
    return agency_link_decide(link=link, by=admin, accept=True)


def org_world() -> OrgWorld:
    worlds = two_partnerships()
    org, admin = organisation_make("Northshire Police", "chief@northshire-police.example", "NS01")
    member = OrganisationMembership.objects.create(
        organisation=org, name="Pat Member", email="pat@northshire-police.example"
    )
    links = [link_accepted(w.agency, org, admin) for w in worlds]
    other_org, other_admin = organisation_make("Southshire Police", "chief@southshire-police.example", "SS01")
    other_agency = AgencyFactory(partnership=worlds.a.partnership, name="Southshire Police")
    other_submission = SubmissionFactory(cycle=worlds.a.cycle, agency=other_agency)
    link_accepted(other_agency, other_org, other_admin)
    return OrgWorld(worlds, org, admin, member, links, other_org, other_admin, other_submission)


def member_client(email: str, client: Client | None = None) -> Client:
    """A client signed in by an organisation sign-in link for `email`."""
    client = client or Client()
    _, url = sign_in_link_create(email=email)
    response = client.get(urlsplit(url).path)
    assert response.status_code == 302
    return client
