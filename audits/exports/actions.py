"""Action plans as files: one agency's plan as PDF (PDF/UA, from the same
partial the pages use) and as a spreadsheet; a cycle's plans as one
spreadsheet. Reads only; the callers pass what the selectors returned."""

from io import BytesIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.pdf import pdf_render
from core.spreadsheets import spreadsheet_row

from ..models import Rag, Submission
from ..selectors.actions import AgencyPlan, ThemePlan

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

ITEM_COLUMNS = [
    ("Agency", 30),
    ("Reference", 18),
    ("Theme", 30),
    ("RAG self-rating", 12),
    ("Action", 50),
    ("Lead person", 24),
    ("Target date", 12),
    ("Status", 12),
    ("Overdue", 9),
    ("Success criteria", 40),
    ("Expected outcome", 40),
    ("Impact measure", 40),
    ("Added after submission", 12),
    ("Latest update", 50),
    ("Latest update on", 14),
    ("Latest update by", 24),
]
UPDATE_COLUMNS = [
    ("Agency", 30),
    ("Reference", 18),
    ("Theme", 30),
    ("Action", 50),
    ("Date", 14),
    ("By", 24),
    ("Email", 28),
    ("Status before", 12),
    ("Status after", 12),
    ("Progress", 60),
]


def _sheet(workbook_sheet, columns, rows) -> None:
    workbook_sheet.append(spreadsheet_row(name for name, _ in columns))
    for cell in workbook_sheet[1]:
        cell.font = Font(bold=True)
    for index, (_, width) in enumerate(columns, start=1):
        workbook_sheet.column_dimensions[get_column_letter(index)].width = width
    for row in rows:
        workbook_sheet.append(spreadsheet_row(row))
    for row in workbook_sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    workbook_sheet.freeze_panes = "A2"
    if workbook_sheet.max_row > 1:
        workbook_sheet.auto_filter.ref = workbook_sheet.dimensions


def action_plans_xlsx(*, plans: list[AgencyPlan], ratings: dict | None = None) -> bytes:
    """Items (one row each) and their update history (a second sheet).
    `ratings` maps (submission id, theme id) to the RAG rating."""
    ratings = ratings or {}
    workbook = Workbook()
    items_sheet = workbook.active
    items_sheet.title = "Action items"
    item_rows, update_rows = [], []
    for plan in plans:
        submission = plan.submission
        for item in plan.items:
            updates = list(item.updates.all())
            latest = updates[0] if updates else None
            rag = ratings.get((submission.pk, item.theme_id), "")
            item_rows.append(
                [
                    submission.agency.name,
                    submission.reference,
                    item.theme.title,
                    Rag(rag).label if rag in Rag.values else "",
                    item.action,
                    item.lead_person,
                    item.target_date,
                    item.get_status_display(),
                    "Yes" if item.overdue else "No",
                    item.success_criteria,
                    item.expected_outcome,
                    item.impact_measure,
                    "Yes" if item.added_after_submit else "No",
                    latest.progress if latest else "",
                    timezone.localtime(latest.created_at).date() if latest else None,
                    latest.actor_name if latest else "",
                ]
            )
            for update in reversed(updates):
                update_rows.append(
                    [
                        submission.agency.name,
                        submission.reference,
                        item.theme.title,
                        item.action,
                        timezone.localtime(update.created_at).date(),
                        update.actor_name,
                        update.actor_email,
                        update.get_status_before_display(),
                        update.get_status_display(),
                        update.progress,
                    ]
                )
    _sheet(items_sheet, ITEM_COLUMNS, item_rows)
    for row in items_sheet.iter_rows(min_row=2, min_col=7, max_col=7):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    updates_sheet = workbook.create_sheet("Progress updates")
    _sheet(updates_sheet, UPDATE_COLUMNS, update_rows)
    for row in updates_sheet.iter_rows(min_row=2, min_col=5, max_col=5):
        for cell in row:
            cell.number_format = "DD/MM/YYYY"
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def plan_ratings(themes: list[ThemePlan], submission: Submission) -> dict:
    return {(submission.pk, p.theme.pk): p.rag for p in themes}


def action_plan_pdf(*, submission: Submission, themes: list[ThemePlan]) -> bytes:
    """One agency's action plan, every theme that has items or needs them,
    with each item's history. PDF/UA-1, in British English."""
    html = render_to_string(
        "audits/actions/plan_pdf.html",
        {
            "submission": submission,
            "partnership": submission.partnership,
            "themes": [p for p in themes if p.items or p.needs_actions],
            "generated_at": timezone.now(),
        },
    )
    return pdf_render(html)


def export_filename(submission: Submission, extension: str) -> str:
    return f"action-plan-{submission.reference}-{slugify(submission.agency.name)[:40]}.{extension}"
