"""The staff-members selectors keep to their partnership: a person on the
staff of two partnerships appears in each list with that partnership's role
and name, without their authenticator status, and another partnership's
membership or invitation id is a 404."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.http import Http404

from partnerships import selectors
from partnerships.models import StaffRole
from tests.factories import StaffMembershipFactory, UserFactory, two_partnerships

pytestmark = pytest.mark.django_db

COVERED = {
    "staff_member_list",
    "staff_member_get",
    "staff_invitation_list",
    "staff_invitation_get",
    "staff_invitation_for_token",
    "staff_invitation_list_for_user",
    # Platform-wide by design (superusers' pages); tested to find any account.
    "platform_account_search",
    "platform_account_get",
}


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
        assert [m.name for m in members] == ["Aaron Early", "Both Partnerships"]
        # The shared account's authenticator is not alpha's business.
        assert [m.has_authenticator for m in members] == [False, None]
    assert {m.pk for m in members}.isdisjoint({b.pk, only_b.pk})
    assert {m.pk for m in selectors.staff_member_list(partnership=w.b.partnership)} == {b.pk, only_b.pk}


def test_staff_member_get_is_a_404_for_another_partnerships_member(world):
    w, a, b, only_b = world
    got = selectors.staff_member_get(partnership=w.a.partnership, pk=a.pk)
    assert got == a and got.role == StaffRole.ADMIN and got.has_authenticator is None
    assert selectors.staff_member_get(partnership=w.b.partnership, pk=b.pk).role == StaffRole.READ_ONLY
    for pk in (b.pk, only_b.pk):
        with pytest.raises(Http404):
            selectors.staff_member_get(partnership=w.a.partnership, pk=pk)


def test_invitations_keep_to_their_partnership_and_their_person(world):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.models import StaffInvitation
    from partnerships.services.members import staff_invitation_accept_url

    w, a, _, _ = world

    later = timezone.now() + timedelta(days=1)
    mine = StaffInvitation.objects.create(
        partnership=w.a.partnership, email="inv@example.org", full_name="I", role="reviewer", expires_at=later
    )
    theirs = StaffInvitation.objects.create(
        partnership=w.b.partnership, email="inv@example.org", full_name="I", role="admin", expires_at=later
    )
    assert selectors.staff_invitation_list(partnership=w.a.partnership) == [mine]
    assert selectors.staff_invitation_get(partnership=w.a.partnership, pk=mine.pk) == mine
    with pytest.raises(Http404):
        selectors.staff_invitation_get(partnership=w.a.partnership, pk=theirs.pk)
    token = staff_invitation_accept_url(invitation_pk=mine.pk).rstrip("/").rsplit("/", 1)[-1]
    invited = UserFactory(email="INV@example.org")
    assert selectors.staff_invitation_for_token(token=token, user=invited) == mine
    # Someone else's account, or a wrong token: nothing.
    assert selectors.staff_invitation_for_token(token=token, user=a.user) is None
    assert selectors.staff_invitation_for_token(token=token + "x", user=invited) is None
    assert {i.pk for i in selectors.staff_invitation_list_for_user(user=invited)} == {mine.pk, theirs.pk}
    assert selectors.staff_invitation_list_for_user(user=a.user) == []


def test_platform_account_search_finds_any_account(world):
    w, a, _, only_b = world
    [found] = selectors.platform_account_search(query="both@")
    assert found == a.user and found.has_authenticator
    assert {m.partnership_id for m in found.memberships.all()} == {w.a.partnership.pk, w.b.partnership.pk}
    assert selectors.platform_account_search(query="  ") == []
    assert selectors.platform_account_get(pk=only_b.user_id) == only_b.user
