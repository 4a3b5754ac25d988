"""The agencies pages' selectors keep to their partnership: a `*_get` is a
404 for another partnership's row, a list never holds one."""

import pytest
from django.http import Http404

from audits.models import AuditCycle, Submission
from partnerships import selectors
from partnerships.models import Sector
from partnerships.selectors import AgencyFilters
from tests.factories import AgencyFactory, LocalityFactory, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {
    "agency_list_for_staff",
    "agency_detail_get",
    "agency_return_list",
    "agency_contact_get",
    "locality_get",
    "locality_list_with_counts",
}


@pytest.fixture
def world():
    return two_partnerships()


def test_agency_list_for_staff_holds_only_its_partnership_whatever_the_filters(world):
    a, b = world.a, world.b
    same_name_in_b = AgencyFactory(partnership=b.partnership, name="Alpha Police", sector=Sector.POLICE)
    police = AgencyFactory(partnership=a.partnership, name="Alpha Police", sector=Sector.POLICE, contacts=2)
    gone = AgencyFactory(
        partnership=a.partnership, name="Closed Charity", sector=Sector.VOLUNTARY, is_active=False
    )

    rows = selectors.agency_list_for_staff(partnership=a.partnership)
    assert [r.name for r in rows] == ["ALPHA Borough Council", "Alpha Police", "Closed Charity"]
    assert {r.pk: r.contact_count for r in rows} == {a.agency.pk: 1, police.pk: 2, gone.pk: 1}
    assert same_name_in_b not in rows

    def names(**kw):
        return [
            r.name
            for r in selectors.agency_list_for_staff(partnership=a.partnership, filters=AgencyFilters(**kw))
        ]

    assert names(locality_id=a.locality.pk) == ["ALPHA Borough Council"]
    # Another partnership's locality finds nothing, not that partnership's agencies.
    assert names(locality_id=b.locality.pk) == []
    assert names(sector=Sector.POLICE) == ["Alpha Police"]
    assert names(active=False) == ["Closed Charity"]
    assert names(active=True) == ["ALPHA Borough Council", "Alpha Police"]
    assert names(search="police") == ["Alpha Police"]
    assert names(search="bravo") == []


def test_agency_list_for_staff_is_constant_queries(world, django_assert_num_queries):
    for n in range(12):
        locality = LocalityFactory(partnership=world.a.partnership)
        AgencyFactory(
            partnership=world.a.partnership, localities=[locality, world.a.locality], contacts=n % 3
        )
    with django_assert_num_queries(2):
        rows = selectors.agency_list_for_staff(partnership=world.a.partnership)
        assert sum(len(r.localities.all()) for r in rows) == 25


def test_agency_detail_get_is_a_404_for_another_partnerships_agency(world):
    agency = selectors.agency_detail_get(partnership=world.a.partnership, pk=world.a.agency.pk)
    assert agency == world.a.agency
    assert [c.email for c in agency.contacts.all()] == ["sam@alpha-council.example"]
    with pytest.raises(Http404):
        selectors.agency_detail_get(partnership=world.a.partnership, pk=world.b.agency.pk)


def test_agency_return_list_holds_only_its_partnerships_returns(world):
    returns = selectors.agency_return_list(partnership=world.a.partnership, agency=world.a.agency)
    assert returns == [world.a.submission]
    # Asked with the wrong partnership: nothing.
    assert selectors.agency_return_list(partnership=world.b.partnership, agency=world.a.agency) == []
    assert Submission.objects.count() == 2 and AuditCycle.objects.count() == 2


def test_agency_contact_get_refuses_another_agency_or_partnership(world):
    a_contact, b_contact = world.a.contact, world.b.contact
    other_a_agency = AgencyFactory(partnership=world.a.partnership)
    assert (
        selectors.agency_contact_get(partnership=world.a.partnership, agency=world.a.agency, pk=a_contact.pk)
        == a_contact
    )
    for partnership, agency, pk in [
        (world.a.partnership, world.a.agency, b_contact.pk),
        (world.a.partnership, other_a_agency, a_contact.pk),
        (world.b.partnership, world.a.agency, a_contact.pk),
    ]:
        with pytest.raises(Http404):
            selectors.agency_contact_get(partnership=partnership, agency=agency, pk=pk)


def test_locality_get_is_a_404_for_another_partnerships_locality(world):
    assert selectors.locality_get(partnership=world.a.partnership, pk=world.a.locality.pk) == world.a.locality
    with pytest.raises(Http404):
        selectors.locality_get(partnership=world.a.partnership, pk=world.b.locality.pk)


def test_locality_list_with_counts_holds_only_its_partnership(world):
    empty = LocalityFactory(partnership=world.a.partnership, name="ALPHA South")
    AgencyFactory(partnership=world.a.partnership, localities=[world.a.locality], is_active=False)
    AgencyFactory(partnership=world.b.partnership, localities=[world.b.locality])

    rows = selectors.locality_list_with_counts(partnership=world.a.partnership)
    assert [(r, r.agency_count, r.active_agency_count) for r in rows] == [
        (world.a.locality, 2, 1),
        (empty, 0, 0),
    ]
