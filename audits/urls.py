from django.urls import path

from .views import actions_agency, agency, evaluation_agency, panel, pdf, public

# Everything but the home page sits under /<partnership_slug>/; the tenancy
# middleware turns the slug into request.partnership (404 if unknown).
P = "<slug:partnership_slug>/"

urlpatterns = [
    path("", public.home, name="home"),
    path(P, public.partnership_home, name="partnership_home"),
    path(P + "audits/<slug:cycle_slug>/", public.cycle_start, name="cycle_start"),
    path(P + "audits/<slug:cycle_slug>/start/", public.cycle_start_form, name="cycle_start_form"),
    path(P + "audits/<slug:cycle_slug>/questions/", public.question_list, name="question_list"),
    path(
        P + "audits/<slug:cycle_slug>/question-list.pdf",
        pdf.reference_sheet,
        {"kind": "questions"},
        name="question_list_pdf",
    ),
    path(
        P + "audits/<slug:cycle_slug>/grading-sheet.pdf",
        pdf.reference_sheet,
        {"kind": "grades"},
        name="grading_sheet_pdf",
    ),
    path(P + "check-your-email/", public.check_email, name="check_email"),
    path(P + "r/<str:token>/", public.resume, name="resume"),
    path(P + "link/", public.link_request, name="link_request"),
    path(P + "link/expired/", public.link_request, {"invalid": True}, name="link_invalid"),
    # A meeting's panel member from outside the partnership (audits/views/panel.py).
    path(P + "panel/", panel.meeting, name="panel_meeting"),
    path(P + "panel/returns/<str:reference>/", panel.return_detail, name="panel_return"),
    path(P + "panel/link/", panel.link_request, name="panel_link_request"),
    path(P + "panel/link/sent/", panel.link_sent, name="panel_link_sent"),
    path(P + "panel/sign-out/", panel.sign_out, name="panel_sign_out"),
    path(P + "panel/<str:token>/", panel.sign_in, name="panel_sign_in"),
    path(P + "return/", agency.task_list, name="task_list"),
    path(P + "return/themes/<slug:theme_key>/", agency.theme_page, name="theme"),
    path(P + "return/save-and-come-back/", agency.save_later, name="save_later"),
    path(P + "return/saved/", agency.saved, name="saved"),
    path(P + "return/check/", agency.check_answers, name="check_answers"),
    path(P + "return/submitted/", agency.confirmation, name="confirmation"),
    path(P + "return/evidence/<str:token>/", agency.evidence_download, name="evidence_download"),
    path(P + "return/evidence/<str:token>/remove/", agency.evidence_remove, name="evidence_remove"),
    path(P + "return/pdf/", pdf.return_pdf, name="return_pdf"),
    path(P + "return/pdf/draft/", pdf.return_pdf_draft, name="return_pdf_draft"),
    path(P + "return/pdf/<int:version>/", pdf.return_pdf_download, name="return_pdf_download"),
    path(P + "return/sign-out/", agency.sign_out, name="agency_sign_out"),
    # Responding to the evaluation (audits/views/evaluation_agency.py).
    path(P + "return/evaluation/respond/", evaluation_agency.challenge_start, name="challenge_start"),
    path(
        P + "return/evaluation/responses/<int:challenge_id>/", evaluation_agency.challenge, name="challenge"
    ),
    path(
        P + "return/evidence-requests/<int:request_id>/",
        evaluation_agency.evidence_request,
        name="evidence_request",
    ),
    path(
        P + "return/supplementary-evidence/<str:token>/",
        evaluation_agency.supplementary_download,
        name="supplementary_download",
    ),
    # The action plan (audits/views/actions_agency.py).
    path(P + "return/actions/", actions_agency.plan, name="action_plan"),
    path(P + "return/actions/themes/<slug:theme_key>/add/", actions_agency.item_add, name="action_item_add"),
    path(P + "return/actions/<int:item_id>/change/", actions_agency.item_change, name="action_item_change"),
    path(P + "return/actions/<int:item_id>/remove/", actions_agency.item_remove, name="action_item_remove"),
    path(P + "return/actions/<int:item_id>/progress/", actions_agency.item_progress, name="action_progress"),
    path(P + "return/actions/action-plan.pdf", actions_agency.export_pdf, name="action_plan_pdf"),
    path(P + "return/actions/action-plan.xlsx", actions_agency.export_xlsx, name="action_plan_xlsx"),
]
