"""The practitioners' survey's staff pages, under /<partnership-slug>/staff/."""

from django.urls import path

from . import views

urlpatterns = [
    path("cycles/<slug:cycle_slug>/survey/", views.survey_overview, name="staff_survey"),
    path(
        "cycles/<slug:cycle_slug>/survey/remind/",
        views.survey_share_remind,
        name="staff_survey_share_remind",
    ),
    path(
        "cycles/<slug:cycle_slug>/survey/agencies/<int:agency_id>/",
        views.survey_agency,
        name="staff_survey_agency",
    ),
    path("cycles/<slug:cycle_slug>/survey/results.csv", views.survey_export, name="staff_survey_export"),
    path("setup/cycles/<slug:cycle_slug>/survey/", views.survey_setup, name="staff_survey_setup"),
]
