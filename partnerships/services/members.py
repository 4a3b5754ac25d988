"""Staff members: partnership admins invite, change and remove their staff,
and reset the second factor of someone who belongs to their partnership
alone. Each write locks the partnership row first, so two admins acting at
once cannot leave it without an admin.

A person's account is theirs, not any one partnership's: one account may be
a member of several partnerships. So a partnership sees of its members only
what it holds (the membership's name, role and last visit), joins someone
only when they accept an invitation while signed in with their second
factor, and cannot change the credentials of anyone who also belongs
elsewhere (a platform admin can: partnerships/views/platform.py)."""

import secrets
from datetime import timedelta

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import CredentialReset
from accounts.services import CredentialResetRefusedError, account_second_factor_reset
from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.models import OutboundEmail
from core.outbox import outbound_email_queue

from ..models import Agency, Locality, Partnership, StaffInvitation, StaffMembership, StaffRole
from ..permissions import ROLE_DESCRIPTIONS

# How long an invitation can be accepted for.
INVITATION_VALID_DAYS = 14
# staff_required records a member's visit at most this often.
LAST_SEEN_EVERY = timedelta(minutes=5)


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


def _role_localities(partnership: Partnership, role: str, locality_ids) -> list[Locality]:
    """The localities a role is given: a locality lead's, which must be at
    least one of this partnership's; none for any other role."""
    if role != StaffRole.LOCALITY_LEAD:
        return []
    ids = {int(pk) for pk in locality_ids}
    localities = list(Locality.objects.filter(partnership=partnership, pk__in=ids).order_by("name"))
    if not localities or len(localities) != len(ids):
        raise StaffMemberRefusedError(
            "Choose at least one locality for a locality lead"
            if not ids
            else f"Choose localities of {partnership.name} from the list"
        )
    return localities


def _role_agency(partnership: Partnership, role: str, agency_id) -> Agency | None:
    """A commissioner's agency, which must be one of this partnership's;
    none for any other role."""
    if role != StaffRole.COMMISSIONER:
        return None
    agency = Agency.objects.filter(partnership=partnership, pk=agency_id).first() if agency_id else None
    if agency is None:
        raise StaffMemberRefusedError("Choose the agency they commission for")
    return agency


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


def staff_invitation_accept_url(*, invitation_pk: int) -> str:
    """Give the invitation a fresh token and return the acceptance page's
    address. Like a resume link, the token exists in the email only: the
    outbox calls this as it sends, and an earlier token stops working."""
    token = secrets.token_urlsafe(24)
    StaffInvitation.objects.filter(pk=invitation_pk).update(token_hash=StaffInvitation.token_hash_of(token))
    return settings.BASE_URL + reverse("staff_invitation_accept", kwargs={"token": token})


def staff_invitation_email_links(context: dict) -> dict:
    """The links of a staff invitation email, made as the outbox sends it."""
    links = {}
    if "user_pk" in context:
        links["set_password_url"] = staff_invitation_password_url(user_pk=context["user_pk"])
    if "invitation_pk" in context:
        links["accept_url"] = staff_invitation_accept_url(invitation_pk=context["invitation_pk"])
    return links


def _invitation_queue(*, invitation: StaffInvitation, user, needs_password: bool) -> OutboundEmail:
    partnership = invitation.partnership
    role = StaffRole(invitation.role)
    context = {
        "service_name": settings.SERVICE_NAME,
        "role": role.label,
        "role_description": ROLE_DESCRIPTIONS[role],
        "workspace_url": settings.BASE_URL
        + reverse("staff_home", kwargs={"partnership_slug": partnership.slug}),
        "sign_in_url": settings.BASE_URL + reverse("account_login"),
        "invitation_pk": invitation.pk,
        "invitation_valid_for": f"{INVITATION_VALID_DAYS} days",
    }
    if needs_password:
        # The outbox makes the set-password link from this when it sends.
        context["user_pk"] = user.pk
        context["link_valid_for"] = _duration(settings.PASSWORD_RESET_TIMEOUT)
    return outbound_email_queue(
        partnership=partnership,
        kind=OutboundEmail.Kind.STAFF_INVITATION,
        to_email=invitation.email,
        to_name=invitation.full_name,
        template="staff_invitation" if needs_password else "staff_invitation_existing",
        context=context,
        dedupe_key=f"staff_invitation:{invitation.pk}",
    )


def _open_invitation(partnership: Partnership, email: str) -> StaffInvitation | None:
    return (
        StaffInvitation.objects.select_for_update()
        .filter(partnership=partnership, email__iexact=email, accepted_at__isnull=True)
        .first()
    )


@transaction.atomic
def staff_member_invite(
    *,
    partnership: Partnership,
    email: str,
    full_name: str,
    role: str,
    actor: Actor,
    locality_ids=(),
    agency_id: int | None = None,
) -> StaffInvitation:
    """Invite someone to the partnership's staff and email them. They join
    when they accept, signed in with their second factor. Someone with no
    account gets one, with no password, and a link to set one first.

    The partnership learns nothing of the account: the same happens, and it
    sees the same "invited" row with what it typed, whether or not the
    person already works with another partnership."""
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    email = email.strip().lower()
    full_name = full_name.strip()
    localities = _role_localities(partnership, role, locality_ids)
    agency = _role_agency(partnership, role, agency_id)
    _partnership_lock(partnership)
    if StaffMembership.objects.filter(partnership=partnership, user__email__iexact=email).exists():
        raise StaffMemberRefusedError(f"{email} is already a member of staff of {partnership.name}.")
    now = timezone.now()
    earlier = _open_invitation(partnership, email)
    if earlier is not None:
        if earlier.expires_at > now:
            raise StaffMemberRefusedError(
                f"You have already invited {email}. Withdraw that invitation to send a new one."
            )
        _invitation_email_cancel(earlier, "A new invitation replaced this one.")
        earlier.delete()
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        try:
            with transaction.atomic():
                user = User.objects.create_user(email=email, password=None, full_name=full_name)
        except IntegrityError:  # made a moment ago by someone else (another partnership's admin)
            user = User.objects.get(email__iexact=email)
    invitation = StaffInvitation.objects.create(
        partnership=partnership,
        email=email,
        full_name=full_name,
        role=role,
        agency=agency,
        expires_at=now + timedelta(days=INVITATION_VALID_DAYS),
        created_by=actor.user,
    )
    invitation.localities.set(localities)
    detail = {"email": email, "name": full_name, "role": role}
    if localities:
        detail["localities"] = [lo.name for lo in localities]
    if agency:
        detail["agency"] = agency.name
    audit_event_record(
        partnership=partnership, actor=actor, verb="staff.invited", obj=invitation, detail=detail
    )
    # No usable password: a new account, or one that has never been set up.
    _invitation_queue(invitation=invitation, user=user, needs_password=not user.has_usable_password())
    return invitation


def _invitation_email_cancel(invitation: StaffInvitation, why: str) -> None:
    OutboundEmail.objects.filter(
        dedupe_key=f"staff_invitation:{invitation.pk}", status=OutboundEmail.Status.PENDING
    ).update(status=OutboundEmail.Status.CANCELLED, last_error=why)


@transaction.atomic
def staff_invitation_withdraw(*, partnership: Partnership, invitation: StaffInvitation, actor: Actor) -> None:
    """Take back an invitation nobody has accepted; its link stops working."""
    _partnership_lock(partnership)
    invitation = (
        StaffInvitation.objects.select_for_update()
        .filter(pk=invitation.pk, partnership=partnership, accepted_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise StaffMemberRefusedError("This invitation has been accepted or withdrawn already.")
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.invitation_withdrawn",
        obj=invitation,
        detail={"email": invitation.email, "name": invitation.full_name, "role": invitation.role},
    )
    _invitation_email_cancel(invitation, "The invitation was withdrawn before this was sent.")
    invitation.delete()


@transaction.atomic
def staff_invitation_accept(*, invitation: StaffInvitation, user, display_name: str = "") -> StaffMembership:
    """The invited person joins the partnership's staff, under the name they
    give (the name the partnership typed, if they give none). The caller has
    checked that they signed in with their second factor."""
    partnership = invitation.partnership
    _partnership_lock(partnership)
    invitation = StaffInvitation.objects.select_for_update().filter(pk=invitation.pk).first()
    if invitation is None or invitation.accepted_at is not None:
        raise StaffMemberRefusedError("This invitation has been accepted or withdrawn already.")
    if invitation.expires_at <= timezone.now():
        raise StaffMemberRefusedError(
            f"This invitation has expired. Ask {partnership.name} to invite you again."
        )
    if invitation.email.lower() != user.email.lower():
        raise StaffMemberRefusedError("This invitation is for someone else.")
    display_name = display_name.strip() or invitation.full_name
    membership, created = StaffMembership.objects.get_or_create(
        partnership=partnership,
        user=user,
        defaults={"role": invitation.role, "display_name": display_name, "agency_id": invitation.agency_id},
    )
    if not created:
        raise StaffMemberRefusedError(f"You are already a member of staff of {partnership.name}.")
    membership.localities.set(invitation.localities.all())
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    audit_event_record(
        partnership=partnership,
        actor=Actor(name=display_name, email=user.email, user=user),
        verb="staff.invitation_accepted",
        obj=membership,
        detail={"email": user.email, "name": display_name, "role": membership.role},
    )
    return membership


def staff_member_seen(*, membership: StaffMembership, now=None) -> None:
    """Record that the member used this partnership's staff pages: what the
    partnership shows as their last visit. At most one write every few
    minutes, not one per request."""
    now = now or timezone.now()
    if membership.last_seen_at is not None and now - membership.last_seen_at < LAST_SEEN_EVERY:
        return
    StaffMembership.objects.filter(pk=membership.pk).update(last_seen_at=now)
    membership.last_seen_at = now


@transaction.atomic
def staff_member_role_change(
    *,
    partnership: Partnership,
    membership: StaffMembership,
    role: str,
    actor: Actor,
    locality_ids=(),
    agency_id: int | None = None,
) -> StaffMembership:
    """Change a member's role and, for a locality lead, their localities;
    for a commissioner, their agency."""
    if role not in StaffRole.values:
        raise StaffMemberRefusedError("Choose a role.")
    localities = _role_localities(partnership, role, locality_ids)
    agency = _role_agency(partnership, role, agency_id)
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    previous = membership.role
    previous_localities = sorted(membership.localities.values_list("name", flat=True))
    new_localities = sorted(lo.name for lo in localities)
    previous_agency = membership.agency
    if previous == role and previous_localities == new_localities and previous_agency == agency:
        return membership
    if previous == StaffRole.ADMIN and not _other_admins(partnership, membership):
        raise StaffMemberRefusedError(
            "You are the only partnership admin, so you cannot change your own role. " + LAST_ADMIN_MESSAGE
            if actor.user is not None and membership.user_id == actor.user.pk
            else LAST_ADMIN_MESSAGE
        )
    membership.role, membership.agency = role, agency
    membership.save(update_fields=["role", "agency"])
    membership.localities.set(localities)
    detail = {"email": membership.user.email, "name": membership.name, "from": previous, "to": role}
    if previous_localities or new_localities:
        detail["localities_from"], detail["localities_to"] = previous_localities, new_localities
    if previous_agency or agency:
        detail["agency_from"] = previous_agency.name if previous_agency else ""
        detail["agency_to"] = agency.name if agency else ""
    audit_event_record(
        partnership=partnership, actor=actor, verb="staff.role_changed", obj=membership, detail=detail
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
            "name": membership.name,
            "role": membership.role,
        },
    )
    OutboundEmail.objects.filter(
        dedupe_key=f"staff_invitation:{membership.pk}", status=OutboundEmail.Status.PENDING
    ).update(status=OutboundEmail.Status.CANCELLED, last_error="Removed from staff before this was sent.")
    membership.delete()


def staff_member_belongs_elsewhere(*, partnership: Partnership, membership: StaffMembership) -> bool:
    """Whether the member's account is also on another partnership's staff:
    then its credentials are not this partnership's to change."""
    others = StaffMembership.objects.filter(user_id=membership.user_id).exclude(partnership=partnership)
    return others.exists()


CREDENTIALS_NOT_YOURS_MESSAGE = (
    "Only a platform admin can reset this person's authenticator app, because their account is not "
    "this partnership's alone. You can remove them from this partnership's staff."
)


@transaction.atomic
def staff_member_second_factor_reset(
    *, partnership: Partnership, membership: StaffMembership, reason: str, actor: Actor
) -> CredentialReset:
    """Delete a member's authenticator app and recovery codes (they lost
    their phone, say), so that they set up a new one at their next sign-in.
    Only for someone who belongs to this partnership alone; they are emailed
    and the reset is on this partnership's audit log."""
    reason = reason.strip()
    if not reason:
        raise StaffMemberRefusedError("Enter why you are resetting their authenticator app.")
    _partnership_lock(partnership)
    membership = _own_membership(partnership, membership)
    user = membership.user
    if actor.user is not None and user.pk == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot reset your own authenticator app here. Use “Two-factor authentication” instead."
        )
    if user.is_superuser or staff_member_belongs_elsewhere(partnership=partnership, membership=membership):
        raise StaffMemberRefusedError(CREDENTIALS_NOT_YOURS_MESSAGE)
    try:
        reset = account_second_factor_reset(
            user=user,
            reason=reason,
            by=CredentialReset.By.PARTNERSHIP,
            by_name=partnership.name,
            reset_by=actor.user,
        )
    except CredentialResetRefusedError as exc:
        raise StaffMemberRefusedError(f"{membership.name} has not set up an authenticator app.") from exc
    audit_event_record(
        partnership=partnership,
        actor=actor,
        verb="staff.second_factor_reset",
        obj=membership,
        detail={"email": user.email, "reason": reason, "removed": reset.removed},
    )
    return reset


@transaction.atomic
def platform_second_factor_reset(*, user, reason: str, actor: Actor) -> CredentialReset:
    """A platform admin resets anyone's authenticator app (not their own:
    they use their own two-factor page). The person is emailed; each
    partnership they belong to gets a row on its audit log, without the
    reason, which is the platform's (accounts.CredentialReset keeps it)."""
    if actor.user is None or not actor.user.is_superuser:
        raise StaffMemberRefusedError("Only a platform admin can do this.")
    if user.pk == actor.user.pk:
        raise StaffMemberRefusedError(
            "You cannot reset your own authenticator app here. Use “Two-factor authentication” instead."
        )
    try:
        reset = account_second_factor_reset(
            user=user,
            reason=reason,
            by=CredentialReset.By.PLATFORM,
            by_name=settings.SERVICE_NAME,
            reset_by=actor.user,
        )
    except CredentialResetRefusedError as exc:
        raise StaffMemberRefusedError(str(exc)) from exc
    for membership in StaffMembership.objects.filter(user=user).select_related("partnership"):
        audit_event_record(
            partnership=membership.partnership,
            actor=Actor(name="Platform admin", email=actor.user.email, user=actor.user),
            verb="staff.second_factor_reset_by_platform",
            obj=membership,
            detail={"email": user.email, "removed": reset.removed},
        )
    return reset
