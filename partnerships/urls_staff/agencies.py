"""The partnership's agencies, their contacts and its localities
(partnerships/views/staff/agencies.py). Names start staff_agenc… or
staff_localit… so the "Agencies" navigation entry is current on them."""

from django.urls import path

from ..views.staff import agencies as views

A = "agencies/<int:agency_id>/"
C = A + "contacts/<int:contact_id>/"
L = "localities/<int:locality_id>/"

urlpatterns = [
    path("agencies/", views.agency_list, name="staff_agencies"),
    path("agencies/new/", views.agency_create, name="staff_agency_create"),
    path("agencies/import/", views.agency_import, name="staff_agency_import"),
    path(
        "agencies/import/agencies-template.csv",
        views.agency_import_template,
        name="staff_agency_import_template",
    ),
    path(A, views.agency_detail, name="staff_agency_detail"),
    path(A + "edit/", views.agency_edit, name="staff_agency_edit"),
    path(A + "commissioned-by/", views.agency_commissioner, name="staff_agency_commissioner"),
    path(A + "contacts/new/", views.contact_add, name="staff_agency_contact_add"),
    path(C + "edit/", views.contact_edit, name="staff_agency_contact_edit"),
    path(C + "remove/", views.contact_remove, name="staff_agency_contact_remove"),
    path(C + "primary/", views.contact_primary, name="staff_agency_contact_primary"),
    path("localities/", views.locality_list, name="staff_localities"),
    path("localities/new/", views.locality_create, name="staff_locality_create"),
    path(L + "edit/", views.locality_edit, name="staff_locality_edit"),
    path(L + "remove/", views.locality_remove, name="staff_locality_remove"),
]
