"""Issue 21: one staff account shared by two partnerships. The four steps of
the report, each refused or harmless, and what each partnership may see of a
person who works for both. Runs on PostgreSQL in CI like every test here."""

import re
from datetime import UTC, datetime
from email.utils import parseaddr
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from accounts.models import CredentialReset
from core.models import AuditEvent
from partnerships.models import StaffInvitation, StaffMembership, StaffRole
from tests.accounts.helpers import is_signed_in, post_password
from tests.factories import StaffMembershipFactory, UserFactory, two_partnerships
from tests.staff import mfa_session, staff_client, staff_url

pytestmark = pytest.mark.django_db

User = get_user_model()
ACCEPT_RE = re.compile(r"https?://\S+?(/staff/invitations/\S+/)")
LAST_LOGIN = datetime(2026, 9, 14, 7, 45, tzinfo=UTC)  # from their work for bravo


def _text(response) -> str:
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.fixture
def shared():
    """Bravo's read-only member Lucy, with an authenticator app, recovery
    codes and a last login; alpha's admin signed in."""
    w = two_partnerships()
    lucy = UserFactory(email="lucy@bravo.example", full_name="Lucy Fenwick")
    User.objects.filter(pk=lucy.pk).update(last_login=LAST_LOGIN)
    TOTP.activate(lucy, generate_totp_secret())
    RecoveryCodes.activate(lucy)
    StaffMembershipFactory(
        user=lucy, partnership=w.b.partnership, role=StaffRole.READ_ONLY, last_seen_at=LAST_LOGIN
    )
    admin = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    return w, lucy, admin


def _invite(w, admin, django_capture_on_commit_callbacks, name="Made Up Name"):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            staff_url(w.a.partnership, "staff_member_add"),
            {"full_name": name, "email": "LUCY@bravo.example", "role": "admin"},
        )
    assert response.status_code == 302
    return response


def test_step_1_adding_an_existing_account_only_invites_it(shared, django_capture_on_commit_callbacks):
    w, lucy, admin = shared
    response = _invite(w, admin, django_capture_on_commit_callbacks)
    # No membership until Lucy accepts.
    assert not StaffMembership.objects.filter(user=lucy, partnership=w.a.partnership).exists()
    invitation = StaffInvitation.objects.get(partnership=w.a.partnership)
    assert (invitation.email, invitation.full_name) == ("lucy@bravo.example", "Made Up Name")
    # The success message names only what alpha typed.
    text = _text(admin.get(response["Location"]))
    assert "Made Up Name" in text and "Lucy Fenwick" not in text
    # She is emailed an invitation to accept, which says nothing of bravo.
    [sent] = mail.outbox
    assert sent.to[0].endswith("<lucy@bravo.example>")
    assert w.b.partnership.name not in sent.body and ACCEPT_RE.search(sent.body)


def test_step_2_the_inviting_partnership_sees_only_invited_and_what_it_typed(
    shared, django_capture_on_commit_callbacks
):
    w, _lucy, admin = shared
    _invite(w, admin, django_capture_on_commit_callbacks)
    text = _text(admin.get(staff_url(w.a.partnership, "staff_members")))
    assert "Made Up Name lucy@bravo.example Partnership admin Invited" in text
    invited = text[text.index("not accepted yet") :]
    for leak in ("Lucy Fenwick", "14 September 2026", "Set up", "Not set up"):
        assert leak not in invited, leak
    assert "Lucy Fenwick" not in text and "14 September 2026" not in text


def test_after_accepting_alpha_sees_its_own_name_and_activity_never_bravos(
    shared, django_capture_on_commit_callbacks
):
    w, lucy, admin = shared
    _invite(w, admin, django_capture_on_commit_callbacks)
    path = ACCEPT_RE.search(mail.outbox[0].body).group(1)
    lucy_client = Client()
    lucy_client.force_login(lucy)
    mfa_session(lucy_client, lucy)
    response = lucy_client.post(path, {"display_name": "Lucy F (Alpha)"})
    assert response.status_code == 302
    assert response["Location"] == staff_url(w.a.partnership, "staff_home")
    membership = StaffMembership.objects.get(user=lucy, partnership=w.a.partnership)
    assert membership.display_name == "Lucy F (Alpha)" and membership.last_seen_at is None

    text = _text(admin.get(staff_url(w.a.partnership, "staff_members")))
    assert "Lucy F (Alpha) lucy@bravo.example Partnership admin" in text
    # Not bravo's name for her, not her authenticator, not her last login.
    assert "Lucy Fenwick" not in text and "14 September 2026" not in text
    assert "Lucy F (Alpha) lucy@bravo.example Partnership admin Managed by the platform team Not yet" in text

    # Her visit to alpha's pages is alpha's activity; bravo's record is untouched.
    lucy_client.get(staff_url(w.a.partnership, "staff_home"))
    membership.refresh_from_db()
    assert membership.last_seen_at is not None
    assert StaffMembership.objects.get(user=lucy, partnership=w.b.partnership).last_seen_at == LAST_LOGIN
    # Her actions in alpha carry alpha's name for her.
    event = AuditEvent.objects.get(partnership=w.a.partnership, verb="staff.invitation_accepted")
    assert event.actor_name == "Lucy F (Alpha)"


def test_step_3_alphas_admin_cannot_reset_a_shared_persons_authenticator(
    shared, django_capture_on_commit_callbacks
):
    w, lucy, admin = shared
    alpha = StaffMembershipFactory(user=lucy, partnership=w.a.partnership, display_name="Lucy A")
    url = staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=alpha.pk)
    page = _text(admin.get(url))
    assert "Only a platform admin can reset" in page and "<textarea" not in admin.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "Lost phone"})
    assert response.status_code == 200 and "Only a platform admin can reset" in _text(response)
    assert Authenticator.objects.filter(user=lucy).count() == 2
    assert not CredentialReset.objects.exists() and mail.outbox == []
    assert not AuditEvent.objects.filter(verb="staff.second_factor_reset").exists()
    # The list offers no reset link for her either; removing her stays possible.
    listing = admin.get(staff_url(w.a.partnership, "staff_members")).content.decode()
    assert url not in listing
    remove = staff_url(w.a.partnership, "staff_member_remove", membership_id=alpha.pk)
    assert admin.post(remove).status_code == 302
    assert StaffMembership.objects.filter(user=lucy, partnership=w.b.partnership).exists()


def test_step_4_so_bravos_second_factor_still_stands(shared):
    w, lucy, admin = shared
    StaffMembershipFactory(user=lucy, partnership=w.a.partnership)
    alpha = StaffMembership.objects.get(user=lucy, partnership=w.a.partnership)
    admin.post(
        staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=alpha.pk),
        {"reason": "Lost phone"},
    )
    # Whoever holds her password alone still meets the code page and is
    # not signed in: her TOTP device was never deleted, so nobody can enrol
    # a new one in her name.
    client = Client()
    response = post_password(client, lucy.email)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("mfa_authenticate")
    assert not is_signed_in(client)
    response = client.get(staff_url(w.b.partnership, "staff_home"))
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert Authenticator.objects.filter(user=lucy, type=Authenticator.Type.TOTP).exists()


def test_a_person_of_this_partnership_alone_can_be_reset_emailed_and_audited(
    shared, django_capture_on_commit_callbacks
):
    w, _, admin = shared
    solo = UserFactory(email="solo@alpha.example", full_name="Solo")
    TOTP.activate(solo, generate_totp_secret())
    member = StaffMembershipFactory(user=solo, partnership=w.a.partnership)
    url = staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(url, {"reason": "New phone"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=solo).exists()
    assert AuditEvent.objects.get(partnership=w.a.partnership, verb="staff.second_factor_reset")
    [sent] = mail.outbox
    assert sent.to == ["Solo <solo@alpha.example>"] and w.a.partnership.name in sent.body


def test_accepting_needs_the_invited_account_in_a_session_with_a_second_factor(
    shared, django_capture_on_commit_callbacks
):
    w, lucy, admin = shared
    _invite(w, admin, django_capture_on_commit_callbacks)
    path = ACCEPT_RE.search(mail.outbox[0].body).group(1)
    # Not signed in: the sign-in page.
    response = Client().get(path)
    assert urlsplit(response["Location"]).path == reverse("account_login")
    # Signed in with a password only: asked for a code first.
    client = Client()
    client.force_login(lucy)
    response = client.get(path)
    assert urlsplit(response["Location"]).path == reverse("mfa_reauthenticate")
    assert client.post(path, {"display_name": "X"}).status_code == 302
    assert not StaffMembership.objects.filter(user=lucy, partnership=w.a.partnership).exists()
    # Someone else, fully signed in: as if there were no such invitation.
    other = staff_client(Client(), w.b.partnership, StaffRole.ADMIN)
    mfa_session(other)
    assert other.get(path).status_code == 404
    assert other.post(path, {"display_name": "X"}).status_code == 404
    # Lucy with her code: the page, then joining.
    mfa_session(client, lucy)
    page = client.get(path)
    assert page.status_code == 200 and "Made Up Name" in page.content.decode()
    assert client.post(path, {"display_name": "Lucy"}).status_code == 302
    assert StaffMembership.objects.filter(user=lucy, partnership=w.a.partnership).exists()
    # Used: the link is dead.
    assert client.get(path).status_code == 404


def test_platform_admins_reset_anyone_with_a_reason_emailed_and_audited(
    shared, django_capture_on_commit_callbacks
):
    w, lucy, _ = shared
    StaffMembershipFactory(user=lucy, partnership=w.a.partnership)
    platform = UserFactory(email="platform@example.org", is_superuser=True, is_staff=True)
    TOTP.activate(platform, generate_totp_secret())
    client = Client()
    client.force_login(platform)
    url = reverse("platform_account_second_factor_reset", kwargs={"user_id": lucy.pk})
    # Without a code in this session: asked for one.
    assert urlsplit(client.get(url)["Location"]).path == reverse("mfa_reauthenticate")
    mfa_session(client, platform)
    listing = _text(client.get(reverse("platform_accounts"), {"q": "lucy@"}))
    assert "lucy@bravo.example" in listing and w.b.partnership.name in listing
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200 and Authenticator.objects.filter(user=lucy).exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Called her; lost phone"})
    assert response.status_code == 302
    assert not Authenticator.objects.filter(user=lucy).exists()
    reset = CredentialReset.objects.get()
    assert reset.by == "platform" and reset.reason == "Called her; lost phone" and reset.reset_by == platform
    [sent] = mail.outbox
    assert [parseaddr(to)[1] for to in sent.to] == [lucy.email] and "platform admin" in sent.body
    # Each of her partnerships' logs records it, without the platform's reason.
    for partnership in (w.a.partnership, w.b.partnership):
        event = AuditEvent.objects.get(partnership=partnership, verb="staff.second_factor_reset_by_platform")
        assert "reason" not in event.detail


def test_platform_pages_are_not_found_for_partnership_admins(shared):
    _w, lucy, admin = shared
    mfa_session(admin)
    assert admin.get(reverse("platform_accounts")).status_code == 404
    url = reverse("platform_account_second_factor_reset", kwargs={"user_id": lucy.pk})
    assert admin.post(url, {"reason": "x"}).status_code == 404
    assert Authenticator.objects.filter(user=lucy).exists()


def test_the_reset_email_keeps_a_partnerships_name_as_typed(django_capture_on_commit_callbacks):
    from partnerships.models import Partnership

    w = two_partnerships()
    Partnership.objects.filter(pk=w.a.partnership.pk).update(name="Children's Services & Carers")
    w.a.partnership.refresh_from_db()
    admin = staff_client(Client(), w.a.partnership, StaffRole.ADMIN)
    solo = UserFactory(email="solo@alpha.example")
    TOTP.activate(solo, generate_totp_secret())
    member = StaffMembershipFactory(user=solo, partnership=w.a.partnership)
    url = staff_url(w.a.partnership, "staff_member_second_factor_reset", membership_id=member.pk)
    with django_capture_on_commit_callbacks(execute=True):
        admin.post(url, {"reason": "New phone"})
    [sent] = mail.outbox
    assert "Children's Services & Carers" in sent.body
