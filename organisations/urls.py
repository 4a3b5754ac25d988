"""The organisations' own pages, outside any partnership: /organisations/…
(organisations/views/members.py). "organisations" is a reserved partnership
slug."""

from django.urls import path

from .views import members as views
from .views import standing

ORG = "organisations/<int:organisation_id>/"

urlpatterns = [
    path("organisations/", views.index, name="organisation_index"),
    path("organisations/sign-in/", views.sign_in, name="organisation_sign_in"),
    path("organisations/sign-in/sent/", views.sign_in_sent, name="organisation_sign_in_sent"),
    path("organisations/sign-in/<str:token>/", views.sign_in_link, name="organisation_sign_in_link"),
    path("organisations/sign-out/", views.sign_out, name="organisation_sign_out"),
    path(ORG, views.home, name="organisation_home"),
    path(ORG + "copy/", views.copy, name="organisation_copy"),
    path(ORG + "copy/theme/", views.copy_theme, name="organisation_copy_theme"),
    path(ORG + "evidence/", views.evidence, name="organisation_evidence"),
    path(
        ORG + "evidence/<int:evidence_id>/attach/", views.evidence_attach, name="organisation_evidence_attach"
    ),
    path(ORG + "standing-drafts/", standing.standing_drafts, name="organisation_standing_drafts"),
    path(
        ORG + "standing-drafts/<slug:template_key>/",
        standing.standing_draft,
        name="organisation_standing_draft",
    ),
    path(
        ORG + "standing-drafts/<slug:template_key>/update-from-return/",
        standing.standing_draft_seed,
        name="organisation_standing_draft_seed",
    ),
    path(
        ORG + "standing-drafts/<slug:template_key>/themes/<slug:theme_key>/",
        standing.standing_draft_theme,
        name="organisation_standing_draft_theme",
    ),
    path(
        ORG + "returns/<int:submission_id>/start-from-standing-draft/",
        standing.return_start_from_draft,
        name="organisation_return_start_from_draft",
    ),
    path(ORG + "links/", views.links, name="organisation_links"),
    path(ORG + "links/<int:link_id>/decide/", views.link_decide, name="organisation_link_decide"),
    path(ORG + "members/", views.members, name="organisation_members"),
    path(ORG + "members/invite/", views.member_invite, name="organisation_member_invite"),
    path(ORG + "members/<int:member_id>/remove/", views.member_remove, name="organisation_member_remove"),
    path(ORG + "returns/<int:submission_id>/open/", views.return_open, name="organisation_return_open"),
    path(
        ORG + "returns/<int:submission_id>/pdf/<int:version>/",
        views.return_pdf,
        name="organisation_return_pdf",
    ),
]
