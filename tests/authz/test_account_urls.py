"""The staff area's URLs outside any partnership (/staff/invitations/…,
/staff/platform/…), tried by everyone who might ask: nobody signed in, an
agency contributor's session, someone signed in without a second factor in
this session, the wrong person, and the right one. Every such URL must have
a case here (test_every_account_url_has_a_case)."""

from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse
from django.utils import timezone

from audits.services import resume_link_create
from partnerships.models import StaffInvitation, StaffRole
from partnerships.services.members import staff_invitation_accept_url
from tests.factories import StaffMembershipFactory, UserFactory
from tests.staff import is_login_redirect, mfa_session, staff_client

from .world import authz_world

pytestmark = pytest.mark.django_db

ACCOUNT_PREFIXES = ("staff/invitations/", "staff/platform/")


@dataclass(frozen=True)
class AccountCase:
    url_name: str
    who: str  # "invited": only the invited account; "platform": only superusers
    method: str = "get"
    ok: tuple[int, ...] = (200,)


CASES = [
    AccountCase("staff_invitation_accept", "invited"),
    AccountCase("staff_invitation_accept", "invited", method="post", ok=(302,)),
    AccountCase("platform_accounts", "platform"),
    AccountCase("platform_account_second_factor_reset", "platform"),
    AccountCase("platform_account_second_factor_reset", "platform", method="post", ok=(302,)),
    AccountCase("platform_partnerships", "platform"),
    AccountCase("platform_partnership_offboard", "platform"),
    # A wrong name: the form again with its error, nothing deleted.
    AccountCase("platform_partnership_offboard", "platform", method="post"),
    AccountCase("platform_partnership_export", "platform", method="post"),
]


def test_every_account_url_has_a_case():
    named = {
        p.name
        for p in get_resolver().url_patterns
        if isinstance(p, URLPattern) and str(p.pattern).startswith(ACCOUNT_PREFIXES)
    }
    assert named == {c.url_name for c in CASES}


def _mfa_user(**fields):
    user = UserFactory(**fields)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.url_name}-{c.method}")
def test_account_url_authorisation(case):
    w = authz_world()
    invited = _mfa_user(email="invited@example.org")
    target = StaffMembershipFactory(partnership=w.a.partnership, user=_mfa_user()).user
    platform = _mfa_user(email="platform@example.org", is_superuser=True, is_staff=True)
    if case.who == "invited":
        invitation = StaffInvitation.objects.create(
            partnership=w.a.partnership,
            email="invited@example.org",
            full_name="Ivy",
            role=StaffRole.REVIEWER,
            expires_at=timezone.now() + timedelta(days=1),
        )
        token = staff_invitation_accept_url(invitation_pk=invitation.pk).rstrip("/").rsplit("/", 1)[-1]
        kwargs, data, right = {"token": token}, {"display_name": "Ivy"}, invited
        wrong = [staff_client(Client(), w.a.partnership, StaffRole.ADMIN), _signed_in(platform)]
    else:
        kwargs = {"user_id": target.pk} if "reset" in case.url_name else {}
        if case.url_name.startswith("platform_partnership_"):
            kwargs = {"slug": w.a.partnership.slug}
        data, right = {"reason": "Called them", "name": "Not its name"}, platform
        wrong = [staff_client(Client(), w.a.partnership, StaffRole.ADMIN), _signed_in(invited)]
    url = reverse(case.url_name, kwargs=kwargs)

    def ask(client):
        return client.post(url, data) if case.method == "post" else client.get(url)

    # Nobody signed in, and an agency contributor's session: the sign-in page.
    assert is_login_redirect(ask(Client()))
    agency = Client()
    _, link_url = resume_link_create(
        submission=w.a.submission, name="Sam", email=w.a.contact.email, mint=True
    )
    agency.get(urlsplit(link_url).path)
    assert is_login_redirect(ask(agency))
    # The wrong people, even with a code in this session: not found.
    for client in wrong:
        mfa_session(client)
        assert ask(client).status_code == 404
    # The right person without an authenticator app: set one up first.
    bare = UserFactory(email="bare@example.org", is_superuser=case.who == "platform")
    if case.who == "invited":
        StaffInvitation.objects.filter(pk=invitation.pk).update(email="bare@example.org")
    response = ask(_signed_in(bare))
    assert urlsplit(response["Location"]).path == reverse("mfa_activate_totp")
    if case.who == "invited":
        StaffInvitation.objects.filter(pk=invitation.pk).update(email="invited@example.org")
    # The right person signed in with a password only: asked for a code.
    client = _signed_in(right)
    response = ask(client)
    assert urlsplit(response["Location"]).path == reverse("mfa_reauthenticate")
    # And with a code in this session: allowed.
    mfa_session(client, right)
    assert ask(client).status_code in case.ok


def _signed_in(user):
    client = Client()
    client.force_login(user)
    client.user = user
    return client
