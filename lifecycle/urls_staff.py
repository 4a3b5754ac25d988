"""The data pages of the staff workspace, under /<partnership-slug>/staff/."""

from django.urls import path

from .views import staff as views

urlpatterns = [
    path("data/", views.retention, name="staff_data"),
    path("data/subject-access/", views.subject_access, name="staff_data_subject_access"),
]
