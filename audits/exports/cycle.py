"""A cycle's exports as CSV and XLSX: one row per agency and question
(`answers`), one per agency and theme (`themes`).

Both formats come from the same column lists, so a column added here
appears in both. Every text cell goes through the project's one
spreadsheet-cell guard (`core.spreadsheets`).
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from core.pdf import pdf_render
from core.spreadsheets import spreadsheet_cell
from partnerships.models import Partnership

from ..models import AuditCycle
from ..selectors.reports import (
    UK,
    AnswerRow,
    ThemeRow,
    export_answer_rows,
    export_theme_rows,
)

CSV_DATETIME = "%Y-%m-%d %H:%M"
XLSX_DATETIME = "yyyy-mm-dd hh:mm"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


# The name the reports' tests know the guard by.
spreadsheet_safe = spreadsheet_cell


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters, for the XLSX
    value: Callable
    wrap: bool = False


RETURN_COLUMNS = [
    Column("Agency", 32, lambda r: r.ret.agency),
    Column("Sector", 24, lambda r: r.ret.sector),
    Column("Localities", 24, lambda r: r.ret.localities),
    Column("Reference", 18, lambda r: r.ret.reference),
    Column("Status", 20, lambda r: r.ret.status),
    Column("Submitted at (UK time)", 20, lambda r: r.ret.submitted_at),
]


@dataclass(frozen=True)
class ExportKind:
    key: str  # in the URL and the file name
    sheet: str  # the XLSX sheet's name
    title: str
    description: str
    columns: list[Column]
    rows: Callable[..., Iterator]


ANSWERS = ExportKind(
    key="answers",
    sheet="Answers",
    title="Answers",
    description="One row for each agency and question: the answer in words, with the return's "
    "status, when it was submitted and its reference.",
    columns=[
        *RETURN_COLUMNS,
        Column("Theme key", 20, lambda r: r.theme_key),
        Column("Theme", 32, lambda r: r.theme),
        Column("Question key", 14, lambda r: r.question_key),
        Column("Question", 60, lambda r: r.question, wrap=True),
        Column("Answer", 16, lambda r: r.answer),
    ],
    rows=export_answer_rows,
)

THEMES = ExportKind(
    key="themes",
    sheet="Themes",
    title="Theme ratings",
    description="One row for each agency and theme: the agency's RAG self-rating and comments, "
    "and the partnership's moderated rating and reviewer comment.",
    columns=[
        *RETURN_COLUMNS,
        Column("Theme key", 20, lambda r: r.theme_key),
        Column("Theme", 32, lambda r: r.theme),
        Column("Self-rating", 12, lambda r: r.self_rag),
        Column(
            "Self-rating given by default",
            14,
            lambda r: "Yes, questions were unanswered" if r.self_rag_defaulted else "No",
        ),
        Column("Moderated rating", 12, lambda r: r.moderated_rag),
        Column("Reviewer comment", 48, lambda r: r.reviewer_comment, wrap=True),
        Column("Agency comments", 60, lambda r: r.agency_comments, wrap=True),
    ],
    rows=export_theme_rows,
)

KINDS = {kind.key: kind for kind in (ANSWERS, THEMES)}


def export_filename(*, partnership: Partnership, cycle: AuditCycle, name: str, extension: str) -> str:
    """e.g. csap-s11-2026-answers-2026-03-14.csv: says whose, which cycle,
    what and when, and sorts by date in a downloads folder."""
    today = timezone.localdate()
    return f"{partnership.slug}-{cycle.slug}-{name}-{today:%Y-%m-%d}.{extension}"


# ---------------------------------------------------------------------------
# CSV, streamed
# ---------------------------------------------------------------------------


class _Echo:
    """A file-like object whose write returns the line, for csv.writer."""

    def write(self, value):
        return value


def _csv_cell(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UK).strftime(CSV_DATETIME)
    if value is None:
        return ""
    return spreadsheet_cell(str(value))


def csv_lines(kind: ExportKind, rows: Iterable[AnswerRow | ThemeRow]) -> Iterator[str]:
    """The CSV a line at a time, beginning with a byte-order mark so that
    Excel reads it as UTF-8 (agency names have accents and curly quotes)."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([spreadsheet_cell(c.header) for c in kind.columns])
    for row in rows:
        yield writer.writerow([_csv_cell(c.value(row)) for c in kind.columns])


# ---------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------

HEADER_FONT = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")


def _add_sheet(workbook: Workbook, kind: ExportKind, rows: Iterable) -> None:
    sheet = workbook.create_sheet(title=kind.sheet)
    # In a write-only workbook the panes and widths go out with the first
    # row, so they are set before it.
    sheet.freeze_panes = "B2"  # the header row and the agency column stay in view
    for index, column in enumerate(kind.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    header = []
    for column in kind.columns:
        cell = WriteOnlyCell(sheet, value=spreadsheet_cell(column.header))
        cell.font = HEADER_FONT
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for column in kind.columns:
            value = column.value(row)
            if isinstance(value, datetime):
                # Excel has no time zones: the UK wall-clock time, as shown.
                cell = WriteOnlyCell(sheet, value=value.astimezone(UK).replace(tzinfo=None))
                cell.number_format = XLSX_DATETIME
                cells.append(cell)
            elif column.wrap and value:
                # Styled cells cost far more to write: only long text gets one.
                cell = WriteOnlyCell(sheet, value=spreadsheet_cell(value))
                cell.alignment = WRAP
                cells.append(cell)
            else:
                cells.append(spreadsheet_cell(value if value is not None else ""))
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(kind.columns))}{count + 1}"


def xlsx_workbook(*, partnership: Partnership, cycle: AuditCycle, kinds: Iterable[ExportKind]):
    """The cycle's exports as one workbook, a sheet per kind, written to a
    temporary file (returned open, at its start) rather than held in memory."""
    workbook = Workbook(write_only=True)
    workbook.properties.title = f"{cycle.title}: {partnership.name}"
    workbook.properties.creator = "s11portal"
    for kind in kinds:
        _add_sheet(workbook, kind, kind.rows(partnership=partnership, cycle=cycle))
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - closed by the response that sends it
    workbook.save(handle)
    handle.seek(0)
    return handle


# ---------------------------------------------------------------------------
# The summary report as a PDF
# ---------------------------------------------------------------------------


def summary_report_pdf(html: str) -> bytes:
    """A tagged, accessible PDF (PDF/UA-1) of the summary report's HTML,
    which names its language (en-GB) and title."""
    return pdf_render(html)
