"""One spreadsheet-cell guard for every CSV and XLSX the service writes.

Each export is downloaded with formula-looking values in every kind of text
that people type (names, email addresses, actions, progress), and no cell of
any sheet may come out as a formula or start with a formula trigger."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from audits.models import ActionItem, Rag
from audits.services.actions import action_update_record
from core.domain import Actor
from core.spreadsheets import FORMULA_TRIGGERS, spreadsheet_cell, spreadsheet_row
from partnerships.models import Agency, StaffRole
from tests.audits.test_actions_services import submit
from tests.audits.test_actions_views import add, open_return
from tests.factories import submission_complete, theme_save, two_partnerships
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

HOSTILE_EMAIL = "=1+2@evil.example"
HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+2@evil.example", "'=1+2@evil.example"),
        ("+44 20", "'+44 20"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\n=1", "'\n=1"),
        ("Plain text", "Plain text"),
        ("", ""),
        (3, 3),
        (None, None),
    ],
)
def test_spreadsheet_cell(value, safe):
    assert spreadsheet_cell(value) == safe


def test_spreadsheet_row_guards_every_cell():
    assert spreadsheet_row(["=a", 1, "b"]) == ["'=a", 1, "b"]


def assert_no_formula(workbook_bytes: bytes) -> list:
    book = load_workbook(io.BytesIO(workbook_bytes))
    values = []
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (sheet.title, cell.coordinate)
                values.append(cell.value)
    return values


@pytest.fixture
def hostile_plan():
    world = two_partnerships().a
    submission_complete(world.submission)
    theme = world.question_set.themes.order_by("order").first()
    theme_save(world.submission, theme, value="no", rag=Rag.RED, comments="Not yet.")
    item = add(
        world.submission,
        theme,
        action=HOSTILE,
        lead_person="@lead",
        success_criteria="+criteria",
        impact_measure="-1",
    )
    world.submission = submit(world.submission)
    Agency.objects.filter(pk=world.agency.pk).update(name="=cmd|' /C calc'!A0")
    action_update_record(
        item=ActionItem.objects.get(pk=item.pk),
        progress="=2+3",
        status="in_progress",
        actor=Actor(name="=name", email=HOSTILE_EMAIL),
    )
    return world


def test_every_action_plan_workbook_keeps_typed_text_as_text(hostile_plan):
    world = hostile_plan
    agency_client = open_return(Client(), world)
    staff = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    kwargs = {"partnership_slug": world.partnership.slug}
    downloads = [
        agency_client.get(reverse("action_plan_xlsx", kwargs=kwargs)),
        staff.get(
            reverse("staff_action_plan_xlsx", kwargs={**kwargs, "reference": world.submission.reference})
        ),
        staff.get(
            reverse("staff_action_plans_cycle_xlsx", kwargs={**kwargs, "cycle_slug": world.cycle.slug})
        ),
    ]
    for response in downloads:
        assert response.status_code == 200
        content = b"".join(response.streaming_content) if response.streaming else response.content
        values = assert_no_formula(content)
        assert "'" + HOSTILE_EMAIL in values
        assert "'" + HOSTILE in values
        assert "'=name" in values and "'=2+3" in values and "'@lead" in values


def test_cycle_exports_keep_typed_text_as_text(hostile_plan):
    world = hostile_plan
    staff = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    kwargs = {"partnership_slug": world.partnership.slug, "cycle_slug": world.cycle.slug}
    for name in ("staff_cycle_export_answers_csv", "staff_cycle_export_themes_csv"):
        response = staff.get(reverse(name, kwargs=kwargs))
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
        assert any("'=cmd|' /C calc'!A0" in row for row in rows)
        for row in rows:
            for cell in row:
                assert not cell.startswith(FORMULA_TRIGGERS), (name, cell)
    for name in (
        "staff_cycle_export_answers_xlsx",
        "staff_cycle_export_themes_xlsx",
        "staff_cycle_export_workbook",
    ):
        response = staff.get(reverse(name, kwargs=kwargs))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert "'=cmd|' /C calc'!A0" in assert_no_formula(content)


def test_agency_import_template_has_no_formula_cells():
    world = two_partnerships().a
    admin = staff_client(Client(), world.partnership, StaffRole.ADMIN)
    path = reverse("staff_agency_import_template", kwargs={"partnership_slug": world.partnership.slug})
    response = admin.get(path)
    assert response.status_code == 200
    for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))):
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS)
