"""A cycle's reports and children's summary, under /<partnership-slug>/staff/."""

from django.urls import path

from . import views

CYCLE = "cycles/<slug:cycle_slug>/"
REPORT = CYCLE + "reports/<int:report_id>/"

urlpatterns = [
    path(CYCLE + "reports/", views.report_list, name="staff_report_list"),
    path(CYCLE + "reports/new/", views.report_new, name="staff_report_new"),
    path(REPORT, views.report_detail, name="staff_report"),
    path(REPORT + "edit/", views.report_edit, name="staff_report_edit"),
    path(REPORT + "report.pdf", views.report_pdf, name="staff_report_pdf"),
    path(REPORT + "report.docx", views.report_word, name="staff_report_docx"),
    path(CYCLE + "children/", views.child_summary_edit, name="staff_child_summary"),
    path(CYCLE + "children/publish/", views.child_summary_publish_view, name="staff_child_summary_publish"),
]
