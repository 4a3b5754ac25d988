"""The header on every page: the service name leads to the home of where
the person is, and "Switch partnership" shows only to a member of several."""

import re

import pytest
from django.urls import reverse

from partnerships.models import StaffRole
from tests.factories import StaffMembershipFactory, two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db


def service_link(response) -> str:
    assert response.status_code == 200, response.status_code
    match = re.search(
        r'<a href="([^"]*)" class="govuk-service-navigation__link">Section 11 audit</a>',
        response.content.decode(),
    )
    assert match, "no service name link in the header"
    return match.group(1)


@pytest.fixture
def worlds():
    return two_partnerships()


def test_a_member_of_one_partnership_is_not_offered_a_switch(client, worlds):
    staff_client(client, worlds.a.partnership, StaffRole.ADMIN)
    for name in ("staff_home", "staff_agencies", "staff_members"):
        response = client.get(staff_url(worlds.a.partnership, name))
        assert "Switch partnership" not in response.content.decode(), name
        assert service_link(response) == staff_url(worlds.a.partnership, "staff_home"), name


def test_a_member_of_two_partnerships_can_switch(client, worlds):
    staff_client(client, worlds.a.partnership)
    StaffMembershipFactory(user=client.user, partnership=worlds.b.partnership)
    for world in (worlds.a, worlds.b):
        response = client.get(staff_url(world.partnership, "staff_home"))
        html = response.content.decode()
        assert f'<a class="govuk-link" href="{reverse("staff_index")}">Switch partnership</a>' in html
        assert service_link(response) == staff_url(world.partnership, "staff_home")


def test_signed_in_staff_outside_a_partnership_are_led_to_their_workspace(client, worlds):
    staff_client(client, worlds.a.partnership)
    # the two-factor page is under /accounts/, not under a partnership
    assert service_link(client.get(reverse("mfa_index"))) == reverse("staff_index")
    # which sends a member of one partnership straight to its workspace
    assert client.get(reverse("staff_index"))["Location"] == staff_url(worlds.a.partnership, "staff_home")


def test_agency_pages_lead_to_their_partnerships_home(client, worlds):
    world = worlds.a
    home = reverse("partnership_home", kwargs={"partnership_slug": world.partnership.slug})
    start = reverse(
        "cycle_start", kwargs={"partnership_slug": world.partnership.slug, "cycle_slug": world.cycle.slug}
    )
    assert service_link(client.get(start)) == home
    assert service_link(client.get(home)) == home


def test_only_someone_signed_out_and_outside_a_partnership_gets_the_list(client, worlds):
    assert service_link(client.get(reverse("account_login"))) == reverse("home")
