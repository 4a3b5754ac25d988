"""Writes to audits, one module per sub-domain. Import from here."""

from .core import (
    cycle_create,
    submission_get_or_create,
    submission_reference_new,
)
from .links import (
    LinkRequestLimitedError,
    resume_link_create,
    resume_link_request,
    resume_link_resolve,
    resume_link_revoke,
    resume_link_send,
    start_request,
)
from .responses import (
    StaleThemeError,
    SubmissionLockedError,
    evidence_remove,
    evidence_stage_file,
    theme_response_save,
)
from .submit import StaleSubmissionError, SubmissionIncompleteError, submission_submit

__all__ = [
    "LinkRequestLimitedError",
    "StaleSubmissionError",
    "StaleThemeError",
    "SubmissionIncompleteError",
    "SubmissionLockedError",
    "cycle_create",
    "evidence_remove",
    "evidence_stage_file",
    "resume_link_create",
    "resume_link_request",
    "resume_link_resolve",
    "resume_link_revoke",
    "resume_link_send",
    "start_request",
    "submission_get_or_create",
    "submission_reference_new",
    "submission_submit",
    "theme_response_save",
]
