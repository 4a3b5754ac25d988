from django.contrib import admin
from django.urls import include, path

from lifecycle.views import platform as offboarding
from partnerships.views import platform
from partnerships.views.index import staff_index
from partnerships.views.invitations import invitation_accept

from . import views as service_pages

# Staff pages: /<partnership-slug>/staff/…, one URL module per part.
STAFF = "<slug:partnership_slug>/staff/"
STAFF_URL_MODULES = [
    "audits.urls_staff.home",
    "audits.urls_staff.dashboard",
    "audits.urls_staff.review",
    "audits.urls_staff.queue",
    "audits.urls_staff.pdf",
    "audits.urls_staff.cycles",
    "audits.urls_staff.sharing",
    "audits.urls_staff.actions",
    "audits.urls_staff.reports",
    "audits.urls_staff.notifications",
    "audits.urls_staff.question_sets",
    "reports.urls_staff",
    "partnerships.urls_staff.agencies",
    "partnerships.urls_staff.members",
    "surveys.urls_staff",
    "lifecycle.urls_staff",
    "guidance.urls_staff",
    "joining.urls_staff",
    "organisations.urls_staff",
]

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("allauth.urls")),
    # Service-wide pages (their slugs are reserved from partnerships).
    path("accessibility/", service_pages.accessibility_statement, name="accessibility_statement"),
    path("privacy/", service_pages.privacy_notice, name="privacy_notice"),
    path("cookies/", service_pages.cookies, name="cookies"),
    path("staff/", staff_index, name="staff_index"),
    path("staff/invitations/<str:token>/", invitation_accept, name="staff_invitation_accept"),
    path("staff/platform/accounts/", platform.account_list, name="platform_accounts"),
    path(
        "staff/platform/accounts/<int:user_id>/reset-authenticator/",
        platform.account_second_factor_reset,
        name="platform_account_second_factor_reset",
    ),
    path("staff/platform/partnerships/", offboarding.partnership_list, name="platform_partnerships"),
    path(
        "staff/platform/partnerships/<slug:slug>/",
        offboarding.partnership_offboard,
        name="platform_partnership_offboard",
    ),
    path(
        "staff/platform/partnerships/<slug:slug>/export/",
        offboarding.partnership_export_download,
        name="platform_partnership_export",
    ),
    *(path(STAFF, include(module)) for module in STAFF_URL_MODULES),
    path("", include("organisations.urls")),
    path("", include("surveys.urls")),
    path("", include("guidance.urls")),
    path("", include("reports.urls")),
    path("", include("joining.urls")),
    path("", include("audits.urls")),
]
