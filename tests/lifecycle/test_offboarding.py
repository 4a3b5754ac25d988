"""Offboarding (issue 17 item 16): a platform admin downloads everything a
partnership holds and then deletes it, confirming by typing its name. On
PostgreSQL, with the locks on submitted returns and the audit log in force,
every row of that partnership goes and the other partnership's rows, and
the staff accounts, stay."""

import io
import json
import zipfile
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from lifecycle.exports.offboarding import partnership_models
from lifecycle.models import PartnershipDeletion, RetentionPolicy
from partnerships.models import Partnership, StaffRole
from tests.factories import UserFactory, two_partnerships
from tests.staff import mfa_session, staff_user
from themes.models import QuestionSet

from .test_services_retention import close_years_ago, private_storage, worked_on  # noqa: F401 (fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def worlds():
    worlds = two_partnerships()
    for w in worlds:
        worked_on(w)
        staff_user(w.partnership, StaffRole.ADMIN)
        RetentionPolicy.objects.create(partnership=w.partnership, years=7)
        # A second version of the question set (PROTECT-ed previous version).
        QuestionSet.objects.create(
            partnership=w.partnership,
            name=w.question_set.name,
            version=w.question_set.version + 1,
            previous_version=w.question_set,
        )
    return worlds


@pytest.fixture
def platform():
    user = UserFactory(email="platform@example.org", is_superuser=True, is_staff=True)
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    TOTP.activate(user, generate_totp_secret())
    return mfa_session(Client(), user)


def rows_by_model(partnership) -> dict[str, set]:
    return {
        model._meta.label: set(
            model._default_manager.filter(**{lookup: partnership.pk}).values_list("pk", flat=True)
        )
        for model, lookup in partnership_models()
    }


def all_rows() -> dict[str, int]:
    return {model._meta.label: model._default_manager.count() for model, _ in partnership_models()}


def offboard_url(world):
    return reverse("platform_partnership_offboard", kwargs={"slug": world.partnership.slug})


def export(platform, world) -> zipfile.ZipFile:
    response = platform.post(reverse("platform_partnership_export", kwargs={"slug": world.partnership.slug}))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def test_export_then_delete_leaves_nothing_of_it_and_everything_of_the_other(
    worlds, platform, django_capture_on_commit_callbacks
):
    a, b = worlds
    a_rows, b_rows, before = rows_by_model(a.partnership), rows_by_model(b.partnership), all_rows()
    kinds = ("audits.Submission", "core.AuditEvent", "audits.Answer", "audits.ActionUpdate")
    assert all(a_rows[label] for label in kinds) and a_rows["audits.Evidence"] and a_rows["themes.Question"]
    users = get_user_model().objects.count()
    evidence_file = a.submission.evidence.get().file.name
    assert default_storage.exists(evidence_file)

    archive = export(platform, a)
    about = json.loads(archive.read("about.json"))
    assert about["rows"]["audits.Submission"] == 1 and about["files"] == 1
    assert f"files/{evidence_file}" in archive.namelist()
    submissions = json.loads(archive.read("data/audits.submission.json"))
    assert submissions[0]["fields"]["reference"] == a.submission.reference
    links = archive.read("data/audits.resumelink.json").decode()
    assert "token_hash" not in links and "jo@agency.example" in links
    assert b.submission.reference not in "".join(
        archive.read(n).decode() for n in archive.namelist() if n.endswith(".json")
    )

    page = platform.get(offboard_url(a)).content.decode()
    assert "Type Partnership ALPHA" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = platform.post(offboard_url(a), {"name": "Partnership ALPHA"})
    assert response.status_code == 302

    assert not Partnership.objects.filter(slug="alpha").exists()
    after = all_rows()
    for label, pks in a_rows.items():
        assert after[label] == before[label] - len(pks), label  # exactly A's rows went
    assert rows_by_model(b.partnership) == b_rows  # B's are all there
    assert get_user_model().objects.count() == users  # staff accounts stay
    record = PartnershipDeletion.objects.get()
    assert (record.name, record.slug, record.deleted_by_email) == (
        "Partnership ALPHA",
        "alpha",
        "platform@example.org",
    )
    assert record.counts["audits.Submission"] == 1 and record.files == 1
    assert not default_storage.exists(evidence_file)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter the partnership&#x27;s name to confirm you want to delete it"),
        ("partnership alpha", "Enter the partnership&#x27;s name exactly as it is shown"),
        ("Partnership BRAVO", "Enter the partnership&#x27;s name exactly as it is shown"),
    ],
)
def test_a_wrong_name_deletes_nothing_and_keeps_what_was_typed(worlds, platform, typed, message):
    a, _ = worlds
    export(platform, a)
    response = platform.post(offboard_url(a), {"name": typed})
    page = response.content.decode()
    assert response.status_code == 200 and message in page and "There is a problem" in page
    if typed:
        assert f'value="{typed}"' in page
    assert Partnership.objects.filter(slug="alpha").exists()


def test_without_a_recent_export_nothing_is_deleted(worlds, platform):
    a, _ = worlds
    page = platform.post(offboard_url(a), {"name": "Partnership ALPHA"}).content.decode()
    assert "Download the partnership&#x27;s data before you delete it" in page
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        export(platform, a)
    page = platform.post(offboard_url(a), {"name": "Partnership ALPHA"}).content.decode()
    assert "Download the partnership&#x27;s data before you delete it" in page
    assert Partnership.objects.filter(slug="alpha").exists()
    assert AuditEvent.objects.filter(partnership=a.partnership, verb="partnership.exported").count() == 1


def test_the_list_links_each_partnership(worlds, platform):
    page = platform.get(reverse("platform_partnerships")).content.decode()
    for w in worlds:
        assert offboard_url(w) in page
