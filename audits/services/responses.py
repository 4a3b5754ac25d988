"""Saving a theme: answers, RAG self-rating, comments and evidence, whole
or nothing, refused on a stale version or a locked return."""

import hashlib
import secrets
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from core.audit import audit_event_record
from core.domain import Actor, DomainError
from core.joined_select import JoinedSelect
from themes.models import Theme

from .. import policy
from ..models import Answer, AnswerValue, Evidence, Rag, Submission, SubmissionStatus, ThemeResponse
from .evidence_files import (
    EVIDENCE_FILE_TYPES,
    evidence_file_inspect,
    evidence_file_name,
)

# What a file must be to be evidence: audits/evidence_files.py decides from
# its contents, with a parser for each type.
EVIDENCE_TYPES = {mime: t.label for mime, t in EVIDENCE_FILE_TYPES.items()}


class SubmissionLockedError(DomainError):
    def __init__(self, message=policy.SUBMITTED):
        super().__init__(message)


@dataclass
class StaleThemeError(DomainError):
    """Someone else saved this theme after the page was opened."""

    current: ThemeResponse
    current_answers: dict = field(default_factory=dict)

    def __str__(self):
        who = self.current.updated_by_name or "Someone else"
        return f"{who} saved this theme after you opened it."


# Every write to a return takes this lock first, and a save takes it on every
# "Save and continue": its SQL is made once per process (core.joined_select),
# not compiled by the ORM each time (about a third of a save's CPU in the
# service; docs/performance.md).
_SUBMISSION_LOCKED = JoinedSelect(
    Submission, ["cycle", "partnership"], where="{base}.id = %s", for_update=True
)
# A save's lock with the theme's response read in the same query.
_SUBMISSION_LOCKED_WITH_RESPONSE = JoinedSelect(
    Submission,
    ["cycle", "partnership"],
    beside={"theme_response": (ThemeResponse, "{row}.submission_id = {base}.id AND {row}.theme_id = %s")},
    where="{base}.id = %s",
    for_update=True,
)


def submission_lock_for_edit(submission: Submission, *, may=policy.may_edit) -> Submission:
    """The return read afresh under its row lock, refused unless `may` (a
    rule of audits/policy.py) allows the change now. Every write to a
    return's content starts here (inside its transaction): the lock orders the
    write with a concurrent submit, and the check after it sees the submit if
    that committed first."""
    return _refused_unless(may, _SUBMISSION_LOCKED.get([submission.pk]))


def _refused_unless(may, submission: Submission | None) -> Submission:
    if submission is None:
        raise Submission.DoesNotExist
    may(submission).refuse(SubmissionLockedError if submission.is_locked else DomainError)
    return submission


def theme_rules_check(*, theme: Theme, answers: dict[int, str], rag: str, comments: str) -> dict[str, str]:
    """The theme rules, shared by the form and the service. Returns field →
    message for each broken rule."""
    errors = {}
    comments = (comments or "").strip()
    questions = {q.pk: q for q in theme.questions.all()}
    for question_id, value in answers.items():
        question = questions.get(question_id)
        if question is None:
            errors["__all__"] = "The page was out of date. Reload it and try again."
        elif value == AnswerValue.NA and not question.allows_na:
            errors[f"q_{question_id}"] = "Select yes or no; this question cannot be not applicable"
    if any(v == AnswerValue.NA for v in answers.values()) and not comments:
        errors["comments"] = (
            "Explain in the comments why the questions you answered 'Not applicable' do not apply"
        )
    if rag in (Rag.AMBER, Rag.RED) and not comments:
        errors["comments"] = (
            "Say in the comments how your organisation will improve, because you rated "
            f"this theme {Rag(rag).label}"
        )
    return errors


def _store_evidence_file(*, submission, theme, upload, actor: Actor, staged: bool) -> Evidence:
    file_type = evidence_file_inspect(upload)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    evidence = Evidence(
        submission=submission,
        theme=theme,
        kind=Evidence.Kind.FILE,
        token=secrets.token_hex(16),
        # The uploader's name with the extension of what the file is.
        original_name=evidence_file_name(upload.name, file_type),
        content_type=file_type.mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        staged=staged,
        added_by_name=actor.name,
        added_by_email=actor.email,
    )
    evidence.file.save(f"{evidence.token}.{file_type.extension}", ContentFile(upload.read()), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_stage_file(*, submission: Submission, theme: Theme, upload, actor: Actor) -> Evidence:
    """Keep a file chosen on a page that had other errors, so the person need
    not upload it again. It becomes part of the return only when the theme is
    saved."""
    submission = submission_lock_for_edit(submission, may=policy.may_add_evidence)
    return _store_evidence_file(submission=submission, theme=theme, upload=upload, actor=actor, staged=True)


@transaction.atomic
def evidence_remove(*, submission: Submission, evidence: Evidence, actor: Actor) -> None:
    submission = submission_lock_for_edit(submission, may=policy.may_add_evidence)
    if evidence.submission_id != submission.pk:
        raise DomainError("That evidence belongs to another return.")
    name = str(evidence)
    evidence.delete()
    if evidence.file:
        transaction.on_commit(lambda: evidence.file.storage.delete(evidence.file.name))
    if not evidence.staged:
        audit_event_record(
            partnership=submission.partnership,
            actor=actor,
            verb="evidence.removed",
            submission=submission,
            detail={"theme": evidence.theme.title, "evidence": name},
        )


def _stale(submission: Submission, theme: Theme) -> StaleThemeError:
    """What the theme now holds, for the person whose page is out of date."""
    current = ThemeResponse.objects.filter(submission=submission, theme=theme).first()
    current_answers = dict(
        Answer.objects.filter(submission=submission, question__theme=theme).values_list(
            "question_id", "value"
        )
    )
    return StaleThemeError(
        current=current or ThemeResponse(submission=submission, theme=theme), current_answers=current_answers
    )


# PostgreSQL: the theme's answers as they were, the new ones written and the
# return's version moved on, in one statement (every part of a PostgreSQL
# CTE sees the rows as they were before the statement). It saves two round
# trips and the ORM's compiling of three queries on every save
# (docs/performance.md).
_ANSWERS_WRITE_SQL = """
WITH before AS (
    SELECT question_id, value FROM audits_answer
    WHERE submission_id = %(submission)s AND question_id = ANY(%(questions)s::bigint[])
), written AS (
    INSERT INTO audits_answer (submission_id, question_id, value, updated_at)
    SELECT %(submission)s, new.question_id, new.value, %(now)s
    FROM unnest(%(questions)s::bigint[], %(values)s::varchar[]) AS new(question_id, value)
    ON CONFLICT (submission_id, question_id)
    DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at
), changed AS (
    UPDATE audits_submission SET version = version + 1, updated_at = %(now)s, status = %(status)s
    WHERE id = %(submission)s
)
SELECT question_id, value FROM before
"""


def _answers_save(*, submission: Submission, answers: dict[int, str], now) -> dict[int, str]:
    """Insert or update the return's answers (question id → value) and move
    the return's version on (a return not started is now in progress);
    returns what those questions' answers were before. The caller holds the
    submission's lock and has checked the questions are the theme's."""
    status = submission.status
    if status == SubmissionStatus.NOT_STARTED:
        status = SubmissionStatus.IN_PROGRESS
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                _ANSWERS_WRITE_SQL,
                {
                    "submission": submission.pk,
                    "questions": list(answers),
                    "values": list(answers.values()),
                    "now": now,
                    "status": status,
                },
            )
            return dict(cursor.fetchall())
    before = dict(
        Answer.objects.filter(submission=submission, question_id__in=list(answers)).values_list(
            "question_id", "value"
        )
    )
    Answer.objects.bulk_create(
        [Answer(submission=submission, question_id=q, value=v, updated_at=now) for q, v in answers.items()],
        update_conflicts=True,
        unique_fields=["submission", "question"],
        update_fields=["value", "updated_at"],
    )
    Submission.objects.filter(pk=submission.pk).update(
        version=F("version") + 1, updated_at=now, status=status
    )
    return before


@transaction.atomic
def theme_response_save(
    *,
    submission: Submission,
    theme: Theme,
    answers: dict[int, str],
    rag: str,
    comments: str,
    expected_version: int,
    actor: Actor,
    staged_evidence_ids: list[int] = (),
    new_links: list[tuple[str, str]] = (),
    new_files: list = (),
) -> ThemeResponse:
    """Save one theme of a return.

    `expected_version` is the theme's version when the page was opened; if
    someone saved the theme since, StaleThemeError is raised and nothing is
    written. Saves of different themes never conflict.
    """
    # Lock the submission row first: this orders concurrent saves with a
    # concurrent submit, so nothing is written after the return is locked.
    # The theme's response comes in the same query.
    submission = _refused_unless(
        policy.may_edit, _SUBMISSION_LOCKED_WITH_RESPONSE.get([theme.pk, submission.pk])
    )
    response = submission.theme_response
    if theme.question_set_id != submission.question_set_id:
        raise DomainError("That theme is not part of this return.")
    errors = theme_rules_check(theme=theme, answers=answers, rag=rag, comments=comments)
    if errors:
        raise DomainError(next(iter(errors.values())))
    if rag and rag not in Rag.values:
        raise DomainError("Select a RAG rating")
    if (response.version if response else 0) != expected_version:
        raise _stale(submission, theme)

    now = timezone.now()
    values = {
        "rag": rag,
        "rag_defaulted": False,
        # Saving confirms (or changes) answers carried forward from last cycle.
        "carried_forward": False,
        "comments": comments.strip(),
        "updated_by_name": actor.name,
        "updated_by_email": actor.email,
    }
    # The response was read with the lock, but under PostgreSQL's READ
    # COMMITTED a query that waited for the lock still sees the other rows
    # it joined as they were when it started: a save of this theme that
    # committed meanwhile is not in `response`. So the version is checked
    # again by the write itself (the update's WHERE; the unique (submission,
    # theme) constraint for a first save), before anything else is written.
    rag_before, comments_before = (response.rag, response.comments) if response else ("", "")
    if response is None:
        try:
            with transaction.atomic():
                response = ThemeResponse.objects.create(
                    submission=submission, theme=theme, version=1, **values
                )
        except IntegrityError:
            raise _stale(submission, theme) from None
    else:
        written = ThemeResponse.objects.filter(pk=response.pk, version=expected_version).update(
            **values, version=F("version") + 1, updated_at=now
        )
        if not written:
            raise _stale(submission, theme)
        for name, value in {**values, "version": expected_version + 1, "updated_at": now}.items():
            setattr(response, name, value)

    before = _answers_save(submission=submission, answers=answers, now=now)
    changes = {str(q): [before.get(q), v] for q, v in answers.items() if before.get(q) != v}

    if staged_evidence_ids:
        Evidence.objects.filter(
            submission=submission, theme=theme, staged=True, pk__in=staged_evidence_ids
        ).update(staged=False)
    for url, title in new_links:
        Evidence.objects.create(
            submission=submission,
            theme=theme,
            kind=Evidence.Kind.LINK,
            url=url,
            title=title or url,
            token=secrets.token_hex(16),
            added_by_name=actor.name,
            added_by_email=actor.email,
        )
    for upload in new_files:
        _store_evidence_file(submission=submission, theme=theme, upload=upload, actor=actor, staged=False)

    audit_event_record(
        partnership=submission.partnership,
        actor=actor,
        verb="theme.saved",
        submission=submission,
        obj=response,
        detail={
            "theme": theme.title,
            "answers_changed": changes,
            "rag": [rag_before, rag] if rag_before != rag else None,
            "comments_changed": comments_before != response.comments,
            "evidence_added": len(new_links) + len(new_files) + len(staged_evidence_ids),
        },
    )
    return response
