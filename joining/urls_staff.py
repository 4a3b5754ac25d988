"""Partnership admins' page of organisations asking to take part."""

from django.urls import path

from . import views

urlpatterns = [
    path("agencies/registrations/", views.staff_registrations, name="staff_registrations"),
    path(
        "agencies/registrations/<int:registration_id>/approve/",
        views.staff_registration_approve,
        name="staff_registration_approve",
    ),
    path(
        "agencies/registrations/<int:registration_id>/decline/",
        views.staff_registration_decline,
        name="staff_registration_decline",
    ),
]
