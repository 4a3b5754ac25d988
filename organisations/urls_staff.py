"""Staff pages about an agency's organisation (organisations/views/staff.py).
Names start staff_agenc… so the "Agencies" navigation entry is current."""

from django.urls import path

from .views import staff as views

A = "agencies/<int:agency_id>/organisation/"

urlpatterns = [
    path(A, views.agency_organisation, name="staff_agency_organisation"),
    path(A + "link/", views.agency_organisation_link, name="staff_agency_organisation_link"),
    path(A + "new/", views.agency_organisation_new, name="staff_agency_organisation_new"),
    path(
        A + "<int:link_id>/unlink/", views.agency_organisation_unlink, name="staff_agency_organisation_unlink"
    ),
]
