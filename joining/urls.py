"""The public "my organisation is not listed" pages."""

from django.urls import path

from . import views

P = "<slug:partnership_slug>/"

urlpatterns = [
    path(P + "register/", views.register, name="register"),
    path(P + "register/check-your-email/", views.registration_sent, name="registration_sent"),
    path(P + "register/confirm/<str:token>/", views.verify, name="registration_verify"),
]
