"""The services behind the agencies pages: each checks its rules, stays in
its partnership and writes an AuditEvent."""

import pytest

from core.domain import Actor
from core.models import AuditEvent
from partnerships import services
from partnerships.models import Agency, AgencyContact, Locality, Sector
from tests.factories import AgencyContactFactory, AgencyFactory, LocalityFactory, two_partnerships

pytestmark = pytest.mark.django_db

ADMIN = Actor(name="Ada Admin", email="ada@alpha.example")


@pytest.fixture
def world():
    return two_partnerships()


def _events(partnership, verb):
    return list(AuditEvent.objects.filter(partnership=partnership, verb=verb))


def test_agency_create_creates_an_active_agency_and_records_it(world):
    p = world.a.partnership
    agency = services.agency_create(
        partnership=p,
        name="  Alpha Youth Club ",
        sector=Sector.SPORT,
        is_statutory=False,
        localities=[world.a.locality],
        actor=ADMIN,
    )
    assert agency.name == "Alpha Youth Club" and agency.is_active and not agency.is_statutory
    assert list(agency.localities.all()) == [world.a.locality]
    [event] = _events(p, "agency.created")
    assert event.object_id == str(agency.pk) and event.actor_email == "ada@alpha.example"
    assert event.detail["localities"] == ["ALPHA North"]


def test_agency_names_are_unique_per_partnership_whatever_the_case(world):
    with pytest.raises(services.AgencyNameTakenError) as refused:
        services.agency_create(
            partnership=world.a.partnership,
            name="alpha borough council",
            sector=Sector.NHS,
            is_statutory=True,
            actor=ADMIN,
        )
    assert refused.value.field == "name"
    assert "already an agency called ALPHA Borough Council" in str(refused.value)
    # Another partnership may use the name.
    services.agency_create(
        partnership=world.b.partnership,
        name="ALPHA Borough Council",
        sector=Sector.NHS,
        is_statutory=True,
        actor=ADMIN,
    )
    assert Agency.objects.filter(name__iexact="alpha borough council").count() == 2


def test_agency_create_refuses_another_partnerships_locality(world):
    with pytest.raises(services.PartnershipMismatchError):
        services.agency_create(
            partnership=world.a.partnership,
            name="New",
            sector=Sector.NHS,
            is_statutory=True,
            localities=[world.b.locality],
            actor=ADMIN,
        )
    assert not Agency.objects.filter(name="New").exists()


def test_agency_update_records_what_changed(world):
    agency = world.a.agency
    south = LocalityFactory(partnership=world.a.partnership, name="ALPHA South")
    services.agency_update(
        agency=agency,
        name="Alpha Council",
        sector=Sector.LOCAL_AUTHORITY,
        is_statutory=True,
        localities=[south],
        is_active=True,
        actor=ADMIN,
    )
    agency.refresh_from_db()
    assert agency.name == "Alpha Council" and list(agency.localities.all()) == [south]
    [event] = _events(world.a.partnership, "agency.updated")
    assert event.detail == {
        "name": ["ALPHA Borough Council", "Alpha Council"],
        "localities": [["ALPHA North"], ["ALPHA South"]],
    }


def test_agency_update_may_change_only_the_case_of_its_own_name_but_not_take_anothers(world):
    other = AgencyFactory(partnership=world.a.partnership, name="Alpha Police")
    kwargs = {"sector": Sector.LOCAL_AUTHORITY, "is_statutory": True, "localities": [], "is_active": True}
    services.agency_update(agency=world.a.agency, name="Alpha Borough Council", actor=ADMIN, **kwargs)
    with pytest.raises(services.AgencyNameTakenError):
        services.agency_update(agency=world.a.agency, name="ALPHA POLICE", actor=ADMIN, **kwargs)
    other.refresh_from_db()
    world.a.agency.refresh_from_db()
    assert world.a.agency.name == "Alpha Borough Council"


def test_deactivating_keeps_the_agency_and_its_returns(world):
    agency = world.a.agency
    services.agency_update(
        agency=agency,
        name=agency.name,
        sector=agency.sector,
        is_statutory=agency.is_statutory,
        localities=[world.a.locality],
        is_active=False,
        actor=ADMIN,
    )
    agency.refresh_from_db()
    assert not agency.is_active
    assert agency.submissions.count() == 1
    [event] = _events(world.a.partnership, "agency.deactivated")
    assert event.detail == {"is_active": [True, False]}
    # Nothing changed: nothing recorded.
    services.agency_update(
        agency=agency,
        name=agency.name,
        sector=agency.sector,
        is_statutory=agency.is_statutory,
        localities=[world.a.locality],
        is_active=False,
        actor=ADMIN,
    )
    assert AuditEvent.objects.filter(partnership=world.a.partnership, verb__startswith="agency.").count() == 1


def test_contacts_first_is_primary_emails_unique_case_insensitively(world):
    agency = AgencyFactory(partnership=world.a.partnership, contacts=0)
    first = services.agency_contact_add(agency=agency, name="Kim", email="Kim@Agency.example", actor=ADMIN)
    assert first.is_primary and first.email == "kim@agency.example"
    second = services.agency_contact_add(agency=agency, name="Lee", email="lee@agency.example", actor=ADMIN)
    assert not second.is_primary
    with pytest.raises(services.ContactEmailTakenError) as refused:
        services.agency_contact_add(agency=agency, name="Kim again", email="KIM@agency.EXAMPLE", actor=ADMIN)
    assert refused.value.field == "email"
    # The same person may be a contact of another agency.
    services.agency_contact_add(agency=world.a.agency, name="Kim", email="kim@agency.example", actor=ADMIN)
    assert len(_events(world.a.partnership, "agency_contact.added")) == 3


def test_adding_a_primary_contact_moves_the_primary(world):
    new = services.agency_contact_add(
        agency=world.a.agency, name="Pat", email="pat@alpha.example", is_primary=True, actor=ADMIN
    )
    assert list(world.a.agency.contacts.filter(is_primary=True)) == [new]


def test_contact_update_and_set_primary(world):
    agency = world.a.agency
    other = AgencyContactFactory(agency=agency, name="Jo", email="jo@alpha.example")
    with pytest.raises(services.ContactEmailTakenError):
        services.agency_contact_update(
            contact=other, name="Jo", email="SAM@alpha-council.example", actor=ADMIN
        )
    services.agency_contact_update(
        contact=other, name="Jo Bloggs", email="JO@alpha.example", job_title="DSL", actor=ADMIN
    )
    other.refresh_from_db()
    assert (other.name, other.email, other.job_title) == ("Jo Bloggs", "jo@alpha.example", "DSL")
    [event] = _events(world.a.partnership, "agency_contact.updated")
    assert event.detail["changes"] == {"name": ["Jo", "Jo Bloggs"], "job_title": ["", "DSL"]}

    services.agency_contact_set_primary(contact=other, actor=ADMIN)
    assert list(agency.contacts.filter(is_primary=True)) == [other]
    assert len(_events(world.a.partnership, "agency_contact.made_primary")) == 1


def test_removing_the_primary_contact_makes_the_next_one_primary(world):
    agency = world.a.agency
    AgencyContactFactory(agency=agency, name="Zed", email="zed@alpha.example")
    jo = AgencyContactFactory(agency=agency, name="Jo", email="jo@alpha.example")
    successor = services.agency_contact_remove(contact=world.a.contact, actor=ADMIN)
    assert successor == jo
    assert list(agency.contacts.filter(is_primary=True)) == [jo]
    [event] = _events(world.a.partnership, "agency_contact.removed")
    assert event.detail["email"] == "sam@alpha-council.example"
    # Removing one that is not primary changes nobody's role.
    assert services.agency_contact_remove(contact=agency.contacts.get(name="Zed"), actor=ADMIN) is None
    assert list(agency.contacts.all()) == [jo]


def test_localities_add_rename_unique_case_insensitively(world):
    p = world.a.partnership
    south = services.locality_create(partnership=p, name=" ALPHA South ", actor=ADMIN)
    assert south.name == "ALPHA South"
    with pytest.raises(services.LocalityNameTakenError):
        services.locality_create(partnership=p, name="alpha south", actor=ADMIN)
    with pytest.raises(services.LocalityNameTakenError):
        services.locality_rename(locality=south, name="alpha north", actor=ADMIN)
    services.locality_create(partnership=world.b.partnership, name="ALPHA South", actor=ADMIN)
    services.locality_rename(locality=south, name="Alpha South", actor=ADMIN)
    south.refresh_from_db()
    assert south.name == "Alpha South"
    [event] = _events(p, "locality.renamed")
    assert event.detail == {"name": ["ALPHA South", "Alpha South"]}


def test_locality_in_use_cannot_be_removed(world):
    with pytest.raises(services.LocalityInUseError, match="1 agency is in it"):
        services.locality_remove(locality=world.a.locality, actor=ADMIN)

    by_cycle = LocalityFactory(partnership=world.a.partnership, name="Cycle area")
    world.a.cycle.scope_localities.add(by_cycle)
    with pytest.raises(services.LocalityInUseError, match="1 audit cycle chooses agencies by it"):
        services.locality_remove(locality=by_cycle, actor=ADMIN)

    unused = LocalityFactory(partnership=world.a.partnership, name="Unused")
    services.locality_remove(locality=unused, actor=ADMIN)
    assert not Locality.objects.filter(pk=unused.pk).exists()
    assert Locality.objects.filter(pk__in=[world.a.locality.pk, by_cycle.pk]).count() == 2
    [event] = _events(world.a.partnership, "locality.removed")
    assert event.detail == {"name": "Unused"}


def test_every_write_is_recorded_against_its_own_partnership(world):
    services.locality_create(partnership=world.a.partnership, name="X", actor=ADMIN)
    services.agency_contact_add(agency=world.a.agency, name="Y", email="y@alpha.example", actor=ADMIN)
    assert (
        AuditEvent.objects.filter(partnership=world.b.partnership)
        .exclude(verb__startswith="submission")
        .count()
        == 0
    )
    assert AgencyContact.objects.filter(agency__partnership=world.b.partnership).count() == 1
