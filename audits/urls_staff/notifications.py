"""A member's own email notifications: notifications/."""

from django.urls import path

from ..views.staff import notifications

urlpatterns = [
    path("notifications/", notifications.preferences, name="staff_notification_preferences"),
]
