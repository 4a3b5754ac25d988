from django.urls import path

from ..views.staff import home

urlpatterns = [
    path("", home.overview, name="staff_home"),
]
