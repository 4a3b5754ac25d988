"""The staff-members selectors keep to their partnership: a person on the
staff of two partnerships appears in each list with that partnership's role,
and another partnership's membership id is a 404."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import Http404

from partnerships import selectors
from partnerships.models import StaffRole
from tests.factories import StaffMembershipFactory, UserFactory, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {"staff_member_list", "staff_member_get"}


@pytest.fixture
def world():
    w = two_partnerships()
    both = UserFactory(email="both@example.org", full_name="Both Partnerships")
    TOTP.activate(both, generate_totp_secret())
    a = StaffMembershipFactory(user=both, partnership=w.a.partnership, role=StaffRole.ADMIN)
    b = StaffMembershipFactory(user=both, partnership=w.b.partnership, role=StaffRole.READ_ONLY)
    only_b = StaffMembershipFactory(partnership=w.b.partnership, role=StaffRole.REVIEWER)
    return w, a, b, only_b


def test_staff_member_list_holds_only_its_partnership(world, django_assert_num_queries):
    w, _, b, only_b = world
    StaffMembershipFactory(partnership=w.a.partnership, user=UserFactory(full_name="Aaron Early"))
    with django_assert_num_queries(1):
        members = list(selectors.staff_member_list(partnership=w.a.partnership))
        assert [m.user.get_full_name() for m in members] == ["Aaron Early", "Both Partnerships"]
        assert [m.has_authenticator for m in members] == [False, True]
    assert {m.pk for m in members}.isdisjoint({b.pk, only_b.pk})
    assert {m.pk for m in selectors.staff_member_list(partnership=w.b.partnership)} == {b.pk, only_b.pk}


def test_staff_member_get_is_a_404_for_another_partnerships_member(world):
    w, a, b, only_b = world
    got = selectors.staff_member_get(partnership=w.a.partnership, pk=a.pk)
    assert got == a and got.role == StaffRole.ADMIN and got.has_authenticator
    assert selectors.staff_member_get(partnership=w.b.partnership, pk=b.pk).role == StaffRole.READ_ONLY
    for pk in (b.pk, only_b.pk):
        with pytest.raises(Http404):
            selectors.staff_member_get(partnership=w.a.partnership, pk=pk)
