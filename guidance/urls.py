"""A partnership's public guidance, documents and contact form."""

from django.urls import path

from . import views

P = "<slug:partnership_slug>/"

urlpatterns = [
    path(P + "guidance/", views.guidance_page, name="guidance"),
    path(P + "guidance/documents/<str:token>/", views.guidance_document, name="guidance_document"),
    path(P + "contact/", views.contact, name="contact"),
    path(P + "contact/sent/", views.contact_sent, name="contact_sent"),
]
