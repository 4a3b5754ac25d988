from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("<slug:partnership_slug>/", views.partnership_home, name="partnership_home"),
]
