"""Managing a partnership's staff: inviting someone (a new account with an
emailed invitation to set a password, or an existing account invited to
accept), changing roles, removing, and resetting someone's authenticator
app, with the rules that keep a partnership with an admin. Accounts shared
by two partnerships: test_members_shared_accounts.py."""

import re
from urllib.parse import urlsplit

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from accounts.models import CredentialReset
from core.domain import SYSTEM, Actor
from core.models import AuditEvent, OutboundEmail
from partnerships.models import StaffInvitation, StaffMembership, StaffRole
from partnerships.services import (
    StaffMemberRefusedError,
    staff_invitation_accept,
    staff_invitation_withdraw,
    staff_member_invite,
    staff_member_remove,
    staff_member_role_change,
    staff_member_second_factor_reset,
)
from tests.accounts.helpers import post_password
from tests.factories import StaffMembershipFactory, UserFactory, two_partnerships
from tests.staff import sign_in, staff_url, staff_user

pytestmark = pytest.mark.django_db

User = get_user_model()
SET_PASSWORD_RE = re.compile(r"https?://\S+/accounts/password/reset/key/\S+/")
ACCEPT_RE = re.compile(r"https?://\S+/staff/invitations/\S+/")


@pytest.fixture
def world():
    w = two_partnerships()
    admin = staff_user(w.a.partnership, StaffRole.ADMIN, email="admin@alpha.example")
    return w, admin, Actor.for_user(admin)


def _events(partnership, verb):
    return list(AuditEvent.objects.filter(partnership=partnership, verb=verb))


# ---------------------------------------------------------------------------
# Adding someone
# ---------------------------------------------------------------------------


def test_someone_new_gets_an_account_without_a_password_and_an_invitation_once_committed(
    world, django_capture_on_commit_callbacks, settings
):
    w, admin, actor = world
    settings.BASE_URL = "https://s11.example"
    settings.PASSWORD_RESET_TIMEOUT = 3 * 86400
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = staff_member_invite(
            partnership=w.a.partnership,
            email="  Nia.New@Example.ORG ",
            full_name="Nia New",
            role=StaffRole.REVIEWER,
            actor=actor,
        )
    # Nothing is sent until the transaction that added them commits.
    assert mail.outbox == []
    user = User.objects.get(email="nia.new@example.org")
    assert user.full_name == "Nia New"
    assert not user.has_usable_password()
    # Invited, not yet a member: they join when they accept.
    assert invitation.partnership == w.a.partnership and invitation.role == StaffRole.REVIEWER
    assert invitation.email == "nia.new@example.org" and invitation.accepted_at is None
    assert not StaffMembership.objects.filter(user=user).exists()
    email = OutboundEmail.objects.get(kind=OutboundEmail.Kind.STAFF_INVITATION)
    assert email.partnership == w.a.partnership and email.submission is None
    assert email.to_email == "nia.new@example.org" and email.template == "staff_invitation"
    [event] = _events(w.a.partnership, "staff.invited")
    assert event.actor == admin and event.object_id == str(invitation.pk)
    assert event.detail["role"] == StaffRole.REVIEWER

    for callback in callbacks:
        callback()
    [sent] = mail.outbox
    assert sent.to == ["Nia New <nia.new@example.org>"]
    assert sent.reply_to == [w.a.partnership.reply_to]
    assert w.a.partnership.name in sent.subject and settings.SERVICE_NAME in sent.subject
    body = " ".join(sent.body.split())
    for words in (w.a.partnership.name, settings.SERVICE_NAME, "as Reviewer", "authenticator app", "3 days"):
        assert words in body, words
    html = sent.alternatives[0][0]
    link = SET_PASSWORD_RE.search(sent.body).group(0)
    assert link.startswith("https://s11.example/accounts/password/reset/key/")
    assert link in html
    # The key is made when the email is sent: the outbox never holds it.
    email.refresh_from_db()
    assert email.status == OutboundEmail.Status.SENT
    key = urlsplit(link).path.rstrip("/").rsplit("/", 1)[-1]
    assert key not in str(email.context)
    # So is the acceptance token: only its hash is kept.
    accept = ACCEPT_RE.search(sent.body).group(0)
    assert accept in html
    token = urlsplit(accept).path.rstrip("/").rsplit("/", 1)[-1]
    assert token not in str(email.context)
    invitation.refresh_from_db()
    assert invitation.token_hash == StaffInvitation.token_hash_of(token)


def test_the_invitation_link_sets_a_password_then_signing_in_demands_an_authenticator_app(
    world, client, django_capture_on_commit_callbacks
):
    w, _, actor = world
    with django_capture_on_commit_callbacks(execute=True):
        staff_member_invite(
            partnership=w.a.partnership, email="nia@example.org", full_name="Nia", role="admin", actor=actor
        )
    link = urlsplit(SET_PASSWORD_RE.search(mail.outbox[0].body).group(0)).path

    # allauth swaps the key for a session and shows the set-password form.
    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    assert "set-password" in form_url
    response = client.get(form_url)
    assert response.status_code == 200 and b"password1" in response.content
    password = "a long and unusual passphrase 7"
    response = client.post(form_url, {"password1": password, "password2": password})
    assert response.status_code == 302, response.content
    assert User.objects.get(email="nia@example.org").check_password(password)
    # Used once: the same link no longer works.
    assert client.get(link).status_code == 200  # allauth's "link not valid" page
    assert client.get(link).context["token_fail"]

    # They sign in with it, and the staff pages send them to set up an app.
    response = post_password(client, "nia@example.org", password)
    assert response.status_code == 302
    response = client.get(staff_url(w.a.partnership, "staff_home"))
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("mfa_activate_totp")


def test_someone_with_an_account_elsewhere_is_invited_and_nothing_of_the_other_is_touched(
    world, django_capture_on_commit_callbacks
):
    w, _, actor = world
    elsewhere = staff_user(w.b.partnership, StaffRole.ADMIN, email="pat@example.org")
    users_before = User.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = staff_member_invite(
            partnership=w.a.partnership,
            email="PAT@example.org",
            full_name="Someone Else Entirely",
            role=StaffRole.READ_ONLY,
            actor=actor,
        )
    assert User.objects.count() == users_before
    assert invitation.role == StaffRole.READ_ONLY and invitation.full_name == "Someone Else Entirely"
    assert not StaffMembership.objects.filter(user=elsewhere, partnership=w.a.partnership).exists()
    # Their name, password and other membership are theirs: untouched.
    elsewhere.refresh_from_db()
    assert elsewhere.full_name != "Someone Else Entirely" and elsewhere.has_usable_password()
    assert StaffMembership.objects.get(user=elsewhere, partnership=w.b.partnership).role == StaffRole.ADMIN
    [sent] = mail.outbox
    assert OutboundEmail.objects.get().template == "staff_invitation_existing"
    assert w.a.partnership.name in sent.body and "Read-only" in sent.body
    assert w.b.partnership.name not in sent.body + sent.subject + sent.alternatives[0][0]
    assert not SET_PASSWORD_RE.search(sent.body)
    assert ACCEPT_RE.search(sent.body)


def test_an_account_that_never_set_a_password_gets_the_full_invitation(
    world, django_capture_on_commit_callbacks
):
    w, _, actor = world
    pending = UserFactory(email="pending@example.org")  # invited before, never set a password
    pending.set_unusable_password()
    pending.save(update_fields=["password"])
    with django_capture_on_commit_callbacks(execute=True):
        staff_member_invite(
            partnership=w.a.partnership,
            email="pending@example.org",
            full_name="P",
            role="reviewer",
            actor=actor,
        )
    assert SET_PASSWORD_RE.search(mail.outbox[0].body)


def test_someone_already_on_the_staff_is_refused(world, django_capture_on_commit_callbacks):
    w, admin, actor = world
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(StaffMemberRefusedError, match="already a member of staff"),
    ):
        staff_member_invite(
            partnership=w.a.partnership,
            email="ADMIN@alpha.example",
            full_name="Admin",
            role=StaffRole.READ_ONLY,
            actor=actor,
        )
    assert StaffMembership.objects.get(user=admin).role == StaffRole.ADMIN
    assert mail.outbox == [] and not OutboundEmail.objects.exists()


def test_an_unknown_role_is_refused(world):
    w, _, actor = world
    with pytest.raises(StaffMemberRefusedError):
        staff_member_invite(
            partnership=w.a.partnership, email="x@example.org", full_name="X", role="owner", actor=actor
        )
    assert not User.objects.filter(email="x@example.org").exists()


# ---------------------------------------------------------------------------
# Roles
# ---------------------------------------------------------------------------


def test_changing_a_role_is_recorded(world):
    w, _, actor = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.READ_ONLY)
    staff_member_role_change(
        partnership=w.a.partnership, membership=member, role=StaffRole.ADMIN, actor=actor
    )
    member.refresh_from_db()
    assert member.role == StaffRole.ADMIN
    [event] = _events(w.a.partnership, "staff.role_changed")
    assert event.detail == {
        "email": member.user.email,
        "name": member.name,
        "from": "read_only",
        "to": "admin",
    }


def test_the_last_admin_cannot_demote_themselves(world):
    w, admin, actor = world
    membership = StaffMembership.objects.get(user=admin)
    with pytest.raises(StaffMemberRefusedError, match="only partnership admin"):
        staff_member_role_change(
            partnership=w.a.partnership, membership=membership, role=StaffRole.REVIEWER, actor=actor
        )
    membership.refresh_from_db()
    assert membership.role == StaffRole.ADMIN
    assert not _events(w.a.partnership, "staff.role_changed")


def test_an_admin_may_step_down_when_another_admin_remains(world):
    w, admin, actor = world
    StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.ADMIN)
    membership = StaffMembership.objects.get(user=admin)
    staff_member_role_change(
        partnership=w.a.partnership, membership=membership, role=StaffRole.REVIEWER, actor=actor
    )
    assert StaffMembership.objects.get(user=admin).role == StaffRole.REVIEWER


def test_the_last_admin_is_kept_whoever_asks(world):
    w, admin, _ = world
    membership = StaffMembership.objects.get(user=admin)
    with pytest.raises(StaffMemberRefusedError, match="must always have a partnership admin"):
        staff_member_role_change(
            partnership=w.a.partnership, membership=membership, role=StaffRole.READ_ONLY, actor=SYSTEM
        )
    with pytest.raises(StaffMemberRefusedError, match="must always have a partnership admin"):
        staff_member_remove(partnership=w.a.partnership, membership=membership, actor=SYSTEM)
    assert StaffMembership.objects.get(user=admin).role == StaffRole.ADMIN


def test_another_partnerships_membership_is_never_touched(world):
    w, _, actor = world
    theirs = StaffMembershipFactory(partnership=w.b.partnership, role=StaffRole.REVIEWER)
    TOTP.activate(theirs.user, generate_totp_secret())
    with pytest.raises(StaffMemberRefusedError, match="not a member of staff of this partnership"):
        staff_member_role_change(
            partnership=w.a.partnership, membership=theirs, role=StaffRole.ADMIN, actor=actor
        )
    with pytest.raises(StaffMemberRefusedError):
        staff_member_remove(partnership=w.a.partnership, membership=theirs, actor=actor)
    with pytest.raises(StaffMemberRefusedError):
        staff_member_second_factor_reset(
            partnership=w.a.partnership, membership=theirs, reason="Lost phone", actor=actor
        )
    theirs.refresh_from_db()
    assert theirs.role == StaffRole.REVIEWER
    assert Authenticator.objects.filter(user=theirs.user).exists()
    assert not AuditEvent.objects.filter(verb__startswith="staff.").exists()


# ---------------------------------------------------------------------------
# Removing
# ---------------------------------------------------------------------------


def test_removing_someone_keeps_their_account_and_other_memberships(world):
    w, _, actor = world
    user = UserFactory()
    here = StaffMembershipFactory(user=user, partnership=w.a.partnership, role=StaffRole.ADMIN)
    there = StaffMembershipFactory(user=user, partnership=w.b.partnership, role=StaffRole.REVIEWER)
    staff_member_remove(partnership=w.a.partnership, membership=here, actor=actor)
    assert not StaffMembership.objects.filter(pk=here.pk).exists()
    assert StaffMembership.objects.filter(pk=there.pk).exists()
    assert User.objects.filter(pk=user.pk).exists()
    [event] = _events(w.a.partnership, "staff.member_removed")
    assert event.object_id == str(here.pk) and event.detail["email"] == user.email


def test_nobody_can_remove_themselves(world):
    w, admin, actor = world
    StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.ADMIN)
    membership = StaffMembership.objects.get(user=admin)
    with pytest.raises(StaffMemberRefusedError, match="cannot remove yourself"):
        staff_member_remove(partnership=w.a.partnership, membership=membership, actor=actor)
    assert StaffMembership.objects.filter(pk=membership.pk).exists()


def test_withdrawing_an_invitation_cancels_its_unsent_email(world, django_capture_on_commit_callbacks):
    w, _, actor = world
    with django_capture_on_commit_callbacks(execute=False):
        invitation = staff_member_invite(
            partnership=w.a.partnership, email="gone@example.org", full_name="G", role="reviewer", actor=actor
        )
    staff_invitation_withdraw(partnership=w.a.partnership, invitation=invitation, actor=actor)
    assert OutboundEmail.objects.get().status == OutboundEmail.Status.CANCELLED
    assert not StaffInvitation.objects.exists()
    [event] = _events(w.a.partnership, "staff.invitation_withdrawn")
    assert event.detail["email"] == "gone@example.org"


def test_an_open_invitation_is_not_sent_twice_and_another_partnerships_cannot_be_withdrawn(world):
    w, _, actor = world
    invitation = staff_member_invite(
        partnership=w.a.partnership, email="twice@example.org", full_name="T", role="reviewer", actor=actor
    )
    with pytest.raises(StaffMemberRefusedError, match="already invited"):
        staff_member_invite(
            partnership=w.a.partnership, email="TWICE@example.org", full_name="T", role="admin", actor=actor
        )
    with pytest.raises(StaffMemberRefusedError):
        staff_invitation_withdraw(partnership=w.b.partnership, invitation=invitation, actor=actor)
    assert StaffInvitation.objects.filter(pk=invitation.pk).exists()


def test_accepting_makes_the_membership_under_the_name_given_and_only_once(world):
    w, _, actor = world
    invitation = staff_member_invite(
        partnership=w.a.partnership,
        email="acc@example.org",
        full_name="Typed Name",
        role="reviewer",
        actor=actor,
    )
    user = User.objects.get(email="acc@example.org")
    stranger = UserFactory(email="stranger@example.org")
    with pytest.raises(StaffMemberRefusedError, match="someone else"):
        staff_invitation_accept(invitation=invitation, user=stranger)
    membership = staff_invitation_accept(invitation=invitation, user=user, display_name=" Own Name ")
    assert membership.partnership == w.a.partnership and membership.role == StaffRole.REVIEWER
    assert membership.display_name == "Own Name"
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None
    [event] = _events(w.a.partnership, "staff.invitation_accepted")
    assert event.actor == user and event.actor_name == "Own Name"
    with pytest.raises(StaffMemberRefusedError, match="already"):
        staff_invitation_accept(invitation=invitation, user=user)


def test_an_expired_invitation_cannot_be_accepted(world):
    from datetime import timedelta

    from django.utils import timezone

    w, _, actor = world
    invitation = staff_member_invite(
        partnership=w.a.partnership, email="late@example.org", full_name="L", role="reviewer", actor=actor
    )
    StaffInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    invitation.refresh_from_db()
    with pytest.raises(StaffMemberRefusedError, match="expired"):
        staff_invitation_accept(invitation=invitation, user=User.objects.get(email="late@example.org"))
    assert not StaffMembership.objects.filter(user__email="late@example.org").exists()
    # A new invitation replaces the expired one.
    again = staff_member_invite(
        partnership=w.a.partnership, email="late@example.org", full_name="L", role="reviewer", actor=actor
    )
    assert list(StaffInvitation.objects.all()) == [again]


# ---------------------------------------------------------------------------
# Resetting someone's authenticator app
# ---------------------------------------------------------------------------


def _with_app(membership):
    TOTP.activate(membership.user, generate_totp_secret())
    RecoveryCodes.activate(membership.user)
    return membership


def test_resetting_deletes_the_app_and_recovery_codes_records_why_and_emails_them(
    world, django_capture_on_commit_callbacks
):
    w, _, actor = world
    member = _with_app(StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.REVIEWER))
    other = _with_app(StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.REVIEWER))
    with django_capture_on_commit_callbacks(execute=True):
        reset = staff_member_second_factor_reset(
            partnership=w.a.partnership, membership=member, reason="  Lost their phone  ", actor=actor
        )
    assert sorted(reset.removed) == ["recovery_codes", "totp"]
    assert not Authenticator.objects.filter(user=member.user).exists()
    assert Authenticator.objects.filter(user=other.user).count() == 2
    [event] = _events(w.a.partnership, "staff.second_factor_reset")
    assert event.detail == {
        "email": member.user.email,
        "reason": "Lost their phone",
        "removed": ["recovery_codes", "totp"],
    }
    # The person is told, by whom.
    assert CredentialReset.objects.get().by_name == w.a.partnership.name
    [sent] = mail.outbox
    assert sent.to == [f"{member.user.full_name} <{member.user.email}>"] and "reset" in sent.subject
    assert w.a.partnership.name in sent.body


@pytest.mark.parametrize("case", ["platform admin", "yourself", "no reason", "no app"])
def test_resetting_is_refused(world, case):
    w, admin, actor = world
    member = _with_app(StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.REVIEWER))
    reason = "Lost phone"
    if case == "platform admin":
        User.objects.filter(pk=member.user_id).update(is_superuser=True, is_staff=True)
    elif case == "yourself":
        member = StaffMembership.objects.get(user=admin)  # staff_user gave them an app
    elif case == "no reason":
        reason = "   "
    else:
        Authenticator.objects.filter(user=member.user).delete()
    before = Authenticator.objects.filter(user=member.user).count()
    with pytest.raises(StaffMemberRefusedError):
        staff_member_second_factor_reset(
            partnership=w.a.partnership, membership=member, reason=reason, actor=actor
        )
    assert Authenticator.objects.filter(user=member.user).count() == before
    assert not _events(w.a.partnership, "staff.second_factor_reset")


def test_after_a_reset_the_member_must_set_up_an_app_again(world, client):
    w, _, actor = world
    member = _with_app(StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.REVIEWER))
    sign_in(client, member.user)
    assert client.get(staff_url(w.a.partnership, "staff_home")).status_code == 200
    staff_member_second_factor_reset(
        partnership=w.a.partnership, membership=member, reason="New phone", actor=actor
    )
    response = client.get(staff_url(w.a.partnership, "staff_home"))
    assert urlsplit(response["Location"]).path == reverse("mfa_activate_totp")


# ---------------------------------------------------------------------------
# Two admins at once (PostgreSQL: real concurrent transactions)
# ---------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["demote", "remove"])
def test_two_admins_taking_each_other_off_at_once_leave_one_admin(change):
    import threading

    from django.db import connection

    w = two_partnerships()
    one = staff_user(w.a.partnership, StaffRole.ADMIN)
    two = staff_user(w.a.partnership, StaffRole.ADMIN)
    memberships = {u.pk: StaffMembership.objects.get(user=u) for u in (one, two)}
    barrier = threading.Barrier(2)
    outcomes = []

    def act(actor_user, target_user):
        try:
            barrier.wait()
            if change == "demote":
                staff_member_role_change(
                    partnership=w.a.partnership,
                    membership=memberships[target_user.pk],
                    role=StaffRole.REVIEWER,
                    actor=Actor.for_user(actor_user),
                )
            else:
                staff_member_remove(
                    partnership=w.a.partnership,
                    membership=memberships[target_user.pk],
                    actor=Actor.for_user(actor_user),
                )
            outcomes.append("done")
        except StaffMemberRefusedError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=pair) for pair in ((one, two), (two, one))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["done", "refused"]
    assert StaffMembership.objects.filter(partnership=w.a.partnership, role=StaffRole.ADMIN).count() == 1


def test_a_visit_is_recorded_on_the_membership_at_most_every_few_minutes(world, client):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.services.members import LAST_SEEN_EVERY
    from tests.staff import sign_in

    w, _, _ = world
    member = StaffMembershipFactory(partnership=w.a.partnership, role=StaffRole.READ_ONLY)
    TOTP.activate(member.user, generate_totp_secret())
    sign_in(client, member.user)
    assert client.get(staff_url(w.a.partnership, "staff_home")).status_code == 200
    member.refresh_from_db()
    first = member.last_seen_at
    assert first is not None
    client.get(staff_url(w.a.partnership, "staff_home"))
    member.refresh_from_db()
    assert member.last_seen_at == first  # no write per request
    earlier = timezone.now() - LAST_SEEN_EVERY - timedelta(seconds=1)
    StaffMembership.objects.filter(pk=member.pk).update(last_seen_at=earlier)
    client.get(staff_url(w.a.partnership, "staff_home"))
    member.refresh_from_db()
    assert member.last_seen_at > earlier
    # The account's last login is not what the partnership keeps.
    assert member.user.last_login != member.last_seen_at
