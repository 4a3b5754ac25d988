"""The action plan through the Django test client: agency pages before and
after submission, who can reach what, the staff pages and the exports."""

import re
from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from audits.models import ActionItem, ActionUpdate, Answer, Rag, Submission, SubmissionStatus
from audits.services import resume_link_create
from audits.services.actions import ActionItemData, action_item_add, action_update_record
from core.domain import Actor
from partnerships.models import StaffRole
from tests.audits.test_actions_services import submit
from tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    SubmissionFactory,
    submission_complete,
    theme_save,
    two_partnerships,
)
from tests.staff import staff_client

pytestmark = pytest.mark.django_db

JO = Actor(name="Jo Lead", email="jo@alpha-council.example")


def url(world, name, **kwargs):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug, **kwargs})


def open_return(client, world, submission=None, email=None):
    submission = submission or world.submission
    _, link_url = resume_link_create(
        submission=submission, name="Sam Alpha", email=email or "sam@alpha-council.example", mint=True
    )
    assert client.get(link_url.split("127.0.0.1:8000", 1)[-1]).status_code == 302
    return client


def themes_of(world):
    return list(world.question_set.themes.order_by("order"))


def add(submission, theme, **overrides):
    data = {
        "action": "Train every manager in safer recruitment",
        "lead_person": "Head of HR",
        "target_date": timezone.localdate() + timedelta(days=60),
        "success_criteria": "All managers trained",
        "expected_outcome": "Safer decisions",
        "impact_measure": "File audit",
    }
    data.update(overrides)
    return action_item_add(submission=submission, theme=theme, data=ActionItemData(**data), actor=JO)


def item_post(day="", month="", year="", **overrides):
    data = {
        "action": "Write a new induction pack",
        "lead_person": "Training manager",
        "target_date_0": day,
        "target_date_1": month,
        "target_date_2": year,
        "success_criteria": "Every new starter inducted",
        "expected_outcome": "",
        "impact_measure": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def worlds():
    worlds = two_partnerships()
    for w in worlds:
        w.cycle.action_items_required = True
        w.cycle.save()
    return worlds


@pytest.fixture
def world(worlds):
    return worlds.a


@pytest.fixture
def agency(world):
    return open_return(Client(), world)


# --- before submission ----------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "message", "highlighted"),
    [
        (("", "", ""), "Enter the date the action is due", {"0", "1", "2"}),
        (("12", "", "2030"), "The date the action is due must include a month", {"1"}),
        (("", "", "2030"), "The date the action is due must include a day and month", {"0", "1"}),
        (("31", "2", "2030"), "The date the action is due must be a real date", {"0", "1"}),
        (("1", "13", "2030"), "The date the action is due must be a real date", {"1"}),
        (("1", "x", "2030"), "The date the action is due must be a real date", {"1"}),
        (("1", "6", "30"), "Year must include 4 numbers", {"2"}),
        (("1", "6", "2147483648"), "Year must include 4 numbers", {"2"}),
        (("99999999999999999999", "6", "2030"), "The date the action is due must be a real date", {"0"}),
        (("1", "6", "2020"), "The date the action is due must be today or in the future", {"0", "1", "2"}),
    ],
)
def test_bad_target_dates_get_govuk_errors_and_keep_the_input(world, agency, parts, message, highlighted):
    theme = themes_of(world)[0]
    page = agency.post(url(world, "action_item_add", theme_key=theme.key), item_post(*parts))
    assert page.status_code == 200
    html = page.content.decode()
    assert "govuk-error-summary" in html
    first_wrong = min(highlighted)  # the summary links to the first box that is wrong
    assert f'<a href="#id_target_date_{first_wrong}">' + message in html
    assert html.count(message) == 2
    assert "<title>Error: " in html
    assert "Write a new induction pack" in html  # what was typed is kept
    for index, value in enumerate(parts):
        if value:
            box = f'name="target_date_{index}" value="{value}"'
            assert box in html
    boxes = re.findall(
        r'<input type="text" name="target_date_(\d)"[^>]*class="([^"]*)"[^>]*inputmode="numeric"', html
    )
    assert len(boxes) == 3
    errored = {index for index, classes in boxes if "govuk-input--error" in classes.split()}
    assert errored == highlighted
    assert not ActionItem.objects.exists()


def test_other_required_fields_are_named_in_the_error_summary(world, agency):
    theme = themes_of(world)[0]
    page = agency.post(
        url(world, "action_item_add", theme_key=theme.key),
        item_post("1", "6", "2030", action="", lead_person="", success_criteria=""),
    )
    html = page.content.decode()
    for message in (
        "Enter the action",
        "Enter the name or role of the lead person",
        "Enter the success criteria",
    ):
        assert message in html
    assert not ActionItem.objects.exists()


def test_add_change_and_remove_an_action_from_the_theme_page(world, agency):
    theme = themes_of(world)[0]
    questions = {f"q_{q.pk}": "no" for q in theme.questions.all()}
    # "Save and add an action" saves the theme first.
    response = agency.post(
        url(world, "theme", theme_key=theme.key),
        {
            "version": 0,
            "rag": "amber",
            "comments": "Induction is patchy.",
            "action": "add_action",
            **questions,
        },
    )
    add_url = url(world, "action_item_add", theme_key=theme.key) + "?return_to=theme#main-content"
    assert response.status_code == 302 and response["Location"] == add_url
    assert Answer.objects.filter(submission=world.submission).count() == len(questions)
    next_year = timezone.localdate().year + 1
    response = agency.post(add_url, item_post("1", "6", str(next_year), return_to="theme"))
    assert response.status_code == 302
    assert response["Location"] == url(world, "theme", theme_key=theme.key) + "#action-plan"
    item = ActionItem.objects.get()
    assert (item.theme, item.target_date.isoformat(), item.created_by_email) == (
        theme,
        f"{next_year}-06-01",
        "sam@alpha-council.example",
    )
    page = agency.get(url(world, "theme", theme_key=theme.key)).content.decode()
    assert "Write a new induction pack" in page and "Training manager" in page
    assert url(world, "action_item_change", item_id=item.pk) in page

    change = agency.get(url(world, "action_item_change", item_id=item.pk)).content.decode()
    assert f'value="{next_year}"' in change and 'value="6"' in change
    response = agency.post(
        url(world, "action_item_change", item_id=item.pk),
        item_post("1", "7", str(next_year), lead_person="HR lead"),
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.lead_person, item.target_date.month) == ("HR lead", 7)

    confirm = agency.get(url(world, "action_item_remove", item_id=item.pk))
    assert "Are you sure" in confirm.content.decode()
    assert ActionItem.objects.exists()  # GET changes nothing
    assert agency.post(url(world, "action_item_remove", item_id=item.pk)).status_code == 302
    assert not ActionItem.objects.exists()


def test_check_answers_lists_the_missing_actions_with_a_link_and_refuses_to_submit(world, agency):
    submission_complete(world.submission)
    amber = themes_of(world)[1]
    theme_save(world.submission, amber, value="no", rag=Rag.AMBER, comments="Gap found.")
    page = agency.get(url(world, "check_answers")).content.decode()
    assert "You must add at least one action to each theme rated Amber or Red" in page
    assert f'{url(world, "theme", theme_key=amber.key)}#action-plan">no action added</a>' in page
    assert "Sign off and submit" not in page
    version = Submission.objects.get(pk=world.submission.pk).version
    page = agency.post(
        url(world, "check_answers"),
        {"version": version, "signed_off_by_name": "Alex", "signed_off_by_role": "Director", "confirm": "on"},
    )
    assert page.status_code == 200
    assert "Add at least one action to each theme rated Amber or Red" in page.content.decode()
    assert Submission.objects.get(pk=world.submission.pk).status != SubmissionStatus.SUBMITTED

    add(world.submission, amber)
    page = agency.get(url(world, "check_answers")).content.decode()
    assert "no action added" not in page and "Sign off and submit" in page
    assert "Train every manager in safer recruitment" in page  # the plan is shown with the answers


# --- after submission ------------------------------------------------------------


@pytest.fixture
def submitted(world):
    submission_complete(world.submission)
    theme = themes_of(world)[0]
    theme_save(world.submission, theme, value="no", rag=Rag.RED, comments="Not yet.")
    world.item = add(world.submission, theme)
    world.submission = submit(world.submission)
    return world


def test_progress_through_the_agency_session_after_the_lock(submitted, agency):
    world = submitted
    item = world.item
    plan = agency.get(url(world, "action_plan")).content.decode()
    assert "Record progress" in plan
    assert url(world, "action_item_change", item_id=item.pk) not in plan  # part of the record

    response = agency.get(url(world, "action_item_change", item_id=item.pk))
    assert response.status_code == 302
    response = agency.post(url(world, "action_item_remove", item_id=item.pk))
    assert response.status_code == 302 and ActionItem.objects.filter(pk=item.pk).exists()

    # Bad input: error, kept, nothing saved.
    page = agency.post(url(world, "action_progress", item_id=item.pk), {"progress": "", "status": "done"})
    assert "Enter what has been done" in page.content.decode()
    assert not ActionUpdate.objects.exists()

    response = agency.post(
        url(world, "action_progress", item_id=item.pk),
        {"progress": "Ten managers trained.", "status": "in_progress"},
    )
    assert response.status_code == 302
    update = ActionUpdate.objects.get()
    assert (update.actor_name, update.actor_email, update.status_before, update.status) == (
        "Sam Alpha",
        "sam@alpha-council.example",
        "not_started",
        "in_progress",
    )
    plan = agency.get(url(world, "action_plan")).content.decode()
    assert "Ten managers trained." in plan and "Not started to In progress" in plan

    # A new action can be added after submission, and is marked so.
    theme = themes_of(world)[2]
    next_year = str(timezone.localdate().year + 1)
    assert (
        agency.post(
            url(world, "action_item_add", theme_key=theme.key), item_post("2", "3", next_year)
        ).status_code
        == 302
    )
    assert "After submission, on" in agency.get(url(world, "action_plan")).content.decode()

    # The answers stay locked.
    answers = dict(Answer.objects.filter(submission=world.submission).values_list("question_id", "value"))
    questions = {f"q_{q.pk}": "yes" for q in themes_of(world)[0].questions.all()}
    agency.post(
        url(world, "theme", theme_key=themes_of(world)[0].key),
        {"version": 1, "rag": "green", "comments": "", "action": "continue", **questions},
    )
    assert (
        dict(Answer.objects.filter(submission=world.submission).values_list("question_id", "value"))
        == answers
    )


def test_overdue_actions_are_highlighted_on_the_task_list_and_plan(submitted):
    world = submitted
    world.cycle.closes_at = timezone.now() + timedelta(days=365)
    world.cycle.save()
    world.submission = Submission.objects.get(pk=world.submission.pk)
    agency = open_return(Client(), world)
    assert "overdue" not in agency.get(url(world, "task_list")).content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=61), tick=False):
        agency = open_return(Client(), world)  # sessions last two weeks
        task_list = agency.get(url(world, "task_list")).content.decode()
        assert "1 overdue" in task_list and url(world, "action_plan") in task_list
        plan = agency.get(url(world, "action_plan")).content.decode()
    assert "1 action is overdue" in plan
    assert 'govuk-tag--red s11-action-overdue">Overdue' in plan


def test_another_agencys_session_and_another_partnership_get_404(worlds):
    a, b = worlds
    item = add(a.submission, themes_of(a)[0])
    neighbour = SubmissionFactory(cycle=a.cycle, agency=AgencyFactory(partnership=a.partnership))
    other_agency = open_return(Client(), a, submission=neighbour)
    for name in ("action_item_change", "action_item_remove", "action_progress"):
        assert other_agency.get(url(a, name, item_id=item.pk)).status_code == 404
        assert (
            other_agency.post(url(a, name, item_id=item.pk), item_post("1", "1", "2031")).status_code == 404
        )
    assert ActionItem.objects.get(pk=item.pk).action == "Train every manager in safer recruitment"
    assert item.action not in other_agency.get(url(a, "action_plan")).content.decode()

    # Partnership B's contributor: B's item ids under B's address are not found
    # either, and A's pages under A's address need A's session.
    bravo = open_return(Client(), b, email="sam@bravo-council.example")
    assert bravo.get(url(b, "action_item_change", item_id=item.pk)).status_code == 404
    response = bravo.get(url(a, "action_plan"))
    assert response.status_code == 302 and response["Location"] == url(a, "link_invalid")
    # Nobody signed in.
    assert Client().get(url(a, "action_plan_pdf"))["Location"] == url(a, "link_invalid")


# --- exports ------------------------------------------------------------------


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(content)).pages)


def test_agency_exports_read_back(submitted, agency):
    world = submitted
    action_update_record(item=world.item, progress="Booked the trainer.", status="in_progress", actor=JO)
    response = agency.get(url(world, "action_plan_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert world.submission.reference in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in (
        "Action plan: ALPHA Borough Council",
        "Train every manager in safer recruitment",
        "Head of HR",
        "All managers trained",
        "Booked the trainer.",
        "In progress",
    ):
        assert expected in text, expected
    reader = PdfReader(BytesIO(response.content))
    assert reader.trailer["/Root"].get("/Lang") == "en-GB"

    response = agency.get(url(world, "action_plan_xlsx"))
    book = load_workbook(BytesIO(response.content))
    rows = list(book["Action items"].iter_rows(values_only=True))
    assert rows[0][:8] == (
        "Agency",
        "Reference",
        "Theme",
        "RAG self-rating",
        "Action",
        "Lead person",
        "Target date",
        "Status",
    )
    assert rows[1][0] == "ALPHA Borough Council" and rows[1][3] == "Red"
    assert rows[1][4] == "Train every manager in safer recruitment"
    assert rows[1][6].date() == world.item.target_date
    assert rows[1][7] == "In progress"
    updates = list(book["Progress updates"].iter_rows(values_only=True))
    assert updates[1][-1] == "Booked the trainer." and updates[1][5] == "Jo Lead"


def test_spreadsheet_text_is_never_a_formula(submitted, agency):
    world = submitted
    add(Submission.objects.get(pk=world.submission.pk), themes_of(world)[1], action='=HYPERLINK("http://x")')
    book = load_workbook(BytesIO(agency.get(url(world, "action_plan_xlsx")).content))
    actions = [row[4] for row in book["Action items"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in actions


# --- staff --------------------------------------------------------------------


def test_staff_cycle_plans_filters_and_export(worlds, django_assert_max_num_queries):
    a, b = worlds
    late = add(a.submission, themes_of(a)[0], action="Late action")
    ActionItem.objects.filter(pk=late.pk).update(target_date=timezone.localdate() - timedelta(days=2))
    add(a.submission, themes_of(a)[1], action="On-time action")
    add(b.submission, themes_of(b)[0], action="Bravo's action")
    client = staff_client(Client(), a.partnership, StaffRole.READ_ONLY)

    assert client.get(url(a, "staff_action_plans"))["Location"] == url(
        a, "staff_action_plans_cycle", cycle_slug=a.cycle.slug
    )
    with django_assert_max_num_queries(16):
        page = client.get(url(a, "staff_action_plans_cycle", cycle_slug=a.cycle.slug)).content.decode()
    assert "Late action" in page and "On-time action" in page and "Bravo" not in page
    assert "1 overdue" in page and "s11-action-row--overdue" in page
    page = client.get(
        url(a, "staff_action_plans_cycle", cycle_slug=a.cycle.slug) + "?overdue=1"
    ).content.decode()
    assert "Late action" in page and "On-time action" not in page
    theme_key = themes_of(a)[1].key
    page = client.get(
        url(a, "staff_action_plans_cycle", cycle_slug=a.cycle.slug) + f"?theme={theme_key}"
    ).content.decode()
    assert "Late action" not in page and "On-time action" in page
    # Nonsense filter values are ignored, not errors.
    assert (
        client.get(
            url(a, "staff_action_plans_cycle", cycle_slug=a.cycle.slug) + "?agency=x&locality=999"
        ).status_code
        == 200
    )

    response = client.get(url(a, "staff_action_plans_cycle_xlsx", cycle_slug=a.cycle.slug) + "?overdue=1")
    rows = list(
        load_workbook(BytesIO(response.content))["Action items"].iter_rows(min_row=2, values_only=True)
    )
    assert [(r[0], r[4], r[8]) for r in rows] == [("ALPHA Borough Council", "Late action", "Yes")]


def test_staff_plan_page_shows_history_and_exports(submitted):
    world = submitted
    action_update_record(item=world.item, progress="First step taken.", status="in_progress", actor=JO)
    client = staff_client(Client(), world.partnership, StaffRole.REVIEWER)
    page = client.get(url(world, "staff_action_plan", reference=world.submission.reference)).content.decode()
    assert "First step taken." in page and "Jo Lead" in page and "Not started to In progress" in page
    text = pdf_text(
        client.get(url(world, "staff_action_plan_pdf", reference=world.submission.reference)).content
    )
    assert "First step taken." in text
    book = load_workbook(
        BytesIO(
            client.get(url(world, "staff_action_plan_xlsx", reference=world.submission.reference)).content
        )
    )
    assert book["Action items"].max_row == 2


def test_staff_without_cycles_see_a_page_not_an_error():
    partnership = PartnershipFactory()
    client = staff_client(Client(), partnership, StaffRole.READ_ONLY)
    page = client.get(reverse("staff_action_plans", kwargs={"partnership_slug": partnership.slug}))
    assert page.status_code == 200 and "no audit cycles" in page.content.decode()
