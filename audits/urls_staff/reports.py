"""Reporting on a cycle: exports, the summary report and the comparison
with an earlier cycle."""

from django.urls import path

from ..views.staff import reports

CYCLE = "cycles/<slug:cycle_slug>/"

urlpatterns = [
    path(CYCLE + "export/", reports.cycle_exports, name="staff_cycle_export"),
    path(
        CYCLE + "export/answers.csv",
        reports.cycle_export_csv,
        {"kind": "answers"},
        name="staff_cycle_export_answers_csv",
    ),
    path(
        CYCLE + "export/answers.xlsx",
        reports.cycle_export_xlsx,
        {"kind": "answers"},
        name="staff_cycle_export_answers_xlsx",
    ),
    path(
        CYCLE + "export/themes.csv",
        reports.cycle_export_csv,
        {"kind": "themes"},
        name="staff_cycle_export_themes_csv",
    ),
    path(
        CYCLE + "export/themes.xlsx",
        reports.cycle_export_xlsx,
        {"kind": "themes"},
        name="staff_cycle_export_themes_xlsx",
    ),
    path(
        CYCLE + "export/answers-and-themes.xlsx",
        reports.cycle_export_workbook,
        name="staff_cycle_export_workbook",
    ),
    path(CYCLE + "report/", reports.cycle_report, name="staff_cycle_report"),
    path(CYCLE + "report.pdf", reports.cycle_report_pdf, name="staff_cycle_report_pdf"),
    path(CYCLE + "compare/", reports.cycle_compare, name="staff_cycle_compare"),
]
