"""PDFs of returns and the public reference sheets.

- `submission_pdf_record`: at submission, inside the submitting transaction,
  keeps a snapshot of what was submitted as a new numbered version and queues
  `audits.build_submission_pdf` once that transaction commits.
- `submission_pdf_later_record`: when something comes after submission (a
  message about the evaluation, an evidence request, supplementary
  evidence), a new version: what was submitted, then what came later and
  when. Built the same way.
- `submission_pdf_build`: the task's work; renders the version from its
  snapshot into private storage with its SHA-256. Running it again for a
  built version does nothing; if the file has gone, it is made again from the
  same snapshot (and so, with the same software, with the same bytes).
- `submission_pdf_prepare`: asked for (POST) from a download page that found
  a version not built yet (or a return submitted before PDFs were kept):
  records the version if need be and queues its build.
- `submission_pdfs_sweep`: Celery beat's safety net, queuing the build of any
  version still not built a while after it was recorded.
- `submission_pdf_download_record`: the one write a download (GET) makes, a
  line on the audit log saying who took which copy.
- `reference_sheet_get`: a cycle's question list or grading sheet, built on
  first request and kept in storage under the hash of its HTML, so any change
  to what it shows makes a new file.
"""

import hashlib
import logging
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import SYSTEM, Actor, DomainError
from core.pdf import pdf_render
from themes.selectors import theme_list_with_questions

from ..exports import pdf as rendering
from ..models import AuditCycle, Submission, SubmissionPdf
from ..models.pdf import submission_pdf_upload_to
from ..selectors import submission_full
from ..selectors.evaluation import submission_later_list
from .downloads import download_record

logger = logging.getLogger(__name__)


_builds_deferred: ContextVar[bool] = ContextVar("submission_pdf_builds_deferred", default=False)


@contextmanager
def submission_pdf_builds_deferred():
    """Record submitted versions without queuing their builds: each is built
    when first asked for (or by the sweep). For bulk work such as seeding the
    demo, where tasks run in-process and would render every return there and
    then."""
    token = _builds_deferred.set(True)
    try:
        yield
    finally:
        _builds_deferred.reset(token)


class SubmissionNotSubmittedError(DomainError):
    def __init__(self):
        super().__init__("This return has not been submitted, so there is no submitted copy yet.")


@transaction.atomic
def submission_pdf_record(*, submission: Submission, actor: Actor = SYSTEM) -> SubmissionPdf:
    """The submitted version of a return, kept for its PDF. Call it in the
    transaction that submits (the data is locked from then on). Idempotent:
    the same submission at the same edit counter is one version."""
    if not submission.is_locked:
        raise SubmissionNotSubmittedError()
    existing = SubmissionPdf.objects.filter(
        submission=submission, submission_version=submission.version
    ).first()
    if existing is not None:
        return existing
    submission = Submission.objects.select_related("partnership", "agency", "cycle", "question_set").get(
        pk=submission.pk
    )
    latest = SubmissionPdf.objects.filter(submission=submission).aggregate(m=Max("version"))["m"] or 0
    version = latest + 1
    snapshot = rendering.submission_snapshot(
        submission=submission, sections=submission_full(submission=submission), version=version
    )
    record = SubmissionPdf.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        version=version,
        submission_version=submission.version,
        snapshot=snapshot,
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.pdf_recorded",
        submission=submission,
        obj=record,
        detail={"version": version},
    )
    if not _builds_deferred.get():
        transaction.on_commit(lambda: _enqueue(record.pk))
    return record


@transaction.atomic
def submission_pdf_later_record(*, submission: Submission, actor: Actor = SYSTEM) -> SubmissionPdf | None:
    """A new version of the submitted return's PDF: what was submitted (the
    data is still locked) followed by everything that came after submission
    and when (audits.selectors.evaluation.submission_later_list). Call it in
    the transaction that adds one of those things. Idempotent: the same
    submitted version with the same number of later things is one version.
    None for a return that is not submitted (nothing to add to)."""
    if not submission.is_locked:
        return None
    submission = Submission.objects.select_related("partnership", "agency", "cycle", "question_set").get(
        pk=submission.pk
    )
    later = submission_later_list(partnership=submission.partnership, submission=submission)
    existing = SubmissionPdf.objects.filter(
        submission=submission, submission_version=submission.version, later_count=len(later)
    ).first()
    if existing is not None:
        return existing
    latest = SubmissionPdf.objects.filter(submission=submission).aggregate(m=Max("version"))["m"] or 0
    version = latest + 1
    snapshot = rendering.submission_snapshot(
        submission=submission, sections=submission_full(submission=submission), version=version
    )
    snapshot["later"] = later
    record = SubmissionPdf.objects.create(
        partnership_id=submission.partnership_id,
        submission=submission,
        version=version,
        submission_version=submission.version,
        later_count=len(later),
        snapshot=snapshot,
    )
    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="submission.pdf_recorded",
        submission=submission,
        obj=record,
        detail={"version": version, "later": len(later)},
    )
    if not _builds_deferred.get():
        transaction.on_commit(lambda: _enqueue(record.pk))
    return record


def _enqueue(pdf_id: int) -> None:
    try:
        build_submission_pdf.delay(pdf_id)
    except Exception:  # broker down, or (eager) rendering failed: the sweep queues it again
        logger.warning("Could not build submission PDF %s now; the sweep will retry", pdf_id, exc_info=True)


def submission_pdf_build(*, pdf_id: int) -> SubmissionPdf:
    """Render a submitted version into storage, unless its file is there.
    The row lock makes a second builder wait and then find the file."""
    with transaction.atomic():
        record = (
            SubmissionPdf.objects.select_for_update(of=("self",))
            .select_related("partnership", "submission")
            .get(pk=pdf_id)
        )
        storage = record.file.storage
        if record.is_built and storage.exists(record.file.name):
            return record
        content = pdf_render(rendering.submission_pdf_html(record.snapshot))
        digest = hashlib.sha256(content).hexdigest()
        name = submission_pdf_upload_to(record, "")
        if storage.exists(name):  # a build whose transaction rolled back left it
            storage.delete(name)
        saved = storage.save(name, ContentFile(content))
        previous = record.sha256
        record.file.name = saved
        record.sha256 = digest
        record.size = len(content)
        record.built_at = timezone.now()
        record.save(update_fields=["file", "sha256", "size", "built_at"])
        detail = {"version": record.version, "sha256": digest, "size": len(content)}
        if previous:
            detail["rebuilt_from_snapshot"] = True
            detail["previous_sha256"] = previous
            if previous != digest:
                logger.warning(
                    "Submission PDF %s rebuilt with a different hash (%s, was %s)", pdf_id, digest, previous
                )
        audit_event_record(
            partnership=record.partnership,
            actor=SYSTEM,
            verb="submission.pdf_built",
            submission=record.submission,
            obj=record,
            detail=detail,
        )
    return record


def submission_pdf_ready(record: SubmissionPdf) -> bool:
    """Whether the version's file is built and in storage, to be served."""
    return record.is_built and record.file.storage.exists(record.file.name)


@transaction.atomic
def submission_pdf_prepare(*, submission: Submission, actor: Actor = SYSTEM) -> None:
    """Record the current submitted version if it has none (a return
    submitted before PDFs were kept; the data is still locked, so it is still
    what was submitted), and queue the build of every version of the return
    whose file is missing. Builds run in the worker, once this commits."""
    if (
        submission.is_locked
        and not SubmissionPdf.objects.filter(
            submission=submission, submission_version=submission.version
        ).exists()
    ):
        submission_pdf_record(submission=submission, actor=actor)
    for record in SubmissionPdf.objects.filter(submission=submission).defer("snapshot"):
        if not submission_pdf_ready(record):
            transaction.on_commit(lambda pk=record.pk: _enqueue(pk))


SWEEP_AFTER = timedelta(minutes=5)


def submission_pdfs_sweep(*, now=None) -> int:
    """Queue the build of each version recorded a while ago and still not
    built (the broker was down at submission, the worker died, or the demo
    was seeded with builds deferred). Returns how many were queued."""
    cutoff = (now or timezone.now()) - SWEEP_AFTER
    ids = list(
        SubmissionPdf.objects.filter(created_at__lt=cutoff, sha256="").values_list("pk", flat=True)[:500]
    )
    for pk in ids:
        _enqueue(pk)
    return len(ids)


@transaction.atomic
def submission_pdf_download_record(*, record: SubmissionPdf, actor: Actor) -> None:
    """Who took a copy of a submitted return: the only write a download makes."""
    download_record(
        partnership=record.partnership,
        actor=actor,
        what="submission_pdf",
        submission=record.submission,
        obj=record,
        detail={"version": record.version, "sha256": record.sha256},
    )


def submission_draft_pdf(*, submission: Submission) -> bytes:
    """A PDF of the return as it stands, marked DRAFT on every page."""
    snapshot = rendering.submission_snapshot(
        submission=submission, sections=submission_full(submission=submission)
    )
    return pdf_render(rendering.submission_pdf_html(snapshot, draft=True))


# --- reference sheets -------------------------------------------------------------


def reference_sheet_get(*, cycle: AuditCycle, kind: str, question_set=None, for_words: str = "") -> str:
    """The storage name of the cycle's reference sheet, built if needed: of
    the cycle's own question set, or of `question_set`, another the cycle
    gives some of its agencies (`for_words` says which: "police forces")."""
    question_set = question_set or cycle.question_set
    themes = theme_list_with_questions(question_set=question_set)
    html = rendering.reference_sheet_html(
        kind=kind,
        partnership=cycle.partnership,
        cycle=cycle,
        themes=themes,
        question_set=question_set,
        for_words=for_words,
    )
    key = hashlib.sha256(html.encode()).hexdigest()[:32]
    name = f"reference-sheets/{cycle.partnership_id}/{cycle.pk}/{kind}-{key}.pdf"
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(pdf_render(html)))
        if saved != name:  # another request built it at the same moment
            default_storage.delete(saved)
    return name


# Celery tasks: thin wrappers that take ids. They live beside the service
# they call, which queues them, so neither module imports the other;
# audits/tasks.py imports them for Celery's autodiscovery.


@shared_task(name="audits.build_submission_pdf", ignore_result=True)
def build_submission_pdf(pdf_id: int) -> None:
    submission_pdf_build(pdf_id=pdf_id)


@shared_task(name="audits.submission_pdfs_sweep", ignore_result=True)
def submission_pdfs_sweep_task() -> None:
    """Run by Celery beat: queue the build of versions still not built."""
    submission_pdfs_sweep()
