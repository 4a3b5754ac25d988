"""Staff members: partnership admins add, change and remove their staff, and
reset a member's second factor. Each write locks the partnership row first,
so two admins acting at once cannot leave it without an admin."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from audits.models import OutboundEmail
from audits.services.core import Actor, DomainError, audit_event_record
from audits.services.outbox import outbound_email_queue

from ..models import Partnership, StaffMembership, StaffRole
from ..permissions import ROLE_DESCRIPTIONS


class StaffMemberRefusedError(DomainError):
    """A change to a partnership's staff that the rules refuse."""


LAST_ADMIN_MESSAGE = (
    "A partnership must always have a partnership admin. Make someone else a partnership admin first."
)


def _partnership_lock(partnership: Partnership) -> None:
    Partnership.objects.select_for_update().filter(pk=partnership.pk).first()


def _own_membership(partnership: Partnership, membership: StaffMembership) -> StaffMembership:
    """The membership, fresh from the database, if it is this partnership's."""
    fresh = (
        StaffMembership.objects.select_related("user")
        .filter(pk=membership.pk, partnership=partnership)
        .first()
    )
    if fresh is None:
        raise StaffMemberRefusedError("This person is not a member of staff of this partnership.")
    return fresh


def _other_admins(partnership: Partnership, membership: StaffMembership) -> bool:
    return (
        StaffMembership.objects.filter(partnership=partnership, role=StaffRole.ADMIN)
        .exclude(pk=membership.pk)
        .exists()
    )


def _duration(seconds: int) -> str:
    """'3 days', '1 day', '12 hours': how long a set-password link lasts."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0:
            count = seconds // size
            return f"{count} {unit}{'' if count == 1 else 's'}"
    return f"{seconds} seconds"


def staff_invitation_password_url(*, user_pk: int) -> str:
    """The link that lets a new member of staff set their password: allauth's
    own password-reset-from-key page, with a key made exactly as allauth's
    reset makes it. The outbox calls this when it sends the invitation, so
    the key is never stored; it lasts settings.PASSWORD_RESET_TIMEOUT from
    then and stops working once a password is set."""
    user = get_user_model().objects.get(pk=user_pk)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return f"{settings.BASE_URL}{path}"


def _invitation_queue(*, membership: StaffMembership, needs_password: bool) -> OutboundEmail:
    partnership, user = membership.partnership, membership.user
    role = StaffRole(membership.role)
    context = {
        "service_name": settings.SERVICE_NAME,
        "role": role.label,
        "role_description": ROLE_DESCRIPTIONS[role],
        "workspace_url": settings.BASE_URL
        + reverse("staff_home", kwargs={"partnership_slug": partnership.slug}),
        "sign_in_url": settings.BASE_URL + reverse("account_login"),
    }
    if needs_password:
        # The outbox makes the set-password link from this when it sends.
        context["user_pk"] = user.pk
        context["link_valid_for"] = _duration(settings.PASSWORD_RESET_TIMEOUT)
    return outbound_email_queue(
        partnership=partnership,
        kind=OutboundEmail.Kind.STAFF_INVITATION,
        to_email=user.email,
        to_name=user.full_name,
        template="staff_invitation" if needs_password else "staff_invitation_added",
        context=context,
        dedupe_key=f"staff_invitation:{membership.pk}",
    )


@transaction.atomic
def staff_member_invite(
    *, partnership: Partnership, email: str, full_name: str, role: str, actor: Actor
) -> StaffMembership:
    """Add someone to the partnership's staff and email them. Someone with no
    account gets one, with no password, and an invitation to set one; someone
    who already has an account (perhaps with another partnership, which is
    never mentioned) is told they have been added."""
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    email = email.strip().lower()
    full_name = full_name.strip()
    _partnership_lock(partnership)
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None, full_name=full_name)
        except IntegrityError:  # made a moment ago by someone else (another partnership's admin)
            user = User.objects.get(email__iexact=email)
    elif StaffMembership.objects.filter(partnership=partnership, user=user).exists():
        raise StaffMemberRefusedError(f"{email} is already a member of staff of {partnership.name}.")
    if not user.full_name and full_name:
        user.full_name = full_name
        user.save(update_fields=["full_name"])
    membership = StaffMembership.objects.create(partnership=partnership, user=user, role=role)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.member_added",
        obj=membership,
        detail={"email": user.email, "name": user.get_full_name(), "role": role},
    )
    # No usable password: a new account, or one that has never been set up.
    _invitation_queue(membership=membership, needs_password=not user.has_usable_password())
    return membership


@transaction.atomic
def staff_member_role_change(
    *, partnership: Partnership, membership: StaffMembership, role: str, actor: Actor
) -> StaffMembership:
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    previous = membership.role
    if previous == role:
        return membership
    if previous == StaffRole.ADMIN and not _other_admins(partnership, membership):
        raise StaffMemberRefusedError(
            "You are the only partnership admin, so you cannot change your own role. " + LAST_ADMIN_MESSAGE
            if actor.user is not None and membership.user_id == actor.user.pk
            else LAST_ADMIN_MESSAGE
        )
    membership.role = role
    membership.save(update_fields=["role"])
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.role_changed",
        obj=membership,
        detail={"email": membership.user.email, "from": previous, "to": role},
    )
    return membership


@transaction.atomic
def staff_member_remove(*, partnership: Partnership, membership: StaffMembership, actor: Actor) -> None:
    """Take someone off this partnership's staff. Their account stays: they
    may belong to another partnership."""
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    if actor.user is not None and membership.user_id == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot remove yourself. Ask another partnership admin to remove you."
        )
    if membership.role == StaffRole.ADMIN and not _other_admins(partnership, membership):
        raise StaffMemberRefusedError(LAST_ADMIN_MESSAGE)
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.member_removed",
        obj=membership,
        detail={
            "email": membership.user.email,
            "name": membership.user.get_full_name(),
            "role": membership.role,
        },
    )
    OutboundEmail.objects.filter(
        dedupe_key=f"staff_invitation:{membership.pk}", status=OutboundEmail.Status.PENDING
    ).update(status=OutboundEmail.Status.CANCELLED, last_error="Removed from staff before this was sent.")
    membership.delete()


@transaction.atomic
def staff_member_second_factor_reset(
    *, partnership: Partnership, membership: StaffMembership, reason: str, actor: Actor
) -> int:
    """Delete a member's authenticator app and recovery codes (they lost
    their phone, say), so that they set up a new one at their next sign-in.
    Returns how many authenticators were deleted."""
    reason = reason.strip()
    if not reason:
        raise StaffMemberRefusedError("Enter why you are resetting their authenticator app.")
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    user = membership.user
    if user.is_superuser:
        raise StaffMemberRefusedError(
            "This person is a platform admin. Ask another platform admin to reset their authenticator app."
        )
    if actor.user is not None and user.pk == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot reset your own authenticator app here. Use “Two-factor authentication” instead."
        )
    deleted, _ = Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES]
    ).delete()
    if not deleted:
        raise StaffMemberRefusedError(f"{user.get_full_name()} has not set up an authenticator app.")
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.second_factor_reset",
        obj=membership,
        detail={"email": user.email, "reason": reason},
    )
    return deleted
