"""Evidence writes take the return's row lock, as theme saves and submit do.

A submit that commits while a removal or a staged upload is in flight must
win: the submitted return keeps every piece of evidence its snapshot and PDF
list, and nothing is added to it afterwards. Run on PostgreSQL with two real
connections (threads), and as a deterministic interleaving with a copy of the
submission read before the submit.
"""

import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections, connection, transaction

from audits.models import Evidence, Submission, SubmissionStatus
from audits.services import SubmissionLockedError, evidence_remove, evidence_stage_file, submission_submit
from core.domain import Actor
from tests.factories import submission_complete, two_partnerships

ALEX = Actor(name="Alex Patel", email="alex.patel@alpha-council.example")
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n164\n%%EOF\n"
)


@pytest.fixture
def evidence_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path, "base_url": None},
        },
    }
    return tmp_path


def _upload():
    return SimpleUploadedFile("policy.pdf", PDF_BYTES, content_type="application/pdf")


def _ready_return():
    world = two_partnerships().a
    submission_complete(world.submission)
    theme = world.question_set.themes.order_by("order").first()
    evidence = Evidence.objects.create(
        submission=world.submission,
        theme=theme,
        kind=Evidence.Kind.LINK,
        url="https://example.org/policy",
        title="Policy",
        token="a" * 32,
    )
    return world, theme, evidence


def _submit(submission):
    fresh = Submission.objects.get(pk=submission.pk)
    submission_submit(
        submission=fresh,
        submitted_by=ALEX,
        signed_off_by_name="Chris Chief",
        signed_off_by_role="Chief Executive",
        expected_version=fresh.version,
    )


@pytest.mark.django_db
def test_removing_evidence_with_a_copy_read_before_the_submit_is_refused(evidence_storage):
    world, _theme, evidence = _ready_return()
    read_at_request_start = Submission.objects.get(pk=world.submission.pk)
    _submit(world.submission)

    with pytest.raises(SubmissionLockedError):
        evidence_remove(submission=read_at_request_start, evidence=evidence, actor=ALEX)

    assert Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.django_db
def test_staging_evidence_with_a_copy_read_before_the_submit_is_refused(evidence_storage):
    world, theme, _evidence = _ready_return()
    read_at_request_start = Submission.objects.get(pk=world.submission.pk)
    _submit(world.submission)

    with pytest.raises(SubmissionLockedError):
        evidence_stage_file(submission=read_at_request_start, theme=theme, upload=_upload(), actor=ALEX)

    assert Evidence.objects.filter(submission=world.submission).count() == 1


def _race(write):
    """Run a submit in one connection and hold it open just before commit;
    start `write` in a second connection; then let the submit commit.
    Returns what `write` raised (or None) once both are done."""
    world, theme, evidence = _ready_return()
    submission_id = world.submission.pk
    read_at_request_start = Submission.objects.get(pk=submission_id)
    submitted, release = threading.Event(), threading.Event()
    errors: dict[str, BaseException | None] = {"submit": None, "write": None}

    def submitter():
        try:
            with transaction.atomic():
                _submit(world.submission)
                submitted.set()
                assert release.wait(10)
        except BaseException as exc:  # reported to the test thread
            errors["submit"] = exc
            submitted.set()
        finally:
            connection.close()

    def writer():
        try:
            write(read_at_request_start, theme, evidence)
        except BaseException as exc:
            errors["write"] = exc
        finally:
            connection.close()

    t_submit = threading.Thread(target=submitter)
    t_submit.start()
    assert submitted.wait(10)
    t_write = threading.Thread(target=writer)
    t_write.start()
    # The writer now either waits for the submit's row lock (right) or goes
    # ahead while the submit is still uncommitted (the bug).
    t_write.join(1.0)
    release.set()
    t_submit.join(10)
    t_write.join(10)
    close_old_connections()
    assert errors["submit"] is None, errors["submit"]
    assert Submission.objects.get(pk=submission_id).status == SubmissionStatus.SUBMITTED
    return world, errors["write"], evidence


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_removal_racing_a_submit_waits_for_it_and_is_refused(evidence_storage):
    def remove(stale, theme, evidence):
        evidence_remove(submission=stale, evidence=evidence, actor=ALEX)

    _world, error, evidence = _race(remove)

    assert isinstance(error, SubmissionLockedError)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_staged_upload_racing_a_submit_waits_for_it_and_is_refused(evidence_storage):
    def stage(stale, theme, evidence):
        evidence_stage_file(submission=stale, theme=theme, upload=_upload(), actor=ALEX)

    world, error, _evidence = _race(stage)

    assert isinstance(error, SubmissionLockedError)
    assert Evidence.objects.filter(submission=world.submission).count() == 1
