"""The children's summary on a partnership's public pages."""

from django.urls import path

from . import views

P = "<slug:partnership_slug>/"

urlpatterns = [
    path(P + "children/<slug:cycle_slug>/", views.child_summary_page, name="child_summary"),
    path(P + "children/<slug:cycle_slug>/summary.pdf", views.child_summary_pdf, name="child_summary_pdf"),
]
