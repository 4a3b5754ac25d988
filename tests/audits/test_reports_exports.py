"""A cycle's exports: every answer and every rating is in them, in CSV and
XLSX alike, a formula never survives as one, and the files are well made."""

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook

from audits.exports.cycle import ANSWERS, THEMES, csv_lines, spreadsheet_safe
from audits.models import Rag, SubmissionStatus
from core.dates import UK
from partnerships.models import StaffRole
from tests.staff import staff_client, staff_url

from .reports_world import ANSWER_WORDS, HOSTILE_COMMENT, questions_of, reports_world, themes_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return reports_world()


@pytest.fixture
def reader(client, world):
    return staff_client(client, world.partnership, StaffRole.READ_ONLY)


def url(world, name):
    return staff_url(world.partnership, name, cycle_slug=world.cycle.slug)


def read_csv(response) -> list[dict]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "Excel needs the byte-order mark to read UTF-8"
    return list(csv.DictReader(io.StringIO(body.removeprefix("\ufeff"))))


def read_xlsx(response, sheet) -> list[dict]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(workbook[sheet].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def expected_answer_rows(world) -> dict[tuple[str, str, str], str]:
    """(agency, theme key, question key) → answer in words, for every question
    of every return: what the answers export must say."""
    expected = {}
    for name in world.returns:
        for theme in themes_of(world.question_set):
            for question in questions_of(theme):
                value = world.answers.get((name, theme.key, question.key))
                expected[(name, theme.key, question.key)] = ANSWER_WORDS[value] if value else "Not answered"
    return expected


def _answers_by_key(rows):
    return {(r["Agency"], r["Theme key"], r["Question key"]): r["Answer"] for r in rows}


def test_answers_csv_has_every_answer_of_every_return(reader, world):
    response = reader.get(url(world, "staff_cycle_export_answers_csv"))
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="alpha-s11-2026-answers-')
    assert response["Content-Disposition"].endswith('.csv"')
    rows = read_csv(response)
    expected = expected_answer_rows(world)
    assert len(rows) == len(expected) == 5 * 3 * 3
    assert _answers_by_key(rows) == expected
    # Each kind of answer is there at least once.
    assert {"Yes", "No", "Not applicable", "Not answered"} <= {r["Answer"] for r in rows}


def test_answers_rows_say_whose_return_and_its_state(reader, world):
    rows = read_csv(reader.get(url(world, "staff_cycle_export_answers_csv")))
    aardvark = [r for r in rows if r["Agency"] == "Aardvark Council"]
    first = aardvark[0]
    submission = world.returns["Aardvark Council"]
    assert first["Reference"] == submission.reference
    assert first["Status"] == "Submitted"
    assert first["Sector"] == "Local authority or district council"
    assert first["Localities"] == "Alpha North"
    assert first["Theme"] == "Theme 1"
    assert first["Question"] == "Theme 1, question 1?"
    # UK time, as people read it.
    local = submission.submitted_at.astimezone(UK)
    assert first["Submitted at (UK time)"] == local.strftime("%Y-%m-%d %H:%M")
    badger = next(r for r in rows if r["Agency"] == "Badger Health")
    assert badger["Localities"] == "Alpha North; Alpha South"
    assert badger["Status"] == "In progress"
    assert badger["Submitted at (UK time)"] == ""
    assert next(r for r in rows if r["Agency"] == "Eel Youth Justice")["Status"] == "Returned for changes"
    assert next(r for r in rows if r["Agency"] == "Cormorant Police")["Status"] == "Not started"
    # In agency order, then theme and question order.
    assert [r["Agency"] for r in rows] == sorted(r["Agency"] for r in rows)


def test_answers_xlsx_has_every_answer_and_is_well_made(reader, world):
    response = reader.get(url(world, "staff_cycle_export_answers_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert 'filename="alpha-s11-2026-answers-' in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Answers"]
    sheet = workbook["Answers"]
    assert sheet.freeze_panes == "B2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["A"].width > 20
    assert sheet.auto_filter.ref == f"A1:K{5 * 9 + 1}"
    rows = read_xlsx(type("R", (), {"streaming_content": [data]}), "Answers")
    assert _answers_by_key(rows) == expected_answer_rows(world)
    submitted = next(r for r in rows if r["Agency"] == "Aardvark Council")["Submitted at (UK time)"]
    assert isinstance(submitted, datetime)
    assert next(r for r in rows if r["Agency"] == "Badger Health")["Submitted at (UK time)"] in ("", None)


def expected_theme_rows(world) -> dict[tuple[str, str], tuple[str, str]]:
    red, amber, green, none = "Red", "Amber", "Green", "Not rated"
    return {
        ("Aardvark Council", "theme-1"): (green, ""),
        ("Aardvark Council", "theme-2"): (amber, "Training is booked; N/A: no staff."),
        ("Aardvark Council", "theme-3"): (red, "'" + HOSTILE_COMMENT),
        ("Badger Health", "theme-1"): (amber, "'-1 for now; @team to review"),
        ("Badger Health", "theme-2"): (none, ""),
        ("Badger Health", "theme-3"): (none, ""),
        ("Cormorant Police", "theme-1"): (none, ""),
        ("Cormorant Police", "theme-2"): (none, ""),
        ("Cormorant Police", "theme-3"): (none, ""),
        ("Dormouse Trust", "theme-1"): (green, ""),
        ("Dormouse Trust", "theme-2"): (green, ""),
        ("Dormouse Trust", "theme-3"): (red, ""),
        ("Eel Youth Justice", "theme-1"): (green, ""),
        ("Eel Youth Justice", "theme-2"): (none, ""),
        ("Eel Youth Justice", "theme-3"): (none, ""),
    }


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_themes_export_has_every_rating_and_comment(reader, world, fmt):
    response = reader.get(url(world, f"staff_cycle_export_themes_{fmt}"))
    assert response.status_code == 200
    rows = read_csv(response) if fmt == "csv" else read_xlsx(response, "Themes")
    got = {(r["Agency"], r["Theme key"]): (r["Self-rating"], r["Agency comments"] or "") for r in rows}
    assert got == expected_theme_rows(world)
    defaulted = {
        (r["Agency"], r["Theme key"]) for r in rows if r["Self-rating given by default"].startswith("Yes")
    }
    assert defaulted == {("Dormouse Trust", "theme-3")}
    # Moderation is the review part's: blank until a reviewer moderates.
    assert {r["Moderated rating"] or "" for r in rows} <= {"", "Red", "Amber", "Green"}


def test_workbook_has_a_sheet_per_export(reader, world):
    response = reader.get(url(world, "staff_cycle_export_workbook"))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Answers", "Themes"]
    for sheet in workbook:
        assert sheet.freeze_panes == "B2"
        assert all(cell.font.bold for cell in sheet[1])
    assert workbook["Themes"].max_row == 1 + 15
    assert workbook["Answers"].max_row == 1 + 45


# ---------------------------------------------------------------------------
# CSV injection
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+44 20 7946 0000", "'+44 20 7946 0000"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Plain words", "Plain words"),
        ("a = b", "a = b"),
        ("", ""),
        (None, None),
        (3, 3),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_a_formula_in_an_agency_name_or_comment_is_text_in_both_formats(client, world):
    from partnerships.models import Agency

    Agency.objects.filter(pk=world.agencies["Cormorant Police"].pk).update(name="=cmd|' /C calc'!A0")
    reader = staff_client(client, world.partnership, StaffRole.READ_ONLY)
    rows = read_csv(reader.get(url(world, "staff_cycle_export_themes_csv")))
    names = {r["Agency"] for r in rows}
    assert "'=cmd|' /C calc'!A0" in names
    comments = {r["Agency comments"] for r in rows}
    assert "'" + HOSTILE_COMMENT in comments
    for row in rows:
        for cell in row.values():
            assert not cell.startswith(("=", "+", "-", "@")), cell

    data = b"".join(reader.get(url(world, "staff_cycle_export_workbook")).streaming_content)
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    themes = list(workbook["Themes"].iter_rows(values_only=True))
    assert any(HOSTILE_COMMENT in str(v) for row in themes for v in row)


def test_csv_lines_guard_headers_too():
    lines = list(csv_lines(ANSWERS, []))
    assert lines[0] == "\ufeff"
    assert lines[1].startswith("Agency,Sector,Localities,Reference,Status")
    assert len(THEMES.columns) == len({c.header for c in THEMES.columns})


# ---------------------------------------------------------------------------
# The exports page, and cycles with nothing in them
# ---------------------------------------------------------------------------


def test_exports_page_lists_the_downloads_with_their_sizes(reader, world):
    response = reader.get(url(world, "staff_cycle_export"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in (
        "staff_cycle_export_answers_csv",
        "staff_cycle_export_answers_xlsx",
        "staff_cycle_export_themes_csv",
        "staff_cycle_export_themes_xlsx",
        "staff_cycle_export_workbook",
    ):
        assert f'href="{url(world, name)}"' in html
    assert ">45<" in html  # answer rows: 5 returns × 9 questions
    assert ">15<" in html  # theme rows: 5 returns × 3 themes
    assert "5 returns" in html


def test_an_empty_cycle_exports_only_headers(reader, world):
    from tests.factories import AuditCycleFactory

    empty = AuditCycleFactory(partnership=world.partnership, question_set=world.question_set, slug="empty")
    response = reader.get(
        staff_url(world.partnership, "staff_cycle_export_answers_csv", cycle_slug=empty.slug)
    )
    assert read_csv(response) == []
    response = reader.get(
        staff_url(world.partnership, "staff_cycle_export_themes_xlsx", cycle_slug=empty.slug)
    )
    assert read_xlsx(response, "Themes") == []
    response = reader.get(staff_url(world.partnership, "staff_cycle_export", cycle_slug=empty.slug))
    assert response.status_code == 200


def test_exports_stream_in_batches_and_keep_every_row(world):
    """A small batch size gives the same rows as one batch."""
    from audits.selectors.reports import export_answer_rows, export_theme_rows

    args = {"partnership": world.partnership, "cycle": world.cycle}
    assert list(export_answer_rows(**args, batch_size=2)) == list(export_answer_rows(**args))
    assert list(export_theme_rows(**args, batch_size=1)) == list(export_theme_rows(**args))


def test_rag_words_only(world):
    from audits.selectors.reports import _rag_word as rag_word

    assert [rag_word(r) for r in (Rag.RED, Rag.AMBER, Rag.GREEN, "")] == [
        "Red",
        "Amber",
        "Green",
        "Not rated",
    ]
    assert world.returns["Dormouse Trust"].status == SubmissionStatus.SUBMITTED


def test_themes_export_carries_the_moderated_rating_and_reviewer_comment(reader, world):
    from audits.models import ThemeModeration as moderation

    submission = world.returns["Aardvark Council"]
    theme = world.question_set.themes.get(key="theme-2")
    moderation.objects.create(
        partnership=world.partnership,
        submission=submission,
        theme=theme,
        rag=Rag.GREEN,
        comment="=Evidence seen at the panel",
    )
    for fmt in ("csv", "xlsx"):
        response = reader.get(url(world, f"staff_cycle_export_themes_{fmt}"))
        rows = read_csv(response) if fmt == "csv" else read_xlsx(response, "Themes")
        moderated = {
            (r["Agency"], r["Theme key"]): (r["Moderated rating"], r["Reviewer comment"])
            for r in rows
            if r["Moderated rating"]
        }
        assert moderated == {("Aardvark Council", "theme-2"): ("Green", "'=Evidence seen at the panel")}
