"""The staff-members pages as a partnership admin uses them: the table, the
add form (errors keep what was typed), changing a role, removing and resetting
an authenticator app through their confirmation pages, with the services'
refusals shown as GOV.UK errors."""

from datetime import UTC, datetime
from html import unescape

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils.html import strip_tags

from core.models import AuditEvent
from partnerships.models import StaffInvitation, StaffMembership, StaffRole
from tests.factories import StaffMembershipFactory, UserFactory, two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

User = get_user_model()


@pytest.fixture
def world(client):
    w = two_partnerships()
    admin_client = staff_client(client, w.a.partnership, StaffRole.ADMIN, email="admin@alpha.example")
    return w, admin_client


def _text(response) -> str:
    """The page's words, without tags."""
    return " ".join(strip_tags(response.content.decode()).split())


def test_the_list_shows_each_member_with_their_app_last_sign_in_and_date_added(
    world, django_assert_max_num_queries
):
    w, client = world
    signed_in = UserFactory(full_name="Sam Signed-In", email="sam@example.org")
    # The account's last login (anywhere) is not this partnership's business;
    # its last visit to this partnership's staff pages is.
    User.objects.filter(pk=signed_in.pk).update(last_login=datetime(2026, 8, 3, 8, 30, tzinfo=UTC))
    TOTP.activate(signed_in, generate_totp_secret())
    StaffMembershipFactory(
        user=signed_in,
        partnership=w.a.partnership,
        role=StaffRole.REVIEWER,
        last_seen_at=datetime(2026, 7, 1, 8, 30, tzinfo=UTC),
    )
    StaffMembershipFactory(
        user=UserFactory(full_name="Nia New", email="nia@example.org"),
        partnership=w.a.partnership,
        role=StaffRole.READ_ONLY,
    )
    StaffMembershipFactory(user=UserFactory(full_name="Bravo Person"), partnership=w.b.partnership)
    response = client.get(staff_url(w.a.partnership, "staff_members"))
    assert response.status_code == 200
    text = _text(response)
    assert "3 members of staff" in text
    # UK time: 08:30 UTC is 9:30am British Summer Time.
    assert "Sam Signed-In sam@example.org Reviewer Set up 9:30am on Wednesday 1 July 2026" in text
    assert "Nia New nia@example.org Read-only Not set up Not yet" in text
    assert "3 August 2026" not in text
    assert "Bravo Person" not in text
    # Nobody may remove themselves or reset their own app from here.
    own = StaffMembership.objects.get(user=client.user)
    assert staff_url(w.a.partnership, "staff_member_remove", membership_id=own.pk) not in text
    # The navigation's "Staff" entry is this page.
    html = " ".join(response.content.decode().split())
    assert f'href="{staff_url(w.a.partnership, "staff_members")}" aria-current="page">' in html

    # The same queries for 13 members as for 33.
    for n in range(10):
        StaffMembershipFactory(partnership=w.a.partnership, user=UserFactory(full_name=f"Extra {n}"))
    with django_assert_max_num_queries(12) as few:
        client.get(staff_url(w.a.partnership, "staff_members"))
    for n in range(10, 30):
        StaffMembershipFactory(partnership=w.a.partnership, user=UserFactory(full_name=f"Extra {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "33 members of staff" in _text(client.get(staff_url(w.a.partnership, "staff_members")))


def test_adding_someone_new_sends_the_invitation_and_says_so(world, django_capture_on_commit_callbacks):
    w, client = world
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            staff_url(w.a.partnership, "staff_member_add"),
            {"full_name": "Nia New", "email": "Nia@Example.org", "role": "reviewer"},
        )
    assert response.status_code == 302 and response["Location"] == staff_url(w.a.partnership, "staff_members")
    invitation = StaffInvitation.objects.get(partnership=w.a.partnership, email="nia@example.org")
    assert invitation.role == StaffRole.REVIEWER
    assert not StaffMembership.objects.filter(user__email="nia@example.org").exists()
    assert [m.to for m in mail.outbox] == [["Nia New <nia@example.org>"]]
    text = _text(client.get(response["Location"]))
    assert "We have emailed an invitation to nia@example.org. Nia New will join as Reviewer" in text
    assert "Nia New nia@example.org Reviewer Invited" in text
    assert AuditEvent.objects.filter(verb="staff.invited", actor=client.user).exists()


def test_the_add_form_offers_each_role_with_what_it_can_do(world):
    w, client = world
    text = _text(client.get(staff_url(w.a.partnership, "staff_member_add")))
    assert "Partnership admin What a reviewer can do, and set up cycles" in text
    assert "Read-only See progress, returns, reports and exports, but change nothing." in text


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        ({}, ["Enter their full name", "Enter their email address", "Choose a role"]),
        ({"full_name": "Nia", "email": "not an email", "role": "owner"}, ["correct format", "Choose a role"]),
    ],
)
def test_add_form_errors_keep_what_was_typed(world, data, errors):
    w, client = world
    response = client.post(staff_url(w.a.partnership, "staff_member_add"), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "govuk-error-summary" in html and "<title>Error: " in html
    for error in errors:
        assert error in html
    if data:
        assert 'value="Nia"' in html and 'value="not an email"' in html
    assert StaffMembership.objects.filter(partnership=w.a.partnership).count() == 1


def test_adding_someone_already_on_the_staff_is_an_error_beside_the_email(world):
    w, client = world
    response = client.post(
        staff_url(w.a.partnership, "staff_member_add"),
        {"full_name": "Me Again", "email": "admin@alpha.example", "role": "read_only"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_email"' in html and "already a member of staff" in html
    assert 'value="Me Again"' in html
    assert 'value="read_only" aria-describedby="id_role_3-hint" checked' in html


def test_changing_a_role(world):
    w, client = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.READ_ONLY)
    url = staff_url(w.a.partnership, "staff_member_role", membership_id=member.pk)
    assert 'value="read_only" aria-describedby="id_role_3-hint" checked' in client.get(url).content.decode()
    response = client.post(url, {"role": "admin"})
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.role == StaffRole.ADMIN


def test_the_last_admin_demoting_themselves_gets_a_govuk_error(world):
    w, client = world
    own = StaffMembership.objects.get(user=client.user)
    url = staff_url(w.a.partnership, "staff_member_role", membership_id=own.pk)
    response = client.post(url, {"role": "reviewer"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="#id_role_1"' in html and "You are the only partnership admin" in html
    # What they chose is kept.
    assert 'value="reviewer" aria-describedby="id_role_2-hint" checked' in html
    own.refresh_from_db()
    assert own.role == StaffRole.ADMIN


def test_an_admin_stepping_down_goes_to_the_staff_home(world):
    w, client = world
    StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.ADMIN)
    own = StaffMembership.objects.get(user=client.user)
    response = client.post(
        staff_url(w.a.partnership, "staff_member_role", membership_id=own.pk), {"role": "reviewer"}
    )
    assert response["Location"] == staff_url(w.a.partnership, "staff_home")
    assert client.get(staff_url(w.a.partnership, "staff_members")).status_code == 403


def test_removing_someone_asks_first_then_removes_on_post(world):
    w, client = world
    member = StaffMembershipFactory(
        partnership=w.a.partnership, role=StaffRole.REVIEWER, user=UserFactory(full_name="Rob Remove")
    )
    url = staff_url(w.a.partnership, "staff_member_remove", membership_id=member.pk)
    response = client.get(url)
    assert "Are you sure you want to remove Rob Remove?" in _text(response)
    assert StaffMembership.objects.filter(pk=member.pk).exists()  # GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not StaffMembership.objects.filter(pk=member.pk).exists()
    assert User.objects.filter(pk=member.user_id).exists()
    assert "Rob Remove removed from" in _text(client.get(response["Location"]))


def test_removing_yourself_is_a_govuk_error(world):
    w, client = world
    own = StaffMembership.objects.get(user=client.user)
    response = client.post(staff_url(w.a.partnership, "staff_member_remove", membership_id=own.pk))
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    assert "You cannot remove yourself" in _text(response)
    assert StaffMembership.objects.filter(pk=own.pk).exists()


def test_resetting_an_authenticator_app_needs_a_reason_and_keeps_it(world):
    w, client = world
    member = StaffMembershipFactory(partnership=w.a.partnership, user=UserFactory(full_name="Lou Lost"))
    TOTP.activate(member.user, generate_totp_secret())
    url = staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=member.pk)
    assert "Reset Lou Lost's authenticator app" in _text(client.get(url))
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Enter why you are resetting their authenticator app" in _text(response)
    assert Authenticator.objects.filter(user=member.user).exists()

    response = client.post(url, {"reason": "Lost phone on holiday"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=member.user).exists()
    event = AuditEvent.objects.get(verb="staff.second_factor_reset")
    assert event.detail["reason"] == "Lost phone on holiday" and event.actor == client.user


def test_resetting_a_platform_admin_is_refused_on_the_page(world):
    w, client = world
    platform = UserFactory(is_superuser=True, is_staff=True)
    TOTP.activate(platform, generate_totp_secret())
    member = StaffMembershipFactory(partnership=w.a.partnership, user=platform)
    url = staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=member.pk)
    response = client.post(url, {"reason": "Lost phone"})
    assert response.status_code == 200
    assert "Only a platform admin can reset" in _text(response)
    assert Authenticator.objects.filter(user=platform).exists()


@pytest.mark.parametrize(
    "name", ["staff_member_role", "staff_member_remove", "staff_member_second_factor_reset"]
)
def test_another_partnerships_member_is_not_found(world, name):
    w, client = world
    theirs = StaffMembershipFactory(partnership=w.b.partnership, role=StaffRole.REVIEWER)
    TOTP.activate(theirs.user, generate_totp_secret())
    url = staff_url(w.a.partnership, name, membership_id=theirs.pk)
    assert client.get(url).status_code == 404
    assert client.post(url, {"role": "admin", "reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.role == StaffRole.REVIEWER and Authenticator.objects.filter(user=theirs.user).exists()


def test_a_partnership_name_ending_in_s_takes_the_apostrophe_alone(client):
    w = two_partnerships()
    partnership = w.a.partnership
    partnership.name = "Children's Services & Carers"
    partnership.save(update_fields=["name"])
    admin_client = staff_client(client, partnership, StaffRole.ADMIN)
    html = unescape(_text(admin_client.get(staff_url(partnership, "staff_members"))))
    assert "Children's Services & Carers' workspace" in html
    assert "Carers's" not in html


def test_the_staff_page_lists_every_roles_permissions_from_the_table_the_code_checks(world):
    """Issue 17 item 10: each role, the agencies it reaches, what it can and
    cannot do, in the words of partnerships.permissions, as ROLE_PERMS says."""
    from partnerships.permissions import PERM_WORDS, ROLE_PERMS, ROLE_REACH, Perm

    w, client = world
    page = unescape(client.get(staff_url(w.a.partnership, "staff_members")).content.decode())
    roles = page.split('id="roles"', 1)[1]
    assert set(ROLE_PERMS) == set(StaffRole.values) == set(ROLE_REACH)
    assert set(PERM_WORDS) == set(Perm)
    for role in StaffRole:
        section = roles.split(f">{role.label}</h3>", 1)[1].split("</dl>", 1)[0]
        assert ROLE_REACH[role] in section
        can, cannot = section.split(">Cannot</dt>", 1)
        for perm in Perm:
            allowed = perm in ROLE_PERMS[role]
            assert (PERM_WORDS[perm] in can) == allowed, (role, perm)
            assert (PERM_WORDS[perm] in cannot) == (not allowed), (role, perm)
