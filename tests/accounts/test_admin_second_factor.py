"""The Django admin and the staff pages need a session that passed the second
factor (issue 12 item 1): the admin has no password-only login form of its
own (its login URL sends people to allauth's sign-in, throttled), and having
an authenticator app is not enough; this session must have used it."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from partnerships.models import StaffRole
from tests.factories import DEFAULT_PASSWORD, PartnershipFactory
from tests.staff import sign_in, staff_url, staff_user

from .helpers import MFA_URL, fresh_totp_code, is_signed_in, post_password, totp_secret

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = reverse("admin:login")
ADMIN_INDEX = reverse("admin:index")
ADMIN_USERS = reverse("admin:accounts_user_changelist")
LOCKED = "You have tried to sign in too many times. Wait 5 minutes, then try again."


@pytest.fixture
def platform_admin():
    """A platform admin (Django admin) who is also a partnership's admin."""
    partnership = PartnershipFactory()
    user = staff_user(partnership, StaffRole.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save(update_fields=["is_staff", "is_superuser"])
    user.partnership = partnership
    return user


def path_and_next(response) -> tuple[str, str]:
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query).get("next", [""])[0]


def test_the_admin_login_form_does_not_take_a_password(client, platform_admin):
    response = client.post(
        f"{ADMIN_LOGIN}?next={ADMIN_USERS}",
        {"username": platform_admin.email, "password": DEFAULT_PASSWORD, "next": ADMIN_USERS},
    )
    assert not is_signed_in(client)
    assert path_and_next(response) == (reverse("account_login"), ADMIN_USERS)
    assert client.get(ADMIN_INDEX).status_code == 302
    assert client.get(staff_url(platform_admin.partnership, "staff_home")).status_code == 302


def test_the_admin_login_sends_people_to_the_service_sign_in_and_back(client, platform_admin):
    assert path_and_next(client.get(f"{ADMIN_LOGIN}?next={ADMIN_USERS}")) == (
        reverse("account_login"),
        ADMIN_USERS,
    )
    # an outside `next` is dropped for the admin's own index
    assert path_and_next(client.get(f"{ADMIN_LOGIN}?next=https://evil.example/")) == (
        reverse("account_login"),
        ADMIN_INDEX,
    )
    response = post_password(client, platform_admin.email, next_url=ADMIN_USERS)
    assert response["Location"] == MFA_URL
    response = client.post(MFA_URL, {"code": fresh_totp_code(totp_secret(platform_admin))})
    assert response["Location"] == ADMIN_USERS
    assert client.get(ADMIN_USERS).status_code == 200


def test_25_wrong_passwords_then_the_right_one_is_refused(client, platform_admin):
    for _ in range(25):
        client.post(ADMIN_LOGIN, {"username": platform_admin.email, "password": "wrong password"})
        post_password(client, platform_admin.email, "wrong password")

    client.post(ADMIN_LOGIN, {"username": platform_admin.email, "password": DEFAULT_PASSWORD})
    response = post_password(client, platform_admin.email, DEFAULT_PASSWORD, next_url=ADMIN_INDEX)

    assert LOCKED in response.content.decode()
    assert not is_signed_in(client)
    assert response.get("Location") != MFA_URL
    assert client.get(ADMIN_INDEX).status_code == 302


def test_a_password_only_session_reaches_neither_admin_nor_staff_pages(client, platform_admin):
    """As a session opened by the old admin login form had: signed in, the
    user has an authenticator app, but this session never used it."""
    sign_in(client, platform_admin, second_factor=False)
    staff_home = staff_url(platform_admin.partnership, "staff_home")

    for url in (ADMIN_INDEX, ADMIN_USERS):
        response = client.get(url)
        assert response.status_code == 302, url
        assert urlsplit(response["Location"]).path == ADMIN_LOGIN
        assert path_and_next(client.get(response["Location"])) == (reverse("mfa_reauthenticate"), url)
    assert path_and_next(client.get(staff_home)) == (reverse("mfa_reauthenticate"), staff_home)
    assert path_and_next(client.get(reverse("staff_index"))) == (
        reverse("mfa_reauthenticate"),
        reverse("staff_index"),
    )

    # entering the code from the app makes it a staff session
    response = client.post(
        f"{reverse('mfa_reauthenticate')}?next={staff_home}",
        {"code": fresh_totp_code(totp_secret(platform_admin)), "next": staff_home},
    )
    assert response["Location"] == staff_home
    assert client.get(staff_home).status_code == 200
    assert client.get(ADMIN_INDEX).status_code == 200


def test_a_second_factor_from_a_reset_authenticator_no_longer_counts(client, platform_admin):
    from allauth.mfa.models import Authenticator

    sign_in(client, platform_admin)
    staff_home = staff_url(platform_admin.partnership, "staff_home")
    assert client.get(staff_home).status_code == 200
    Authenticator.objects.filter(user=platform_admin).delete()  # an admin reset it: lost phone

    assert path_and_next(client.get(staff_home)) == (reverse("mfa_activate_totp"), staff_home)
    assert client.get(ADMIN_INDEX).status_code == 302


def test_signed_in_with_a_second_factor_but_not_a_platform_admin(client):
    partnership = PartnershipFactory()
    user = staff_user(partnership, StaffRole.ADMIN)
    sign_in(client, user)
    assert client.get(ADMIN_INDEX)["Location"].startswith(ADMIN_LOGIN)
    assert client.get(ADMIN_LOGIN).status_code == 403
