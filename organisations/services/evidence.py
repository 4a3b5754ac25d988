"""The organisation's evidence library (issue 13 item 6): a file uploaded
once, then attached to any of the organisation's open returns. Attaching
copies the file into that partnership's private storage as the return's own
evidence (audits' theme save stores it, with the same checks as an upload),
so no partnership's storage ever holds a path into another's or the
organisation's."""

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from audits.models import Answer, Submission, ThemeResponse
from audits.services.evidence_files import evidence_file_inspect, evidence_file_name
from audits.services.responses import theme_response_save
from themes.models import Theme

from ..models import OrganisationEvent, OrganisationEvidence, OrganisationMembership
from .members import OrganisationRefusedError, member_actor


def evidence_file_copy(stored, *, name: str, content_type: str) -> SimpleUploadedFile:
    """A stored file (the library's, or another return's evidence) as a new
    upload, for a theme save to store in its own partnership's storage with
    the checks every upload gets: never a path into someone else's files."""
    with stored.open("rb") as opened:
        data = opened.read()
    return SimpleUploadedFile(name, data, content_type=content_type)


@transaction.atomic
def organisation_evidence_upload(
    *, membership: OrganisationMembership, upload, title: str = ""
) -> OrganisationEvidence:
    """Add a file to the library, checked as a return's evidence is
    (size, type by content, virus scan when configured)."""
    file_type = evidence_file_inspect(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = OrganisationEvidence(
        organisation=membership.organisation,
        token=secrets.token_hex(16),
        title=title.strip(),
        original_name=evidence_file_name(upload.name, file_type),
        content_type=file_type.mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        added_by_name=membership.name,
    )
    evidence.file.save(f"{evidence.token}.{file_type.extension}", ContentFile(upload.read()), save=False)
    evidence.save()
    OrganisationEvent.objects.create(
        organisation=membership.organisation,
        actor_name=membership.name,
        actor_email=membership.email,
        verb="evidence.uploaded",
        detail={"name": evidence.original_name},
    )
    return evidence


@transaction.atomic
def organisation_evidence_attach(
    *, membership: OrganisationMembership, evidence: OrganisationEvidence, target: Submission, theme: Theme
) -> ThemeResponse:
    """Copy a library file into `target` (already reached through the
    organisation's accepted links) as evidence of `theme`: a save of that
    theme with its answers, rating and comments as they are, and the file
    added, so the return's policy, lock and rules apply."""
    if evidence.organisation_id != membership.organisation_id:
        raise OrganisationRefusedError("That file is not in your organisation’s library")
    upload = evidence_file_copy(
        evidence.file, name=evidence.original_name, content_type=evidence.content_type
    )
    response = ThemeResponse.objects.filter(submission=target, theme=theme).first()
    answers = dict(
        Answer.objects.filter(submission=target, question__theme=theme).values_list("question_id", "value")
    )
    return theme_response_save(
        submission=target,
        theme=theme,
        answers=answers,
        rag=response.rag if response else "",
        comments=response.comments if response else "",
        expected_version=response.version if response else 0,
        actor=member_actor(membership),
        new_files=[upload],
    )
