"""The data pages: the retention policy (GOV.UK errors that keep what was
typed; saved on the audit log), its dry run, and the subject-access export
(issue 17 items 14 and 15)."""

import csv
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEvent
from lifecycle.models import RetentionPolicy
from partnerships.models import StaffRole
from tests.staff import staff_client

from .test_services_retention import close_years_ago, private_storage, worked_on  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def worlds():
    from tests.factories import two_partnerships

    worlds = two_partnerships()
    for w in worlds:
        worked_on(w)
    return worlds


@pytest.fixture
def admin(worlds):
    return staff_client(Client(), worlds.a.partnership, StaffRole.ADMIN)


def url(world, name):
    return reverse(name, kwargs={"partnership_slug": world.partnership.slug})


def test_the_page_shows_the_default_and_the_dry_run(worlds, admin):
    a, _ = worlds
    close_years_ago(a.cycle, 7)
    page = admin.get(url(a, "staff_data")).content.decode()
    assert 'value="6"' in page and "At the next run" in page
    assert "Links to returns (deleted): 1" in page
    assert "Submitted copies (PDFs, deleted)" not in page


@pytest.mark.parametrize(
    ("years", "message"),
    [
        ("", "Enter how many years to keep personal data after a cycle closes"),
        ("six", "The number of years must be a whole number, like 6"),
        ("0", "The number of years must be 1 or more"),
        ("51", "The number of years must be 50 or fewer"),
    ],
)
def test_bad_years_get_a_govuk_error_and_keep_what_was_typed(worlds, admin, years, message):
    a, _ = worlds
    response = admin.post(url(a, "staff_data"), {"years": years, "keep_submitted_pdfs": "no"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and message in page and "<title>Error:" in page
    if years:
        assert f'value="{years}"' in page
    assert 'value="no" checked' in page
    assert not RetentionPolicy.objects.exists()


def test_saving_the_policy_is_audited_and_changes_the_dry_run(worlds, admin):
    a, b = worlds
    close_years_ago(a.cycle, 7)
    response = admin.post(url(a, "staff_data"), {"years": "8", "keep_submitted_pdfs": "no"})
    assert response.status_code == 302
    policy = RetentionPolicy.objects.get(partnership=a.partnership)
    assert (policy.years, policy.keep_submitted_pdfs) == (8, False)
    event = AuditEvent.objects.get(verb="retention.policy_saved")
    assert event.partnership_id == a.partnership.pk and event.detail["years"] == 8
    page = admin.get(url(a, "staff_data")).content.decode()
    assert "At the next run" not in page and "Nothing yet" in page
    assert not RetentionPolicy.objects.filter(partnership=b.partnership).exists()


def read_zip(response) -> zipfile.ZipFile:
    assert response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_subject_access_export_has_everything_about_the_email_and_nothing_else(worlds, admin):
    a, b = worlds
    response = admin.post(url(a, "staff_data_subject_access"), {"email": "JO@agency.example"})
    archive = read_zip(response)
    everything = json.loads(archive.read("everything.json"))
    assert everything["about"]["email"] == "JO@agency.example"
    assert [r["reference"] for r in everything["returns_contributed_to"]] == [a.submission.reference]
    assert everything["returns_contributed_to"][0]["signed_off_by_name"] == "Alex Director"
    assert len(everything["resume_links"]) == 1 and "token_hash" not in everything["resume_links"][0]
    assert {r["submission__reference"] for r in everything["theme_pages_saved"]} == {a.submission.reference}
    assert [r["original_name"] for r in everything["evidence_added"]] == ["policy.pdf"]
    assert [r["action"] for r in everything["action_items_added_or_led"]] == ["Train managers"]
    assert [r["progress"] for r in everything["action_updates_recorded"]] == ["Booked."]
    assert {r["to_email"] for r in everything["emails_sent"]} == {"jo@agency.example"}
    assert "test-receipt" not in json.dumps(everything["emails_sent"])  # no dedupe keys or ids
    assert len(everything["emails_sent"]) >= 2  # the submission's receipt and the one queued
    assert everything["history_entries"] and all(
        e["actor_email"] == "jo@agency.example" for e in everything["history_entries"]
    )
    assert everything["staff_membership"] == [] and everything["agency_contacts"] == []
    # Nothing from the other partnership, where the same person also worked.
    assert b.submission.reference not in json.dumps(everything)
    rows = list(csv.DictReader(io.StringIO(archive.read("resume_links.csv").decode().removeprefix("\ufeff"))))
    assert rows[0]["email"] == "jo@agency.example"
    assert set(archive.namelist()) == {"everything.json"} | {
        f"{name}.csv" for name in everything if name != "about"
    }
    event = AuditEvent.objects.get(verb="subject_access.exported")
    assert event.partnership_id == a.partnership.pk and event.detail["about"] == "jo@agency.example"
    assert event.detail["counts"]["resume_links"] == 1


def test_subject_access_finds_a_staff_member_and_an_agency_contact(worlds, admin):
    a, _ = worlds
    everything = json.loads(
        read_zip(admin.post(url(a, "staff_data_subject_access"), {"email": a.contact.email})).read(
            "everything.json"
        )
    )
    assert [r["name"] for r in everything["agency_contacts"]] == [a.contact.name]
    member = a.partnership.memberships.get()
    everything = json.loads(
        read_zip(admin.post(url(a, "staff_data_subject_access"), {"email": member.user.email})).read(
            "everything.json"
        )
    )
    assert [r["role"] for r in everything["staff_membership"]] == [StaffRole.ADMIN]


def test_subject_access_finds_an_outside_panel_member_and_an_action_owner(worlds, admin):
    """An independent chair on a meeting's panel, and the owner of an action
    a meeting agreed, by their email; the other partnership's rows are not."""
    from audits.models import MeetingAction, PanelMember, ReviewMeeting

    for w in worlds:
        meeting = ReviewMeeting.objects.create(
            partnership=w.partnership, cycle=w.cycle, held_on=w.cycle.closes_at
        )
        PanelMember.objects.create(
            partnership=w.partnership,
            meeting=meeting,
            is_outsider=True,
            name="Pat",
            role="Chair",
            email="pat@x.example",
        )
        MeetingAction.objects.create(
            meeting=meeting,
            action=f"Act {w.partnership.slug}",
            owner="Pat",
            owner_email="pat@x.example",
            due_on=w.cycle.closes_at,
        )
    a, _ = worlds
    everything = json.loads(
        read_zip(admin.post(url(a, "staff_data_subject_access"), {"email": "PAT@x.example"})).read(
            "everything.json"
        )
    )
    assert [r["role"] for r in everything["meeting_panels"]] == ["Chair"]
    assert [r["action"] for r in everything["meeting_actions_owned"]] == [f"Act {a.partnership.slug}"]


def test_a_bad_email_gets_a_govuk_error_keeps_what_was_typed_and_exports_nothing(worlds, admin):
    a, _ = worlds
    response = admin.post(url(a, "staff_data_subject_access"), {"email": "jo at agency"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter an email address in the correct format, like name@example.com" in page
    assert 'value="jo at agency"' in page
    assert not AuditEvent.objects.filter(verb="subject_access.exported").exists()
