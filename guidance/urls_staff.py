"""Partnership admins' guidance pages, under /<partnership-slug>/staff/."""

from django.urls import path

from . import views

urlpatterns = [
    path("setup/guidance/", views.staff_guidance, name="staff_guidance"),
    path("setup/guidance/new/", views.staff_guidance_entry_add, name="staff_guidance_entry_add"),
    path("setup/guidance/<int:entry_id>/", views.staff_guidance_entry_edit, name="staff_guidance_entry_edit"),
    path(
        "setup/guidance/<int:entry_id>/remove/",
        views.staff_guidance_entry_remove,
        name="staff_guidance_entry_remove",
    ),
    path(
        "setup/guidance/documents/new/", views.staff_guidance_document_add, name="staff_guidance_document_add"
    ),
    path(
        "setup/guidance/documents/<int:document_id>/remove/",
        views.staff_guidance_document_remove,
        name="staff_guidance_document_remove",
    ),
]
