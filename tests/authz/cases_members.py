"""Managing staff: every page is for partnership admins only. A member is
named by their membership id; each partnership's case makes its own member,
so the other partnership's id must be a 404."""

from partnerships.models import StaffMembership, StaffRole
from partnerships.permissions import Perm
from tests.factories import UserFactory

from .cases import Case


def _member(w):
    user = UserFactory(email=f"member@{w.partnership.slug}.example", full_name="Casey Member")
    membership, _ = StaffMembership.objects.get_or_create(
        user=user, partnership=w.partnership, defaults={"role": StaffRole.REVIEWER}
    )
    return {"membership_id": membership.pk}


def _invitation(w):
    from datetime import timedelta

    from django.utils import timezone

    from partnerships.models import StaffInvitation

    invitation, _ = StaffInvitation.objects.get_or_create(
        partnership=w.partnership,
        email=f"invited@{w.partnership.slug}.example",
        accepted_at=None,
        defaults={
            "full_name": "Ivy Invited",
            "role": StaffRole.REVIEWER,
            "expires_at": timezone.now() + timedelta(days=1),
        },
    )
    return {"invitation_id": invitation.pk}


CASES = [
    Case("staff_members", Perm.MANAGE),
    Case("staff_member_invitation_withdraw", Perm.MANAGE, _invitation),
    Case("staff_member_add", Perm.MANAGE),
    Case("staff_member_role", Perm.MANAGE, _member),
    Case("staff_member_remove", Perm.MANAGE, _member),
    Case("staff_member_second_factor_reset", Perm.MANAGE, _member),
]

# The same URLs posted to: a reader or reviewer may not change anything, and
# another partnership's member is not found.
CASES += [
    Case(
        "staff_member_add",
        Perm.MANAGE,
        method="post",
        data=lambda w: {
            "full_name": "Nia New",
            "email": f"new@{w.partnership.slug}.example",
            "role": "reviewer",
        },
        ok=(302, 200),  # invited, or (the second time) already invited
        id_suffix="post",
    ),
    Case(
        "staff_member_role",
        Perm.MANAGE,
        _member,
        method="post",
        data=lambda w: {"role": StaffRole.READ_ONLY},
        ok=(302,),
        id_suffix="post",
    ),
    Case("staff_member_remove", Perm.MANAGE, _member, method="post", ok=(302,), id_suffix="post"),
    Case(
        "staff_member_invitation_withdraw",
        Perm.MANAGE,
        _invitation,
        method="post",
        ok=(302,),
        id_suffix="post",
    ),
    # The member has no authenticator app, so the reset is refused on the page.
    Case(
        "staff_member_second_factor_reset",
        Perm.MANAGE,
        _member,
        method="post",
        data=lambda w: {"reason": "Lost phone"},
        ok=(200,),
        id_suffix="post",
    ),
]
