"""Files never left behind (issue 12 item 11): Celery beat's housekeeping
removes staged uploads never attached and files of saves that rolled back,
once a day old; and an upload too big for the service is refused with 413
before its body is read."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audits.models import Evidence
from audits.services import evidence_stage_file, resume_link_create, theme_response_save
from audits.services.housekeeping import storage_orphans_remove
from audits.tasks import storage_orphans_remove as storage_orphans_task
from core.domain import Actor
from tests.audits.test_evidence_files import PDF
from tests.factories import submission_complete, two_partnerships

pytestmark = pytest.mark.django_db

ALEX = Actor(name="Alex Patel", email="alex@alpha-council.example")


@pytest.fixture(autouse=True)
def storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def pdf(name="policy.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def files_in(root):
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def later(days=2):
    return timezone.now() + timedelta(days=days)


def test_staged_evidence_never_attached_goes_after_a_day_and_attached_evidence_stays(storage):
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    staged = evidence_stage_file(submission=world.submission, theme=theme, upload=pdf(), actor=ALEX)
    attached = evidence_stage_file(submission=world.submission, theme=theme, upload=pdf("b.pdf"), actor=ALEX)
    theme_response_save(
        submission=world.submission,
        theme=theme,
        answers={q.pk: "yes" for q in theme.questions.all()},
        rag="green",
        comments="",
        expected_version=0,
        actor=ALEX,
        staged_evidence_ids=[attached.pk],
    )

    assert storage_orphans_remove(now=timezone.now() + timedelta(hours=1)) == {"staged_rows": 0, "files": 0}
    assert storage_orphans_remove(now=later()) == {"staged_rows": 1, "files": 1}

    assert not Evidence.objects.filter(pk=staged.pk).exists()
    assert Evidence.objects.filter(pk=attached.pk).exists()
    assert files_in(storage) == [Evidence.objects.get(pk=attached.pk).file.name]


@pytest.mark.postgres
def test_staged_evidence_of_a_return_submitted_since_goes_too(storage):
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    staged = evidence_stage_file(submission=world.submission, theme=theme, upload=pdf(), actor=ALEX)
    submission_complete(world.submission)
    from tests.audits.review_support import submit

    submit(world.submission)

    assert storage_orphans_remove(now=later())["staged_rows"] == 1
    assert not Evidence.objects.filter(pk=staged.pk).exists()
    assert files_in(storage) == []


def test_a_file_written_by_a_save_that_rolled_back_goes_after_a_day(storage):
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    kept = evidence_stage_file(submission=world.submission, theme=theme, upload=pdf("kept.pdf"), actor=ALEX)
    Evidence.objects.filter(pk=kept.pk).update(created_at=timezone.now() + timedelta(days=5), staged=False)

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        theme_response_save(
            submission=world.submission,
            theme=theme,
            answers={q.pk: "yes" for q in theme.questions.all()},
            rag="green",
            comments="",
            expected_version=0,
            actor=ALEX,
            new_files=[pdf("rolled-back.pdf")],
        )
        raise Boom
    assert len(files_in(storage)) == 2  # the rolled-back save's file is still on disk

    assert storage_orphans_remove(now=timezone.now() + timedelta(hours=1))["files"] == 0
    assert storage_orphans_remove(now=later()) == {"staged_rows": 0, "files": 1}
    assert files_in(storage) == [kept.file.name]


def test_files_of_other_folders_and_of_pdf_versions_are_left_alone(storage):
    (storage / "reference-sheets").mkdir()
    (storage / "reference-sheets" / "sheet.pdf").write_bytes(b"%PDF")
    from django.core.files.storage import default_storage

    default_storage.save("submission-pdfs/1/1/v1.pdf", ContentFile(b"%PDF"))  # no row: an orphan

    assert storage_orphans_remove(now=later())["files"] == 1
    assert files_in(storage) == ["reference-sheets/sheet.pdf"]


def test_the_housekeeping_runs_from_celery_beat():
    schedule = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "audits.storage_orphans_remove" in schedule
    storage_orphans_task()  # runs, with nothing to do


# --- the body-size cap ------------------------------------------------------------


def agency_client(world):
    client = Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    client.get(link.split("127.0.0.1:8000", 1)[-1])
    return client


def test_a_60_mib_upload_is_refused_with_413_before_it_is_read():
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    url = reverse("theme", kwargs={"partnership_slug": world.partnership.slug, "theme_key": theme.key})
    boundary = "s11boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n0\r\n--{boundary}--\r\n'
    ).encode()
    # The request claims 60 MiB but carries a few bytes: reading the body
    # would fail, so a 413 shows it was refused from the header alone.
    response = agency_client(world).generic(
        "POST",
        url,
        body,
        content_type=f"multipart/form-data; boundary={boundary}",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert "The file you chose is too big" in page and "smaller than 10.0" in page
    assert not Evidence.objects.exists()


def test_an_upload_within_the_limit_is_not_refused():
    world = two_partnerships().a
    theme = world.question_set.themes.order_by("order").first()
    url = reverse("theme", kwargs={"partnership_slug": world.partnership.slug, "theme_key": theme.key})
    response = agency_client(world).post(url, {"action": "evidence", "version": "0", "evidence_file": pdf()})
    assert response.status_code in (200, 302)
    assert Evidence.objects.count() == 1
