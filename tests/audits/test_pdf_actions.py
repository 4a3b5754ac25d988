"""Action plans in the return's PDF: each theme's action items are in the
snapshot kept at submission (schema 2), so the submitted copy shows them as
they were signed off and nothing done to the plan later changes it; the
draft shows them as they stand.

Set S11_PDF_DUMP=/some/dir to keep the PDFs these tests make."""

import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audits.exports import pdf as rendering
from audits.models import ActionItem, ActionStatus, SubmissionPdf
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from audits.services.pdf import submission_pdf_build, submission_pdf_record
from audits.templatetags.s11 import uk_date
from core.domain import Actor
from partnerships.models import StaffRole
from tests.audits.test_pdf import (  # noqa: F401 (private_storage: autouse fixture)
    agency_client,
    body_text,
    dump,
    fill_return,
    pdf_text,
    private_storage,
    submit,
    url,
)
from tests.factories import two_partnerships
from tests.staff import staff_client, staff_url

pytestmark = pytest.mark.django_db

JO = Actor(name="Jo Lead", email="jo@alpha-council.example")


def add_item(submission, theme, **overrides):
    fields = {
        "action": "Train every manager in safer recruitment",
        "lead_person": "Head of HR",
        "target_date": timezone.localdate() + timedelta(days=90),
        "success_criteria": "All 40 managers trained",
        "expected_outcome": "Safer recruitment decisions",
        "impact_measure": "Audit of 10 recruitment files",
    }
    fields.update(overrides)
    return action_item_add(submission=submission, theme=theme, data=ActionItemData(**fields), actor=JO)


@pytest.fixture
def world():
    return two_partnerships().a


@pytest.fixture
def planned(world):
    """A filled return with two actions for theme 1 (Amber), one for theme
    2 (Red, and overdue: its target date has passed) and none for theme 3."""
    first, second, _ = fill_return(world)
    add_item(world.submission, first)
    add_item(
        world.submission,
        first,
        action="Publish the allegations procedure on the intranet",
        lead_person="Designated officer",
        target_date=timezone.localdate() + timedelta(days=30),
        success_criteria="Procedure page live and linked from the staff handbook",
        expected_outcome="",
        impact_measure="",
    )
    late = add_item(
        world.submission,
        second,
        action="Write a training plan",
        lead_person="Learning lead",
        success_criteria="Plan approved by the board",
    )
    ActionItem.objects.filter(pk=late.pk).update(target_date=timezone.localdate() - timedelta(days=3))
    world.submission.refresh_from_db()
    return world


@pytest.fixture
def submitted(planned, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(planned)
    return SubmissionPdf.objects.get(submission=planned.submission)


def theme_body(world, record, content: bytes) -> str:
    footer = f"Version {record.version}, submitted {rendering._uk(world.submission.submitted_at)}"
    header = f"{world.agency.name} – {world.cycle.title}"
    return body_text(content, footer, header, world.submission.reference)


def between(text: str, start: str, end: str | None) -> str:
    """The text from the (last) heading `start` up to `end`: the summary
    table names every theme first, so a theme's own part is the last."""
    begin = text.rindex(start)
    return text[begin : text.rindex(end) if end else len(text)]


def test_the_submitted_pdf_shows_each_themes_action_items_under_the_theme(world, submitted):
    assert submitted.snapshot["schema"] == 2
    content = submitted.file.read()
    dump("submitted-with-actions.pdf", content)
    body = theme_body(world, submitted, content)
    titles = [s["theme"]["title"] for s in submitted.snapshot["sections"]]
    one = between(body, titles[0], titles[1])
    two = between(body, titles[1], titles[2])
    three = between(body, titles[2], None)

    target = uk_date(timezone.localdate() + timedelta(days=90))
    assert "Action plan" in one
    assert "Action Lead Target date Status Success criteria Expected outcome Impact measure" in one
    for text in (
        "Train every manager in safer recruitment",
        "Head of HR",
        target,
        "Not started",
        "All 40 managers trained",
        "Safer recruitment decisions",
        "Audit of 10 recruitment files",
        "Publish the allegations procedure on the intranet",
        "Designated officer",
        "Procedure page live and linked from the staff handbook",
        "None given",
    ):
        assert text in one, text
    assert "Write a training plan" not in one
    # Theme 2's item was past its target date on the day of submission.
    assert "Write a training plan" in two and "Learning lead" in two
    assert "Not started Overdue" in two
    assert "Overdue" not in one
    assert "Action plan No actions." in three
    assert "Train every manager" not in two + three


def test_the_snapshot_keeps_the_items_as_submitted(submitted):
    sections = submitted.snapshot["sections"]
    assert [len(s["actions"]) for s in sections] == [2, 1, 0]
    first = sections[0]["actions"][0]
    assert first == {
        "action": "Train every manager in safer recruitment",
        "lead_person": "Head of HR",
        "target_date": (timezone.localdate() + timedelta(days=90)).isoformat(),
        "status": "not_started",
        "overdue": False,
        "success_criteria": "All 40 managers trained",
        "expected_outcome": "Safer recruitment decisions",
        "impact_measure": "Audit of 10 recruitment files",
    }
    assert sections[1]["actions"][0]["overdue"] is True


def test_changes_to_the_plan_after_submission_do_not_change_the_stored_pdf(world, submitted):
    recorded, snapshot = submitted.sha256, submitted.snapshot
    first_theme = world.question_set.themes.get(order=1)
    add_item(world.submission, first_theme, action="Added after the return went in", lead_person="New lead")
    item = ActionItem.objects.get(action="Train every manager in safer recruitment")
    action_update_record(item=item, progress="Half the managers trained.", status=ActionStatus.DONE, actor=JO)

    submitted.refresh_from_db()
    assert submitted.snapshot == snapshot
    assert hashlib.sha256(submitted.file.read()).hexdigest() == recorded
    # The copy staff download is that file ...
    client = staff_client(Client(), world.partnership, StaffRole.READ_ONLY)
    response = client.get(
        staff_url(
            world.partnership, "staff_return_pdf_download", reference=world.submission.reference, version=1
        )
    )
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == recorded
    text = pdf_text(body)
    assert "Added after the return went in" not in text and "Done" not in text
    # ... and rebuilt from its snapshot it is the same bytes.
    submitted.file.storage.delete(submitted.file.name)
    assert submission_pdf_build(pdf_id=submitted.pk).sha256 == recorded


def test_a_version_recorded_late_leaves_out_what_came_after_submission(world, submitted):
    """A return submitted before PDFs were kept gets its snapshot when first
    asked for: the plan is taken back to how it stood at submission."""
    first_theme = world.question_set.themes.get(order=1)
    add_item(world.submission, first_theme, action="Added after the return went in")
    item = ActionItem.objects.get(action="Train every manager in safer recruitment")
    action_update_record(item=item, progress="Started.", status=ActionStatus.IN_PROGRESS, actor=JO)
    action_update_record(item=item, progress="Finished.", status=ActionStatus.DONE, actor=JO)
    original = submitted.snapshot
    submitted.delete()

    late = submission_pdf_record(submission=world.submission)
    assert late.snapshot["sections"] == original["sections"]


def test_a_schema_1_snapshot_renders_as_before(submitted):
    old = {**submitted.snapshot, "schema": 1}
    old["sections"] = [{k: v for k, v in s.items() if k != "actions"} for s in old["sections"]]
    html = rendering.submission_pdf_html(old)
    assert "<h3>Action plan</h3>" not in html and '<table class="govuk-table s11-action-table">' not in html
    assert "<h3>Action plan</h3>" in rendering.submission_pdf_html(submitted.snapshot)


def test_the_draft_shows_the_plan_as_it_stands(planned):
    item = ActionItem.objects.get(action="Publish the allegations procedure on the intranet")
    ActionItem.objects.filter(pk=item.pk).update(status=ActionStatus.IN_PROGRESS)
    response = agency_client(planned).get(url(planned, "return_pdf_draft"))
    assert response.status_code == 200
    dump("draft-with-actions.pdf", response.content)
    text = pdf_text(response.content)
    titles = list(planned.question_set.themes.order_by("order").values_list("title", flat=True))
    one = between(text, titles[0], titles[1])
    assert "Train every manager in safer recruitment" in one
    assert "Publish the allegations procedure on the intranet" in one and "In progress" in one
    assert "Write a training plan" in between(text, titles[1], titles[2])
    assert "Overdue" in text
