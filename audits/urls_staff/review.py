"""Reviewing a return (returns/<reference>/…) and the meetings of a cycle."""

from django.urls import path

from ..views.staff import challenges, evidence_requests, meetings, review

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
    # Meetings run in the service (audits/views/staff/meetings.py).
    path(M + "schedule/", meetings.meeting_schedule, name="staff_cycle_meeting_schedule"),
    path(
        M + "<int:meeting_id>/reschedule/", meetings.meeting_reschedule, name="staff_cycle_meeting_reschedule"
    ),
    path(M + "<int:meeting_id>/cancel/", meetings.meeting_cancel, name="staff_cycle_meeting_cancel"),
    path(M + "<int:meeting_id>/panel/add/", meetings.panel_add, name="staff_cycle_meeting_panel_add"),
    path(
        M + "<int:meeting_id>/panel/<int:member_id>/revoke/",
        meetings.panel_revoke,
        name="staff_cycle_meeting_panel_revoke",
    ),
    path(M + "<int:meeting_id>/invitations/", meetings.invitations_send, name="staff_cycle_meeting_invite"),
    path(M + "<int:meeting_id>/record/", meetings.meeting_record, name="staff_cycle_meeting_record"),
    path(M + "<int:meeting_id>/actions/add/", meetings.action_add, name="staff_cycle_meeting_action_add"),
    path(
        M + "<int:meeting_id>/actions/<int:action_id>/status/",
        meetings.action_status,
        name="staff_cycle_meeting_action_status",
    ),
    path(M + "<int:meeting_id>/escalate/", meetings.escalate, name="staff_cycle_meeting_escalate"),
    path(M + "<int:meeting_id>/pack/", meetings.pack_request, name="staff_cycle_meeting_pack"),
    path(
        M + "<int:meeting_id>/pack/<int:version>.pdf",
        meetings.pack_download,
        name="staff_cycle_meeting_pack_download",
    ),
]
