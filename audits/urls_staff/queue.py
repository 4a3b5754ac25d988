"""The review queue (review-queue/) and assigning a return (returns/<reference>/assign/)."""

from django.urls import path

from ..views.staff import queue

urlpatterns = [
    path("review-queue/", queue.queue, name="staff_review_queue"),
    path("returns/<str:reference>/assign/", queue.assign, name="staff_return_assign"),
]
