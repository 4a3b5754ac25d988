"""Reviewing a return (returns/<reference>/…) and the meetings of a cycle."""

from django.urls import path

from ..views.staff import challenges, evidence_requests, review

R = "returns/<str:reference>/"
M = "cycles/<slug:cycle_slug>/meetings/"

urlpatterns = [
    path(R, review.review, name="staff_return_review"),
    path(R + "themes/<slug:theme_key>/moderate/", review.moderate, name="staff_return_moderate"),
    path(R + "outcome/", review.outcome, name="staff_return_outcome"),
    path(R + "confirm/", review.confirm, name="staff_return_confirm"),
    path(R + "return-for-changes/", review.send_back, name="staff_return_send_back"),
    path(R + "history/", review.history, name="staff_return_history"),
    path(R + "evidence/<str:token>/", review.evidence_download, name="staff_return_evidence"),
    path(R + "links/<int:link_id>/revoke/", review.link_revoke, name="staff_return_link_revoke"),
    path(R + "responses/<int:challenge_id>/", challenges.challenge, name="staff_return_challenge"),
    path(
        R + "responses/<int:challenge_id>/reply/",
        challenges.challenge_reply,
        name="staff_return_challenge_reply",
    ),
    path(
        R + "responses/<int:challenge_id>/final-word/",
        challenges.challenge_resolve_view,
        name="staff_return_challenge_resolve",
    ),
    path(
        R + "evidence-requests/new/",
        evidence_requests.evidence_request_create_view,
        name="staff_return_evidence_request_create",
    ),
    path(
        R + "supplementary-evidence/<str:token>/",
        evidence_requests.supplementary_download,
        name="staff_return_supplementary",
    ),
    path(M, review.meeting_list, name="staff_cycle_meetings"),
    path(M + "new/", review.meeting_create, name="staff_cycle_meeting_create"),
    path(M + "<int:meeting_id>/", review.meeting_detail, name="staff_cycle_meeting"),
    path(M + "<int:meeting_id>/edit/", review.meeting_edit, name="staff_cycle_meeting_edit"),
]
