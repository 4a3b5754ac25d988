"""Housekeeping of private storage: files nothing points at any more.

Two kinds are left behind. Evidence staged by a page that had errors and
never attached (the person gave up, or uploaded it again), and files written
by a save whose transaction then rolled back (the file is written before the
row commits, and storage has no rollback). `storage_orphans_remove`, run by
Celery beat, removes both once they are older than a day: old enough that no
request still in flight can be about to commit a row naming the file.
"""

import logging
from datetime import timedelta

from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone

from ..models import Evidence, SubmissionPdf, SupplementaryEvidence

logger = logging.getLogger(__name__)

ORPHAN_AGE = timedelta(days=1)
# Folders of private storage whose every file belongs to a row.
ROW_BACKED_FOLDERS = ("evidence", "submission-pdfs", "supplementary-evidence")


def _files_under(storage, folder: str):
    try:
        folders, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        yield f"{folder}/{name}"
    for sub in folders:
        yield from _files_under(storage, f"{folder}/{sub}")


def _staged_evidence_remove(cutoff) -> list[str]:
    """Delete staged evidence rows older than the cutoff; their file names."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Staged files are not part of a return, even a submitted one
            # (they were never attached), so the lock's trigger lets them go.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL s11portal.purge = 'on'")
        stale = Evidence.objects.filter(staged=True, created_at__lt=cutoff)
        names = [name for name in stale.values_list("file", flat=True) if name]
        stale.delete()
    return names


def storage_orphans_remove(*, now=None, storage=None) -> dict:
    """Remove expired staged evidence, then every file under the row-backed
    folders that no row names and that is older than ORPHAN_AGE. Returns
    counts of what went."""
    storage = storage or default_storage
    cutoff = (now or timezone.now()) - ORPHAN_AGE
    removed_files = 0
    staged_names = _staged_evidence_remove(cutoff)
    for name in staged_names:
        if storage.exists(name):
            storage.delete(name)
            removed_files += 1

    referenced = set(Evidence.objects.exclude(file="").values_list("file", flat=True))
    referenced |= set(SubmissionPdf.objects.exclude(file="").values_list("file", flat=True))
    referenced |= set(SupplementaryEvidence.objects.exclude(file="").values_list("file", flat=True))
    for folder in ROW_BACKED_FOLDERS:
        for name in _files_under(storage, folder):
            if name in referenced:
                continue
            try:
                modified = storage.get_modified_time(name)
            except (FileNotFoundError, NotImplementedError):
                continue
            if modified < cutoff:
                storage.delete(name)
                removed_files += 1
    if staged_names or removed_files:
        logger.info(
            "Removed orphan files from private storage",
            extra={"staged_rows": len(staged_names), "files": removed_files},
        )
    return {"staged_rows": len(staged_names), "files": removed_files}
