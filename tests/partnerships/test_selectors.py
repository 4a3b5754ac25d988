"""Every selector in partnerships/selectors.py keeps to its partnership:
`*_get` is a 404 for another partnership's row, `*_list` never holds one."""

import importlib
import inspect
import pkgutil

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from partnerships import selectors
from partnerships.models import StaffRole
from partnerships.services.agencies import locality_create, locality_rename
from tests.factories import (
    CONTRIBUTOR,
    AgencyFactory,
    LocalityFactory,
    StaffMembershipFactory,
    UserFactory,
    two_partnerships,
)

pytestmark = pytest.mark.django_db

COVERED = {
    "partnership_get_by_slug",
    "partnership_list_for_user",
    "membership_get",
    "locality_list",
    "locality_list_kept",
    "agency_list",
    "agency_get",
}


def _covered_elsewhere() -> set[str]:
    """Each part's selectors are tenancy-tested in
    tests/partnerships/test_selectors_<part>.py, listed there as COVERED."""
    from tests import partnerships as here

    covered = set()
    for info in pkgutil.iter_modules(here.__path__):
        if info.name.startswith("test_selectors_"):
            covered |= set(getattr(importlib.import_module(f"{here.__name__}.{info.name}"), "COVERED", ()))
    return covered


def test_every_selector_has_a_tenancy_test_here():
    public = {
        name
        for name, fn in inspect.getmembers(selectors, inspect.isfunction)
        if fn.__module__ == selectors.__name__ and not name.startswith("_")
    }
    assert public - COVERED - _covered_elsewhere() == set(), (
        "add a test that the new selector refuses other partnerships' rows"
    )


@pytest.fixture
def world():
    return two_partnerships()


def test_partnership_get_by_slug(world):
    assert selectors.partnership_get_by_slug(slug="alpha") == world.a.partnership
    assert selectors.partnership_get_by_slug(slug="bravo") == world.b.partnership
    assert selectors.partnership_get_by_slug(slug="charlie") is None


def test_partnership_list_for_user_holds_only_their_partnerships(world):
    staff_of_a = StaffMembershipFactory(partnership=world.a.partnership).user
    staff_of_both = StaffMembershipFactory(partnership=world.a.partnership).user
    StaffMembershipFactory(partnership=world.b.partnership, user=staff_of_both)

    assert list(selectors.partnership_list_for_user(user=staff_of_a)) == [world.a.partnership]
    assert list(selectors.partnership_list_for_user(user=staff_of_both)) == [
        world.a.partnership,
        world.b.partnership,
    ]
    assert not selectors.partnership_list_for_user(user=UserFactory()).exists()
    assert not selectors.partnership_list_for_user(user=AnonymousUser()).exists()


def test_membership_get_is_none_in_another_partnership(world):
    membership = StaffMembershipFactory(partnership=world.a.partnership, role=StaffRole.ADMIN)

    assert selectors.membership_get(partnership=world.a.partnership, user=membership.user) == membership
    assert selectors.membership_get(partnership=world.b.partnership, user=membership.user) is None
    assert selectors.membership_get(partnership=world.a.partnership, user=AnonymousUser()) is None


def test_locality_list_holds_only_its_partnership(world):
    LocalityFactory(partnership=world.b.partnership, name="Another B locality")

    assert list(selectors.locality_list(partnership=world.a.partnership)) == [world.a.locality]
    b_localities = set(selectors.locality_list(partnership=world.b.partnership))
    assert world.b.locality in b_localities
    assert world.a.locality not in b_localities


def test_locality_list_kept_holds_only_its_partnership_and_follows_changes(world, django_assert_num_queries):
    other = LocalityFactory(partnership=world.b.partnership, name="Another B locality")
    assert selectors.locality_list_kept(partnership=world.a.partnership) == (world.a.locality,)
    with django_assert_num_queries(0):  # kept in the process
        assert selectors.locality_list_kept(partnership=world.a.partnership) == (world.a.locality,)
    assert other in selectors.locality_list_kept(partnership=world.b.partnership)

    added = locality_create(partnership=world.a.partnership, name="Zeta", actor=CONTRIBUTOR)
    assert selectors.locality_list_kept(partnership=world.a.partnership) == (world.a.locality, added)
    locality_rename(locality=added, name="Aardvark", actor=CONTRIBUTOR)
    names = {lo.name for lo in selectors.locality_list_kept(partnership=world.a.partnership)}
    assert "Aardvark" in names and "Zeta" not in names


def test_agency_list_holds_only_its_partnership(world):
    inactive = AgencyFactory(partnership=world.a.partnership, is_active=False)

    assert list(selectors.agency_list(partnership=world.a.partnership)) == [world.a.agency]
    assert set(selectors.agency_list(partnership=world.a.partnership, active_only=False)) == {
        world.a.agency,
        inactive,
    }
    for active_only in (True, False):
        agencies = selectors.agency_list(partnership=world.b.partnership, active_only=active_only)
        assert world.b.agency in agencies
        assert not agencies.filter(partnership=world.a.partnership).exists()


def test_agency_get_is_a_404_for_another_partnerships_agency(world):
    assert selectors.agency_get(partnership=world.a.partnership, pk=world.a.agency.pk) == world.a.agency

    with pytest.raises(Http404):
        selectors.agency_get(partnership=world.a.partnership, pk=world.b.agency.pk)
    with pytest.raises(Http404):
        selectors.agency_get(partnership=world.b.partnership, pk=world.a.agency.pk)


def test_partnership_get_by_slug_is_kept_and_follows_a_change(world, django_assert_num_queries):
    selectors.partnership_get_by_slug(slug="alpha")
    with django_assert_num_queries(0):
        assert selectors.partnership_get_by_slug(slug="alpha") == world.a.partnership
    world.a.partnership.name = "Alpha renamed"
    world.a.partnership.save()
    assert selectors.partnership_get_by_slug(slug="alpha").name == "Alpha renamed"
