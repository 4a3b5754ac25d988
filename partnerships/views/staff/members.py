"""Managing a partnership's staff (partnership admins): the list, inviting
someone, withdrawing an invitation, changing a role, removing someone and
resetting the authenticator app of someone who belongs to this partnership
alone. Members are shown by what the partnership holds (StaffMembership.name),
never by their account's name. Each page is a form, one service call and a redirect;
the rules are the services' (partnerships/services/members.py)."""

from django import forms
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.views import form_post

from ...forms.members import SecondFactorResetForm, StaffMemberAddForm, StaffMemberRoleForm, role_options
from ...middleware import partnership_reverse as _url
from ...models import StaffRole
from ...permissions import Perm, role_permission_table
from ...selectors import (
    agency_list,
    locality_list,
    staff_invitation_get,
    staff_invitation_list,
    staff_member_get,
    staff_member_list,
)
from ...services.members import (
    CREDENTIALS_NOT_YOURS_MESSAGE,
    staff_invitation_withdraw,
    staff_member_invite,
    staff_member_remove,
    staff_member_role_change,
    staff_member_second_factor_reset,
)
from ...staff import staff_required


@staff_required(Perm.MANAGE)
def member_list(request):
    return render(
        request,
        "staff/members/list.html",
        {
            "members": staff_member_list(partnership=request.partnership),
            "invitations": staff_invitation_list(partnership=request.partnership),
            "roles": role_permission_table(),
            "now": timezone.now(),
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def member_add(request):
    localities = list(locality_list(partnership=request.partnership))
    agencies = list(agency_list(partnership=request.partnership))
    form = StaffMemberAddForm(_data(request), localities=localities, agencies=agencies)
    if done := form_post(
        request,
        form,
        lambda data: staff_member_invite(
            partnership=request.partnership,
            email=data["email"],
            full_name=data["full_name"],
            role=data["role"],
            locality_ids=data["localities"],
            agency_id=data["agency"],
            actor=request.staff_actor,
        ),
        # The same words whether or not they had an account already: an
        # admin learns nothing about other partnerships' staff.
        done=lambda invitation: (
            f"We have emailed an invitation to {invitation.email}. {invitation.name} will join "
            f"as {invitation.get_role_display()} when they accept it.",
            _url(request, "staff_members"),
        ),
        error_field="email",
    ):
        return done
    return render(
        request,
        "staff/members/add.html",
        {"form": form, "role_options": role_options(), "localities": localities, "agencies": agencies},
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def member_role(request, membership_id):
    member = staff_member_get(partnership=request.partnership, pk=membership_id)
    localities = list(locality_list(partnership=request.partnership))
    agencies = list(agency_list(partnership=request.partnership))
    form = StaffMemberRoleForm(
        _data(request),
        localities=localities,
        agencies=agencies,
        initial={
            "role": member.role,
            "localities": [str(pk) for pk, _ in member.led_localities],
            "agency": member.agency_id,
        },
    )

    def changed(member):
        # Someone who has just given up managing staff goes to the staff home.
        gave_up_managing = member.user_id == request.user.pk and member.role != StaffRole.ADMIN
        return (
            f"{member.name} is now {member.get_role_display()}",
            _url(request, "staff_home" if gave_up_managing else "staff_members"),
        )

    if done := form_post(
        request,
        form,
        lambda data: staff_member_role_change(
            partnership=request.partnership,
            membership=member,
            role=data["role"],
            locality_ids=data["localities"],
            agency_id=data["agency"],
            actor=request.staff_actor,
        ),
        done=changed,
        error_field="role",
    ):
        return done
    return render(
        request,
        "staff/members/role.html",
        {
            "form": form,
            "member": member,
            "role_options": role_options(),
            "localities": localities,
            "agencies": agencies,
            "is_self": _is_self(request, member),
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def member_remove(request, membership_id):
    member = staff_member_get(partnership=request.partnership, pk=membership_id)
    form = forms.Form(_data(request))
    if done := form_post(
        request,
        form,
        lambda data: staff_member_remove(
            partnership=request.partnership, membership=member, actor=request.staff_actor
        ),
        done=lambda _: (
            f"{member.name} removed from {request.partnership.name}",
            _url(request, "staff_members"),
        ),
    ):
        return done
    return render(
        request,
        "staff/members/remove.html",
        {"form": form, "member": member, "is_self": _is_self(request, member)},
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def member_second_factor_reset(request, membership_id):
    member = staff_member_get(partnership=request.partnership, pk=membership_id)
    form = SecondFactorResetForm(_data(request))
    # Someone who belongs elsewhere too is not ours to reset: the page says
    # so (and what to do instead) rather than offer the form.
    not_ours = member.has_authenticator is None
    if request.method == "POST" and not_ours:
        form.is_valid()
        form.add_error(None, CREDENTIALS_NOT_YOURS_MESSAGE)
    elif done := form_post(
        request,
        form,
        lambda data: staff_member_second_factor_reset(
            partnership=request.partnership,
            membership=member,
            reason=data["reason"],
            actor=request.staff_actor,
        ),
        done=lambda _: (
            f"{member.name}'s authenticator app has been reset. "
            "They will set up a new one when they next sign in.",
            _url(request, "staff_members"),
        ),
        error_field="reason",
    ):
        return done
    return render(
        request,
        "staff/members/second_factor_reset.html",
        {
            "form": form,
            "member": member,
            "is_self": _is_self(request, member),
            "not_ours": not_ours,
            "not_ours_message": CREDENTIALS_NOT_YOURS_MESSAGE,
        },
    )


@staff_required(Perm.MANAGE)
@require_http_methods(["GET", "POST"])
def invitation_withdraw(request, invitation_id):
    invitation = staff_invitation_get(partnership=request.partnership, pk=invitation_id)
    form = forms.Form(_data(request))
    if done := form_post(
        request,
        form,
        lambda data: staff_invitation_withdraw(
            partnership=request.partnership, invitation=invitation, actor=request.staff_actor
        ),
        done=lambda _: (f"Invitation to {invitation.email} withdrawn", _url(request, "staff_members")),
    ):
        return done
    return render(request, "staff/members/invitation_withdraw.html", {"form": form, "invitation": invitation})


def _data(request):
    """The posted form, bound even when empty (a POST with no fields is still
    a submission, and must show its errors)."""
    return request.POST if request.method == "POST" else None


def _is_self(request, member) -> bool:
    return member.user_id == request.user.pk
