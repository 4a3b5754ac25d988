"""Managing a partnership's staff (partnership admins): staff-members/…,
names staff_member*. A member is named by their membership's id, which
is a 404 under another partnership's address."""

from django.urls import path

from ..views.staff import members as views

urlpatterns = [
    path("staff-members/", views.member_list, name="staff_members"),
    path("staff-members/add/", views.member_add, name="staff_member_add"),
    path("staff-members/<int:membership_id>/role/", views.member_role, name="staff_member_role"),
    path("staff-members/<int:membership_id>/remove/", views.member_remove, name="staff_member_remove"),
    path(
        "staff-members/<int:membership_id>/reset-authenticator/",
        views.member_second_factor_reset,
        name="staff_member_second_factor_reset",
    ),
    path(
        "staff-members/invitations/<int:invitation_id>/withdraw/",
        views.invitation_withdraw,
        name="staff_member_invitation_withdraw",
    ),
]
