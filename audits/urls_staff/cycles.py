"""Audit cycles: set-up pages for partnership admins (setup/cycles/…, names
staff_cycle_admin_*), each cycle's email history, and "send a reminder now"."""

from django.urls import path

from ..views.staff import cycles

urlpatterns = [
    path("setup/cycles/", cycles.cycle_list, name="staff_cycle_admin_list"),
    path("setup/cycles/new/", cycles.cycle_create, name="staff_cycle_admin_create"),
    path("setup/cycles/<slug:cycle_slug>/", cycles.cycle_detail, name="staff_cycle_admin_detail"),
    path("setup/cycles/<slug:cycle_slug>/edit/", cycles.cycle_edit, name="staff_cycle_admin_edit"),
    path("setup/cycles/<slug:cycle_slug>/extend/", cycles.cycle_extend, name="staff_cycle_admin_extend"),
    path(
        "setup/cycles/<slug:cycle_slug>/extend/<str:reference>/",
        cycles.cycle_extend_agency,
        name="staff_cycle_admin_extend_agency",
    ),
    path("setup/cycles/<slug:cycle_slug>/next/", cycles.cycle_next, name="staff_cycle_admin_next"),
    path(
        "setup/cycles/<slug:cycle_slug>/invite/<str:reference>/",
        cycles.cycle_invitation_resend,
        name="staff_cycle_admin_invitation_resend",
    ),
    path("cycles/<slug:cycle_slug>/emails/", cycles.cycle_emails, name="staff_cycle_emails"),
    path(
        "cycles/<slug:cycle_slug>/emails/<str:reference>/",
        cycles.cycle_agency_emails,
        name="staff_cycle_emails_agency",
    ),
    path("cycles/<slug:cycle_slug>/overdue/", cycles.cycle_overdue, name="staff_cycle_overdue"),
    path("cycles/<slug:cycle_slug>/remind/", cycles.cycle_remind, name="staff_cycle_remind"),
]
