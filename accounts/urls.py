"""Our additions to allauth's URLs; included before allauth.urls so that the
same path resolves here first (the URL name is allauth's, so every
`{% url 'mfa_activate_totp' %}` keeps working)."""

from django.urls import path

from . import views

urlpatterns = [
    path("2fa/totp/activate/", views.activate_totp, name="mfa_activate_totp"),
]
