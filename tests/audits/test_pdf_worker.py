"""The submitted copy through the real parts: a request submits the return
in PostgreSQL, the build is queued on commit to Redis, a real Celery worker
process renders it into the shared private storage with its hash, and the
agency downloads exactly that file."""

import hashlib
import time

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import SubmissionPdf
from audits.services import resume_link_create
from tests.factories import submission_complete, two_partnerships

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_the_submitted_copy_once(celery_worker_factory, settings, tmp_path):
    # The worker and this process share the storage, as web and worker share
    # the private-media volume in production.
    storage = tmp_path / "test-private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": storage, "base_url": None},
        },
    }
    worker = celery_worker_factory(env={"S11_VAR_DIR": str(tmp_path)})
    world = two_partnerships().a
    submission_complete(world.submission, comments="Checked by the board in May.")
    client = Client()
    _, link = resume_link_create(
        submission=world.submission, name="Sam", email=world.contact.email, mint=True
    )
    client.get(link.split("127.0.0.1:8000", 1)[-1])
    world.submission.refresh_from_db()
    check = reverse("check_answers", kwargs={"partnership_slug": world.partnership.slug})
    response = client.post(
        check,
        {
            "version": world.submission.version,
            "signed_off_by_name": "Alex Director",
            "signed_off_by_role": "Director",
            "confirm": "on",
        },
    )
    assert response.status_code == 302

    deadline = time.monotonic() + 60
    while not SubmissionPdf.objects.filter(submission=world.submission).exclude(sha256="").exists():
        assert time.monotonic() < deadline, "the worker never built the PDF\n" + worker.log()
        time.sleep(0.3)
    record = SubmissionPdf.objects.get(submission=world.submission)
    files = list(storage.rglob("*.pdf"))
    assert len(files) == 1
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == record.sha256

    download = reverse(
        "return_pdf_download", kwargs={"partnership_slug": world.partnership.slug, "version": 1}
    )
    body = b"".join(client.get(download).streaming_content)
    assert hashlib.sha256(body).hexdigest() == record.sha256
    assert list(storage.rglob("*.pdf")) == files
