"""Answer once, submit to many (issue 13 item 4): an organisation member
copies one theme's answers, rating, comments and evidence from one of the
organisation's returns into another, for the questions that are the same.
Evidence files are copied into the target partnership's own storage as new
uploads of that return (as the evidence library's attach does), so no
partnership's storage holds a path into another's; a file or link the
target's theme already has is not copied twice.

"The same" is the stable key a built-in library question carries into every
partnership's copy: the theme's key and the question's key
(themes.models.Question.match_key). A partnership's own (local) question
matches only once the partnership has mapped it to a library question. The copy is an ordinary theme save of
the target return (its policy, lock and version check apply), and both
returns' histories record it without naming the other partnership."""

from dataclasses import dataclass, field

from django.db import transaction

from audits.models import Answer, AnswerValue, Evidence, Rag, Submission, ThemeResponse
from audits.services.responses import theme_response_save
from core.audit import audit_event_record
from themes.models import Question, Theme

from ..models import OrganisationMembership
from .evidence import evidence_file_copy
from .members import OrganisationRefusedError, member_actor


def _question_key(question: Question, theme: Theme) -> tuple[str, str] | None:
    return question.match_key(theme.key)


def _answers_by_key(
    submission: Submission, themes: list[Theme], values: dict[int, str] | None = None
) -> dict[tuple[str, str], str]:
    """The return's answers by stable key, across the whole set: a mapped
    local question may sit in another theme than the library question it
    stands for. `values` (question id → answer) if already read."""
    if values is None:
        values = dict(Answer.objects.filter(submission=submission).values_list("question_id", "value"))
    by_key = {}
    for theme in themes:
        for question in theme.questions.all():
            key = _question_key(question, theme)
            if key is not None and question.pk in values:
                by_key[key] = values[question.pk]
    return by_key


@dataclass
class CopyRow:
    text: str
    current: str  # the target's answer now ("" for none)
    new: str  # the source's answer


@dataclass
class ThemeCopyPreview:
    key: str
    title: str
    rows: list[CopyRow] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # the target's questions with no source answer
    rag_current: str = ""
    rag_new: str = ""
    comments_change: bool = False
    source_saved: bool = False
    evidence_files: int = 0  # the source's files this theme's copy would add
    evidence_links: int = 0

    @property
    def changes(self) -> int:
        return (
            sum(1 for r in self.rows if r.current != r.new)
            + (self.rag_current != self.rag_new)
            + int(self.comments_change)
        )


def _label(value: str) -> str:
    return AnswerValue(value).label if value in AnswerValue.values else "Not answered"


def _rag_label(value: str) -> str:
    return Rag(value).label if value in Rag.values else "Not rated"


def _themes(submission: Submission) -> list[Theme]:
    return list(
        Theme.objects.filter(question_set_id=submission.question_set_id)
        .order_by("order")
        .prefetch_related("questions")
    )


def _themes_of_both(source: Submission, target: Submission) -> tuple[list[Theme], list[Theme]]:
    """Both returns' themes with their questions, in two queries."""
    themes = list(
        Theme.objects.filter(question_set_id__in={source.question_set_id, target.question_set_id})
        .order_by("order")
        .prefetch_related("questions")
    )
    return (
        [t for t in themes if t.question_set_id == source.question_set_id],
        [t for t in themes if t.question_set_id == target.question_set_id],
    )


def _evidence_new(source: list[Evidence], target: list[Evidence]) -> list[Evidence]:
    """The source theme's evidence the target theme does not have yet (the
    same file contents, or the same link)."""
    have = {e.sha256 if e.kind == Evidence.Kind.FILE else e.url for e in target}
    return [e for e in source if (e.sha256 if e.kind == Evidence.Kind.FILE else e.url) not in have]


def _evidence_by_theme(submissions: list[Submission]) -> dict[tuple[int, int], list[Evidence]]:
    found: dict[tuple[int, int], list[Evidence]] = {}
    for item in Evidence.objects.filter(submission__in=submissions, staged=False).only(
        "submission_id", "theme_id", "kind", "sha256", "url", "title", "file", "original_name", "content_type"
    ):
        found.setdefault((item.submission_id, item.theme_id), []).append(item)
    return found


def theme_copy_preview(*, source: Submission, target: Submission) -> list[ThemeCopyPreview]:
    """For each theme of the target: what copying the source's theme would
    change (question by question), and the target's questions that have no
    match. Both returns must already be the organisation's (the view reached
    them through audits.access)."""
    source_theme_list, target_theme_list = _themes_of_both(source, target)
    source_themes = {t.key: t for t in source_theme_list}
    values: dict[int, dict[int, str]] = {source.pk: {}, target.pk: {}}
    for submission_id, question_id, value in Answer.objects.filter(
        submission__in=[source, target]
    ).values_list("submission_id", "question_id", "value"):
        values[submission_id][question_id] = value
    source_answers = _answers_by_key(source, source_theme_list, values[source.pk])
    target_answers = values[target.pk]
    responses = {
        (r.submission_id, r.theme_id): r
        for r in ThemeResponse.objects.filter(submission__in=[source, target])
    }
    evidence = _evidence_by_theme([source, target])
    previews = []
    for theme in target_theme_list:
        preview = ThemeCopyPreview(key=theme.key, title=theme.title)
        source_theme = source_themes.get(theme.key)
        if source_theme is not None:
            source_response = responses.get((source.pk, source_theme.pk))
            preview.source_saved = source_response is not None and source_response.version > 0
            target_response = responses.get((target.pk, theme.pk))
            preview.rag_current = target_response.rag if target_response else ""
            preview.rag_new = source_response.rag if source_response else ""
            preview.comments_change = bool(source_response) and (
                (target_response.comments if target_response else "") != source_response.comments
            )
            new = _evidence_new(
                evidence.get((source.pk, source_theme.pk), []), evidence.get((target.pk, theme.pk), [])
            )
            preview.evidence_files = sum(1 for e in new if e.kind == Evidence.Kind.FILE)
            preview.evidence_links = len(new) - preview.evidence_files
        for question in theme.questions.all():
            key = _question_key(question, theme)
            if key not in source_answers:
                preview.unmatched.append(question.text)
                continue
            preview.rows.append(
                CopyRow(
                    text=question.text,
                    current=_label(target_answers.get(question.pk, "")),
                    new=_label(source_answers[key]),
                )
            )
        preview.rag_current, preview.rag_new = _rag_label(preview.rag_current), _rag_label(preview.rag_new)
        previews.append(preview)
    return previews


@transaction.atomic
def theme_copy(
    *, membership: OrganisationMembership, source: Submission, target: Submission, theme_key: str
) -> ThemeResponse:
    """Copy one theme from `source` into `target` (both already reached
    through the organisation's accepted links). Refused if the returns are
    one, the theme is not in both, or the source's theme was never saved;
    the target's own rules (open, not locked, N/A reasons) apply as for any
    save."""
    if source.pk == target.pk:
        raise OrganisationRefusedError("Choose two different returns")
    target_theme = next((t for t in _themes(target) if t.key == theme_key), None)
    source_theme_list = _themes(source)
    source_theme = next((t for t in source_theme_list if t.key == theme_key), None)
    if target_theme is None or source_theme is None:
        raise OrganisationRefusedError("This theme is not in both returns")
    source_response = ThemeResponse.objects.filter(submission=source, theme=source_theme).first()
    if source_response is None or source_response.version == 0:
        raise OrganisationRefusedError(
            f"“{source_theme.title}” has not been answered in the return you copy from"
        )
    source_answers = _answers_by_key(source, source_theme_list)
    answers = {}
    for question in target_theme.questions.all():
        key = _question_key(question, target_theme)
        if key in source_answers:
            answers[question.pk] = source_answers[key]
    target_response = ThemeResponse.objects.filter(submission=target, theme=target_theme).first()
    evidence = _evidence_by_theme([source, target])
    new_evidence = _evidence_new(
        evidence.get((source.pk, source_theme.pk), []), evidence.get((target.pk, target_theme.pk), [])
    )
    new_files, new_links = [], []
    for item in new_evidence:
        if item.kind == Evidence.Kind.LINK:
            new_links.append((item.url, item.title))
            continue
        # A new upload of the target: stored (and checked) by the target's save, as the library's attach.
        new_files.append(
            evidence_file_copy(item.file, name=item.original_name, content_type=item.content_type)
        )
    actor = member_actor(membership)
    response = theme_response_save(
        submission=target,
        theme=target_theme,
        answers=answers,
        rag=source_response.rag,
        comments=source_response.comments,
        expected_version=target_response.version if target_response else 0,
        actor=actor,
        new_files=new_files,
        new_links=new_links,
    )
    organisation = membership.organisation.name
    detail = {
        "theme": target_theme.title,
        "organisation": organisation,
        "answers_copied": len(answers),
        "evidence_copied": len(new_evidence),
    }
    audit_event_record(
        partnership=target.partnership,
        actor=actor,
        verb="organisation.theme_copied_in",
        submission=target,
        detail=detail,
    )
    audit_event_record(
        partnership=source.partnership,
        actor=actor,
        verb="organisation.theme_copied_out",
        submission=source,
        detail=detail,
    )
    return response
