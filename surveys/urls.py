"""The practitioners' survey's public pages: each agency's open link."""

from django.urls import path

from . import views

P = "<slug:partnership_slug>/"

urlpatterns = [
    path(P + "survey/<str:token>/", views.survey_answer, name="survey_answer"),
    path(P + "survey/<str:token>/thank-you/", views.survey_thanks, name="survey_thanks"),
]
