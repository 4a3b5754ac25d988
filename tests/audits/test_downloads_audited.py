"""Every download of return data is on the audit log (issue 17 item 17): who
took what, when, for each kind of download, staff and agency alike; a
return's downloads read in plain words on its history page; a cycle-wide
export names the cycle."""

import pytest
from django.test import Client

from audits.models import Rag
from audits.services.downloads import download_record
from core.domain import Actor
from core.models import AuditEvent
from partnerships.models import StaffRole
from tests.factories import submission_complete, theme_save, two_partnerships
from tests.staff import sign_in, staff_user

from .test_actions_services import submit
from .test_actions_views import add, open_return, url
from .test_review_views import _file

pytestmark = pytest.mark.django_db

AGENCY_EMAIL = "sam@alpha-council.example"


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }


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
def submitted(world):
    submission_complete(world.submission)
    theme = world.question_set.themes.order_by("order").first()
    theme_save(world.submission, theme, value="no", rag=Rag.RED, comments="Not yet.")
    world.item = add(world.submission, theme)
    world.submission = submit(world.submission)
    return world


@pytest.fixture
def reviewer(world):
    user = staff_user(world.partnership, StaffRole.READ_ONLY, email="rita@alpha.example")
    client = Client()
    sign_in(client, user)
    return client


def only_new_event(before: set[int]) -> AuditEvent:
    new = list(AuditEvent.objects.exclude(pk__in=before))
    assert len(new) == 1, [e.verb for e in new]
    return new[0]


def event_ids() -> set[int]:
    return set(AuditEvent.objects.values_list("pk", flat=True))


def fetch(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return response


# --- the agency's downloads ----------------------------------------------------------


def test_agency_draft_pdf_is_recorded_with_the_contributor(world):
    agency = open_return(Client(), world)
    before = event_ids()
    fetch(agency, url(world, "return_pdf_draft"))
    event = only_new_event(before)
    assert event.verb == "submission.draft_pdf_downloaded"
    assert event.submission_id == world.submission.pk and event.partnership_id == world.partnership.pk
    assert event.actor_email == AGENCY_EMAIL and event.actor_name == "Sam Alpha"
    assert event.actor_id is None


@pytest.mark.parametrize(
    ("name", "verb"),
    [("action_plan_pdf", "action_plan.pdf_downloaded"), ("action_plan_xlsx", "action_plan.xlsx_downloaded")],
)
def test_agency_action_plan_downloads_are_recorded(submitted, name, verb):
    agency = open_return(Client(), submitted)
    before = event_ids()
    fetch(agency, url(submitted, name))
    event = only_new_event(before)
    assert (event.verb, event.submission_id, event.actor_email) == (
        verb,
        submitted.submission.pk,
        AGENCY_EMAIL,
    )


def test_agency_evidence_download_is_recorded_with_the_file_name(world):
    theme = world.question_set.themes.order_by("order").first()
    item = _file(world.submission, theme)
    agency = open_return(Client(), world)
    before = event_ids()
    fetch(agency, url(world, "evidence_download", token=item.token))
    event = only_new_event(before)
    assert event.verb == "evidence.downloaded" and event.actor_email == AGENCY_EMAIL
    assert event.detail == {"name": 'policy "final".pdf', "theme": theme.title, "size": 9}
    assert (event.object_type, event.object_id) == ("audits.evidence", str(item.pk))


def test_a_refused_download_records_nothing(worlds):
    a, b = worlds
    theirs = _file(b.submission, b.question_set.themes.order_by("order").first())
    agency = open_return(Client(), a)
    before = event_ids()
    assert agency.get(url(a, "evidence_download", token=theirs.token)).status_code == 404
    assert event_ids() == before


# --- staff downloads ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "verb"),
    [
        ("staff_action_plan_pdf", "action_plan.pdf_downloaded"),
        ("staff_action_plan_xlsx", "action_plan.xlsx_downloaded"),
    ],
)
def test_staff_action_plan_downloads_are_recorded(submitted, reviewer, name, verb):
    before = event_ids()
    fetch(reviewer, url(submitted, name, reference=submitted.submission.reference))
    event = only_new_event(before)
    assert event.verb == verb and event.submission_id == submitted.submission.pk
    assert event.actor.email == "rita@alpha.example" and event.actor_email == "rita@alpha.example"


def test_staff_evidence_download_is_recorded(submitted, reviewer):
    item = _file(submitted.submission, submitted.question_set.themes.order_by("order").first())
    before = event_ids()
    fetch(
        reviewer,
        url(submitted, "staff_return_evidence", reference=submitted.submission.reference, token=item.token),
    )
    event = only_new_event(before)
    assert event.verb == "evidence.downloaded" and event.detail["name"] == 'policy "final".pdf'
    assert event.actor.email == "rita@alpha.example"


@pytest.mark.parametrize(
    ("name", "kwargs", "verb", "file"),
    [
        ("staff_cycle_export_answers_csv", {}, "cycle.exported", "answers.csv"),
        ("staff_cycle_export_themes_csv", {}, "cycle.exported", "themes.csv"),
        ("staff_cycle_export_answers_xlsx", {}, "cycle.exported", "answers.xlsx"),
        ("staff_cycle_export_workbook", {}, "cycle.exported", "answers-and-themes.xlsx"),
        ("staff_cycle_report_pdf", {}, "cycle.report_downloaded", None),
        ("staff_action_plans_cycle_xlsx", {}, "cycle.action_plans_exported", None),
    ],
)
def test_staff_cycle_wide_downloads_are_recorded_against_the_cycle(
    submitted,
    reviewer,
    name,
    kwargs,
    verb,
    file,
):
    before = event_ids()
    fetch(reviewer, url(submitted, name, cycle_slug=submitted.cycle.slug, **kwargs))
    event = only_new_event(before)
    assert event.verb == verb and event.submission_id is None
    assert (event.object_type, event.object_id) == ("audits.auditcycle", str(submitted.cycle.pk))
    assert event.detail["cycle"] == submitted.cycle.slug
    if file:
        assert event.detail["file"] == file
    assert event.partnership_id == submitted.partnership.pk and event.actor.email == "rita@alpha.example"


def test_history_page_lists_the_returns_downloads_in_plain_words(submitted, reviewer):
    reference = submitted.submission.reference
    item = _file(submitted.submission, submitted.question_set.themes.order_by("order").first())
    agency = open_return(Client(), submitted)
    fetch(agency, url(submitted, "action_plan_xlsx"))
    fetch(reviewer, url(submitted, "staff_action_plan_pdf", reference=reference))
    fetch(reviewer, url(submitted, "staff_return_evidence", reference=reference, token=item.token))
    history = reviewer.get(url(submitted, "staff_return_history", reference=reference)).content.decode()
    assert "Downloaded the action plan (XLSX)" in history
    assert "Downloaded the action plan (PDF)" in history
    assert "Downloaded evidence “policy &quot;final&quot;.pdf”" in history
    assert AGENCY_EMAIL in history and "rita@alpha.example" in history


# --- the service -----------------------------------------------------------------------


def test_download_record_refuses_another_partnerships_return(worlds):
    a, b = worlds
    with pytest.raises(ValueError, match="another partnership"):
        download_record(
            partnership=a.partnership, actor=Actor(name="X"), what="draft_pdf", submission=b.submission
        )
    with pytest.raises(KeyError):
        download_record(partnership=a.partnership, actor=Actor(name="X"), what="nonsense")
    assert not AuditEvent.objects.filter(verb__contains="download").exists()
